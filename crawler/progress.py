"""How a running crawl shows itself: a line updated in place on a terminal, log lines otherwise."""
from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass
from typing import TextIO

from crawler.events import event

log = logging.getLogger("spacewatch.crawl")


@dataclass(frozen=True)
class Counts:
    fetched: int
    stored: int
    queued: int
    errors: int

    def line(self) -> str:
        return f"fetched {self.fetched} pages, stored {self.stored}, queued {self.queued}, errors {self.errors}"


class Progress:
    """`show(counts)` often; it redraws at most every `interval` seconds (or logs, every `log_every`)."""

    def __init__(self, live: bool, stream: TextIO | None = None, interval: float = 0.25,
                 log_every: float = 10.0) -> None:
        self.live, self.stream = live, stream or sys.stderr
        self.interval = interval if live else log_every
        self._last = time.monotonic()
        self._width = 0

    def show(self, counts: Counts, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        if self.live:
            text = counts.line()
            self.stream.write("\r" + text.ljust(self._width))
            self.stream.flush()
            self._width = len(text)
        else:
            event(log, "crawl.progress", fetched=counts.fetched, stored=counts.stored, queued=counts.queued,
                  errors=counts.errors)

    def done(self, counts: Counts) -> None:
        if self.live:
            self.show(counts, force=True)
            self.stream.write("\n")
            self.stream.flush()
