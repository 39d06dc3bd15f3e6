"""Queries and small writes, each a function that takes a Session and does one thing."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Row, Select, exists, func, select
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


# what `spacewatch articles --json` lists: never the text (unless asked) or the signature
ARTICLE_COLUMNS = (Article.url, Article.canonical_url, Article.title, Article.source, Article.published_at,
                   Article.published_precision, Article.relevant, Article.story_id, Article.duplicate_layer,
                   Article.duplicate_score, Article.relevance_reason, Article.is_reference, Article.from_feed_only,
                   Article.fetched_at)
STREAM_ROWS = 1000  # rows fetched at a time by the listings (a server-side cursor on PostgreSQL)


def article_row(article: Any, duplicate_of: str | None, *, with_text: bool = False) -> dict[str, Any]:
    """One article as `spacewatch articles --json` lists it: `article` is an Article or a row of
    `ARTICLE_COLUMNS` (and `text`)."""
    row = {"url": article.url, "canonical_url": article.canonical_url, "title": article.title,
           "source": article.source, "published_at": iso(article.published_at, article.published_precision),
           "relevant": article.relevant, "story_id": article.story_id, "duplicate_of": duplicate_of,
           "duplicate_layer": article.duplicate_layer, "duplicate_score": article.duplicate_score,
           "relevance_reason": article.relevance_reason, "is_reference": article.is_reference,
           "from_feed_only": article.from_feed_only, "fetched_at": iso(article.fetched_at)}
    if with_text:
        row["text"] = article.text
    return row


def article_newest() -> ColumnElement[datetime]:
    """When an article counts as from, for listing newest first: its publication date, else when
    it was fetched (migration 0005 indexes this expression, with the id, for the order below)."""
    return func.coalesce(Article.published_at, Article.fetched_at)


def article_query(*, with_text: bool = False) -> Select:
    """The id and listed columns of articles and the URL of the original each duplicates
    (`duplicate_of`), newest first (ties: the first stored first)."""
    original = aliased(Article)
    columns = (*ARTICLE_COLUMNS, Article.text) if with_text else ARTICLE_COLUMNS
    return (select(Article.id, *columns, original.url.label("duplicate_of"))
            .outerjoin(original, Article.duplicate_of_id == original.id)
            .order_by(article_newest().desc(), Article.id))


def _streamed(session: Session, query: Select) -> Iterator[Row]:
    """The rows of `query` as the database returns them, a chunk at a time."""
    return iter(session.connection().execute(query.execution_options(yield_per=STREAM_ROWS)))


def article_rows(session: Session, *, with_text: bool = False, relevant_only: bool = False,
                 since: datetime | None = None, source: str | None = None,
                 limit: int | None = None) -> Iterator[dict[str, Any]]:
    """`spacewatch articles` newest first, read as they are listed; `since` is against
    `article_newest()`."""
    query = article_query(with_text=with_text)
    if relevant_only:
        query = query.where(Article.relevant.is_(True))
    if since is not None:
        query = query.where(article_newest() >= since)
    if source is not None:
        query = query.where(Article.source == source)
    for row in _streamed(session, query.limit(limit)):
        yield article_row(row, row.duplicate_of, with_text=with_text)


def story_row(story: Any, urls: list[str]) -> dict[str, Any]:
    """One story as `spacewatch stories --json` lists it: `story` is a Story or a row of its columns."""
    return {"id": story.id, "title": story.title, "urls": urls, "first_seen": iso(story.first_seen),
            "last_seen": iso(story.last_seen)}


def story_rows(session: Session, *, since: datetime | None = None, source: str | None = None,
               limit: int | None = None) -> Iterator[dict[str, Any]]:
    """`spacewatch stories`: the stories with articles (one from `source`, if given), last seen
    first, each with the URLs of all its articles; read as they are listed."""
    members = select(Article.id).where(Article.story_id == Story.id)
    if source is not None:
        members = members.where(Article.source == source)
    stories = select(Story.id, Story.title, Story.first_seen, Story.last_seen).where(exists(members))
    if since is not None:
        stories = stories.where(Story.last_seen >= since)
    listed = stories.order_by(Story.last_seen.desc(), Story.id).limit(limit).subquery()
    query = (select(listed, Article.url).join(Article, Article.story_id == listed.c.id)
             .order_by(listed.c.last_seen.desc(), listed.c.id, Article.id))
    story, urls = None, []
    for row in _streamed(session, query):
        if story is not None and row.id != story.id:
            yield story_row(story, urls)
            urls = []
        story = row
        urls.append(row.url)
    if story is not None:
        yield story_row(story, urls)


def fact_row(fact: Any, article_url: str) -> dict[str, Any]:
    """One fact as `spacewatch facts --json` lists it."""
    return {"subject": fact.subject, "attribute": fact.attribute, "value": fact.value, "article_url": article_url,
            "published_at": iso(fact.published_at), "snippet": fact.snippet}


def change_row(change: Any, article_url: str) -> dict[str, Any]:
    """One change as `spacewatch changes --json` lists it. A listed change never changes:
    consumers diff successive listings, so corroboration (set later) stays out; the digest shows it."""
    return {"subject": change.subject, "attribute": change.attribute, "old": change.old, "new": change.new,
            "article_url": article_url, "detected_at": iso(change.detected_at), "snippet": change.snippet}


def fact_rows(session: Session, *, since: datetime | None = None, source: str | None = None,
              limit: int | None = None) -> Iterator[dict[str, Any]]:
    """`spacewatch facts`: by subject, detail and value; `since` is against the publication date."""
    query = (select(Fact.subject, Fact.attribute, Fact.value, Fact.published_at, Fact.snippet,
                    Article.url.label("article_url")).join(Article, Fact.article_id == Article.id))
    if since is not None:
        query = query.where(Fact.published_at >= since)
    if source is not None:
        query = query.where(Article.source == source)
    query = query.order_by(Fact.subject, Fact.attribute, Fact.value).limit(limit)
    return (fact_row(row, row.article_url) for row in _streamed(session, query))


def change_rows(session: Session, *, since: datetime | None = None, source: str | None = None,
                limit: int | None = None) -> Iterator[dict[str, Any]]:
    """`spacewatch changes`: the newest detected first (ties: the first stored first)."""
    query = (select(Change.subject, Change.attribute, Change.old, Change.new, Change.detected_at, Change.snippet,
                    Article.url.label("article_url")).join(Article, Change.article_id == Article.id))
    if since is not None:
        query = query.where(Change.detected_at >= since)
    if source is not None:
        query = query.where(Article.source == source)
    query = query.order_by(Change.detected_at.desc(), Change.id).limit(limit)
    return (change_row(row, row.article_url) for row in _streamed(session, query))
