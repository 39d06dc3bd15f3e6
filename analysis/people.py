"""People named in a sentence, and the role the prose gives each: cast, director, removed, other.

A name is a run of two to four capitalised words that are not organisation, place or calendar
words (analysis/data/details.toml `not_name_tokens`); "Moscow's Oleg Tabakov Theatre" is no
person. A role comes from cue phrases right before or after the name, with other names in a
coordination skipped ("Rafael Mendes and Greta Lindqvist play ...").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from analysis.detail_data import load_patterns

TOKEN = re.compile(r"[A-Z]\.(?=\s)|[^\W\d_][\w\-]*(?:[’'][^\W\d_][\w\-]*)?")
PARTICLES = {"de", "van", "von", "der", "den", "da", "di", "del", "della", "bin", "ibn", "al", "el", "la", "le", "du",
             "dos", "das", "ter", "ten", "ap", "zu", "y", "e", "af"}
MASK = "\x00"
# "the agency's director, X" runs an organisation, not a film.
ORG_DIRECTOR = re.compile(r"(?:agency|station|company|cent(?:er|re)|institute|museum|festival|channel|programme|program|"
                          r"school|university|bank|fund|administration|ministry|observatory|laboratory)['’]s (?:\w+ )?"
                          r"director[:,]?\s*$", re.IGNORECASE)
CAST, DIRECTOR, OTHER, REMOVED, WEAK_CAST = "cast", "director", "other", "removed", "weak-cast"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    name: str  # as written (possessive stripped)


@dataclass(frozen=True)
class RoleCues:
    strong_cast: re.Pattern[str]
    cast_before: re.Pattern[str]
    cast_after: re.Pattern[str]
    director_before: re.Pattern[str]
    director_after: re.Pattern[str]
    other_before: re.Pattern[str]
    other_after: re.Pattern[str]
    removed_before: re.Pattern[str]
    removed_after: re.Pattern[str]
    weak_cast_after: re.Pattern[str]
    not_name: frozenset[str]


@lru_cache(maxsize=1)
def cues() -> RoleCues:
    p = load_patterns()["people"]

    def before(key: str) -> re.Pattern[str]:
        return re.compile(rf"(?:^|[^\w])(?:{p[key]})\s*$", re.IGNORECASE)

    def after(key: str) -> re.Pattern[str]:
        return re.compile(rf"^(?:{p[key]})(?![\w-])", re.IGNORECASE)

    return RoleCues(
        strong_cast=re.compile(rf"(?:{p['cast_strong_before']})$".replace("[^.;!?]", f"[^.;!?{MASK}]"), re.IGNORECASE),
        cast_before=before("cast_before"), cast_after=after("cast_after"),
        director_before=before("director_before"), director_after=after("director_after"),
        other_before=before("other_before"), other_after=after("other_after"),
        removed_before=before("removed_before"), removed_after=after("removed_after"),
        weak_cast_after=re.compile(r"^ (?:space |orbital |new |planned |upcoming )?(?:film|movie|feature|project)\b",
                                   re.IGNORECASE),
        not_name=frozenset(t.lower() for t in p["not_name_tokens"]))


def _plain(token: str) -> str:
    return re.sub(r"[’']s$", "", token)


def find_names(sentence: str) -> list[Span]:
    """Person-like names in a sentence: runs of 2-4 capitalised words, no organisation words after."""
    not_name = cues().not_name
    tokens = list(TOKEN.finditer(sentence))
    spans: list[Span] = []
    i = 0
    while i < len(tokens):
        run: list[re.Match[str]] = []
        j = i
        while j < len(tokens):
            tok = tokens[j].group(0)
            if run and sentence[tokens[j - 1].end():tokens[j].start()] not in (" ",):
                break
            word = _plain(tok)
            initial = re.fullmatch(r"[A-Z]\.", word) is not None
            if word[0].isupper() and (initial or not (len(word) > 1 and word.isupper())) and word.lower() not in not_name:
                run.append(tokens[j])
                j += 1
                if word != tok:  # possessive ends the name
                    break
                continue
            if run and tok in PARTICLES and j + 1 < len(tokens) and tokens[j + 1].group(0)[0].isupper():
                run.append(tokens[j])
                j += 1
                continue
            break
        if len(run) >= 2 and run[-1].group(0) not in PARTICLES:
            after_run = tokens[j] if j < len(tokens) else None
            glued = after_run is not None and sentence[run[-1].end():after_run.start()] == " " \
                and _plain(run[-1].group(0)) == run[-1].group(0)
            org_follows = glued and after_run.group(0)[0].isupper() and after_run.group(0).lower() in not_name
            if not org_follows and len(run) <= 4:
                start, end = run[0].start(), run[-1].end()
                text = _plain(sentence[start:end])
                spans.append(Span(start, start + len(text), text))
        i = j + 1 if j == i else j
    return spans


def roles(masked: str, start: int, end: int) -> set[str]:
    """The roles the cues around masked[start:end] give that name (empty: no cue)."""
    c = cues()
    left = re.sub(rf"(?:{MASK}+(?:,? (?:and|&) |, ))+$", "", masked[max(0, start - 90):start])
    right = re.sub(rf"^(?:(?:,? (?:and|&) |, ){MASK}+)+", "", masked[end:end + 120])
    found: set[str] = set()
    if c.strong_cast.search(left):
        return {CAST}
    if re.match(rf"^ (?:will )?(?:replace|replaces|replaced|succeed|succeeds|succeeded) {MASK}+ as (?:the )?director",
                right, re.IGNORECASE):
        return {DIRECTOR}
    if c.removed_after.match(right) or c.removed_before.search(left):
        return {REMOVED}
    if c.cast_after.match(right):
        found.add(CAST)
    if c.director_after.match(right):
        found.add(DIRECTOR)
    if found:
        return found
    if c.cast_before.search(left):
        found.add(CAST)
    if c.director_before.search(left) and not ORG_DIRECTOR.search(left):
        found.add(DIRECTOR)
    if found:
        return found
    if c.other_before.search(left) or c.other_after.match(right):
        return {OTHER}
    if c.weak_cast_after.match(right) and re.search(r"\b(?:the|a|an)\s*$", left, re.IGNORECASE):
        return {WEAK_CAST}
    return found
