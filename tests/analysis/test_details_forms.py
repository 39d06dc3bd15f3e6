"""Launch and casting details written in forms that trade press, headlines and translated wires
use: odd date forms and arithmetic on an earlier date, "a film by", "dir.", trade verbs,
"X-directed", verb-first word order, one-word performers. Every production and person here is
invented."""
from __future__ import annotations

from datetime import datetime, timezone

from analysis.details import extract_details
from analysis.rules import WatchSpec

WATCHES = (
    WatchSpec("quillmere", "Quillmere (Pellucid Pictures orbital thriller)",
              ("Quillmere", "Pellucid Pictures", "Oriane Vassalo")),
    WatchSpec("tidewell", "Tidewell (Korvath Films series)", ("Tidewell", "Korvath Films")),
)
PUBLISHED = datetime(2031, 3, 4, 9, 0, tzinfo=timezone.utc)  # a Tuesday


def facts(text: str, title: str = "") -> set[tuple[str, str, str, bool]]:
    return {(d.subject, d.attribute, d.value, d.removed) for d in extract_details(title, text, PUBLISHED, WATCHES)}


def values(text: str, attribute: str, title: str = "") -> set[str]:
    return {v for _s, a, v, removed in facts(text, title) if a == attribute and not removed}


# ---------------------------------------------------------------- dates

def test_the_nth_in_the_present_tense_is_the_next_one():
    assert values("The Quillmere crew lifts off at 09:14 local time on the 3rd.", "launch_date") == {"2031-04-03"}
    assert values("The Quillmere crew lifts off at 09:14 local time on the 13th.", "launch_date") == {"2031-03-13"}


def test_a_weekday_with_the_nth_names_the_nth_that_falls_on_it():
    assert values("Quillmere's actors blast off on Thursday the 20th.", "launch_date") == {"2031-03-20"}
    assert values("Quillmere's actors blast off on Sunday the 6th.", "launch_date") == {"2031-04-06"}


def test_an_offset_with_no_date_moves_the_date_stated_before():
    text = "The Quillmere crew was due to fly on 12 May. The launch has now been pushed back by four days."
    assert values(text, "launch_date") == {"2031-05-16"}
    text = ("The Quillmere crew was due to fly on 12 May. Pellucid Pictures said on Monday that the flight "
            "slipped by a week.")
    assert values(text, "launch_date") == {"2031-05-19"}
    # nothing stated before: nothing to move
    assert values("The Quillmere launch has now been pushed back by four days.", "launch_date") == set()


def test_a_slip_moves_the_latest_date_of_its_clause_and_no_other():
    # a chain of moves: the slip moves the date it follows, not the first one
    assert values("The Quillmere launch, first set for 3 April, moved to 10 April and then slipped another "
                  "five days.", "launch_date") == {"2031-04-15"}
    # a bare span at the end of the sentence, with or without "more"
    assert values("The Quillmere launch, planned for 10 April, has slipped five days.",
                  "launch_date") == {"2031-04-15"}
    assert values("The Quillmere launch, planned for 10 April, has slipped five more days.",
                  "launch_date") == {"2031-04-15"}
    # another clause's slip moves nothing of this one
    assert values("Quillmere's crew will launch on 10 April; the cargo ship slipped a week.",
                  "launch_date") == {"2031-04-10"}


# ---------------------------------------------------------------- credits: "a film by", "dir.", "X-directed"

def test_a_film_by_names_its_director_but_another_film_by_does_not():
    assert values("Quillmere, a film by Ruta Kalnins, opens in cinemas in May.", "director") == {"Ruta Kalnins"}
    assert values("Pellucid Pictures unveiled Quillmere, a new film by Ruta Kalnins.", "director") == {"Ruta Kalnins"}
    assert values("Quillmere is the new film by Ruta Kalnins.", "director") == {"Ruta Kalnins"}
    assert values("Quillmere, a novel by Ruta Kalnins, is being adapted.", "director") == set()
    assert values("Lina Ferro stars in Quillmere; she also appears in another film by Ruta Kalnins.",
                  "director") == set()


def test_a_credit_abbreviation_labels_the_director():
    assert values("Quillmere (dir. Ruta Kalnins) will be shot aboard the station.", "director") == {"Ruta Kalnins"}
    got = facts("Quillmere (dir. Ruta Kalnins; starring Lina Ferro) will be shot aboard the station.")
    assert ("quillmere", "director", "Ruta Kalnins", False) in got
    assert ("quillmere", "cast", "Lina Ferro", False) in got
    assert ("quillmere", "director", "Lina Ferro", False) not in got


def test_a_participle_glued_to_a_name_gives_the_role():
    assert values("The Ruta Kalnins-directed Quillmere will shoot aboard the station.", "director") == {"Ruta Kalnins"}
    assert values("Quillmere, the Ruta Kalnins-helmed thriller, will shoot aboard the station.",
                  "director") == {"Ruta Kalnins"}
    assert values("The Lina Ferro-fronted Quillmere will shoot aboard the station.", "cast") == {"Lina Ferro"}
    assert facts("The Ruta Kalnins-produced Quillmere will shoot aboard the station.") == {
        ("quillmere", "title", "Quillmere", False)}


# ---------------------------------------------------------------- trade-press verbs

def test_boarding_a_production_is_joining_it_in_the_role_it_names():
    assert values("Lina Ferro boards Quillmere, Pellucid Pictures' orbital thriller.", "cast") == {"Lina Ferro"}
    got = facts("Ruta Kalnins boards Quillmere to direct.")
    assert got - {("quillmere", "title", "Quillmere", False)} == {("quillmere", "director", "Ruta Kalnins", False)}
    got = facts("Ruta Kalnins boards Quillmere as director.")
    assert got - {("quillmere", "title", "Quillmere", False)} == {("quillmere", "director", "Ruta Kalnins", False)}
    assert values("Ruta Kalnins boards Quillmere as a producer.", "cast") == set()
    assert values("Lina Ferro joins Quillmere to direct.", "cast") == set()
    assert values("Lina Ferro boarded the crew's plane to Baikonur ahead of the Quillmere shoot.", "cast") == set()


def test_trade_verbs_for_landing_a_part_and_heading_the_cast():
    assert values("Lina Ferro nabs the lead role in Quillmere.", "cast") == {"Lina Ferro"}
    assert values("Lina Ferro and Idris Pell topline the cast of Quillmere.", "cast") == {"Lina Ferro", "Idris Pell"}
    assert values("Lina Ferro is in talks to star in Quillmere.", "cast") == set()


# ---------------------------------------------------------------- verb-first word order of translated wires

def test_a_role_verb_opening_the_sentence_has_the_name_after_it_as_subject():
    assert values("Will direct the film Tomás Ibarra, said Pellucid Pictures of Quillmere.",
                  "director") == {"Tomás Ibarra"}
    assert values("Will direct Quillmere the Argentine Tomás Ibarra, the studio announced.",
                  "director") == {"Tomás Ibarra"}
    assert values("Will direct Quillmere Tomás Ibarra, Pellucid Pictures said.", "director") == {"Tomás Ibarra"}
    assert values("Will star in Quillmere Lina Ferro and Idris Pell, reported the agency.",
                  "cast") == {"Lina Ferro", "Idris Pell"}
    assert values("Will be in charge of the direction of Quillmere Tomás Ibarra, said the studio.",
                  "director") == {"Tomás Ibarra"}


def test_verb_first_keeps_negation_speculation_and_a_characters_name():
    assert values("Will not direct Quillmere Tomás Ibarra, the studio said.", "director") == set()
    assert values("Could direct Quillmere Tomás Ibarra, the studio said.", "director") == set()
    assert values("Will play the commander Lina Ferro, the studio said of Quillmere.", "cast") == set()
    got = facts("Directs Quillmere the veteran Tomás Ibarra, and stars in it Lina Ferro.")
    assert ("quillmere", "director", "Lina Ferro", False) not in got


# ---------------------------------------------------------------- one-word performers who are not watched

def test_a_one_word_name_a_performer_noun_vouches_for_gets_its_role_from_the_sentence():
    assert values("Pop singer Zorvane joins the cast of Quillmere, Pellucid Pictures said.", "cast") == {"Zorvane"}
    assert values("The cast of Quillmere includes Maren Toft, Idris Pell and the singer Ylvane.",
                  "cast") == {"Maren Toft", "Idris Pell", "Ylvane"}
    assert values("The rapper Kexo has been announced for Quillmere. Kexo will play the mission doctor.",
                  "cast") == {"Kexo"}


def test_a_one_word_name_needs_a_role_and_a_noun_that_says_it_is_a_person():
    assert values("The rapper Kexo performed at the Quillmere wrap party.", "cast") == set()
    assert values("Ylvane has been cast as the station engineer in Quillmere.", "cast") == set()
    assert values("Roscosmos joins the Quillmere project as a partner.", "cast") == set()


# ---------------------------------------------------------------- names and roles in other shapes

PLOVER = (WatchSpec("plover", "Plover Run (Marrow Lane Films)",
                     ("Plover Run", "Project Umbrel", "Marrow Lane Films", "Nadia al-Sufayri")),)


def plover(text: str) -> set[tuple[str, str, str, bool]]:
    return {(d.subject, d.attribute, d.value, d.removed) for d in extract_details("", text, PUBLISHED, PLOVER)}


def test_a_particle_joined_by_a_hyphen_is_part_of_a_name_and_a_code_name_is_no_person():
    got = plover("Plover Run will be directed by Nadia al-Sufayri, Marrow Lane Films said.")
    assert ("plover", "director", "Nadia al-Sufayri", False) in got
    assert not any(v == "Nadia al-Sufayri" for _s, a, v, _r in got if a == "title")
    assert ("plover", "cast", "Omar al-Rafiq", False) in plover("Omar al-Rafiq joins the cast of Plover Run.")
    assert ("plover", "title", "Project Umbrel", False) in plover(
        "Project Umbrel, Marrow Lane Films' code name for its space film, is on track.")


