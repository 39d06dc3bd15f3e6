"""Queries and small writes, each a function that takes a Session and does one thing."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, aliased

from storage.models import Article, Change, Fact, Source, Story


class SourceIdentity(Protocol):
    """What names a source row: a configured source (`crawler.options.SourceSpec`) has these."""

    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def url(self) -> str: ...


def padded_in(column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """`column IN values`, the list padded (its last value repeated) to a power of two.

    Each length of an IN list is another SQL text, so another prepared statement, and every
    pooled connection keeps the statements it ran (the sqlite3 module 128 of them, psycopg
    those run often), each about 200 bytes per listed value. The service queries the sources of
    each crawl batch, whose sizes vary from 1 to 1,000: unpadded, its connections filled with
    statements of every size (13 MiB on one SQLite connection). Padded, a query has at most
    eleven shapes up to 1,024 values (0.5 MiB for all of them)."""
    listed = list(values)
    if len(listed) > 1:
        listed += listed[-1:] * ((1 << (len(listed) - 1).bit_length()) - len(listed))
    return column.in_(listed)


def source_rows(session: Session, sources: Iterable[SourceIdentity]) -> dict[str, Source]:
    """The Source rows of `sources` by name, created (and added to the session) where missing."""
    wanted = list(sources)
    rows = {row.name: row for row in session.scalars(select(Source).where(padded_in(Source.name,
                                                                                     [s.name for s in wanted])))}
    for source in wanted:
        if source.name not in rows:
            rows[source.name] = Source(name=source.name, type=source.type, url=source.url, consecutive_failures=0)
            session.add(rows[source.name])
    return rows


def iso(when: datetime | None, precision: str = "") -> str | None:
    """ISO 8601 at the precision known: "2023-04" for a month, "2023" for a year."""
    if when is None:
        return None
    if precision == "month":
        return f"{when.year:04d}-{when.month:02d}"
    if precision == "year":
        return f"{when.year:04d}"
    return when.isoformat()


def article_row(article: Article, duplicate_of: str | None, *, with_text: bool = False) -> dict[str, Any]:
    """One article as `spacewatch articles --json` lists it."""
    row = {"url": article.url, "canonical_url": article.canonical_url, "title": article.title,
           "source": article.source, "published_at": iso(article.published_at, article.published_precision),
           "relevant": article.relevant, "story_id": article.story_id, "duplicate_of": duplicate_of,
           "duplicate_layer": article.duplicate_layer, "duplicate_score": article.duplicate_score,
           "relevance_reason": article.relevance_reason, "is_reference": article.is_reference,
           "from_feed_only": article.from_feed_only, "fetched_at": iso(article.fetched_at)}
    if with_text:
        row["text"] = article.text
    return row


def article_rows(session: Session, *, with_text: bool = False, relevant_only: bool = False) -> list[dict[str, Any]]:
    original = aliased(Article)
    query = (select(Article, original.url).outerjoin(original, Article.duplicate_of_id == original.id)
             .order_by(Article.id))
    if relevant_only:
        query = query.where(Article.relevant.is_(True))
    rows = []
    for article, duplicate_of in session.execute(query):
        rows.append(article_row(article, duplicate_of, with_text=with_text))
    return rows


def story_rows(session: Session) -> list[dict[str, Any]]:
    stories = session.scalars(select(Story).order_by(Story.id)).all()
    urls: dict[int, list[str]] = {}
    for story_id, url in session.execute(select(Article.story_id, Article.url)
                                         .where(Article.story_id.is_not(None)).order_by(Article.id)):
        urls.setdefault(story_id, []).append(url)
    return [{"id": s.id, "title": s.title, "urls": urls.get(s.id, []), "first_seen": iso(s.first_seen),
             "last_seen": iso(s.last_seen)} for s in stories if urls.get(s.id)]


def fact_row(fact: Fact, article_url: str) -> dict[str, Any]:
    """One fact as `spacewatch facts --json` lists it."""
    return {"subject": fact.subject, "attribute": fact.attribute, "value": fact.value, "article_url": article_url,
            "published_at": iso(fact.published_at), "snippet": fact.snippet}


def change_row(change: Change, article_url: str) -> dict[str, Any]:
    """One change as `spacewatch changes --json` lists it. A listed change never changes:
    consumers diff successive listings, so corroboration (set later) stays out; the digest shows it."""
    return {"subject": change.subject, "attribute": change.attribute, "old": change.old, "new": change.new,
            "article_url": article_url, "detected_at": iso(change.detected_at), "snippet": change.snippet}


def fact_rows(session: Session) -> list[dict[str, Any]]:
    query = (select(Fact, Article.url).join(Article, Fact.article_id == Article.id)
             .order_by(Fact.subject, Fact.attribute, Fact.value))
    return [fact_row(fact, url) for fact, url in session.execute(query)]


def change_rows(session: Session) -> list[dict[str, Any]]:
    query = select(Change, Article.url).join(Article, Change.article_id == Article.id).order_by(Change.id)
    return [change_row(change, url) for change, url in session.execute(query)]
