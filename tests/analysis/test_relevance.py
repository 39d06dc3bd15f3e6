"""Relevance judging: term matching, the evidence it scores, and precision/recall on labelled sets."""
from __future__ import annotations

import json
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from w3lib.encoding import html_to_unicode

from analysis.rules import TopicRules, WatchSpec
from analysis.extract import extract_page
from analysis.relevance import judge
from tests.shared_data import SPACE_RACE

CORPUS = SPACE_RACE
CASES = Path(__file__).resolve().parents[1] / "data/relevance_cases.toml"
TOPIC = TopicRules()
WATCHES = (WatchSpec("zero-horizon", "Zero Horizon", ("Zero Horizon", "Marta Quell", "Ivo Brandt")),)


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, predicted: bool, truth: bool) -> None:
        if predicted and truth:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif truth:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


def relevant(title: str, text: str, topic: TopicRules = TOPIC, watches=WATCHES) -> bool:
    return judge(title, text, topic, watches).relevant


def evidence(verdict) -> str:
    """The reason without its closing verdict ("score ... vs threshold ...")."""
    return verdict.reason.rpartition("score ")[0]


# -- term matching ------------------------------------------------------------------------


@pytest.mark.parametrize("title", [
    "Films shot in orbit are coming", "Filming in orbit begins", "Crew films in orbit",
    "The film was shot in orbit", "Movies shot aboard the space station",
])
def test_inflected_terms_count(title):
    assert relevant(title, "")


def test_iss_counts_only_in_capitals():
    text = "The director will shoot the film aboard the {} next spring, the studio said."
    assert judge("", text.format("ISS"), TOPIC, ()).score > judge("", text.format("iss"), TOPIC, ()).score
    assert "ISS" in judge("", text.format("ISS"), TOPIC, ()).reason
    assert "ISS" not in evidence(judge("Kiss me", "Miss Iss kissed the director on film.", TOPIC, ()))


def test_nasa_in_house_style_counts():
    assert "NASA" in judge("Nasa backs a film", "", TOPIC, ()).reason


def test_whole_words_only():
    verdict = judge("Spacewalk filmmaker", "The cosmonautics museum hosts a spacewalk exhibition of filmstrips.",
                    TOPIC, ())
    assert not verdict.relevant
    assert "space" not in evidence(verdict)


def test_launch_director_is_not_a_film_director():
    title = "Launch director gives the go for the crew flight to the space station"
    text = "NASA launch director Ann Lee gave the go. The flight director then took over the mission in orbit."
    verdict = judge(title, text, TOPIC, ())
    assert not verdict.relevant
    assert "director" not in evidence(verdict)


def test_a_mask_does_not_hide_a_longer_term():
    verdict = judge("Actress to fly to a commercial space station", "", TOPIC, ())
    assert "space station" in verdict.reason
    assert "space" not in evidence(judge("Actress rents office space", "", TOPIC, ()))


def test_reason_says_what_matched_where():
    title = "Marta Quell to shoot Zero Horizon scenes in orbit"
    text = ("The actress Marta Quell will fly to the International Space Station in May to film the closing scenes.\n"
            "Director Ivo Brandt said the shoot aboard the ISS would take ten days.")
    verdict = judge(title, text, TOPIC, WATCHES)
    assert verdict.relevant
    for part in ("title: shoot+orbit", "lead: actress/film+space station", "filming in space (title+lead)",
                 "watched alias (title): Marta Quell, Zero Horizon, Ivo Brandt"):
        assert part in verdict.reason, verdict.reason


def test_the_config_vocabulary_is_the_base():
    """Nothing assumes the default topic: other include/require words work the same way."""
    topic = TopicRules(include=("concert", "band"), require=("orbit", "space station"))
    title = "Rock band plans the first concert in orbit"
    text = "The band will play a concert aboard the space station next year, streamed live to Earth."
    assert judge(title, text, topic, ()).relevant
    assert not judge(title, text, TOPIC, ()).relevant  # no film word for the default topic


def test_exclude_terms_count_against():
    topic = TopicRules(exclude=("trailer",))
    title = "Film shot in orbit gets a trailer"
    text = "The film, shot aboard the ISS, has a trailer. The trailer is long. The trailer is loud. Another trailer."
    assert judge(title, text, topic, ()).score < judge(title, text, TOPIC, ()).score
    assert "excluded term: trailer" in judge(title, text, topic, ()).reason