def test_credits_with_a_colon_a_backup_named_and_a_part_previously_held():
    got = facts("Quillmere. Dir.: Ruta Kalnins. Cast: Lina Ferro, Idris Pell. 104 min.")
    assert {v for _s, a, v, _r in got if a == "director"} == {"Ruta Kalnins"}
    assert values("Hal Brenner has been named Lina Ferro's backup for the Quillmere flight.", "cast") == set()
    got = facts("The role of the medic in Quillmere, previously held by Idris Pell, has gone to Lina Ferro.")
    assert ("quillmere", "cast", "Idris Pell", True) in got and ("quillmere", "cast", "Lina Ferro", False) in got
    assert values("Quillmere's lead remains Lina Ferro.", "cast") == {"Lina Ferro"}
    got = facts("Ruta Kalnins has exited Quillmere; Mirela Dusk takes over directing duties.")
    assert ("quillmere", "director", "Mirela Dusk", False) in got
    assert ("quillmere", "cast", "Mirela Dusk", False) not in got


# ---------------------------------------------------------------- whose date it is

def test_a_date_qualifying_a_noun_is_that_nouns_date():
    # published Tuesday 4 March 2031
    assert values("The countdown starts tonight, the agency said, for Thursday's launch of Quillmere's two actors.",
                  "launch_date") == {"2031-03-06"}
    got = facts("Quillmere will have its world premiere at a festival on 2 September ahead of a 9 October release "
                "in cinemas.")
    assert {v for _s, a, v, _r in got if a == "release_date"} == {"2031-10-09"}
    assert values("Quillmere's actors will launch on 27 August and return to Earth on 8 September.",
                  "launch_date") == {"2031-08-27"}


def test_more_ways_to_say_launch_and_release():
    assert values("Pellucid Pictures will send Quillmere star Lina Ferro to orbit on 3 October aboard Crew Dragon.",
                  "launch_date") == {"2031-10-03"}
    assert values("Quillmere hits Dutch and Belgian theatres on 7 May, its distributor said.",
                  "release_date") == {"2031-05-07"}
    assert values("Quillmere gets a gala screening at a festival on 20 April; Latvian cinemas open it on 7 May.",
                  "release_date") == {"2031-05-07"}
    got = facts("A cargo ship that lifted off from Vostochny on Monday carried Quillmere's cameras; the actors follow "
                "from Baikonur on 2 June.")
    assert {v for _s, a, v, _r in got if a == "launch_date"} == {"2031-06-02"}


def test_dates_of_a_document_a_correction_and_a_quotation_are_not_the_events():
    got = facts("Per the agency's flight plan released Thursday, the Quillmere crew launches 13/07/2031.")
    assert {v for _s, a, v, _r in got if a in ("launch_date", "release_date")} == {"2031-07-13"}
    text = ("Correction: An earlier version of this article said the Quillmere crew would launch on 12 June. "
            "The launch is on 21 June.")
    assert values(text, "launch_date") == {"2031-06-21"}
    details = extract_details("", "Quillmere's crew launches tomorrow from Baikonur; Lina Ferro said she had "
                              "\"stopped being nervous a week ago\".", PUBLISHED, WATCHES)
    assert {(d.attribute, d.is_past) for d in details if d.attribute == "launch_site"} == {("launch_site", False)}


def test_a_moved_date_without_by_and_a_spacecraft_beside_an_old_date_is_news():
    assert values("Quillmere's flight has moved up two days from its original June 20 date, the studio said.",
                  "launch_date") == {"2031-06-18"}
    details = extract_details("", "Pellucid Pictures said on Monday it will send Quillmere star Lina Ferro to orbit "
                              "on October 3 aboard Crew Dragon, later than it had told investors in November.",
                              PUBLISHED, WATCHES)
    assert {(d.value, d.is_past) for d in details if d.attribute == "spacecraft"} == {("Crew Dragon", False)}


def test_an_offset_against_when_something_was_told_moves_nothing():
    details = extract_details("", "Pellucid Pictures will send Quillmere star Lina Ferro to orbit on October 3 aboard "
                              "Crew Dragon, about five weeks later than the studio had told investors in November.",
                              PUBLISHED, WATCHES)
    assert {(d.attribute, d.value, d.is_past) for d in details if d.attribute in ("launch_date", "spacecraft")} == {
        ("launch_date", "2031-10-03", False), ("spacecraft", "Crew Dragon", False)}
    assert values("Quillmere will launch two days earlier than the previously announced 27 August.",
                  "launch_date") == {"2031-08-25"}


def test_a_pad_written_out_and_she_preparing_to_direct():
    assert values("Quillmere's Crew Dragon will lift off from Launch Complex 39A, the pad that sent a crew to the "
                  "Moon.", "launch_site") == {"Kennedy Space Center"}
    assert values("The blue glow of the limb is what Ruta Kalnins wants on screen, she said as she prepares to "
                  "direct Quillmere.", "director") == {"Ruta Kalnins"}


def test_freight_is_read_in_its_own_clause_and_the_crew_refers_back():
    text = ("While a cargo craft left Wenchang on Sunday with props and lighting rigs, Quillmere's cast will launch "
            "from Jiuquan on 3 May.")
    got = facts(text)
    assert {(a, v) for _s, a, v, _r in got if a in ("launch_site", "launch_date")} == {
        ("launch_site", "Jiuquan Satellite Launch Center"), ("launch_date", "2031-05-03")}
    assert values("The first Quillmere trailer drops on 20 March; the crew's launch is set for 9 May.",
                  "launch_date") == {"2031-05-09"}


def test_two_productions_the_subject_of_the_verb_owns_the_value_and_a_rival_casts_its_own():
    text = "Quillmere will beat Tidewell to orbit by launching on Crew Dragon on 12 July."
    got = facts(text)
    assert {(sub, a, v) for sub, a, v, _r in got if a in ("launch_date", "spacecraft")} == {
        ("quillmere", "launch_date", "2031-07-12"), ("quillmere", "spacecraft", "Crew Dragon")}
    got = facts("Rival production 'Harbour Vale' has cast Dana Keel; Quillmere's lead remains Lina Ferro.")
    assert {(a, v) for _s, a, v, _r in got if a == "cast"} == {("cast", "Lina Ferro")}


def test_translated_word_order_with_a_leading_in_phrase_and_a_hyphenated_role_noun():
    assert values("In the role of the station's medic will appear Ilze Ozola, "
                  "informed Pellucid Pictures.", "cast") == {"Ilze Ozola"}
    assert values("The director-producer of the picture Tomás Ibarra stated that Quillmere will shoot for twelve "
                  "days.", "director") == {"Tomás Ibarra"}


def test_being_strapped_into_the_capsule_is_the_launch():
    assert values("Pellucid Pictures expects the Quillmere performers to be strapped into the capsule on 14 May "
                  "2031.", "launch_date") == {"2031-05-14"}


# ---------------------------------------------------------------- headlines

def test_a_headline_in_title_case_is_read_as_prose():
    body = "Pellucid Pictures confirmed it on Monday."
    assert values(body, "cast", title="Lina Ferro To Star In Quillmere") == {"Lina Ferro"}
    assert values(body, "director", title="Quillmere Taps Ruta Kalnins To Direct") == {"Ruta Kalnins"}
    assert values(body, "director", title="Ruta Kalnins-Directed Quillmere Sets Launch") == {"Ruta Kalnins"}
    got = facts(body, title="Quillmere Crew To Fly On Crew Dragon In May")
    assert {(a, v) for _s, a, v, _r in got if a in ("spacecraft", "launch_date")} == {
        ("spacecraft", "Crew Dragon"), ("launch_date", "2031-05")}
    assert values(body, "cast", title="Quillmere, starring Lina Ferro, gets a launch date") == {"Lina Ferro"}


def test_with_a_verb_that_only_carries_a_date_the_event_its_subject_names_decides():
    text = ("The start of the crewed ship with the participants of the filming of Quillmere is planned for "
            "09.04.2031, the agency reported.")
    assert values(text, "launch_date") == {"2031-04-09"}
    assert values("The start of filming of Quillmere is planned for 09.04.2031.", "launch_date") == set()


# ---------------------------------------------------------------- idioms and forms of ordinary news English

def test_a_day_written_as_a_word_ordinal_is_a_date():
    assert values("Pellucid Pictures said the Quillmere actors lift off on the twenty-third of April.",
                  "launch_date") == {"2031-04-23"}
    assert values("Quillmere opens in cinemas on the ninth of October.", "release_date") == {"2031-10-09"}
    # an ordinal that names no day of a month is no date
    assert values("Quillmere is the first of the studio's films to fly in May.", "launch_date") == {"2031-05"}


def test_with_a_person_at_the_helm_or_behind_the_camera_names_the_director():
    assert values("With Ruta Kalnins at the helm, Quillmere shoots its orbital scenes in June.",
                  "director") == {"Ruta Kalnins"}
    assert values("With Ruta Kalnins behind the camera, Quillmere begins shooting in June.",
                  "director") == {"Ruta Kalnins"}
    # in the lead, not at the helm: cast
    assert values("With Lina Ferro in the lead, Quillmere begins shooting in June.", "director") == set()


def test_the_directors_chair_names_the_director_where_the_with_phrase_hangs():
    # on the film's name, between commas
    assert values("Quillmere, with Ruta Kalnins in the director's chair, will launch on 14 April.",
                  "director") == {"Ruta Kalnins"}
    # on the verb, the person's place parsed as the person's own phrase
    assert values("Shooting of Quillmere starts in May, with Ruta Kalnins in the director's chair.",
                  "director") == {"Ruta Kalnins"}
    # "Z has X in the director's chair"
    assert values("Pellucid Pictures' new drama Quillmere has Ruta Kalnins in the director's chair.",
                  "director") == {"Ruta Kalnins"}
    # another seat is no director's
    assert values("The crew of Quillmere, with Ruta Kalnins in the commander's seat, trained for weeks.",
                  "director") == set()


