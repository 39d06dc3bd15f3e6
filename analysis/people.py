"""People named in a sentence: runs of two to four capitalised words that are not organisation,
place or calendar words (analysis/data/details.toml `not_name_tokens`); "Moscow's Oleg Tabakov
Theatre" is no person. Their roles are read from the parse (`analysis.roles`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from analysis.detail_data import load_patterns

# A hyphen joins name parts ("Rhys-Kessel", and a short lower-case syllable: "Hyun-woo", "Ji-won"),
# not a participle or an adjective glued to a name ("Kalnins-directed", "Oscar-winning", "Tokyo-born").
TOKEN = re.compile(r"(?:[A-Z]\.){1,3}(?=\s)|[^\W\d_][\w]*"
                   r"(?:-(?:(?![a-z]+\b)|(?=[a-z]{1,5}\b)(?![a-z]*ed\b|[a-z]{2,}ing\b|(?:born|made|like|based|wide|style|run)\b))[\w]+)*"
                   r"(?:[’'][^\W\d_][\w\-]*)?")
PARTICLES = {"de", "van", "von", "der", "den", "da", "di", "del", "della", "bin", "ibn", "al", "el", "la", "le", "du",
             "dos", "das", "ter", "ten", "ap", "zu", "y", "e", "af", "los", "las", "do", "vom", "zum", "dei", "ben",
             "abu", "bint", "binti", "binte"}


def particle_joined(word: str) -> bool:
    """"al-Khatib", "bin-Rashid": a name particle joined to a capitalised name by a hyphen."""
    match = re.fullmatch(r"([a-z]{1,4})-[A-Z]\w*", word)
    return match is not None and match.group(1) in PARTICLES


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    name: str  # as written (possessive stripped)


@lru_cache(maxsize=1)
def not_name_words() -> frozenset[str]:
    """Capitalised words that end a name run: organisation, place and calendar words."""
    return frozenset(t.lower() for t in load_patterns()["people"]["not_name_tokens"])


def _plain(token: str) -> str:
    return re.sub(r"[’']s$", "", token)


def find_names(sentence: str) -> list[Span]:
    """Person-like names in a sentence: runs of 2-4 capitalised words, no organisation words after."""
    not_name = not_name_words()
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
            initial = re.fullmatch(r"(?:[A-Z]\.)+", word) is not None
            if (word[0].isupper() or (run and particle_joined(word))) and (initial or not (len(word) > 1 and word.isupper())) and word.lower() not in not_name:
                run.append(tokens[j])
                j += 1
                if word != tok:  # possessive ends the name
                    break
                continue
            after = j + 1
            while after < len(tokens) and after - j < 3 and tokens[after].group(0) in PARTICLES:
                after += 1  # "de la", "van der"
            if run and tok in PARTICLES and after < len(tokens) and tokens[after].group(0)[0].isupper():
                run.extend(tokens[j:after])
                j = after
                continue
            break
        if len(run) >= 2 and run[-1].group(0) not in PARTICLES:
            after_run = tokens[j] if j < len(tokens) else None
            glued = after_run is not None and sentence[run[-1].end():after_run.start()] == " " \
                and _plain(run[-1].group(0)) == run[-1].group(0)
            org_follows = glued and after_run.group(0)[0].isupper() and after_run.group(0).lower() in not_name
            if not org_follows and sum(t.group(0) not in PARTICLES for t in run) <= 4:
                start, end = run[0].start(), run[-1].end()
                text = _plain(sentence[start:end])
                spans.append(Span(start, start + len(text), text))
        i = j + 1 if j == i else j
    return spans