def test_alias_is_matched_as_written():
    text = "It is a challenge to fly a film crew to the space station, the studio said."
    watches = (WatchSpec("challenge", "", ("Challenge",)),)
    assert "watched alias" not in judge("", text, TOPIC, watches).reason
    assert "watched alias" in judge("", text.replace("a challenge", "Challenge"), TOPIC, watches).reason


def test_alias_without_space_context_adds_nothing():
    title = "Marta Quell signs for a period drama"
    text = "The actress will shoot the film in Lisbon over the summer."
    with_watch, without = judge(title, text, TOPIC, WATCHES), judge(title, text, TOPIC, ())
    assert with_watch.score == without.score and not with_watch.relevant
    assert "without space context" in with_watch.reason


@pytest.mark.parametrize("title, text", [("", ""), ("   ", "\n\n"), ("x" * 10, "." * 1000)])
def test_empty_or_odd_input(title, text):
    verdict = judge(title, text, TOPIC, WATCHES)
    assert not verdict.relevant and verdict.reason


def test_empty_topic_lists_do_not_block():
    topic = TopicRules(include=(), require=("orbit",))
    assert judge("Studio will film in orbit", "The movie will be shot in orbit.", topic, ()).relevant


def test_watches_may_be_any_sequence_and_lists_inside_are_accepted():
    expected = judge("Zero Horizon shoots in orbit", "", TOPIC, WATCHES)
    assert judge("Zero Horizon shoots in orbit", "", TOPIC, list(WATCHES)) == expected
    listed = TopicRules(include=list(TOPIC.include), require=list(TOPIC.require))
    watches = [WatchSpec("zero-horizon", "", list(WATCHES[0].aliases))]
    assert judge("Zero Horizon shoots in orbit", "", listed, watches) == expected


# -- filming in space: what the place attaches to, negation, setting ---------------------------


def in_space(verdict) -> bool:
    """Whether the reasons include a sentence that puts the filming in space."""
    return any(part.startswith("filming in space") for part in verdict.reason.split("; "))


WATCH_FINCH = (WatchSpec("finch", "Copper Finch (orbital drama)", ("Copper Finch", "Oriel Vance", "Brightwater Pictures")),)


@pytest.mark.parametrize("title, text", [
    ("Studio confirms orbital shoot", "The drama will be filmed aboard the space station next spring, the producers said."),
    ("Actress books two weeks in orbit",
     "The actress will spend two weeks aboard the space station next spring, where, according to the producers "
     "who announced the casting on Monday, she will shoot the closing scenes."),
    ("An astronaut's short", "An astronaut wrote, cast and directed a short film in her spare time during a "
                             "six-month stay aboard the International Space Station."),
])
def test_filming_in_space_is_read_from_the_sentence(title, text):
    verdict = judge(title, text, TOPIC, ())
    assert verdict.relevant, verdict.reason
    assert in_space(verdict)


@pytest.mark.parametrize("title, text", [
    ("Back on Earth", "The capsule landed this morning, bringing the actress Ada Brun and the director Oskar Lind home "
                      "after twelve days of filming on the ISS."),
    ("Seats booked", "Brightwater Pictures has signed for two seats on a Crew Dragon flight to the International Space "
                     "Station, where it plans to shoot twenty minutes of its thriller."),
    ("He leaves", "The actor Ivo Ness has left the drama two months before he was due to fly to the ISS to shoot it."),
    ("One take", "The Dublin actor flew on a Blue Origin New Shepard rocket to film the last scene of a comedy."),
    ("Four minutes above the Karman line", "The short's final scene was shot above the Karman line."),
    ("Robot star launches", "The puppet heads for a lunar film shoot aboard a private lander."),
    ("A scene at the edge of space", "The actor films a scene on the edge of space for a drama about a welder."),
])
def test_more_ways_to_link_the_filming_to_space(title, text):
    verdict = judge(title, text, TOPIC, ())
    assert verdict.relevant and in_space(verdict), verdict.reason


def test_a_shoot_that_did_not_disturb_the_crew_and_a_pair_flying_to_shoot_are_filming_in_space():
    text = ("The director's crew filmed for three days in the lab. The station agency said the shoot on the Russian "
            "segment of the International Space Station had not disturbed the expedition's work.")
    verdict = judge("Surgery scene shot in orbit", text, TOPIC, ())
    assert verdict.relevant and "negated" not in verdict.reason, verdict.reason
    text = ("Ada Brun and Ivo Ness spent last week sealed in a Crew Dragon simulator in Hawthorne, California, the last "
            "big milestone before the pair fly to the International Space Station to shoot Copper Finch.")
    verdict = judge("Finch pair finish simulator run", text, TOPIC, WATCH_FINCH)
    assert verdict.relevant and in_space(verdict), verdict.reason


