"""The database schema as SQLAlchemy 2 typed models. Nothing here talks to a database."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import false as sa_false
from sqlalchemy import func
from sqlalchemy import (BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary,
                        SmallInteger, String, Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(when: datetime | None) -> datetime | None:
    """`when` with a time zone: a naive datetime is taken as UTC."""
    return when.replace(tzinfo=timezone.utc) if when is not None and when.tzinfo is None else when


URL_MAX_LENGTH = 2048  # the longest article URL stored; the crawler refuses longer links (and says so)

class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no offset of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime()}


class Source(Base):
    """A configured outlet and what its last polls found."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_polled_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_new_at: Mapped[datetime | None]
    last_status: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(Text)
    failing_since: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    next_poll_at: Mapped[datetime | None]
    retry_after_until: Mapped[datetime | None]


class Story(Base):
    """Articles that tell the same story, whichever outlet carried them."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    terms: Mapped[str | None] = mapped_column(Text)  # the story's key terms, for regrouping

    articles: Mapped[list[Article]] = relationship(back_populates="story")


class Article(Base):
    """Every fetched (or imported) article: relevant or not, original or duplicate."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_MAX_LENGTH), unique=True)
    canonical_url: Mapped[str] = mapped_column(String(URL_MAX_LENGTH), index=True)
    source: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    # "month" or "year" when the page dated itself no closer (published_at is then the period's start)
    published_precision: Mapped[str] = mapped_column(String(5), default="", server_default="")
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    text_hash: Mapped[str] = mapped_column(String(64), index=True)
    lang: Mapped[str | None] = mapped_column(String(16))
    is_reference: Mapped[bool] = mapped_column(Boolean, default=False)
    from_feed_only: Mapped[bool] = mapped_column(Boolean, default=False)
    fetch_error: Mapped[str | None] = mapped_column(Text)

    relevant: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    relevance_score: Mapped[float] = mapped_column(Float, default=0.0)
    relevance_reason: Mapped[str | None] = mapped_column(Text)

    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    duplicate_layer: Mapped[str | None] = mapped_column(String(20))
    duplicate_score: Mapped[float | None] = mapped_column(Float)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id"), index=True)
    story_evidence: Mapped[str | None] = mapped_column(Text)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)  # MinHash, for rebuilding the index

    digest_id: Mapped[int | None] = mapped_column(ForeignKey("digests.id"), index=True)

    duplicate_of: Mapped[Article | None] = relationship(remote_side=[id])
    story: Mapped[Story | None] = relationship(back_populates="articles")

    # the listings' order, newest first: published, else fetched (`storage.repository.article_newest`)
    __table_args__ = (Index("ix_articles_newest", func.coalesce(published_at, fetched_at), id),)


class DedupKey(Base):
    """One key an article is found by when a new article is checked against it (a URL, a text
    hash, an LSH band, a rare term...), as a 64-bit hash; `crawler.dedup_keys` gives them meaning.
    The primary key is the lookup index: (kind, key) -> articles."""

    __tablename__ = "dedup_keys"

    kind: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True)

    __table_args__ = {"sqlite_with_rowid": False}


class DedupCount(Base):
    """How many articles have a key (a term's document frequency), and totals, for `dedup_keys`."""

    __tablename__ = "dedup_counts"

    kind: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = {"sqlite_with_rowid": False}


class Observation(Base):
    """One tracked detail as one article states it."""

    __tablename__ = "observations"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    attribute: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(Text)
    snippet: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None]
    is_past: Mapped[bool] = mapped_column(Boolean, default=False)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)  # "X withdrew": takes X out of the cast
    # a title the article only uses ("the Marea Alta crew"), not one it states ("released as Marea Alta")
    mention_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())

    article: Mapped[Article] = relationship()

    __table_args__ = (Index("ix_observations_subject_attribute", "subject", "attribute"),)


class Fact(Base):
    """The current value of a detail (one row per cast member), with its provenance."""

    __tablename__ = "facts"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    attribute: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(Text)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    snippet: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship()

    __table_args__ = (UniqueConstraint("subject", "attribute", "value", name="uq_facts_value"),)


class Change(Base):
    """A detail that a newly published article changed: old -> new, with its evidence."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    attribute: Mapped[str] = mapped_column(String(40))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    snippet: Mapped[str] = mapped_column(Text, default="")
    detected_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    corroborated_by_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("digests.id"), index=True)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("digests.id"))

    article: Mapped[Article] = relationship(foreign_keys=[article_id])
    corroborated_by: Mapped[Article | None] = relationship(foreign_keys=[corroborated_by_id])


class Digest(Base):
    """One outgoing mail and its delivery state: pending -> sent, or failed after the last try."""

    __tablename__ = "digests"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="digest")  # digest | alert
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    subject: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[bytes] = mapped_column(LargeBinary)  # the exact bytes sent, so a resend is identical
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class CrawlRun(Base):
    """One crawl of one or more sources and what it found."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    trigger: Mapped[str] = mapped_column(String(20), default="manual")  # manual | schedule
    sources: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="running")  # running | ok | failed | killed
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    irrelevant: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
