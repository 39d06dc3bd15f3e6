"""Is an article coverage of the topic, filmmaking in space? A score from evidence, with reasons.

The evidence, strongest first:
- **Filming in space**: a sentence in which a production word ("film", "shoot", "scenes",
  "footage", the config's include terms) is linked to a place in space ("in orbit", "aboard the
  station", "on a Soyuz"). The link is read from the dependency parse (spaCy, when installed):
  the place must attach to the production word or to the verb it hangs from ("spend three
  weeks aboard the station filming"), and the sentence is set apart when it negates the
  filming ("will not be shot in orbit", "no intention of filming in space") or only sets a
  story there ("a thriller set aboard a space station", "a film about life in orbit").
  Without spaCy, a production word within a few words of the place counts as linked.
- **A watched production**: an alias (its title, studio or one of its people) in an article
  that speaks of space at all; in the title or lead it is the article's subject.
- The config's include and require terms together in one sentence (the title, the lead).
- Against: the filming happens on the ground (sound stages, tanks, parabolic flights, CGI, a
  studio in a city), the subject is a game or a ride, or a config exclude term.

Linear in its input: sentences are cut to a bounded length, every term list is one scan of the
text, and only a bounded number of short sentences are parsed (those with both a production
word and a place in space, title and lead first). Weights, word lists and limits live in
`analysis/data/relevance.toml`; benchmarks/relevance_margin.py prints the score distributions
the threshold was chosen from.
"""
from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from analysis.aliases import label_titles
from analysis.datafiles import read_data_toml
from analysis.language import ModelMissing, is_common_word, nlp
from analysis.rules import TopicRules, WatchSpec

# A sentence ends at . ! ? or an ellipsis (then closing quotes or brackets, space, and a capital
# or digit), or at a line break. The pattern starts with a character class so that re can skip
# ahead to candidates instead of trying every position.
_SENTENCE_BREAK = re.compile(r"(?:(?<!\b[A-Z])\.|[!?\u2026\n])(?:(?<=\n)\n*|[\"'\u201d\u2019\u00bb)\]]*\s+(?=[\"'\u201c\u2018\u00ab(\[]?[A-Z0-9\u00c0-\u00dd]))")
_VOWELS = "aeiou"


@dataclass(frozen=True)
class Judgement:
    relevant: bool
    score: float
    reason: str


def judge(title: str, text: str, topic: TopicRules, watches: Sequence[WatchSpec], model: str = "") -> Judgement:
    """Score one article against the topic rules and the watched subjects (`model`: the spaCy
    pipeline that reads the sentences that need it, as `analysis.language.nlp` names it)."""
    try:
        m = _matchers(topic, tuple(watches))
    except TypeError:  # built with lists somewhere: the cache needs hashable (tuple) fields
        m = _matchers(*_hashable(topic, watches))
    doc = _Article(title or "", text or "", m, model)
    evidence = _Evidence(m.vocab.weights)
    in_space = _score_in_space(doc, evidence)
    watched = _score_watch(doc, evidence)
    _score_pairs(doc, evidence)
    _score_negatives(doc, evidence)
    missing = []
    if topic.include and not (doc.has("include") or watched or (in_space and m.film_topic)):
        missing.append("include")
    if topic.require and not doc.off_topic and not (doc.has("require") or doc.has("places") or doc.has("names")
                                                    or watched):
        missing.append("require")
    bar = m.vocab.threshold
    relevant = not missing and evidence.score >= bar
    verdict = f"score {evidence.score:.1f} vs threshold {bar:g}"
    if not (in_space or watched):
        verdict += " (no sign of filming in space)"
    if missing:
        verdict += f", no {' and no '.join(missing)} term"
    evidence.reasons.append(verdict)
    reason = "; ".join(part.replace("; ", ", ") for part in evidence.reasons)  # shown split on "; "
    return Judgement(relevant=relevant, score=round(evidence.score, 3), reason=reason)


def _hashable(topic: TopicRules, watches: Sequence[WatchSpec]) -> tuple[TopicRules, tuple[WatchSpec, ...]]:
    topic = TopicRules(include=tuple(topic.include), require=tuple(topic.require), exclude=tuple(topic.exclude))
    return topic, tuple(WatchSpec(w.name, w.label, tuple(w.aliases)) for w in watches)


class _Evidence:
    """The running score and the human-readable account of it."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.weights = weights
        self.score = 0.0
        self.reasons: list[str] = []

    def add(self, weight: str, count: int = 1, reason: str = "") -> None:
        if count:
            self.score += self.weights[weight] * count
            if reason:
                self.reasons.append(reason)


# -- the article, scanned once ------------------------------------------------------------

_Hit = tuple[int, int, str]  # start, end, label (the term, or the matched words)


@dataclass
class _Unit:
    """The title or one sentence (piece) of the text, with its hits (offsets into `text`)."""

    where: str  # "title", "lead" or "body"
    text: str
    start: int
    hits: dict[str, list[_Hit]] = field(default_factory=dict)
    verdict: str = ""  # for a sentence with production and place: in_space, negated, depicted, or ""
    snippet: str = ""

    def get(self, kind: str) -> list[_Hit]:
        return self.hits.get(kind, [])


class _Article:
    def __init__(self, title: str, text: str, m: _Matchers, model: str = "") -> None:
        limits = m.vocab.limits
        self.m = m
        title = " ".join(title[: limits["title_chars"]].split())
        text = text[: limits["text_chars"]]
        lead_end = _lead_end(text, title, m.vocab.lead_words, m.vocab.lead_paragraphs)
        self.units: list[_Unit] = []
        if title:
            self.units.append(_Unit("title", title, 0))
        for start, end in _sentences(text, limits["sentence_chars"]):
            self.units.append(_Unit("lead" if start < lead_end else "body", text[start:end], start))
        if title:
            _scan_into(title, [self.units[0]], m)
        _scan_into(text, [u for u in self.units if u.where != "title"], m)
        _drop_doubtful_aliases(self.units)
        _drop_aliases_named_as_other_things(self.units, m)
        # Without an include term, a production word or a watched subject nothing can make the
        # article relevant: the scans for space and the parse, most of a judgement, are skipped.
        self.off_topic = bool(m.include.terms) and not any(
            u.get("include") or u.get("production") or u.get("aliases") for u in self.units)
        self.space_context = False
        if self.off_topic:
            return
        for unit in self.units:
            _scan_space(unit, m)
        self.space_context = any(u.get("require") or u.get("places") or u.get("names") or u.get("cues")
                                 for u in self.units)
        if not self.space_context and m.places_station is not None and _about_a_space_production(self.units, m):
            # The user's label says the production is made in space: in an article about it,
            # "aboard", "the station" and "on the surface" are that place.
            self.space_context = any(m.places_station.search(u.text) for u in self.units)
        for unit in self.units:
            _scan_unit(unit, m, self.space_context)
        _classify(self.units, m, model)

    def has(self, kind: str) -> bool:
        return any(unit.get(kind) for unit in self.units)


def _scan_into(text: str, units: list[_Unit], m: _Matchers) -> None:
    """Whole-text scans (each one pass) for the config's terms, aliases and production words."""
    if not units or not text:
        return
    lowered = text.lower()
    found = {
        "include": _find(m.include, text, lowered),
        "require": _find(m.require, text, lowered),
        "exclude": _find(m.exclude, text, lowered),
        "production": _find(m.production, text, lowered),
        "context": _find(m.context, text, lowered),
        "aliases": [hit for hit in _find(m.aliases, text, lowered) if not _inside_a_name(text, hit)],
    }
    masks = _masks_at(m.masks, text, found["include"] + found["require"] + found["production"])
    # An alias's words are a name, not topic words ("Silver Dawn", "Tallow Hill Productions").
    masks += [(a, b, label) for a, b, label in _find(m.aliases, text, lowered)]
    for kind in ("include", "require", "production", "context"):
        found[kind] = _unmasked(found[kind], masks)
    starts = [unit.start for unit in units]
    for kind, hits in found.items():
        for hit in hits:
            unit = units[bisect_right(starts, hit[0]) - 1]
            unit.hits.setdefault(kind, []).append((hit[0] - unit.start, hit[1] - unit.start, hit[2]))


