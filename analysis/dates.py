"""Dates written in news prose, found and resolved against the article's publication date.

`find_dates` returns every date mention of a sentence with its span; `resolve` turns a mention
into `YYYY-MM-DD` or `YYYY-MM` (month precision for "mid-April", "October 2022"). Year-less
mentions take the year that the article gives the same month elsewhere, else the tense of the
sentence decides: the next occurrence for plans, the last for reports, the nearest otherwise.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from analysis.detail_data import load_patterns

WEEKDAY_GLUE = re.compile(r",?\s*(?:the\s+)?")
ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"
WORD_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                 "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12}
_TEENS = ("thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth")
# The days of a month in words: "the twenty-first of May", "the thirtieth of June"
WORD_DAYS = {**WORD_ORDINALS, **{word: n for n, word in enumerate(_TEENS, 13)}, "twentieth": 20, "thirtieth": 30,
             **{f"{tens}{glue}{word}": base + n for tens, base, last in (("twenty", 20, 9), ("thirty", 30, 1))
                for glue in ("-", " ") for word, n in WORD_ORDINALS.items() if n <= last}}


@dataclass(frozen=True)
class DateMention:
    """A date as written: any of year, month, day may be unknown (None) until resolved."""

    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    relative: str = ""    # "weekday:N", "offset:N", "day-of-context", "last-year", "next-year", "this-year"
    text: str = ""

    @property
    def precision(self) -> str:
        return "day" if self.day is not None or self.relative.startswith(("weekday", "offset")) else "month"


@dataclass(frozen=True)
class DateGrammar:
    pattern: re.Pattern[str]
    months: dict[str, int]
    weekdays: dict[str, int]
    dateline: re.Pattern[str]


@lru_cache(maxsize=1)
def calendar_words() -> frozenset[str]:
    """Month and weekday names (and their short forms), lower case."""
    g = grammar()
    return frozenset(g.months) | frozenset(g.weekdays)


@lru_cache(maxsize=1)
def grammar() -> DateGrammar:
    data = load_patterns()["dates"]
    months: dict[str, int] = {}
    for number, name in enumerate(data["months"], 1):
        months[name] = number
        months[name[:3]] = number
        if name == "september":
            months["sept"] = number
    weekdays = {name: n for n, name in enumerate(data["weekdays"])}
    month = r"(?P<{}>" + "|".join(sorted(months, key=len, reverse=True)) + r")\.?"
    weekday = "|".join(data["weekdays"])
    modifier = data["month_modifiers"]
    ordinal_words = "|".join(WORD_ORDINALS)
    day_words = "|".join(sorted(WORD_DAYS, key=len, reverse=True))
    alternatives = [
        r"(?P<iso>(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2}))\b",
        r"(?P<num>(?P<na>\d{1,2})(?P<sep>[./])(?P<nb>\d{1,2})(?P=sep)(?P<ny>\d{4}|\d{2}))\b(?![./]\d)",
        rf"(?P<wdmy>the (?P<dw>{day_words}) of {month.format('m0')}(?:,? (?P<y0>\d{{4}}))?)\b",
        rf"(?:the )?(?P<dmy>{ORDINAL.replace('(', '(?P<d1>', 1)} (?:of )?{month.format('m1')}(?:,? (?P<y1>\d{{4}}))?(?: (?P<r1>last year|next year|this year))?)\b",
        rf"(?P<mdy>{month.format('m2')} (?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?:,? (?P<y2>\d{{4}}))?(?: (?P<r2>last year|next year|this year))?)\b",
        rf"(?P<mod>(?:{modifier})[- ]{month.format('m3')}(?:,? (?P<y3>\d{{4}}))?)\b",
        rf"(?P<nth>the (?P<nw>{ordinal_words}|\d{{1,2}}(?:st|nd|rd|th)) month of (?:the year )?(?P<y4>\d{{4}}))\b",
        rf"(?P<my>{month.format('m4')}(?:,? (?:of )?(?P<y5>\d{{4}})| (?:of )?(?P<r5>last year|next year|this year))?)\b",
        rf"(?P<rel>(?:the )?(?P<rw>last|next|this|on|coming|following) (?P<wd>{weekday}))\b",
        rf"(?P<wd2>\b(?:{weekday}))\b",
        r"(?P<tday>\b(?:today|tomorrow|yesterday|tonight|this (?:morning|afternoon|evening)))\b",
        r"(?P<rmo>(?P<rmw>next|last|this) month)\b",
        r"(?P<dth>the (?P<d6>\d{1,2})(?:st|nd|rd|th))\b(?! (?:of )?(?:century|anniversary|month|day|time|floor|edition|season|flight|mission|launch))",
    ]
    # Every form starts at a word boundary: checking that first skips most positions quickly.
    pattern = re.compile(r"\b(?=[\w])(?:" + "|".join(alternatives) + ")", re.IGNORECASE)
    return DateGrammar(pattern, months, weekdays, re.compile(data["dateline"]))


def strip_dateline(paragraph: str) -> str:
    """Blank out a wire dateline ("MOSCOW, Jan 30 (Meridian) -") so its date is not read as news."""
    match = grammar().dateline.match(paragraph)
    return " " * match.end() + paragraph[match.end():] if match else paragraph


MONTH_OFFSETS = {"last": -1, "this": 0, "next": 1}


def find_dates(sentence: str) -> list[DateMention]:
    g = grammar()
    found: list[DateMention] = []
    for m in g.pattern.finditer(sentence):
        mention = _mention(m, g)
        if mention is None:
            continue
        if found and found[-1].relative.startswith("weekday") and WEEKDAY_GLUE.fullmatch(
                sentence[found[-1].end:mention.start]):
            if mention.month is not None:
                found.pop()  # "Friday, March 21": the weekday only names the date that follows
            elif mention.relative == "day-of-context":
                weekday = found.pop()  # "Thursday the 20th": the 20th that is a Thursday
                mention = DateMention(weekday.start, mention.end, None, None, mention.day,
                                      f"day-of-context:{weekday.relative.split(':')[1]}", mention.text)
        found.append(mention)
    return found


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _mention(m: re.Match[str], g: DateGrammar) -> DateMention | None:
    s, e, text = m.start(), m.end(), m.group(0)
    month = lambda key: g.months[m.group(key).lower()]  # noqa: E731
    if m.group("iso"):
        y, mo, d = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
        return _checked(s, e, y, mo, d, text=text)
    if m.group("num"):
        a, b, y = int(m.group("na")), int(m.group("nb")), int(m.group("ny"))
        y = y + 2000 if y < 100 else y
        if m.group("sep") == "/" and a <= 12:
            a, b = b, a  # 3/14/2028 and 04/09/2028: month first, as US slashes write it
        return _checked(s, e, y, b, a, text=text)
    if m.group("wdmy"):
        day = WORD_DAYS[re.sub(r"\s+", " ", m.group("dw").lower())]
        return _checked(s, e, _int(m.group("y0")), month("m0"), day, text=text)
    if m.group("dmy"):
        return _checked(s, e, _int(m.group("y1")), month("m1"), int(m.group("d1")), _rel(m.group("r1")), text)
    if m.group("mdy"):
        return _checked(s, e, _int(m.group("y2")), month("m2"), int(m.group("d2")), _rel(m.group("r2")), text)
    if m.group("mod"):
        return DateMention(s, e, _int(m.group("y3")), month("m3"), None, text=text)
    if m.group("nth"):
        word = m.group("nw").lower()
        number = WORD_ORDINALS.get(word) or int(re.sub(r"\D", "", word))
        return DateMention(s, e, int(m.group("y4")), number, None, text=text) if 1 <= number <= 12 else None
    if m.group("my"):
        name = m.group("m4")
        if name.lower() == "may" and not (m.group("y5") or m.group("r5")) and not name[0].isupper():
            return None
        if name.lower() in ("may", "march") and not (m.group("y5") or m.group("r5")) and not _month_context(m):
            return None  # the verb "may", "march"
        return DateMention(s, e, _int(m.group("y5")), month("m4"), None, _rel(m.group("r5")), text)
    if m.group("rel") or m.group("wd2"):
        word = (m.group("rw") or "").lower()
        day = g.weekdays[(m.group("wd") or m.group("wd2")).lower()]
        return DateMention(s, e, None, None, None, f"weekday:{day}:{word}", text)
    if m.group("tday"):
        word = m.group("tday").lower()
        offset = 0 if word.startswith("this ") else {"today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1}[word]
        return DateMention(s, e, None, None, None, f"offset:{offset}", text)
    if m.group("rmo"):
        return DateMention(s, e, None, None, None, f"month:{MONTH_OFFSETS[m.group('rmw').lower()]}", text)
    if m.group("dth"):
        day = int(m.group("d6"))
        return DateMention(s, e, None, None, day, "day-of-context", text) if 1 <= day <= 31 else None
    return None


def _month_context(m: re.Match[str]) -> bool:
    before = m.string[max(0, m.start() - 12):m.start()].lower()
    return bool(re.search(r"\b(?:in|of|by|for|to|until|till|through|since|from|early|late|mid|last|next|this|before|after)\s*-?\s*$", before))


def _rel(text: str | None) -> str:
    return {"last year": "last-year", "next year": "next-year", "this year": "this-year"}.get((text or "").lower(), "")


def _checked(s: int, e: int, year: int | None, month: int, day: int, relative: str = "", text: str = "") -> DateMention | None:
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    if year is not None and not 1900 <= year <= 2200:
        return None
    return DateMention(s, e, year, month, day, relative, text)


def resolve(mention: DateMention, published: date, *, tense: str = "", known_years: dict[int, int] | None = None,
            context: tuple[int, int] | None = None, anchor: date | None = None) -> str | None:
    """The mention as `YYYY-MM-DD` or `YYYY-MM`, or None when it cannot be pinned down.

    `tense` is "future", "past" or "" (unknown); `known_years` maps a month to the year the article
    gives it elsewhere; `context` is the (year, month) being discussed, for "the 20th".
    """
    rel = mention.relative
    if rel.startswith("offset:"):
        return (published + timedelta(days=int(rel.split(":")[1]))).isoformat()
    if rel.startswith("month:"):  # "next month": the month after publication's, no day
        months = published.year * 12 + published.month - 1 + int(rel.split(":")[1])
        return _format(months // 12, months % 12 + 1, None)
    if rel.startswith("weekday:"):
        _, wd, word = rel.split(":")
        if word == "following":  # "the following Monday": after the date just named, if any
            return (anchor + timedelta(days=(int(wd) - anchor.weekday() - 1) % 7 + 1)).isoformat() if anchor else None
        return _weekday(published, int(wd), word, tense).isoformat()
    if rel.startswith("day-of-context"):
        year, month = context if context else (published.year, published.month)
        if rel != "day-of-context":
            return _day_on_weekday(published, mention.day, int(rel.split(":")[1]), tense)
        if context is None and tense != "past" and mention.day < published.day:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)  # "the 3rd": the next 3rd
        return _format(year, month, mention.day)
    month, day = mention.month, mention.day
    if month is None:
        return None
    year = mention.year
    if year is None and rel:
        year = published.year + {"last-year": -1, "next-year": 1, "this-year": 0}[rel]
    if year is None and known_years and month in known_years:
        year = known_years[month]
    if year is None:
        year = _year_for(published, month, day or 15, tense)
    return _format(year, month, day)


def _day_on_weekday(published: date, day: int, weekday: int, tense: str) -> str | None:
    """"Thursday the 20th": the nearest such date after publication (before it, for a report)."""
    step = -1 if tense == "past" else 1
    year, month = published.year, published.month
    for _ in range(28):
        if day <= calendar.monthrange(year, month)[1]:
            found = date(year, month, day)
            if found.weekday() == weekday and (found >= published if step > 0 else found <= published):
                return found.isoformat()
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return None


def _format(year: int, month: int, day: int | None) -> str | None:
    if day is None:
        return f"{year:04d}-{month:02d}"
    if day > calendar.monthrange(year, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _year_for(published: date, month: int, day: int, tense: str) -> int:
    """The year of a year-less month/day: next occurrence for plans, last for reports, else nearest."""
    def at(year: int) -> date:
        return date(year, month, min(day, calendar.monthrange(year, month)[1]))

    this = at(published.year)
    upcoming = this if this >= published - timedelta(days=7) else at(published.year + 1)
    previous = this if this <= published else at(published.year - 1)
    if tense == "future":
        return upcoming.year
    if tense == "past":
        return previous.year
    return upcoming.year if (upcoming - published) <= (published - previous) * 3 else previous.year


def _weekday(published: date, weekday: int, word: str, tense: str) -> date:
    ahead = (weekday - published.weekday()) % 7
    if word == "next":
        return published + timedelta(days=ahead or 7)
    if word == "last" or (tense == "past" and word not in ("coming", "this")):
        back = (published.weekday() - weekday) % 7
        if back == 6 and word != "last":
            return published + timedelta(days=1)  # "launched at 1 a.m. Friday" local time, published Thursday UTC
        return published - timedelta(days=back)
    return published + timedelta(days=ahead)


def last_day(value: str) -> date:
    """The last day a resolved value covers (the month's end for `YYYY-MM`)."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 2:
        return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return date(parts[0], parts[1], parts[2])
