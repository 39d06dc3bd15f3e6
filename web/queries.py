"""What the dashboard pages show, read from storage: one function per page, parameters bound."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, desc, func, literal, select
from sqlalchemy.orm import Session, aliased

from storage.models import Article, Change, Digest, Fact, Observation, Source, Story

PAGE_SIZE = 50


@dataclass
class FactView:
    subject: str
    attribute: str
    value: str
    since: Any
    snippet: str
    article: Article
    corroborated_by: Article | None = None


@dataclass
class Production:
    name: str
    label: str
    facts: list[FactView] = field(default_factory=list)


def overview(session: Session, watches: list[tuple[str, str]]) -> dict[str, Any]:
    productions = {name: Production(name, label or name) for name, label in watches}
    facts = session.execute(select(Fact, Article).join(Article, Fact.article_id == Article.id)
                            .order_by(Fact.subject, Fact.attribute, Fact.value)).all()
    corroboration = _corroboration(session)
    for fact, article in facts:
        production = productions.setdefault(fact.subject, Production(fact.subject, fact.subject))
        production.facts.append(FactView(fact.subject, fact.attribute, fact.value, fact.published_at, fact.snippet,
                                         article, corroboration.get((fact.subject, fact.attribute, fact.value))))
    last_digest = session.scalars(select(Digest).where(Digest.kind == "digest", Digest.status == "sent")
                                  .order_by(desc(Digest.sent_at)).limit(1)).first()
    trouble = session.scalars(select(Source).where(Source.consecutive_failures > 0)
                              .order_by(desc(Source.consecutive_failures), Source.name)).all()
    recent = change_list(session, limit=10)["changes"]
    newest = session.scalars(select(Article).order_by(desc(Article.fetched_at)).limit(1)).first()
    return {"productions": list(productions.values()), "last_digest": last_digest, "trouble": trouble,
            "recent": recent, "newest": newest}


def _corroboration(session: Session) -> dict[tuple[str, str, str], Article]:
    """(subject, attribute, value) -> the article that corroborated the newest change to it."""
    corroborator = aliased(Article)
    found: dict[tuple[str, str, str], Article] = {}
    query = (select(Change.subject, Change.attribute, Change.new, corroborator)
             .join(corroborator, Change.corroborated_by_id == corroborator.id)
             .where(Change.new.is_not(None)).order_by(Change.id))
    for subject, attribute, value, article in session.execute(query):
        found[(subject, attribute, value)] = article
    return found


def change_list(session: Session, *, subject: str | None = None, attribute: str | None = None,
                limit: int = PAGE_SIZE, offset: int = 0) -> dict[str, Any]:
    conditions: list[ColumnElement[bool]] = []
    if subject:
        conditions.append(Change.subject == subject)
    if attribute:
        conditions.append(Change.attribute == attribute)
    query = (select(Change, Article, Digest).join(Article, Change.article_id == Article.id)
             .outerjoin(Digest, Change.digest_id == Digest.id).where(*conditions))
    rows = session.execute(query.order_by(desc(Change.id)).limit(limit + 1).offset(offset)).all()
    return {"changes": [{"change": c, "article": a, "digest": d} for c, a, d in rows[:limit]],
            "has_more": len(rows) > limit}


def change_choices(session: Session) -> tuple[list[str], list[str]]:
    subjects = list(session.scalars(select(Change.subject).distinct().order_by(Change.subject)))
    attributes = list(session.scalars(select(Change.attribute).distinct().order_by(Change.attribute)))
    return subjects, attributes


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matches(session: Session, column, query: str) -> ColumnElement[bool]:
    """Full-text match on PostgreSQL; elsewhere a case-insensitive LIKE of every word."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_tsvector("simple", column).op("@@")(func.plainto_tsquery("simple", query))
    words = query.split()[:8]
    return and_(*[column.ilike(f"%{_escape_like(word)}%", escape="\\") for word in words])