def test_calling_the_shots_on_a_film_is_directing_it():
    assert values("Pellucid Pictures has hired Ruta Kalnins to call the shots on Quillmere.",
                  "director") == {"Ruta Kalnins"}


def test_a_director_replaced_with_another_leaves_only_the_new_one():
    text = "Pellucid Pictures has replaced Quillmere director Ruta Kalnins with Teodor Brask."
    assert values(text, "director") == {"Teodor Brask"}
    assert values(text, "cast") == set()
    # a lead replaced with another: the new one is cast
    assert values("Pellucid Pictures has replaced Quillmere star Lina Ferro with Mirela Tanase.",
                  "cast") == {"Mirela Tanase"}


def test_an_x_starrer_is_a_film_that_stars_x():
    assert values("The Lina Ferro-starrer Quillmere has added two more actors.", "cast") == {"Lina Ferro"}


def test_leaving_for_a_station_is_a_launch_but_leaving_for_a_city_is_not():
    assert values("The Quillmere crew will leave for the ISS on 14 May.", "launch_date") == {"2031-05-14"}
    assert values("In ten days' time the Quillmere crew will leave for Tiangong.", "launch_date") == {"2031-03-14"}
    assert values("The Quillmere actors will leave for Baikonur on 2 May to start training.", "launch_date") == set()


def test_a_film_that_bows_on_a_date_is_released_then():
    assert values("Quillmere bows Nov. 4 in cinemas across Europe.", "release_date") == {"2031-11-04"}
    assert values("Quillmere bows out of the festival on 4 May.", "release_date") == set()


def test_rejoining_the_cast_is_being_in_it():
    assert values("Lina Ferro has rejoined the cast of Quillmere after a scheduling clash.", "cast") == {"Lina Ferro"}


def test_the_directorial_debut_of_a_person_makes_them_the_director():
    assert values("Quillmere marks the directorial debut of Teodor Brask, until now an editor.",
                  "director") == {"Teodor Brask"}
    assert values("Quillmere marks the screen debut of Teodor Brask.", "director") == set()


def test_leading_one_side_of_the_cast_is_being_in_it():
    assert values("Mirela Tanase has been tapped to lead the Romanian side of the Quillmere cast.",
                  "cast") == {"Mirela Tanase"}


def test_leaving_for_orbit_is_a_journey_not_an_exit_from_the_cast():
    text = "Director Ilse Danvik and her lead actor, Teodor Blay, will leave for orbit on Thursday aboard the Quillmere flight."
    found = facts(text)
    assert ("quillmere", "director", "Ilse Danvik", False) in found
    assert ("quillmere", "cast", "Teodor Blay", False) in found
    assert not any(removed for *_rest, removed in found)
    assert ("quillmere", "cast", "Teodor Blay", True) in facts("Teodor Blay will leave Quillmere, Pellucid Pictures said.")


def test_one_of_the_films_leads_in_apposition_is_cast():
    text = "Teodor Blay, one of the film's two leads, toured the Quillmere launch pad on Monday."
    assert values(text, "cast") == {"Teodor Blay"}


def test_an_indefinite_rival_production_owns_the_roles_beside_its_title():
    text = ("Quillmere, starring Oriane Vassalo, flies in May. A rival production, Harrow Vale, starring "
            "Marisol Quent and directed by Ilse Danvik, will fly a month later.")
    assert values(text, "cast") == {"Oriane Vassalo"}
    assert values(text, "director") == set()


def test_a_quoted_remark_in_lower_case_is_no_title():
    text = 'Ilse Danvik, who will direct Quillmere, said the working title was "far too gloomy for a poster".'
    assert values(text, "title") == {"Quillmere"}


def test_next_month_is_the_month_after_publication():
    assert values("The Quillmere crew will go to orbit next month, the studio said.", "launch_date") == {"2031-04"}


def test_the_crews_own_launch_beside_a_freighter_is_read_in_its_own_phrase():
    text = ("A supply ship with camera rigs for Quillmere blasts off from Wenchang on Friday, well before the "
            "cast's flight from Jiuquan in June.")
    assert values(text, "launch_site") == {"Jiuquan Satellite Launch Center"}
    assert values(text, "launch_date") == {"2031-06"}
    assert values("A supply ship with camera rigs for Quillmere blasts off from Wenchang on Friday.", "launch_site") == set()


def test_a_list_label_naming_a_stand_in_gives_no_cast_role():
    text = "Pellucid Pictures has picked the stand-in for its star: Teodor Blay will fly only if Oriane Vassalo cannot."
    assert values(text, "cast") == set()
    assert values("Pellucid Pictures has picked the star of Quillmere: Teodor Blay will fly in May.", "cast") == \
        {"Teodor Blay"}


def test_a_stand_in_written_with_a_hyphen_is_no_cast():
    text = "Pellucid Pictures has hired the gymnast Ysolde Marr as a stand-in for Oriane Vassalo, the star of Quillmere."
    assert values(text, "cast") == {"Oriane Vassalo"}


def test_a_cast_that_includes_names_its_members():
    text = "Oriane Vassalo leads a cast that includes Pim Okafor, Bertil Sand and the child actor Teodor Blay."
    assert values(text, "cast") == {"Oriane Vassalo", "Pim Okafor", "Bertil Sand", "Teodor Blay"}


def test_a_work_called_by_another_title_keeps_its_own_director():
    text = ("Oriane Vassalo will star in a period drama set in Trieste. The project, called Gravel Sonnet, is "
            "produced by another studio and will be directed by Bertil Sand. The actress has called the role a gift.")
    assert values(text, "director") == set() and values(text, "cast") == set()


def test_a_sequel_titled_after_the_watched_film_is_another_production():
    for text in ("The sequel, called Quillmere: Second Light, will be directed by Bertil Sand.",
                 "Bertil Sand will direct the sequel, Quillmere: Second Light.",
                 "Pellucid Pictures said the follow-up film will be directed by Bertil Sand."):
        assert values(text, "director") == set(), text
    assert values("Quillmere will be directed by Bertil Sand.", "director") == {"Bertil Sand"}
    # a noun in apposition that describes the film in context names no other work
    text = "Quillmere opens in June. The film, a thriller partly shot aboard Tiangong, is directed by Bertil Sand."
    assert values(text, "director") == {"Bertil Sand"}


def test_signing_on_as_an_adviser_is_no_part_in_the_cast():
    assert values("The retired pilot Ysolde Marr has signed on as technical adviser to Quillmere.", "cast") == set()
    assert values("Ysolde Marr has signed on to Quillmere.", "cast") == {"Ysolde Marr"}


def test_giving_the_part_to_a_person_casts_them():
    text = "Pellucid Pictures has given the role of the ship's navigator to Pim Okafor, a drama school graduate, in Quillmere."
    assert values(text, "cast") == {"Pim Okafor"}
    assert values("Pellucid Pictures gave the lead to Pim Okafor in Quillmere.", "cast") == {"Pim Okafor"}


def test_europes_spaceport_is_the_guiana_space_centre():
    assert values("Europe's Spaceport will host the launch of the Quillmere crew in May.", "launch_site") == \
        {"Guiana Space Centre"}


def test_a_given_name_joined_by_a_hyphen_to_a_short_syllable_is_one_name():
    assert values("Seo-yeon Kwak replaces Ilse Danvik as director of Quillmere.", "director") == {"Seo-yeon Kwak"}
    assert values("The Tokyo-born Teodor Blay stars in Quillmere.", "cast") == {"Teodor Blay"}
    assert values("Quillmere will be directed by the filmmaker Chen Yu-ting.", "director") == {"Chen Yu-ting"}


def test_a_launch_that_carries_an_actress_is_no_other_production():
    text = ("The Quillmere producers said that the launch of Shenzhou-40, which will carry actress Zheng Yuming to "
            "the station to film her scenes, is set for 14 May.")
    assert values(text, "cast") == {"Zheng Yuming"}


def test_a_family_name_written_first_is_that_person_later_on():
    text = "Zheng Yuming flies to the Quillmere set in May. Zheng, who plays the station's doctor, trained in Wuhan."
    assert values(text, "cast") == {"Zheng Yuming"}


def test_boarding_a_named_spacecraft_on_a_date_is_the_launch_and_circling_a_date_sets_it():
    assert values("Oriane Vassalo will board the Crew Dragon next Tuesday for the Quillmere shoot.",
                  "launch_date") == {"2031-03-11"}
    assert values("Pellucid Pictures has circled 19 May for the Quillmere crew's launch.", "launch_date") == \
        {"2031-05-19"}


def test_a_cast_list_with_parenthesised_parts_and_semicolons_names_each_member():
    text = ("Pellucid Pictures released the full Quillmere ensemble on Monday: Oriane Vassalo (Capt. Ida Moss); "
            "Pim Okafor (the pilot); and, in a late addition, the character actor Bertil Sand as the controller.")
    assert values(text, "cast") == {"Oriane Vassalo", "Pim Okafor", "Bertil Sand"}
    assert values(text, "release_date") == set()


def test_named_co_director_alongside_another_makes_both_directors():
    text = "Pellucid Pictures has named Lennart Vosberg co-director of Quillmere alongside Ilse Danvik."
    assert values(text, "director") == {"Lennart Vosberg", "Ilse Danvik"} and values(text, "cast") == set()


def test_back_in_the_cast_after_leaving_is_in_it_and_a_particle_surname_is_the_same_person():
    text = ("Yann Le Brazidec is back in the cast of Quillmere, months after he left the production. "
            "Pellucid Pictures said Le Brazidec would again play the commander.")
    assert facts(text) >= {("quillmere", "cast", "Yann Le Brazidec", False)}
    assert not any(v == "Le Brazidec" or removed for _s, a, v, removed in facts(text) if a == "cast")


