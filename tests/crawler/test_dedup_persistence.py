"""The index is the database's: the same verdicts from its keys as from an index rebuilt in memory,
and what another process stored is seen."""
from __future__ import annotations

import multiprocessing
import random
from datetime import timedelta

from sqlalchemy import select

from crawler.ingest import Ingestor, Outcome
from crawler.dedup import DedupIndex
from crawler.stored_index import StoredIndex
from storage.db import open_database
from storage.models import Article
from tests.crawler.test_dedup import T0, article, make_doc, render, reword
from tests.crawler.test_stories import ORIGINAL, OTHER_STORY, REWRITE


def corpus():
    rng = random.Random(11)
    paras = article(rng)
    stored = [make_doc("https://a.example/original", "Original", render(paras)),
              make_doc("https://b.example/fjord", "Norwegian film to shoot on Tiangong", ORIGINAL),
              make_doc("https://c.example/other", "Unrelated", render(article(rng)), relevant=False)]
    probes = [make_doc("https://copy.example/1", "Copy", render(reword(rng, paras, 0.3)),
                       published=T0 + timedelta(days=90)),
              make_doc("https://a.example/original?utm_source=x", "Original", "changed text"),
              make_doc("https://wire.example/rewrite", "Polar Night will film in orbit", REWRITE,
                       published=T0 + timedelta(days=2)),
              make_doc("https://fjord.example/recast", "Polar Night loses its lead actress", OTHER_STORY)]
    return stored, probes


def test_the_databases_index_and_one_rebuilt_in_memory_give_the_same_verdicts(factory):
    stored, probes = corpus()
    ingestor = Ingestor(factory)
    ids = [ingestor.ingest(doc).article_id for doc in stored]
    with factory() as session:
        rebuilt = DedupIndex.load(session)
        story_of = {row.id: row.story_id for row in session.execute(select(Article.id, Article.story_id))}
        assert len(rebuilt) == 3
        verdicts = [rebuilt.check(doc) for doc in probes]
        assert verdicts == [StoredIndex(session).check(doc) for doc in probes]
    assert [(v.duplicate_of_id, v.layer) for v in verdicts] == [(ids[0], "near"), (ids[0], "url"), (None, "story"),
                                                                  (None, None)]
    assert verdicts[2].story_id == story_of[ids[1]] is not None


def test_ingest_records_layer_score_and_evidence(factory):
    stored, probes = corpus()
    ingestor = Ingestor(factory)
    first = ingestor.ingest(stored[0]).article_id
    result = ingestor.ingest(probes[0])
    assert result.outcome == Outcome.DUPLICATE
    with factory() as session:
        copy = session.get(Article, result.article_id)
        original = session.get(Article, first)
        assert (copy.duplicate_of_id, copy.duplicate_layer, copy.story_id) == (first, "near", original.story_id)
        assert 0.5 <= copy.duplicate_score <= 1.0 and f"article {first}" in copy.story_evidence
        assert copy.signature == probes[0].signature


def _store_in_other_process(db_url: str, doc) -> None:
    engine, sessions = open_database(db_url)
    try:
        Ingestor(sessions).ingest(doc)
    finally:
        engine.dispose()


def test_refresh_sees_what_another_process_stored(db_url, factory):
    stored, probes = corpus()
    service = Ingestor(factory)  # made while the database is empty, like a running service
    process = multiprocessing.get_context("spawn").Process(target=_store_in_other_process, args=(db_url, stored[0]))
    process.start()
    process.join(timeout=120)
    assert process.exitcode == 0
    result = service.ingest(probes[0])
    with factory() as session:
        original = session.scalar(select(Article.id).where(Article.url == stored[0].url))
        assert session.get(Article, result.article_id).duplicate_of_id == original


def test_the_same_canonical_url_from_two_sources_is_stored_once_as_original(factory):
    stored, _ = corpus()
    first, second = Ingestor(factory), Ingestor(factory)
    a = first.ingest(stored[0])
    twin = make_doc("https://aggregator.example/r/991", "Original", stored[0].text,
                    declared="https://a.example/original")
    b = second.ingest(twin)
    assert a.outcome == Outcome.NEW and b.outcome == Outcome.DUPLICATE
    with factory() as session:
        assert session.get(Article, b.article_id).duplicate_layer == "url"


