"""Detail extraction on people written in forms the common case does not cover: one-name
performers, names with particles or initials, cast lists, passives, relative and object clauses.
Every production and person here is invented."""
from __future__ import annotations

from datetime import datetime, timezone

from analysis.details import extract_details
from analysis.rules import WatchSpec

WATCHES = (
    WatchSpec("brinewater", "Brinewater (Moth Hollow Pictures orbital drama)",
              ("Brinewater", "Quillon", "Moth Hollow Pictures", "Ottoline van der Zwaag", "T. K. Amberley")),
    WatchSpec("glimmerhaus", "Glimmerhaus (Saltpan Studios series)", ("Glimmerhaus", "Vantreu", "Saltpan Studios")),
)
PUBLISHED = datetime(2031, 3, 4, 9, 0, tzinfo=timezone.utc)


def facts(text: str) -> set[tuple[str, str, str, bool]]:
    return {(d.subject, d.attribute, d.value, d.removed) for d in extract_details("", text, PUBLISHED, WATCHES)}


def people(text: str, attribute: str) -> set[str]:
    return {v for _s, a, v, removed in facts(text) if a == attribute and not removed}


# ---------------------------------------------------------------- one-name performers and particles

def test_a_one_word_alias_the_prose_gives_a_role_is_a_performer_not_a_title():
    got = facts("Quillon, whose last album topped the charts in Lagos, has been confirmed as the lead of Brinewater.")
    assert ("brinewater", "cast", "Quillon", False) in got
    assert ("brinewater", "title", "Quillon", False) not in got


def test_a_one_word_alias_used_as_a_title_stays_a_title():
    got = facts("Vantreu stars Hedda Brask as a welder who stows away on a supply flight.")
    assert ("glimmerhaus", "title", "Vantreu", False) in got
    assert ("glimmerhaus", "cast", "Vantreu", False) not in got
    assert ("glimmerhaus", "cast", "Hedda Brask", False) in got


def test_a_watched_name_with_particles_is_a_person():
    got = facts("Brinewater will be helmed by Ottoline van der Zwaag, Moth Hollow Pictures said.")
    assert ("brinewater", "director", "Ottoline van der Zwaag", False) in got
    assert not {v for _s, a, v, _r in got if a == "title"} - {"Brinewater"}


def test_a_name_with_two_particles_and_one_with_initials_round_out_the_cast():
    got = people("Gerrit van den Oosterhout and M. L. Fairweather round out the cast of Brinewater.", "cast")
    assert got == {"Gerrit van den Oosterhout", "M. L. Fairweather"}
    assert people("M. L. Fairweather completes Brinewater's ensemble.", "cast") == {"M. L. Fairweather"}


# ---------------------------------------------------------------- verbs that head a cast, actively and passively

def test_headlining_a_production_and_being_its_headliner_by_passive():
    assert people("Dorthe Kallas headlines Brinewater, the Moth Hollow Pictures drama.", "cast") == {"Dorthe Kallas"}
    assert people("Brinewater, fronted by Dorthe Kallas, is the studio's first orbital feature.", "cast") == \
        {"Dorthe Kallas"}


# ---------------------------------------------------------------- in-phrases and infinitives that carry the role

def test_back_in_the_cast_after_leaving_is_cast_not_removed():
    got = facts("Dorthe Kallas, who quit Brinewater in May, is back in the cast now that the flight has moved.")
    assert ("brinewater", "cast", "Dorthe Kallas", False) in got
    assert ("brinewater", "cast", "Dorthe Kallas", True) not in got


def test_in_the_role_of_makes_the_subject_cast_wherever_the_parser_hangs_it():
    got = people("Hedda Brask reports to the Brinewater set, Moth Hollow Pictures' orbital drama, next week in the "
                 "role of a stranded welder.", "cast")
    assert got == {"Hedda Brask"}


def test_the_object_of_a_choice_does_what_the_infinitive_says():
    assert people("After the delay, Moth Hollow Pictures turned to Hedda Brask to play the pilot of Brinewater.",
                  "cast") == {"Hedda Brask"}
    assert people("Moth Hollow Pictures hired Ivo Strand to direct Brinewater.", "director") == {"Ivo Strand"}


# ---------------------------------------------------------------- co-direction and a change of director