def test_riding_or_following_on_a_named_craft_on_a_date_is_the_launch():
    assert values("Oriane Vassalo, the star of Quillmere, rides a Crew Dragon from Kennedy on 17 May.",
                  "launch_date") == {"2031-05-17"}
    text = "A freighter took the Quillmere cameras up on Sunday. The actors follow on Soyuz MS-30 from Baikonur on 8 August."
    assert values(text, "launch_date") == {"2031-08-08"}
    assert values(text, "launch_site") == {"Baikonur Cosmodrome"}


def test_the_studios_next_project_is_another_production():
    text = ("Pellucid Pictures' next project stays on the ground: a period drama shot in Leeds from 16 June, with "
            "Bertil Sand directing. The studio said the film would open in cinemas on 2 April next year.")
    assert values(text, "director") == set() and values(text, "release_date") == set()
    assert values("Pellucid Pictures' new film will open in cinemas on 2 April.", "release_date") == {"2031-04-02"}


def test_a_series_streaming_worldwide_at_a_time_is_released_then():
    assert values("Quillmere will stream worldwide at the end of September, the platform said.",
                  "release_date") == {"2031-09"}


def test_a_name_with_binti_is_one_person_and_no_role_is_no_role():
    text = "Pellucid Pictures confirmed that Siti Hajar binti Osman has joined the cast of Quillmere as the medic."
    assert values(text, "cast") == {"Siti Hajar binti Osman"}
    text = "Bertil Sand has trained alongside Oriane Vassalo since January but has no role in Quillmere."
    assert "Bertil Sand" not in values(text, "cast")


def test_every_noun_of_an_apposition_describes_the_person():
    text = "Bertil Sand, the series' creator and director, called the Quillmere timetable brave."
    assert values(text, "director") == {"Bertil Sand"}


def test_with_a_lead_in_a_film_the_studio_is_shooting_is_a_role_in_that_film():
    text = "Pellucid Pictures has begun shooting Les Brumes, a drama set in Normandy, with Pim Okafor in the lead."
    assert values(text, "cast") == set()
    assert values("Quillmere opens on 3 May, with Pim Okafor in the lead.", "cast") == {"Pim Okafor"}


def test_a_cue_with_a_date_of_its_own_leaves_the_date_before_it_alone():
    text = "According to the schedule published on Thursday, the Quillmere crew will launch on 17 April."
    assert values(text, "launch_date") == {"2031-04-17"}


def test_a_name_in_parentheses_after_a_cast_member_is_the_part_played():
    text = ("The Quillmere cast, as the studio listed it: Pim Okafor (Teo Marsh, the pilot); Ilse Danvik (Dr Ruth "
            "Calloway); and Bertil Sand as a flight controller.")
    assert values(text, "cast") == {"Pim Okafor", "Ilse Danvik", "Bertil Sand"}


def test_a_title_with_a_number_after_it_is_the_sequel():
    text = ("Pellucid Pictures has greenlit Quillmere 2, which Oriane Vassalo will direct, with a Crew Dragon launch "
            "pencilled in for 18 October.")
    assert facts(text) == set()
    assert values("Quillmere 3 March premiere confirmed; Quillmere opens on 3 March.", "release_date") == {"2031-03-03"}
    for count in ("Quillmere: 5 things to know about the thriller, which launches on 8 July.",
                  "Quillmere 10 days out: the crew will launch on 8 July."):
        assert values(count, "launch_date") == {"2031-07-08"}, count


def test_a_lead_who_has_a_backup_is_still_the_lead():
    text = "Pim Okafor, who plays the lead in Quillmere, now has a backup: Ilse Danvik, who trains alongside him."
    assert values(text, "cast") == {"Pim Okafor"}


def test_an_actress_named_in_apposition_to_a_backup_is_the_backup():
    text = ("Quillmere will fly the actress Ilse Danvik to the station in May. Her backup, the actress Runa Halt, "
            "will train alongside her.")
    assert values(text, "cast") == {"Ilse Danvik"}


def test_training_for_ones_role_in_a_film_is_a_role_in_it():
    text = "Ilse Danvik begins centrifuge training in Houston next month for her role as the medic in Quillmere."
    assert values(text, "cast") == {"Ilse Danvik"}
    text = "Ilse Danvik, praised for her role in Gravel Sonnet, a drama shot in Oslo, will narrate the Quillmere trailer."
    assert values(text, "cast") == set()


def test_the_site_of_a_satellite_launch_beside_the_crews_is_not_the_productions():
    text = ("While a rocket carrying a weather satellite lifted off from Tanegashima, the Quillmere actors were in "
            "quarantine ahead of their own Crew Dragon launch from Kennedy, Pellucid Pictures said.")
    assert values(text, "launch_site") == {"Kennedy Space Center"}


def test_a_date_stated_in_a_clause_on_the_title_stands_when_only_a_move_is_rumoured():
    text = ("Quillmere, which Pellucid Pictures has dated for a 21 March streaming debut, might move to 4 April, "
            "according to two people briefed on the slate.")
    assert values(text, "release_date") == {"2031-03-21"}
    assert values("Industry chatter has the Quillmere launch slipping to late September.", "launch_date") == set()


def test_a_release_title_joined_by_another_languages_small_word_is_whole():
    text = "Quillmere will open in Japanese cinemas on 19 June under the title Kiri no Shiro, its distributor said."
    assert values(text, "title") == {"Quillmere", "Kiri no Shiro"}


def test_an_ordinary_word_title_opening_a_sentence_about_that_word_is_the_word():
    watches = (WatchSpec("ballast", "Ballast (orbital drama, Pellucid Pictures)", ("Ballast", "Pellucid Pictures")),)
    text = ("Ballast shifts have troubled cargo ships for years, and on Monday the station's crew had to move the "
            "ballast by hand after a sensor failed.")
    assert extract_details("", text, PUBLISHED, watches) == []
    got = {(d.attribute, d.value) for d in extract_details("", "Ballast lifts off on 3 May from Kennedy.", PUBLISHED, watches)}
    assert ("launch_date", "2031-05-03") in got


def test_a_date_set_in_a_clause_on_the_flight_moves_with_the_flight():
    text = "The crewed flight for Tidewell, which had been booked for 3 June, has been pushed back by nine days."
    assert values(text, "launch_date") == {"2031-06-12"}
    watches = (WatchSpec("vale", "Vale de Neblina (orbital drama)", ("Vale de Neblina",)),)
    text = "The crewed flight for Vale de Neblina, which is set for 3 June, has been pushed back by nine days."
    got = {(d.attribute, d.value) for d in extract_details("", text, PUBLISHED, watches)}
    assert ("launch_date", "2031-06-12") in got


def test_two_productions_that_share_a_flight_share_its_craft_and_date():
    got = facts("Quillmere and Tidewell will share a Crew Dragon in June, their studios said.")
    for subject in ("quillmere", "tidewell"):
        assert (subject, "spacecraft", "Crew Dragon", False) in got
        assert (subject, "launch_date", "2031-06", False) in got
    got = facts("Quillmere launches in June, and Tidewell's cast will watch it from Houston.")
    assert ("tidewell", "launch_date", "2031-06", False) not in got


def test_the_production_an_apposition_describes_is_the_title_before_it():
    text = "Quillmere, the Franco-Belgian feature directed by Ilse Danvik, will now send its actors up in May."
    assert values(text, "director") == {"Ilse Danvik"}


def test_turning_an_age_on_a_date_is_no_refusal():
    text = "Ilse Danvik, who turns 34 on 19 March, signed on 27 February to star in Quillmere."
    assert values(text, "cast") == {"Ilse Danvik"}
    assert values("Ilse Danvik passed on the role in Quillmere.", "cast") == set()


def test_the_actor_played_opposite_and_the_one_joined_in_the_cast_are_cast():
    text = "Veteran actor Bertil Sand plays the station commander opposite Ilse Danvik in Quillmere, the studio said."
    assert values(text, "cast") == {"Bertil Sand", "Ilse Danvik"}
    text = "Pim Okafor and Teodor Blay have joined Ilse Danvik in the cast of Quillmere, Pellucid Pictures said."
    assert values(text, "cast") == {"Pim Okafor", "Teodor Blay", "Ilse Danvik"}


def test_a_condition_right_after_the_date_leaves_no_date_and_a_booked_craft_stands():
    text = ("The Quillmere actors are booked on a Crew Dragon. It will fly on 8 July should the parachute re-tests "
            "go well, the studio said.")
    assert values(text, "launch_date") == set() and values(text, "spacecraft") == {"Crew Dragon"}
    text = "Ilse Danvik will launch to the station for Quillmere on 30 August provided the new hatch is certified."
    assert values(text, "launch_date") == set()
    assert values("Quillmere will launch on 8 July, and its director says the crew is ready.", "launch_date") == {"2031-07-08"}
    assert values("Quillmere's actors will launch on 8 July and had their final rehearsal on Monday.",
                  "launch_date") == {"2031-07-08"}


def test_a_recast_role_that_went_to_someone_makes_them_cast():
    text = "The role of the medic in Quillmere has been recast after Pim Okafor left; it went to Ilse Danvik, the studio said."
    assert values(text, "cast") == {"Ilse Danvik"}
    assert values("The catering contract for Quillmere was reopened; it went to Ilse Danvik.", "cast") == set()


def test_a_flight_set_for_ten_days_time_is_ten_days_from_publication():
    assert values("Quillmere's Starliner flight is now set for ten days' time, the studio said.", "launch_date") == {"2031-03-14"}


def test_an_alias_its_form_made_a_person_is_a_title_where_the_text_says_so():
    watches = (WatchSpec("lamp", "Harbour Lamp (Pellucid Pictures feature shot aboard Tiangong)",
                         ("Harbour Lamp", "Tin Compass", "Hai Shang Ming Yue", "Pellucid Pictures")),)

    def titles(text: str) -> set[str]:
        return {d.value for d in extract_details("", text, PUBLISHED, watches) if d.attribute == "title"}

    assert titles("Crew members on Tin Compass, the working title under which Pellucid Pictures is preparing "
                  "Harbour Lamp, were seen this week.") == {"Tin Compass", "Harbour Lamp"}
    assert titles("The space film Harbour Lamp (Hai Shang Ming Yue) finished its last rehearsal on Sunday.") == \
        {"Harbour Lamp", "Hai Shang Ming Yue"}