def _scan_space(unit: _Unit, m: _Matchers) -> None:
    """Places in space, station and craft names and other cues of space in one sentence."""
    text = unit.text
    aliases = [(a, b) for a, b, _ in unit.get("aliases")]
    for kind, pattern in (("places", m.places_strict), ("names", m.names), ("cues", m.cues)):
        hits = [hit for hit in _find_raw(pattern, text) if not _covered(hit, aliases)]
        if kind == "places" and hits:
            hits = _unmasked(hits, _masks_at(m.masks, text, hits))
        if hits:
            unit.hits[kind] = hits


def _scan_unit(unit: _Unit, m: _Matchers, space_context: bool) -> None:
    """Per-sentence patterns, only in sentences that can use them (bounded length each)."""
    text = unit.text
    topical = unit.get("production") or unit.get("include") or unit.get("require") or unit.get("aliases")
    if not topical:
        return
    aliases = [(a, b) for a, b, _ in unit.get("aliases")]
    if space_context and m.places_station is not None:
        places = unit.get("places")
        seen = {(a, b) for a, b, _ in places}
        more = [hit for hit in _find_raw(m.places_station, text)
                if (hit[0], hit[1]) not in seen and not _covered(hit, aliases)]
        if more:
            unit.hits["places"] = sorted(places + _unmasked(more, _masks_at(m.masks, text, more)))
    for kind, pattern in (("on_earth", m.on_earth), ("not_film", m.not_film), ("depicted", m.depictions)):
        hits = _find_raw(pattern, text)
        if hits:
            unit.hits[kind] = hits


def _drop_doubtful_aliases(units: list[_Unit]) -> None:
    """A one-word alias that opens a sentence may be the common word it also is ("Ballast in the
    attitude readings ..."): it counts there only with a production word in the same sentence
    or another sure mention of a watched subject in the article."""
    def doubtful(unit: _Unit, hit: _Hit) -> bool:
        return " " not in hit[2] and not unit.text[:hit[0]].strip(" \t\"'\u201c\u2018(") and \
            not (unit.get("production") or unit.get("include"))
    sure = any(not doubtful(unit, hit) for unit in units for hit in unit.get("aliases"))
    if sure:
        return
    for unit in units:
        if unit.get("aliases"):
            unit.hits["aliases"] = [hit for hit in unit.get("aliases") if not doubtful(unit, hit)]


def _about_a_space_production(units: list[_Unit], m: _Matchers) -> bool:
    """Whether the title or lead names a watched production whose label places it in space."""
    return any(hit[2] in m.space_aliases for unit in units if unit.where != "body" for hit in unit.get("aliases"))


# A preposition before the noun phrase that names a thing: the thing is what something else comes
# from or is about ("an adaptation of the novel X", "inspired by the game X").
_SOURCE_OF = re.compile(r"\b(?:of|on|from|by|after|to)[ \t]+(?:(?:the|a|an|his|her|their|its)[ \t]+)?"
                        r"(?:[\w'\u2019-]+[ \t]+){0,3}$", re.IGNORECASE)


def _drop_aliases_named_as_other_things(units: list[_Unit], m: _Matchers) -> None:
    """An alias that a common noun names as something other than a production ("the strategy game
    X", "X, a mobile app") is that thing, in the whole article (one sense per discourse)."""
    if m.named_before is None:
        return
    other = set()
    for unit in units:
        for start, end, label in unit.get("aliases"):
            before = m.named_before.search(unit.text, max(0, start - 40), start)
            if before is not None and _SOURCE_OF.search(unit.text, max(0, before.start() - 60), before.start()):
                before = None  # "adapted from the novel X", "based on the game X": the film's source
            if before is not None or m.named_after.match(unit.text, end, min(len(unit.text), end + 60)):
                other.add(label)
    if other:
        for unit in units:
            if unit.get("aliases"):
                unit.hits["aliases"] = [hit for hit in unit.get("aliases") if hit[2] not in other]


def _covered(hit: _Hit, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= hit[0] < b or a < hit[1] <= b for a, b in spans)


def _inside_a_name(text: str, hit: _Hit) -> bool:
    """An alias glued to another capitalised word is part of a longer name ("Continental X",
    "X Station"), unless the text capitalises most words anyway (a headline in title case)."""
    start, end, _ = hit
    before = re.search(r"([\w'\u2019-]+)[ \t]+$", text[max(0, start - 40):start])
    after = re.match(r"[ \t]+([\w'\u2019-]+)", text[end:end + 40])
    words = text[max(0, start - 120):end + 120].split()
    if words and sum(w[:1].isupper() for w in words) > 0.6 * len(words):
        return False
    for match, edge in ((before, start), (after, end)):
        if match is None:
            continue
        word = match.group(1)
        if not word[:1].isupper() or word.isupper() or (match is before and word.endswith(("'s", "\u2019s", "'", "\u2019"))):
            continue  # a lower-case word, an acronym, or a possessive ("the studio's X")
        if match is before and (start - len(match.group(0)) == 0 or
                                re.search(r"[.!?:\n\"\u201c]\s*$", text[max(0, start - len(match.group(0)) - 3):start - len(match.group(0))])):
            continue  # the word before starts a sentence: capitalised anyway
        return True
    return False


# -- filming in space: the parse, or proximity without it ------------------------------------


def _classify(units: list[_Unit], m: _Matchers, model: str) -> None:
    """Decide, for the sentences with a production word and a place in space, whether the
    filming happens there. Title and lead first; at most `parsed_sentences` are parsed."""
    reach = m.vocab.limits["link_chars"]
    candidates = [u for u in units if u.get("production") and u.get("places") and
                  any(abs(p[0] - q[0]) <= reach for p in u.get("production")[:8] for q in u.get("places")[:8])]
    if not candidates:
        return
    limits = m.vocab.limits
    candidates = candidates[: limits["parsed_sentences"]]
    pipeline = _nlp(model)
    if pipeline is None:
        for unit in candidates:
            unit.verdict, unit.snippet = _not_a_film(unit, *_by_proximity(unit, m))
        return
    filling, others, later = _parse_order(candidates, m, pipeline.tokenizer)
    _parse(filling + others, pipeline, m)
    if any(unit.verdict != "in_space" for unit in filling):
        _parse(later, pipeline, m)


def _parse(units: list[_Unit], pipeline, m: _Matchers) -> None:
    texts = [unit.text[: m.vocab.limits["parse_chars"]] for unit in units]
    for unit, doc in zip(units, pipeline.pipe(texts, disable=PARSER_ONLY)):
        unit.verdict, unit.snippet = _not_a_film(unit, *_by_parse(unit, doc, m))


