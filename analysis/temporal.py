"""Reasoning about the dates a sentence gives: offsets, anchors and what is only talk.

`find_offsets` reads spans of time ("a week", "48 hours", "a fortnight") and how they move a
date: pushed back by, two days earlier than, three weeks after the premiere on, in ten days'
time, the day after tomorrow. `stated_as_fact` reads the dependency parse to tell a plan from
speculation, conditions and negation ("could slip to", "if approved it would fly on", "will not
launch from", "denied reports that").
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from spacy.tokens import Doc, Token

NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
           "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
           "a couple of": 2, "a few": 3}
UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14, "hour": 1 / 24}
_NUMBER = r"(?P<n>\d{1,3}|a couple of|a few|" + "|".join(sorted((w for w in NUMBERS if " " not in w), key=len, reverse=True)) + ")"
DURATION = rf"(?:{_NUMBER}\s+(?:(?:more|further|extra)\s+)?(?P<unit>day|week|fortnight|hour|month)s?(?:['’]s?)?(?:\s+to\s+the\s+day)?|(?P<fortnight>a fortnight))"
_MOVE = (r"(?P<move>(?:pushed|put|set|brought|moved)\b(?:\s+[^\s.;]+){0,9}?\s+(?:back|forward|up)|"
         r"(?:slides?|slid|slips?|slipped|shifts?|shifted)\s+(?:back|forward|up)|delayed|postponed|"
         r"slipped|advanced|moved)")
SHIFT_BY = re.compile(rf"\b{_MOVE}\b[^.;]{{0,60}}?\bby\s+{DURATION}", re.IGNORECASE)
SHIFT_BARE = re.compile(rf"\b{_MOVE}\s+(?:(?:another|a\s+further|an\s+additional)\s+)?{DURATION}"
                        r"(?:\s+(?=from|to|until|till|on|after)|\s*(?=[,.;]|$))",
                        re.IGNORECASE)  # "moved up two days from", "moved forward 48 hours, NASA said", "slipped another week."
THAN = re.compile(rf"\b{DURATION}\s+(?P<dir>earlier|later|sooner)\s+than\b", re.IGNORECASE)
AROUND = re.compile(rf"\b(?:(?P<the>the)\s+(?P<dayword>day|week)|{DURATION})\s+(?P<dir>after|before)\b(?!\s+tomorrow)", re.IGNORECASE)
LATER = re.compile(rf"\b{DURATION}\s+(?P<dir>later|earlier)\b(?!\s+than)", re.IGNORECASE)
FROM_NOW = (re.compile(rf"\bin\s+{DURATION}(?:\s+time)?(?!\s+(?:after|before|later|earlier))", re.IGNORECASE),
            re.compile(rf"\b{DURATION}\s+from\s+(?:today|now)\b", re.IGNORECASE),
            re.compile(rf"\b(?:for|within)\s+{DURATION}\s+time\b", re.IGNORECASE))  # "set for ten days' time"
DAY_AFTER_TOMORROW = re.compile(r"\bthe day after tomorrow\b", re.IGNORECASE)
SPECULATIVE_AUX = {"could", "might", "may"}
HEDGES = {"speculation", "speculate", "rumour", "rumor", "deny", "denial", "consider", "mull", "weigh", "reportedly",
          "possibly", "perhaps", "unconfirmed", "suggest", "talk", "chatter", "gossip", "buzz", "hearsay", "whisper"}
EVENT_NOUNS = {"launch", "flight", "liftoff", "lift-off", "release", "premiere", "opening", "debut", "date", "target",
               "departure", "mission", "start", "window", "schedule"}
WATCHING = {"attend", "watch", "witness", "observe", "view", "see"}  # "watched the launch of another craft"
ASSERTING = {"say", "add", "insist", "stress", "explain", "note", "confirm"}
DEFINITE = {"the", "this", "that", "its", "her", "his", "their"}
CONCESSIVE = {"though", "although", "whereas", "while"}
CONDITIONS = {"if", "unless", "provided", "providing", "assuming", "should", "were", "whether"}


@dataclass(frozen=True)
class Offset:
    """A span of time in a sentence and what it moves: `anchored` dates are not the event's own."""

    start: int
    end: int
    days: int
    kind: str   # "by" (moves the date named with it), "than", "around" (after/before a date),
                # "later" (after the date in context), "from-now" (after publication)
    months: int = 0  # "two months after": calendar months, then `days`

    def move(self, day: date) -> date:
        """`day` moved by this span of time (months first, to the same day or the month's end)."""
        if self.months:
            month = day.month - 1 + self.months
            year, month = day.year + month // 12, month % 12 + 1
            day = date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
        return day + timedelta(days=self.days)


def _days(m: re.Match[str]) -> int:
    if m.groupdict().get("fortnight"):
        return 14
    if m.group("unit").lower() == "month":
        return 0
    return max(1, round(_count(m) * UNIT_DAYS[m.group("unit").lower()]))