def test_co_directors_by_passive_and_with():
    assert people("Brinewater is co-directed by Ivo Strand and T. K. Amberley.", "director") == \
        {"Ivo Strand", "T. K. Amberley"}
    assert people("Ivo Strand will co-direct Brinewater with the Estonian Kaia Rebane, who will film the "
                  "ground scenes.", "director") == {"Ivo Strand", "Kaia Rebane"}


def test_leaving_while_another_takes_over_direction_is_no_cast_removal():
    got = facts("Ivo Strand will now direct all of Brinewater after T. K. Amberley left to make a documentary.")
    assert ("brinewater", "director", "Ivo Strand", False) in got
    assert not {v for _s, a, v, removed in got if a == "cast" and removed}


# ---------------------------------------------------------------- lists under a label, inverted and other verbs

def test_a_labelled_list_gives_each_name_its_label():
    got = facts("Brinewater (cast: Hedda Brask, M. L. Fairweather; director: Ivo Strand) starts training in May.")
    assert {(a, v) for _s, a, v, _r in got if a in ("cast", "director")} == {
        ("cast", "Hedda Brask"), ("cast", "M. L. Fairweather"), ("director", "Ivo Strand")}


def test_an_inverted_gerund_and_behind_the_camera_with_any_verb():
    assert people("Directing Brinewater is Ivo Strand, making his first feature in English.", "director") == \
        {"Ivo Strand"}
    assert people("Ivo Strand moves behind the camera for Brinewater after years as an editor.", "director") == \
        {"Ivo Strand"}


# ---------------------------------------------------------------- a pronoun in the next sentence

def test_he_or_she_opening_the_next_sentence_is_the_one_person_just_named():
    got = people("Hedda Brask spent the winter in Star City. She plays the stowaway in Brinewater.", "cast")
    assert got == {"Hedda Brask"}
    got = people("Hedda Brask met Ivo Strand in Star City. She plays the stowaway in Brinewater.", "cast")
    assert not got  # two people named: nobody to point at


def test_she_is_x_names_the_role_the_sentence_before_described():
    assert people("Brinewater has found its lead actress. She is Hedda Brask, 24, who grew up in Tartu.",
                  "cast") == {"Hedda Brask"}


def test_a_person_a_film_is_from_does_not_star_in_it():
    got = facts("Hedda Brask will star in Gull Season, from Ivo Strand (director of Brinewater).")
    assert ("brinewater", "director", "Ivo Strand", False) in got
    assert not {v for _s, a, v, _r in got if a == "cast"}


# ---------------------------------------------------------------- the production's people after a semicolon; freight

def test_the_actors_after_a_semicolon_are_the_production_s_and_freight_flies_nobody():
    got = facts("Brinewater's costumes went up on a supply ship from Wenchang in January; the actors fly from "
                "Jiuquan in June.")
    places = {(a, v) for _s, a, v, _r in got if a in ("launch_site", "launch_date")}
    assert places == {("launch_site", "Jiuquan Satellite Launch Center"), ("launch_date", "2031-06")}
    got = facts("The stand-in for Brinewater would fly on Shenzhou-40 only if needed; the two lead actors fly on "
                "Shenzhou-39.")
    assert {v for _s, a, v, _r in got if a == "spacecraft"} == {"Shenzhou-39"}


# ---------------------------------------------------------------- more ways of joining a cast or a direction

def test_signing_on_and_being_signed_for_a_production():
    assert people("Hedda Brask has signed on for Brinewater.", "cast") == {"Hedda Brask"}
    assert people("Moth Hollow Pictures has signed Hedda Brask for Brinewater.", "cast") == {"Hedda Brask"}


def test_the_cast_includes_and_an_addition_to_the_cast():
    assert people("The cast of Brinewater includes Hedda Brask and Ivo Strand.", "cast") == \
        {"Hedda Brask", "Ivo Strand"}
    assert people("Hedda Brask is the latest addition to the cast of Brinewater.", "cast") == {"Hedda Brask"}
    assert people("Also in the cast of Brinewater: Ivo Strand and Kaia Rebane.", "cast") == \
        {"Ivo Strand", "Kaia Rebane"}
    assert not people("The director of Brinewater told reporters: Ivo Strand and Kaia Rebane will fly.", "director")