@pytest.mark.parametrize("title, text", [
    ("A director takes the short way up", "Film director Ada Brun flew to the edge of space on Sunday aboard a "
                                          "New Shepard capsule and took no camera."),
    ("A satellite's first clip", "A Munich startup has released the first colour video recorded by its satellite from "
                                 "low Earth orbit, a shot of a harbour at dawn."),
    ("A desert shoot", "The director said the production had briefly considered adding scenes shot in orbit, but the "
                       "cost was too high."),
])
def test_a_trade_a_satellite_and_a_considered_plan_are_no_filming_in_space(title, text):
    verdict = judge(title, text, TOPIC, ())
    assert not verdict.relevant, verdict.reason


def test_a_documentary_that_station_crews_make_is_made_in_space_whatever_it_is_about():
    text = "Three Tiangong crews will film a ten-part documentary about daily life on the station for a broadcaster."
    assert in_space(judge("Crews turn documentary-makers", text, TOPIC, ()))
    text = "The film crew will shoot a documentary about daily life on the station, using a full-size mock-up in Ohio."
    assert not in_space(judge("A station on a stage", text, TOPIC, ()))


def test_a_span_of_filming_stands_where_the_filming_does():
    text = "Another studio announces it will send a star to the space station for a fortnight of filming."
    assert in_space(judge("Hollywood's most expensive location", text, TOPIC, ()))


def test_a_past_shoot_in_a_clause_about_a_person_is_a_passing_mention():
    text = ("Ada Brun will play a pioneer cosmonaut in a biopic to be shot this summer on soundstages in Moscow.\n\n"
            "Brun, who filmed Copper Finch aboard the International Space Station in 2030, said that this time she "
            "would stay on the ground. The flight scenes will be recreated with a replica capsule and digital effects.")
    verdict = judge("Brun to play cosmonaut in studio biopic", text, TOPIC, WATCH_FINCH)
    assert not verdict.relevant, verdict.reason


def test_denied_reports_of_an_orbital_shoot_and_an_alias_in_an_aside_are_no_coverage():
    text = ("The producers of the drama have denied reports that its lead actor will fly to the Tiangong station to "
            "film scenes. Every scene is being shot on stages in Qingdao.")
    verdict = judge("Producers deny star will fly", text, TOPIC, ())
    assert not verdict.relevant, verdict.reason
    text = ("The cargo ship docked with the International Space Station on Friday.\n\nIt carries food and spare "
            "parts for the Nauka module, where Brightwater Pictures' Copper Finch crew filmed two years ago.\n\n"
            "The crew will unload it over two weeks.")
    verdict = judge("Cargo ship docks", text, TOPIC, WATCH_FINCH)
    assert not verdict.relevant and "in passing" in verdict.reason, verdict.reason


@pytest.mark.parametrize("title, text", [
    ("Producers rule out an orbital shoot",
     "The thriller will not be shot in orbit, its producers said on Monday. The actors will stay on the ground."),
    ("Pianist books a private week in orbit",
     "The pianist said she would never film anything during her week aboard the space station. She bought the seat herself."),
])
def test_negated_filming_is_evidence_against(title, text):
    verdict = judge(title, text, TOPIC, ())
    assert not verdict.relevant, verdict.reason
    assert "negated" in verdict.reason


FILLED = ("Film crew will shoot in orbit",
          "The film will be shot aboard the space station in May. Its scenes will be filmed in orbit over ten days. "
          "The crew will film in orbit every morning. Two more scenes will be shot in orbit after that. ")


def test_sentences_that_cannot_change_the_score_are_not_parsed(monkeypatch):
    from analysis import relevance

    parsed: list[str] = []
    real = relevance._by_parse
    monkeypatch.setattr(relevance, "_by_parse", lambda unit, doc, m: parsed.append(doc.text) or real(unit, doc, m))
    verdict = judge(*FILLED, TOPIC, ())
    assert verdict.relevant, verdict.reason
    assert not any("after that" in text for text in parsed), parsed  # title, lead and two body sentences fill the score
    parsed.clear()
    negated = judge(FILLED[0], FILLED[1] + "None of the final scenes will be shot in orbit, though.", TOPIC, ())
    assert any(text.startswith("None of") for text in parsed), parsed
    assert "negated" in negated.reason and negated.score < verdict.score
    # a contraction written without its apostrophe is split by the parser all the same
    unmarked = judge(FILLED[0], FILLED[1] + "The studio wont shoot the final scenes in orbit.", TOPIC, ())
    assert "negated" in unmarked.reason and unmarked.score < verdict.score


