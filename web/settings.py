"""What the web app is given: the database, the watched productions, the token, and a Control
for what only the service side can do (status, crawling, pausing sources)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

TOKEN_ENV = "SPACEWATCH_WEB_TOKEN"


@dataclass
class CrawlJob:
    """A crawl started from the web: `state` is queued, running, finished or failed."""

    id: int
    sources: list[str]
    started_at: datetime
    state: str = "queued"
    summary: str = ""


class Control(Protocol):
    def status(self) -> dict[str, Any]:
        """What `spacewatch status --json` prints."""

    def crawl(self, names: list[str]) -> CrawlJob:
        """Start (or queue) a manual crawl of the named sources (all when empty)."""

    def jobs(self) -> list[CrawlJob]:
        """The crawls started from the web, newest first."""

    def set_enabled(self, name: str, enabled: bool) -> str:
        """Pause (False) or resume (True) a source; returns a line saying what was done."""


@dataclass(frozen=True)
class Watch:
    name: str
    label: str = ""


@dataclass(frozen=True)
class WebSettings:
    database_url: str
    control: Control
    watches: tuple[Watch, ...] = ()
    token: str | None = None
