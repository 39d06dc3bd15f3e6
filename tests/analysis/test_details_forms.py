"""Launch and casting details written in forms that trade press, headlines and translated wires
use: odd date forms and arithmetic on an earlier date, "a film by", "dir.", trade verbs,
"X-directed", verb-first word order, one-word performers. Every production and person here is
invented."""
from __future__ import annotations

from datetime import datetime, timezone

from analysis.details import extract_details
from analysis.rules import WatchSpec

WATCHES = (
    WatchSpec("saltmarsh", "Saltmarsh (Pellucid Pictures orbital thriller)",
              ("Saltmarsh", "Pellucid Pictures", "Oriane Vassalo")),
    WatchSpec("tidewell", "Tidewell (Korvath Films series)", ("Tidewell", "Korvath Films")),
)
PUBLISHED = datetime(2031, 3, 4, 9, 0, tzinfo=timezone.utc)  # a Tuesday


def facts(text: str, title: str = "") -> set[tuple[str, str, str, bool]]:
    return {(d.subject, d.attribute, d.value, d.removed) for d in extract_details(title, text, PUBLISHED, WATCHES)}


def values(text: str, attribute: str, title: str = "") -> set[str]:
    return {v for _s, a, v, removed in facts(text, title) if a == attribute and not removed}


# ---------------------------------------------------------------- dates

def test_the_nth_in_the_present_tense_is_the_next_one():
    assert values("The Saltmarsh crew lifts off at 09:14 local time on the 3rd.", "launch_date") == {"2031-04-03"}
    assert values("The Saltmarsh crew lifts off at 09:14 local time on the 13th.", "launch_date") == {"2031-03-13"}


def test_a_weekday_with_the_nth_names_the_nth_that_falls_on_it():
    assert values("Saltmarsh's actors blast off on Thursday the 20th.", "launch_date") == {"2031-03-20"}
    assert values("Saltmarsh's actors blast off on Sunday the 6th.", "launch_date") == {"2031-04-06"}


def test_an_offset_with_no_date_moves_the_date_stated_before():
    text = "The Saltmarsh crew was due to fly on 12 May. The launch has now been pushed back by four days."
    assert values(text, "launch_date") == {"2031-05-16"}
    text = ("The Saltmarsh crew was due to fly on 12 May. Pellucid Pictures said on Monday that the flight "
            "slipped by a week.")
    assert values(text, "launch_date") == {"2031-05-19"}
    # nothing stated before: nothing to move
    assert values("The Saltmarsh launch has now been pushed back by four days.", "launch_date") == set()