def test_an_infinitive_after_a_passive_choice_says_the_role():
    got = facts("Ivo Strand has been tapped to direct Brinewater.")
    assert ("brinewater", "director", "Ivo Strand", False) in got
    assert ("brinewater", "cast", "Ivo Strand", False) not in got
    assert people("Hedda Brask is attached to star in Brinewater.", "cast") == {"Hedda Brask"}
    assert people("Hedda Brask was picked to lead Brinewater.", "cast") == {"Hedda Brask"}


def test_co_directing_alongside_someone_and_an_acting_debut():
    assert people("Ivo Strand will co-direct Brinewater alongside Kaia Rebane.", "director") == \
        {"Ivo Strand", "Kaia Rebane"}
    assert people("Singer Quillon makes her acting debut in Brinewater.", "cast") == {"Quillon"}


def test_no_longer_appearing_is_leaving_the_cast():
    assert ("brinewater", "cast", "Hedda Brask", True) in facts("Hedda Brask will no longer appear in Brinewater.")


def test_appointed_or_named_director_is_direction_only():
    for text in ("Ivo Strand was appointed director of Brinewater.",
                 "Ivo Strand has been named director of Brinewater.",
                 "Moth Hollow Pictures named Ivo Strand director of Brinewater.",
                 "Ivo Strand will take the helm of Brinewater."):
        got = facts(text)
        assert ("brinewater", "director", "Ivo Strand", False) in got, text
        assert not {v for _s, a, v, _r in got if a == "cast"}, text


def test_replaced_as_director_is_no_cast_removal_and_a_vacated_role_is():
    got = facts("Kaia Rebane will be replaced as director of Brinewater by Ivo Strand.")
    assert ("brinewater", "director", "Ivo Strand", False) in got
    assert not {v for _s, a, v, _r in got if a == "cast"}
    got = facts("Kaia Rebane steps into the role vacated by Hedda Brask in Brinewater.")
    assert {("cast", "Kaia Rebane", False), ("cast", "Hedda Brask", True)} <= {(a, v, r) for _s, a, v, r in got}
    got = facts("Hedda Brask's role in Brinewater will now be played by Kaia Rebane.")
    assert {("cast", "Kaia Rebane", False), ("cast", "Hedda Brask", True)} <= {(a, v, r) for _s, a, v, r in got}
    got = facts("Kaia Rebane has been brought in to replace Hedda Brask in Brinewater.")
    assert {(a, v, r) for _s, a, v, r in got if a == "cast"} == {("cast", "Kaia Rebane", False),
                                                                 ("cast", "Hedda Brask", True)}


def test_directing_and_starring_at_once_and_shooting_one_s_scenes():
    got = facts("Ivo Strand will both direct and star in Brinewater.")
    assert {("director", "Ivo Strand"), ("cast", "Ivo Strand")} <= {(a, v) for _s, a, v, _r in got}
    assert people("Hedda Brask will fly to the station to shoot her scenes for Brinewater.", "cast") == {"Hedda Brask"}


def test_run_together_initials_and_plural_particles_stay_in_the_name():
    assert people("P.V. Marchetti and Inés de los Ríos will star in Brinewater.", "cast") == \
        {"P.V. Marchetti", "Inés de los Ríos"}


def test_a_watched_surname_with_its_particles_opening_a_sentence():
    got = facts("Van der Zwaag will direct Brinewater.")
    assert ("brinewater", "director", "Ottoline van der Zwaag", False) in got


def test_the_director_s_chair_and_a_with_phrase_giving_a_place_in_the_cast():
    assert people("Ivo Strand has taken the director's chair on Brinewater.", "director") == {"Ivo Strand"}
    assert people("Brinewater starts shooting in May with Hedda Brask and Ivo Strand in the lead roles.", "cast") == \
        {"Hedda Brask", "Ivo Strand"}
    assert people("Brinewater starts shooting in May with Hedda Brask as the welder.", "cast") == {"Hedda Brask"}
    # the with-phrase belongs to what its clause is about: here another studio's film
    assert not people("Moth Hollow Pictures' period drama Gull Season opens on 3 May, with Hedda Brask in the lead.",
                      "cast")


# ---------------------------------------------------------------- translated-wire phrasing

