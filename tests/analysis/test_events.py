"""The day a lede says its event happened (analysis/events.py)."""
from __future__ import annotations

import math
from datetime import date

from analysis.events import event_day, event_mention
from analysis.shingles import Signature, compute

PUBLISHED = date(2031, 6, 12)  # a Thursday


def day_of(text: str, published: date = PUBLISHED) -> date | None:
    value = event_day(event_mention(text), float((published - date(1970, 1, 1)).days))
    return None if math.isnan(value) else date.fromordinal(date(1970, 1, 1).toordinal() + int(value))


def test_a_weekday_reported_is_the_last_one_and_yesterday_the_day_before():
    assert day_of("The studio Bramblewick confirmed on Tuesday that Ines Varga will star.") == date(2031, 6, 10)
    assert day_of("Tuesday's launch of the capsule was called off by the weather.") == date(2031, 6, 10)
    assert day_of("Ines Varga said yesterday that she would leave the cast.") == date(2031, 6, 11)
    assert day_of("The capsule landed this Thursday in the steppe.") == PUBLISHED


def test_a_plan_is_no_event_the_report_tells():
    assert day_of("Ines Varga will begin her training in Star City on Monday, the studio said.") is None
    assert day_of("The next attempt is set for Saturday, Bramblewick said.") is None
    assert day_of("The crew is due to dock next Monday.") is None
    assert day_of("Bramblewick pushed the shoot back until Friday.") is None
    # a plan's date first, the day it was announced after: the announcement is the event
    assert day_of("Ines Varga will fly on 3 October to shoot her scenes, the studio said on Monday.") == date(2031, 6, 9)


def test_a_dateline_and_a_recap_in_passing_date_nothing():
    assert day_of("OSLO, June 11 (Kettle Wire) - Bramblewick has cast Ines Varga as its lead.") is None
    assert day_of("PORT ELLIS, Ore., June 11 (Kettle Wire) - Bramblewick has cast Ines Varga as its lead.") is None
    assert day_of("Bramblewick cast Ines Varga, who left the rival film Tallowmere on Monday.") is None


def test_the_lede_only():
    late = ("Bramblewick has cast Ines Varga as its lead.\n\nThe studio was founded in Tromso.\n\n"
            "On Monday it also hired a pilot.")
    assert day_of(late) is None


def test_the_signature_keeps_the_mention_and_reads_signatures_without_one():
    text = ("Bramblewick Pictures confirmed on Tuesday that the actress Ines Varga will shoot two scenes of the "
            "drama Tallowmere aboard a commercial station next spring, after months of training in Houston. ") * 2
    sig = compute(text)
    back = Signature.from_bytes(sig.to_bytes())
    assert sig.event and (back.event, back.terms, back.entities) == (sig.event, sig.terms, sig.entities)
    bare = Signature(sig.hashvalues, sig.shingles, sig.words, sig.terms, sig.counts, sig.entities, sig.entity_counts)
    assert Signature.from_bytes(bare.to_bytes()).event == ""
