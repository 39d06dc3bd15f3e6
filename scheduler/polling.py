"""When a source should next be polled: adaptive intervals in the manner of Miniflux. Pure.

The service's job for a source fires every `every` and polls only when `is_due`:
- never sooner than `every` after the last poll;
- a source that has carried nothing new for a long while is polled less often: the interval
  grows with the quiet time, up to 4x `every` (and no further than a day, unless `every`
  itself is longer);
- a source that keeps failing backs off exponentially: 1x, 2x, 4x ... `every` after the 1st,
  2nd, 3rd failure in a row, up to a day (or `every`, when that is longer);
- a server's `Retry-After` (or 429) pushes the next poll to the time it asked for, up to a week.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

DAY = 86_400
QUIET_STRETCH_MAX = 4        # a quiet source is polled at most this many times less often
QUIET_GRACE_POLLS = 12       # polls without anything new before the interval starts to grow
ERROR_BACKOFF_CAP = DAY      # longest wait after failures (unless `every` is longer)
RETRY_AFTER_CAP = 7 * DAY    # longest wait a server's Retry-After can impose
DUE_SLACK_MAX = 60           # seconds


@dataclass(frozen=True)
class PollState:
    """What the stored Source row says about past polls (all times timezone-aware UTC)."""

    last_polled_at: datetime | None = None
    last_new_at: datetime | None = None
    consecutive_failures: int = 0
    retry_after_until: datetime | None = None


def interval_seconds(state: PollState, every_seconds: int) -> float:
    """The wait after the last poll that the source's history calls for (>= every_seconds)."""
    every = float(every_seconds)
    interval = every
    if state.consecutive_failures > 1:
        backoff = every * 2.0 ** min(state.consecutive_failures - 1, 32)
        interval = max(interval, min(backoff, max(every, ERROR_BACKOFF_CAP)))
    if state.last_new_at is not None and state.last_polled_at is not None:
        quiet = (state.last_polled_at - state.last_new_at).total_seconds()
        stretch = min(max(quiet / (QUIET_GRACE_POLLS * every), 1.0), QUIET_STRETCH_MAX)
        interval = max(interval, min(every * stretch, max(every, DAY)))
    return interval


def next_poll(state: PollState, every_seconds: int, now: datetime) -> datetime:
    """The earliest time the source should be polled again; `now` when it never was."""
    if state.last_polled_at is None:
        due = now
    else:
        due = state.last_polled_at + timedelta(seconds=interval_seconds(state, every_seconds))
    if state.retry_after_until is not None:
        anchor = state.last_polled_at or now
        due = max(due, min(state.retry_after_until, anchor + timedelta(seconds=RETRY_AFTER_CAP)))
    return due


def due_slack(every_seconds: int) -> float:
    """How early a fired job may poll: the crawl before it started late and took time."""
    return min(every_seconds / 2, DUE_SLACK_MAX)


def is_due(due: datetime, now: datetime, every_seconds: int) -> bool:
    return now >= due - timedelta(seconds=due_slack(every_seconds))


def expected_run(due: datetime, next_fire: datetime, every_seconds: int) -> datetime:
    """The first of the job's fire times (next_fire, next_fire + every, ...) at which it is due."""
    earliest = due - timedelta(seconds=due_slack(every_seconds))
    if next_fire >= earliest:
        return next_fire
    steps = math.ceil((earliest - next_fire).total_seconds() / every_seconds)
    return next_fire + timedelta(seconds=steps * every_seconds)
