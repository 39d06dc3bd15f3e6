"""Deduplication and story grouping (first layer only: same canonical URL or same text).

PLACEHOLDER until the deduplication issue lands: MinHash near-duplicates and story grouping
of rewrites replace this module behind the same `DedupIndex` surface.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.document import Document
from storage.models import Article


@dataclass(frozen=True)
class Verdict:
    """Where a new document belongs: a duplicate of a stored article, and/or a story."""

    duplicate_of_id: int | None = None
    layer: str | None = None  # "url" | "hash" | "near" | "story"
    score: float | None = None
    story_id: int | None = None
    evidence: str = ""


class DedupIndex:
    """Everything stored, as far as deduplication needs it."""

    def __init__(self) -> None:
        self._by_canonical: dict[str, int] = {}
        self._by_hash: dict[str, int] = {}
        self._story_of: dict[int, int | None] = {}
        self._last_id = 0

    @classmethod
    def load(cls, session: Session) -> "DedupIndex":
        index = cls()
        index.refresh(session)
        return index

    def refresh(self, session: Session) -> None:
        """Take in articles that other processes stored since the last load."""
        rows = session.execute(
            select(Article.id, Article.canonical_url, Article.text_hash, Article.story_id,
                   Article.duplicate_of_id)
            .where(Article.id > self._last_id).order_by(Article.id))
        for row in rows:
            self._remember(row.id, row.canonical_url, row.text_hash, row.story_id, row.duplicate_of_id)

    def check(self, doc: Document) -> Verdict:
        original = self._by_canonical.get(doc.canonical_url)
        if original is not None:
            return Verdict(original, "url", 1.0, self._story_of.get(original), f"same canonical URL {doc.canonical_url}")
        original = self._by_hash.get(doc.text_hash) if doc.text.strip() else None
        if original is not None:
            return Verdict(original, "hash", 1.0, self._story_of.get(original), "same text hash")
        return Verdict()

    def add(self, article_id: int, doc: Document, story_id: int | None, duplicate_of_id: int | None) -> None:
        self._remember(article_id, doc.canonical_url, doc.text_hash, story_id, duplicate_of_id)

    def _remember(self, article_id: int, canonical: str, text_hash: str, story_id: int | None,
                  duplicate_of_id: int | None) -> None:
        root = duplicate_of_id if duplicate_of_id is not None else article_id
        self._by_canonical.setdefault(canonical, root)
        self._by_hash.setdefault(text_hash, root)
        self._story_of[article_id] = story_id
        self._last_id = max(self._last_id, article_id)