def _not_a_film(unit: _Unit, verdict: str, snippet: str) -> tuple[str, str]:
    """No filming in space in a sentence about something that is no film: "the photographs were
    shot by an astronaut in orbit" (still photographs), a game, a dome show."""
    return ("", "") if verdict == "in_space" and unit.get("not_film") else (verdict, snippet)


def _parse_order(candidates: list[_Unit], m: _Matchers, tokenizer) -> tuple[list[_Unit], list[_Unit], list[_Unit]]:
    """The sentences to parse (those that fill the score's places for filming in space, then
    the others that must be read), and those to parse only if the first do not all fill them.

    The score counts one title, one lead and `in_space_body_cap` body sentences read as filming
    in space; more add nothing. A sentence with no word that can make its verdict another
    (negated, depicted, viewing) and no sign of ground filming can only be read as filming in
    space or as nothing. Once the first sentences fill those places, such a sentence is left
    unparsed: the score, the reasons and the verdict are what parsing it would have given."""
    cap = int(m.vocab.weights["in_space_body_cap"])
    title = lead = False
    body = 0
    filling: list[_Unit] = []
    others: list[_Unit] = []
    later: list[_Unit] = []
    for unit in candidates:
        if unit.where == "title" and not title:
            title = True
        elif unit.where == "lead" and not lead:
            lead = True
        elif unit.where != "title" and body < cap:
            body += 1
        else:
            (others if unit.get("on_earth") or _may_be_other(unit.text, m, tokenizer) else later).append(unit)
            continue
        filling.append(unit)
    return filling, others, later


_NEGATIONS = ("not", "n't", "n’t", "nt", "never", "no", "nor", "without")  # what the parser marks "neg", and more


def _may_be_other(text: str, m: _Matchers, tokenizer) -> bool:
    """Whether a token of `text`, as the parser splits it ("wont": "wo", "nt"), can make its parse
    read as negated, depicted or viewing."""
    return not m.vocab.verdict_words.isdisjoint(t.lower_ for t in tokenizer(text[: m.vocab.limits["parse_chars"]]))


_SPANS_OF_TIME = {"minutes", "hours", "days", "evenings", "nights", "weeks", "fortnight", "months", "week", "day", "month"}
_VEHICLES = {"rocket", "capsule", "spacecraft", "spaceship", "ship", "flight", "mission", "vehicle"}  # "on a New Shepard rocket"
_NOUN_ROLES = {"nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos", "conj", "compound", "npadvmod", "oprd",
               "dative"}
_PREPOSITION_WORDS = {"aboard", "on", "to", "at", "inside", "outside", "in", "from", "into", "onboard", "above",
                      "beyond", "during", "off"}
# Dependencies that stay inside one clause: negation is looked for along them only.
_IN_CLAUSE = {"xcomp", "dobj", "pobj", "prep", "compound", "nsubj", "nsubjpass", "acl", "aux", "auxpass",
              "amod", "attr", "oprd", "pcomp", "agent", "appos", "nmod", "poss"}


def _by_parse(unit: _Unit, doc, m: _Matchers) -> tuple[str, str]:
    """in_space / negated / depicted / viewing / "" for one parsed sentence, and its words."""
    words = m.vocab.words
    tokens = list(doc)
    if not tokens:
        return "", ""
    starts = [token.idx for token in tokens]

    def at(offset: int):
        token = tokens[max(0, bisect_right(starts, offset) - 1)]
        return token if token.idx <= offset < token.idx + len(token.text) else None

    most = 6  # pairs looked at in one sentence: enough for news prose, bounded for anything else
    productions = [t for a, b, _ in unit.get("production")[:most] if (t := at(b - 1)) is not None
                   and not (t.dep_ == "nsubj" and t.head.lower_ in words["say"])]  # "the studio said"
    # "The film director flew to space": a production word that only names a person's trade
    # says where that person went, not where anything was filmed.
    productions = [t for t in productions if not _names_a_trade(t, words["people"])
                   and not any(c.lower_ in words["drawn"] for c in [t, *_phrase_head(t).children])]
    earth = {t.i for a, _b, _label in unit.get("on_earth") if (t := at(a)) is not None}
    made = {_phrase_head(t).i for t in productions}
    verdicts = []
    for a, b, label in unit.get("places")[:most]:
        first, last = at(a), at(b - 1)
        if first is None or last is None:
            continue
        if unit.get("on_earth") and m.weak is not None and m.weak.fullmatch(label):
            continue  # "the orbital scenes were shot in front of green screens"
        if first.dep_ == "aux" and first.lower_ == "to":  # "to fly to the ISS": the place is the to-phrase
            first = next((t for t in doc[first.i + 1:last.i] if t.dep_ == "prep"), first)
        if first.lower_ in _PREPOSITION_WORDS and last.dep_ == "compound" and last.head.i > last.i:
            if not any(a <= last.head.idx < b for a, b, _label in unit.get("names")) and \
                    last.head.lower_ not in _VEHICLES:
                continue  # "a gallery devoted to space films": the place word names a kind of film
            last = last.head  # "aboard a Soyuz capsule": the place goes on to the craft it names
        if first.lower_ in _PREPOSITION_WORDS and first.dep_ not in ("prep", "advmod", "agent", "prt", "dative"):
            if last.i != first.i + 1:
                continue  # "to film the launch": an infinitive, no place
            anchor, chain = last.head, [last]  # "send them to orbit", misread as a verb
        else:
            anchor, chain = _anchor(first, last)
        for word in productions:
            p = _phrase_head(word)
            path = _path(p, anchor)
            below = _path(p, last)
            if path is not None and len(path) - 1 <= 2:
                pass
            elif first.dep_ == "prep" and first.head.i in (word.i, p.i):
                path = [p, first]  # "after twelve days of filming on the station": the place is the filming's own
            elif first.dep_ == "prep" and first.head.i == p.head.i and p.dep_ in ("advcl", "xcomp"):
                path = [p, p.head]  # "before the pair fly to the station to shoot Z", however "fly" is tagged
            elif below is not None and len(below) - 1 <= 2 and _is_below(p, last):
                path = below  # "a station, where the film will be shot"
            else:
                continue
            lo, hi = min(p.i, first.i), max(p.i, last.i)
            span = doc[lo: hi + 1].text
            between = doc[lo: hi + 1]
            if _made_by_people_there(p):
                verdicts.append(("in_space", span))  # "Three station crews will film a documentary about life on the station"
            elif any(t.lower_ in words["depict"] and (t.dep_ == "prep" or t.lower_ not in _PREPOSITION_WORDS | {"about"})
                   for t in list(between) + chain) or \
                    any(t.lower_ == "set" and t.dep_ in ("acl", "relcl", "amod") for t in between) or \
                    (anchor.lower_ == "set" and anchor.dep_ not in _NOUN_ROLES) or \
                    (anchor.i in made and _filmed_elsewhere(anchor, earth)):
                verdicts.append(("depicted", span))
            elif _shown(word, p, path, words["view"]):
                verdicts.append(("viewing", span))
            elif any(t.lower_ in words["watched_events"] and t.dep_ in ("dobj", "pobj", "nsubjpass") for t in path[1:]):
                verdicts.append(("viewing", span))
            elif _through_relative_clause(path, p) or _past_aside(p):
                continue
            elif _negated(path, p, words):
                verdicts.append(("negated", span))
            else:
                verdicts.append(("in_space", span))
    for kind in ("in_space", "negated", "depicted", "viewing"):
        for verdict, span in verdicts:
            if verdict == kind:
                return kind, " ".join(span.split())[:80]
    return "", ""


