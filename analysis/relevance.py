"""Is an article coverage of the topic? A score from where and how the topic's words occur.

The config's `[topic]` include and require lists are the base vocabulary. The score counts
where they occur (title, lead, the same sentence), watched aliases next to space context, and
sentences saying that filming happens in space, against sentences saying space is only
depicted (sets, effects, an actor playing an astronaut). Masks keep words out that only look
like topic words ("launch director", "office space"). Weights and word lists live in
`analysis/data/relevance.toml`.
"""
from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from analysis.datafiles import read_data_toml
from analysis.rules import TopicRules, WatchSpec

# A sentence ends at . ! ? or an ellipsis (then closing quotes or brackets, space, and a capital
# or digit), or at a line break. The pattern starts with a character class so that re can skip
# ahead to candidates instead of trying every position.
_SENTENCE_BREAK = re.compile(r"[.!?\u2026\n](?:(?<=\n)\n*|[\"'\u201d\u2019\u00bb)\]]*\s+(?=[\"'\u201c\u2018\u00ab(\[]?[A-Z0-9\u00c0-\u00dd]))")
_VOWELS = "aeiou"


@dataclass(frozen=True)
class Judgement:
    relevant: bool
    score: float
    reason: str


def judge(title: str, text: str, topic: TopicRules, watches: Sequence[WatchSpec]) -> Judgement:
    """Score one article against the topic rules and the watched subjects."""
    try:
        m = _matchers(topic, tuple(watches))
    except TypeError:  # built with lists somewhere: the cache needs hashable (tuple) fields
        m = _matchers(*_hashable(topic, watches))
    doc = _Article(title or "", text or "", m)
    evidence = _Evidence(m.vocab.weights)
    _score_title(doc, evidence)
    _score_pairs(doc, evidence)
    specific = _score_in_space(doc, evidence) + _score_aliases(doc, evidence)
    bar = m.vocab.threshold if specific else m.vocab.unspecific_threshold
    if evidence.score >= bar:  # evidence against can only lower the score: skip it otherwise
        doc.scan_negatives()
        _score_negatives(doc, evidence)
    missing = [kind for kind, terms, hits in (("include", topic.include, doc.head.include + doc.body.include),
                                              ("require", topic.require, doc.head.require + doc.body.require))
               if terms and not hits]
    relevant = not missing and evidence.score >= bar
    verdict = f"score {evidence.score:.1f} vs threshold {bar:g}"
    if not specific:
        verdict += " (no sign of filming in space)"
    if missing:
        verdict += f"; no {' and no '.join(missing)} term"
    evidence.reasons.append(verdict)
    return Judgement(relevant=relevant, score=round(evidence.score, 3), reason="; ".join(evidence.reasons))


def _hashable(topic: TopicRules, watches: Sequence[WatchSpec]) -> tuple[TopicRules, tuple[WatchSpec, ...]]:
    topic = TopicRules(include=tuple(topic.include), require=tuple(topic.require), exclude=tuple(topic.exclude))
    return topic, tuple(WatchSpec(w.name, w.label, tuple(w.aliases)) for w in watches)


