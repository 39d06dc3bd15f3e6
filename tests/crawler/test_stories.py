"""The story layer: the same story in other words joins it; other stories on the same subject do not."""
from __future__ import annotations

from datetime import timedelta

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
