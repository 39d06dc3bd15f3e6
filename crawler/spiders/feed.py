"""RSS/Atom sources: a conditional GET of the feed, then each new entry's article page."""
from __future__ import annotations

import io
import xml.sax
import xml.sax.handler
from calendar import timegm
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urljoin

import feedparser
from defusedxml import DefusedXmlException
from defusedxml import sax as defused_sax
from scrapy.http import Response
from w3lib.html import remove_tags, replace_entities

from crawler.cleaning import storable, without_bad_references
from crawler.items import FeedEntry
from crawler.spiders.base import SourceSpider, looks_like_html

_PROLOG_BYTES = 2048


class FeedError(ValueError):
    """The body is not a feed that can be read safely."""


@dataclass(frozen=True)
class ParsedFeed:
    entries: list[FeedEntry]
    problem: str | None  # why the feed is not well-formed (feedparser's bozo), its entries kept anyway
    without_link: int = 0


def read_feed(body: bytes, content_type: str | None, url: str) -> ParsedFeed:
    """Parse a feed from its bytes (never from a URL or path: feedparser would open those)."""
    prolog = body[:_PROLOG_BYTES]
    refuse_entity_declarations(body)
    if not body.strip():
        raise FeedError("empty response, not a feed")
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    try:
        parsed = feedparser.parse(io.BytesIO(without_bad_references(body)), response_headers=headers,
                                  sanitize_html=True)
    except Exception as exc:  # a parser crash is the feed's failure, never an empty success
        raise FeedError(f"cannot parse the feed: {type(exc).__name__}: {str(exc)[:200]}") from None
    problem = _bozo_reason(parsed) if parsed.get("bozo") else None
    if not parsed.get("version") and not parsed.entries:
        if looks_like_html(prolog):
            raise FeedError("an HTML page was served where an RSS/Atom feed was expected")
        raise FeedError(f"not an RSS/Atom feed ({problem or 'no feed elements found'})")
    entries, without_link = [], 0
    for raw in parsed.entries:
        link = _entry_link(raw)
        if not link:
            without_link += 1
            continue
        try:
            link = urljoin(url, link)
        except ValueError:  # e.g. a malformed IPv6 host
            without_link += 1
            continue
        author = raw.get("author")
        entries.append(FeedEntry(link=link, title=_plain(raw.get("title", "")),
                                 summary=_plain(raw.get("summary", "")), author=storable(author) if author else None,
                                 published_at=_published(raw)))
    return ParsedFeed(entries, problem, without_link)


class FeedSpider(SourceSpider):
    """One feed source."""

    kind = "feed"

    def parse_source(self, response: Response):
        if self.not_modified(response):
            return
        kind = response.headers.get(b"Content-Type")
        try:
            feed = read_feed(response.body, kind.decode("latin-1") if kind else None, response.url)
        except FeedError as exc:
            self.report.fail(f"{response.url}: {exc}")
            return
        if feed.problem:
            self.report.note(f"feed not well-formed ({feed.problem}); its entries were kept")
        if feed.without_link:
            self.report.note(f"{feed.without_link} feed entries have no usable link and were skipped")
        entries = [entry for entry in feed.entries if not self.too_old(entry.published_at)]
        self.known.prefetch(entry.link for entry in entries)
        for entry in entries:
            request = self.page_request(entry.link, entry)
            if request is not None:
                yield request


def refuse_entity_declarations(body: bytes) -> None:
    """Refuse a feed that declares entities or names external ones (billion laughs, XXE).

    The whole document goes through defusedxml's expat reader, the parser that sees what
    feedparser will see; a text scan can be fooled by comments and brackets. Any entity
    declaration, internal or external, is refused. A plain DOCTYPE (RSS 0.91's) is fine: its
    external DTD is never loaded (expat skips it). A document that is not well-formed is left
    to feedparser unless it has an entity declaration anywhere (expat may have stopped before it).
    """
    try:
        defused_sax.parseString(body, xml.sax.handler.ContentHandler(), forbid_dtd=False, forbid_entities=True,
                                forbid_external=False)
    except DefusedXmlException as exc:
        raise FeedError(f"the feed declares XML entities ({type(exc).__name__}); refused (entity expansion)") from None
    except (xml.sax.SAXException, ValueError):
        if b"<!entity" in body.lower():
            raise FeedError("the feed declares XML entities and is not well-formed; refused (entity expansion)") from None


def _entry_link(raw) -> str | None:
    link = raw.get("link")
    if link:
        return link.strip()
    for candidate in raw.get("links", []):
        if candidate.get("href") and candidate.get("rel", "alternate") == "alternate":
            return candidate["href"].strip()
    guid = raw.get("id", "")
    return guid if guid.startswith(("http://", "https://")) else None


def _published(raw) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = raw.get(key)
        if value:
            try:
                return datetime.fromtimestamp(timegm(value), tz=timezone.utc)
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def _plain(html: str) -> str:
    return storable(" ".join(replace_entities(remove_tags(html or "")).split()))


def _bozo_reason(parsed) -> str:
    exc = parsed.get("bozo_exception")
    if exc is None:
        return "malformed"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