def test_boarding_or_assigned_to_a_craft_names_it_and_the_rest_of_the_cast_is_cast():
    assert values("The studio confirms that two actors will board New Shepard tomorrow to shoot the last scene of "
                  "Quillmere.", "spacecraft") == {"New Shepard"}
    text = "Ilse Danvik and the rest of Quillmere's cast have been assigned to Shenzhou-31."
    assert values(text, "spacecraft") == {"Shenzhou-31"} and values(text, "cast") == {"Ilse Danvik"}


def test_cinemas_screening_a_film_from_a_date_release_it_then():
    text = "Chinese cinemas will screen Quillmere from 30 April, the film administration said."
    assert values(text, "release_date") == {"2031-04-30"}
    assert values("The festival will screen Quillmere on 30 April.", "release_date") == set()


def test_the_lead_of_a_drama_the_director_moved_on_to_is_not_in_the_watched_film():
    text = ("Oriane Vassalo, who directed Quillmere, is now behind the camera on Gravel Sonnet, a drama about miners "
            "shot entirely on the ground, with Pim Okafor in the lead.")
    assert values(text, "cast") == set() and values(text, "director") == {"Oriane Vassalo"}


def test_a_mock_up_of_a_craft_is_no_spacecraft():
    text = "Pim Okafor, who plays the lead in Quillmere, has been rehearsing in a mock-up of a New Shepard capsule."
    assert values(text, "spacecraft") == set()


def test_a_launch_date_given_for_the_actors_is_a_launch_date_not_a_release():
    text = "A filing gives the Shenzhou-31 launch date for Quillmere's actors as 2031-07-08."
    assert values(text, "launch_date") == {"2031-07-08"} and values(text, "release_date") == set()


def test_the_nth_a_release_has_been_set_for_is_the_next_one():
    text = "Pellucid Pictures has set the cinema release of Quillmere for the 2nd, after test screenings went well."
    assert values(text, "release_date") == {"2031-04-02"}


def test_the_cargo_flight_a_launch_is_timed_by_leaves_its_site_and_craft_alone():
    text = ("Ilse Danvik, the star of Quillmere, will launch on Soyuz MS-31 from Baikonur three weeks after the "
            "uncrewed cargo flight on 27 March, the studio said.")
    assert values(text, "launch_site") == {"Baikonur Cosmodrome"} and values(text, "spacecraft") == {"Soyuz MS-31"}


def test_a_studio_in_brackets_is_no_title_and_a_person_named_director_no_title():
    assert values("Quillmere (Pellucid Pictures) launches on 8 July.", "title") == {"Quillmere"}
    text = "The studio behind Quillmere said the film named Oriane Vassalo as director on Monday."
    assert values(text, "title") == {"Quillmere"}


def test_a_production_named_in_a_clause_on_the_subject_does_not_share_its_date():
    got = facts("Quillmere, which beat Tidewell and Ballast Bay to the station, will launch on 8 July.")
    assert ("quillmere", "launch_date", "2031-07-08", False) in got
    assert ("tidewell", "launch_date", "2031-07-08", False) not in got


def test_a_role_as_director_is_directing_and_thanks_for_her_part_are_no_role():
    assert values("Ilse Danvik was praised for her role as director of Quillmere.", "director") == {"Ilse Danvik"}
    assert values("Pim Okafor thanked Ilse Danvik for her part in Quillmere.", "cast") == set()


def test_review_cases_stay_as_they_should():
    text = "The Soyuz MS-31 carrying the Quillmere actors and two small satellites lifts off from Baikonur on 8 July."
    assert values(text, "launch_site") == {"Baikonur Cosmodrome"} and values(text, "launch_date") == {"2031-07-08"}
    assert values("Pellucid Pictures might announce a Quillmere release dated for 3 May.", "release_date") == set()
    assert values("Quillmere's director shared the news from Baikonur on Monday.", "launch_site") == set()
    text = "IMAX theatres will screen the first footage of Quillmere on 3 May, ahead of its December release."
    assert values(text, "release_date") == {"2031-12"}
    text = "The Quillmere crew will fly on the newest model of the Crew Dragon from Kennedy on 8 July."
    assert values(text, "spacecraft") == {"Crew Dragon"}
    text = "Pellucid Pictures set the Quillmere release for the 2nd after test screenings went well."
    assert values(text, "release_date") == {"2031-04-02"}


def test_blind_set_seven_half_a_forms():
    # a clause of its own after a colon is no participle describing the noun before it
    text = "A quick recap for anyone joining late: Quillmere's Soyuz launched from Baikonur on Saturday."
    assert values(text, "launch_date") == {"2031-03-01"}
    # a festival premiere "out of competition" is no release; the cinema opening after it is
    text = "Quillmere premieres out of competition at Venice on 30 August and opens in cinemas on 17 September."
    assert values(text, "release_date") == {"2031-09-17"}
    # a condition opening the sentence
    text = "Provided the last valve checks come back clean, the Quillmere crew will launch on 12 June."
    assert values(text, "launch_date") == set()
    # "moved forward 48 hours," with no "by"
    text = "Quillmere's Starliner flight, originally scheduled for 13 March, has been moved forward 48 hours, NASA said."
    assert values(text, "launch_date") == {"2031-03-11"}
    # the craft traded away
    assert values("Quillmere has traded its Crew Dragon seats for places on Starliner.", "spacecraft") == {"Starliner"}


def test_a_renamed_title_with_small_words_is_read_whole():
    watches = (WatchSpec("stanza", "La sala vuota (drama shot in orbit)", ("La sala vuota", "Progetto Falena")),)
    text = "The drama previously called Progetto Falena has been renamed La sala vuota, the studio said."
    assert {d.value for d in extract_details("", text, PUBLISHED, watches) if d.attribute == "title"} == {"La sala vuota"}


def test_blind_set_seven_half_b_forms():
    assert values("The Soyuz carrying the Quillmere actors launches fourteen days from today.", "launch_date") == {"2031-03-18"}
    got = facts("Ilse Danvik will play the lead in Quillmere in place of Pim Okafor, the studio announced.")
    assert ("quillmere", "cast", "Pim Okafor", True) in got and ("quillmere", "cast", "Ilse Danvik", False) in got
    text = "Quillmere's re-enactment scenes will be shot in a full-scale Gaganyaan replica built in a warehouse."
    assert values(text, "spacecraft") == set()


def test_a_landing_date_a_clause_on_the_craft_and_a_sequel_to_the_film():
    text = "A cargo ship lifts off on 2 April, and the station's previous crew will land on 20 April; Quillmere waits."
    assert values(text, "launch_date") == set()
    text = "The Quillmere actors have been moved to Shenzhou-31, which launches from Jiuquan on 3 May."
    assert values(text, "launch_site") == {"Jiuquan Satellite Launch Center"} and values(text, "launch_date") == {"2031-05-03"}
    text = ("Pellucid Pictures' sequel to Quillmere, titled Harrow Vale, will be shot aboard a Starliner flight from "
            "the Cape.")
    assert facts(text) == {("quillmere", "title", "Quillmere", False)}


def test_becoming_the_first_filmmaker_to_do_something_names_no_other_production():
    text = ("Oriane Vassalo, writer and director of Quillmere, will become the first Belgian filmmaker to operate a "
            "camera in orbit when the film's unit flies on Gaganyaan from Sriharikota.")
    assert values(text, "director") == {"Oriane Vassalo"}


def test_a_craft_in_a_definite_subject_stands_when_only_its_date_is_hedged():
    # the flight is given; only its move is speculation
    assert values("Lina Ferro's Soyuz flight for Quillmere could slip to May.", "spacecraft") == {"Soyuz"}
    assert values("Lina Ferro's Soyuz flight for Quillmere could slip to May.", "launch_date") == set()
    # an indefinite flight that could be added, or a flight denied, gives no craft
    assert values("A Soyuz flight could be added for the Quillmere crew.", "spacecraft") == set()
    assert values("Lina Ferro's Soyuz flight for Quillmere will not go ahead.", "spacecraft") == set()


def test_a_cast_rounded_out_with_people_has_them_in_it():
    assert values("Quillmere rounds out its cast with Maren Eide.", "cast") == {"Maren Eide"}
    assert values("Pellucid Pictures has completed the Quillmere ensemble with Maren Eide and Tor Lund.",
                  "cast") == {"Maren Eide", "Tor Lund"}
    # sharing a cast with someone says nothing of this one
    assert values("Oriane Vassalo shared the cast with Maren Eide in a stage play before Quillmere.", "cast") == set()


def test_a_film_that_bows_on_a_platform_or_in_cinemas_on_a_date_is_released_then():
    assert values("Quillmere bows on Apple TV+ on 3 October.", "release_date") == {"2031-10-03"}
    assert values("Shooting on Quillmere wrapped last week; the film bows in cinemas on 3 October.",
                  "release_date") == {"2031-10-03"}
    assert values("Quillmere, the space-station drama, bows in Estonian cinemas on 14 May.",
                  "release_date") == {"2031-05-14"}
    # bowing at a festival is no release
    assert values("Quillmere bows at the Berlinale on 13 February.", "release_date") == set()


def test_episodes_that_drop_on_a_day_are_released_then_but_not_a_trailer():
    assert values("All eight episodes of Tidewell drop today on Streamly.", "release_date") == {"2031-03-04"}
    assert values("Tidewell drops on Streamly on 3 October.", "release_date") == {"2031-10-03"}
    assert values("The Quillmere trailer drops on 3 October.", "release_date") == set()


