"""The story layer: the same story in other words joins it; other stories on the same subject do not."""
from __future__ import annotations

from datetime import timedelta

from analysis.shingles import Signature
from analysis.stories import TermIndex, story_terms
from tests.crawler.test_dedup import T0, Store, make_doc, true_jaccard

ORIGINAL = """The Norwegian production company Fjordlys announced on Tuesday that its feature film
"Polar Night" will shoot two scenes aboard the Tiangong space station next spring. Director Mara
Lindqvist said actress Ingrid Solberg will spend eleven days in orbit after months of training at a
centre near Beijing. The company has signed an agreement with the Chinese agency to use footage recorded
by the crew. Fjordlys expects the film to reach cinemas in late 2026, with a budget of 40 million euros,
the largest ever for a Norwegian feature. Solberg will travel with two taikonauts aboard a Shenzhou
capsule from the Jiuquan launch centre in the Gobi desert, Lindqvist added."""

REWRITE = """Fjordlys, a production house from Norway, wants Ingrid Solberg to act in orbit: the studio
said its film Polar Night gets two scenes on the Chinese Tiangong station in the spring. Solberg trains
near Beijing for months before her eleven-day stay, according to director Mara Lindqvist. A deal with the
Chinese space agency lets the studio use footage that the crew films. With 40 million euros, the picture
is the costliest Norwegian feature so far, and it should open in late 2026. Lindqvist said her actress
would launch in a Shenzhou capsule with two taikonauts from Jiuquan in the Gobi desert."""

OTHER_STORY = """Mara Lindqvist's "Polar Night" lost its lead on Friday: Ingrid Solberg withdrew from the
Fjordlys production for health reasons, the studio said, and her place in the cast goes to the Danish
actress Sofie Krogh. Krogh starred in two crime series and has no experience of weightlessness, so the
producers now plan a shortened course of parabolic flights in France. The studio did not say whether the
change delays the shoot, which had been planned for the spring, nor whether its partners agreed."""

UNRELATED = """A lorry carrying frozen fish overturned on the E6 motorway north of Trondheim early on
Sunday, closing both lanes for six hours. Police said the driver escaped with minor injuries and that
salt spread on the road after a night of freezing rain had not prevented the vehicle from sliding into
the barrier. Tow trucks removed the trailer before noon and traffic was diverted through local roads."""

TINY = "Polar Night: Ingrid Solberg and Mara Lindqvist. More soon."

# One event (a launch) told by a wire and, in its own words, by a newspaper's reportage; then the
# same wire, five days later, on another event of the same production (the splashdown), reusing
# its boilerplate: most of the names and many words are the launch's.
LAUNCH_WIRE = """SAO PAULO (Austral Wire) - A Falcon 9 rocket lifted off from the Kennedy Space Center on Saturday
carrying Brazilian actress Beatriz Falcão and director Otávio Rezende towards the International Space
Station, where they will shoot scenes for the feature film "Céu Aberto". The Crew Dragon capsule, commanded
by the retired NASA astronaut Glen Whitaker, is due to dock on Sunday morning. Maré Filmes, the Rio de Janeiro
studio behind the production, said the pair would spend nine days aboard the station and record about
twenty minutes of footage for the film's final act. Falcão plays a biologist stranded in orbit. The flight
is the first by Brazilian filmmakers, and the studio paid for the seats through a deal with Axiom Space.
Rezende said before boarding that the crew had rehearsed every scene in a mock-up in Houston."""

LAUNCH_PAPER = """The countdown ended at 11:02 in Florida, and in a cinema in Copacabana three hundred people stood up
and cheered. On the big screen, the Crew Dragon carrying Beatriz Falcão rose from Kennedy on a column of
flame. "She is going to make a movie up there," said a teenager wearing a homemade spacesuit. For Otávio
Rezende, who has spent six years trying to get Céu Aberto made, the launch ended a long wait: investors
walked away twice, and a first flight with a Russian crew fell through. Friends of the director gathered
at the offices of Maré Filmes in Botafogo to watch. His lead actress, who learnt to swim in a pool near
Niterói, now has nine days on the International Space Station to get the scenes right. Glen Whitaker, the
former NASA astronaut who commands the flight, will operate the camera for the wide shots."""

