"""Sources that came due, gathered into batches, each batch crawled by one child process.

A child process costs about two seconds of CPU before it fetches anything (Python, Scrapy,
the extraction workers), so 500 sources due every 30 s cannot each have their own. Sources due
at about the same time share a child; at most `slots` children run at once, so one slow
batch does not hold up the others. A source already queued is not queued twice, and
one that comes due while it is being crawled is crawled once more right after (the service's
`max_instances=1` and `coalesce`, across batches). A source submitted `solo` (one whose
last crawl hung) gets a child of its own, so that it cannot hold up the others again.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

GATHER_SECONDS = 1.0  # after the first source comes due, wait this long for others to join
MAX_BATCH = 1000      # sources in one child at most


def gather_seconds(shortest_every: float | None) -> float:
    """A fifth of the shortest interval, between 1 and 10 s: each child then takes in the
    sources of a good slice of the interval, and no poll is late by more than that."""
    if not shortest_every:
        return GATHER_SECONDS
    return min(10.0, max(GATHER_SECONDS, shortest_every / 5))


class BatchQueue:
    def __init__(self, crawl: Callable[[list[str]], None], *, slots: int = 2, gather: float = GATHER_SECONDS,
                 still_due: Callable[[str], bool] = lambda name: True) -> None:
        self._crawl = crawl
        self._still_due = still_due
        self._slots = slots
        self._gather = gather
        self._pending: list[str] = []
        self._solo: set[str] = set()
        self._again: set[str] = set()
        self._busy: set[str] = set()
        self._active = 0
        self._first_due = 0.0
        self._closed = False
        self._cond = threading.Condition()
        self._workers: list[threading.Thread] = []
        self._thread = threading.Thread(target=self._dispatch, name="spacewatch-batches", daemon=True)

    def start(self) -> "BatchQueue":
        self._thread.start()
        return self

    def submit(self, name: str, *, solo: bool = False) -> bool:
        """Queue `name` for the next batch; False when it is queued already, or being crawled
        (it is then queued again when that crawl ends)."""
        with self._cond:
            if self._closed:
                return False
            if name in self._busy:
                if name not in self._pending:
                    self._again.add(name)
                return False
            if not self._pending:
                self._first_due = time.monotonic()
            self._busy.add(name)
            self._pending.append(name)
            if solo:
                self._solo.add(name)
            self._cond.notify_all()
            return True

    def set_gather(self, seconds: float) -> None:
        with self._cond:
            self._gather = seconds
            self._cond.notify_all()

    def busy(self) -> set[str]:
        with self._cond:
            return set(self._busy)

    def close(self) -> None:
        """Start no more batches; the queued sources are dropped (the next start polls them)."""
        with self._cond:
            self._closed = True
            for name in self._pending:
                self._busy.discard(name)
            self._pending.clear()
            self._solo.clear()
            self._again.clear()
            self._cond.notify_all()

    def join(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        self._thread.join(max(0.0, deadline - time.monotonic()))
        for worker in list(self._workers):
            worker.join(max(0.0, deadline - time.monotonic()))

    def idle(self) -> bool:
        with self._cond:
            return not self._busy

    def _dispatch(self) -> None:
        while True:
            with self._cond:
                while not self._closed and not self._ready():
                    self._cond.wait(timeout=self._wait_time())
                if self._closed:
                    return
                batch = self._take()
                self._first_due = time.monotonic()
                self._active += 1
            worker = threading.Thread(target=self._run, args=(batch,), name="spacewatch-crawl", daemon=True)
            self._workers = [w for w in self._workers if w.is_alive()] + [worker]
            worker.start()

    def _take(self) -> list[str]:
        first = self._pending[0]
        if first in self._solo:
            self._solo.discard(first)
            batch = [first]
        else:
            batch = [name for name in self._pending if name not in self._solo][:MAX_BATCH]
        taken = set(batch)
        self._pending = [name for name in self._pending if name not in taken]
        return batch

    def _ready(self) -> bool:
        return (bool(self._pending) and self._active < self._slots
                and time.monotonic() - self._first_due >= self._gather)

    def _wait_time(self) -> float | None:
        if self._pending and self._active < self._slots:
            return max(0.01, self._gather - (time.monotonic() - self._first_due))
        return None

    def _run(self, batch: list[str]) -> None:
        try:
            self._crawl(batch)
        finally:
            with self._cond:
                again = [name for name in batch if name in self._again]
                self._again.difference_update(again)
            try:
                again = [name for name in again if self._still_due(name)]
            except Exception:  # a failing check must not wedge the queue: the next fire retries
                again = []
            with self._cond:
                self._active -= 1
                for name in batch:
                    if name in again and not self._closed:
                        if not self._pending:
                            self._first_due = time.monotonic()
                        self._pending.append(name)
                    else:
                        self._busy.discard(name)
                self._cond.notify_all()
