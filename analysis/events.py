"""The day an article's news happened, as its lede states it ("lifted off on Thursday", "said on
Monday", "Tuesday's launch", "yesterday").

A news lede says when its event happened, relative to the day it is published. Two reports of one
event name the same day however differently they are worded; a production's next event (the launch
after a scrub, a recast after an announcement) names another day even when it comes out on the same
day and shares every name. So the story layer compares these days (`analysis.stories.event_factor`).

The mention is read from the text alone (it is kept in the article's signature, which does not know
the publication date) and resolved against the publication date when two articles are compared.
Only a day that can already have happened counts: a plan ("will launch on 3 October", "set for
Thursday", "next Monday", "tomorrow") is no event of the report.
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta, timezone

from analysis.dates import DateMention, find_dates, resolve, strip_dateline

LEDE_PARAGRAPHS = 2       # the lede: the first paragraphs, at most this much of them
LEDE_CHARS = 700
# a word right before a date that makes it a plan, a deadline or a span, not the day of the event
PLAN_CUE = re.compile(r"\b(?:next|for|until|till|by|coming|from|before|following|through|to)\s+(?:the\s+)?$",
                      re.IGNORECASE)
# the date of a dateline ("CAPE TOWN, Oct 1 (Wire) -", "LIMA, 2 May (Agency).") is the report's, not the event's
DATELINE_TAIL = re.compile(r"\s*(?:\([^)]{1,40}\)\s*[-.–—:]|[-–—]\s)")
# a plan in the date's own clause: "will begin training on Monday", "is due to dock on Friday"
CLAUSE_START = re.compile(r"[.;:!?,\n](?=[^.;:!?,\n]*$)")
PLAN_CLAUSE = re.compile(r"\b(?:will|shall|would|is due|are due|is set|are set|scheduled|plans?|planned|expected|hopes?)\b",
                         re.IGNORECASE)
# history told in passing: "replacing X, who withdrew on Monday", "after a scrub on Tuesday"
RECAP_CLAUSE = re.compile(r"^\s*(?:who|which|whose|after|since|following|before)\b", re.IGNORECASE)
MAX_AHEAD_DAYS = 1        # "at 1 a.m. Friday" local time, published on Thursday UTC
MENTIONS = 3
_EPOCH = date(1970, 1, 1)


def lede(text: str) -> str:
    """The first LEDE_PARAGRAPHS paragraphs of `text` (at most LEDE_CHARS characters), without a
    wire dateline."""
    paragraphs = [p for p in text.strip().split("\n") if p.strip()][:LEDE_PARAGRAPHS]
    return strip_dateline("\n".join(paragraphs)[:LEDE_CHARS])


def event_mention(text: str) -> str:
    """The lede's first mentions (at most MENTIONS) of a day the event can have happened on,
    encoded for the signature (`event_day` reads them back), or "" when it names none. Which of
    them is the event's is known only with the publication date: the first not in the future."""
    head = lede(text)
    found: list[str] = []
    for mention in find_dates(head):
        if PLAN_CUE.search(head[max(0, mention.start - 16):mention.start]) or DATELINE_TAIL.match(head, mention.end) \
                or PLAN_CLAUSE.search(clause := _clause(head, mention.start)) or RECAP_CLAUSE.match(clause):
            continue
        rel = mention.relative
        if rel.startswith("weekday:") and rel.split(":")[2] in ("next", "coming", "following"):
            continue
        if rel.startswith("offset:") and int(rel.split(":")[1]) > 0:
            continue
        if not (rel.startswith(("weekday:", "offset:")) or (mention.month is not None and mention.day is not None)):
            continue  # a month, a year, "the 14th": no day to compare
        found.append("|".join(("" if v is None else str(v)) for v in (mention.year, mention.month, mention.day))
                     + "|" + rel)
        if len(found) == MENTIONS:
            break
    return ";".join(found)


def _clause(text: str, end: int) -> str:
    """The clause of `text` that runs up to `end`: from the last punctuation before it."""
    before = text[max(0, end - 200):end]
    start = CLAUSE_START.search(before)
    return before[start.end():] if start else before


def decode(code: str) -> DateMention | None:
    if not code:
        return None
    try:
        year, month, day, rel = code.split("|", 3)
        return DateMention(0, 0, int(year) if year else None, int(month) if month else None,
                           int(day) if day else None, rel)
    except ValueError:
        return None


def event_day(code: str, published: float) -> float:
    """The day (days since the epoch) the event of the lede mentions `code` happened, for an
    article published `published` (days since the epoch): the first mention that is no plan; nan
    when none."""
    if not code or math.isnan(published):
        return math.nan
    on = datetime.fromtimestamp(published * 86400.0, tz=timezone.utc).date()
    for part in code.split(";"):
        day = _day(decode(part), on)
        if not math.isnan(day):
            return day
    return math.nan


def _day(mention: DateMention | None, on: date) -> float:
    if mention is None:
        return math.nan
    # a weekday reported is the last one (today included); a date the nearest, so a plan is in the future
    tense = "past" if mention.relative.startswith("weekday:") else ""
    value = resolve(mention, on, tense=tense)
    if value is None or len(value) != 10:
        return math.nan
    day = date.fromisoformat(value)
    if day > on + timedelta(days=MAX_AHEAD_DAYS):
        return math.nan
    return float((day - _EPOCH).days)