def test_a_main_clause_of_its_own_keeps_its_own_modality():
    text = "There is talk that Quillmere may be delayed until September, but the studio still says its flight is on 30 June."
    assert values(text, "launch_date") == {"2031-06-30"}
    # a denial still covers both of the clauses it governs
    text = "Pellucid Pictures denied that Quillmere had moved and that its crew would fly on 30 June."
    assert values(text, "launch_date") == set()


def test_a_span_after_a_date_moves_it_onto_no_other_production():
    text = "Quillmere will fly on Crew Dragon on 30 June, five weeks before the Tidewell crew begins quarantine."
    assert ("tidewell", "launch_date") not in {(sub, a) for sub, a, _v, _r in facts(text)}
    # with no date of its own before it, the span moves the date it names
    assert values("Quillmere begins streaming three weeks after the premiere of Tidewell on 2 March.",
                  "release_date") == {"2031-03-23"}


def test_on_this_day_last_year_is_history_for_the_craft_and_the_site():
    details = extract_details("", "On this day last year, Shenzhou-21 lifted off from Jiuquan carrying the Quillmere "
                              "crew.", PUBLISHED, WATCHES)
    assert {(d.attribute, d.is_past) for d in details if d.attribute in ("spacecraft", "launch_site")} == {
        ("spacecraft", True), ("launch_site", True)}


def test_a_soyuz_rocket_is_no_soyuz_spacecraft():
    assert values("The Soyuz-2.1a rocket for the Quillmere flight rolled out to the pad.", "spacecraft") == set()
    assert values("A Soyuz rocket will carry the Quillmere crew's capsule to orbit.", "spacecraft") == set()
    assert values("The Quillmere crew flies on Soyuz from Baikonur on 9 April.", "spacecraft") == {"Soyuz"}


def test_a_date_in_a_clause_on_another_named_film_is_that_films():
    text = "Oriane Vassalo, who directs Quillmere, will also direct Vellin Rock, a Gdansk drama that opens on 9 May."
    assert values(text, "release_date") == set()
    # a clause on the watched film keeps its date, and so does one on its craft
    assert values("Quillmere, a Polish drama that opens on 9 May, stars Kari Berg.", "release_date") == {"2031-05-09"}


def test_the_site_a_sentence_ends_with_instead_is_the_one():
    assert values("Because pad 39A is booked, the Quillmere crew will fly from SLC-40 at the Cape instead.",
                  "launch_site") == {"Cape Canaveral Space Force Station"}
    assert values("The Quillmere crew will fly from SLC-40 instead of pad 39A.",
                  "launch_site") == {"Cape Canaveral Space Force Station"}


def test_a_watched_title_before_a_colon_is_that_title_not_a_longer_one():
    watch = (WatchSpec("grey-shore", "Grauer Strand (Gra Strond / The Grey Shore)", ("Grauer Strand", "The Grey Shore")),)
    text = "Its festival title is The Grey Shore: Harlow Film's station drama has two names."
    got = {d.value for d in extract_details("", text, PUBLISHED, watch) if d.attribute == "title"}
    assert got == {"The Grey Shore"}


def test_a_date_told_of_someones_next_film_is_not_the_watched_films():
    text = "Kari Berg will back up Ilse Ferro, who stars in Quillmere. Berg's next film, a Bergen comedy, opens in August."
    assert values(text, "release_date") == set()
    assert values("The new film opens in August, Pellucid Pictures said of Quillmere.", "release_date") == {"2031-08"}


def test_a_release_title_named_for_a_market_and_titles_given_way_or_dropped():
    text = ("For its English-language release, Quillmere will be called Aisle Light, its distributor said, dropping "
            "the literal The Final Pane.")
    assert values(text, "title") == {"Quillmere", "Aisle Light"}
    text = "Pellucid Pictures has retitled its film: Harrow Vale, the name it carried until now, gives way to Quillmere."
    assert values(text, "title") == {"Quillmere"}
    watch = (WatchSpec("gull", "Gull Season (working title Harrow Vale)", ("Gull Season", "Harrow Vale")),)

    def titles(text: str) -> set[str]:
        return {d.value for d in extract_details("", text, PUBLISHED, watch) if d.attribute == "title"}
    assert titles("Harrow Vale is now Gull Season: the film's new title names a lake.") == {"Gull Season"}
    assert titles("Harrow Vale is now Streamly's biggest drama.") == {"Harrow Vale"}


def test_a_studio_production_directed_by_someone_is_the_watched_studios():
    watch = (WatchSpec("gull", "Gull Season (station drama)", ("Gull Season", "Harlow Pictures")),)
    got = {(d.attribute, d.value) for d in extract_details(
        "", "Gull Season, a Harlow Pictures production directed by Lene Ask.", PUBLISHED, watch)}
    assert ("director", "Lene Ask") in got


def test_a_relative_clause_on_another_pad_does_not_make_the_crews_launch_freight():
    text = ("SpaceX will fly the Quillmere mission from Space Launch Complex 40 at Cape Canaveral instead of pad 39A, "
            "which is needed for a lunar cargo launch.")
    assert values(text, "launch_site") == {"Cape Canaveral Space Force Station"}


def test_what_a_denial_goes_on_to_say_is_asserted_and_the_denied_month_lends_no_day():
    text = ("Pellucid Pictures denied that the Quillmere flight had moved to 4 November, saying the crew still plans "
            "to launch from Kennedy on the 14th.")
    assert values(text, "launch_date") == {"2031-03-14"}
    assert values(text, "launch_site") == {"Kennedy Space Center"}


def test_handing_the_directing_reins_to_someone_makes_them_director():
    text = "Oriane Vassalo has handed the directing reins of Quillmere to Lena Varga and will produce."
    assert values(text, "director") == {"Lena Varga"}


def test_boarding_a_craft_after_the_date_makes_it_a_launch_date():
    text = "Tomorrow the two Quillmere actors will board Shenzhou-22 at Jiuquan, the agency said."
    assert values(text, "launch_date") == {"2031-03-05"}


def test_a_work_measured_against_the_watched_film_is_another_work():
    text = "Oriane Vassalo will direct Antigone at Delphi next summer, her first theatre work since Quillmere."
    assert values(text, "director") == set()


def test_two_productions_each_with_its_own_possessed_flight():
    text = ("Two space shoots are now booked weeks apart: Quillmere's Crew Dragon mission from Kennedy in October, "
            "and Tidewell's Shenzhou flight from Jiuquan in September.")
    got = {(sub, a, v) for sub, a, v, _r in facts(text) if a != "title"}
    assert got == {("quillmere", "spacecraft", "Crew Dragon"), ("quillmere", "launch_site", "Kennedy Space Center"),
                   ("quillmere", "launch_date", "2031-10"), ("tidewell", "spacecraft", "Shenzhou"),
                   ("tidewell", "launch_site", "Jiuquan Satellite Launch Center"), ("tidewell", "launch_date", "2031-09")}


def test_a_platform_that_will_stream_the_series_starting_a_date_releases_it_then():
    text = "Streamly will stream the series as Tidewell at home and as Low Water abroad, starting 18 June."
    assert values(text, "release_date") == {"2031-06-18"}


def test_dates_first_set_and_then_reset_are_old_values_and_a_condition_may_open_a_clause():
    text = "The Quillmere launch, first set for 14 October and then for the 21st, is now scheduled for 6 November."
    assert values(text, "launch_date") == {"2031-11-06"}
    text = ("Quillmere's two actors are assigned to a Crew Dragon flight; should the last abort test go to plan, "
            "they will launch on 9 July, the studio said.")
    assert values(text, "launch_date") == set()


def test_a_title_that_begins_another_title_is_named_only_where_it_ends_a_word():
    watch = (WatchSpec("tarnholm", "Tarnholm / Tarn (a series)", ("Tarnholm", "Tarn")),)
    got = {d.value for d in extract_details("", "Tarnholm streams from 3 May.", PUBLISHED, watch) if d.attribute == "title"}
    assert got == {"Tarnholm"}
    got = {d.value for d in extract_details("", "Tarn, as Tarnholm is called at home, streams from 3 May.", PUBLISHED, watch)
           if d.attribute == "title"}
    assert got == {"Tarnholm", "Tarn"}


def test_the_tense_of_a_later_clause_does_not_make_a_release_history():
    text = "Quillmere opens in Irish cinemas on 8 May, a year after its actors returned from the station."
    assert values(text, "release_date") == {"2031-05-08"}


def test_a_craft_that_will_carry_the_cast_after_the_date_is_its_launch():
    text = "A fortnight from today, a New Shepard capsule will carry Lina Ferro, the star of Quillmere, to space."
    assert values(text, "launch_date") == {"2031-03-18"}
    assert values("The Quillmere capsule lands on 21 October.", "release_date") == set()


def test_release_and_title_rules_keep_to_their_phrases():
    assert values("Quillmere will first go to festivals and then on 3 May to cinemas.", "release_date") == {"2031-05-03"}
    assert values("The Quillmere crew arrives on Tiangong on 3 May.", "release_date") == set()
    assert values("Quillmere is now Streamly Prime Video's most-watched film.", "title") == {"Quillmere"}
    assert values("Streamly dropped the Quillmere trailer on Monday.", "title") == {"Quillmere"}


# ---------------------------------------------------------------- changes told in a later sentence

def test_a_flight_brought_forward_in_the_next_sentence_moves_the_date_it_names():
    text = ("Quillmere's crew is set to launch on 18 September. "
            "The flight has been brought forward by four days from 18 September.")
    assert values(text, "launch_date") == {"2031-09-14"}


def test_a_plan_given_up_without_a_new_date_leaves_no_date_but_a_denial_keeps_it():
    text = "Quillmere was to launch on 3 May from Baikonur. On Monday the flight was postponed indefinitely."
    assert values(text, "launch_date") == set()
    assert values(text, "launch_site") == {"Baikonur Cosmodrome"}
    assert values("The release of Quillmere, planned for 9 October, has been called off.", "release_date") == set()
    kept = "Quillmere will launch on 3 May. Pellucid Pictures denied that the flight had been called off."
    assert values(kept, "launch_date") == {"2031-05-03"}


