"""The index the database answers: the in-memory index's verdicts, keys bounded, backfilled by the
migration, known URLs looked up in batches."""
from __future__ import annotations

import random
from datetime import timedelta

from alembic import command
from sqlalchemy import func, insert, select

from analysis.stories import MAX_DF
from crawler.dedup import DedupIndex
from crawler.dedup_keys import ROWS, TERM, ArticleKeys, key_of, stored_urls, write_keys
from crawler.ingest import Ingestor
from crawler.spiders.base import KnownUrls
from crawler.stored_index import ReadCache, StoredIndex
from storage.db import alembic_config, open_database
from storage.models import Article, DedupCount, DedupKey, Story
from analysis.shingles import Signature
from analysis.stories import story_entities, story_terms
from crawler.dedup import days
from tests.crawler.test_dedup import COMMON, T0, Store, article, make_doc, render, reword
from tests.crawler.test_stories import (LAUNCH_PAPER, LAUNCH_TITLES, LAUNCH_WIRE, ORIGINAL, OTHER_STORY, PARAPHRASE,
                                        REWRITE, SPLASHDOWN, TINY, UNRELATED)


class DatabaseStore:
    """`tests.crawler.test_dedup.Store` over the database: the same ids and stories, checked by
    `StoredIndex` in one transaction per article, with what it read cached across them as
    ingest does."""

    def __init__(self, factory) -> None:
        self.factory = factory
        self.cache = ReadCache()
        self.next_id, self.next_story = 1, 1

    def put(self, doc):
        with self.factory() as session, session.begin():
            index = StoredIndex(session, self.cache)
            verdict = index.check(doc)
            story = verdict.story_id
            if doc.relevant and story is None:
                story, self.next_story = self.next_story, self.next_story + 1
                session.execute(insert(Story), {"id": story, "title": doc.title})
            article_id, self.next_id = self.next_id, self.next_id + 1
            row = dict(id=article_id, url=doc.url, canonical_url=doc.canonical_url, source=doc.source, title=doc.title,
                       text=doc.text, text_hash=doc.text_hash, published_at=doc.published_at, relevant=doc.relevant,
                       story_id=story if doc.relevant else None, duplicate_of_id=verdict.duplicate_of_id,
                       signature=doc.signature)
            session.execute(insert(Article), row)
            index.add(article_id, row)
            index.flush()
        return article_id, verdict, story


def mixed_corpus() -> list:
    """Originals, copies of them (edited, cut, padded), URL variants, one-line stubs, the story
    texts of test_stories, and fresh articles: every layer has something to say."""
    rng = random.Random(21)
    docs, originals = [], []
    for n in range(90):
        paras = article(rng)
        originals.append(paras)
        docs.append(make_doc(f"https://orig.example/{n}", f"Original {n}", render(paras),
                             published=T0 + timedelta(days=n % 30), relevant=n % 7 != 0))
    for n, paras in enumerate(originals[:45]):
        edits = [reword(rng, paras, 0.3), reword(rng, paras[:-1], 0.5), paras[:3], reword(rng, paras, 0.8)]
        docs.append(make_doc(f"https://copy.example/{n}", f"Copy {n}", render(edits[n % 4]),
                             published=T0 + timedelta(days=n % 30 + (n % 3))))
    docs += [make_doc("https://orig.example/3?utm_source=feed", "Other", "changed"),
             make_doc("https://m.orig.example/4", "Other", render(article(rng))),
             make_doc("https://syndicator.example/9", "Other", render(article(rng)), declared="https://orig.example/5"),
             make_doc("https://stub.example/1", "Launch delayed", "Subscribe to read the full article."),
             make_doc("https://stub.example/2", "Launch  delayed", "Subscribe to read the full article."),
             make_doc("https://stub.example/3", "Actor cast", "Subscribe to read the full article.")]
    titles = iter(["Norwegian film to shoot on Tiangong", "Polar Night will film in orbit",
                   "Polar Night loses its lead actress", "Fish lorry closes E6", "Polar Night: brief",
                   *LAUNCH_TITLES, "Brazil's first film crew heads to orbit"])
    for n, (text, hours) in enumerate([(ORIGINAL, 0), (REWRITE, 20), (OTHER_STORY, 72), (UNRELATED, 24), (TINY, 1),
                                       (LAUNCH_WIRE, 0), (LAUNCH_PAPER, 20), (SPLASHDOWN, 120),
                                       (PARAPHRASE, 24 * 60)]):
        docs.append(make_doc(f"https://story.example/{n}", next(titles), text, published=T0 + timedelta(hours=hours)))
    # a production's older articles, sharing more names with the next report than its own story does
    words = LAUNCH_PAPER.split()
    for n in range(14):
        rng.shuffle(words)
        docs.append(make_doc(f"https://older.example/{n}", "Falcão and Rezende in Copacabana",
                             " ".join(words) + " Beatriz Falcão met Otávio Rezende and Glen Whitaker at Maré Filmes.",
                             published=T0 - timedelta(days=60 + n)))
    docs.append(make_doc("https://story.example/again", LAUNCH_TITLES[1], LAUNCH_PAPER,
                         published=T0 + timedelta(hours=30)))
    # a text of common words only (no rare term to find it by) and its copy: only LSH proposes it
    plain = render([[" ".join(rng.choice(COMMON) for _ in range(18)).capitalize() + "." for _ in range(4)]
                    for _ in range(5)])
    docs += [make_doc("https://plain.example/1", "The film crew", plain),
             make_doc("https://plain.example/2", "The film crew", plain.replace(".", " today.", 3))]
    undated = make_doc("https://undated.example/1", "Polar Night will film in orbit", REWRITE, published=None)
    damaged = make_doc("https://damaged.example/1", "Damaged", render(originals[10]))
    damaged.signature = b"SWS2 damaged"
    docs += [undated, damaged]
    docs += [make_doc(f"https://fresh.example/{n}", f"Fresh {n}", render(article(rng)),
                      published=T0 + timedelta(days=n)) for n in range(40)]
    return docs


