"""From a page's HTML to its main text and metadata: title, date, author, canonical URL, language.

The page is parsed once; the metadata comes from that tree's head (meta tags, JSON-LD,
`<time>`), which costs well under a millisecond, and the tree is then handed to trafilatura for
the text. trafilatura's own metadata pass (`with_metadata`) is skipped because it runs a full
date search on every page; that search only runs here when the page declares no date at all.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, time, timezone
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html

log = logging.getLogger(__name__)

# Separators sites put between a headline and their own name in <title>.
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-\u2013\u2014:\u00b7\u2022/]|::|\u00bb)\s+")
_SEPARATOR_CHARS = " |-\u2013\u2014:\u00b7\u2022/\u00bb"  # stripped where a site name is cut off
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _class_step(token: str) -> str:
    """Elements whose class list holds `token`; the plain `contains` first, because it is cheap
    and rules out almost every element before the exact test builds its strings."""
    return (f'//*[contains(@class, "{token}")]'
            f'[contains(concat(" ", normalize-space(@class), " "), " {token} ")]')


# Bylines in the body when the head names no author (trafilatura's own author search deep-copies
# the tree and costs 3-10 ms a page; these few expressions cost well under one).
_BYLINE_XPATH = etree.XPath(
    f'(//*[@rel="author"] | //*[@itemprop="author"]//*[@itemprop="name"] | {_class_step("author-name")} '
    f'| {_class_step("byline")}//a | {_class_step("author")}//*[contains(@class, "fn") or self::a])'
    '[position() <= 5]')
_BYLINE_PREFIX = re.compile(r"^(?:by|von|par|por|door|di|av)\s+|^(?:author|autor)s?:\s*", re.IGNORECASE)
_ASIDE_MARKS = ("comment", "related", "sidebar", "widget", "teaser", "recommend", "trending")
_DATE_KEYS = ("datePublished", "dateCreated", "uploadDate")
_ARTICLE_TYPES = ("Article", "NewsArticle", "BlogPosting", "ReportageNewsArticle", "WebPage",
                  "AnalysisNewsArticle", "OpinionNewsArticle", "ReviewNewsArticle", "Report")


@dataclass(frozen=True)
class Extracted:
    """What a page says about itself; empty strings and Nones where it says nothing usable."""

    title: str = ""
    text: str = ""
    published_at: datetime | None = None
    author: str | None = None
    canonical_url: str | None = None
    lang: str | None = None
    published_precision: str = ""   # "month" or "year" when the page dates itself no closer


def extract_page(html: str, url: str) -> Extracted:
    """Main text (newline-separated paragraphs) and metadata of one page; never raises on bad HTML."""
    tree = _parse(html)
    if tree is None:
        return Extracted()
    try:
        head = _HeadMeta(tree)
        title = _title(tree, head)
        published = _published(tree, head)
        author = _author(tree, head)
        canonical = _canonical(head, url)
        lang = _lang(tree, head)
    except Exception:  # noqa: BLE001 - a page's metadata must never stop its text being read
        log.debug("metadata extraction failed for %s", url, exc_info=True)
        title, published, author, canonical, lang = "", None, None, None, None
    text = main_text(tree, url)
    precision = ""
    if isinstance(published, tuple):
        published, precision = published
    if published is None and text:
        published = _date_search(tree, url)
    return Extracted(title=title, text=text, published_at=published, author=author,
                     canonical_url=canonical, lang=lang, published_precision=precision)


def main_text(tree: HtmlElement, url: str | None = None) -> str:
    """The article body as paragraphs separated by newlines, reader comments left out."""
    try:
        # fast=True skips trafilatura's comparison with its fallback extractors. On the 181 real
        # pages (benchmarks/extraction_quality.py) that keeps token F1 at 0.962 (0.964 with
        # favor_precision and the comparison) for 25-40% less CPU a page.
        text = trafilatura.extract(tree, url=url, include_comments=False, fast=True,
                                   output_format="txt", deduplicate=False)
    except Exception:  # noqa: BLE001 - trafilatura raises on some malformed trees
        log.debug("trafilatura failed on %s", url, exc_info=True)
        return ""
    if not text:
        return ""
    lines = (_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _parse(html: str) -> HtmlElement | None:
    if not isinstance(html, (str, bytes)) or not html.strip():
        return None
    tree = _load(html)
    if tree is None and isinstance(html, str):
        # lxml refuses NUL and other control characters in a str; strip them only when needed.
        tree = _load(_CONTROL.sub("", html.replace("\x00", "")))
    return tree


def _load(html: str | bytes) -> HtmlElement | None:
    try:
        tree = load_html(html)
    except Exception:  # noqa: BLE001 - lxml and trafilatura raise a variety of errors on junk
        return None
    return tree if isinstance(tree, HtmlElement) else None


class _HeadMeta:
    """The page's <meta>, <link> and JSON-LD declarations, read once."""

    def __init__(self, tree: HtmlElement) -> None:
        self.meta: dict[str, str] = {}
        for node in tree.iterfind(".//meta"):
            key = (node.get("property") or node.get("name") or node.get("itemprop")
                   or node.get("http-equiv") or "").strip().lower()
            content = (node.get("content") or "").strip()
            if key and content:
                self.meta.setdefault(key, content)
        self.links: dict[str, str] = {}
        for node in tree.iterfind(".//link"):
            href = (node.get("href") or "").strip()
            for rel in (node.get("rel") or "").lower().split():
                if href:
                    self.links.setdefault(rel, href)
        # JSON-LD objects that describe the article itself, most specific first
        self.article_ld = sorted(_json_ld_objects(tree), key=_ld_rank)


