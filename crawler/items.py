"""The one item every spider yields: a fetched page (or a feed entry whose page failed)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FeedEntry:
    """What a feed said about an entry; the fallback when the page lacks it or fails."""

    link: str
    title: str = ""
    summary: str = ""
    author: str | None = None
    published_at: datetime | None = None


@dataclass
class PageItem:
    """A page as fetched: `url` as linked, `final_url` after redirects, `html` decoded text.

    When the page could not be fetched, `html` is None, `error` says why, and the article is
    stored from `entry` (the feed's own fields), marked as such.
    """

    source: str
    url: str
    final_url: str
    html: str | None = None
    entry: FeedEntry | None = None
    error: str | None = None
