"""From a fetched page (or the feed entry of a failed one) to a judged `Document`.

Runs in worker processes during a crawl, so everything it takes and returns pickles.
"""
from __future__ import annotations

from analysis.analyse import document
from analysis.document import Document
from analysis.extract import Extracted, extract_page
from analysis.rules import Rules
from analysis.urls import canonical_url
from crawler.items import FeedEntry, PageItem


def analyse(page: PageItem, rules: Rules) -> Document:
    """Extract, canonicalise and judge one fetched page (or the feed entry of a failed one)."""
    page_says = extract_page(page.html, page.final_url) if page.html is not None else Extracted()
    feed_says = page.entry or FeedEntry(link=page.url)
    return document(url=page.url, canonical=canonical_url(page.final_url, page_says.canonical_url),
                    source=page.source, title=page_says.title or feed_says.title,
                    text=page_says.text or feed_says.summary,
                    published_at=page_says.published_at or feed_says.published_at,
                    published_precision=page_says.published_precision if page_says.published_at else "",
                    author=page_says.author or feed_says.author, lang=page_says.lang,
                    rules=rules, from_feed_only=page.html is None, fetch_error=page.error)