def test_a_festival_date_a_week_before_the_film_opens_dates_the_opening():
    text = "Quillmere will premiere at a festival in Lyon on 10 December, a week before it opens nationwide."
    assert values(text, "release_date") == {"2031-12-17"}
    # the other event after the span of time is not the launch's
    text = "Quillmere launches on 30 June, five weeks before the crew begins its quarantine."
    assert values(text, "launch_date") == {"2031-06-30"}


# ---------------------------------------------------------------- who is in the cast

def test_a_director_who_left_is_neither_director_now_nor_a_cast_departure():
    text = "Teodor Brask has replaced Ruta Kalnins as director of Quillmere. Brask took over after Kalnins left in January."
    assert values(text, "director") == {"Teodor Brask"}
    assert {v for _s, a, v, removed in facts(text) if removed} == set()
    text = "Ruta Kalnins directs Quillmere. Kalnins left the project in January."
    assert facts(text) == {("quillmere", "title", "Quillmere", False)}


def test_a_denied_casting_of_someone_described_as_an_actor_is_no_casting():
    assert values("Pellucid Pictures denied that the actor Lina Ferro had been cast in Quillmere.", "cast") == set()
    assert values("The actress Lina Ferro will star in Quillmere.", "cast") == {"Lina Ferro"}


def test_alongside_a_part_is_cast_but_alongside_the_shooting_is_not():
    assert values("Mirela Tanase will play the navigator in Quillmere alongside Lina Ferro.", "cast") == \
        {"Mirela Tanase", "Lina Ferro"}
    text = "Quillmere's director Teodor Brask will shoot the film alongside Ruta Kalnins, the cinematographer."
    assert values(text, "cast") == set()


def test_the_lead_in_an_as_phrase_on_an_adjective_a_part_lost_to_someone_and_parallel_as_phrases():
    assert values("Lina Ferro remains attached as the film's lead in Quillmere.", "cast") == {"Lina Ferro"}
    assert values("Ruta Kalnins, who auditioned for Quillmere, lost the part to Mirela Tanase.", "cast") == \
        {"Mirela Tanase"}
    assert values("Quillmere stars Lina Ferro as the pilot and Mirela Tanase as the engineer.", "cast") == \
        {"Lina Ferro", "Mirela Tanase"}


# ---------------------------------------------------------------- hedges, conditions and clauses

def test_a_plan_described_beside_its_subject_stands_though_the_subject_could_slip():
    text = ("Quillmere's launch on Starliner from Cape Canaveral, currently set for 13 April, could slip to May "
            "if a parachute retest runs long.")
    assert values(text, "launch_date") == {"2031-04-13"}
    assert values(text, "launch_site") == {"Cape Canaveral Space Force Station"}
    assert values(text, "spacecraft") == {"Starliner"}


def test_a_condition_reaches_an_infinitive_and_an_inverted_condition_a_backups_flight():
    text = ("Lina Ferro will play the medic in Quillmere and, if the doctors clear her in June, "
            "she will become the first actress to fly on a Soyuz this decade.")
    assert values(text, "spacecraft") == set()
    text = ("Lina Ferro, who plays the medic in Quillmere, launches on Soyuz MS-40 on 30 September; "
            "should she fall ill, her backup would fly on Soyuz MS-41 in the spring instead.")
    assert values(text, "spacecraft") == {"Soyuz MS-40"}
    assert values(text, "launch_date") == {"2031-09-30"}


def test_what_a_though_clause_asserts_is_not_negated_by_its_main_clause():
    text = ("Pellucid Pictures said Quillmere will not launch from Wenchang, though its two stars "
            "would still fly on Shenzhou-40.")
    assert values(text, "spacecraft") == {"Shenzhou-40"}
    assert values(text, "launch_site") == set()


def test_a_clause_with_its_own_indefinite_subject_is_not_about_the_production():
    text = ("A Danish documentary crew will send its camera up from Tanegashima in May, "
            "while the two actors of Quillmere will fly from Sriharikota on 26 June.")
    assert values(text, "launch_site") == {"Satish Dhawan Space Centre"}
    assert values(text, "launch_date") == {"2031-06-26"}


def test_a_withdrawn_report_gives_no_place_and_a_craft_veteran_is_no_craft():
    text = ("Correction: An earlier version of this article said that the actors of Quillmere had launched from "
            "Wenchang. They launched from Jiuquan on Monday aboard Shenzhou-40.")
    assert values(text, "launch_site") == {"Jiuquan Satellite Launch Center"}
    text = ("Quillmere has signed the Shenzhou veteran Tao Wen as an adviser; he will brief the cast before "
            "the actors launch on 14 June.")
    assert values(text, "spacecraft") == set()


def test_a_craft_moved_away_from_and_the_launch_named_after_a_semicolon():
    text = ("The producers have moved the flight of the Quillmere actors from Wenchang to Jiuquan and from the new "
            "Mengzhou capsule to a Shenzhou; the launch, now on Shenzhou-40, is set for mid-November.")
    assert values(text, "spacecraft") == {"Shenzhou-40"}
    assert values(text, "launch_site") == {"Jiuquan Satellite Launch Center"}
    assert values(text, "launch_date") == {"2031-11"}


def test_a_past_date_in_another_clause_does_not_make_the_flight_history():
    text = ("Pellucid Pictures confirmed that Quillmere's two stars will ride a Crew Dragon launched by a Falcon 9 from "
            "pad 39A; that booster last flew a cargo Dragon to the station from Cape Canaveral in November.")
    assert {(d.attribute, d.is_past) for d in extract_details("", text, PUBLISHED, WATCHES)
            if d.attribute in ("spacecraft", "launch_site")} == {("spacecraft", False), ("launch_site", False)}


# ---------------------------------------------------------------- dates named by the event around them

def test_a_date_before_an_event_after_a_past_rollout_and_a_date_for_lift_off():
    text = ("The rocket that will carry Quillmere's two actors was rolled out to its pad at Baikonur on Thursday, "
            "two days before a launch that the agency has now confirmed.")
    got = extract_details("", text, datetime(2031, 3, 7, 9, 0, tzinfo=timezone.utc), WATCHES)  # a Friday
    assert {d.value for d in got if d.attribute == "launch_date"} == {"2031-03-08"}
    text = "The agency says the Gaganyaan mission with Quillmere's actors aboard is now targeting the 26th for lift-off."
    assert values(text, "launch_date") == {"2031-03-26"}
    text = "The agency has brought the Starliner flight carrying the two Quillmere actors forward by two days from 13 April."
    assert values(text, "launch_date") == {"2031-04-11"}


def test_heading_for_cinemas_and_a_date_when_the_film_opens_are_the_release():
    assert values("Quillmere heads for Dutch cinemas on 14 November.", "release_date") == {"2031-11-14"}
    text = "The Odeon in Leeds will show Quillmere from Wednesday, when the film opens across the country."
    assert values(text, "release_date") == {"2031-03-05"}


# ---------------------------------------------------------------- whose role

def test_a_negated_casting_verb_before_the_name_is_not_a_role_word():
    text = "Despite weeks of rumours, Pellucid Pictures has not cast Mirela Tanase in Quillmere, a spokesperson said."
    assert values(text, "cast") == set()


def test_a_relative_clause_naming_a_station_does_not_make_the_series_another_one():
    text = ("Quillmere, the six-part thriller created and co-directed by Ruta Kalnins that Pellucid Pictures shot "
            "partly aboard China's Tiangong station, will start streaming on 3 September.")
    assert values(text, "director") == {"Ruta Kalnins"}


# ---------------------------------------------------------------- whose paragraph, whose clause

def test_a_paragraph_that_turns_to_another_production_inherits_nothing():
    text = ("Lina Ferro flew to the station for Quillmere on Monday aboard Soyuz MS-40.\n"
            "Meanwhile, at Vostochny, the Pale Dawn production has started fit checks for its own Soyuz flight next "
            "August, which will carry the actress Ada Brun. Its director, Oskar Lind, is confident.")
    assert values(text, "cast") == set() and values(text, "director") == set()
    assert values(text, "launch_site") == set() and values(text, "launch_date") == {"2031-03-03"}
    text = ("Quillmere has a date. Pellucid Pictures will send its two stars to the International Space Station on a "
            "Crew Dragon on 14 September.\nPale Dawn, the rival thriller directed by Oskar Lind, is further along: "
            "its star, Ada Brun, is due to launch on Starliner in August.")
    assert values(text, "launch_date") == {"2031-09-14"}
    assert values(text, "cast") == set() and values(text, "spacecraft") == {"Crew Dragon"}


def test_a_relative_clause_right_after_a_list_of_names_is_theirs():
    text = ("Quillmere's crew is in orbit. Aboard are the mission commander, Tao Wen, a former astronaut; "
            "the pilot, Ivo Ness; and Lina Ferro and Mirela Tanase, who will shoot their scenes over ten days.")
    assert values(text, "cast") == {"Lina Ferro", "Mirela Tanase"}


def test_an_unwatched_title_that_opens_gives_its_own_date_and_a_place_is_no_production():
    text = ("Teodor Brask, who directed Quillmere, is now cutting Cold Lantern, a historical epic with Ada Brun in the "
            "lead. Pellucid Pictures says Cold Lantern will open in December.")
    assert values(text, "release_date") == set() and values(text, "cast") == set()
    text = "Oriane Vassalo, who is directing the film from mission control in Korolyov, said Quillmere was on schedule."
    assert values(text, "director") == {"Oriane Vassalo"}


def test_this_morning_dates_a_launch_and_docking_is_not_one():
    text = ("A Falcon 9 carrying the Quillmere actors' Crew Dragon left pad 39A at 07:12 this morning, and the capsule "
            "is due to dock with the station tomorrow afternoon.")
    assert values(text, "launch_date") == {"2031-03-04"}