_MAKERS = {"film", "camera", "production", "tv", "television", "documentary", "movie", "studio", "news"}
_IRREGULAR_PAST = {"shot", "made", "wrote", "became", "flew", "spent", "went", "took", "won"}
_PEOPLE_IN_SPACE = {"crew", "crews", "astronaut", "astronauts", "cosmonaut", "cosmonauts", "taikonaut", "taikonauts"}


def _made_by_people_there(production) -> bool:
    """A production that a station's crew or astronauts make is made in space, whatever it is about
    ("Three station crews will film a ten-part documentary about daily life on board")."""
    verb = production.head
    if production.dep_ != "dobj" or verb.lower_ not in ("film", "shoot", "record", "make", "shot", "filmed", "made",
                                                        "recorded", "filming", "shooting", "making", "recording"):
        return False
    return any(c.dep_ == "nsubj" and c.lower_ in _PEOPLE_IN_SPACE and any(  # "station crews", not "the film crew"
        g.dep_ in ("compound", "amod") and g.lower_ not in _MAKERS for g in c.children) for c in verb.children)


def _shown(word, head, path, view: frozenset[str]) -> bool:
    """A film watched, shown or carried as content ("a movie night on the station", "watched a
    film aboard", "films, which are uploaded to the station's laptops"), not one made there."""
    return (head.i != word.i and head.lower_ in view) or any(
        t.head.lower_ in view and t.dep_ in ("dobj", "compound", "pobj", "nsubjpass") for t in (word, head)) or any(
        t.lower_ in view and t.dep_ in ("relcl", "acl") for t in path[1:])


def _filmed_elsewhere(production, earth: set[int]) -> bool:
    """"Scenes aboard the spaceship were shot on an LED volume": the place only says where the
    scenes are set when the verb they are shot by has a place of its own on the ground."""
    if production.dep_ not in ("nsubjpass", "nsubj", "dobj"):  # (the parse has no tags: no part of speech)
        return False
    return any(t.i in earth for c in production.head.children if c.dep_ == "prep" for t in c.subtree)


def _anchor(first, last):
    """What a place phrase attaches to, and the words climbed to get there: the head of its
    preposition ("shot" in "shot in orbit"), through an event noun ("directed a film during her
    stay on the station": "directed"), or the phrase's own head when it is no prepositional
    phrase ("orbital scenes")."""
    chain = []
    if first.dep_ in ("prep", "dative", "agent"):
        head = first.head
        for _ in range(2):
            if head.dep_ == "conj" and head.head.dep_ == "pobj":  # "during A and B's stay", misread as a list
                chain.append(head)
                head = head.head
            if head.dep_ == "pobj" and head.head.dep_ == "prep":
                chain += [head, head.head]
                head = head.head.head
            else:
                break
        return head, chain
    token = last
    for _ in range(4):
        if token.dep_ == "pobj" and token.head.dep_ == "prep":
            return token.head.head, chain + [token.head]
        if token.dep_ not in ("compound", "amod") or token.head.i == token.i:
            break
        chain.append(token)
        token = token.head
    return token, chain


def _names_a_trade(token, people: frozenset[str]) -> bool:
    """"film director X", "the film director": the production word is part of what a person is."""
    if _phrase_head(token).lower_ in people:
        return True
    for _ in range(3):
        if token.dep_ != "compound" or token.head.i == token.i:
            return False
        token = token.head
        if token.lower_ in people:
            return True
    return False


def _phrase_head(token):
    """The noun a production word modifies: "crew" in "film crew", "studio" in "film and
    television studio"; the word itself otherwise; and what a noun phrase is said to be with
    "as": "module" in "a module designed as a film studio"."""
    for _ in range(2):
        if token.dep_ in ("compound", "nmod", "conj", "amod") and token.head.i > token.i \
                and token.head.dep_ in _NOUN_ROLES:
            token = token.head
        else:
            break
    as_word = token.head
    if token.dep_ == "pobj" and as_word.lower_ == "as" and as_word.head.dep_ == "acl" and as_word.head.head.i < token.i:
        token = as_word.head.head
    if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.lower_ in _SPANS_OF_TIME:
        token = token.head.head  # "for a fortnight of filming": the span stands where the filming does
    return token


def _through_relative_clause(path, production) -> bool:
    """Whether the path reaches the place through a relative clause on a noun: "X, who returned
    from the station last year, filmed a cameo" says where X was, not where the filming is. A
    clause on the production itself says where it is ("a studio that will be attached to a station"),
    and so does a clause that holds both ("an actor who flies to the station to shoot a series")."""
    inside = {t.i for t in path}
    return any(t.dep_ == "relcl" and t.i != production.i and t.head.i != production.i and t.head.i in inside
               and t.left_edge.lower_ != "where"  # "the station, where it plans to shoot"
               for t in path[1:])


def _past_aside(production) -> bool:
    """"X, who filmed Z aboard the station in 2030, said ...", "X, who last year became the first actress
    to film a scene aboard the station, chairs the jury": a past shoot told in a clause about a person,
    in passing (the parse has no tags: the word's form and its auxiliaries say the tense)."""
    clause = next((t for t in [production, *list(production.ancestors)[:3]] if t.dep_ == "relcl"), None)
    if clause is None or clause.head.text[:1].islower() or not clause.head.text[:1].isalpha():
        return False
    past = clause.lower_.endswith("ed") or clause.lower_ in _IRREGULAR_PAST
    return past and not any(c.dep_ in ("aux", "auxpass") for c in clause.children)


def _is_below(token, ancestor) -> bool:
    for _ in range(4):
        if token.head.i == token.i:
            return False
        token = token.head
        if token.i == ancestor.i:
            return True
    return False


def _path(a, b) -> list | None:
    """Tokens on the tree path from a to b (both included), or None when it is long."""
    up_a, up_b = [a], [b]
    for _ in range(5):
        if up_a[-1].head.i != up_a[-1].i:
            up_a.append(up_a[-1].head)
        if up_b[-1].head.i != up_b[-1].i:
            up_b.append(up_b[-1].head)
    ids_b = [t.i for t in up_b]
    for i, token in enumerate(up_a):
        if token.i in ids_b:
            j = ids_b.index(token.i)
            return up_a[: i + 1] + list(reversed(up_b[:j]))
    return None