def test_character_verbs_of_translated_wires():
    for text in ("Hedda Brask will interpret the welder Mara in Brinewater.",
                 "Hedda Brask will give life to the welder in Brinewater.",
                 "Hedda Brask will reprise her role in Brinewater."):
        assert people(text, "cast") == {"Hedda Brask"}, text


def test_the_cast_headed_or_completed_by_and_people_heading_it():
    assert people("The cast of Brinewater is completed by Hedda Brask and Ivo Strand.", "cast") == \
        {"Hedda Brask", "Ivo Strand"}
    assert people("Hedda Brask and Ivo Strand head the cast of Brinewater.", "cast") == {"Hedda Brask", "Ivo Strand"}
    assert people("Hedda Brask forms part of the cast of Brinewater.", "cast") == {"Hedda Brask"}


def test_the_direction_of_a_production():
    assert people("Brinewater, under the direction of Ivo Strand, starts shooting in May.", "director") == \
        {"Ivo Strand"}
    assert people("Ivo Strand assumes the direction of Brinewater.", "director") == {"Ivo Strand"}
    assert people("The direction of Brinewater falls to Ivo Strand.", "director") == {"Ivo Strand"}
    assert not people("The capsule flew in the direction of the station, Ivo Strand said of Brinewater.", "director")


def test_each_name_of_a_list_keeps_its_own_relative_clause():
    got = facts("Ivo Strand, who will direct Brinewater, and Hedda Brask, who will star in it, flew to Houston.")
    assert {(a, v) for _s, a, v, _r in got if a in ("cast", "director")} == {
        ("director", "Ivo Strand"), ("cast", "Hedda Brask")}


def test_a_later_pronoun_or_a_describing_subject_is_the_one_person_just_named():
    assert people("Hedda Brask trained for months in Houston. Now she has been cast in Brinewater.", "cast") == \
        {"Hedda Brask"}
    assert people("Ivo Strand has a new project. The Estonian will direct Brinewater next year.", "director") == \
        {"Ivo Strand"}
    assert people("Hedda Brask has a new project. The singer will appear in two scenes of Brinewater.", "cast") == \
        {"Hedda Brask"}
    assert not people("Hedda Brask has a new project. The capsule will carry Brinewater's cameras.", "cast")


# ---------------------------------------------------------------- a change of director

def test_a_change_of_director_removes_nobody_from_the_cast():
    for text in ("Ivo Strand takes over direction of Brinewater from Kaia Rebane.",
                 "Ivo Strand has taken over as director of Brinewater after Kaia Rebane stepped down.",
                 "Brinewater changes director: Ivo Strand succeeds Kaia Rebane.",
                 "Ivo Strand succeeds Kaia Rebane at the helm of Brinewater.",
                 "Kaia Rebane has exited Brinewater as director and will be replaced by Ivo Strand.",
                 "Kaia Rebane, who was to direct Brinewater, has left the project; Ivo Strand will direct instead."):
        got = facts(text)
        assert {(a, v, r) for _s, a, v, r in got if a in ("cast", "director")} == {
            ("director", "Ivo Strand", False)}, text


def test_a_cast_replacement_reported_by_the_director_is_still_the_cast():
    got = facts("Hedda Brask replaces Kaia Rebane in Brinewater, the director said.")
    assert {(a, v, r) for _s, a, v, r in got if a in ("cast", "director")} == {
        ("cast", "Hedda Brask", False), ("cast", "Kaia Rebane", True)}


def test_more_ways_of_leaving_a_cast():
    for text in ("Moth Hollow Pictures fired Hedda Brask from Brinewater.",
                 "Hedda Brask was written out of Brinewater.",
                 "Hedda Brask's exit from Brinewater was confirmed on Monday.",
                 "Hedda Brask cited exhaustion. She will not return to Brinewater."):
        assert ("brinewater", "cast", "Hedda Brask", True) in facts(text), text


def test_heading_to_orbit_parsed_as_a_verb_still_carries_the_launch_date():
    got = facts("The Brinewater crew will head to orbit on 12 April.")
    assert ("brinewater", "launch_date", "2031-04-12", False) in got