@pytest.mark.parametrize("title, text", [
    ("Parabolas stand in for orbit in new drama",
     "For its floating sequences the production hired a jet that dives in parabolas over the North Sea, thirty "
     "seconds of free fall at a time. Everything else was filmed on stages near Lille."),
    ("Diving pool doubles as orbit",
     "The actors rehearsed the spacewalk sequence for a month at the bottom of a diving pool in Gdynia, where "
     "the orbital scenes will be filmed in June."),
    ("Orbital siege drama wraps",
     "The drama, which takes place on a crippled research station in orbit, finished its shoot on sound stages "
     "near Brno on Friday."),
    ("Effects team explains the orbit sequence",
     "Every orbital scene was shot against a blue screen in a Glasgow warehouse, the cast suspended on harnesses."),
    ("Station crew screens a comedy for the holidays",
     "On their day off the crew of the space station watched a comedy film on a laptop strapped to the wall."),
    ("Puzzle game sends players to orbit",
     "In the mobile game, out in March, players repair a station in orbit; its trailer was animated by a studio in Lille."),
    ("Mars drama wraps in the desert",
     "The science-fiction feature spent six weeks in the desert. Its cockpit scenes aboard the starship were filmed "
     "afterwards on an LED volume in Leeds."),
    ("What the crew watches on Sundays",
     "Flight controllers pick a few films for the station crew's Sunday evenings, which are uploaded to the "
     "station's tablets once a month."),
    ("Operator orders a relay satellite",
     "From its slot in orbit the new relay will deliver film and series libraries to village halls across the region."),
    ("Regional network buys capacity in orbit",
     "The network will rent a transponder on a satellite in orbit to carry its movie channel to its cable partners."),
    ("Orbital pictures on the library walls",
     "The town library hangs an exhibition of photos of its coastline taken from the space station. A crew member "
     "took them through the cupola while in orbit."),
    ("Coastlines from above",
     "The photographs were shot by a crew member through a station window while in orbit."),
    ("Animated feature follows a lost cat to the space station",
     "An animated feature about a cat that sneaks aboard a rocket opens in December. Forty animators in Tallinn drew "
     "it over three years."),
])
def test_space_depicted_on_the_ground_is_not_filming_in_space(title, text):
    verdict = judge(title, text, TOPIC, ())
    assert not verdict.relevant, verdict.reason


def test_a_watched_production_made_by_software_is_no_coverage_of_filming_in_space():
    text = ("Zero Horizon, the series about a crew aboard an orbital station, was generated entirely with AI "
            "software in Lisbon. Marta Quell directed it.")
    assert not relevant("Zero Horizon streams in May", text)
    text = "Zero Horizon, the AI-generated drama about a crew aboard an orbital station, streams in May."
    assert not relevant("Zero Horizon streams in May", text)


def test_motion_pictures_shot_in_orbit_are_no_photographs():
    text = "The first motion pictures were shot aboard the space station by a two-person crew."
    assert judge("Orbital shoot", text, TOPIC, ()).relevant


def test_a_set_in_space_is_a_setting_not_a_location():
    text = "The series, which is set entirely on board a space station, will be shot in Leeds next month."
    verdict = judge("New series", text, TOPIC, ())
    assert not in_space(verdict) and not verdict.relevant
    assert "space only the setting" in verdict.reason


def test_the_studio_said_is_no_production_word():
    text = "The actress will play a pilot in a drama about a mission in orbit, the studio said."
    assert not in_space(judge("Actress cast in biopic", text, TOPIC, ()))


def test_watched_production_counts_with_space_context_anywhere():
    title = "Oriel Vance joins Copper Finch"
    text = ("Brightwater Pictures has cast Oriel Vance as the lead in Copper Finch, its drama about two sisters.\n"
            "Rehearsals begin in May.\n"
            "Vance is due to fly to the space station next year.")
    verdict = judge(title, text, TOPIC, WATCH_FINCH)
    assert verdict.relevant, verdict.reason
    assert "watched alias (title): Oriel Vance, Copper Finch" in verdict.reason
    assert not judge(title, text, TOPIC, ()).relevant  # the same text about an unwatched film


def test_watched_production_without_space_is_not_relevant():
    title = "Oriel Vance to star in a stage comedy"
    text = "Oriel Vance will play a lawyer in a comedy at a London theatre, directed by a film veteran."
    verdict = judge(title, text, TOPIC, WATCH_FINCH)
    assert not verdict.relevant and "without space context" in verdict.reason


