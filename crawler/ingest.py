"""From a processed document to stored rows: deduplicate, group into a story, store."""
from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from analysis.document import Document
from crawler.cleaning import storable_row
from crawler.dedup import RELEVANT_STORY_SCORE, Verdict
from crawler.stored_index import ReadCache, StoredIndex
from storage.locks import transaction_lock
from storage.models import URL_MAX_LENGTH, Article, Observation, Story, as_utc

INGEST_LOCK = "ingest"
# Rows are written with Core statements on the tables: the ORM's unit of work cost more than
# the dedup checks themselves (~1 ms an article), and nothing here needs objects back.
ARTICLES = Article.__table__
STORIES = Story.__table__
OBSERVATIONS = Observation.__table__
_INSERT_ARTICLE = insert(ARTICLES)


class Outcome(enum.StrEnum):
    NEW = "new"                # a relevant article stored as an original
    DUPLICATE = "duplicate"    # stored, marked as a copy of a stored item
    IRRELEVANT = "irrelevant"  # stored, judged not relevant
    SEEN = "seen"              # this URL was stored already; nothing changed


@dataclass(frozen=True)
class Stored:
    outcome: Outcome
    article_id: int | None


class Ingestor:
    """Stores documents, each checked against everything stored (`StoredIndex`: the database
    answers, so nothing is loaded ahead and what other processes stored is seen)."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory
        self.cache = ReadCache()

    def ingest(self, doc: Document) -> Stored:
        return self.ingest_many([doc])[0]

    def ingest_many(self, docs: list[Document]) -> list[Stored]:
        """Store `docs` in one transaction, each checked against everything stored before it.

        The ingest lock makes check-then-insert atomic across processes: a CLI crawl and the
        service storing the same story at once cannot both store it as an original. The index's
        keys are written in the same transaction as their articles (all of them together, at the
        end: `StoredIndex.flush`); what the checks read is cached across transactions
        (`ReadCache`) and dropped when one fails.
        """
        try:
            with self.factory() as session:
                transaction_lock(session, INGEST_LOCK)
                index = StoredIndex(session, self.cache)
                known = self._stored_urls(session, docs)
                observations: list[dict[str, Any]] = []
                results = [self._store(session, index, doc, known, observations) for doc in docs]
                index.flush()
                if observations:
                    session.execute(insert(OBSERVATIONS), observations)
                session.commit()
        except BaseException:  # what the cache took from this transaction was never stored
            self.cache = ReadCache()
            raise
        return results

    @staticmethod
    def _stored_urls(session: Session, docs: list[Document]) -> dict[str, int]:
        """The ids of the articles already stored under the URLs of `docs` (by link), and under
        their canonical URLs from the same source and host (see `_same_page_key`), in two queries."""
        urls = sorted({doc.url for doc in docs})
        rows = session.execute(select(ARTICLES.c.url, ARTICLES.c.id).where(ARTICLES.c.url.in_(urls)))
        known = {url: article_id for url, article_id in rows}
        canonicals = sorted({doc.canonical_url for doc in docs})
        rows = session.execute(select(ARTICLES.c.source, ARTICLES.c.url, ARTICLES.c.canonical_url, ARTICLES.c.id)
                               .where(ARTICLES.c.canonical_url.in_(canonicals)).order_by(ARTICLES.c.id))
        for source, url, canonical, article_id in rows:
            known.setdefault(_same_page_key(source, url, canonical), article_id)
        return known

    def _store(self, session: Session, index: StoredIndex, doc: Document, known: dict[str, int],
               observations: list[dict[str, Any]]) -> Stored:
        # the same page again: by its link, or by the canonical URL it declares when its own
        # source linked it before on the same host under another link (a fresh GUID, a new utm_*)
        existing = known.get(doc.url) or known.get(_same_page_key(doc.source, doc.url, doc.canonical_url))
        if existing is not None:
            return Stored(Outcome.SEEN, existing)
        verdict = index.check(doc)
        if not doc.relevant and verdict.story_id is not None:
            doc = self._lent_relevance(doc, verdict)
        story_id = self._story_for(session, doc, verdict)
        row = storable_row(self._article(doc, verdict, story_id))
        article_id = session.connection().execute(_INSERT_ARTICLE, row).inserted_primary_key[0]
        known[doc.url] = known[_same_page_key(doc.source, doc.url, doc.canonical_url)] = article_id
        if doc.relevant:
            observations.extend(self._observations(article_id, doc))
        index.add(article_id, row)
        if verdict.duplicate_of_id is not None:
            return Stored(Outcome.DUPLICATE, article_id)
        return Stored(Outcome.NEW if doc.relevant else Outcome.IRRELEVANT, article_id)

    @staticmethod
    def _lent_relevance(doc: Document, verdict: Verdict) -> Document:
        """A copy of a relevant article (one in a story), or a report of the same event, is
        relevant coverage and in its story however its own text was judged (a copy cut short, a
        rewrite or another outlet's report that does without the topic's keywords)."""
        if verdict.duplicate_of_id is not None:
            why = f"a copy of relevant article {verdict.duplicate_of_id}"
        elif verdict.layer == "story" and verdict.score is not None and verdict.score >= RELEVANT_STORY_SCORE:
            why = f"reports the event of relevant story {verdict.story_id} ({verdict.evidence})"
        else:
            return doc
        reason = "; ".join(filter(None, [doc.relevance_reason, why]))
        return dataclasses.replace(doc, relevant=True, relevance_reason=reason)

    @staticmethod
    def _article(doc: Document, verdict: Verdict, story_id: int | None) -> dict[str, Any]:
        duplicate = verdict.duplicate_of_id is not None
        canonical = doc.canonical_url if len(doc.canonical_url) <= URL_MAX_LENGTH else doc.url
        return {
            "url": doc.url, "canonical_url": canonical, "source": doc.source, "title": doc.title,
            "author": doc.author, "published_at": doc.published_at,
            "published_precision": doc.published_precision, "text": doc.text, "text_hash": doc.text_hash,
            "lang": doc.lang, "is_reference": doc.is_reference, "from_feed_only": doc.from_feed_only,
            "fetch_error": doc.fetch_error, "relevant": doc.relevant, "relevance_score": doc.relevance_score,
            "relevance_reason": doc.relevance_reason, "duplicate_of_id": verdict.duplicate_of_id,
            "duplicate_layer": verdict.layer if duplicate else None,
            "duplicate_score": verdict.score if duplicate else None,
            "story_id": story_id, "story_evidence": verdict.evidence or None, "signature": doc.signature}

    @staticmethod
    def _story_for(session: Session, doc: Document, verdict: Verdict) -> int | None:
        """The story a relevant article joins (widening its first/last seen), or a new one it starts."""
        if not doc.relevant:
            return None
        seen = as_utc(doc.published_at)
        if verdict.story_id is not None:
            story = session.execute(select(STORIES.c.first_seen, STORIES.c.last_seen)
                                    .where(STORIES.c.id == verdict.story_id)).first()
            if story is not None:
                widened = {}
                if seen and seen < story.first_seen:
                    widened["first_seen"] = seen
                if seen and seen > story.last_seen:
                    widened["last_seen"] = seen
                if widened:
                    session.execute(update(STORIES).where(STORIES.c.id == verdict.story_id).values(**widened))
                return verdict.story_id
        row = storable_row({"title": doc.title, **({"first_seen": seen, "last_seen": seen} if seen else {})})
        return session.execute(insert(STORIES), row).inserted_primary_key[0]

    @staticmethod
    def _observations(article_id: int, doc: Document) -> list[dict[str, Any]]:
        return [storable_row({"article_id": article_id, "subject": d.subject, "attribute": d.attribute,
                              "value": d.value, "snippet": d.snippet, "published_at": doc.published_at,
                              "is_past": d.is_past, "removed": d.removed, "mention_only": d.mention_only})
                for d in doc.details]




def _same_page_key(source: str, url: str, canonical: str) -> str:
    """A page linked again by the source that stored it, from the same host: the same page.

    The same canonical URL from another source or host is a copy, stored as a duplicate.
    """
    host = urlsplit(url).netloc.lower()
    return f"{source}\n{host}\n{canonical}"  # never a URL, so it cannot collide with one