def _negated(path, production, words: dict[str, frozenset[str]]) -> bool:
    """A negation on the path, or on the words that govern the production word within its
    clause: "will not be shot in orbit", "no intention of filming in space", "no film gear"."""
    doc = production.doc
    if any(t.lower_ in words["call_off"] for t in doc[max(0, production.i - 4):production.i]):
        return True  # "drops plan to shoot in space", however a headline is parsed
    above = list(production.ancestors)[:5]
    for n, token in enumerate(above[1:], start=1):
        if token.lower_ in words["call_off"] and above[n - 1].lower_ in _HEARSAY:
            return True  # "denied reports that its lead will fly to the station to film"
    governing = list(path)
    token = production
    for _ in range(3):
        if token.dep_ == "nsubj" and token.head.lemma_.lower() not in _FILMING_PREDICATES:
            break  # "the shoot on the station had not disturbed the crew's work": said of the shoot, not denying it
        if token.dep_ == "ccomp" and token.head.lower_ in words["call_off"]:
            return True  # "denied that a film crew would fly to the station"
        if token.dep_ not in _IN_CLAUSE or token.head.i == token.i:
            break
        token = token.head
        governing.append(token)
    for token in governing:
        if token.lower_ in words["change"]:
            continue  # "the shooting schedule aboard the station would not change": the plan stands
        if token.lower_ in words["negators"] and token.dep_ in ("det", "dobj", "nsubj", "nsubjpass", "neg"):
            return True
        if token.lower_ in words["call_off"] and token.i != production.i:
            return True
        for child in token.children:
            if child.dep_ == "neg" or (child.lower_ in words["negators"] and
                                       child.dep_ in ("det", "advmod", "neg", "dobj", "nsubj", "nsubjpass")):
                return True  # also "none of the footage was shot in orbit", "nothing was filmed there"
            if child.dep_ in ("nsubjpass", "dobj") and _negated_noun(child, words["negators"]):
                return True  # "no new footage was shot in space", "not a single scene was filmed in orbit"
            if child.dep_ == "mark" and child.lower_ in words["open_questions"]:
                return True  # "asked whether she would ever film in orbit": a question, no plan
    return False


_FILMING_PREDICATES = {"shoot", "film", "record", "take", "happen", "go", "begin", "start", "continue", "proceed",
                       "be", "move", "run", "last", "wrap"}  # verbs whose subject is the filming and says whether it is
_HEARSAY = {"report", "reports", "rumour", "rumours", "rumor", "rumors", "claim", "claims", "speculation", "suggestion",
            "suggestions", "story", "stories"}


def _negated_noun(noun, negators: frozenset[str]) -> bool:
    """"no scenes", "not a single scene", "not one scene": a negation on the noun or on its number."""
    return any(d.dep_ == "neg" or (d.dep_ == "det" and d.lower_ in negators) or
               (d.dep_ in ("det", "nummod", "amod") and any(g.dep_ == "neg" for g in d.children))
               for d in noun.children)


_NEGATION_BEFORE = re.compile(r"\b(?:not|never|no|nothing|n't|without)\b(?:\W+\w+){0,4}\W*$", re.IGNORECASE)


def _by_proximity(unit: _Unit, m: _Matchers) -> tuple[str, str]:
    """Without a parser: a production word within `window` words of a place in space."""
    window = m.vocab.limits["window"]
    best = None
    for p in unit.get("production"):
        for q in unit.get("places"):
            left, right = (p, q) if p[0] <= q[0] else (q, p)
            gap = unit.text[left[1]:right[0]] if right[0] > left[1] else ""
            words = len(gap.split()) + sum(gap.count(mark) for mark in ",;:()")
            if words <= window and (best is None or words < best[0]):
                best = (words, min(p[0], q[0]), max(p[1], q[1]), p)
    if best is None:
        return "", ""
    _, a, b, p = best
    snippet = " ".join(unit.text[a:b].split())[:80]
    if any(d[0] <= a < d[1] or d[0] < b <= d[1] for d in unit.get("depicted")):
        return "depicted", snippet
    if _NEGATION_BEFORE.search(unit.text[max(0, p[0] - 60):p[0]]):
        return "negated", snippet
    return "in_space", snippet


PARSER_ONLY = ["tagger", "attribute_ruler", "lemmatizer", "ner"]  # links are read from dependency labels only


def _nlp(model: str):
    """The process's spaCy pipeline (`analysis.language`), or None when no model is installed:
    then links are read by proximity."""
    try:
        return nlp(model)
    except ModelMissing:
        return None


# -- scoring ------------------------------------------------------------------------------------


def _score_in_space(doc: _Article, evidence: _Evidence) -> int:
    found = [u for u in doc.units if u.verdict == "in_space"]
    if not found:
        return 0
    title = [u for u in found if u.where == "title"]
    lead = [u for u in found if u.where == "lead"]
    body = [u for u in found if u.where == "body"] + lead[1:]
    where = [name for name, units in (("title", title), ("lead", lead)) if units]
    shown = ", ".join(f'"{u.snippet}"' for u in found[:2])
    evidence.reasons.append(f"filming in space{' (' + '+'.join(where) + ')' if where else ''}: {shown}")
    evidence.add("in_space_title", 1 if title else 0)
    evidence.add("in_space_lead", 1 if lead else 0)
    evidence.add("in_space_body", min(len(body), int(evidence.weights["in_space_body_cap"])))
    return len(found)


def _score_watch(doc: _Article, evidence: _Evidence) -> int:
    with_alias = [u for u in doc.units if u.get("aliases")]
    if not with_alias:
        return 0
    names = ", ".join(dict.fromkeys(label for u in with_alias for _, _, label in u.get("aliases")))
    if not doc.space_context:
        evidence.reasons.append(f"watched alias without space context: {names}")
        return 0
    titled = any(label in doc.m.titles for u in with_alias for _, _, label in u.get("aliases"))
    # Production words include the config's, less people; a watched production's title names it
    # (one that is no ordinary word: "Undertow" may be only undertow).
    if not (doc.has("production") or doc.has("context") or titled):
        evidence.reasons.append(f"watched alias with no word of filming: {names}")
        return 0
    # an alias only in an aside on something else ("spare parts for the module, where Z's crew
    # filmed two years ago") is a mention in passing: it counts as one further down
    aside = all(unit.where != "title" and all(_in_aside(unit.text, hit[0]) for hit in unit.get("aliases"))
                for unit in with_alias)
    where = "body" if aside else with_alias[0].where
    evidence.reasons.append(f"watched alias{' (' + where + ')' if where != 'body' else ''}"
                            f"{' in passing' if aside else ''}: {names}")
    evidence.add({"title": "watch_title", "lead": "watch_lead"}.get(where, "watch_body"))
    near = any(u.get("require") or u.get("places") or u.get("names") or u.verdict == "in_space" for u in with_alias)
    evidence.add("watch_space_near", 1 if near else 0)
    return len(with_alias)


_ASIDE = re.compile(r",\s+(?:where|which|who|whose|when)\s", re.IGNORECASE)


def _in_aside(text: str, position: int) -> bool:
    """Whether `position` falls in a clause set off by ", where", ", which" ... that has not ended."""
    opened = [m.end() for m in _ASIDE.finditer(text, 0, position)]
    return bool(opened) and "," not in text[opened[-1]:position]


def _score_pairs(doc: _Article, evidence: _Evidence) -> None:
    title = next((u for u in doc.units if u.where == "title"), None)
    if title is not None and title.get("include") and title.get("require"):
        evidence.add("title_pair", 1, f"title: {'/'.join(_labels(title.get('include')))}+{'/'.join(_labels(title.get('require')))}")
    elif title is not None and (title.get("include") or title.get("require")):
        evidence.reasons.append(f"title: {'/'.join(_labels(title.get('include') or title.get('require')))}")
    pairs = [u for u in doc.units if u.where != "title" and u.get("include") and u.get("require")]
    lead = next((u for u in pairs if u.where == "lead"), None)
    if lead is not None:
        evidence.add("lead_pair", 1, f"lead: {'/'.join(_labels(lead.get('include')))}+{'/'.join(_labels(lead.get('require')))}")
    further = [u for u in pairs if u is not lead]
    if further:
        shown = ", ".join(sorted({f"{_labels(u.get('include'))[0]}/{_labels(u.get('require'))[0]}" for u in further}))
        evidence.add("sentence_pair", min(len(further), int(evidence.weights["sentence_pair_cap"])),
                     f"sentence co-occurrence: {shown} ({len(further)})")


