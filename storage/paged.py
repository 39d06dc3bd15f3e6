"""The listings of `storage.repository` (articles, stories, facts, changes), one page at a time
and filtered in SQL: the same row fields, for the web API and anything else that pages.

Filters, all optional: `since` (articles: fetched; stories: last seen; facts: published;
changes: detected), `source` (the outlet of the article), `subject` (a watch name the article
states details of), `relevant` (articles, and stories with or without a relevant article).
Rows come in the listings' order (see `storage.repository`); `limit` and `offset` pick the page.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from storage.models import Article, Change, Fact, Observation, Story
from storage.repository import article_newest, article_query, article_row, change_row, fact_row, story_row


@dataclass(frozen=True)
class Filters:
    since: datetime | None = None
    source: str | None = None
    subject: str | None = None
    relevant: bool | None = None


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    total: int


def _count(session: Session, query: Select) -> int:
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def _stating(subject: str):
    """Ids of the articles that state details of `subject`."""
    return select(Observation.article_id).where(Observation.subject == subject)


def _article_conditions(filters: Filters) -> list:
    conditions = []
    if filters.since is not None:
        conditions.append(Article.fetched_at >= filters.since)
    if filters.source is not None:
        conditions.append(Article.source == filters.source)
    if filters.relevant is not None:
        # through coalesce(): `relevant` splits the table nine to one, a poor index to start from
        conditions.append(func.coalesce(Article.relevant, False).is_(filters.relevant))
    if filters.subject is not None:
        conditions.append(Article.id.in_(_stating(filters.subject)))
    return conditions


def article_page(session: Session, filters: Filters, *, limit: int, offset: int = 0,
                 with_text: bool = False) -> Page:
    conditions = _article_conditions(filters)
    # the page's ids first (an index walk), then only those rows with their originals' URLs
    # newest first, as the CLI lists them (the publication date, else when it was fetched)
    ids = list(session.scalars(select(Article.id).where(*conditions).order_by(article_newest().desc(), Article.id)
                               .limit(limit).offset(offset)))
    found = {row.id: row for row in session.execute(article_query(with_text=with_text).where(Article.id.in_(ids)))
             } if ids else {}
    rows = [article_row(found[i], found[i].duplicate_of, with_text=with_text) for i in ids if i in found]
    total = session.scalar(select(func.count(Article.id)).where(*conditions)) or 0
    return Page(rows, total)


def story_page(session: Session, filters: Filters, *, limit: int, offset: int = 0) -> Page:
    named = [Article.story_id.is_not(None)]  # which articles' stories are listed
    if filters.source is not None:
        named.append(Article.source == filters.source)
    if filters.relevant is not None:
        named.append(Article.relevant.is_(filters.relevant))
    if filters.subject is not None:
        named.append(Article.id.in_(_stating(filters.subject)))
    conditions = [Story.id.in_(select(Article.story_id).where(*named))]
    if filters.since is not None:
        conditions.append(Story.last_seen >= filters.since)
    stories = session.scalars(select(Story).where(*conditions).order_by(Story.last_seen.desc().nulls_last(), Story.id)
                              .limit(limit).offset(offset)).all()
    urls: dict[int, list[str]] = {}
    if stories:
        for story_id, url in session.execute(select(Article.story_id, Article.url)
                                             .where(Article.story_id.in_([s.id for s in stories]))
                                             .order_by(Article.id)):
            urls.setdefault(story_id, []).append(url)
    rows = [story_row(s, urls.get(s.id, [])) for s in stories]
    # the stories listed are those the articles name: count the names (an index scan, no semi-join)
    count = select(func.count(func.distinct(Article.story_id))).where(*named)
    if filters.since is not None:
        count = count.join(Story, Story.id == Article.story_id).where(Story.last_seen >= filters.since)
    return Page(rows, session.scalar(count) or 0)


def _stated(model: type[Fact] | type[Change], when, filters: Filters) -> Select:
    """Facts or changes with their article's URL, narrowed as `filters` say."""
    query = select(model, Article.url).join(Article, model.article_id == Article.id)
    if filters.since is not None:
        query = query.where(when >= filters.since)
    if filters.source is not None:
        query = query.where(Article.source == filters.source)
    if filters.subject is not None:
        query = query.where(model.subject == filters.subject)
    if filters.relevant is not None:
        query = query.where(Article.relevant.is_(filters.relevant))
    return query


def fact_page(session: Session, filters: Filters, *, limit: int, offset: int = 0) -> Page:
    query = _stated(Fact, Fact.published_at, filters)
    ordered = query.order_by(Fact.subject, Fact.attribute, Fact.value).limit(limit).offset(offset)
    return Page([fact_row(fact, url) for fact, url in session.execute(ordered)], _count(session, query))


def change_page(session: Session, filters: Filters, *, limit: int, offset: int = 0,
                attribute: str | None = None) -> Page:
    query = _stated(Change, Change.detected_at, filters)
    if attribute is not None:
        query = query.where(Change.attribute == attribute)
    ordered = query.order_by(Change.detected_at.desc(), Change.id).limit(limit).offset(offset)
    return Page([change_row(change, url) for change, url in session.execute(ordered)], _count(session, query))