SPLASHDOWN = """SAO PAULO (Austral Wire) - Brazilian actress Beatriz Falcão and director Otávio Rezende splashed down
off the coast of Florida on Thursday after nine days aboard the International Space Station, where they
shot scenes for the feature film "Céu Aberto". The Crew Dragon capsule, commanded by the retired NASA
astronaut Glen Whitaker, was recovered by a ship and the crew were flown to Houston for medical checks.
Maré Filmes, the Rio de Janeiro studio behind the production, said the pair had recorded more than thirty
minutes of footage, more than planned for the film's final act. Falcão plays a biologist stranded in orbit.
Rezende said the editing would start in Rio next month and that the studio still planned a release in
Brazilian cinemas next year, with Axiom Space sharing the footage rights."""

# The wire's launch story paraphrased by another outlet two months later: half the sentences
# reworded, every name kept.
PARAPHRASE = """SAO PAULO - Brazilian actress Beatriz Falcão and director Otávio Rezende left Earth on Saturday from the
Kennedy Space Center on a Falcon 9, headed for the International Space Station, where they are to film
scenes for the feature "Céu Aberto". Their Crew Dragon, under the command of retired NASA astronaut Glen
Whitaker, should reach the orbiting laboratory on Sunday morning. According to Maré Filmes, the Rio de
Janeiro studio making the picture, the two will stay nine days up there and record some twenty minutes of
footage for its last act, in which Falcão is a biologist stranded in orbit. No Brazilian filmmaker had
flown before; the seats were bought in a deal with Axiom Space. Before boarding, Rezende said every scene
had been rehearsed in a mock-up in Houston."""

LAUNCH_TITLES = ("Brazilian actress and director launch to film in orbit", "Cheers in Copacabana as Falcão heads for orbit",
                 "Céu Aberto crew splashes down after nine days")


def test_a_rewrite_in_other_words_joins_the_story_without_being_a_duplicate():
    assert true_jaccard(ORIGINAL, REWRITE) < 0.1  # really other words
    store = Store()
    first, _, story = store.put(make_doc("https://fjord.example/polar-night", "Norwegian film to shoot on Tiangong",
                                         ORIGINAL))
    _, verdict, joined = store.put(make_doc("https://wire.example/2", "Polar Night will film in orbit", REWRITE,
                                            published=T0 + timedelta(days=1)))
    assert verdict.duplicate_of_id is None
    assert (verdict.layer, joined) == ("story", story)
    assert str(first) in verdict.evidence and "solberg" in verdict.evidence


def test_another_story_about_the_same_film_is_its_own_story():
    store = Store()
    _, _, story = store.put(make_doc("https://fjord.example/polar-night", "Norwegian film to shoot on Tiangong",
                                     ORIGINAL))
    _, verdict, joined = store.put(make_doc("https://fjord.example/recast", "Polar Night loses its lead actress",
                                            OTHER_STORY, published=T0 + timedelta(days=3)))
    assert verdict.duplicate_of_id is None and joined != story
    _, verdict, joined = store.put(make_doc("https://news.example/fish", "Fish lorry closes E6", UNRELATED,
                                            published=T0 + timedelta(days=1)))
    assert verdict == type(verdict)() and joined != story


def test_a_title_and_a_line_is_not_glued_to_a_story():
    store = Store()
    _, _, story = store.put(make_doc("https://fjord.example/polar-night", "Polar Night will shoot on Tiangong",
                                     ORIGINAL))
    _, verdict, joined = store.put(make_doc("https://brief.example/1", "Polar Night will shoot on Tiangong", TINY))
    assert verdict.story_id is None and joined != story


def test_the_same_story_told_months_later_is_another_story():
    store = Store()
    _, _, story = store.put(make_doc("https://fjord.example/polar-night", "Norwegian film to shoot on Tiangong",
                                     ORIGINAL))
    _, verdict, joined = store.put(make_doc("https://wire.example/2", "Polar Night will film in orbit", REWRITE,
                                            published=T0 + timedelta(days=120)))
    assert verdict.story_id is None and joined != story


def test_irrelevant_articles_lend_no_story():
    store = Store()
    store.put(make_doc("https://fjord.example/polar-night", "Norwegian film to shoot on Tiangong", ORIGINAL,
                       relevant=False))
    _, verdict, _ = store.put(make_doc("https://wire.example/2", "Polar Night will film in orbit", REWRITE,
                                       published=T0 + timedelta(days=1)))
    assert verdict.story_id is None


