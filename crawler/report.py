"""What one crawl found, source by source: filled by the spiders and the pipeline, read by `run`.

Plain data that pickles, since the crawl runs in a child process and sends its report back.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from analysis.rules import Rules
from crawler.ingest import Outcome
from crawler.options import CrawlOptions, SourceSpec, without_userinfo

MAX_PAGE_ERRORS_KEPT = 20


@dataclass(frozen=True)
class SourceState:
    """What the database remembers of a source between crawls (for conditional GETs)."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass
class SourceReport:
    """One source in one crawl.

    `status`: "ok", "not_modified" (304), "failed" (the source itself could not be read:
    `error` says why) or "deferred" (the server asked us to come back later).
    """

    name: str
    status: str = "ok"
    error: str | None = None
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    retry_after_until: datetime | None = None
    fetched: int = 0
    new: int = 0
    duplicates: int = 0
    irrelevant: int = 0
    seen: int = 0
    skipped_known: int = 0
    robots_skipped: int = 0
    page_errors: int = 0
    page_error_samples: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # warnings worth recording (a malformed feed, a limit hit)

    def fail(self, error: str) -> None:
        """The source itself failed; the first reason is the one kept."""
        if self.status != "failed":
            self.status, self.error = "failed", error

    def page_failed(self, url: str, error: str) -> None:
        self.page_errors += 1
        if len(self.page_error_samples) < MAX_PAGE_ERRORS_KEPT:
            self.page_error_samples.append(f"{without_userinfo(url)}: {error}")

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def count(self, outcome: Outcome) -> None:
        if outcome is Outcome.NEW:
            self.new += 1
        elif outcome is Outcome.DUPLICATE:
            self.duplicates += 1
        elif outcome is Outcome.IRRELEVANT:
            self.irrelevant += 1
        else:
            self.seen += 1

    @property
    def errors(self) -> int:
        return self.page_errors + (1 if self.status == "failed" else 0)

    def problem(self) -> str | None:
        """One line for Source.last_error: the source's failure, else its failed pages."""
        if self.status == "failed":
            return self.error
        parts = list(self.notes)
        if self.page_errors:
            first = self.page_error_samples[0] if self.page_error_samples else ""
            parts.append(f"{self.page_errors} page(s) failed; first: {first}")
        return "; ".join(parts) or None


@dataclass
class CrawlReport:
    """Everything the crawl process sends back."""

    sources: dict[str, SourceReport]
    stored_ids: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # where the crawl process spent its time


@dataclass(frozen=True)
class CrawlJob:
    """Everything the crawl process needs (it pickles)."""

    db_url: str
    specs: tuple[SourceSpec, ...]
    states: dict[str, SourceState]
    options: CrawlOptions
    rules: Rules
    progress: bool
    log_formatter: logging.Formatter | None = None  # the caller's, for a child that does not inherit it
