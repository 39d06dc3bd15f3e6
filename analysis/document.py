"""An article as the processing stages see it, before it is stored."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Detail:
    """One tracked detail stated by an article: `subject` is a watch name."""

    subject: str
    attribute: str
    value: str
    snippet: str
    is_past: bool = False
    removed: bool = False
    mention_only: bool = False  # a title only used, not stated as the title ("titled X", "released as X")


@dataclass
class Document:
    """An extracted, judged article ready to be deduplicated and stored.

    Built by `crawler.analyse` in a worker process (so everything here pickles) or by
    `spacewatch import` from a plain-text file.
    """

    url: str
    canonical_url: str
    source: str
    title: str
    text: str
    text_hash: str
    published_at: datetime | None = None
    published_precision: str = ""   # "" (a day or a time), "month" or "year"
    author: str | None = None
    lang: str | None = None
    is_reference: bool = False
    from_feed_only: bool = False
    fetch_error: str | None = None
    relevant: bool = False
    relevance_score: float = 0.0
    relevance_reason: str = ""
    signature: bytes | None = None
    details: list[Detail] = field(default_factory=list)
