"""Sitemap sources: XML sitemaps, Google News sitemaps and sitemap indexes (gzipped or not)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from lxml import etree
from scrapy.http import Request, Response
from scrapy.utils.gz import gunzip

from crawler.items import FeedEntry
from crawler.spiders.base import SourceSpider, same_site

MAX_CHILD_SITEMAPS = 50
_OLDEST = datetime.min.replace(tzinfo=timezone.utc)


class SitemapError(ValueError):
    """The body is not a sitemap."""


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    modified: datetime | None = None
    title: str = ""


@dataclass(frozen=True)
class Sitemap:
    is_index: bool
    entries: list[SitemapEntry]


def read_sitemap(body: bytes, max_size: int) -> Sitemap:
    """Parse a sitemap or sitemap index; entities are never resolved and nothing is fetched."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=max_size)
        except Exception as exc:  # gzip errors and the size cap come as several types
            raise SitemapError(f"cannot decompress the sitemap: {exc}") from None
    parser = etree.XMLParser(recover=True, remove_comments=True, resolve_entities=False, no_network=True,
                             load_dtd=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise SitemapError(f"not a sitemap: {exc}") from None
    if root is None or _local(root.tag) not in ("urlset", "sitemapindex"):
        what = _local(root.tag) if root is not None else "nothing readable"
        raise SitemapError(f"not a sitemap (root element <{what}>)")
    is_index = _local(root.tag) == "sitemapindex"
    entries = []
    for element in root:
        if not isinstance(element.tag, str) or _local(element.tag) not in ("url", "sitemap"):
            continue
        fields = {_local(child.tag): (child.text or "").strip() for child in element.iter() if isinstance(child.tag, str)}
        if fields.get("loc"):
            modified = _date(fields.get("publication_date")) or _date(fields.get("lastmod"))
            entries.append(SitemapEntry(fields["loc"], modified, fields.get("title", "")))
    return Sitemap(is_index, entries)


class SitemapSpider(SourceSpider):
    """One sitemap source (a sitemap or a sitemap index)."""

    kind = "sitemap"

    def parse_source(self, response: Response):
        if self.not_modified(response):
            return
        try:
            sitemap = read_sitemap(response.body, self.options.max_page_bytes)
        except SitemapError as exc:
            self.report.fail(f"{response.url}: {exc}")
            return
        yield from self._follow(sitemap)

    def parse_child(self, response: Response):
        try:
            sitemap = read_sitemap(response.body, self.options.max_page_bytes)
        except SitemapError as exc:
            self.report.page_failed(response.url, str(exc))
            return
        yield from self._follow(sitemap, nested=True)

    def _follow(self, sitemap: Sitemap, nested: bool = False):
        newest_first = sorted(sitemap.entries, key=lambda e: e.modified or _OLDEST, reverse=True)
        if sitemap.is_index:
            if nested:
                self.report.note("nested sitemap indexes are not followed")
                return
            for entry in newest_first[:MAX_CHILD_SITEMAPS]:
                if not self.too_old(entry.modified):
                    yield Request(entry.loc, callback=self.parse_child, errback=self.part_failed, dont_filter=True)
            return
        entries = [entry for entry in newest_first
                   if not self.too_old(entry.modified) and same_site(entry.loc, self.source.url)]
        self.known.prefetch(entry.loc for entry in entries)
        for entry in entries:
            request = self.page_request(entry.loc, FeedEntry(link=entry.loc, title=entry.title,
                                                             published_at=entry.modified))
            if request is not None:
                yield request


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
