"""Typing a watch's aliases: titles, studios, people (invented productions)."""
from __future__ import annotations

from analysis.aliases import PERSON, STUDIO, TITLE, looks_like_person, type_aliases


def kinds(label: str, *aliases: str) -> dict[str, str]:
    return {t.text: t.kind for t in type_aliases(label, aliases)}


def test_the_label_head_names_titles_and_its_parenthesis_the_studio():
    got = kinds("Saltmarsh / Solnechny Bereg (station drama, Pellucid Yard)",
                "Saltmarsh", "Solnechny Bereg", "Pellucid Yard", "Oksana Vetrova")
    assert got == {"Saltmarsh": TITLE, "Solnechny Bereg": TITLE, "Pellucid Yard": STUDIO, "Oksana Vetrova": PERSON}


def test_a_working_title_in_parentheses_is_a_title_and_a_company_suffix_a_studio():
    got = kinds("Ember (working title Night Crossing): Tallow Hill Productions series", "Ember", "Night Crossing",
                "Tallow Hill Productions", "Ravi Kessel")
    assert got == {"Ember": TITLE, "Night Crossing": TITLE, "Tallow Hill Productions": STUDIO, "Ravi Kessel": PERSON}


def test_a_studio_also_answers_to_its_distinctive_word():
    (studio,) = type_aliases("", ("Quorvath Pictures",))
    assert studio.kind == STUDIO and studio.short == "Quorvath"


def test_people_by_form_and_entity_type_without_a_label():
    assert looks_like_person("Tamsin Okafor-Lee")
    assert looks_like_person("Ilse Varga")
    assert not looks_like_person("Project Heron")     # a code name: two ordinary words
    assert not looks_like_person("Silver Lights")     # a description
    assert not looks_like_person("Heron")             # one word