def test_a_described_role_survives_a_negated_verb_and_a_described_actress_who_leaves_is_removed():
    got = facts("Brinewater's director, Ivo Strand, will not fly; he will direct the orbital scenes from the ground.")
    assert ("brinewater", "director", "Ivo Strand", False) in got
    got = facts("The actress Hedda Brask will not continue in Brinewater; her part goes to Kaia Rebane.")
    assert ("brinewater", "cast", "Hedda Brask", True) in got
    assert ("brinewater", "cast", "Hedda Brask", False) not in got


def test_a_place_before_a_watched_name_is_no_part_of_it():
    got = facts("The protagonist of Brinewater will be the actress from Tartu Ottoline van der Zwaag, the studio said.")
    assert ("brinewater", "cast", "Ottoline van der Zwaag", False) in got


def test_a_craft_or_crew_that_starts_is_launching_but_filming_that_starts_is_not():
    assert ("brinewater", "launch_date", "2031-04-12", False) in facts(
        "The crew of Brinewater starts on 12.04.2031 from Baikonur, the producers confirmed.")
    assert ("brinewater", "launch_date", "2031-04-12", False) in facts(
        "The start of the crewed capsule with the Brinewater actors is planned for 12.04.2031.")
    assert not {a for _s, a, _v, _r in facts("Filming of Brinewater starts on 12 April in a studio in Riga.")
                if a == "launch_date"}


def test_a_possessive_before_a_named_production_says_neither_star_nor_director():
    got = facts("Ottoline van der Zwaag's orbital drama Brinewater is ahead of schedule, Moth Hollow Pictures said.")
    assert not {v for _s, a, v, _r in got if a in ("cast", "director")}


def test_someone_besides_a_list_shares_its_role():
    assert people("Hedda Brask and Ivo Strand join the cast of Brinewater, besides the Latvian Kaia Rebane.",
                  "cast") == {"Hedda Brask", "Ivo Strand", "Kaia Rebane"}


def test_relative_clauses_in_the_passive_with_the_person_as_object_and_on_the_subject():
    assert people("Hedda Brask, who was cast in Brinewater last year, trained in Houston.", "cast") == {"Hedda Brask"}
    assert people("Hedda Brask, whom Moth Hollow Pictures cast in Brinewater, trained in Houston.", "cast") == \
        {"Hedda Brask"}
    assert people("The woman who will direct Brinewater is Kaia Rebane.", "director") == {"Kaia Rebane"}


def test_they_her_role_and_he_is_the_director_point_back():
    assert people("Hedda Brask and Ivo Strand trained in Houston. They will play the two pilots in Brinewater.",
                  "cast") == {"Hedda Brask", "Ivo Strand"}
    assert people("Hedda Brask trained in Houston. Her role in Brinewater is a welder who stows away.", "cast") == \
        {"Hedda Brask"}
    assert people("Ivo Strand spoke in Berlin. He is the director of Brinewater.", "director") == {"Ivo Strand"}
    # four people named before: "they" points at nobody in particular
    assert not people("Hedda Brask, Ivo Strand, Kaia Rebane and Mart Laar met in Houston. They will play pilots "
                      "in Brinewater.", "cast")


def test_who_recasts_a_part_or_replaces_someone_with_another_has_no_role_themselves():
    got = facts("Idris Farrow has recast the part of the pilot in Brinewater after Lene Ask left.")
    assert ("brinewater", "cast", "Idris Farrow", False) not in got
    assert ("brinewater", "cast", "Lene Ask", True) in got
    # the with-phrase hung on the film's name rather than on the verb
    assert people("Idris Farrow has replaced director Sam Okoro on Brinewater with Ottoline van der Zwaag.",
                  "director") == {"Ottoline van der Zwaag"}
    assert people("Idris Farrow has replaced Sam Okoro with Lene Ask in Brinewater.", "cast") == {"Lene Ask"}
    # the replacer is still the new member when no with-phrase names another
    assert people("Lene Ask replaced Sam Okoro in Brinewater.", "cast") == {"Lene Ask"}


def test_a_name_after_a_word_for_a_hit_is_the_works_title():
    got = people("Moth Hollow Pictures has set Lene Ask, the star of last season's stage hit Orrin Vale, to topline "
                 "Brinewater.", "cast")
    assert got == {"Lene Ask"}