def _same_candidates(memory: DedupIndex, stored: StoredIndex, doc) -> None:
    """Each way of finding candidates proposes the same articles, with the same similarities."""
    sig = Signature.from_bytes(doc.signature)
    terms = story_terms(sig.terms, sig.counts, doc.title)
    names = story_entities(sig.entities, sig.entity_counts, doc.title)
    assert {memory._ids[row] for row in memory._near(sig.hashvalues)} == stored._near(sig.hashvalues)
    for kind, query, when in ((False, terms, None), (True, names, days(doc.published_at))):
        assert ([(memory._ids[s.row], s.cosine, s.shared) for s in memory._similar(kind, query, when)]
                == [(s.row, s.cosine, s.shared) for s in stored._similar(kind, query, when)]), (doc.url, kind)


def test_the_database_gives_the_verdicts_of_the_index_in_memory(factory):
    memory, database = Store(), DatabaseStore(factory)
    layers = set()
    for doc in mixed_corpus():
        if doc.signature and doc.signature.startswith(b"SWS2") and len(doc.signature) > 100:
            with factory() as session:
                _same_candidates(memory.index, StoredIndex(session), doc)
        expected = memory.put(doc)
        assert database.put(doc) == expected, doc.url
        layers.add(expected[1].layer)
    assert layers == {None, "url", "hash", "near", "story"}
    with factory() as session:  # and the same as an index rebuilt in memory from the rows stored
        rebuilt = DedupIndex.load(session)
        probe = make_doc("https://late.example/1", "Polar Night will film in orbit", REWRITE,
                         published=T0 + timedelta(hours=30))
        assert StoredIndex(session).check(probe) == rebuilt.check(probe) == memory.index.check(probe)


def _bare_articles(session, count: int) -> list[int]:
    rows = [dict(id=n, url=f"https://bare.example/{n}", canonical_url=f"https://bare.example/{n}", source="bare",
                 title="", text="", text_hash="") for n in range(1, count + 1)]
    session.execute(insert(Article), rows)
    return [row["id"] for row in rows]


def test_a_common_term_stops_being_posted_but_is_still_counted(factory):
    common, rare = key_of("everywhere"), key_of("seldom")
    with factory() as session, session.begin():
        for article_id in _bare_articles(session, MAX_DF + 5):
            write_keys(session, article_id, ArticleKeys(terms=[common, rare] if article_id <= 3 else [common]))
    with factory() as session:
        def postings(key):
            return session.scalar(select(func.count()).select_from(DedupKey)
                                  .where(DedupKey.kind == TERM, DedupKey.key == key))

        def count(kind, key):
            return session.scalar(select(DedupCount.count).where(DedupCount.kind == kind, DedupCount.key == key))

        assert (postings(common), count(TERM, common)) == (MAX_DF, MAX_DF + 5)
        assert (postings(rare), count(TERM, rare)) == (3, 3)
        assert count(ROWS, TERM) == MAX_DF + 5


