"""What the dashboard pages show, read from storage: one function per page, parameters bound."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, desc, func, literal, or_, select, text
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


def _matches(session: Session, column, query: str, ids=None) -> ColumnElement[bool]:
    """Full-text match of titles: PostgreSQL's to_tsvector, SQLite's FTS5 index (`articles_fts`,
    rows by article id; every word must be there), elsewhere a case-insensitive LIKE of every word."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return func.to_tsvector("simple", column).op("@@")(func.plainto_tsquery("simple", query))
    words = query.split()[:8]
    if dialect == "sqlite" and ids is not None and words:
        phrase = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        return ids.in_(text("SELECT rowid FROM articles_fts WHERE articles_fts MATCH :phrase")
                       .bindparams(phrase=phrase).columns(rowid=Integer))
    return and_(*[column.ilike(f"%{_escape_like(word)}%", escape="\\") for word in words])


def story_list(session: Session, *, query: str = "", limit: int = PAGE_SIZE, before: int | None = None) -> dict[str, Any]:
    """Stories with a relevant article (matching `query` when given: the articles' titles are
    searched, a story's title being its first article's), the one with the most recently
    published such article first, each with its articles (an article without a publication
    date, which only an import without --published leaves, places no story). A page ends at an
    article; `before` (that article's id) continues after it, so a deep page costs what the
    first does."""
    relevant = [func.coalesce(Article.relevant, False).is_(True), Article.story_id.is_not(None),
                Article.published_at.is_not(None)]  # a crawl dates every article; an import may not
    after_cursor: list[ColumnElement[bool]] = []
    if before is not None:
        cursor = session.get(Article, before)
        if cursor is None or cursor.published_at is None:
            return {"stories": [], "next": None}
        # (published_at, id) < the cursor's, with a plain range on published_at for the index
        after_cursor = [Article.published_at <= cursor.published_at,
                        or_(Article.published_at < cursor.published_at, Article.id < cursor.id)]
    # coalesce(): no index on `relevant` for this one, so the planners walk published_at's backwards;
    # titles are matched outside the LIMITed walk, so that a planner that cannot estimate a text
    # match (PostgreSQL without an expression index) still walks rather than scan and sort
    walk = (select(Article.story_id, Article.id, Article.title, Article.published_at)
            .where(*relevant, *after_cursor).order_by(desc(Article.published_at), desc(Article.id)))
    order: dict[int, int] = {}  # story id -> the id of the article it was found by
    shown_before: set[int] = set()
    start, chunk = 0, max(200, (limit + 1) * 4)
    while len(order) <= limit:  # LIMITed chunks, doubling
        part = walk.limit(chunk).offset(start).subquery()
        hit = _matches(session, part.c.title, query, ids=part.c.id) if query.strip() else literal(True)
        rows = session.execute(select(part.c.story_id, part.c.id, hit.label("hit"))
                               .order_by(desc(part.c.published_at), desc(part.c.id))).all()
        candidates = {story_id for story_id, _, matched in rows if matched and story_id not in order}
        if before is not None and candidates:  # stories an earlier page showed (by a newer article)
            newer = select(Article.story_id).where(*relevant, Article.story_id.in_(candidates),
                                                   ~and_(*after_cursor))
            if query.strip():
                newer = newer.where(_matches(session, Article.title, query, ids=Article.id))
            shown_before |= set(session.scalars(newer.distinct()))
        for story_id, article_id, matched in rows:
            if matched and story_id not in order and story_id not in shown_before:
                order[story_id] = article_id
                if len(order) > limit:
                    break
        if len(rows) < chunk:
            break
        start, chunk = start + chunk, chunk * 2
    ids = list(order)[:limit]
    next_cursor = order[ids[-1]] if len(order) > limit else None
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
    return {"stories": entries, "next": next_cursor}


def irrelevant_list(session: Session, *, query: str = "", limit: int = PAGE_SIZE, offset: int = 0) -> dict[str, Any]:
    # coalesce(): walk fetched_at's index backwards rather than sort every irrelevant article
    conditions: list[ColumnElement[bool]] = [func.coalesce(Article.relevant, True).is_(False)]
    if query.strip():
        conditions.append(_matches(session, Article.title, query, ids=Article.id))
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