# "rehearsed the weightless scenes on a zero-g aircraft": practice on the ground, not the filming
REHEARSAL = re.compile(r"\b(?:rehears\w*|train(?:s|ed|ing)?|practi[cs](?:e|es|ed|ing)|drills?)\b", re.IGNORECASE)


def _score_negatives(doc: _Article, evidence: _Evidence) -> None:
    negated = [u for u in doc.units if u.verdict == "negated"]
    if negated:
        evidence.add("negated", len(negated), f"filming in space negated: \"{negated[0].snippet}\"")
    viewing = [u for u in doc.units if u.verdict == "viewing"]
    if viewing:
        evidence.reasons.append(f"a film watched or shown, not made: \"{viewing[0].snippet}\"")
    depicted = [u for u in doc.units if u.verdict == "depicted"]
    if depicted:
        evidence.add("depicted", len(depicted), f"space only the setting: \"{depicted[0].snippet}\"")
    earth = [u for u in doc.units if u.get("on_earth") and u.verdict != "in_space"
             and (u.get("production") or u.get("include") or u.get("aliases")) and not REHEARSAL.search(u.text)]
    if earth and any(u.verdict == "in_space" for u in doc.units if u.where != "body"):
        evidence.reasons.append("ground scenes too (the title or lead puts the filming in space)")
    elif earth:
        shown = ", ".join(f'"{s}"' for s in sorted({u.get("on_earth")[0][2] for u in earth})[:3])
        evidence.add("on_earth", min(len(earth), int(evidence.weights["on_earth_cap"])),
                     f"filmed on the ground: {shown}")
        evidence.add("on_earth_lead", 1 if any(u.where != "body" for u in earth) else 0)
    games = [u for u in doc.units if u.get("not_film")]
    if games:
        shown = ", ".join(sorted({u.get("not_film")[0][2] for u in games})[:3])
        evidence.add("not_film", min(len(games), int(evidence.weights["not_film_cap"])), f"not a film: {shown}")
    excluded = [u for u in doc.units if u.get("exclude")]
    if excluded:
        names = ", ".join(sorted({_labels(u.get("exclude"))[0] for u in excluded}))
        evidence.add("exclude", len(excluded), f"excluded term: {names}")


# -- vocabulary and compiled matchers -----------------------------------------------------


@dataclass(frozen=True)
class _Vocabulary:
    threshold: float
    weights: dict[str, float]
    limits: dict[str, int]
    lead_words: int
    lead_paragraphs: int
    inflections: dict[str, tuple[str, ...]]
    masks: tuple[str, ...]
    production: tuple[str, ...]
    not_production: frozenset[str]
    context: tuple[str, ...]
    words: dict[str, frozenset[str]]  # [parse]: word lists read against the parse
    verdict_words: frozenset[str]      # the tokens that can make a parse other than "in space" (see _parse_order)
    stations: tuple[str, ...]
    craft: tuple[str, ...]
    places: tuple[str, ...]
    prepositions: tuple[str, ...]
    station_words: tuple[str, ...]
    vessel_prepositions: tuple[str, ...]
    station_places: tuple[str, ...]
    weak_places: tuple[str, ...]
    cues: tuple[str, ...]
    depictions: tuple[str, ...]
    on_earth: tuple[str, ...]
    not_film: tuple[str, ...]
    other_things: tuple[str, ...]


_DATA_FILE = "relevance.toml"
_PARSE_WORDS = ("depict", "view", "say", "negators", "open_questions", "call_off", "watched_events", "change", "people",
                "drawn")
_WEIGHTS = {"in_space_title", "in_space_lead", "in_space_body", "in_space_body_cap", "watch_title", "watch_lead",
            "watch_body", "watch_space_near", "title_pair", "lead_pair", "sentence_pair", "sentence_pair_cap",
            "negated", "depicted", "on_earth", "on_earth_lead", "on_earth_cap", "not_film", "not_film_cap", "exclude"}
_LIMITS = {"link_chars": 160, "text_chars": 60000, "sentence_chars": 600, "title_chars": 1000, "parsed_sentences": 8, "parse_chars": 400, "window": 8}


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    try:
        vocab = _read_vocabulary(read_data_toml(_DATA_FILE))
        for patterns in (vocab.masks, vocab.places, vocab.station_places, vocab.cues, vocab.depictions,
                         vocab.on_earth, vocab.not_film, vocab.weak_places):
            for pattern in patterns:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(f"pattern {pattern!r}: {exc}") from exc
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, re.error) as exc:
        detail = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ValueError(f"analysis/data/{_DATA_FILE}: {detail}") from exc
    return vocab


def _read_vocabulary(data: dict) -> _Vocabulary:
    space = data["space"]
    missing = _WEIGHTS - set(data["weights"])
    if missing:
        raise ValueError(f"weights: missing {', '.join(sorted(missing))}")
    limits = dict(_LIMITS)
    limits.update({key: int(value) for key, value in data.get("limits", {}).items()})
    if min(limits.values()) < 1:
        raise ValueError("limits: every limit must be at least 1")
    words = {key: frozenset(word.lower() for word in data["parse"][key]) for key in _PARSE_WORDS}
    return _Vocabulary(
        threshold=float(data["threshold"]),
        weights={key: float(value) for key, value in data["weights"].items()},
        limits=limits,
        lead_words=int(data.get("lead_words", 40)),
        lead_paragraphs=int(data.get("lead_paragraphs", 2)),
        inflections={key.lower(): tuple(forms) for key, forms in data.get("inflections", {}).items()},
        masks=tuple(data["masks"]["phrases"]),
        production=tuple(data["production"]["words"]),
        not_production=frozenset(word.lower() for word in data["production"].get("not_production", ())),
        context=tuple(data["production"].get("context", ())),
        words=words,
        verdict_words=frozenset().union(*(words[key] for key in ("depict", "view", "watched_events", "negators",
                                                                  "open_questions", "call_off", "drawn")),
                                        {"set"}, _NEGATIONS),
        stations=tuple(space["stations"]),
        craft=tuple(space["craft"]),
        places=tuple(space["places"]),
        prepositions=tuple(space["prepositions"]),
        station_words=tuple(space.get("station_words", ())),
        vessel_prepositions=tuple(space.get("vessel_prepositions", ())),
        station_places=tuple(space.get("station_places", ())),
        weak_places=tuple(space.get("weak_places", ())),
        cues=tuple(space.get("cues", ())),
        depictions=tuple(space.get("depictions", ())),
        on_earth=tuple(data["on_earth"]["patterns"]),
        not_film=tuple(data.get("not_film", {}).get("patterns", ())),
        other_things=tuple(data.get("not_film", {}).get("named_things", ())),
    )


@dataclass(frozen=True)
class _TermSet:
    """Several terms as one regex, plus a way back from a matched string to its term.

    `anchors` are lower-case strings that every match starts with: `str.find` locates them
    far faster than a regex alternation can scan a page, and the regex then only has to
    confirm each place found.
    """

    pattern: re.Pattern[str] | None
    terms: tuple[tuple[str, re.Pattern[str]], ...]
    anchors: tuple[str, ...] = ()

    def label(self, matched: str) -> str:
        for term, regex in self.terms:
            if regex.fullmatch(matched):
                return term
        return matched