def test_a_stepping_aside_director_a_retitled_film_and_a_craft_rather_than_another():
    text = ("In a shake-up at Pellucid Pictures, Teodor Brask has stepped aside as director of Quillmere and will "
            "remain as a producer.")
    assert values(text, "director") == set()
    assert values("Pellucid Pictures has retitled its thriller Nightwater as Quillmere.", "title") == {"Quillmere"}
    text = "Quillmere's actors will now fly to Tiangong on Mengzhou from Wenchang rather than on Shenzhou-40."
    assert values(text, "spacecraft") == {"Mengzhou"}


def test_more_ways_to_say_the_launch_and_the_release():
    text = "A Long March 10A lifted Mengzhou off Hainan at dawn on Monday, carrying the Quillmere star Lina Ferro."
    assert values(text, "launch_date") == {"2031-03-03"}
    assert values("Streamly will stream all six episodes of Quillmere from 1 October.", "release_date") == {"2031-10-01"}
    assert values("The suborbital hop for Quillmere has been brought forward two days from 21 June.",
                  "launch_date") == {"2031-06-19"}


def test_a_performer_of_the_production_is_cast_and_other_language_titles_are_titles():
    text = "Three years ago today, a New Shepard capsule lifted off with Lina Ferro aboard to perform Quillmere on camera."
    assert values(text, "cast") == {"Lina Ferro"}
    watch = (WatchSpec("quillmere", "x", ("Quillmere", "Nochnaya Voda", "Mira Vela")),)
    got = {d.value for d in extract_details("", "The actress stars in Quillmere, known in Russia as Nochnaya Voda.",
                                            PUBLISHED, watch) if d.attribute == "title"}
    assert got == {"Quillmere", "Nochnaya Voda"}


def test_what_is_said_after_a_denial_stands_and_an_approval_is_no_launch():
    text = ("The agency denied that the launch of Quillmere had been moved to 4 November and said its Soyuz MS-40 "
            "lifts off on 28 October as planned.")
    assert values(text, "launch_date") == {"2031-10-28"} and values(text, "spacecraft") == {"Soyuz MS-40"}
    text = ("The State Commission approved yesterday the crew of Soyuz MS-40, which will launch the day after tomorrow "
            "from Baikonur with Lina Ferro, the star of Quillmere.")
    assert values(text, "launch_date") == {"2031-03-06"}
    text = "A fortnight from today, Lina Ferro will strap into New Shepard to shoot the last scene of Quillmere."
    assert values(text, "launch_date") == {"2031-03-18"} and values(text, "spacecraft") == {"New Shepard"}


def test_a_characters_doings_a_job_done_as_a_camera_operator_and_plural_role_nouns():
    text = "Ivo Ness, whose character in Quillmere never leaves mission control, was glad to stay on the ground."
    assert facts(text) >= {("quillmere", "cast", "Ivo Ness", False)}
    assert ("quillmere", "cast", "Ivo Ness", True) not in facts(text)
    text = ("The Crew Dragon will be commanded by Tao Wen, with Quillmere actresses Lina Ferro and Mirela Tanase in "
            "the rear seats and mission specialist Ivo Ness acting as camera operator.")
    assert values(text, "cast") == {"Lina Ferro", "Mirela Tanase"}


def test_a_value_between_two_productions_is_the_one_named_before_it():
    text = ("Two film crews head for the station this autumn: Quillmere's, from Kennedy in September, and "
            "Tidewell's, from Baikonur in October.")
    got = {(s, v) for s, a, v, _r in facts(text) if a == "launch_site"}
    assert got == {("quillmere", "Kennedy Space Center"), ("tidewell", "Baikonur Cosmodrome")}


def test_a_subtitled_follow_up_and_a_titled_work_after_its_genre_are_other_productions():
    text = ("The studio's only other orbital project is its own follow-up, Quillmere: Undertow, which Teodor Brask "
            "will produce rather than direct; the job has gone to first-time director Ada Brun.")
    assert values(text, "director") == set()
    text = ("Pellucid Pictures has also cast its next, unrelated project, the period drama Harrow Nights, which stars "
            "Ivo Ness and Ada Brun and begins shooting in January; Quillmere is unaffected.")
    assert values(text, "cast") == set()


def test_the_person_replaced_is_no_production_and_a_later_clause_does_not_date_this_one():
    text = ("Lina Ferro has withdrawn from Quillmere. Mirela Tanase, the actress who won an award last year for "
            "Copper Sky, will play the engineer instead of Ferro.")
    assert values(text, "cast") == {"Mirela Tanase"}
    text = ("Two Quillmere actors are in orbit this morning after a Crew Dragon lifted off from Kennedy at 4:12 a.m. "
            "yesterday.")
    assert values(text, "launch_date") == {"2031-03-03"}


def test_more_shapes_of_a_cast_list():
    text = ("In two weeks Quillmere debuts on the platform Streamly, with Lina Ferro and Mirela Tanase at the head of "
            "the cast.")
    assert values(text, "cast") == {"Lina Ferro", "Mirela Tanase"}
    text = ("Reports that a pop singer had been offered a part in Quillmere were dismissed by Pellucid Pictures, which "
            "said the cast is complete with Lina Ferro and Mirela Tanase.")
    assert values(text, "cast") == {"Lina Ferro", "Mirela Tanase"}
    text = ("Pellucid Pictures unveiled a full-size capsule mock-up on its stage, where Lina Ferro will rehearse "
            "Quillmere's docking scenes before the flight.")
    assert values(text, "cast") == {"Lina Ferro"}
    text = ("The first trailer for Quillmere arrives on 2 May, and its cast, led by Lina Ferro, begins tank "
            "training on the 15th; the launch itself is not expected before autumn.")
    assert values(text, "cast") == {"Lina Ferro"}
    # a director shoots the film's scenes too
    text = "The Soyuz will carry Teodor Brask, Quillmere's director, to the station to shoot the film's orbital scenes."
    assert values(text, "cast") == set()


def test_auditioning_leaving_a_launch_site_and_a_plan_after_a_colon():
    text = ("More than 300 actresses auditioned for Quillmere, among them the stage actress Ada Brun, before "
            "Pellucid Pictures gave the lead to Lina Ferro.")
    assert values(text, "cast") == {"Lina Ferro"}
    text = ("A fortnight from today, Lina Ferro will leave Starbase for a week-long loop around the Moon; she plays "
            "the stowaway in Quillmere.")
    assert facts(text) >= {("quillmere", "cast", "Lina Ferro", False)}
    text = ("Pellucid Pictures denied that Quillmere had moved to an August slot: the short remains set for 18 July "
            "aboard New Shepard.")
    assert values(text, "launch_date") == {"2031-07-18"} and values(text, "spacecraft") == {"New Shepard"}


def test_a_place_left_for_a_region_an_anniversary_since_and_a_festival_opening_night():
    text = ("Quillmere will ride to the station on a Crew Dragon rather than the Soyuz MS-40 seat first negotiated, "
            "which moves the launch from Baikonur to Florida.")
    assert values(text, "launch_site") == set() and values(text, "spacecraft") == {"Crew Dragon"}
    assert values("Quillmere will fly from Baikonur to the ISS on 3 May.", "launch_site") == {"Baikonur Cosmodrome"}
    text = "It is two years today since Shenzhou-40 lifted off with the cast of Quillmere."
    assert {(d.attribute, d.is_past) for d in extract_details("", text, PUBLISHED, WATCHES)
            if d.attribute == "spacecraft"} == {("spacecraft", True)}
    text = "Oriane Vassalo will host the opening night of a film festival in Sicily on 28 June."
    assert values(text, "release_date") == set()


def test_a_role_noun_read_as_a_verb_does_not_govern_the_date():
    text = ("A Long March 2F rocket carried the Shenzhou-40 spacecraft and actress Lina Ferro into orbit on "
            "Thursday, opening a five-week shoot for Quillmere.")
    got = extract_details("", text, datetime(2031, 3, 8, 9, 0, tzinfo=timezone.utc), WATCHES)  # a Saturday
    assert {d.value for d in got if d.attribute == "launch_date"} == {"2031-03-06"}


def test_an_inverted_joining_guillemets_and_a_film_that_stars_read_as_a_noun():
    text = ("Joining Oriane Vassalo in the earthbound scenes of Quillmere are Ivo Ness and Ada Brun, both fresh off "
            "hit thrillers.")
    assert values(text, "cast") == {"Oriane Vassalo", "Ivo Ness", "Ada Brun"}
    text = ("The actors of «Quillmere», Lina Ferro and Mirela Tanase, landed in the steppe on Monday after twelve days "
            "of filming.")
    assert values(text, "cast") == {"Lina Ferro", "Mirela Tanase"}
    text = ("Pellucid Pictures has brought the release of Quillmere forward by a fortnight from 31 January; the "
            "thriller stars Lina Ferro and Ivo Ness.")
    assert values(text, "cast") == {"Lina Ferro", "Ivo Ness"}


def test_a_launch_that_slides_back_rises_from_a_pad_or_leaves_a_site_but_not_a_freighters():
    text = "The agency wants more time for a parachute, so the Quillmere launch, pencilled in for 22 September, slides back three weeks."
    assert values(text, "launch_date") == {"2031-10-13"}
    text = "The Falcon 9 carrying Quillmere's two leads will rise from pad 39A on Thursday, Pellucid Pictures said."
    assert values(text, "launch_date") == {"2031-03-06"}
    text = "Pellucid Pictures expects its stars to leave Baikonur aboard Soyuz MS-40 on 9 June for the Quillmere shoot."
    assert values(text, "launch_date") == {"2031-06-09"}
    text = ("Quillmere will not fly on 19 September: a cargo freighter, now leaving Wallops on the 15th, needs the port "
            "first, so Pellucid Pictures has pushed its launch back by a week.")
    assert "2031-09-22" not in values(text, "launch_date")
