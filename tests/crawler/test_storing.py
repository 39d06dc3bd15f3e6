"""Storing runs in a process of its own: a batch the database refuses fails alone, and a storing
process that dies fails the pages it had, never the crawl or the caller."""
from __future__ import annotations

import asyncio
import os
import signal

import pytest
from sqlalchemy import select, text

from analysis.analyse import document
from analysis.rules import Rules, TopicRules
from crawler.ingest import Outcome
from crawler.pipelines import GATHER_SECONDS, Store
from crawler.storing import StoringFailed, StoringProcess
from storage.db import open_database
from storage.models import Article
from tests.crawler.crawl_helpers import article, crawl, feed, rss, words

REFUSE = ("CREATE TRIGGER refuse_some BEFORE INSERT ON articles WHEN NEW.url LIKE '%/refused/%' "
          "BEGIN SELECT RAISE(ABORT, 'this page is refused'); END")


def _doc(url: str):
    return document(url=url, canonical=url, source="test", title="Crew films aboard the station",
                    text=words(url, 200), published_at=None, author=None, lang="en",
                    rules=Rules(topic=TopicRules()))


def test_a_page_the_database_refuses_fails_alone(sqlite_url, site):
    titles = ["Crew films aboard the station", "Director flies to orbit", "Cast trains for launch"]
    paths = ["/a/1.html", "/refused/2.html", "/a/3.html"]
    for title, path in zip(titles, paths):
        site.add(path, article(title, seed=path))
    site.add("/feed.xml", rss([(t, site.url(p)) for t, p in zip(titles, paths)]),
             content_type="application/rss+xml")
    engine, factory = open_database(sqlite_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(REFUSE))
        summary = crawl(factory, [feed("one", site.url("/feed.xml"))])
        with factory() as session:
            stored = set(session.scalars(select(Article.url)))
    finally:
        engine.dispose()
    assert stored == {site.url("/a/1.html"), site.url("/a/3.html")}
    report = summary.sources[0]
    assert report.errors == 1 and summary.total("fetched") == 3
    assert "cannot store: IntegrityError" in report.problem() and "this page is refused" in report.problem()


def test_a_storing_process_that_dies_fails_its_batches_and_is_closed(sqlite_url):
    engine, _ = open_database(sqlite_url)
    engine.dispose()
    storing = StoringProcess(sqlite_url)
    try:
        stored, cpu = storing.ingest_many([_doc("https://example.org/one")])
        assert [s.outcome for s in stored] == [Outcome.NEW] and cpu > 0
        os.kill(storing._process.pid, signal.SIGKILL)
        storing._process.join()
        with pytest.raises(StoringFailed, match="storing process ended"):
            storing.ingest_many([_doc("https://example.org/two")])
    finally:
        storing.close()
    assert not storing._process.is_alive()


def test_a_refused_article_fails_alone_within_its_batch(sqlite_url):
    """The batch is one transaction: when the database refuses one article, the batch is stored
    again one by one, so that only the refused one fails."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from crawler.pipelines import Store

    engine, _ = open_database(sqlite_url)
    with engine.begin() as connection:
        connection.execute(text(REFUSE))
    engine.dispose()
    docs = [_doc("https://example.org/a/1"), _doc("https://example.org/refused/2"), _doc("https://example.org/a/3")]

    async def store_one_batch():
        loop = asyncio.get_running_loop()
        batch = [(doc, loop.create_future()) for doc in docs]
        await store._store_batch(batch)
        return [future.exception() or future.result() for _, future in batch]

    storing = StoringProcess(sqlite_url)
    store = Store(ThreadPoolExecutor(1), storing, Rules(topic=TopicRules()), {})
    try:
        first, refused, third = asyncio.run(store_one_batch())
    finally:
        store.close()
        storing.close()
    assert first.outcome is third.outcome is Outcome.NEW
    assert isinstance(refused, StoringFailed) and "this page is refused" in str(refused)


def test_documents_arriving_close_together_are_stored_in_one_transaction(sqlite_url):
    """A transaction costs the storing process more than an article does, so documents handed
    over one at a time, as the workers finish them, wait up to GATHER_SECONDS for each other."""
    engine, factory = open_database(sqlite_url)
    storing = StoringProcess(sqlite_url)
    store = Store(None, storing, Rules(topic=TopicRules()), {})
    spacing = GATHER_SECONDS / 20

    async def one_at_a_time():
        waiting = []
        for n in range(3):
            waiting.append(store._queue(_doc(f"https://example.org/{n}")))
            await asyncio.sleep(spacing)  # how the workers hand them over, not a wait for a result
        return await asyncio.gather(*waiting)

    try:
        stored = asyncio.run(one_at_a_time())
        with factory() as session:
            urls = set(session.scalars(select(Article.url)))
    finally:
        store.close()
        storing.close()
        engine.dispose()
    assert len({s.article_id for s in stored}) == 3 and urls == {f"https://example.org/{n}" for n in range(3)}
    assert store.batches == 1