def test_independent_reports_of_one_event_join_on_their_names_though_their_words_differ():
    wire, paper = Signature.from_bytes(make_doc("x", "", LAUNCH_WIRE).signature), \
        Signature.from_bytes(make_doc("y", "", LAUNCH_PAPER).signature)
    index = TermIndex()
    index.add(0, story_terms(wire.terms, wire.counts, LAUNCH_TITLES[0]))
    assert index.cosines(story_terms(paper.terms, paper.counts, LAUNCH_TITLES[1]), [0])[0].cosine < 0.3  # few words shared
    store = Store()
    first, _, story = store.put(make_doc("https://austral.example/launch", LAUNCH_TITLES[0], LAUNCH_WIRE))
    _, verdict, joined = store.put(make_doc("https://daily.example/cheers", LAUNCH_TITLES[1], LAUNCH_PAPER,
                                            published=T0 + timedelta(hours=20)))
    assert verdict.duplicate_of_id is None and (verdict.layer, joined) == ("story", story)
    assert "beatriz" in verdict.evidence and "entities" in verdict.evidence


def test_another_event_of_the_production_days_later_stays_apart_though_it_shares_names_and_words():
    store = Store()
    _, _, launch = store.put(make_doc("https://austral.example/launch", LAUNCH_TITLES[0], LAUNCH_WIRE))
    store.put(make_doc("https://daily.example/cheers", LAUNCH_TITLES[1], LAUNCH_PAPER, published=T0 + timedelta(hours=20)))
    _, verdict, joined = store.put(make_doc("https://austral.example/splashdown", LAUNCH_TITLES[2], SPLASHDOWN,
                                            published=T0 + timedelta(days=5)))
    assert verdict.duplicate_of_id is None and verdict.story_id is None and joined != launch
    # the same text on the day of the launch, its lede dating nothing, would have joined: content
    # cannot tell the events apart, time does; or the days the two ledes date their events to
    undated = SPLASHDOWN.replace(" on Thursday", "")
    again = Store()
    again.put(make_doc("https://austral.example/launch", LAUNCH_TITLES[0], LAUNCH_WIRE))
    _, same_day, _ = again.put(make_doc("https://austral.example/splashdown", LAUNCH_TITLES[2], undated,
                                        published=T0 + timedelta(hours=6)))
    assert same_day.layer == "story"
    again = Store()
    again.put(make_doc("https://austral.example/launch", LAUNCH_TITLES[0], LAUNCH_WIRE))
    _, dated, _ = again.put(make_doc("https://austral.example/splashdown", LAUNCH_TITLES[2], SPLASHDOWN,
                                     published=T0 + timedelta(hours=6)))
    assert dated.story_id is None


def test_a_story_does_not_creep_forward_onto_the_next_event_through_a_late_copy():
    # the launch wire is syndicated two days late; the splashdown comes two days after that copy
    store = Store()
    _, _, launch = store.put(make_doc("https://austral.example/launch", LAUNCH_TITLES[0], LAUNCH_WIRE))
    _, copy, joined = store.put(make_doc("https://late.example/launch", LAUNCH_TITLES[0], LAUNCH_WIRE,
                                         published=T0 + timedelta(days=2)))
    assert copy.duplicate_of_id is not None and joined == launch
    _, verdict, joined = store.put(make_doc("https://austral.example/splashdown", LAUNCH_TITLES[2], SPLASHDOWN,
                                            published=T0 + timedelta(days=4)))
    assert verdict.story_id is None and joined != launch


def test_a_paraphrase_of_an_old_item_is_its_duplicate_at_any_age():
    assert 0.1 < true_jaccard(LAUNCH_WIRE, PARAPHRASE) < 0.2  # below the plain rewrite rule
    store = Store()
    first, _, story = store.put(make_doc("https://austral.example/launch", LAUNCH_TITLES[0], LAUNCH_WIRE))
    _, verdict, joined = store.put(make_doc("https://later.example/brazil-crew", "Brazil's first film crew heads to orbit",
                                            PARAPHRASE, published=T0 + timedelta(days=60)))
    assert (verdict.duplicate_of_id, verdict.layer, joined) == (first, "near", story)
    assert "paraphrase" in verdict.evidence


def test_candidates_can_be_chosen_near_in_time():
    import numpy as np

    index = TermIndex()
    for row in range(20):  # a production's older articles: they share more names with the query
        index.add(row, {"valdane": 2, "haddad": 2, "mistral": 1, "copperline": 1, "launch": 1, f"topic{row}": 1})
    index.add(20, {"valdane": 1, "haddad": 1, "launch": 1})  # this week's report shares less
    query = {"valdane": 1, "haddad": 1, "mistral": 1, "copperline": 1, "launch": 1}
    assert 20 not in {s.row for s in index.similar(query, limit=5)}
    recent = lambda rows: np.where(rows == 20, 1.0, 0.01)  # noqa: E731
    assert 20 in {s.row for s in index.similar(query, limit=5, row_weight=recent)}
    gone = lambda rows: np.where(rows == 20, 1.0, 0.0)  # noqa: E731
    assert [s.row for s in index.similar(query, limit=5, row_weight=gone)] == [20]


