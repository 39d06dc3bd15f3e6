"""Building blocks for crawl tests: distinct article pages, feeds, and a one-call crawl."""
from __future__ import annotations

import random
from email.utils import format_datetime
from datetime import datetime, timezone
from html import escape

from analysis.rules import Rules, TopicRules
from crawler.options import CrawlOptions, SourceSpec
from crawler.run import CrawlSummary, run_crawl

_SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "bra", "cle", "dri", "fo", "gu", "hen")


def words(seed: str, count: int) -> str:
    """Text no other seed shares (so deduplication sees distinct articles)."""
    rng = random.Random(seed)
    return " ".join("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(count))


def article(title: str, *, seed: str | None = None, published: str = "2022-03-01T10:00:00+00:00",
            extra: str = "", charset: str = "utf-8") -> str:
    """An article page with boilerplate around six paragraphs of its own text."""
    seed = seed or title
    paragraphs = "".join(f"<p>{escape(title)}: {words(seed + str(i), 60)}.</p>" for i in range(6))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="{charset}"><title>{escape(title)}</title>'
            f'<meta property="article:published_time" content="{published}"></head><body>'
            f'<nav><a href="/">Home</a> <a href="/about">About</a></nav>'
            f"<article><h1>{escape(title)}</h1>{extra}{paragraphs}</article>"
            f"<footer>All rights reserved</footer></body></html>")


def rss(entries: list[tuple[str, str]], when: datetime = datetime(2022, 3, 1, tzinfo=timezone.utc)) -> str:
    """An RSS 2.0 feed of (title, link) entries."""
    items = "".join(f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
                    f"<description>{escape(title)}: summary from the feed</description>"
                    f"<pubDate>{format_datetime(when)}</pubDate></item>" for title, link in entries)
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'


def crawl(factory, sources: list[SourceSpec], **options) -> CrawlSummary:
    settings = {"workers": 1, "download_timeout": 3.0, **options}
    return run_crawl(factory, sources, CrawlOptions(**settings), Rules(topic=TopicRules()), progress=False,
                     trigger="manual")


def feed(name: str, url: str) -> SourceSpec:
    return SourceSpec(name=name, type="feed", url=url)