def test_a_watched_person_named_by_surname_alone_is_that_person():
    got = facts("Moth Hollow Pictures confirmed on Friday that van der Zwaag will star alongside Lene Ask in its "
                "orbital drama.")
    assert ("brinewater", "cast", "Ottoline van der Zwaag", False) in got
    got = facts("Moth Hollow Pictures confirmed on Friday that Amberley will star alongside Lene Ask in its orbital "
                "drama.")
    assert {("brinewater", "cast", "T. K. Amberley", False), ("brinewater", "cast", "Lene Ask", False)} <= got
    # a full name the text gives first keeps its surname for itself
    assert not any(v == "T. K. Amberley" for _s, _a, v, _r in facts(
        "Rosa Amberley, a lawyer, said the Brinewater contract was signed. Amberley declined to say more."))


def test_a_relative_clause_on_whose_part_gives_the_part():
    assert people("Lene Ask, whose role as a widowed engineer in Brinewater required six months of training, "
                  "told reporters she had never flown.", "cast") == {"Lene Ask"}
    # a part taken away is no part
    assert people("Lene Ask, whose part in Brinewater was cut, told reporters she had never flown.", "cast") == set()


def test_a_possessive_on_the_film_says_neither_star_nor_director():
    got = facts("Brinewater, T. K. Amberley's documentary-drama, was shot aboard New Shepard.")
    assert not any(a in ("cast", "director") for _s, a, _v, _r in got)


def test_staying_in_character_for_a_film_is_acting_in_it():
    assert people("Lene Ask spent the whole ten-minute flight in character for Brinewater.", "cast") == {"Lene Ask"}
    assert people("Lene Ask talked about the character in Brinewater.", "cast") == set()


def test_a_cast_list_in_order_of_appearance_with_characters_owned_by_others():
    text = ("Moth Hollow Pictures announces the cast of Brinewater, in order of appearance: Lene Ask (Captain Teo "
            "Brandt), Idris Farrow (the flight engineer) and Kari Berg (Brandt's daughter).")
    assert people(text, "cast") == {"Lene Ask", "Idris Farrow", "Kari Berg"}
    text = "Brinewater. Cast: Lene Ask (Tarik), Kari Berg (Tarik's father); music by Idris Farrow."
    assert people(text, "cast") == {"Lene Ask", "Kari Berg"}


def test_a_cast_list_labelled_with_a_title_written_in_lower_case_words():
    watch = (WatchSpec("grauer-strand", "Grauer Strand (an Austrian feature)", ("Grauer Strand",)),)
    text = ("Moth Hollow Pictures announces the cast of Grauer Strand, in order of appearance: Lene Ask (the pilot) "
            "and Kari Berg (the medic).")
    got = {d.value for d in extract_details("", text, PUBLISHED, watch) if d.attribute == "cast"}
    assert got == {"Lene Ask", "Kari Berg"}


def test_an_age_in_apposition_does_not_break_the_sentence():
    text = "Moth Hollow Pictures has recast the part of the pilot in Brinewater. Kari Berg, 29, steps in."
    assert people(text, "cast") == {"Kari Berg"}


def test_a_characters_name_in_brackets_does_not_become_the_object():
    assert people("Brinewater also features Lene Ask (Mira) and Kari Berg (Joss).", "cast") == {"Lene Ask", "Kari Berg"}


def test_a_name_in_apposition_with_a_work_is_that_work():
    text = ("Lene Ask, cast last week in Brinewater, also leads Les Passeurs, a Belgian cable series "
            "about ferry pilots that starts streaming on 3 April.")
    got = facts(text)
    assert ("brinewater", "cast", "Les Passeurs", False) not in got
    assert not any(a == "release_date" for _s, a, _v, _r in got)
    # a person described by a trade that holds a production word is still a person
    assert people("Moth Hollow Pictures has cast Kari Berg, a film director, in a cameo in Brinewater.",
                  "cast") == {"Kari Berg"}


def test_she_who_withdraws_in_the_next_sentence_leaves_her_own_production():
    text = "Ottoline van der Zwaag was the first actress announced. On Tuesday she withdrew from the series."
    assert ("brinewater", "cast", "Ottoline van der Zwaag", True) in facts(text)


