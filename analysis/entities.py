"""Named entities of a news text for the story layer: people, organisations, productions,
places, spacecraft, as English news writes them: runs of capitalised words.

English capitalises proper names and little else: inside a sentence a capitalised word is a name
(or part of one), at the start of a sentence it is a name only if the text never writes it in
lower case and it is no function word. A run of capitalised words (with the lower-case particles
of names between them: "de", "of", "van") is one entity; a possessive is dropped; a surname or a
shorter form that belongs to one fuller name of the same text ("Ibáñez" after "Marta Ibáñez")
counts as that name. Keys are case- and accent-folded ("Marta Ibanez" and "Marta Ibáñez" are
one entity), so two outlets that spell a name with and without accents still agree.

Measured against spaCy's `en_core_web_sm` NER for the same job (`benchmarks/story_thresholds.py
--compare-spacy`): the capitalised runs cost about 0.5 ms a 170-word article (1.4 ms at 520
words) against 50 ms for the NER pipeline on the same machine, and separate stories at least as
well (the same F1 on the labelled bundles, higher same-story entity cosines on the invented
ones), so the worker process computes these and keeps them in the article's signature.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from analysis.datafiles import read_data

MAX_ENTITIES = 30
MAX_ENTITY_WORDS = 6
WORD_TOKEN = re.compile(r"[^\W_]\w*(?:[-'’.&][^\W_]\w*)*")
SENTENCE_END = re.compile(r"[.!?:;]|\s[-–—]\s|[–—]")  # after these a capital may open a clause
POSSESSIVE = re.compile(r"['’]s?$")
# Each word with the text before it (since the previous word) and whether a quote follows it: one
# C-level pass, so the loop over words in `_runs` makes no call per word.
_GAP_TOKEN = re.compile(r"([\W_]*)(" + WORD_TOKEN.pattern + r")(?=(['’])?)")
# Lower-case words that stand inside names ("Casa de Papel", "Bank of England", "Ludwig van ...").
PARTICLES = frozenset("de del della der di da das dos du la le van von y of al bin ibn".split())
# Capitalised words that are no names: calendar words, and titles before a name.
NOT_NAMES = frozenset("""january february march april may june july august september october november
december monday tuesday wednesday thursday friday saturday sunday mr mrs ms dr prof sir
jan feb mar apr jun jul aug sep sept oct nov dec""".split())


def _word_list(name: str) -> frozenset[str]:
    text = read_data(name)
    return frozenset(word for line in text.splitlines() if not line.lstrip().startswith("#")
                     for word in line.split())


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    return _word_list("stopwords.txt")


@lru_cache(maxsize=1)
def name_titles() -> frozenset[str]:
    """Words news puts before a person's name ("actress", "singer", "minister"), lower case."""
    return _word_list("name_titles.txt") | NOT_NAMES


def _acronym(word: str) -> bool:
    """NASA, ISS, US: capitals that are no ordinary word, wherever they stand."""
    return len(word) > 1 and word.isupper()