def _json_ld_objects(tree: HtmlElement):
    for script in tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        try:
            data = json.loads(script.text or "")
        except (ValueError, TypeError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                yield item


def _ld_rank(item: dict) -> int:
    kinds = item.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return 0 if any(k in _ARTICLE_TYPES[:-1] for k in kinds if isinstance(k, str)) else 1


def _clean(value: object) -> str:
    return _SPACE.sub(" ", value).strip() if isinstance(value, str) else ""


def _title(tree: HtmlElement, head: _HeadMeta) -> str:
    og = _clean(head.meta.get("og:title"))
    if og:
        return og
    for item in head.article_ld:
        headline = _clean(item.get("headline"))
        if headline:
            return headline
    h1 = next((_clean(node.text_content()) for node in tree.iterfind(".//h1") if _clean(node.text_content())), "")
    page_title = next((_clean(node.text_content()) for node in tree.iterfind(".//title")), "")
    if page_title:
        return _strip_site_name(page_title, h1, _clean(head.meta.get("og:site_name")))
    return h1 or _clean(head.meta.get("twitter:title"))


def _strip_site_name(title: str, h1: str, site_name: str) -> str:
    """'Headline – Site' -> 'Headline' (also 'Site | Headline')."""
    if h1 and (title.startswith(h1) or title.endswith(h1)):
        return h1
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    if site_name:
        if parts[-1].casefold() == site_name.casefold():
            return title[: title.rfind(parts[-1])].rstrip(_SEPARATOR_CHARS)
        if parts[0].casefold() == site_name.casefold():
            return title[len(parts[0]):].lstrip(_SEPARATOR_CHARS)
    # Without a declared site name, a short last segment is taken for one.
    last = parts[-1]
    if len(last.split()) <= 4 and len(last) < len(title) / 2:
        return title[: title.rfind(last)].rstrip(_SEPARATOR_CHARS)
    return title


def _published(tree: HtmlElement, head: _HeadMeta) -> datetime | tuple[datetime, str] | None:
    for key in ("article:published_time", "og:published_time", "datepublished", "pubdate",
                "publishdate", "publish-date", "date", "dc.date.issued", "dc.date", "sailthru.date",
                "parsely-pub-date"):
        value = parse_datetime(head.meta.get(key))
        if value:
            return value
        partial = parse_partial_date(head.meta.get(key))
        if partial:
            return partial
    for item in head.article_ld:
        for key in _DATE_KEYS:
            value = parse_datetime(item.get(key))
            if value:
                return value
    # The first <time datetime> outside comments and side boxes, which carry their own dates.
    for node in tree.iterfind(".//time"):
        value = parse_datetime(node.get("datetime"))
        if value and not _in_aside(node):
            return value
    return None


def _in_aside(node: HtmlElement) -> bool:
    for ancestor in node.iterancestors():
        if ancestor.tag == "aside":
            return True
        marks = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}".lower()
        if any(word in marks for word in _ASIDE_MARKS):
            return True
    return False


def _date_search(tree: HtmlElement, url: str) -> datetime | None:
    """trafilatura's date search (htmldate): only for pages that declare no date."""
    try:
        from htmldate import find_date

        found = find_date(tree, url=url, original_date=True, extensive_search=False)
    except Exception:  # noqa: BLE001
        return None
    return parse_datetime(found)


def parse_partial_date(value: object) -> tuple[datetime, str] | None:
    """"2023-04" -> (2023-04-01, "month"), "2023" -> (2023-01-01, "year"): the start of the period
    and how precise the page was; never completed with today's day."""
    if not isinstance(value, str):
        return None
    match = re.fullmatch(r"\s*((?:19|20|21)\d\d)(?:-(\d\d))?\s*", value)
    if not match or (match.group(2) and not 1 <= int(match.group(2)) <= 12):
        return None
    year, month = int(match.group(1)), int(match.group(2) or 1)
    return datetime(year, month, 1, tzinfo=timezone.utc), "month" if match.group(2) else "year"


def parse_datetime(value: object) -> datetime | None:
    """ISO 8601 (date or date-time) -> aware UTC datetime; naive values are taken as UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = datetime.combine(datetime.fromisoformat(text[:10]).date(), time())
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    if not 1900 <= parsed.year <= 2200:
        return None
    return parsed.astimezone(timezone.utc)


def _author(tree: HtmlElement, head: _HeadMeta) -> str | None:
    for item in head.article_ld:
        name = _person_name(item.get("author"))
        if name:
            return name
    for key in ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author"):
        value = _clean(head.meta.get(key))
        if value and not value.startswith(("http://", "https://", "/")):
            return value
    for node in _BYLINE_XPATH(tree):
        if _in_aside(node):
            continue
        value = _BYLINE_PREFIX.sub("", _clean(node.text_content()))
        if value and len(value) <= 80 and any(c.isalpha() for c in value):
            return value
    return None


def _person_name(value: object) -> str | None:
    if isinstance(value, str):
        return _clean(value) or None
    if isinstance(value, dict):
        return _clean(value.get("name")) or None
    if isinstance(value, list):
        names = [name for name in (_person_name(item) for item in value) if name]
        return ", ".join(names) or None
    return None


def _canonical(head: _HeadMeta, url: str) -> str | None:
    for candidate in (head.links.get("canonical"), head.meta.get("og:url")):
        if not candidate:
            continue
        absolute = urljoin(url or "", candidate.strip())
        parts = urlsplit(absolute)
        if parts.scheme in ("http", "https") and parts.hostname:
            return absolute
    return None


def _lang(tree: HtmlElement, head: _HeadMeta) -> str | None:
    declared = (tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
                or head.meta.get("content-language") or head.meta.get("og:locale") or "")
    primary = re.split(r"[-_\s,]", declared.strip(), maxsplit=1)[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None