def test_a_kind_of_star_says_what_someone_is_famous_for_not_a_part():
    text = "Moth Hollow Pictures denied reports that the sitcom star Kari Berg had been offered a part in Brinewater."
    assert people(text, "cast") == set()
    assert people("Brinewater star Kari Berg flew to Houston on Monday.", "cast") == {"Kari Berg"}


def test_an_object_does_what_it_is_hired_for():
    assert people("Lene Ask, the producer who hired Idris Farrow to direct Brinewater, spoke on Monday.",
                  "director") == {"Idris Farrow"}


def test_a_cameo_is_a_part_whatever_the_verb():
    text = "Retired astronaut Kari Berg, who advised the actors, also turns up as herself in a brief cameo in Brinewater."
    assert people(text, "cast") == {"Kari Berg"}


def test_the_people_newcomers_join_in_a_film_are_in_it_too():
    got = people("Lene Ask and Kari Berg join Idris Farrow and Sam Okoro in Brinewater.", "cast")
    assert got == {"Lene Ask", "Kari Berg", "Idris Farrow", "Sam Okoro"}


def test_the_leads_of_a_film_in_apposition_and_a_trade_glued_to_a_name():
    text = "The two leads of Brinewater, Lene Ask and Kari Berg, are due to lift off from Kennedy in ten days' time."
    assert people(text, "cast") == {"Lene Ask", "Kari Berg"}
    assert people("Cellist Lene Ask joins the cast of Brinewater.", "cast") == {"Lene Ask"}


def test_an_apposition_of_an_apposition_still_describes_the_person():
    text = "Brinewater has a simple premise. Its protagonist, the jazz singer Lene Ask, wants to hear her voice in orbit."
    assert people(text, "cast") == {"Lene Ask"}


def test_a_craft_or_a_date_in_the_sentence_is_no_other_production():
    text = ("Brinewater is built around Lene Ask. She stars alongside the guitarist Kari Berg, and on 21 October she "
            "will board New Shepard with him.")
    assert "Kari Berg" in people(text, "cast")


def test_a_one_word_title_directed_by_someone_is_directed_not_a_director():
    watch = (WatchSpec("marlow", "Marlow Reach (Slovak feature)", ("Marlow Reach", "Morskava", "Lene Ask")),)
    got = {(d.attribute, d.value) for d in extract_details(
        "", "Morskava, directed by Lene Ask, opened in 90 Slovak cinemas today.", PUBLISHED, watch)}
    assert ("director", "Lene Ask") in got and ("director", "Morskava") not in got


def test_a_list_label_gives_no_role_to_who_steps_aside_and_a_thriller_shot_on_a_stage_is_a_work():
    text = ("Moth Hollow Pictures has changed directors on Brinewater: Idris Farrow steps aside and stays on as "
            "producer, and Lene Ask will direct.")
    assert people(text, "director") == {"Lene Ask"}
    text = "Kari Berg, the star of Brinewater, has signed for Hollin Point, a thriller shot entirely on a soundstage."
    assert people(text, "cast") == {"Kari Berg"}


def test_rules_for_works_leave_people_alone():
    # a participle with an agent that chooses someone describes the person, not a work
    assert people("Lene Ask, hired by Moth Hollow Pictures to direct Brinewater, arrived on Monday.",
                  "director") == {"Lene Ask"}
    # "the star of the series" is a person's apposition, not a work's
    assert people("Moth Hollow Pictures cast Kari Berg, the star of the series, in Brinewater.", "cast") == {"Kari Berg"}
    # "hit" as a verb names no work
    assert people("The budget cuts hit Kari Berg hard; she still stars in Brinewater.", "cast") == {"Kari Berg"}
    # joining someone in a place puts nobody in the cast
    assert people("Lene Ask joins Brinewater's director Kari Berg in Baikonur.", "cast") == set()


def test_the_film_named_for_a_watched_person_names_its_star_but_a_possessive_does_not():
    assert people("Little is known about the T. K. Amberley film, only that it will shoot aboard the station.",
                  "cast") == {"T. K. Amberley"}
    assert people("The Russian crew will beat T. K. Amberley and his project to orbit.", "cast") == {"T. K. Amberley"}
    assert people("Brinewater, T. K. Amberley's documentary-drama, was shot aboard New Shepard.", "cast") == set()