def test_a_watched_person_needs_a_word_of_filming():
    title = "Oriel Vance dazzles at NASA gala"
    text = "Oriel Vance wore a gown inspired by a spacesuit at the NASA gala in Houston, where she met three astronauts."
    verdict = judge(title, text, TOPIC, WATCH_FINCH)
    assert not verdict.relevant and "no word of filming" in verdict.reason


def test_film_marketing_words_are_no_space_context():
    title = "Brightwater Pictures launches its comedy"
    text = ("Brightwater Pictures launched its new comedy in cinemas on Friday, and it rocketed to the top "
            "of the box office. The studio made space in its schedule for a sequel.")
    verdict = judge(title, text, TOPIC, WATCH_FINCH)
    assert not verdict.relevant and "without space context" in verdict.reason


def test_an_alias_inside_a_longer_name_is_not_the_watched_subject():
    watches = (WatchSpec("finch", "", ("Finch", "Oriel Vance")),)
    text = "The Finch Station game puts players in orbit. Its studio shot cut-scenes with actors in Oslo."
    assert "watched alias" not in judge("Game review", text, TOPIC, watches).reason
    text = "A film shot on the space station, Finch opens on Friday."
    assert "watched alias" in judge("Review", text, TOPIC, watches).reason
    text = "Brightwater Pictures' Finch, shot on the space station, opens on Friday."  # a possessive, no name
    assert "watched alias" in judge("Review", text, TOPIC, watches).reason


def test_an_alias_that_is_a_common_word_needs_company_at_a_sentence_start():
    watches = (WatchSpec("finch", "", ("Finch", "Oriel Vance")),)
    text = "Finch feeders were tested on the space station's robotic arm last week, NASA said."
    assert "watched alias" not in judge("Station arm test", text, TOPIC, watches).reason
    text = "Finch feeders were tested on the space station's arm. Oriel Vance will fly there in May."
    assert "watched alias" in judge("Station arm test", text, TOPIC, watches).reason


def test_without_the_parser_proximity_decides(monkeypatch):
    from analysis import relevance
    monkeypatch.setattr(relevance, "_nlp", lambda model: None)
    assert judge("Crew to film in orbit", "The drama will be filmed aboard the space station.", TOPIC, ()).relevant
    verdict = judge("No orbital shoot", "The thriller will not be filmed aboard the space station.", TOPIC, ())
    assert not verdict.relevant and "negated" in verdict.reason


# -- bounded time --------------------------------------------------------------------------------

TEN_MIB = 10 * 2 ** 20
RUN_ON = "the actress Oriel Vance will film scenes aboard the space station and shoot in orbit while the director watches, "