class _Evidence:
    """The running score and the human-readable account of it."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.weights = weights
        self.score = 0.0
        self.reasons: list[str] = []

    def add(self, weight: str, count: int, reason: str, cap: str | None = None) -> int:
        """Add `count` times the weight (at most the cap); `reason` (if any) says why."""
        counted = min(count, int(self.weights[cap])) if cap else count
        if counted:
            self.score += self.weights[weight] * counted
            if reason:
                self.reasons.append(reason)
        return counted


class _Article:
    """An article's title and text, scanned once, with the text's hits grouped by sentence."""

    def __init__(self, title: str, text: str, m: _Matchers) -> None:
        self.m = m
        self.head = _scan(title, m, [(0, len(title))])
        self.sentences = _sentences(text)
        self.starts = [start for start, _ in self.sentences]
        self.body = _scan(text, m, self.sentences)
        self.lead_end = _lead_end(text, m.vocab.lead_words)
        self.parts = _by_sentence(self.body, self.starts)

    def scan_negatives(self) -> None:
        """Exclude terms everywhere; depiction phrases only in sentences that mention the topic."""
        self.head.exclude = _find(self.m.exclude, self.head.text)
        self.head.on_earth = _find_raw(self.m.on_earth, self.head.text)
        self.body.exclude = _find(self.m.exclude, self.body.text)
        topical = [self.sentences[i] for i, part in sorted(self.parts.items())
                   if part.include or part.require or part.production]
        self.body.on_earth = _find_in(self.m.on_earth, self.body.text, topical)
        self.parts = _by_sentence(self.body, self.starts)

    def all_parts(self) -> list[_Scan]:
        """The title, then each sentence that has any hits."""
        return [self.head] + [part for _, part in sorted(self.parts.items())]


def _score_title(doc: _Article, evidence: _Evidence) -> None:
    include, require = _labels(doc.head.include), _labels(doc.head.require)
    if include and require:
        evidence.add("title_pair", 1, f"title: {'/'.join(include)}+{'/'.join(require)}")
    elif include or require:
        evidence.add("title_term", 1, f"title: {'/'.join(include or require)}")


def _score_pairs(doc: _Article, evidence: _Evidence) -> None:
    """Sentences with an include and a require term: one in the lead, then the others."""
    pairs = [(i, part) for i, part in sorted(doc.parts.items()) if part.include and part.require]
    lead = next(((i, part) for i, part in pairs if doc.sentences[i][0] < doc.lead_end), None)
    if lead:
        part = lead[1]
        evidence.add("lead_pair", 1, f"lead: {'/'.join(_labels(part.include))}+{'/'.join(_labels(part.require))}")
    further = [part for i, part in pairs if lead is None or i != lead[0]]
    shown = ", ".join(sorted({f"{_labels(p.include)[0]}/{_labels(p.require)[0]}" for p in further}))
    evidence.add("sentence_pair", len(further), f"sentence co-occurrence: {shown} ({len(further)})",
                 cap="sentence_pair_cap")


def _score_in_space(doc: _Article, evidence: _Evidence) -> int:
    """Sentences saying that the filming happens in space; returns how many."""
    window, clause = doc.m.vocab.window, doc.m.vocab.clause_break
    in_title = _in_space_snippets([doc.head], window, clause)
    lead = [part for i, part in sorted(doc.parts.items()) if doc.sentences[i][0] < doc.lead_end]
    in_lead = _in_space_snippets(lead, window, clause)
    in_text = _in_space_snippets([part for _, part in sorted(doc.parts.items())], window, clause)
    if not (in_title or in_text):
        return 0
    shown = "; ".join(f'"{snippet}"' for snippet in (in_title + in_text)[:2])
    where = [name for name, found in (("title", in_title), ("lead", in_lead)) if found]
    evidence.reasons.append(f"filming in space{' (' + '+'.join(where) + ')' if where else ''}: {shown}")
    evidence.add("in_space", len(in_text), "", cap="in_space_cap")
    evidence.add("in_space_lead", 1 if in_lead else 0, "")
    evidence.add("in_space_title", 1 if in_title else 0, "")
    return len(in_title) + len(in_text)


def _score_aliases(doc: _Article, evidence: _Evidence) -> int:
    """Watched aliases count only with space around them; returns the sentences that have it."""
    aliases = list(dict.fromkeys(_labels(doc.head.aliases) + _labels(doc.body.aliases)))
    if not aliases:
        return 0
    space = any(part.require or part.places for part in doc.all_parts())
    if not space:
        evidence.reasons.append(f"watched alias without space context: {', '.join(aliases)}")
        return 0
    named = ", ".join(aliases)
    with_context = [part for part in doc.all_parts() if part.aliases and (part.require or part.places)]
    where = " (title)" if doc.head.aliases else ""
    evidence.reasons.append(f"watched alias{where}: {named}")
    evidence.add("alias_context", len(with_context), "", cap="alias_context_cap")
    evidence.add("alias_title", 1 if doc.head.aliases else 0, "")
    return len(with_context)


def _score_negatives(doc: _Article, evidence: _Evidence) -> None:
    # A sentence that also puts the filming in space ("rehearsed in a replica before the shoot
    # aboard the ISS") contrasts the two and is no evidence against.
    window, clause = doc.m.vocab.window, doc.m.vocab.clause_break
    earth = [part for part in doc.all_parts()
             if part.on_earth and not _in_space_snippets([part], window, clause)]
    shown = ", ".join(f'"{s}"' for s in sorted({part.on_earth[0][2] for part in earth})[:3])
    evidence.add("on_earth", len(earth), f"space only depicted: {shown}", cap="on_earth_cap")
    excluded = [part for part in doc.all_parts() if part.exclude]
    names = ", ".join(sorted({_labels(part.exclude)[0] for part in excluded}))
    evidence.add("exclude", len(excluded), f"excluded term: {names}")


# -- vocabulary and compiled matchers -----------------------------------------------------


@dataclass(frozen=True)
class _Vocabulary:
    threshold: float
    unspecific_threshold: float
    weights: dict[str, float]
    lead_words: int
    window: int
    clause_break: int
    inflections: dict[str, tuple[str, ...]]
    masks: tuple[str, ...]
    production: tuple[str, ...]
    not_production: frozenset[str]
    places: tuple[str, ...]
    depictions: tuple[str, ...]
    on_earth: tuple[str, ...]


_DATA_FILE = "relevance.toml"


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    try:
        data = read_data_toml(_DATA_FILE)
        vocab = _read_vocabulary(data)
        for patterns in (vocab.masks, vocab.places, vocab.depictions, vocab.on_earth):
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
    in_space = data["in_space"]
    return _Vocabulary(
        threshold=float(data["threshold"]),
        unspecific_threshold=float(data.get("unspecific_threshold", data["threshold"])),
        weights={key: float(value) for key, value in data["weights"].items()},
        lead_words=int(data.get("lead_words", 40)),
        window=int(in_space["window"]),
        clause_break=int(in_space.get("clause_break", 0)),
        inflections={key.lower(): tuple(forms) for key, forms in data.get("inflections", {}).items()},
        masks=tuple(data["masks"]["phrases"]),
        production=tuple(in_space["production"]),
        not_production=frozenset(word.lower() for word in in_space.get("not_production", ())),
        places=tuple(in_space["places"]),
        depictions=tuple(in_space.get("depictions", ())),
        on_earth=tuple(data["on_earth"]["patterns"]),
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
    places: re.Pattern[str] | None
    depictions: re.Pattern[str] | None
    on_earth: re.Pattern[str] | None


@lru_cache(maxsize=64)
def _matchers(topic: TopicRules, watches: tuple[WatchSpec, ...]) -> _Matchers:
    vocab = _vocabulary()
    production = list(vocab.production) + [term for term in topic.include
                                           if term.lower() not in vocab.not_production]
    aliases = sorted({alias.strip() for watch in watches for alias in watch.aliases if alias.strip()},
                     key=len, reverse=True)
    return _Matchers(
        vocab=vocab,
        include=_term_set(topic.include, vocab.inflections),
        require=_term_set(topic.require, vocab.inflections),
        exclude=_term_set(topic.exclude, vocab.inflections),
        aliases=_alias_set(aliases),
        masks=_masks_by_word(vocab.masks),
        production=_term_set(production, vocab.inflections),
        places=_either(vocab.places),
        depictions=_either(vocab.depictions),
        on_earth=_either(vocab.on_earth),
    )


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


# -- scanning a text ----------------------------------------------------------------------

_Hit = tuple[int, int, str]  # start, end, label (the term, or the matched words)


@dataclass
class _Scan:
    text: str
    include: list[_Hit] = field(default_factory=list)
    require: list[_Hit] = field(default_factory=list)
    exclude: list[_Hit] = field(default_factory=list)
    aliases: list[_Hit] = field(default_factory=list)
    production: list[_Hit] = field(default_factory=list)
    places: list[_Hit] = field(default_factory=list)
    on_earth: list[_Hit] = field(default_factory=list)


def _scan(text: str, m: _Matchers, sentences: Sequence[tuple[int, int]]) -> _Scan:
    """Term, alias, production and place hits of one text.

    Running every mask and place pattern over the whole text would cost more than everything
    else together; they only matter around a term (masks) or near a production word (places,
    for "filming in space"), so they run on those stretches alone.
    """
    scan = _Scan(text)
    if not text:
        return scan
    lowered = text.lower()
    include = _find(m.include, text, lowered)
    require = _find(m.require, text, lowered)
    production = _find(m.production, text, lowered)
    masks = _masks_at(m.masks, text, include + require + production)
    scan.include = _unmasked(include, masks)
    scan.require = _unmasked(require, masks)
    scan.production = _unmasked(production, masks)
    scan.aliases = _find(m.aliases, text, lowered)
    wanted = _around(scan.production, len(text), margin=m.vocab.window * 10)
    places = _find_in(m.places, text, wanted)
    depicted = _find_in(m.depictions, text, wanted) if places else []
    scan.places = _unmasked(places, depicted)
    return scan


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


def _around(hits: Sequence[_Hit], length: int, margin: int = 60) -> list[tuple[int, int]]:
    """Merged stretches of text `margin` characters either side of each hit."""
    spans: list[tuple[int, int]] = []
    for start, end, _ in sorted(hits):
        lo, hi = max(0, start - margin), min(length, end + margin)
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
        else:
            spans.append((lo, hi))
    return spans


def _find_in(pattern: re.Pattern[str] | None, text: str, spans: Sequence[tuple[int, int]]) -> list[_Hit]:
    if pattern is None:
        return []
    return [(match.start(), match.end(), " ".join(match.group().split()))
            for lo, hi in spans for match in pattern.finditer(text, lo, hi)]


def _unmasked(hits: list[_Hit], masks: list[_Hit]) -> list[_Hit]:
    """Hits that no mask covers whole ("commercial space" does not hide "space station")."""
    if not masks:
        return hits
    return [hit for hit in hits if not any(a <= hit[0] and hit[1] <= b for a, b, _ in masks)]


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


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _SENTENCE_BREAK.finditer(text):
        end = match.start() + (0 if match.group()[0] == "\n" else 1)  # keep the full stop
        if end > start:
            spans.append((start, end))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _lead_end(text: str, lead_words: int) -> int:
    """Offset where the lead ends: the first paragraph, and the second if the first is short."""
    end, words = 0, 0
    for count, paragraph in enumerate(text.split("\n")):
        if count >= 2 or (words >= lead_words):
            break
        end += len(paragraph) + 1
        words += len(paragraph.split())
    return end


def _by_sentence(scan: _Scan, starts: Sequence[int]) -> dict[int, _Scan]:
    """The hits of each sentence that has any, by sentence number."""
    parts: dict[int, _Scan] = {}
    for name in ("include", "require", "exclude", "aliases", "production", "places", "on_earth"):
        for hit in getattr(scan, name):
            index = bisect_right(starts, hit[0]) - 1
            part = parts.get(index)
            if part is None:
                part = parts[index] = _Scan(scan.text)
            getattr(part, name).append(hit)
    return parts


def _in_space_snippets(parts: Sequence[_Scan], window: int, clause_break: int) -> list[str]:
    """For each part that puts a production word near a place in space, the words between."""
    snippets = []
    for part in parts:
        if not part.production or not part.places:
            continue
        near = [(min(p[0], q[0]), max(p[1], q[1])) for p in part.production for q in part.places
                if _gap_words(part.text, p, q, clause_break) <= window]
        if near:
            a, b = min(near, key=lambda span: span[1] - span[0])
            snippets.append(" ".join(part.text[a:b].split())[:80])
    return snippets


def _gap_words(text: str, first: _Hit, second: _Hit, clause_break: int) -> int:
    left, right = (first, second) if first[0] <= second[0] else (second, first)
    if right[0] <= left[1]:
        return 0
    gap = text[left[1]:right[0]]
    return len(gap.split()) + clause_break * sum(gap.count(mark) for mark in ",;:()")