@dataclass(frozen=True)
class _Matchers:
    vocab: _Vocabulary
    include: _TermSet
    require: _TermSet
    exclude: _TermSet
    aliases: _TermSet
    masks: dict[str, re.Pattern[str]]  # by each word a mask phrase spells out
    production: _TermSet
    context: _TermSet                       # words of making a production, for watched aliases
    places_strict: re.Pattern[str] | None   # places in space, and named stations and craft
    places_station: re.Pattern[str] | None  # "aboard the station": only once space is the subject
    names: re.Pattern[str] | None           # station and craft names anywhere (space context)
    cues: re.Pattern[str] | None            # other words that make space the subject
    weak: re.Pattern[str] | None            # places that also describe scenes made on the ground
    depictions: re.Pattern[str] | None
    on_earth: re.Pattern[str] | None
    not_film: re.Pattern[str] | None
    titles: frozenset[str]                  # aliases a watch's label names as its title
    space_aliases: frozenset[str]           # aliases of watches whose label places them in space
    named_before: re.Pattern[str] | None    # "the video game " just before a name: not a production
    named_after: re.Pattern[str] | None     # ", a video game" just after a name
    film_topic: bool  # the config's include terms are production words: in-space evidence stands for them


@lru_cache(maxsize=64)
def _matchers(topic: TopicRules, watches: tuple[WatchSpec, ...]) -> _Matchers:
    vocab = _vocabulary()
    production = list(vocab.production) + [term for term in topic.include
                                           if term.lower() not in vocab.not_production]
    aliases = sorted({alias.strip() for watch in watches for alias in watch.aliases if alias.strip()},
                     key=len, reverse=True)
    preps = "|".join(sorted((r"\s+".join(map(re.escape, p.split())) for p in vocab.prepositions), key=len, reverse=True))
    det = r"(?:the |a |an |its |their |his |her |this |that )?(?:[\w'\u2019-]+ ){0,3}"
    named = [_name_pattern(n) for n in vocab.stations + vocab.craft]
    station_words = [re.escape(w) + "s?" for w in vocab.station_words]
    aboard = "|".join(r"\s+".join(map(re.escape, p.split())) for p in vocab.vessel_prepositions)
    places_strict = _either(list(vocab.places) + [f"(?:{preps}) {det}(?:{'|'.join(named)})"]
                            + [f"(?:{aboard}) {det}(?:{'|'.join(station_words)})"] * bool(aboard))
    places_station = _either([f"(?:{preps}) {det}(?:{'|'.join(station_words)})"] + list(vocab.station_places))
    names = _either(named)
    cues = _either(vocab.cues)
    require = _term_set(topic.require, vocab.inflections)
    in_space = [p for p in (places_strict, places_station, names, cues, require.pattern) if p is not None]
    space_aliases = frozenset(alias.strip() for watch in watches if any(p.search(watch.label) for p in in_space)
                              for alias in watch.aliases if alias.strip())
    titles = frozenset(alias.strip() for watch in watches for alias in label_titles(watch.label, tuple(watch.aliases))
                       if len(alias.split()) > 1 or not _common_word(alias.strip()))
    return _Matchers(
        vocab=vocab,
        titles=titles,
        space_aliases=space_aliases,
        include=_term_set(topic.include, vocab.inflections),
        require=require,
        exclude=_term_set(topic.exclude, vocab.inflections),
        aliases=_alias_set(aliases),
        masks=_masks_by_word(vocab.masks),
        production=_term_set(production, vocab.inflections),
        context=_term_set(vocab.context, vocab.inflections),
        places_strict=places_strict,
        places_station=places_station,
        names=names,
        cues=cues,
        weak=_either(vocab.weak_places),
        depictions=_either(vocab.depictions),
        on_earth=_either(vocab.on_earth),
        not_film=_either(vocab.not_film),
        named_before=_named_before(vocab.other_things),
        named_after=_named_after(vocab.other_things),
        film_topic=any(term.lower() in {w.lower() for w in vocab.production} for term in topic.include),
    )


def _common_word(word: str) -> bool:
    """An ordinary English word ("undertow"), which as a title may be only that word; True (the
    careful answer) when no model is installed to tell."""
    try:
        return is_common_word(word)
    except ModelMissing:
        return True


def _named_before(nouns: Sequence[str]) -> re.Pattern[str] | None:
    """A common noun right before a name, as English classifies one ("the game X")."""
    if not nouns:
        return None
    words = "|".join(re.escape(n) + "s?" for n in sorted(nouns, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{words})[ \t]+$", re.IGNORECASE)


def _named_after(nouns: Sequence[str]) -> re.Pattern[str] | None:
    """An apposition right after a name: ", a mobile game", ", the app"."""
    if not nouns:
        return None
    words = "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True))
    modifier = r"(?!(?:of|on|from|by|about|after|for|with|and|or|to|in)\b)[\w'\u2019-]+[ \t]+"  # no "a remake of the game"
    return re.compile(rf"[ \t]*,[ \t]+(?:an?|the)[ \t]+(?:{modifier}){{0,3}}?(?:{words})(?![\w-])", re.IGNORECASE)


def _name_pattern(name: str) -> str:
    """A station or craft name: as written when it has capitals (then any case for its common
    words: "Crew Dragon", "crew Dragon"), case-insensitive when written in lower case."""
    words = [re.escape(w) for w in name.split()]
    if name.islower():
        return r"\s+".join(words)
    return "(?-i:" + r"\s+".join(words) + r")(?:[- ]?\d{1,2})?"


def _either(patterns: Sequence[str], flags: int = re.IGNORECASE) -> re.Pattern[str] | None:
    """One whole-word regex matching any of the patterns, longest first."""
    patterns = [p for p in patterns if p]
    if not patterns:
        return None
    ordered = sorted(patterns, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{p})" for p in ordered) + r")(?![\w])", flags)


def _term_set(terms: Sequence[str], inflections: dict[str, tuple[str, ...]]) -> _TermSet:
    terms = list(dict.fromkeys(term.strip() for term in terms if term and term.strip()))
    patterns = [_term_pattern(term, inflections) for term in terms]
    compiled = tuple((term, re.compile(pattern)) for term, pattern in zip(terms, patterns))
    anchors = {anchor for term in terms for anchor in _anchors(term, inflections)}
    return _TermSet(_either(patterns, flags=0), compiled, _minimal(anchors))


def _anchors(term: str, inflections: dict[str, tuple[str, ...]]) -> set[str]:
    """Lower-case beginnings shared by every form of the term (its first word, less a final e/y)."""
    first = term.split()[0].lower()
    words = term.split()
    if len(words) == 1 and not term.isupper():
        anchors = {first[:-1] if first.endswith(("e", "y")) and len(first) > 3 else first}
        return anchors | {form.lower() for form in inflections.get(first, ())}
    return {first}


def _minimal(anchors: set[str]) -> tuple[str, ...]:
    """Drop anchors that start with another anchor: the shorter one finds them already."""
    return tuple(sorted(a for a in anchors if not any(b != a and a.startswith(b) for b in anchors)))


