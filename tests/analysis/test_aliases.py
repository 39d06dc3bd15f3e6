"""Typing a watch's aliases: titles, studios, people (invented productions)."""
from __future__ import annotations

from analysis.aliases import PERSON, STUDIO, TITLE, looks_like_person, type_aliases


def kinds(label: str, *aliases: str) -> dict[str, str]:
    return {t.text: t.kind for t in type_aliases(label, aliases)}


def test_the_label_head_names_titles_and_its_parenthesis_the_studio():
    got = kinds("Quillmere / Solnechny Bereg (station drama, Pellucid Yard)",
                "Quillmere", "Solnechny Bereg", "Pellucid Yard", "Oksana Vetrova")
    assert got == {"Quillmere": TITLE, "Solnechny Bereg": TITLE, "Pellucid Yard": STUDIO, "Oksana Vetrova": PERSON}


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
    assert not looks_like_person("Project Kittiwake")  # a code name: two ordinary words
    assert not looks_like_person("Silver Lights")     # a description
    assert not looks_like_person("Kittiwake")         # one word


def test_a_name_with_particles_is_a_person_unless_it_reads_as_a_place():
    assert looks_like_person("Ottoline van der Zwaag")
    assert looks_like_person("Rosalba de la Fuente-Marsh")
    got = kinds("Brinewater (Moth Hollow Pictures feature)", "Brinewater", "Moth Hollow Pictures",
                "Ottoline van der Zwaag", "Rosalba de la Fuente-Marsh")
    assert got["Ottoline van der Zwaag"] == PERSON and got["Rosalba de la Fuente-Marsh"] == PERSON
    assert not looks_like_person("Casa de Papel")


def test_a_code_name_in_the_label_parenthesis_is_a_title_beside_the_studio():
    got = kinds("Brinewater (Moth Hollow Pictures, code name Project Kittiwake)",
                "Brinewater", "Project Kittiwake", "Moth Hollow Pictures")
    assert got == {"Brinewater": TITLE, "Project Kittiwake": TITLE, "Moth Hollow Pictures": STUDIO}


def test_a_one_word_name_the_label_does_not_settle_is_left_to_the_article():
    typed = {t.text: t for t in type_aliases("Brinewater (Moth Hollow Pictures feature)",
                                             ("Brinewater", "Quillon", "Moth Hollow Pictures"))}
    assert typed["Quillon"].kind == TITLE and typed["Quillon"].may_be_person
    assert not typed["Brinewater"].may_be_person   # the label's head is the title


def test_a_double_given_name_or_surname_makes_a_person_the_ner_calls_an_organisation():
    assert looks_like_person("Anne-Sophie de La Motte-Farel")  # the NER reads it as an organisation
    assert not looks_like_person("Casa de Papel")


def test_a_company_word_in_another_language_makes_a_studio():
    got = kinds("Maré Alta (drama shot in orbit)", "Maré Alta", "Jacarandá Filmes", "Estúdios Pitanga",
                "Nordlicht Filmproduktion", "Bruma Produções")
    assert got == {"Maré Alta": TITLE, "Jacarandá Filmes": STUDIO, "Estúdios Pitanga": STUDIO,
                   "Nordlicht Filmproduktion": STUDIO, "Bruma Produções": STUDIO}


def test_the_words_for_a_film_company_in_russian_indian_english_japanese_and_chinese_make_studios():
    got = kinds("Tarn (a feature)", "Tarn", "Steppe Kino", "Kestrel Talkies", "Yuki Eizo", "Hong Yingye")
    assert got == {"Tarn": TITLE, "Steppe Kino": STUDIO, "Kestrel Talkies": STUDIO, "Yuki Eizo": STUDIO,
                   "Hong Yingye": STUDIO}


def test_a_title_the_label_gives_for_other_markets_is_a_title():
    got = kinds("Maré Alta (feature shot aboard the station; High Tide internationally)", "Maré Alta", "High Tide")
    assert got == {"Maré Alta": TITLE, "High Tide": TITLE}
    got = kinds("Hanbit (feature shot in orbit; First Light in English)", "Hanbit", "First Light")
    assert got == {"Hanbit": TITLE, "First Light": TITLE}


def test_names_in_the_label_parenthesis_set_apart_by_slashes_are_its_other_titles():
    got = kinds("Grauer Strand (Gra Strond / The Grey Shore): Austrian-Danish feature flown to the station",
                "Grauer Strand", "Gra Strond", "The Grey Shore", "Harlow Film")
    assert got == {"Grauer Strand": TITLE, "Gra Strond": TITLE, "The Grey Shore": TITLE, "Harlow Film": STUDIO}
    # a comma still sets a description apart
    got = kinds("Quillmere (Pellucid Yard, station drama)", "Quillmere", "Pellucid Yard")
    assert got == {"Quillmere": TITLE, "Pellucid Yard": STUDIO}


def test_an_article_opening_a_long_name_or_an_ing_word_makes_it_no_persons_name():
    got = kinds("Quillmere (station drama)", "Quillmere", "La Casa del Viento", "Rising Tide", "Lene Ask")
    assert got == {"Quillmere": TITLE, "La Casa del Viento": TITLE, "Rising Tide": TITLE, "Lene Ask": PERSON}


def test_company_words_of_other_languages_make_a_studio():
    got = kinds("Quillmere (station drama)", "Quillmere", "Cinematográfica Borrasca", "Deniz Yapım", "Cinemática Lumbre",
                "Proyecto Garza")
    assert got == {"Quillmere": TITLE, "Cinematográfica Borrasca": STUDIO, "Deniz Yapım": STUDIO,
                   "Cinemática Lumbre": STUDIO, "Proyecto Garza": TITLE}


def test_names_that_only_look_like_phrases_stay_names():
    got = kinds("Quillmere (station drama)", "Sterling Ashby", "Ling Zhao", "Le Thi Hoa")
    assert set(got.values()) == {PERSON}