def _count(m: re.Match[str]) -> int:
    number = m.group("n").lower()
    return int(number) if number.isdigit() else NUMBERS[number]


def _months(m: re.Match[str]) -> int:
    return _count(m) if m.groupdict().get("unit") and m.group("unit").lower() == "month" else 0


def find_offsets(sentence: str) -> list[Offset]:
    found: list[Offset] = []
    for m in [*SHIFT_BY.finditer(sentence), *SHIFT_BARE.finditer(sentence)]:
        if any(f.start <= m.start() < f.end for f in found):
            continue
        sign = -1 if m.group("move").lower().split()[-1] in ("forward", "up", "advanced") else 1
        found.append(Offset(m.start(), m.end(), sign * _days(m), "by", sign * _months(m)))
    for m in THAN.finditer(sentence):
        sign = -1 if m.group("dir").lower() == "earlier" or m.group("dir").lower() == "sooner" else 1
        found.append(Offset(m.start(), m.end(), sign * _days(m), "than", sign * _months(m)))
    for m in AROUND.finditer(sentence):
        days = {"day": 1, "week": 7}[m.group("dayword").lower()] if m.group("the") else _days(m)
        sign = 1 if m.group("dir").lower() == "after" else -1
        months = 0 if m.group("the") else _months(m)
        found.append(Offset(m.start(), m.end(), sign * days, "around", sign * months))
    for m in LATER.finditer(sentence):
        sign = 1 if m.group("dir").lower() == "later" else -1
        found.append(Offset(m.start(), m.end(), sign * _days(m), "later", sign * _months(m)))
    for pattern in FROM_NOW:
        for m in pattern.finditer(sentence):
            found.append(Offset(m.start(), m.end(), _days(m), "from-now", _months(m)))
    for m in DAY_AFTER_TOMORROW.finditer(sentence):
        found.append(Offset(m.start(), m.end(), 2, "from-now"))
    return sorted(found, key=lambda o: o.start)


def stated_as_fact(doc: Doc, start: int, end: int, watching: bool = True) -> bool:
    """Whether the clause that holds the characters start..end states a plan or a fact, not a
    possibility, a condition, a denial, a negation, or an event someone only watched."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return True
    until = span.root.head.lower_ in ("until", "till", "before")  # "will not fly until June": flies in June
    token: Token | None = span.root
    below: Token | None = None  # the child the walk came up from
    seen = 0
    described = False  # past a relative clause on a noun: "Z, which is dated for X, might move": X stands
    while token is not None and seen < 12:
        if _hedged(token, until, watching, described=described, below=below):
            return False
        if token.head.i == token.i or (token.dep_ == "conj" and token.head.dep_ == "ROOT" and any(
                c.dep_ in ("nsubj", "nsubjpass") for c in token.children)):
            break  # a main clause of its own: "there is talk it may slip, but the studio says it flies on X"
        if token.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in CONCESSIVE for c in token.children):
            break  # "will not launch from X, though its stars would still fly on Y": Y is asserted
        if token.dep_ == "conj" and token.lemma_.lower() in ASSERTING and token.head.dep_ == "ROOT":
            break  # "denied that it had moved and said the Soyuz lifts off on X": what it says now
        if token.dep_ == "advcl" and token.tag_ == "VBG" and token.lemma_.lower() in ASSERTING:
            break  # "denied that it had moved, saying the crew still flies on the 14th": what the speaker asserts
        if any(t.text in (";", ":") for t in doc[min(token.i, token.head.i) + 1:max(token.i, token.head.i)]):
            break  # a semicolon or colon ends the clause, however the parser joined the next one to it
        below = token
        described = described or _describes_a_noun(token)
        token, seen = token.head, seen + 1
    return True


def _describes_a_noun(clause: Token) -> bool:
    """A finite relative clause, or a participle set off by a comma, has its own tense and modality
    ("Z's launch, currently set for 13 March, could slip"); an infinitive does not ("the first
    actress to fly on X" is as hedged as the clause it is in)."""
    if clause.dep_ == "relcl":
        return not any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)
    return clause.dep_ == "acl" and clause.tag_ in ("VBN", "VBD") and clause.doc[max(0, clause.left_edge.i - 1)].text == ","


def hedged_clause(verb: Token) -> bool:
    """Whether the clause of `verb` itself is negated, hedged or conditional (not the clauses above it)."""
    return _hedged(verb)


