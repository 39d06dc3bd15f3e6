"""Adaptive polling as a pure function: quiet sources slow down, failing ones back off,
Retry-After is honoured, and nothing is ever polled faster than its `every`."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from scheduler.polling import (DAY, PollState, due_slack, expected_run, interval_seconds, is_due,
                               next_poll)

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)
EVERY = 1800  # 30 minutes


def at(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)


def test_a_source_never_polled_is_due_now():
    assert next_poll(PollState(), EVERY, NOW) == NOW


def test_a_healthy_busy_source_is_polled_every_interval():
    state = PollState(last_polled_at=at(-100), last_new_at=at(-100))
    assert next_poll(state, EVERY, NOW) == at(-100 + EVERY)


def test_a_quiet_source_slows_down_gradually_up_to_four_times():
    intervals = []
    for quiet_days in (0, 0.25, 0.5, 1, 2, 4, 30):
        state = PollState(last_polled_at=NOW, last_new_at=NOW - timedelta(days=quiet_days))
        intervals.append(interval_seconds(state, EVERY))
    assert intervals[0] == EVERY
    assert intervals == sorted(intervals), "quieter never means more often"
    assert intervals[1] == EVERY, "a few quiet hours change nothing"
    assert EVERY < intervals[2] < 4 * EVERY
    assert intervals[-1] == 4 * EVERY


def test_the_quiet_stretch_stays_within_a_day_unless_every_is_longer():
    quiet = PollState(last_polled_at=NOW, last_new_at=NOW - timedelta(days=365))
    assert interval_seconds(quiet, 12 * 3600) == DAY
    assert interval_seconds(quiet, 2 * DAY) == 2 * DAY


def test_failures_back_off_exponentially_and_bounded():
    waits = [interval_seconds(PollState(last_polled_at=NOW, consecutive_failures=n), EVERY) for n in range(0, 12)]
    assert waits[0] == waits[1] == EVERY, "one failure is retried at the normal interval"
    assert waits[2] == 2 * EVERY and waits[3] == 4 * EVERY and waits[4] == 8 * EVERY
    assert max(waits) == DAY
    assert waits == sorted(waits)


def test_backoff_never_shortens_a_long_interval():
    state = PollState(last_polled_at=NOW, consecutive_failures=20)
    assert interval_seconds(state, 3 * DAY) == 3 * DAY


def test_retry_after_pushes_the_next_poll_later():
    until = at(5 * 3600)
    state = PollState(last_polled_at=NOW, retry_after_until=until)
    assert next_poll(state, EVERY, NOW) == until


def test_retry_after_in_the_past_or_shorter_than_every_changes_nothing():
    state = PollState(last_polled_at=NOW, retry_after_until=at(60))
    assert next_poll(state, EVERY, NOW) == at(EVERY)


def test_retry_after_is_bounded_to_a_week():
    state = PollState(last_polled_at=NOW, retry_after_until=NOW + timedelta(days=400))
    assert next_poll(state, EVERY, NOW) == NOW + timedelta(days=7)


def test_never_faster_than_every_whatever_the_history():
    states = [PollState(last_polled_at=NOW), PollState(last_polled_at=NOW, last_new_at=NOW + timedelta(hours=1)),
              PollState(last_polled_at=NOW, consecutive_failures=1, retry_after_until=NOW - timedelta(days=1)),
              PollState(last_polled_at=NOW, last_new_at=NOW - timedelta(days=3), consecutive_failures=3)]
    for state in states:
        for every in (2, 60, EVERY, DAY):
            assert next_poll(state, every, NOW) >= NOW + timedelta(seconds=every)


@pytest.mark.parametrize("every", [2, 30, EVERY, DAY])
def test_a_job_firing_one_interval_after_a_late_poll_still_polls(every):
    fired = NOW
    polled = fired + timedelta(seconds=min(every * 0.4, 50))  # the crawl started late
    due = next_poll(PollState(last_polled_at=polled), every, polled)
    assert is_due(due, fired + timedelta(seconds=every), every)
    assert not is_due(due, fired + timedelta(seconds=every / 4), every)


def test_the_slack_is_bounded():
    assert due_slack(2) == 1 and due_slack(DAY) == 60


def test_expected_run_is_the_first_fire_at_which_the_job_is_due():
    every = 60
    assert expected_run(at(30), at(50), every) == at(50)
    assert expected_run(at(300), at(50), every) == at(50 + 4 * every)
    run = expected_run(at(1000), at(7), every)
    assert is_due(at(1000), run, every) and not is_due(at(1000), run - timedelta(seconds=every), every)