# A launch scrubbed by the weather, then the launch itself two days later: the same wire, the same
# names and most of the words; and a next-day reportage of the launch in words of its own.
SCRUB_WIRE = """HOUSTON (Lanthorn Wire) - Lightning near the pad forced a postponement of Wednesday's launch of the
capsule carrying the actress Odalys Petrakova and the director Ruben Aaltonen to the Haven-2 station, where
they are to shoot scenes for the drama "Saltglass". Quarry Moon Pictures said the crew was safe.
The pair are due to spend twelve days aboard, filming the final act of the drama. A retired astronaut,
Mireille Oduya, commands the flight, and the studio bought the seats from the station's operator."""

LAUNCH2_WIRE = """HOUSTON (Lanthorn Wire) - A rocket lifted off on Friday with the actress Odalys Petrakova and the
director Ruben Aaltonen aboard, bound for the Haven-2 station and the drama "Saltglass", two days after
storms at the pad had grounded them. Quarry Moon Pictures confirmed a clean ascent and orbit insertion.
Docking is expected within a day; twelve days of shooting follow, under the command of the retired
astronaut Mireille Oduya, whose seat, like the actors', the studio bought from the station's operator."""

LAUNCH2_FEATURE = """Her grandmother watched from a folding chair in a car park in Tallinn as the rocket climbed on Friday
and Petrakova, 31, left for twelve weeks' worth of rehearsed scenes squeezed into twelve days.
Aaltonen, who spent four years on the script of Saltglass, had joked that he would direct in his socks. His
cinematographer stayed behind on the ground; the actress will operate the second camera herself, trained
by Oduya during long evenings in a mock-up near the coast. Quarry Moon staff cheered in their offices."""


def _saltglass(published, text, url, title):
    return make_doc(f"https://{url}", title, text, published=published)


def test_a_production_s_next_event_two_days_later_stays_apart_though_its_lede_shares_every_name():
    scrubbed = T0 + timedelta(days=1)  # 2022-03-02, a Wednesday
    store = Store()
    _, _, scrub = store.put(_saltglass(scrubbed, SCRUB_WIRE, "lanthorn.example/scrub", "Lightning delays Saltglass"))
    _, verdict, joined = store.put(_saltglass(scrubbed + timedelta(days=2), LAUNCH2_WIRE, "lanthorn.example/launch",
                                              "Saltglass crew lifts off"))
    assert verdict.duplicate_of_id is None and verdict.story_id is None and joined != scrub


def test_reports_that_date_their_event_to_the_same_day_join_though_they_share_few_words():
    launched = T0 + timedelta(days=3)  # 2022-03-04, a Friday
    store = Store()
    _, _, launch = store.put(_saltglass(launched, LAUNCH2_WIRE, "lanthorn.example/launch", "Saltglass crew lifts off"))
    _, verdict, joined = store.put(_saltglass(launched + timedelta(hours=30), LAUNCH2_FEATURE,
                                              "harbour.example/grandmother", "A folding chair in Tallinn"))
    assert verdict.duplicate_of_id is None and (verdict.layer, joined) == ("story", launch)


# The production's next event three days after the launch (its first scene shot aboard), from the
# same wire, its lede dating nothing: it recaps the launch in passing and shares most of its names.
FIRST_SCENE = """SAO PAULO (Austral Wire) - Beatriz Falcão and director Otávio Rezende have shot the first scene of the
feature film "Céu Aberto" aboard the International Space Station, Maré Filmes said, three days after the pair
lifted off from the Kennedy Space Center in a Crew Dragon commanded by the retired NASA astronaut Glen
Whitaker. The scene, filmed in the station's cupola, shows Falcão's biologist watching a storm over the
Atlantic. It took nine takes, the Rio de Janeiro studio said, because the actress kept drifting out of the
frame. Rezende said the crew would record about twenty minutes of footage for the film's final act before
returning to Earth next week."""


def test_the_next_event_three_days_later_stays_apart_when_its_lede_dates_nothing():
    store = Store()
    _, _, launch = store.put(make_doc("https://austral.example/launch", LAUNCH_TITLES[0], LAUNCH_WIRE))
    _, verdict, scene = store.put(make_doc("https://austral.example/first-scene", "First scene of Céu Aberto shot in orbit",
                                           FIRST_SCENE, published=T0 + timedelta(days=3)))
    assert verdict.story_id is None and scene != launch, verdict