def presupposed(doc: Doc, start: int, end: int) -> bool:
    """Whether the name at start..end modifies a definite subject ("Her Soyuz flight could slip",
    "the crew's Crew Dragon ride may move"): the flight is taken as given, and only what is said
    of it is hedged; not when it is denied ("... will not go ahead") or indefinite ("a Soyuz
    flight could be added")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    token = span.root
    while token.head.i != token.i and (token.dep_ in ("compound", "nmod", "amod") or (  # "Z's launch on X from Y"
            token.dep_ == "pobj" and token.head.dep_ == "prep" and token.head.head.pos_ in ("NOUN", "PROPN"))):
        token = token.head if token.dep_ != "pobj" else token.head.head
    if token.dep_ not in ("nsubj", "nsubjpass") or any(c.dep_ == "neg" for c in token.head.children):
        return False
    return any(c.dep_ == "poss" or (c.dep_ == "det" and c.lower_ in DEFINITE) for c in token.children)


def _hedged(token: Token, until: bool = False, watching: bool = True, described: bool = False,
            below: Token | None = None) -> bool:
    """Whether `token` makes what hangs on it no fact; with `described` (above a clause that
    describes a noun), not by the modal or the condition of the clause it is in."""
    if token.lemma_.lower() in HEDGES or (watching and token.pos_ == "VERB" and token.lemma_.lower() in WATCHING):
        return True
    for child in token.children:
        if (child.dep_ == "neg" and child.i < token.i and not until) or (
                child.dep_ == "aux" and child.lower_ in SPECULATIVE_AUX and not described):
            return True
        if child.dep_ == "advmod" and child.lower_ in ("longer", "never") and token.pos_ in ("VERB", "AUX"):
            return True
        if child.dep_ in ("attr", "nsubj", "dobj", "advmod") and child.lemma_.lower() in HEDGES:
            return True
        if child.dep_ == "advcl" and child.pos_ in ("VERB", "AUX") and _conditional(child) and not described:
            return True
        if child.dep_ == "ccomp" and (below is None or child.i != below.i) and child.i < token.i and not described and any(
                c.dep_ == "aux" and c.lower_ in CONDITIONS and any(n.dep_ == "nsubj" and c.i < n.i for n in child.children)
                for c in child.children):
            return True  # "should she fall ill, her backup would fly on X": an inverted condition, parsed as a clause
    return False


def _conditional(clause: Token) -> bool:
    """"if the module is ready", "should the checks go well", "were the rains to delay it"."""
    first = min(clause.subtree, key=lambda t: t.i)
    return first.lower_ in CONDITIONS or any(c.dep_ == "mark" and c.lower_ in CONDITIONS for c in clause.children)


def governing_verb(doc: Doc, start: int, end: int) -> tuple[set[str], int]:
    """The forms of the verb a date hangs on ("fly" in "will fly on 3 May"); empty when an event
    noun comes first ("the launch on 3 May", "will host the launch on 3 May") or there is none."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return set(), start
    token, seen = span.root, 0
    while token.head.i != token.i and seen < 8:
        token, seen = token.head, seen + 1
        if token.pos_ in ("NOUN", "PROPN") and token.dep_ != "compound" and token.lemma_.lower() in EVENT_NOUNS:
            return set(), start
        if token.pos_ in ("VERB", "AUX") and token.dep_ != "acl":  # a participle describing a noun is no event
            if any(c.dep_ in ("dobj", "nsubj", "nsubjpass") and c.lemma_.lower() in EVENT_NOUNS for c in token.children):
                return set(), start
            lower = token.lower_
            forms = {token.lemma_.lower(), lower, lower.removesuffix("d"), lower.removesuffix("ed"), lower.removesuffix("s")}
            return forms, token.idx
    return set(), start


PEOPLE = {"actor", "actress", "crew", "cast", "star", "astronaut", "cosmonaut", "taikonaut", "people", "pair", "duo",
          "trio", "member", "director", "team", "passenger", "tourist", "performer", "filmmaker"}
PRODUCTION_HEADS = {"film", "movie", "series", "feature", "documentary", "show", "production", "picture", "season",
                    "episode", "studio", "drama", "thriller", "comedy"}


def describes_other_noun(doc: Doc, start: int, end: int) -> bool:
    """"the flight plan released Thursday", "a statement issued on 3 May": the date belongs to a
    participle describing a noun that is neither an event nor a production."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    verb = next((t for t in span.root.ancestors if t.pos_ in ("VERB", "AUX")), None)
    if verb is None or verb.dep_ != "acl" or verb.head.pos_ not in ("NOUN", "PROPN"):
        return False
    if any(t.text in (":", "—", "–") for t in doc[verb.head.i + 1:verb.i]):
        return False  # "A quick recap: X's Soyuz launched on Saturday": a clause of its own after the colon
    noun = verb.head.lemma_.lower()
    return noun not in EVENT_NOUNS | PRODUCTION_HEADS | PEOPLE and verb.head.ent_type_ != "PERSON" and \
        verb.head.text != "Alex"  # "the two actors, A and B, launched on Monday": the people themselves


def past_event(doc: Doc, start: int, end: int, published_year: int) -> bool:
    """"who flew on X in 2028": the verb holding the span is in the past tense and its clause
    names an earlier year."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    token, seen = span.root, 0
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i and seen < 8:
        token, seen = token.head, seen + 1
    if token.tag_ not in ("VBD", "VBN"):
        return False
    return any(t.like_num and len(t.text) == 4 and t.text.isdigit() and int(t.text) < published_year
               for t in token.subtree)
