"""The service's triggers: cron read as cron (weekdays from Sunday = 0), in the configured time
zone across DST, sources spread and jittered; and the structured log lines."""
from __future__ import annotations

import io
import json
import logging
import random
from functools import cache
from itertools import pairwise
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, available_timezones

import pytest

from scheduler import logs
from scheduler.triggers import cron_day_of_week, digest_trigger, previous_fire, source_trigger

UTC = timezone.utc


def fires(trigger, start: datetime, count: int) -> list[datetime]:
    result, previous = [], None
    now = start
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        result.append(fire.astimezone(UTC))
        previous, now = fire, fire.astimezone(UTC) + timedelta(seconds=1)
    return result


@pytest.mark.parametrize("field, days", [
    ("1-5", "mon,tue,wed,thu,fri"), ("0", "sun"), ("7", "sun"), ("6,0", "sun,sat"),
    ("*/2", "sun,tue,thu,sat"), ("sat-sun", "sun,sat"), ("MON-wed", "mon,tue,wed"), ("*", "*")])
def test_cron_weekdays_count_from_sunday(field, days):
    assert cron_day_of_week(field) == days


def test_weekday_schedule_fires_monday_to_friday():
    trigger = digest_trigger("0 8 * * 1-5", "UTC")
    weekdays = {fire.strftime("%a") for fire in fires(trigger, datetime(2026, 11, 1, tzinfo=UTC), 10)}
    assert weekdays == {"Mon", "Tue", "Wed", "Thu", "Fri"}


def test_daily_digest_keeps_its_local_hour_across_dst():
    trigger = digest_trigger("0 8 * * *", "Europe/Berlin")
    spring = fires(trigger, datetime(2026, 3, 27, 12, tzinfo=UTC), 3)
    assert [f.hour for f in spring] == [7, 6, 6]  # 08:00 CET, then 08:00 CEST
    autumn = fires(trigger, datetime(2026, 10, 23, 12, tzinfo=UTC), 3)
    assert [f.hour for f in autumn] == [6, 7, 7]  # clocks go back on 25 October


def test_a_time_inside_the_repeated_hour_fires_once():
    trigger = digest_trigger("30 2 * * *", "Europe/Berlin")
    night = fires(trigger, datetime(2026, 10, 24, 12, tzinfo=UTC), 3)
    assert [f.date().isoformat() for f in night] == ["2026-10-25", "2026-10-26", "2026-10-27"]


def test_an_hourly_schedule_runs_every_real_hour_across_the_change():
    trigger = digest_trigger("15 * * * *", "Europe/Berlin")
    night = fires(trigger, datetime(2026, 10, 24, 23, 30, tzinfo=UTC), 4)
    assert [(b - a) for a, b in pairwise(night)] == [timedelta(hours=1)] * 3


def test_a_time_skipped_by_spring_forward_still_fires_that_day():
    trigger = digest_trigger("30 2 * * *", "Europe/Berlin")
    night = fires(trigger, datetime(2026, 3, 28, 12, tzinfo=UTC), 2)
    assert night[0].date().isoformat() == "2026-03-29" and night[1].date().isoformat() == "2026-03-30"


def test_seconds_field_for_tests_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("SPACEWATCH_DIGEST_CRON_SECOND", "*/5")
    trigger = digest_trigger("* * * * *", "UTC")
    gaps = {(b - a).total_seconds() for a, b in pairwise(fires(trigger, datetime(2026, 1, 1, tzinfo=UTC), 5))}
    assert gaps == {5.0}


def test_previous_fire_finds_the_last_slot():
    trigger = digest_trigger("0 8 * * *", "UTC")
    now = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    assert previous_fire(trigger, now, now - timedelta(hours=12)) == datetime(2026, 11, 26, 8, tzinfo=UTC)
    assert previous_fire(trigger, now.replace(hour=7), now.replace(hour=7) - timedelta(hours=12)) is None


def test_sources_are_spread_and_never_faster_than_every():
    now = datetime(2026, 11, 26, tzinfo=UTC)
    rng = random.Random(7)
    firsts = []
    for _ in range(100):
        trigger = source_trigger(1800, now, rng)
        first = trigger.get_next_fire_time(None, now)
        second = trigger.get_next_fire_time(first, first)
        assert 1800 <= (second - first).total_seconds() <= 1830
        firsts.append(first)
    assert len({f.second for f in firsts}) > 20, "a hundred sources do not start in the same second"
    assert max(firsts) - now <= timedelta(seconds=60)  # spread (30 s) plus jitter (30 s)


def test_key_value_log_lines_are_one_line_and_quoted_when_needed():
    stream = io.StringIO()
    log = logs.setup("text", stream)
    logs.event(log, "crawl.finished", sources=["a", "b"], new=3, ok=True, error='bad "x"\nnext', skipped=None)
    line = stream.getvalue()
    assert line.count("\n") == 1
    assert " level=info event=crawl.finished sources=a,b new=3 ok=true " in line
    assert 'error="bad \\"x\\"\\nnext"' in line and "skipped" not in line
    assert line.startswith("ts=20") and "Z level" in line


def test_json_log_lines_parse():
    stream = io.StringIO()
    log = logs.setup("json", stream)
    logs.event(log, "digest.failed", level=logging.ERROR, error="refused")
    logging.getLogger("apscheduler.scheduler").warning("Run time of job %s was missed", "x")
    first, second = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert first["event"] == "digest.failed" and first["level"] == "error" and first["error"] == "refused"
    assert second["event"] == "apscheduler.scheduler" and second["msg"] == "Run time of job x was missed"


@cache
def offset_changes(name: str, first: datetime, last: datetime) -> list[datetime]:
    """UTC days in [first, last) during which the zone's offset changes."""
    zone = ZoneInfo(name)
    days, day = [], first
    before = first.astimezone(zone).utcoffset()
    while day < last:
        after = (day + timedelta(days=1)).astimezone(zone).utcoffset()
        if after != before:
            days.append(day)
        day, before = day + timedelta(days=1), after
    return days


@pytest.mark.parametrize("schedule", ["0 0 * * *", "30 0 * * *", "30 2 * * *"])
def test_a_daily_schedule_fires_once_every_local_day_in_every_zone(schedule):
    """2025-2027, every IANA zone: around each offset change (where cron arithmetic goes wrong),
    the fire times fall once on every local day, in order."""
    start, end = datetime(2025, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)
    checked = 0
    for name in sorted(available_timezones()):
        zone = ZoneInfo(name)
        trigger = digest_trigger(schedule, name, second="0")
        for change in offset_changes(name, start, end):
            fire = trigger.get_next_fire_time(None, change - timedelta(days=3))
            days = []
            while fire < change + timedelta(days=3):
                days.append(fire.astimezone(zone).date())
                following = trigger.get_next_fire_time(fire, fire)
                assert following > fire, (name, fire)
                fire = following
            expected = [days[0] + timedelta(days=i) for i in range(len(days))]
            assert days == expected, (name, schedule, change, days)
            checked += 1
    assert checked > 500