def _keys(session) -> tuple[list, list]:
    return (sorted(session.execute(select(DedupKey.kind, DedupKey.key, DedupKey.article_id)).all()),
            sorted(session.execute(select(DedupCount.kind, DedupCount.key, DedupCount.count)).all()))


def test_the_migration_backfills_the_keys_ingest_writes(factory):
    ingestor = Ingestor(factory)
    for doc in mixed_corpus()[::3]:
        ingestor.ingest(doc)
    with factory() as session:
        written = _keys(session)
        engine = session.get_bind()
    assert len(written[0]) > 1000 and written[1]
    config = alembic_config(engine)
    command.downgrade(config, "0004")
    command.upgrade(config, "head")
    with factory() as session:
        assert _keys(session) == written


def test_known_urls_are_looked_up_in_batches_as_linked_cleaned_and_declared(factory):
    ingestor = Ingestor(factory)
    ingestor.ingest(make_doc("https://news.example/a?id=7&utm_source=feed", "A", render(article(random.Random(31)))))
    ingestor.ingest(make_doc("https://mirror.example/b", "B", render(article(random.Random(32))),
                             declared="https://news.example/b"))
    lookup = stored_urls(factory)
    batches = []
    known = KnownUrls(lambda urls: batches.append(list(urls)) or lookup(urls))
    links = ["https://news.example/a?id=7&utm_source=feed", "https://news.example/a?utm_medium=rss&id=7",
             "https://news.example/a?id=8", "https://news.example/b", "https://mirror.example/b?utm_campaign=x"]
    known.prefetch(links)
    assert [known.known(url) for url in links] == [True, True, False, True, True]
    assert len(batches) == 1
    # what is stored after the crawl started is for ingest to tell, as when the URLs were loaded
    ingestor.ingest(make_doc("https://news.example/c", "C", render(article(random.Random(33)))))
    assert not known.known("https://news.example/c") and len(batches) == 2
    assert KnownUrls(stored_urls(factory)).known("https://news.example/c")


def test_what_another_process_stores_reaches_a_cached_check(factory):
    mine, other = Ingestor(factory), Ingestor(factory)  # each with its own cache, as two processes
    mine.ingest(make_doc("https://fjord.example/polar-night", "Norwegian film to shoot on Tiangong", ORIGINAL))
    probe = make_doc("https://wire.example/2", "Polar Night will film in orbit", REWRITE, published=T0 + timedelta(days=1))
    sig = Signature.from_bytes(probe.signature)
    terms = story_terms(sig.terms, sig.counts, probe.title)

    def similar(cache):
        with factory() as session:
            index = StoredIndex(session, cache)
            index._totals = None
            return index._similar(False, terms)

    before = similar(mine.cache)  # reads (and caches) the frequencies of the probe's terms
    other.ingest(make_doc("https://fjord.example/recast", "Polar Night loses its lead actress", OTHER_STORY))
    after = similar(mine.cache)
    assert after == similar(ReadCache()) and after != before
    assert mine.ingest(probe).outcome.value == "new"


def _stored(session) -> list:
    return session.execute(select(Article.url, Article.duplicate_of_id, Article.duplicate_layer, Article.story_id,
                                  Article.story_evidence).order_by(Article.id)).all()


def test_a_batch_reads_its_own_unwritten_keys_as_if_written(factory, tmp_path):
    """Keys are written once a batch, at its end: a later article of the batch is still checked
    against the earlier ones (same URL, same text, near copies, same story) as one by one."""
    docs = mixed_corpus()[::2]
    engine, one_by_one = open_database(f"sqlite:///{tmp_path / 'reference.db'}")
    try:
        reference = Ingestor(one_by_one)
        for doc in docs:
            reference.ingest(doc)
        with one_by_one() as session:
            expected, keys = _stored(session), _keys(session)
    finally:
        engine.dispose()
    batched = Ingestor(factory)
    for start in range(0, len(docs), 25):
        batched.ingest_many(docs[start:start + 25])
    with factory() as session:
        assert _stored(session) == expected
        assert _keys(session) == keys
    assert {row.duplicate_layer for row in expected} >= {"url", "hash", "near"}