def entity_key(name: str) -> str:
    """`name` as entities are compared: accents dropped, case folded, spaces single."""
    decomposed = unicodedata.normalize("NFKD", name.replace("’", "'"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def _runs(text: str) -> list[tuple[list[str], bool]]:
    """Runs of capitalised words (with particles between them), each with whether it starts a
    sentence. Anything but a space between two words (a comma, a dash, a quote) ends a run."""
    runs: list[tuple[list[str], bool]] = []
    current: list[str] = []
    current_initial = False
    pending: list[str] = []  # particles after the current run, kept only if a name follows
    sentence_start = True
    for gap, token, quote in _GAP_TOKEN.findall(text):
        if gap != " ":  # anything but one space: look closer
            if gap.strip() or gap.count("\n") > 1:  # a single line break is a space in hard-wrapped text
                if current:
                    runs.append((current, current_initial))
                current, pending = [], []
                if SENTENCE_END.search(gap) or gap.count("\n") > 1:
                    sentence_start = True
        if not current and not token[0].isupper():  # the common case: an ordinary word
            sentence_start = False
            continue
        if token[0].isupper():
            word = POSSESSIVE.sub("", token) if ("'" in token or "’" in token) else token
            if current and len(current) + len(pending) < MAX_ENTITY_WORDS:
                current.extend(pending)
                current.append(word)
            else:
                if current:
                    runs.append((current, current_initial))
                current, current_initial = [word], sentence_start
            pending = []
            if word != token or quote:  # "Heron's crew", "Studios' film"
                runs.append((current, current_initial))
                current = []
        elif current and token in PARTICLES and len(pending) < 2:  # "de la"
            pending.append(token)
        else:
            if current:
                runs.append((current, current_initial))
            current, pending = [], []
        sentence_start = False
    if current:
        runs.append((current, current_initial))
    return runs


def entities(text: str) -> Counter[str]:
    """Entity keys of `text` with how often each is named (shorter forms counted to the fuller
    name they belong to); at most MAX_ENTITIES, the most named first."""
    function_words, titles = _function_words(), name_titles()
    lowered = set(re.findall(r"(?<![\w'’])[a-z][\w'’-]*", text))  # words the text writes in lower case
    runs = _runs(text)
    confirmed = {w for words, initial in runs for w in (words[1:] if initial else words)}
    found: Counter[tuple[str, ...]] = Counter()
    for words, initial in runs:
        while words and not _acronym(words[0]) and (
                words[0].casefold() in titles or
                (initial and (words[0].casefold() in function_words or words[0].casefold() in lowered or
                              (words[0].endswith("ing") and len(words) > 1)))):
            words, initial = words[1:], False
            while words and words[0] in PARTICLES:
                words = words[1:]
        while words and (words[-1] in PARTICLES or words[-1].casefold() in NOT_NAMES):
            words = words[:-1]
        if not words:
            continue
        if len(words) == 1 and not _acronym(words[0]) and (
                words[0].casefold() in function_words or len(words[0]) < 2 or
                (initial and words[0] not in confirmed)):
            continue  # one capitalised word opening a sentence, never capitalised elsewhere: no name
        found[tuple(entity_key(w) for w in words)] += 1
    return Counter(dict(Counter(_resolve_short_forms(found)).most_common(MAX_ENTITIES)))


def _resolve_short_forms(found: Counter[tuple[str, ...]]) -> dict[str, int]:
    """Count a name that is a contiguous part of exactly one longer name of the text as that
    longer name ("Ibáñez" -> "Marta Ibáñez", "Tallow Hill" -> "Tallow Hill Productions")."""
    longer = sorted(found, key=len, reverse=True)
    merged: Counter[str] = Counter()
    for name, count in found.items():
        owners = [other for other in longer if len(other) > len(name) and _contains(other, name)]
        target = owners[0] if len({" ".join(o) for o in owners}) == 1 else name
        merged[" ".join(target)] += count
    return dict(merged)


def _contains(longer: tuple[str, ...], part: tuple[str, ...]) -> bool:
    size = len(part)
    return any(longer[i:i + size] == part for i in range(len(longer) - size + 1))


def title_entities(title: str, known: dict[str, int]) -> Counter[str]:
    """The entities of `known` (a text's) that its headline names, by their full key: a headline
    may be in title case, so only names the text itself has are read from it."""
    words = [entity_key(POSSESSIVE.sub("", w)) for w in WORD_TOKEN.findall(title or "") if w[0].isalnum()]
    if not words or not known:
        return Counter()
    out: Counter[str] = Counter()
    present = set(words)
    parts = {key: tuple(key.split()) for key in known}
    last_words = Counter(tokens[-1] for tokens in parts.values())
    joined = tuple(words)
    for key, tokens in parts.items():
        if tokens[0] in present and _contains(joined, tokens):
            out[key] += 1
        elif len(tokens) > 1 and tokens[-1] in present and len(tokens[-1]) > 2 and last_words[tokens[-1]] == 1:
            out[key] += 1  # the surname alone, as headlines write people
    return out