def story_list(session: Session, *, query: str = "", limit: int = PAGE_SIZE, offset: int = 0) -> dict[str, Any]:
    """Stories with a relevant article, the one with the newest such article first, each with
    its articles; `query` searches the titles of its relevant articles. Walks the articles
    newest first (an index) and stops once the page is full."""
    # coalesce(): no index on `relevant` for this one, so the planner walks fetched_at's backwards;
    # the titles are matched outside the LIMITed walk, so that a planner that cannot estimate a
    # text match (PostgreSQL without an expression index) still walks rather than scan and sort
    walk = (select(Article.story_id, Article.title, Article.fetched_at, Article.id)
            .where(func.coalesce(Article.relevant, False).is_(True), Article.story_id.is_not(None))
            .order_by(desc(Article.fetched_at), desc(Article.id)))
    wanted = offset + limit + 1
    order: dict[int, None] = {}
    start, chunk = 0, max(200, wanted * 4)
    while len(order) < wanted:  # LIMITed chunks, doubling
        part = walk.limit(chunk).offset(start).subquery()
        # a story's title is its first article's: the articles' titles are searched
        hit = _matches(session, part.c.title, query) if query.strip() else literal(True)
        rows = session.execute(select(part.c.story_id, hit.label("hit"))
                               .order_by(desc(part.c.fetched_at), desc(part.c.id))).all()
        for story_id, matched in rows:
            if matched:
                order.setdefault(story_id)
                if len(order) >= wanted:
                    break
        if len(rows) < chunk:
            break
        start, chunk = start + chunk, chunk * 2
    ids = list(order)[offset:offset + limit]
    has_more = len(order) > offset + limit
    stories = {s.id: s for s in session.scalars(select(Story).where(Story.id.in_(ids)))} if ids else {}
    members_of: dict[int, list[Article]] = {}
    if ids:
        for article in session.scalars(select(Article).where(Article.story_id.in_(ids))
                                       .order_by(Article.published_at, Article.id)):
            members_of.setdefault(article.story_id, []).append(article)
    entries = []
    for story_id in ids:
        articles = members_of.get(story_id, [])
        outlets = list(dict.fromkeys(a.source for a in articles))  # the first outlet first
        entries.append({"story": stories[story_id], "articles": articles, "outlets": outlets})
    return {"stories": entries, "has_more": has_more}


def irrelevant_list(session: Session, *, query: str = "", limit: int = PAGE_SIZE, offset: int = 0) -> dict[str, Any]:
    # coalesce(): walk fetched_at's index backwards rather than sort every irrelevant article
    conditions: list[ColumnElement[bool]] = [func.coalesce(Article.relevant, True).is_(False)]
    if query.strip():
        conditions.append(_matches(session, Article.title, query))
    articles = session.scalars(select(Article).where(*conditions).order_by(desc(Article.fetched_at), desc(Article.id))
                               .limit(limit + 1).offset(offset)).all()
    return {"articles": articles[:limit], "has_more": len(articles) > limit}


def article_list(session: Session, *, limit: int = PAGE_SIZE, offset: int = 0) -> dict[str, Any]:
    articles = session.scalars(select(Article).order_by(desc(Article.fetched_at), desc(Article.id))
                               .limit(limit + 1).offset(offset)).all()
    return {"articles": articles[:limit], "has_more": len(articles) > limit}


def article_detail(session: Session, article_id: int) -> dict[str, Any] | None:
    article = session.get(Article, article_id)
    if article is None:
        return None
    observations = session.scalars(select(Observation).where(Observation.article_id == article.id)
                                   .order_by(Observation.subject, Observation.attribute, Observation.id)).all()
    changes = session.scalars(select(Change).where(Change.article_id == article.id).order_by(Change.id)).all()
    story_articles: list[Article] = []
    if article.story_id is not None:
        story_articles = list(session.scalars(select(Article).where(Article.story_id == article.story_id,
                                                                    Article.id != article.id)
                                              .order_by(Article.published_at, Article.id).limit(100)))
    copies = session.scalars(select(Article).where(Article.duplicate_of_id == article.id).order_by(Article.id)
                             .limit(100)).all()
    return {"article": article, "observations": observations, "changes": changes,
            "duplicate_of": article.duplicate_of, "story": article.story, "story_articles": story_articles,
            "copies": copies}


