"""What every source spider shares: the source request, article page requests, failures.

A spider crawls one source. It never touches the database: it is given a lookup of the URLs
already stored (so it does not fetch them again) and a `SourceReport` to fill in; it yields
`PageItem`s.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import CannotResolveHostError
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from crawler.addresses import GUARD_SETTING, url_host
from crawler.fetch_errors import describe_failure, is_robots_refusal, is_robots_unavailable
from crawler.items import FeedEntry, PageItem
from crawler.middlewares import BACKOFF_STATUSES, retry_after_seconds
from crawler.options import CrawlOptions, SourceSpec
from crawler.report import SourceReport, SourceState
from crawler.spiders.charset import decode_html
from storage.models import URL_MAX_LENGTH, utcnow

HTML_TYPES = ("text/html", "application/xhtml+xml")


class KnownUrls:
    """Whether a link belongs to a stored article (as linked, cleaned of tracking parameters, or
    as the canonical URL its page declared): never fetched again. `lookup` answers for a batch
    of links (one indexed query: `crawler.dedup_keys.stored_urls`); a spider asks for all the
    links of a feed or page at once (`prefetch`) before it asks about each."""

    def __init__(self, lookup: Callable[[list[str]], set[str]] | None = None) -> None:
        self._lookup = lookup
        self._answers: dict[str, bool] = {}

    def prefetch(self, urls: Iterable[str]) -> None:
        todo = [url for url in dict.fromkeys(urls) if url not in self._answers]
        if todo:
            found = self._lookup(todo) if self._lookup is not None else set()
            self._answers.update((url, url in found) for url in todo)

    def known(self, url: str) -> bool:
        """Stored already, as linked or by its cleaned form (a fresh utm_* does not make it new)."""
        if url not in self._answers:
            self.prefetch([url])
        return self._answers[url]


class SourceSpider(scrapy.Spider):
    """Base of the feed, site and sitemap spiders; one instance crawls one source."""

    kind = "source"

    def __init__(self, *, source: SourceSpec, state: SourceState, known: KnownUrls, report: SourceReport,
                 options: CrawlOptions, **kwargs: Any) -> None:
        super().__init__(name=f"{self.kind}:{source.name}", **kwargs)
        self.source, self.state, self.known, self.report, self.options = source, state, known, report, options
        self._requested: set[str] = set()
        self.cutoff = (utcnow() - timedelta(days=options.max_age_days)) if options.max_age_days else None

    # ---------------------------------------------------------------- the source itself

    async def start(self):
        yield self.source_request(self.source.url, self.parse_source, conditional=True)

    def source_request(self, url: str, callback, *, conditional: bool = False, **meta: Any) -> Request:
        """A request whose failure is the source's failure."""
        headers = {}
        if conditional and self.state.etag:
            headers["If-None-Match"] = self.state.etag
        if conditional and self.state.last_modified:
            headers["If-Modified-Since"] = self.state.last_modified
        # dont_filter: duplicates are filtered here, and a filtered redirect loop would end silently
        return Request(url, callback=callback, errback=self.source_failed, headers=headers, dont_filter=True,
                       meta={"handle_httpstatus_list": [304], **meta}, priority=10)

    def parse_source(self, response: Response):
        raise NotImplementedError

    def not_modified(self, response: Response) -> bool:
        """Handle a 304 (nothing new since the last crawl) and remember the validators of a 200."""
        self.report.http_status = response.status
        if response.status == 304:
            self.report.status = "not_modified"
            self.report.etag, self.report.last_modified = self.state.etag, self.state.last_modified
            return True
        self.report.etag = _header(response, b"ETag")
        self.report.last_modified = _header(response, b"Last-Modified")
        if {301, 308} & set(response.meta.get("redirect_reasons", ())):
            self.report.note(f"moved permanently to {response.url}: update the source's url")
        return False

    def source_failed(self, failure: Failure) -> None:
        self._note_backoff(failure)
        self.report.fail(f"{failure.request.url}: {self.describe(failure)}")

    def part_failed(self, failure: Failure) -> None:
        """Errback of a request for part of the source (a listing page, a child sitemap)."""
        self.report.page_failed(failure.request.url, self.describe(failure))

    # ---------------------------------------------------------------- article pages

    def page_request(self, url: str, entry: FeedEntry | None = None, callback=None) -> Request | None:
        """A request for an article page, or None when it is stored, requested or over the limit."""
        if url in self._requested:
            return None
        if urlsplit(url).scheme not in ("http", "https"):
            self._requested.add(url)
            self.report.page_failed(url, "not an http(s) link")
            return None
        if len(url) > URL_MAX_LENGTH:
            self._requested.add(url)
            self.report.page_failed(url[:200] + "...", f"URL of {len(url)} characters, longer than the "
                                    f"{URL_MAX_LENGTH} stored: not fetched")
            return None
        if self.known.known(url):
            self.report.skipped_known += 1
            return None
        if len(self._requested) >= self.options.max_pages_per_site:
            self.report.note(f"stopped at {self.options.max_pages_per_site} pages (max_pages_per_site)")
            return None
        self._requested.add(url)
        try:
            return Request(url, callback=callback or self.parse_page, errback=self.page_failed, dont_filter=True,
                           cb_kwargs={"entry": entry})
        except ValueError as exc:
            self.report.page_failed(url, f"not a valid URL: {exc}")
            return None

    def parse_page(self, response: Response, entry: FeedEntry | None = None):
        item = self.page_item(response, entry)
        if item is not None:
            yield item

    def page_item(self, response: Response, entry: FeedEntry | None) -> PageItem | None:
        """The fetched page as an item; a page that is not HTML is an error (kept when a feed described it)."""
        url = response.request.url if response.request else response.url
        if response.meta.get("redirect_urls"):
            url = response.meta["redirect_urls"][0]
        kind = _header(response, b"Content-Type") or ""
        if not isinstance(response, TextResponse) or (kind and not kind.lower().startswith(HTML_TYPES)
                                                       and not looks_like_html(response.body)):
            return self._failed_page(url, f"not an HTML page ({kind.split(';')[0] or 'no Content-Type'})", entry)
        html, _ = decode_html(response.body, kind or None)
        self.report.fetched += 1
        return PageItem(source=self.source.name, url=url, final_url=response.url, html=html, entry=entry)

    def page_failed(self, failure: Failure):
        request = failure.request
        entry = request.cb_kwargs.get("entry")
        if is_robots_refusal(failure):
            self.report.robots_skipped += 1
            if entry is None:
                return
            yield PageItem(source=self.source.name, url=request.url, final_url=request.url, entry=entry,
                           error="disallowed by robots.txt")
            return
        if is_robots_unavailable(failure):  # not stored, so that the next crawl tries it again
            self.report.page_failed(request.url, self.describe(failure))
            return
        self._note_backoff(failure)
        item = self._failed_page(request.url, self.describe(failure), entry)
        if item is not None:
            yield item

    def _failed_page(self, url: str, error: str, entry: FeedEntry | None) -> PageItem | None:
        self.report.page_failed(url, error)
        if entry is None:
            return None
        return PageItem(source=self.source.name, url=url, final_url=url, entry=entry, error=error)

    # ---------------------------------------------------------------- helpers

    def describe(self, failure: Failure) -> str:
        guard = self.crawler.settings.get(GUARD_SETTING) if getattr(self, "crawler", None) else None
        request = getattr(failure, "request", None)
        if guard is not None and request is not None and failure.check(DNSLookupError, CannotResolveHostError):
            refusal = guard.refusal(url_host(request.url))
            if refusal:
                return refusal
        return describe_failure(failure, self.options.download_timeout)

    def too_old(self, published: datetime | None) -> bool:
        return bool(self.cutoff and published and published < self.cutoff)

    def _note_backoff(self, failure: Failure) -> None:
        """A 429/503 whose Retry-After was too long to wait for: remember until when."""
        if not isinstance(failure.value, HttpError):
            return
        response = failure.value.response
        if response.status not in BACKOFF_STATUSES:
            return
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is not None:
            until = utcnow() + timedelta(seconds=wait)
            if self.report.retry_after_until is None or until > self.report.retry_after_until:
                self.report.retry_after_until = until


def same_site(url: str, home: str) -> bool:
    """An http(s) URL on the host of `home` (ignoring a leading www., and http vs https)."""
    parts, base = urlsplit(url), urlsplit(home)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if _bare(parts.hostname) != _bare(base.hostname or ""):
        return False
    return parts.port == base.port or (_port(parts) in (80, 443) and _port(base) in (80, 443))


def _port(parts) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def _bare(host: str) -> str:
    host = host.lower()
    return host[4:] if host.startswith("www.") else host


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1").strip() if value else None


def looks_like_html(body: bytes) -> bool:
    """The start of an HTML document (whatever the Content-Type says)."""
    head = body[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or b"<body" in head
