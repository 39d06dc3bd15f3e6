"""From a processed document to stored rows: deduplicate, group into a story, store."""
from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from crawler.document import Document
from crawler.stages.dedup import DedupIndex, Verdict
from storage.locks import transaction_lock
from storage.models import Article, Observation, Story

INGEST_LOCK = "ingest"


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
    """Stores documents against a dedup index it keeps up to date with the database."""

    def __init__(self, factory: sessionmaker[Session], index: DedupIndex | None = None) -> None:
        self.factory = factory
        if index is None:
            with factory() as session:
                index = DedupIndex.load(session)
        self.index = index

    def ingest(self, doc: Document) -> Stored:
        return self.ingest_many([doc])[0]

    def ingest_many(self, docs: list[Document]) -> list[Stored]:
        """Store `docs` in one transaction, each checked against everything stored before it.

        The ingest lock makes check-then-insert atomic across processes: a CLI crawl and the
        service storing the same story at once cannot both store it as an original. When the
        transaction fails, the index may hold rows that were never committed: it is reloaded.
        """
        try:
            with self.factory() as session:
                transaction_lock(session, INGEST_LOCK)
                self.index.refresh(session)
                results = [self._store(session, doc) for doc in docs]
                session.commit()
        except SQLAlchemyError:
            with self.factory() as session:
                self.index = DedupIndex.load(session)
            raise
        return results

    def _store(self, session: Session, doc: Document) -> Stored:
        existing = session.scalar(select(Article.id).where(Article.url == doc.url))
        if existing is not None:
            return Stored(Outcome.SEEN, existing)
        verdict = self.index.check(doc)
        article = self._article(doc, verdict)
        article.story_id = self._story_for(session, doc, verdict)
        session.add(article)
        session.flush()
        if doc.relevant:
            session.add_all(self._observations(article, doc))
        self.index.add(article.id, doc, article.story_id, verdict.duplicate_of_id)
        if verdict.duplicate_of_id is not None:
            return Stored(Outcome.DUPLICATE, article.id)
        return Stored(Outcome.NEW if doc.relevant else Outcome.IRRELEVANT, article.id)

    @staticmethod
    def _article(doc: Document, verdict: Verdict) -> Article:
        return Article(
            url=doc.url, canonical_url=doc.canonical_url, source=doc.source, title=doc.title,
            author=doc.author, published_at=doc.published_at, text=doc.text, text_hash=doc.text_hash,
            lang=doc.lang, is_reference=doc.is_reference, from_feed_only=doc.from_feed_only,
            fetch_error=doc.fetch_error, relevant=doc.relevant, relevance_score=doc.relevance_score,
            relevance_reason=doc.relevance_reason, duplicate_of_id=verdict.duplicate_of_id,
            duplicate_layer=verdict.layer if verdict.duplicate_of_id is not None else None,
            duplicate_score=verdict.score if verdict.duplicate_of_id is not None else None,
            story_evidence=verdict.evidence or None, signature=doc.signature)

    @staticmethod
    def _story_for(session: Session, doc: Document, verdict: Verdict) -> int | None:
        """The story a relevant article joins, or a new one it starts."""
        if not doc.relevant:
            return None
        seen = doc.published_at
        if verdict.story_id is not None:
            story = session.get(Story, verdict.story_id)
            if story is not None:
                if seen and seen < story.first_seen:
                    story.first_seen = seen
                if seen and seen > story.last_seen:
                    story.last_seen = seen
                return story.id
        story = Story(title=doc.title, **({"first_seen": seen, "last_seen": seen} if seen else {}))
        session.add(story)
        session.flush()
        return story.id

    @staticmethod
    def _observations(article: Article, doc: Document) -> list[Observation]:
        return [Observation(article_id=article.id, subject=d.subject, attribute=d.attribute, value=d.value,
                            snippet=d.snippet, published_at=doc.published_at, is_past=d.is_past,
                            removed=d.removed)
                for d in doc.details]
