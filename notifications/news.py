"""What is new since the last digest, read from the database into plain frozen values.

This is the only query side of the digest; `digest.py` builds from these values without a
database. "New" means: changes that no digest carries yet (for an alert: that no alert carried
either), and relevant original articles that no digest (or alert) linked yet.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from storage.models import Article, Change, Digest, Source, Story

T = TypeVar("T")
TEASER_CHARS = 600
CHUNK = 900  # ids per IN (...): far below the bound-parameter limits of SQLite and PostgreSQL


@dataclass(frozen=True)
class ArticleInfo:
    id: int
    url: str  # the canonical URL: the one a digest links
    title: str
    source: str
    published_at: datetime | None
    story_id: int | None
    teaser: str = ""


@dataclass(frozen=True)
class ChangeInfo:
    id: int
    subject: str
    attribute: str
    old: str | None
    new: str | None
    snippet: str
    detected_at: datetime
    article: ArticleInfo
    corroborated_by: str | None  # the outlet of the corroborating article
    alerted: bool  # an alert mail carried it already


@dataclass(frozen=True)
class StoryInfo:
    id: int
    title: str
    outlets: tuple[str, ...]  # every outlet that carried the story, copies included
    seen_before: bool  # an earlier digest linked one of its articles, or the user imported one


@dataclass(frozen=True)
class FailingSource:
    name: str
    failures: int
    since: datetime | None
    last_error: str


@dataclass(frozen=True)
class News:
    changes: tuple[ChangeInfo, ...] = ()
    articles: tuple[ArticleInfo, ...] = ()  # story candidates, oldest first
    stories: Mapping[int, StoryInfo] | None = None
    linked_urls: frozenset[str] = frozenset()  # candidates' URLs that an earlier mail linked
    failing: tuple[FailingSource, ...] = ()
    last_sent_at: datetime | None = None


def read_news(session: Session, kind: str) -> News:
    """Everything a digest (kind "digest") or an alert (kind "alert") would carry now."""
    changes = read_changes(session, for_alert=kind == "alert")
    if kind == "alert":
        return News(changes=changes)
    articles = read_candidates(session)
    story_ids = {a.story_id for a in articles if a.story_id is not None}
    return News(changes=changes, articles=articles, stories=read_stories(session, story_ids),
                linked_urls=read_linked_urls(session, {a.url for a in articles}),
                failing=read_failing_sources(session), last_sent_at=read_last_sent(session, "digest"))


def read_changes(session: Session, *, for_alert: bool) -> tuple[ChangeInfo, ...]:
    corroborating = aliased(Article)
    query = (select(Change, Article, corroborating.source)
             .join(Article, Change.article_id == Article.id)
             .outerjoin(corroborating, Change.corroborated_by_id == corroborating.id)
             .where(Change.digest_id.is_(None)).order_by(Change.detected_at, Change.id))
    if for_alert:
        query = query.where(Change.alert_id.is_(None))
    return tuple(ChangeInfo(id=change.id, subject=change.subject, attribute=change.attribute, old=change.old,
                            new=change.new, snippet=change.snippet or "", detected_at=change.detected_at,
                            article=_info(article), corroborated_by=outlet, alerted=change.alert_id is not None)
                 for change, article, outlet in session.execute(query))


def read_candidates(session: Session) -> tuple[ArticleInfo, ...]:
    """Relevant originals (not copies, not imported references) that no mail linked yet."""
    teaser = func.substr(Article.text, 1, TEASER_CHARS)
    query = (select(Article, teaser)
             .where(Article.relevant.is_(True), Article.duplicate_of_id.is_(None),
                    Article.is_reference.is_(False), Article.digest_id.is_(None))
             .order_by(Article.published_at, Article.id))
    return tuple(_info(article, text or "") for article, text in session.execute(query))


def read_stories(session: Session, story_ids: Iterable[int]) -> dict[int, StoryInfo]:
    ids = sorted(set(story_ids))
    if not ids:
        return {}
    outlets: dict[int, set[str]] = defaultdict(set)
    seen: set[int] = set()
    titles: dict[int, str] = {}
    original = aliased(Article)
    for part in chunked(ids):
        rows = session.execute(select(Article.story_id, Article.source, Article.is_reference, Article.digest_id)
                               .where(Article.story_id.in_(part)))
        for story_id, source, is_reference, digest_id in rows:
            if is_reference or digest_id is not None:
                seen.add(story_id)
            if not is_reference:
                outlets[story_id].add(source)
        copies = session.execute(select(original.story_id, Article.source)
                                 .join(original, Article.duplicate_of_id == original.id)
                                 .where(original.story_id.in_(part), Article.is_reference.is_(False)))
        for story_id, source in copies:
            outlets[story_id].add(source)
        titles.update((i, t) for i, t in session.execute(select(Story.id, Story.title).where(Story.id.in_(part))))
    return {i: StoryInfo(id=i, title=titles.get(i) or "", outlets=tuple(sorted(outlets[i])), seen_before=i in seen)
            for i in ids}


def read_linked_urls(session: Session, urls: set[str]) -> frozenset[str]:
    if not urls:
        return frozenset()
    linked: set[str] = set()
    for part in chunked(sorted(urls)):
        linked.update(session.scalars(select(Article.canonical_url).distinct()
                                      .where(Article.digest_id.is_not(None), Article.canonical_url.in_(part))))
    return frozenset(linked)


def read_failing_sources(session: Session) -> tuple[FailingSource, ...]:
    query = select(Source).where(Source.consecutive_failures > 0).order_by(Source.name)
    return tuple(FailingSource(name=s.name, failures=s.consecutive_failures, since=s.failing_since,
                               last_error=s.last_error or "") for s in session.scalars(query))


def read_last_sent(session: Session, kind: str) -> datetime | None:
    return session.scalar(select(func.max(Digest.sent_at)).where(Digest.kind == kind, Digest.status == "sent"))


def chunked(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _info(article: Article, teaser: str = "") -> ArticleInfo:
    return ArticleInfo(id=article.id, url=article.canonical_url or article.url, title=article.title or "",
                       source=article.source, published_at=article.published_at, story_id=article.story_id,
                       teaser=teaser)