@pytest.mark.parametrize("title, text", [
    ("", (RUN_ON * (TEN_MIB // len(RUN_ON) + 1))[:TEN_MIB]),     # one sentence, no full stop
    ((RUN_ON * (TEN_MIB // len(RUN_ON) + 1))[:TEN_MIB], ""),     # a title of 10 MiB
    ("", "orbit film " * (TEN_MIB // 11)),                     # a hit every word
    ("", "x" * TEN_MIB),                                       # one word of 10 MiB
])
def test_ten_mib_is_judged_in_under_two_seconds(title, text):
    judge("warm-up", "a film shot in orbit", TOPIC, WATCH_FINCH)  # the parser loads outside the timing
    started = time.perf_counter()
    verdict = judge(title, text, TOPIC, WATCH_FINCH)
    assert time.perf_counter() - started < 2.0
    assert verdict.reason


# -- labelled sets --------------------------------------------------------------------------


def _paragraphs(text: str) -> str:
    return "\n".join(" ".join(p.split()) for p in text.strip().split("\n\n"))


def test_hand_labelled_tricky_cases():
    data = tomllib.loads(CASES.read_text("utf-8"))
    watches = tuple(WatchSpec(w["name"], w.get("label", ""), tuple(w["aliases"])) for w in data["watch"])
    assert len(data["case"]) >= 30
    tally, wrong = Tally(), []
    for case in data["case"]:
        verdict = judge(case["title"], _paragraphs(case["text"]), TOPIC, watches)
        tally.add(verdict.relevant, case["relevant"])
        if verdict.relevant != case["relevant"]:
            wrong.append(f"{case['id']}: {verdict.reason}")
    print(f"\nhand-labelled cases: {len(data['case'])}, precision {tally.precision:.3f}, recall {tally.recall:.3f}")
    assert tally.precision >= 0.9 and tally.recall >= 0.9, "\n".join(wrong)


def _scenario_pages():
    scenario = json.loads((CORPUS / "scenario.json").read_text("utf-8"))
    for phase in scenario["phases"]:
        for article in phase["articles"]:
            path = urlsplit(article["url"]).path
            if path.endswith("/"):
                path += "index.html"
            yield article, CORPUS / phase["dir"] / path.lstrip("/")


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the space-race corpus is not on this machine")
def test_scenario_precision_and_recall():
    """extract_page + judge over every article of the scenario, with its own topic and watches."""
    scenario = json.loads((CORPUS / "scenario.json").read_text("utf-8"))
    topic = TopicRules(**{key: tuple(value) for key, value in scenario["topic"].items()})
    watches = tuple(WatchSpec(w["name"], w.get("label", ""), tuple(w["aliases"])) for w in scenario["watch"])
    tally, wrong = Tally(), []
    for article, page in _scenario_pages():
        _, html = html_to_unicode(None, page.read_bytes())
        extracted = extract_page(html, article["url"])
        verdict = judge(extracted.title, extracted.text, topic, watches)
        tally.add(verdict.relevant, article["relevant"])
        if verdict.relevant != article["relevant"]:
            wrong.append(f"{article['url']}: {verdict.reason}")
    print(f"\nscenario: {tally.tp + tally.fp + tally.fn + tally.tn} articles, "
          f"precision {tally.precision:.3f}, recall {tally.recall:.3f}")
    assert tally.tp + tally.fn > 0 and tally.fp + tally.tn > 0
    assert tally.precision >= 0.9 and tally.recall >= 0.9, "\n".join(wrong)


def test_rehearsing_on_the_ground_does_not_count_against_a_flight_to_film():
    watches = (WatchSpec("kite", "", ("Paper Kite", "Oriel Vance")),)
    text = ("Blue Origin has given Oriel Vance's film crew a date: the New Shepard flight carrying Paper Kite goes "
            "in two weeks.\n\nVance, who directs and will shoot the film herself, has rehearsed the weightless "
            "minutes on a zero-g aircraft, twice.")
    assert judge("Paper Kite flies in two weeks", text, TOPIC, watches).relevant


def test_no_as_the_determiner_of_what_was_shot_negates_it():
    verdict = judge("Old tapes become a series", "No fresh scenes were filmed in orbit for the new series.", TOPIC, ())
    assert "filming in space negated" in verdict.reason and not verdict.relevant


def test_a_relative_clause_on_the_subject_says_where_the_person_was_not_where_the_filming_is():
    text = "Pilot Jana Orel, who came back from the space station in May, filmed a small role in Prague."
    assert not in_space(judge("A pilot's cameo", text, TOPIC, ()))


def test_space_before_a_film_word_names_a_kind_of_film_not_a_place():
    text = "The library opens a reading room devoted to space movies and their posters."
    assert not in_space(judge("A reading room", text, TOPIC, ()))


def test_a_place_that_runs_into_a_named_craft_is_still_a_place():
    text = "Dara Velk has left the delayed thriller that is to be shot partly in orbit aboard a Shenzhou capsule."
    assert in_space(judge("An actress leaves", text, TOPIC, ()))


def test_a_flight_around_the_moon_is_in_space():
    text = "A studio has reserved two seats on a commercial lunar flyby mission to shoot scenes for its next feature."
    assert in_space(judge("Studio reserves seats", text, TOPIC, ()))


def test_a_plan_that_will_not_change_still_stands():
    text = "The studio said the ten-day filming schedule aboard the space station would not change."
    verdict = judge("Crew flight slips", text, TOPIC, ())
    assert in_space(verdict) and "negated" not in verdict.reason


def test_an_article_with_nothing_of_the_topic_is_judged_without_the_space_scans(monkeypatch):
    """No include term, production word or watched subject: nothing can make it relevant, so the
    scans for space and the parse (most of a judgement's cost) are skipped; the verdict is as before."""
    from analysis import relevance

    calls = []
    scan = relevance._scan_space
    monkeypatch.setattr(relevance, "_scan_space", lambda unit, m: calls.append(unit) or scan(unit, m))
    off_topic = judge("Harbour tolls rise", "The port raised its tolls in orbit of the old town. NASA said nothing.",
                      TOPIC, WATCHES)
    assert not off_topic.relevant and calls == []
    assert "no include term" in off_topic.reason
    on_topic = judge("Crew films in orbit", "The crew shot scenes aboard the space station.", TOPIC, WATCHES)
    assert on_topic.relevant and calls


@pytest.mark.parametrize("text", [
    "None of the footage was filmed in orbit: the crew of the docudrama never left Tromso.",
    "Nothing in the new series was shot aboard the space station, its producers said.",
    "Not one scene of the docudrama was filmed aboard the space station, its editor admitted.",
    "They shot not a single take in orbit: the capsule interior was built in a hangar in Lodz.",
    # an indirect question asks; it plans nothing
    "Her docudrama opens in Lisbon next week. Pressed on whether she might one day go to orbit to shoot a film, "
    "the actress shrugged.",
])
def test_a_negated_or_questioned_shooting_is_no_filming_in_space(text):
    verdict = judge("Docudrama about a launch team", text, TOPIC, ())
    assert "filming in space negated" in verdict.reason and not verdict.relevant


def test_a_production_word_naming_a_persons_trade_is_no_filming():
    text = "The film director Osk Varrel flew to the edge of space on a suborbital hop as a paying passenger."
    assert not in_space(judge("Director rides a rocket", text, TOPIC, ()))
    text = "The filmmaker Osk Varrel flew to the edge of space on a suborbital hop as a paying passenger."
    assert not in_space(judge("Director rides a rocket", text, TOPIC, ()))
    text = "The director Osk Varrel will film two scenes on a suborbital hop next spring."
    assert in_space(judge("Director to film on a rocket", text, TOPIC, ()))


@pytest.mark.parametrize("text", [
    "The space survival game Copper Finch gets a new campaign in orbit next month, its developer said.",
    "Copper Finch, a mobile game about a station in orbit, gets a sequel next month.",
])
def test_an_alias_named_as_another_thing_is_not_the_watched_production(text):
    title = "Copper Finch adds a campaign"  # the same name, unclassified, in the title
    verdict = judge(title, text + " No film is planned.", TOPIC, WATCH_FINCH)
    assert "watched alias" not in verdict.reason and not verdict.relevant, verdict.reason
    plain = "Copper Finch, the drama, gets a new scene in orbit next month, its studio said."
    assert "watched alias" in judge(title, plain, TOPIC, WATCH_FINCH).reason


def test_aboard_a_station_is_in_space_without_other_space_words():
    text = "Marit Sollen will spend ten days aboard a private station to film the last act of Lowmoor."
    verdict = judge("Sollen to film last act", text, TOPIC, ())
    assert in_space(verdict) and verdict.relevant, verdict.reason
    text = "Marit Sollen will spend ten days at the old railway station to film the last act of Lowmoor."
    assert not judge("Sollen to film last act", text, TOPIC, ()).relevant


def test_a_watched_title_names_the_production_without_other_film_words():
    title = "Oriel Vance cleared for spaceflight"
    text = ("Oriel Vance has been declared fit for spaceflight by an aerospace clinic, clearing her to fly to the "
            "station for Copper Finch next spring.")
    verdict = judge(title, text, TOPIC, WATCH_FINCH)
    assert verdict.relevant and "watched alias" in verdict.reason, verdict.reason
    people_only = (WatchSpec("finch", "Copper Finch (orbital drama)", ("Oriel Vance", "Brightwater Pictures")),)
    text = "Oriel Vance has been declared fit for spaceflight by an aerospace clinic, clearing her to fly next spring."
    assert "no word of filming" in judge(title, text, TOPIC, people_only).reason


def test_a_label_in_space_lets_aboard_be_the_station_in_an_article_about_the_production():
    title = "Brightwater moves Oriel Vance's trip"
    text = ("Brightwater Pictures has moved the trip of Oriel Vance back by a week, the studio said.\n"
            "She will now spend nine days rather than twelve shooting Lowmoor aboard, and the rest moves to Leeds.")
    aliases = ("Lowmoor", "Oriel Vance", "Brightwater Pictures")
    in_space_label = (WatchSpec("lowmoor", "Lowmoor (drama shot aboard a private station)", aliases),)
    verdict = judge(title, text, TOPIC, in_space_label)
    assert verdict.relevant, verdict.reason
    ground_label = (WatchSpec("lowmoor", "Lowmoor (ferry drama)", aliases),)
    assert not judge(title, text, TOPIC, ground_label).relevant


def test_filming_in_space_late_in_the_body_is_enough_alone():
    title = "Capsule carries four to a private station"
    text = ("A capsule lifted off on Tuesday carrying four people, the operator's third private mission this year, "
            "after two days of delays caused by high winds over the recovery zone and a faulty valve that engineers "
            "replaced overnight.\n"
            "It is due to dock on Wednesday morning, with a retired pilot as commander.\n"
            "One passenger, the Chilean actor Teo Varga, will spend his week on the station shooting scenes for a comedy.")
    verdict = judge(title, text, TOPIC, ())
    assert verdict.relevant and in_space(verdict), verdict.reason


@pytest.mark.parametrize("text", [
    "Copper Finch, a remake of the game, will be shot aboard the space station next year.",
    "Adapted from the survival game Copper Finch, the drama will be shot aboard the space station next year.",
])
def test_a_production_adapted_from_a_thing_of_its_name_stays_the_watched_production(text):
    verdict = judge("Copper Finch to shoot in orbit", text, TOPIC, WATCH_FINCH)
    assert "watched alias" in verdict.reason and verdict.relevant, verdict.reason


def test_a_one_word_title_that_is_an_ordinary_word_is_no_word_of_the_production():
    watches = (WatchSpec("ballast", "Ballast (orbital drama)", ("Ballast", "Oriel Vance")),)
    text = "Oriel Vance has been declared fit for spaceflight, and the crew tested the Ballast rig on the station."
    assert "no word of filming" in judge("Vance cleared", text, TOPIC, watches).reason
    watches = (WatchSpec("vornak", "Vornak (orbital drama)", ("Vornak", "Oriel Vance")),)
    text = "Oriel Vance has been declared fit for spaceflight, clearing her to fly to the station for Vornak."
    assert judge("Vance cleared", text, TOPIC, watches).relevant


def test_a_studio_module_attached_to_a_station_is_a_studio_in_space():
    text = ("Pellmark, a Tucson startup, has raised $90 million to build an inflatable module designed as a film "
            "and television studio, to be attached to a private station from 2034.")
    verdict = judge("Startup plans a film studio", text, TOPIC, ())
    assert in_space(verdict) and verdict.relevant, verdict.reason


def test_a_relative_clause_on_the_production_itself_says_where_it_is():
    text = "Pellmark is building a small film studio that will be carried to the space station in 2034."
    assert in_space(judge("Startup builds a studio", text, TOPIC, ()))


def test_orbital_and_weightless_say_the_article_speaks_of_space():
    watches = (WatchSpec("quillmere", "Quillmere (Pellucid Pictures drama)", ("Quillmere", "Pellucid Pictures")),)
    text = ("Teodor Blay, a stage actor from Bergen, has joined the cast of Quillmere.\n\n"
            "He is one of three actors who will travel to a commercial station to shoot the film's weightless "
            "sequences, the studio said.")
    assert judge("Stage actor to fly for orbital thriller", text, TOPIC, watches).relevant


def test_scenes_made_with_visual_effects_are_made_on_the_ground():
    text = ("A biopic of a test pilot is filming its launch scenes at an airfield near Tucson.\n\n"
            "No one will fly. The orbital scenes will be created with visual effects.")
    assert not judge("Test pilot biopic films in Arizona", text, TOPIC, ()).relevant


def test_a_height_no_aircraft_reaches_is_space():
    title, text = "Juice advert shot far above the ocean", (
        "A thirty-second advert for a juice brand was filmed 400 kilometres above the Pacific, the agency said. "
        "A crew member shot it during two evenings off.")
    verdict = judge(title, text, TOPIC, ())
    assert verdict.relevant and in_space(verdict), verdict.reason
    assert not judge("Juice advert shot high above the city", "The advert was filmed 400 metres above Lisbon from a "
                     "crane.", TOPIC, ()).relevant


def test_satellites_that_film_the_earth_are_no_film_production():
    title, text = "Start-up raises money for live video of the planet", (
        "A start-up has raised $50 million to put ten satellites in orbit that will film harbours and farms in "
        "colour video.\n\nCustomers will watch the footage live.")
    assert not judge(title, text, TOPIC, ()).relevant


def test_speeds_coasts_and_latitudes_are_no_height_in_space():
    for text in ("The ad was filmed at speeds above 200 km/h on a test track.", "The ad was filmed 200 km above the Arctic Circle.",
                 "The ad was shot 300 kilometres up the coast.", "The ad was shot within 100 km of the capital."):
        assert not judge("Advert shot far away", text, TOPIC, ()).relevant, text


def test_a_relative_clause_that_holds_both_the_shoot_and_the_place_says_where_the_shoot_is():
    title, text = "Union wins new rates for members", (
        "Members of a performers' union voted for a deal on Tuesday.\n\nUnder it, an actor who flies to the "
        "International Space Station to shoot a series receives triple pay for every day in orbit.")
    verdict = judge(title, text, TOPIC, ())
    assert in_space(verdict), verdict.reason