def _insert(factory, article_id: int, doc) -> None:
    row = dict(id=article_id, url=doc.url, canonical_url=doc.canonical_url, source=doc.source, title=doc.title,
               text=doc.text, text_hash=doc.text_hash, signature=doc.signature)
    with factory() as session, session.begin():
        session.add(Article(**row))
        session.flush()
        index = StoredIndex(session)
        index.add(article_id, row)
        index.flush()


def test_refresh_sees_a_row_committed_late_under_a_lower_id(factory):
    stored, probes = corpus()
    with factory() as session:
        index = DedupIndex.load(session)
    _insert(factory, 10, stored[1])
    with factory() as session:
        index.refresh(session)
    assert len(index) == 1
    _insert(factory, 5, stored[0])  # a transaction that took its id first and committed last
    with factory() as session:
        index.refresh(session)
        index.refresh(session)
    assert len(index) == 2
    assert index.check(probes[1]).duplicate_of_id == 5
    with factory() as session:
        assert StoredIndex(session).check(probes[1]).duplicate_of_id == 5


def _ingest_at_the_barrier(url: str, db_url: str, doc_url: str, barrier, results) -> None:
    engine, sessions = open_database(db_url)
    stored, _ = corpus()
    doc = stored[0]
    doc.url = doc_url  # the same article (same canonical URL and text) linked under another URL
    ingestor = Ingestor(sessions)
    barrier.wait(timeout=30)
    results.put(ingestor.ingest(doc).outcome.value)
    engine.dispose()


def test_the_same_article_stored_by_two_processes_at_once_is_stored_once(db_url):
    """Two crawls (say the service and a manual one) store the same article at the same moment:
    the ingest lock makes one the original and the other its duplicate, never two originals."""
    engine, sessions = open_database(db_url)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_ingest_at_the_barrier,
                               args=(db_url, db_url, f"https://feed{n}.example/item?utm_source=rss", barrier, results))
               for n in (1, 2)]
    for worker in workers:
        worker.start()
    outcomes = sorted(results.get(timeout=60) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)
    with sessions() as session:
        rows = session.execute(select(Article.id, Article.duplicate_of_id)).all()
    engine.dispose()
    assert outcomes == ["duplicate", "new"]
    originals = [row for row in rows if row.duplicate_of_id is None]
    assert len(rows) == 2 and len(originals) == 1
    assert [row.duplicate_of_id for row in rows if row.duplicate_of_id] == [originals[0].id]


def test_a_copy_judged_irrelevant_inherits_its_originals_verdict_and_story(factory):
    stored, probes = corpus()
    ingestor = Ingestor(factory)
    first = ingestor.ingest(stored[0]).article_id
    copy = probes[0]
    copy.relevant, copy.relevance_reason = False, "no topic word"
    result = ingestor.ingest(copy)
    assert result.outcome == Outcome.DUPLICATE
    with factory() as session:
        stored_copy = session.get(Article, result.article_id)
        original = session.get(Article, first)
        assert stored_copy.relevant and stored_copy.story_id == original.story_id is not None
        assert f"a copy of relevant article {first}" in stored_copy.relevance_reason
    # a copy of an irrelevant article stays as it was judged
    irrelevant = make_doc("https://d.example/irrelevant", "Other", render(article(random.Random(13))), relevant=False)
    ingestor.ingest(irrelevant)
    again = make_doc("https://e.example/same", "Other", irrelevant.text, relevant=False)
    result = ingestor.ingest(again)
    with factory() as session:
        assert not session.get(Article, result.article_id).relevant


def test_a_report_of_a_relevant_event_is_relevant_though_judged_otherwise(factory):
    ingestor = Ingestor(factory)
    ingestor.ingest(make_doc("https://fjord.example/polar-night", "Norwegian film to shoot on Tiangong", ORIGINAL))
    judged = [make_doc("https://wire.example/rewrite", "Polar Night will film in orbit", REWRITE,
                       published=T0 + timedelta(days=1), relevant=False),
              make_doc("https://fjord.example/recast", "Polar Night loses its lead actress", OTHER_STORY,
                       published=T0 + timedelta(days=3), relevant=False)]
    results = [ingestor.ingest(doc) for doc in judged]
    with factory() as session:
        report, later = (session.get(Article, r.article_id) for r in results)
        assert report.relevant and report.story_id is not None and "reports the event" in report.relevance_reason
        assert not later.relevant and later.story_id is None  # another event: its own verdict stands
