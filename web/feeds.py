"""Atom 1.0 feeds of changes and of new stories, built with ElementTree (so every text is escaped)."""
from __future__ import annotations

from datetime import datetime, timezone
from xml.etree import ElementTree as ET

from sqlalchemy import desc, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from storage.models import Article, Change, Story
from web.render import web_url

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _stamp(when: datetime | None) -> str:
    when = when or EPOCH
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = _clean(text)
    return element


def _clean(text: str) -> str:
    """Text XML 1.0 can carry: control characters other than tab and newlines dropped."""
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20 and ch not in "\ufffe\uffff")


def _feed(request: Request, title: str, path: str, updated: datetime | None) -> ET.Element:
    base = str(request.base_url).rstrip("/")
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", f"{base}{path}")
    _sub(feed, "title", title)
    _sub(feed, "updated", _stamp(updated))
    _sub(feed, "link", rel="self", href=f"{base}{path}", type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href=f"{base}/", type="text/html")
    author = _sub(feed, "author")
    _sub(author, "name", "spacewatch")
    _sub(feed, "generator", "spacewatch")
    return feed


def _answer(feed: ET.Element) -> Response:
    ET.register_namespace("", ATOM)
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


def _article_link(request: Request, article: Article) -> str:
    if web_url(article.canonical_url):
        return article.canonical_url
    return f"{str(request.base_url).rstrip('/')}/articles/{article.id}"


def changes_feed(request: Request) -> Response:
    labels: dict[str, str] = request.app.state.labels
    with request.app.state.sessions() as session:
        rows = session.execute(select(Change, Article).join(Article, Change.article_id == Article.id)
                               .order_by(desc(Change.id)).limit(FEED_SIZE)).all()
        feed = _feed(request, "spacewatch: changes", "/feeds/changes.atom", rows[0][0].detected_at if rows else None)
        base = str(request.base_url).rstrip("/")
        for change, article in rows:
            old = change.old if change.old is not None else "(none)"
            new = change.new if change.new is not None else "(removed)"
            label = labels.get(change.subject, change.subject)
            entry = _sub(feed, "entry")
            _sub(entry, "id", f"{base}/changes#change-{change.id}")
            _sub(entry, "title", f"{label}: {change.attribute} {old} -> {new}")
            _sub(entry, "updated", _stamp(change.detected_at))
            _sub(entry, "link", rel="alternate", href=_article_link(request, article))
            _sub(entry, "summary", f"{change.snippet}\n\n{article.title} ({article.source})".strip())
    return _answer(feed)


def stories_feed(request: Request) -> Response:
    with request.app.state.sessions() as session:
        relevant = select(Article.id).where(Article.story_id == Story.id, Article.relevant.is_(True)).exists()
        # the newest stories are the last created: walk the primary key backwards
        stories = session.scalars(select(Story).where(relevant).order_by(desc(Story.id)).limit(FEED_SIZE)).all()
        members: dict[int, list[Article]] = {}
        if stories:
            for article in session.scalars(select(Article).where(Article.story_id.in_([s.id for s in stories]))
                                           .order_by(Article.id)):
                members.setdefault(article.story_id, []).append(article)
        feed = _feed(request, "spacewatch: new stories", "/feeds/stories.atom",
                     stories[0].first_seen if stories else None)
        base = str(request.base_url).rstrip("/")
        for story in stories:
            articles = members.get(story.id, [])
            entry = _sub(feed, "entry")
            _sub(entry, "id", f"{base}/stories#story-{story.id}")
            _sub(entry, "title", story.title or (articles[0].title if articles else "(untitled story)"))
            _sub(entry, "updated", _stamp(story.last_seen))
            _sub(entry, "published", _stamp(story.first_seen))
            if articles:
                _sub(entry, "link", rel="alternate", href=_article_link(request, articles[0]))
            lines = [f"{a.title} ({a.source}): {a.canonical_url}" for a in articles]
            _sub(entry, "summary", "\n".join(lines) or "no articles")
    return _answer(feed)


routes = [Route("/feeds/changes.atom", changes_feed, methods=["GET"]),
          Route("/feeds/stories.atom", stories_feed, methods=["GET"])]
