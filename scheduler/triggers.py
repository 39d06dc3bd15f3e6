"""APScheduler triggers for the service: sources at their interval, the digest at its cron.

APScheduler 3 numbers weekdays from Monday = 0 while cron numbers them from Sunday = 0 (its
`from_crontab` does not translate), so the day-of-week field is rewritten as day names here:
`0 8 * * 1-5` means Monday to Friday, as in crontab(5).
"""
from __future__ import annotations

import os
import random
from datetime import datetime, timedelta
from datetime import timezone as tz
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

# The cron's seconds field, for tests that cannot wait for a minute: "*/5" fires every 5 s
# of each minute the schedule names. Not a config key: a digest schedule is cron, minutes.
DIGEST_SECOND_ENV = "SPACEWATCH_DIGEST_CRON_SECOND"
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
FIRST_FIRE_SPREAD_MAX = 30.0  # seconds over which the first polls after a start are spread
JITTER_MAX = 30               # seconds added at random to each interval


def cron_day_of_week(field: str) -> str:
    """A crontab day-of-week field (0 or 7 = Sunday, names allowed) as APScheduler day names."""
    if field == "*":
        return "*"
    days: set[int] = set()
    for part in field.lower().split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(f"day of week {field!r}: step must be at least 1")
        if span == "*":
            first, last = 0, 6
        else:
            low, _, high = span.partition("-")
            first = _day_number(low, field)
            last = _day_number(high, field) if high else (6 if step_text else first)
            if last < first:  # a range across the week's end, e.g. fri-mon
                last += 7
        days.update(day % 7 for day in range(first, last + 1, step))
    return ",".join(_DAYS[day] for day in sorted(days))


def _day_number(token: str, field: str) -> int:
    token = token.strip()
    if token.isdigit() and 0 <= int(token) <= 7:
        return int(token)
    if token[:3] in _DAYS:
        return _DAYS.index(token[:3])
    raise ValueError(f"day of week {field!r}: {token!r} is not 0-7 or a day name")


class WallClockCronTrigger(CronTrigger):
    """A cron trigger that, like cron, runs a job with fixed hours once on the night clocks go
    back: the repeated wall-clock time (fold=1) is skipped. Jobs on every hour run every hour."""

    def __init__(self, *args, once_per_wall_time: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.once_per_wall_time = once_per_wall_time

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        fire = super().get_next_fire_time(previous_fire_time, now)
        for _ in range(10_000):  # a repeated hour holds at most 3600 fire times
            if fire is None or not self.once_per_wall_time or not _repeated_wall_time(fire):
                return fire
            fire = super().get_next_fire_time(None, fire.astimezone(tz.utc) + timedelta(seconds=1))
        return fire


def _repeated_wall_time(when: datetime) -> bool:
    wall = when.replace(tzinfo=None)
    first = wall.replace(tzinfo=when.tzinfo, fold=0)
    second = wall.replace(tzinfo=when.tzinfo, fold=1)
    return first.utcoffset() != second.utcoffset() and when.utcoffset() == second.utcoffset()


# crontab(5)'s nicknames (@reboot means nothing to a service that runs on)
CRON_NICKNAMES = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
                  "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"}


def digest_trigger(schedule: str, timezone: str, second: str | None = None) -> CronTrigger:
    """The digest's cron `schedule` read in `timezone`, across DST as cron does."""
    schedule = CRON_NICKNAMES.get(schedule.strip().lower(), schedule)
    fields = schedule.split()
    if len(fields) != 5:
        known = ", ".join(CRON_NICKNAMES)
        raise ValueError(f"a cron expression has 5 fields (or is one of {known}), not {len(fields)}")
    minute, hour, day, month, day_of_week = fields
    if second is None:
        second = os.environ.get(DIGEST_SECOND_ENV) or "0"
    return WallClockCronTrigger(second=second, minute=minute, hour=hour, day=day, month=month,
                                day_of_week=cron_day_of_week(day_of_week), timezone=ZoneInfo(timezone),
                                once_per_wall_time=not hour.startswith("*"))


def source_trigger(every_seconds: int, now: datetime, rng: random.Random | None = None) -> IntervalTrigger:
    """Every `every_seconds`, plus up to 10% (at most 30 s) of jitter; the first fire is spread
    over the first interval (at most 30 s) so that many sources do not start in the same second."""
    rng = rng or random.Random()
    spread = min(float(every_seconds), FIRST_FIRE_SPREAD_MAX)
    jitter = min(every_seconds // 10, JITTER_MAX) or None
    start = now + timedelta(seconds=rng.uniform(0, spread))
    return IntervalTrigger(seconds=every_seconds, start_date=start, jitter=jitter, timezone=now.tzinfo)


def previous_fire(trigger: CronTrigger, now: datetime, since: datetime) -> datetime | None:
    """The last fire time of `trigger` in (since, now], or None."""
    fire = trigger.get_next_fire_time(None, since.astimezone(tz.utc) + timedelta(microseconds=1))
    last = None
    while fire is not None and fire <= now:
        last = fire
        fire = trigger.get_next_fire_time(fire, fire.astimezone(tz.utc) + timedelta(seconds=1))
    return last
