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
# A shorter spread, for tests that start a service and wait for its first polls. Not a config key.
FIRST_FIRE_SPREAD_ENV = "SPACEWATCH_FIRST_POLL_SPREAD"
JITTER_MAX = 30               # seconds added at random to each interval
TRANSITION_REACH = timedelta(hours=3)  # more than any DST shift
MAX_WALL_CANDIDATES = 4 * 3600         # wall-clock matches looked at for one fire time


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
    """A cron trigger matched against the local wall clock, as cron does, in every IANA zone.

    APScheduler 3 steps through aware datetimes, and after a spring-forward night it computes
    the next fire time a day late (`0 0 * * *` in Europe/Berlin skipped 2026-03-30). Here the
    fields are matched by a twin trigger in UTC, a zone with no DST, against naive local times;
    each match is then placed in the zone:
    - a wall time that does not exist (skipped by spring-forward) fires at the same wall-clock
      distance after the gap (02:30 -> 03:30), so a daily job still fires that day;
    - a wall time that happens twice (clocks go back) fires once for a job with fixed hours, on
      its first occurrence, and at both for a job on every hour (every real hour).
    """

    def __init__(self, *args, once_per_wall_time: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.once_per_wall_time = once_per_wall_time
        self._wall = CronTrigger(*args, **{**kwargs, "timezone": tz.utc})

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        after = now if previous_fire_time is None else max(now, previous_fire_time + timedelta(microseconds=1))
        wall = after.astimezone(self.timezone).replace(tzinfo=None)
        if self._near_transition(after):
            # around a change of offset, an earlier wall time may still be ahead (a skipped time
            # moved past the gap, the second occurrence of a repeated one)
            wall -= TRANSITION_REACH
        for _ in range(MAX_WALL_CANDIDATES):
            match = self._wall.get_next_fire_time(None, wall.replace(tzinfo=tz.utc))
            if match is None:
                return None
            for fire in self._placements(match.replace(tzinfo=None)):
                if fire >= after:
                    return fire
            wall = match.replace(tzinfo=None) + timedelta(seconds=1)
        return None

    def _near_transition(self, when: datetime) -> bool:
        offsets = {(when + step).astimezone(self.timezone).utcoffset()
                   for step in (-TRANSITION_REACH, timedelta(0), TRANSITION_REACH)}
        return len(offsets) > 1

    def _placements(self, wall: datetime) -> list[datetime]:
        """The instants a wall-clock time stands for in the zone (none, one or two)."""
        first = wall.replace(tzinfo=self.timezone, fold=0)
        second = wall.replace(tzinfo=self.timezone, fold=1)
        if first.utcoffset() == second.utcoffset():
            return [first]
        if _exists(first):  # a repeated time: the first and the second occurrence
            return [first] if self.once_per_wall_time else [first, second]
        # a skipped time: fold=0 reads it with the offset before the gap, i.e. just after it
        return [first.astimezone(tz.utc).astimezone(self.timezone)]


def _exists(when: datetime) -> bool:
    return when.astimezone(tz.utc).astimezone(when.tzinfo).replace(tzinfo=None) == when.replace(tzinfo=None)


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
    spread = min(float(every_seconds), float(os.environ.get(FIRST_FIRE_SPREAD_ENV) or FIRST_FIRE_SPREAD_MAX))
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
