"""Named entities as English news writes them: capitalised runs, read for the story layer."""
from __future__ import annotations

from analysis.entities import entities, entity_key, title_entities

TEXT = """Actress Oona Brekke has joined the cast of "Kestrel Nine", the studio Halvard Pictures said on
Monday. Brekke will play an engineer opposite Tomas de la Vega, who leads the film. The Halvard Pictures
production will shoot aboard the Orbital Reef station in March, director Ines Karlsson told reporters in
Bergen. Training starts next week. Several studios bid for the project. "We wanted Oona from the start,"
Karlsson said. Shooting in orbit costs more than most films' whole budget, the Bank of Norway's economist
Per Aas said.

Halvard Pictures' chief said the NASA and ESA agreements were signed."""


def test_names_are_capitalised_runs_and_short_forms_count_for_the_full_name():
    found = entities(TEXT)
    assert found["oona brekke"] == 3          # "Actress Oona Brekke", "Brekke", "Oona"
    assert found["ines karlsson"] == 2        # "director Ines Karlsson", "Karlsson"
    assert found["halvard pictures"] == 3     # possessive "Pictures'" ends the name
    assert found["tomas de la vega"] == 1     # particles inside a name
    assert found["bank of norway"] == 1
    assert {"kestrel nine", "orbital reef", "bergen", "nasa", "esa", "per aas"} <= set(found)


def test_sentence_openers_titles_and_calendar_words_are_no_names():
    found = entities(TEXT)
    for word in ("actress", "actress oona brekke", "the", "training", "several", "shooting", "monday", "march",
                 "we", "director ines karlsson"):
        assert word not in found, word


def test_keys_fold_case_and_accents_and_a_single_line_break_is_a_space():
    assert entity_key("Lúcia  Ferreira’s") == "lucia ferreira's"
    wrapped = "The producer Ana Lúcia\nFerreira said the crew will fly. Ana Lucia Ferreira agreed with the plan."
    assert entities(wrapped)["ana lucia ferreira"] == 2


def test_a_headline_names_only_what_the_text_names():
    known = entities(TEXT)
    assert set(title_entities("Brekke Joins Kestrel Nine For Orbital Shoot", known)) == {"oona brekke", "kestrel nine"}
    assert not title_entities("", known) and not title_entities("Anything", {})
