"""Site sources: a start page, the links whose path matches `follow`, and pagination.

Pages whose path matches `follow` are articles; their own links that match are followed too
(how older articles are found). Listing pages (the start page, its next pages) are only read
for links. No link off the source's host is followed, and stored articles are not fetched again.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Request, Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from crawler.items import FeedEntry
from crawler.spiders.base import SourceSpider, same_site

MAX_LISTING_PAGES = 25


@dataclass(frozen=True)
class Pagination:
    text: tuple[re.Pattern[str], ...]
    url: tuple[re.Pattern[str], ...]

    def is_next(self, url: str, text: str) -> bool:
        parts = urlsplit(url)
        where = parts.path + ("?" + parts.query if parts.query else "")
        label = " ".join(text.split())
        return any(p.search(label) for p in self.text) or any(p.search(where) for p in self.url)


@lru_cache(maxsize=1)
def pagination() -> Pagination:
    raw = tomllib.loads(resources.files("crawler").joinpath("data", "pagination.toml").read_text(encoding="utf-8"))
    return Pagination(tuple(re.compile(p, re.IGNORECASE) for p in raw.get("text", ())),
                      tuple(re.compile(p, re.IGNORECASE) for p in raw.get("url", ())))


class SiteSpider(SourceSpider):
    """One site source."""

    kind = "site"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.follow = tuple(re.compile(p) for p in self.source.follow)
        self.home_path = urlsplit(self.source.url).path or "/"
        self.links = LinkExtractor(canonicalize=False, unique=True)
        self._listings: set[str] = {self.source.url}

    def parse_source(self, response: Response):
        if self.not_modified(response):
            return
        if not isinstance(response, TextResponse):
            self.report.fail(f"{response.url}: the start page is not an HTML page")
            return
        yield from self.parse_listing(response)

    def parse_listing(self, response: Response):
        if not isinstance(response, TextResponse):
            return
        rel_next = self._rel_next(response)
        links = list(self._links(response))
        self.known.prefetch(url for url, _ in links if self.is_article(url))
        for url, text in links:
            # A next page is a listing even when its path matches `follow` ("/news/page/2/"): stored as
            # an article it would be marked known and never read for the links only it carries.
            if url in rel_next or pagination().is_next(url, text):
                if url not in self._listings and len(self._listings) < MAX_LISTING_PAGES:
                    self._listings.add(url)
                    yield Request(url, callback=self.parse_listing, errback=self.part_failed, dont_filter=True)
            elif self.is_article(url):
                request = self.page_request(url, callback=self.parse_article)
                if request is not None:
                    yield request

    def parse_article(self, response: Response, entry: FeedEntry | None = None):
        item = self.page_item(response, entry)
        if item is not None:
            yield item
        if isinstance(response, TextResponse):
            articles = [url for url, _ in self._links(response) if self.is_article(url)]
            self.known.prefetch(articles)
            for url in articles:
                request = self.page_request(url, callback=self.parse_article)
                if request is not None:
                    yield request

    @staticmethod
    def _rel_next(response: TextResponse) -> set[str]:
        """The page's declared next page (`rel="next"`), which beats any guess from link text."""
        return {response.urljoin(href) for href in
                response.css('a[rel~="next"]::attr(href), link[rel~="next"]::attr(href)').getall()}

    def is_article(self, url: str) -> bool:
        path = urlsplit(url).path or "/"
        if self.follow:
            return any(pattern.search(path) for pattern in self.follow)
        return path.startswith(self.home_path) and len(path) > len(self.home_path)

    def _links(self, response: TextResponse) -> list[tuple[str, str]]:
        found = []
        for link in self.links.extract_links(response):
            url = link.url.split("#", 1)[0]
            if same_site(url, self.source.url) and url != response.url:
                found.append((url, link.text or ""))
        return found