def _alias_set(aliases: Sequence[str]) -> _TermSet:
    """Aliases are names: matched as written (case-sensitive) unless written all lower-case."""
    patterns = []
    for alias in aliases:
        escaped = r"[\s\u00a0]+".join(re.escape(word) for word in alias.split())
        patterns.append(f"(?i:{escaped})" if alias.islower() else escaped)
    compiled = tuple((alias, re.compile(pattern)) for alias, pattern in zip(aliases, patterns))
    return _TermSet(_either(patterns, flags=0), compiled, _minimal({a.split()[0].lower() for a in aliases}))


def _term_pattern(term: str, inflections: dict[str, tuple[str, ...]]) -> str:
    """A topic term as a regex: whole words, case-insensitive, inflected on its last word.

    Terms written in capitals are acronyms and match only in capitals ("ISS", not "iss"); long
    ones also capitalised ("Nasa"), as some house styles write them.
    """
    words = term.split()
    if term.isupper():
        exact = r"\s+".join(re.escape(word) for word in words)
        if sum(c.isalpha() for c in term) >= 4:
            titled = r"\s+".join(re.escape(word.capitalize()) for word in words)
            return f"(?:{exact}|{titled})"
        return exact
    last = words[-1].lower()
    forms = sorted(_forms(last, inflections), key=len, reverse=True)
    stem = "|".join(re.escape(form) for form in forms)
    prefix = "".join(re.escape(word) + r"[\s-]+" for word in words[:-1])
    return f"(?i:{prefix}(?:{stem}))"


def _forms(word: str, inflections: dict[str, tuple[str, ...]]) -> set[str]:
    forms = {word}
    if word.isalpha():
        forms |= {word + "s", word + "es", word + "ed", word + "ing"}
        if word.endswith("e"):
            forms |= {word + "d", word[:-1] + "ing"}
        if word.endswith("y") and len(word) > 2 and word[-2] not in _VOWELS:
            forms |= {word[:-1] + "ies", word[:-1] + "ied"}
        if len(word) > 2 and word[-1] not in _VOWELS + "wxy" and word[-2] in _VOWELS and word[-3] not in _VOWELS:
            forms |= {word + word[-1] + "ing", word + word[-1] + "ed"}
    forms |= set(inflections.get(word, ()))
    return forms


# -- scanning helpers ---------------------------------------------------------------------------


def _masks_by_word(masks: Sequence[str]) -> dict[str, re.Pattern[str]]:
    """Mask phrases grouped under each word they spell out ("launch directors?" under "director").

    A hit only has to be checked against the few masks that contain its own word, which is
    several times faster than trying the whole list at every candidate position.
    """
    groups: dict[str, list[str]] = {}
    for mask in masks:
        words = {word.lower() for word in re.findall(r"[A-Za-z]{3,}", mask)}
        for word in words | {word[:-1] for word in words if word.endswith("s")}:
            groups.setdefault(word, []).append(mask)
    return {word: compiled for word, patterns in groups.items() if (compiled := _either(patterns)) is not None}


def _masks_at(masks: dict[str, re.Pattern[str]], text: str, hits: Sequence[_Hit]) -> list[_Hit]:
    """Mask phrases overlapping a hit, searched for only in a short stretch around it."""
    found: dict[tuple[int, int], _Hit] = {}
    done: set[tuple[int, int]] = set()
    for start, end, label in hits:
        for word in set(label.lower().split() + text[start:end].lower().split()):
            pattern = masks.get(word) or masks.get(word.rstrip("s"))
            if pattern is None or (start, id(pattern)) in done:
                continue
            done.add((start, id(pattern)))
            for match in pattern.finditer(text, max(0, start - 32), min(len(text), end + 40)):
                if match.start() <= start and end <= match.end():
                    found[match.span()] = (match.start(), match.end(), match.group())
    return list(found.values())


def _unmasked(hits: list[_Hit], masks: list[_Hit]) -> list[_Hit]:
    """Hits that no mask covers whole ("commercial space" does not hide "space station").

    One sweep over both, sorted: a hit is covered when the furthest end of the masks that start
    at or before it reaches its end."""
    if not masks:
        return hits
    masks = sorted(masks)
    kept, i, reach = [], 0, -1
    for hit in sorted(hits):
        while i < len(masks) and masks[i][0] <= hit[0]:
            reach = max(reach, masks[i][1])
            i += 1
        if reach < hit[1]:
            kept.append(hit)
    return kept


def _find(terms: _TermSet, text: str, lowered: str | None = None) -> list[_Hit]:
    """Every match of the term set, left to right, without overlaps, labelled with its term."""
    if terms.pattern is None:
        return []
    lowered = text.lower() if lowered is None else lowered
    if len(lowered) != len(text) or not terms.anchors:  # rare letters whose lower case is longer
        candidates = (match.start() for match in terms.pattern.finditer(text))
    else:
        candidates = sorted({pos for anchor in terms.anchors for pos in _occurrences(lowered, anchor)})
    labels: dict[str, str] = {}
    hits: list[_Hit] = []
    end = 0
    for pos in candidates:
        if pos < end:
            continue
        match = terms.pattern.match(text, pos)
        if match is None:
            continue
        found = match.group()
        if found not in labels:
            labels[found] = terms.label(found)
        hits.append((match.start(), match.end(), labels[found]))
        end = match.end()
    return hits


def _occurrences(text: str, needle: str):
    pos = text.find(needle)
    while pos >= 0:
        yield pos
        pos = text.find(needle, pos + 1)


def _find_raw(pattern: re.Pattern[str] | None, text: str) -> list[_Hit]:
    if pattern is None:
        return []
    return [(match.start(), match.end(), " ".join(match.group().split())) for match in pattern.finditer(text)]


def _labels(hits: Sequence[_Hit]) -> list[str]:
    """Distinct labels in order of first occurrence."""
    return list(dict.fromkeys(label for _, _, label in hits))


def _sentences(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Sentence spans; one longer than `max_chars` is cut at spaces into pieces of at most that."""
    spans, start = [], 0
    for match in _SENTENCE_BREAK.finditer(text):
        end = match.start() + (0 if match.group()[0] == "\n" else 1)  # keep the full stop
        if end > start:
            spans.extend(_pieces(text, start, end, max_chars))
        start = match.end()
    if start < len(text):
        spans.extend(_pieces(text, start, len(text), max_chars))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _pieces(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    spans = []
    while end - start > max_chars:
        cut = text.rfind(" ", start + max_chars // 2, start + max_chars)
        cut = cut if cut > start else start + max_chars
        spans.append((start, cut))
        start = cut
    spans.append((start, end))
    return spans


def _lead_end(text: str, title: str, lead_words: int, lead_paragraphs: int) -> int:
    """Offset where the lead ends: the first paragraphs until `lead_words` words, at most
    `lead_paragraphs` of them, not counting a first paragraph that repeats the title."""
    end, words, count, start = 0, 0, 0, 0
    folded_title = " ".join(title.split()).casefold()
    while count < lead_paragraphs and words < lead_words and start < len(text):
        stop = text.find("\n", start)
        stop = len(text) if stop < 0 else stop
        paragraph = text[start:min(stop, start + 4 * len(folded_title) + 400)]
        if paragraph.strip():
            if not (count == 0 and words == 0 and folded_title and " ".join(paragraph.split()).casefold() == folded_title):
                count += 1
                words += len(paragraph.split(None, lead_words))
        end = start = stop + 1
    return end
