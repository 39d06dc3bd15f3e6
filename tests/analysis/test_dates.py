"""Dates in news prose: the forms found, and how year-less ones resolve against publication."""
from __future__ import annotations

from datetime import date

import pytest

from analysis.dates import find_dates, last_day, resolve, strip_dateline

PUBLISHED = date(2022, 2, 14)  # a Monday


def one(text: str, published: date = PUBLISHED, **kwargs) -> str | None:
    found = find_dates(text)
    assert len(found) == 1, (text, found)
    return resolve(found[0], published, **kwargs)


@pytest.mark.parametrize("text, value", [
    ("on October 5, 2021", "2021-10-05"),
    ("on 5 Oct 2021", "2021-10-05"),
    ("on Oct. 5, 2023", "2023-10-05"),
    ("the 5th of October 2021", "2021-10-05"),
    ("on 14.03.2028", "2028-03-14"),
    ("on 03/14/2028", "2028-03-14"),
    ("on 2028-03-14", "2028-03-14"),
    ("in October 2022", "2022-10"),
    ("in the 10th month of 2021", "2021-10"),
    ("in the tenth month of 2021", "2021-10"),
    ("by mid-April", "2022-04"),
    ("in late May 2024", "2024-05"),
    ("tomorrow", "2022-02-15"),
    ("next Tuesday", "2022-02-15"),
    ("on October 5 last year", "2021-10-05"),
    ("in March next year", "2023-03"),
])
def test_forms(text, value):
    assert one(text) == value


def test_year_less_dates_follow_the_tense():
    assert one("will open on January 10", tense="future") == "2023-01-10"
    assert one("lifted off on October 5", tense="past") == "2021-10-05"
    assert one("in October", tense="future") == "2022-10"
    # Unknown tense: the nearest occurrence, leaning to the future.
    assert one("in December", date(2022, 1, 20)) == "2021-12"
    assert one("in April", date(2022, 1, 20)) == "2022-04"


def test_a_month_the_article_dates_elsewhere_takes_that_year():
    assert one("would depart on October 5", date(2021, 12, 13), known_years={10: 2021}) == "2021-10-05"


def test_the_nth_is_a_day_of_the_month_being_discussed():
    assert one("now set for the 20th", context=(2023, 4)) == "2023-04-20"
    assert one("on the 20th", date(2022, 2, 14)) == "2022-02-20"
    assert one("on the 10th", date(2022, 2, 14), tense="future") == "2022-03-10"


def test_words_that_only_look_like_dates_are_not_dates():
    assert find_dates("Viewers may march on") == []
    assert find_dates("the 20th century and the 3rd flight") == []
    assert resolve(find_dates("on 31 February 2023")[0], PUBLISHED) is None


def test_a_wire_dateline_is_blanked_out():
    text = "MOSCOW, Jan 30 (Meridian) - The film opens on April 20."
    stripped = strip_dateline(text)
    assert [m.text for m in find_dates(stripped)] == ["April 20"]
    assert len(stripped) == len(text)


def test_last_day_of_a_month_value():
    assert last_day("2024-02") == date(2024, 2, 29)
    assert last_day("2024-02-03") == date(2024, 2, 3)
