"""From a fetched page (or a plain-text file) to a `Document`: the CPU-heavy stages in order.

Runs in worker processes during a crawl, so everything it takes and returns pickles.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from crawler.document import Document
from crawler.items import FeedEntry, PageItem
from crawler.options import TopicRules, WatchSpec
from crawler.stages.dedup import signature
from crawler.stages.details import extract_details
from crawler.stages.extract import Extracted, extract_page
from crawler.stages.relevance import judge
from crawler.stages.urls import canonical_url


@dataclass(frozen=True)
class Rules:
    """What the judging stages need from the config."""

    topic: TopicRules
    watches: tuple[WatchSpec, ...] = ()


def text_hash(text: str) -> str:
    """Hash of the text with whitespace and case folded, so re-wrapped copies hash the same."""
    return hashlib.sha256(" ".join(text.casefold().split()).encode("utf-8")).hexdigest()


def analyse(page: PageItem, rules: Rules) -> Document:
    """Extract, canonicalise and judge one fetched page (or the feed entry of a failed one)."""
    page_says = extract_page(page.html, page.final_url) if page.html is not None else Extracted()
    feed_says = page.entry or FeedEntry(link=page.url)
    return _document(url=page.url, canonical=canonical_url(page.final_url, page_says.canonical_url),
                     source=page.source, title=page_says.title or feed_says.title,
                     text=page_says.text or feed_says.summary,
                     published_at=page_says.published_at or feed_says.published_at,
                     author=page_says.author or feed_says.author, lang=page_says.lang,
                     rules=rules, from_feed_only=page.html is None, fetch_error=page.error)


def analyse_text(text: str, *, url: str, title: str | None, published_at: datetime | None,
                 rules: Rules) -> Document:
    """A plain-text reference item: the first line is its title unless one is given."""
    body = text.strip()
    if not body:
        raise ValueError("the file is empty")
    if title is None:
        first, _, rest = body.partition("\n")
        title, body = first.strip(), (rest.strip() or first.strip())
    return _document(url=url, canonical=canonical_url(url, None), source="reference", title=title,
                     text=body, published_at=published_at, author=None, lang=None, rules=rules,
                     is_reference=True)


def _document(*, url: str, canonical: str, source: str, title: str, text: str,
              published_at: datetime | None, author: str | None, lang: str | None, rules: Rules,
              is_reference: bool = False, from_feed_only: bool = False, fetch_error: str | None = None) -> Document:
    verdict = judge(title, text, rules.topic, rules.watches)
    details = extract_details(title, text, published_at, rules.watches) if verdict.relevant else []
    return Document(url=url, canonical_url=canonical, source=source, title=title, text=text,
                    text_hash=text_hash(text), published_at=published_at, author=author, lang=lang,
                    is_reference=is_reference, from_feed_only=from_feed_only, fetch_error=fetch_error,
                    relevant=verdict.relevant, relevance_score=verdict.score, relevance_reason=verdict.reason,
                    signature=signature(text), details=details)
