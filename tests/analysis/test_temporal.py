"""Offsets and the difference between a plan and talk (invented sentences)."""
from __future__ import annotations

from analysis.language import nlp
from analysis.temporal import find_offsets, stated_as_fact


def offsets(sentence: str) -> list[tuple[int, str]]:
    return [(o.days, o.kind) for o in find_offsets(sentence)]


def test_spans_of_time_and_how_they_move_a_date():
    assert offsets("The shoot, set for 4 June, was pushed back by a week.") == [(7, "by")]
    assert offsets("The crew flight was brought forward by 48 hours.") == [(-2, "by")]
    assert offsets("It opens two days earlier than the planned 9 June.") == [(-2, "than")]
    assert offsets("The crew flies a fortnight after the cargo launch on 3 May.") == [(14, "around")]
    assert offsets("The crew follows ten days later.") == [(10, "later")]
    assert offsets("They fly in three weeks' time.") == [(21, "from-now")]
    assert offsets("The launch is the day after tomorrow.") == [(2, "from-now")]


def fact(sentence: str, part: str) -> bool:
    start = sentence.index(part)
    return stated_as_fact(nlp()(sentence), start, start + len(part))


def test_plans_are_facts_and_talk_is_not():
    assert fact("The Ember crew will launch on 14 May.", "14 May")
    assert not fact("The Ember launch could slip to 14 May.", "14 May")
    assert not fact("If the tests go well, the crew would fly on 14 May.", "14 May")
    assert not fact("The flight is not scheduled for 14 May.", "14 May")
    assert not fact("The studio denied reports that the launch had moved to 14 May.", "14 May")
    assert fact("The crew will not fly until 14 May.", "14 May")  # "not until" names the date
