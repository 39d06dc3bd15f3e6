"""Launch and casting details of the watched productions, read from an article's text.

Rules over sentences, with every pattern in analysis/data/ (details.toml, launch_sites.csv,
spacecraft.csv). Each value is attributed to a subject in context: one named in the sentence
(the nearest mention when several are), else the one its paragraph names, else the one the
previous paragraph ended on. Dates resolve against the publication date (`analysis.dates`);
people get roles from cue phrases (`analysis.people`). Runs in worker processes: pure, and
what it compiles per watch list is cached.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from analysis.document import Detail
from analysis.rules import WatchSpec
from analysis import dates as D
from analysis import people as P
from analysis import roles as R
from analysis import temporal as T
from analysis.aliases import PERSON, TITLE, is_gerund, type_aliases
from analysis.detail_data import launch_sites, load_patterns, spacecraft
from analysis.entities import name_titles
from analysis.language import MAX_PARSE_CHARS, is_common_word, is_stop_word, nlp, word_classes

PAST_DAYS = 30  # a date this long before publication is reported as history, not news
SNIPPET_CHARS = 400
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "dir", "dirs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
                 "oct", "nov", "dec", "no", "vs", "inc", "ltd", "jr", "sr", "gen", "col", "lt", "capt", "prof",
                 "u.s", "u.k", "e.g", "i.e", "approx", "est", "fig", "cmdr", "cdr", "sgt", "maj", "adm", "cpl", "pvt",
                 "rev", "hon", "gov", "sen", "rep", "supt", "insp", "det"}
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9\u00C0-\u024F])")
# a quoted title opens on a capital or a digit: "too good to last" after "the title was" is a remark
# the small words that join a name or title in other languages: "Luz de X", "Hoshi no Y", "Les Z et W"
JOINERS = "de|del|della|la|le|les|des|du|da|do|dos|das|di|y|e|et|und|och|og|no|na|von|der|die|el|los|las"
TITLE_SLOT = (r"(?-i:(?:“(?P<q1>(?![a-z])[^”]{1,60})”|\"(?P<q2>(?![a-z])[^\"]{1,60})\"|‘(?P<q3>(?![a-z])[^’]{1,60})’"
              r"|(?P<bare>[A-Z0-9][\w’'\-]*(?::? (?:(?:of|the|a|an|and|in|on|at|to|for|from|with|"
              + JOINERS + r") )*[A-Z][\w’'\-]*){0,5})))")
NAMED_FILM = re.compile(r"\b(?:film|movie|sequel|prequel|feature|documentary|series|show|drama|comedy|thriller|game|musical|play|project)s?,? "
                        r"(?-i:((?:[A-Z][\w’'\-]*)(?: [A-Z][\w’'\-]*){0,4}))", re.IGNORECASE)
ELSEWHERE = re.compile(r" (?:to|into|in from|out to|back to) (?-i:[A-Z])(?!\w*\s+(?:Space|Station|Orbit))")  # "fly to Tokyo"
DETERMINERS = {"the", "a", "an", "this", "that", "its", "their", "his", "her", "our", "new"}
PREPOSITIONS = {"in", "of", "on", "at", "from", "to", "with", "between", "toward", "towards"}
REFERS_BACK = re.compile(r"\b(?:it|its|they|their|them|he|his|she|her|the (?:film|movie|series|production|show|feature"
                         r"|short|documentary|video|launch|flight|release|premiere)"
                         r"|the (?:\w+ ){0,2}(?:actors|actresses|cast|stars|crew)(?:['’]s)?)\b",
                         re.IGNORECASE)
# A paragraph that turns to something else: its sentences inherit no production from before
TOPIC_SHIFT = re.compile(r"\s*(?:meanwhile|elsewhere|separately|in other news|in contrast|by contrast)\b", re.IGNORECASE)
_WORK = "(?:%s|epic|western|shoot)s?" % "|".join(sorted(R.PRODUCTION_NOUNS))


def _capitalised_name(group: str) -> str:
    return rf"(?P<{group}>(?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+)){{0,3}})"


OTHER_PRODUCTION_NAMED = re.compile(
    rf"\bthe\s+{_capitalised_name('a')}\s+{_WORK}\b"  # "the Pale Dawn production"
    rf"|\b(?:rival|another|competing)\s+{_WORK},?\s+{_capitalised_name('b')}"  # "a rival film, Pale Dawn"
    rf"|^\W*{_capitalised_name('c')},\s+(?:the|a|an)\s+(?:[\w-]+\s+){{0,3}}{_WORK}\b(?!['’])"  # "Pale Dawn, the rival thriller"
    rf"|\b{_capitalised_name('d')}['’]s\s+(?:new\s+|next\s+|own\s+)?{_WORK}\b"  # "Ivo Brand's film"
    rf"|\bon\s+{_capitalised_name('e')},\s+(?:a|an)\s+(?:[\w-]+\s+){{0,3}}{_WORK}\b",  # "on Pale Dawn, an epic"
    re.IGNORECASE)
# "A Japanese crew will send its camera up from X": the clause's own subject is what "its" refers to
INDEFINITE_OPENING = re.compile(r"\s*(?:(?:while|whereas|but|and)\s+)?(?:an?|another|some)\s", re.IGNORECASE)
RELATIVE_CLAUSE = re.compile(r"(?P<antecedent>(?:[A-Z][\w'’\-]*\s+(?:(?:" + JOINERS + r")\s+)?){0,4}[A-Z][\w'’\-]*),"
                             r"\s+(?:which|that)\b[^,;]*")
ROLE_REFERENCE = re.compile(r"(?:The|This|That|Its|Their)\s+(?:[\w’'\-]+\s+){0,2}?"
                            r"(?P<noun>director|filmmaker|actress|actor|star|lead)\b(?!['’]s)")
REFERENCE_SUBJECT = re.compile(r"\b(?:[Hh]e|[Ss]he|[Tt]hey|Both|Her|His)\b|^(?:The|This) ")
BARE_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
SUBJECT_BREAK = re.compile(r";|,\s(?:while|whereas)\s")
CLAUSE_BREAK = re.compile(r"[;]|(?<!\d):(?!\d)|\s[-–—]\s|,\s(?:while|whereas)\s")
AGO = re.compile(r"\W{0,3}(?:ago\b)", re.IGNORECASE)
AGO_BEFORE = re.compile(r"\bago\s*,?\s*(?:today|on)?\s*$", re.IGNORECASE)
YEAR = re.compile(r"\b(?:in|since|of|during)\s+((?:19|20)\d\d)\b", re.IGNORECASE)
EVENT_AFTER = re.compile(r"\s+(?:its|the|their|his|her|that)\s+\w+", re.IGNORECASE)  # "after its premiere"
PLANNED = re.compile(r"\b(?:is|are|was|were|has been|have been)\s+(?:now\s+|still\s+)?(?:planned|scheduled|set|due|"
                     r"slated|targeted|expected|booked)\b", re.IGNORECASE)
PLAN_SET_FOR = re.compile(r"\b(?:(?:has|have|is|are)\s+(?:now\s+|just\s+|officially\s+|been\s+)*)?(?:set|scheduled|planned|"
                          r"slated|pencilled|penciled|booked|targeted|dated|fixed|moved|rescheduled)\b[^.;]{0,60}?\b(?:for|to)"
                          r"\s+(?:the\s+)?$", re.IGNORECASE)
ABOARD_PEOPLE = re.compile(r"\b(?:actors?|actress(?:es)?|cast|crew(?!ed)|astronauts?|cosmonauts?|taikonauts?|passengers)\b",
                           re.IGNORECASE)
OWN_WORDS_END = {"relcl", "acl", "appos", "prep", "conj", "cc", "punct"}  # where a noun's own words stop
ANCHORING = {"after", "before", "following", "until", "till", "behind"}
LEAVING = re.compile(r"\b(?:off|out of)\s+(?:the\s+|a\s+|an\s+)?$", re.IGNORECASE)
# "a mock-up of a New Shepard capsule": a copy on the ground, no spacecraft of the production
_REPLICA = r"(?:mock-?ups?|replicas?|scale models?|simulators?|trainers?)"
REPLICA_OF = re.compile(rf"\b(?:{_REPLICA}|full-scale copy)\s+of\s+(?:the\s+|a\s+|an\s+)?$", re.IGNORECASE)
REPLICA_AFTER = re.compile(rf"\s+(?:capsule\s+)?(?:{_REPLICA}|veterans?)\b", re.IGNORECASE)  # or "the Soyuz veteran X"
INSTEAD_OF = re.compile(r"\b(?:instead of|rather than|replacing|in place of)\s+(?:(?:on|from|aboard|at)\s+)?(?:the\s+|a\s+|an\s+)?$",
                        re.IGNORECASE)
INSTEAD_AFTER = re.compile(r"[^;.]{0,40}?\binstead\b(?!\s+of)", re.IGNORECASE)
TRADED = re.compile(r"\b(?:trade[sd]?|swap(?:s|ped)?|exchange[sd]?|g(?:ave|ives?) up)\s+(?:(?:its|their|his|her|the|a|an)\s+)?$",
                    re.IGNORECASE)
SWITCH_TO = re.compile(r"(?:\s+(?:capsule|spacecraft|ship|vehicle|craft|pad))?\s+(?:to|for)\s+(?:(?:a|an|the)\s+)?(?:[\w'’\-]+\s+){0,2}")
# "from the new X capsule to Y": what a place or craft is moved away from
PLACE_FROM = re.compile(r"\bfrom\s+(?:(?:the|a|an|its|their)\s+)?(?:(?:new|old|original|planned|[\w-]+-built)\s+)?$", re.IGNORECASE)
FROM = re.compile(r"\bfrom\s*(?:on|in)?\s*$", re.IGNORECASE)
MOVED_TO = re.compile(r"\s+to\s+(?:the\s+)?(?=(?-i:[A-Z]))")
TO = re.compile(r"^,?\s*(?:\d{4}\s*)?,?\s*(?:to|until|till)\b", re.IGNORECASE)
NEGATED = re.compile(r"\b(?:not|never|no longer|n't)\s+(?:be\s+)?(?:\w+\s+)?$", re.IGNORECASE)
FOREIGN_FILM = re.compile(r"\b(?:the|a|an|his|her|its|their)\s+(?:[a-z]+\s+)?((?:[A-Z][\w’'\-]*:?\s+){1,5})"
                          r"(?:film|movie|sequel|instalment|installment|franchise|feature)\b"
                          r"(?!\s+(?:festival|fest|awards?|academy|institute|school|critics|market|commission|industry))")


@dataclass(frozen=True)
class Subject:
    name: str
    persons: tuple[tuple[str, str], ...]   # (surface form, full name): "Souza" -> "Ana Souza"
    titles: tuple[str, ...]                # aliases that are the production's own name
    words: frozenset[str]                  # alias words, to tell this film from another


@dataclass(frozen=True)
class Compiled:
    subjects: tuple[Subject, ...]
    mention: re.Pattern[str]                  # any alias or person surface form
    owner: dict[str, tuple[int, str | None]]  # surface form -> (subject index, person full name or None)
    cues: dict[str, re.Pattern[str]]
    weak_launch: re.Pattern[str]
    neutral_verbs: frozenset[str]
    stations: re.Pattern[str]      # " to Tiangong": a flight to a space station
    titles_current: tuple[re.Pattern[str], ...]
    titles_previous: tuple[re.Pattern[str], ...]
    possessive: re.Pattern[str]               # "Orlov's Winter Road": a watched person's other work
    unsettled: frozenset[str] = frozenset()   # one-word titles that may be a one-name performer


@dataclass
class Sentence:
    text: str
    paragraph: int
    order: int
    mentions: list[tuple[int, int]] = field(default_factory=list)  # (position, subject index)
    named_only: list[tuple[int, int]] = field(default_factory=list)  # titles named beside another work ("a sequel to Z")
    dates: list[D.DateMention] = field(default_factory=list)


@dataclass(frozen=True)
class Parsed:
    """A sentence as the parser read it (see `_Reader._parse_all`)."""

    doc: Any
    shift: Callable[[int], int]
    people: list[tuple[int, int, str]]
    named: list[tuple[int, int, int]]

    def token_at(self, position: int) -> Any:
        """The token covering `position` of the sentence as written, or None."""
        at = self.shift(position)
        return next((t for t in self.doc if t.idx <= at < t.idx + len(t)), None)


@dataclass
class Candidate:
    subject: int
    attribute: str
    value: str
    snippet: str
    order: int
    is_past: bool = False
    strength: int = 1


@lru_cache(maxsize=32)
def compile_watches(watches: tuple[WatchSpec, ...]) -> Compiled:
    """Everything that depends on the watch list, compiled once per list and process."""
    subjects, owner, unsettled = [], {}, set()
    for n, watch in enumerate(watches):
        aliases = [a.strip() for a in watch.aliases if a.strip()]
        if not aliases and watch.label.strip():
            aliases = [re.sub(r"^(?:the|a|an)\s+", "", re.split(r"[(/]", watch.label)[0].strip(), flags=re.I)]
        persons, titles, studios = [], [], []
        for typed in type_aliases(watch.label, tuple(aliases)):
            if typed.kind == PERSON:
                persons.append((typed.text, typed.text))
                words = typed.text.split()
                surname = words[-1]
                if len(surname) >= 4:
                    persons.append((surname, typed.text))
                particle = next((n for n, w in enumerate(words) if n and w in P.PARTICLES), None)
                if particle is not None:  # "van der Berg", and "Van der Berg" opening a sentence
                    tail = " ".join(words[particle:])
                    persons += [(tail, typed.text), (tail[:1].upper() + tail[1:], typed.text)]
            elif typed.kind == TITLE:
                titles.append(typed.text)
                if typed.may_be_person:
                    unsettled.add(typed.text)
            else:  # a studio names the production without being its title
                studios += [typed.text] + ([typed.short] if typed.short else [])
        for surface, full in persons:
            owner.setdefault(surface, (n, full))
        for alias in titles + studios:
            owner.setdefault(alias, (n, None))
        words = frozenset(w.lower() for a in aliases for w in re.findall(r"\w+", a))
        subjects.append(Subject(watch.name, tuple(persons), tuple(titles), words))
    surfaces = sorted(owner, key=len, reverse=True)
    mention = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(s) for s in surfaces) + r")(?![\w])") if surfaces \
        else re.compile(r"(?!x)x")
    data = load_patterns()
    cue_data = data["cues"]
    cues = {key: re.compile(rf"\b(?:{cue_data[key]})\b", re.IGNORECASE)
            for key in ("launch", "release", "other", "future", "past", "space_context", "travel", "retrospective",
                        "production_words", "other_work", "cargo", "retracted", "filmmaking", "withdrawn")}
    cues["superseded"] = re.compile(rf"\b(?:{cue_data['superseded']})\s*$", re.I)
    cues["non_release"] = re.compile(rf"\b(?:{cue_data['non_release']})", re.I)
    slot = lambda p: re.compile(r"\b" + p.replace("{T}", TITLE_SLOT), re.IGNORECASE)  # noqa: E731
    people = sorted((s for s, (_n, full) in owner.items() if full is not None), key=len, reverse=True)
    possessive = re.compile(r"(?:" + "|".join(re.escape(p) for p in people) + r")['’]s "
                            r"((?:[A-Z][\w’'\-]*:?\s+){0,4}[A-Z][\w’'\-]*)") if people else re.compile(r"(?!x)x")
    return Compiled(tuple(subjects), mention, owner, cues, re.compile(cue_data["weak_launch"], re.I),
                    frozenset(cue_data["neutral_verbs"]),
                    re.compile(r" (?:to|into|for) (?:the )?(?:" + "|".join(re.escape(x) for x in cue_data["stations"]) + r")\b"),
                    tuple(slot(p) for p in data["titles"]["current"]),
                    tuple(slot(p) for p in data["titles"]["previous"]), possessive, frozenset(unsettled))


def split_sentences(paragraph: str) -> list[str]:
    out, start = [], 0
    for m in SENTENCE_END.finditer(paragraph):
        before = paragraph[start:m.start()].rstrip("\"”’)")
        last = before.rsplit(None, 1)[-1] if before.split() else ""
        word = last.rstrip(".").lstrip("([“\"‘").lower()
        if word in ABBREVIATIONS or re.fullmatch(r"[A-Z]\.?", last.rstrip(".")) or re.fullmatch(r"(?:[a-z]\.){2,}", last.lower()):
            continue
        out.append(paragraph[start:m.start()].strip())
        start = m.end()
    out.append(paragraph[start:].strip())
    return [s for s in out if s]


def extract_details(title: str, text: str, published_at: datetime | None,
                    watches: Sequence[WatchSpec], model: str = "") -> list[Detail]:
    """The tracked details this article states for each watched subject (see module docstring)."""
    if not watches:
        return []
    compiled = compile_watches(tuple(watches))
    published = (published_at or datetime.now(timezone.utc)).date()
    sentences = _sentences(title, text, compiled)
    _drop_ordinary_words(sentences, compiled)
    if not any(s.mentions or s.named_only for s in sentences):
        return []
    return _Reader(compiled, sentences, published, model).details()


def _sentences(title: str, text: str, compiled: Compiled) -> list[Sentence]:
    paragraphs = [title] if title and title.strip() else []
    paragraphs += [p for p in re.split(r"\s*\n\s*", text or "") if p.strip()]
    out: list[Sentence] = []
    headline = 1 if title and title.strip() else 0
    for n, paragraph in enumerate(paragraphs):
        if n < headline:
            paragraph = _sentence_case(paragraph, compiled)
        for sentence in split_sentences(D.strip_dateline(paragraph).strip()):
            item = Sentence(sentence, n, len(out), dates=D.find_dates(sentence))
            sequels: dict[str, str] = {}
            for m in compiled.mention.finditer(sentence):
                person = compiled.owner[m.group(0)][1] is not None
                if person and " " not in m.group(0) and _inside_name(sentence, m.start(), m.end()):
                    continue  # "Harbor Lights" is not a mention of a "Lights" surname
                if not person and n >= headline and _part_of_other_name(sentence, m.start(), m.end()):
                    continue  # "Continental Ballast", "Ballast Station": another name with the title in it
                if not person and OTHER_WORK_AFTER.match(sentence, m.end()):
                    continue  # "the studio's next project": another production of the studio
                if not person and _sequel_after(sentence, m.end()):
                    sequels[compiled.owner[m.group(0)][0]] = m.group(0)
                    continue  # "Z 2", "Z: Part Two": the sequel
                if not person and SEQUEL_TO.search(sentence, max(0, m.start() - 30), m.start()):
                    sequels[compiled.owner[m.group(0)][0]] = m.group(0)
                    item.named_only.append((m.start(), compiled.owner[m.group(0)][0]))
                    continue  # "the studio's sequel to Z": Z is named, the sentence is about the sequel
                item.mentions.append((m.start(), compiled.owner[m.group(0)][0]))
            # the studio and people named beside the sequel alone (not the title itself) are the sequel's
            item.mentions = [(start, subject) for start, subject in item.mentions if subject not in sequels
                             or any(sentence.startswith(title, start) for title in sequels.values())]
            out.append(item)
    return out


def _own_words(noun, keep_conjuncts: bool = False) -> tuple[int, int]:
    """The characters a noun phrase spans without the clauses, appositions and prepositional
    phrases on it ("Z, which beat Y to the station,": Z), and without its conjuncts unless kept."""
    stops = OWN_WORDS_END - ({"conj", "cc"} if keep_conjuncts else set())
    own = [t for t in noun.subtree if not any(a.dep_ in stops for a in
                                              itertools.takewhile(lambda a: a.i != noun.i, [t, *t.ancestors]))]
    return min(t.idx for t in own), max(t.idx + len(t) for t in own)


def _sequel_after(sentence: str, end: int) -> bool:
    """Whether the title ending at `end` is followed by a sequel's number ("Z 2", "Z III", "Z: Part
    Two"), not a count ("Z 10 days out", "Z 2 years on")."""
    if SUBTITLE_AFTER.match(sentence, end) and SEQUEL_WORDS.search(sentence, 0, end):
        return True  # "the studio's own follow-up, Z: Recoil": a sequel with a subtitle
    number = SEQUEL_NUMBER.match(sentence, end)
    if number is None:
        return False
    after = re.match(r"\s+([a-z][a-z'’-]*)", sentence[number.end():])
    classes = word_classes(after.group(1)) if after else set()
    return not (classes and classes <= {"noun", "adj"})


def _drop_ordinary_words(sentences: list[Sentence], compiled: Compiled) -> None:
    """A title that is an ordinary word ("Tether failures have dogged spacewalks"), met only where
    a sentence opens and capitals say nothing, in a text that also writes it in lower case ("a
    tether clip") and has no other name of its production and no word of film-making: the word,
    not the production."""
    said: dict[int, list[str]] = {}
    for s in sentences:
        for start, subject in s.mentions:
            written = compiled.mention.match(s.text, start).group(0)
            ordinary = start == 0 and " " not in written and is_common_word(written) and compiled.owner[written][1] is None
            said.setdefault(subject, []).append(written if ordinary else "")
    joined = " ".join(s.text for s in sentences)
    words = [subject for subject, written in said.items() if all(written)
             and any(re.search(rf"\b{re.escape(w.lower())}\b", joined) for w in written)]  # "... when a tether clip opened"
    if not words or any(compiled.cues["filmmaking"].search(s.text) for s in sentences) or any(
            compiled.cues[key].search(s.text) for s in sentences if s.mentions for key in ("launch", "release")):
        return  # "Ballast lifts off on 3 May ... added ballast to the capsule": a launch of the production
    for s in sentences:
        s.mentions = [(start, subject) for start, subject in s.mentions if subject not in words]


def _sentence_case(headline: str, compiled: Compiled) -> str:
    """"Ana Lind To Star In Heron" -> "Ana Lind to star in Heron": a headline in title case, with
    its ordinary English words in lower case (watched names untouched), so that names are runs of
    capitalised words again and the parser reads it as prose. Same length, so positions hold."""
    words = list(re.finditer(r"[^\W\d_][\w’']*", headline))
    common = [w for w in words[1:] if is_common_word(w.group(0).lower()) or is_stop_word(w.group(0).lower())]
    if len(words) < 4 or not common or sum(w.group(0)[0].isupper() for w in common) < 0.7 * len(common):
        return headline
    kept = [(m.start(), m.end()) for m in compiled.mention.finditer(headline)] + \
        [(a, b) for gazetteer in (launch_sites(), spacecraft()) for a, b, _ in gazetteer.find(headline)]
    out = list(headline)
    calendar = D.calendar_words()
    for n, w in enumerate(words[1:], 1):
        text = w.group(0)
        lower = text.lower()
        if lower in calendar or (n == 1 and not any(a <= words[0].start() < b for a, b in kept)
                                       and not is_common_word(words[0].group(0).lower())):
            continue  # "in May"; "Grace Park joins ...": the second word of a name opening the headline
        # a function word, or a word English uses as more than a noun; "Ruta", "Grace" may be names
        ordinary = is_stop_word(lower) or (is_common_word(lower) and word_classes(lower) - {"noun"})
        if text[0].isupper() and not text.isupper() and ordinary and not any(a <= w.start() < b for a, b in kept):
            out[w.start()] = text[0].lower()
    return "".join(out)


def _part_of_other_name(text: str, start: int, end: int) -> bool:
    """Whether a title alias is glued to capitalised words of another name, or is an ordinary
    word opening a sentence ("Ballast in the station's hold was traced to a valve")."""
    before = re.search(r"([^\W\d_]\w*)\s$", text[max(0, start - 30):start])  # "X-directed Z": "directed"
    after = re.match(r"\s([^\W\d_][\w\-]*)", text[end:end + 30])
    if after and after.group(1)[0].isupper() and not _person_follows(text, end):
        return True
    if before and before.group(1)[0].isupper() and before.group(1).lower() not in DETERMINERS and \
            text[:start].strip() != before.group(1):
        return True
    alias = text[start:end]
    return start == 0 and " " not in alias and is_common_word(alias) and bool(
        after and after.group(1).lower() in PREPOSITIONS)


def _person_follows(text: str, end: int) -> bool:
    """"Will star in Z Ana Lind": the capitalised words after a title are a person's name (two or
    more, the first no ordinary word), not the rest of another name."""
    names = P.find_names(text[end:end + 80])
    return bool(names) and names[0].start == 1 and not is_common_word(names[0].name.split()[0])


def _inside_name(text: str, start: int, end: int) -> bool:
    """Whether a lone surname is glued to other capitalised words."""
    before = re.search(r"([^\W\d_][\w\-]*) $", text[max(0, start - 30):start])
    after = re.match(r" ([^\W\d_][\w\-]*)", text[end:end + 30])
    glued = [m.group(1) for m in (before, after) if m]
    not_name = P.not_name_words()
    return any(w[0].isupper() and w.lower() not in not_name for w in glued)


class _Reader:
    """One article's pass: candidates per subject and attribute, then the chosen details."""

    def __init__(self, compiled: Compiled, sentences: list[Sentence], published: date, model: str = "") -> None:
        self.c = compiled
        self.model = model
        self.sentences = sentences
        self.published = published
        self.candidates: list[Candidate] = []
        self.person_roles: dict[tuple[int, str], dict[str, int]] = {}   # (subject, full name) -> role -> first order
        self.person_snippet: dict[tuple[int, str, str], str] = {}
        # sentences that name no watched production and turn to another subject ("Meanwhile, ...")
        self.turns = {x.order for x in sentences if not x.mentions and (
            TOPIC_SHIFT.match(x.text) or self._names_another_production(x))}
        self.withdrawn: dict[tuple[int, str], int] = {}  # (subject, attribute) -> the sentence that gave it up
        self.left_direction: set[tuple[int, str]] = set()  # (subject, full name) of directors who left
        self.surnames: dict[str, str] = {}
        self.one_names: set[str] = set()  # one-word performers the article introduced ("singer X")
        self.known_years = self._known_years()
        self.context_month: tuple[int, int] | None = None
        self.parsed: dict[int, Parsed] = {}
        self.last_value: str | None = None  # the latest date read, for "a fortnight later"
        self.last_person: tuple[int, str, int | None] | None = None  # the one person the last sentence named
        self.alias_people = {full for _n, full in compiled.owner.values() if full is not None}
        self.watched_surnames = _watched_surnames(self.alias_people)
        self.as_person: set[str] = set()  # one-word titles this article uses as a performer's name
        self.last_people: tuple[int, list[str], int | None] | None = None  # whom the last sentence named

    # ---------------------------------------------------------------- context

    def _known_years(self) -> dict[int, int]:
        years: dict[int, int] = {}
        for s in self.sentences:
            for m in s.dates:
                if m.year is not None and m.month is not None:
                    years.setdefault(m.month, m.year)
        return years

    def _context_subject(self, s: Sentence) -> tuple[int | None, bool]:
        """The subject a sentence naming none is about, and whether its own paragraph names it."""
        same = [x for x in self.sentences if x.paragraph == s.paragraph]
        opened = [x for x in same if x.order <= s.order and x.order in self.turns]
        if opened and not any(x.mentions for x in same if opened[-1].order < x.order <= s.order):
            return None, False  # "Meanwhile, at Vostochny, the Pale Dawn production ...": another subject now
        subjects = {subj for x in same for _, subj in x.mentions}
        if len(subjects) == 1:
            return next(iter(subjects)), True
        earlier = [subj for x in same if x.order < s.order for _, subj in x.mentions]
        if earlier:
            return earlier[-1], True
        if subjects:
            later = [subj for x in same if x.order > s.order for _, subj in x.mentions]
            return later[0], True
        for back in (1, 2):
            previous = [subj for x in self.sentences if x.paragraph == s.paragraph - back for _, subj in x.mentions]
            if previous:
                return previous[-1], False
        return None, False

    def _names_another_production(self, s: Sentence) -> bool:
        """"the Pale Dawn production", "the rival film Pale Dawn": a capitalised name that no watch owns,
        beside a word for a production."""
        names = (next(g for g in m.groups() if g) for m in OTHER_PRODUCTION_NAMED.finditer(s.text))
        return any(not self.c.mention.search(name) and (" " in name or "adv" not in word_classes(name.lower()))
                   for name in names)  # not "Today, the drama ...": an adverb opening the sentence

    def _subject_at(self, s: Sentence, position: int, fallback: int | None, strict: bool = False) -> int | None:
        if not s.mentions:
            return fallback
        # "A launches in May; B will wait until 2031": a mention in the same clause comes first
        bounds = [0] + [b.end() for b in SUBJECT_BREAK.finditer(s.text)] + [len(s.text) + 1]
        start = max(b for b in bounds if b <= position)
        end = min(b for b in bounds if b > position)
        same = [m for m in s.mentions if start <= m[0] < end]
        clause = s.text[start:end]
        if strict and not same and len(bounds) > 2 and (not REFERS_BACK.search(clause) or INDEFINITE_OPENING.match(clause)):
            return None  # "X launched a satellite from Y; the site for Z is unknown": not Z's
        if strict and _inside_other_names_clause(s.text, position, {m[0] for m in s.mentions}):
            return None  # "Unlike The Long Haul, which launches from Y on 2 May, Z will ..."
        if strict and len({subject for _p, subject in same}) > 1:
            grammatical = self._grammatical_subject(s, position, same)
            if grammatical is not None:
                return grammatical  # "A will beat B to orbit by launching on 12 July": A launches
        return min(same or s.mentions, key=lambda m: (m[0] > position, abs(m[0] - position)))[1]

    def _sharing(self, s: Sentence, position: int, subject: int) -> list[int]:
        """`subject`, and the other productions conjoined with it as the subject of the verb a
        value hangs on: "A and B will share a Crew Dragon in June" gives the craft and the month
        to both."""
        if len({n for _p, n in s.mentions}) < 2:
            return [subject]
        parsed = self._parse(s)
        if parsed is None:
            return [subject]
        token = parsed.token_at(position)
        verb = next((t for t in [token, *token.ancestors] if t.pos_ in ("VERB", "AUX")
                     and any(c.dep_ in R.SUBJECT_DEPS for c in t.children)), None) if token is not None else None
        if verb is None:
            return [subject]
        head = next(c for c in verb.children if c.dep_ in R.SUBJECT_DEPS)
        if not head.conjuncts:
            return [subject]
        named: set[int] = set()
        for noun in (head, *head.conjuncts):  # each conjunct's own words, not the clauses on it
            low, high = _own_words(noun)
            named |= {n for p, n in s.mentions if low <= parsed.shift(p) < high}
        return sorted(named) if subject in named and len(named) > 1 else [subject]

    def _grammatical_subject(self, s: Sentence, position: int, same: list[tuple[int, int]]) -> int | None:
        """The production that is the subject of the verbs a value hangs on, when one of them has a
        subject naming a production of `same`."""
        parsed = self._parse(s)
        if parsed is None:
            return None
        token = parsed.token_at(position)
        if token is None:
            return None
        for noun in [token, *token.ancestors]:  # "Z's Crew Dragon mission from Kennedy in October"
            if noun.pos_ in ("VERB", "AUX"):
                break
            owners = [_own_words(c) for c in noun.children if c.dep_ == "poss"]
            named = {n for p, n in same for low, high in owners if low <= parsed.shift(p) < high}
            if len(named) == 1:
                return named.pop()
        for verb in [token, *token.ancestors]:
            if verb.pos_ not in ("VERB", "AUX"):
                continue
            for subject in (c for c in verb.children if c.dep_ in R.SUBJECT_DEPS):
                low, high = _own_words(subject, keep_conjuncts=True)
                named = {n for p, n in same if low <= parsed.shift(p) < high}
                if len(named) == 1:
                    return named.pop()
                if named:
                    return None
        return None

    # ---------------------------------------------------------------- reading

    def details(self) -> list[Detail]:
        self._parse_all()
        for s in self.sentences:
            if s.named_only and not s.mentions:
                self._titles(s, None)  # "the studio's sequel to Z ...": Z's name, nothing else of it
                continue
            fallback, near = self._context_subject(s) if not s.mentions else (None, True)
            if not s.mentions and fallback is None:
                self._note_months(s)
                continue
            # A subject inherited from an earlier paragraph holds only for talk of the production.
            about = fallback if near or self.c.cues["production_words"].search(s.text) else None
            past_sentence = self._dates(s, about)
            self._withdrawn(s, about)
            if not self.c.cues["retracted"].search(s.text):  # "an earlier version of this article said ... from X"
                self._places(s, about, past_sentence)
            self._titles(s, fallback)
            self._people(s, fallback)
        return self._choose()

    def _withdrawn(self, s: Sentence, fallback: int | None) -> None:
        """"The flight has been postponed indefinitely", "the release was called off": the dates told
        so far of that event no longer hold (unless this sentence gives a new one after)."""
        for m in self.c.cues["withdrawn"].finditer(s.text):
            if any(d.start > m.end() for d in s.dates):
                continue  # "was shelved in 2025 and is now set for 3 March": the new date stands
            left, _right = self._clause(s.text, m.start(), m.end())
            attribute = self._cue_attribute(left, "", True)
            if attribute is None or self._freight(left):
                continue
            parsed = self._parse(s)
            if parsed is not None and not T.stated_as_fact(parsed.doc, parsed.shift(m.start()), parsed.shift(m.end())):
                continue  # "could be postponed indefinitely", "has not been called off"
            subject = self._subject_at(s, m.start(), fallback, strict=True)
            if subject is not None:
                self.withdrawn[(subject, attribute)] = s.order

    def _note_months(self, s: Sentence) -> None:
        for m in s.dates:
            value = D.resolve(m, self.published, known_years=self.known_years, context=self.context_month)
            if value and m.month is not None:
                self.context_month = (int(value[:4]), int(value[5:7]))

    def _clause(self, text: str, start: int, end: int) -> tuple[str, str]:
        left = CLAUSE_BREAK.split(text[:start])[-1]
        right = CLAUSE_BREAK.split(text[end:])[0]
        return left, right

    def _dates(self, s: Sentence, fallback: int | None) -> bool:
        text, cues = s.text, self.c.cues
        # "fly", "flight" mean spaceflight in a sentence about space or about a watched subject.
        space = bool(cues["space_context"].search(text) or s.mentions or fallback is not None
                     or launch_sites().find(text) or spacecraft().find(text))
        # "told reporters she had 'stopped being nervous a week ago'": a quotation's past is not the event's
        past_sentence = bool(cues["retrospective"].search(QUOTED.sub("", text))) or self._earlier_year(text)
        if cues["retracted"].search(text):
            return past_sentence  # "an earlier version of this article said ...": withdrawn values
        offsets = T.find_offsets(text)
        year = _only_year(text, s.dates)  # "June, the end of the 'second quarter of 2030' window"

        def factual(start: int, end: int) -> bool:
            opens = text.rfind(";", 0, start) + 1  # the condition may open the clause after a semicolon
            if CONDITION_AFTER.match(text, end) or (
                    CONDITION_FIRST.match(text[opens:].lstrip()) and "," in text[opens:start]):
                return False  # "will fly on 8 July should the re-tests go well", "Provided the checks pass, ...": however parsed
            parsed = self._parse(s)
            return parsed is None or T.stated_as_fact(parsed.doc, parsed.shift(start), parsed.shift(end))

        resolved: dict[int, str] = {}  # where a date starts -> its value, for the offsets after it
        first_candidate = len(self.candidates)
        for m in s.dates:
            if any(o.kind == "from-now" and o.start <= m.start < o.end for o in offsets):
                continue  # "a fortnight from today": read as a whole by _relative_dates
            if m.relative and (AGO.match(text, m.end) or AGO_BEFORE.search(text[:m.start])):
                continue  # "three years ago today": an anniversary, not a date of the event
            left, right = self._clause(text, m.start, m.end)
            offset = _offset_for(m, offsets, text, s.dates)
            # a date that is moved ("had been booked for 3 March, has been pushed back by nine days")
            # is read as a plan, whatever the tense of the clause that once set it
            tense = "" if offset is not None and offset.kind == "by" else self._tense(left, right)
            if tense == "past" and PLAN_SET_FOR.search(left):
                tense = ""  # "has set the release for the 26th": the date set is a plan, whatever the tense of setting it
            years = self.known_years if m.year is not None or year is None else {**self.known_years, m.month: year}
            anchor = date.fromisoformat(self.last_value) if self.last_value and len(self.last_value) == 10 else None
            value = D.resolve(m, self.published, tense=tense, known_years=years, context=self.context_month,
                              anchor=anchor)
            if value is None:
                continue
            resolved[m.start] = value
            context_before = self.context_month
            if len(value) >= 7 and m.month is not None:
                self.context_month = (int(value[:4]), int(value[5:7]))
            moved = offset is not None
            if offset is not None and offset.kind in ("around", "than"):
                main = CLAUSE_BREAK.split(text[:offset.start])[-1]
                attribute = self._date_attribute(main, "", space)
                if attribute is None:
                    moved = False  # "direct the first scene the day after the launch on 9 April"
                    attribute = self._date_attribute(left, right, space)
            else:
                attribute = self._subject_event(s, m, space) or self._date_attribute(left, right, space, text[:m.start])
            if moved and len(value) == 10:
                value = offset.move(date.fromisoformat(value)).isoformat()
            is_past = D.last_day(value) < self.published - timedelta(days=PAST_DAYS)
            self.last_value = value
            if attribute is None or (not moved and (cues["superseded"].search(left) or (FROM.search(left) and TO.match(right)))):
                continue  # "originally set for X", "moved from X to Y": X is the old value
            if not factual(m.start, m.end):
                self.context_month = context_before  # a denied month lends its month to no "14th"
                continue  # "could slip to X", "if approved, would fly on X", "is not scheduled for X"
            if not moved and not self._governed_by_event(self._parse(s), m):
                continue  # "will present the sequel at a festival on X": X is the date of something else
            if (not moved or offset.kind == "by") and self._about_cargo(s, m.start, m.end):
                continue  # "a freighter, now leaving on the 15th, ... pushed its launch back by a week": not that date
            if not moved and (self._describes_other_noun(s, m) or self._of_another_work(s, m)):
                continue  # "a cargo ship that lifted off on Monday", "the flight plan released Thursday"
            subject = self._subject_at(s, m.start, fallback, strict=True)
            if subject is None or self._other_film_between(s, subject, m.start):
                continue
            # the places of a sentence that dates a past event of the production are history too (not
            # "told investors in November", not "last carried a cargo ship in November")
            past_sentence = past_sentence or is_past
            strength = 2 if m.precision == "day" else 1
            if moved and offset.kind == "by":
                strength += 1  # "brought forward by four days from 18 September": the new value
            for each in self._sharing(s, m.start, subject):
                self.candidates.append(Candidate(each, attribute, value, text, s.order, is_past, strength))
        self._relative_dates(s, fallback, offsets, space, factual)
        self._dated_by_what_precedes(s, fallback, offsets, space, factual, resolved, self.candidates[first_candidate:])
        return past_sentence

    def _subject_event(self, s: Sentence, m: D.DateMention, space: bool) -> str | None:
        """"The start of the crewed ship ..., with the participants of the filming, is planned for
        09.04.2028": with a verb that only carries a date, the event its subject names opens it."""
        parsed = self._parse(s)
        if parsed is None:
            return None
        span = parsed.doc.char_span(parsed.shift(m.start), parsed.shift(m.end), alignment_mode="expand")
        verb = R.verb_above(span.root) if span is not None else None
        if verb is None or verb.lemma_.lower() not in self.c.neutral_verbs:
            return None
        subject = next((c for c in verb.children if c.dep_ in R.SUBJECT_DEPS), None)
        if subject is not None and subject.lower_ in ("which", "that") and verb.dep_ == "relcl":
            subject = verb.head  # "the crewed flight for Z, which had been booked for 3 March"
            if subject.pos_ == "PROPN" and subject.dep_ == "pobj" and subject.head.head.pos_ == "NOUN":
                subject = subject.head.head  # the clause hangs on the title, said of the flight
        if subject is None or subject.pos_ not in ("NOUN", "PROPN"):
            return None
        opening = [t for t in subject.subtree if t.i <= subject.i + 6]
        phrase = parsed.doc.text[opening[0].idx:opening[-1].idx + len(opening[-1])]
        first = self._cue_attribute(phrase, "", space)
        head = subject.lemma_.lower()
        return first if first and head in T.EVENT_NOUNS else None

    def _about_cargo(self, s: Sentence, start: int, end: int) -> bool:
        """Whether the clause holding start..end is about freight ("a cargo ship that lifted off from
        X on Monday"): the clause of the verb it hangs on, without the clauses inside it, so that
        "While a cargo craft left X, the cast will launch from Y" keeps Y."""
        parsed = self._parse(s)
        span = parsed.doc.char_span(parsed.shift(start), parsed.shift(end), alignment_mode="expand") \
            if parsed is not None else None
        if span is None:
            return self._freight(" ".join(self._clause(s.text, start, end)))
        verb = next((t for t in [span.root, *span.root.ancestors] if t.pos_ in ("VERB", "AUX")), None)
        if verb is None:
            return self._freight(" ".join(self._clause(s.text, start, end)))
        below = [t for t in span.root.ancestors if t.i != verb.i and verb in t.ancestors]
        event = next((t for t in below if t.pos_ == "NOUN" and t.lemma_.lower() in LAUNCH_NOUNS), None)
        if event is not None:  # "..., ahead of the crew's own launch from Y": that launch's own phrase
            return self._freight(" ".join(t.text for t in event.subtree))
        inner = {t.i for c in verb.children if c.dep_ in OWN_CLAUSES and c.pos_ in ("VERB", "AUX") and span.root not in
                 c.subtree for t in c.subtree}
        # and the relative clauses lower down: "instead of pad 39A, which is needed for a cargo launch"
        inner |= {t.i for c in verb.subtree if c.dep_ == "relcl" and span.root not in c.subtree for t in c.subtree}
        # "will launch from Y three weeks after the cargo flight on 27 February": the event it is timed by
        inner |= {t.i for c in verb.subtree if c.dep_ == "prep" and c.lower_ in ANCHORING and span.root not in c.subtree
                  for t in c.subtree}
        left, right = self._clause(s.text, start, end)  # and never past a semicolon or a dash
        low, high = parsed.shift(start - len(left)), parsed.shift(end + len(right))
        clause = " ".join(t.text for t in verb.subtree if t.i not in inner and low <= t.idx < high)
        # a relative clause on a cargo noun is about that cargo ("a cargo ship that lifted off on Monday")
        owner = verb.head if verb.dep_ in ("relcl", "acl") else None
        return self._freight(clause) or (owner is not None and self._freight(
            " ".join(t.text for t in owner.subtree if t.i < verb.i)))

    def _freight(self, clause: str) -> bool:
        """Whether `clause` speaks of freight; satellites with people aboard are a crewed flight's
        passengers too ("the Soyuz carrying the actors and two small satellites")."""
        hits = [m.group(0).lower() for m in self.c.cues["cargo"].finditer(clause)]
        if hits and all(hit.startswith("satellite") for hit in hits) and ABOARD_PEOPLE.search(clause):
            return False
        return bool(hits)

    def _describes_other_noun(self, s: Sentence, m: D.DateMention) -> bool:
        parsed = self._parse(s)
        return parsed is not None and T.describes_other_noun(parsed.doc, parsed.shift(m.start), parsed.shift(m.end))

    def _of_another_work(self, s: Sentence, m: D.DateMention) -> bool:
        """"will also direct Vellin Rock, a Gdansk drama that opens on 9 January", "her next film opens in
        August": the date is told of a name that is no watched production (the parser's copy calls
        those "the film"), or of another film."""
        parsed = self._parse(s)
        if parsed is None:
            return False
        span = parsed.doc.char_span(parsed.shift(m.start), parsed.shift(m.end), alignment_mode="expand")
        verb = next((t for t in span.root.ancestors if t.pos_ in ("VERB", "AUX")), None) if span is not None else None
        if verb is None:
            return False
        if any(c.dep_ in R.SUBJECT_DEPS and c.lemma_.lower() in R.PRODUCTION_NOUNS and any(
                g.lower_ in ANOTHER_WORK for g in c.children if g.dep_ in ("amod", "det"))
               for c in verb.children):
            return True  # "her next film, a Bergen comedy, opens in August"
        subject = next((c for c in verb.children if c.dep_ in R.SUBJECT_DEPS), None)
        if subject is not None and subject.pos_ == "PROPN" and verb.lemma_.lower() in OPENING_VERBS and \
                not any(c.dep_ == "dobj" for c in verb.children) and self._unwatched_work(parsed, subject):
            return True  # "the studio says Winter Lamp will open in December": another title's date
        if verb.dep_ not in ("relcl", "acl"):
            return False
        noun = verb.head
        while noun.dep_ in ("pobj", "prep") and noun.head.i != noun.i:
            noun = noun.head  # "a series about ferry pilots that starts ...": the clause may hang low
        if noun.dep_ == "appos":
            noun = noun.head
        if noun.pos_ != "PROPN" or noun.text == PLACEHOLDER:
            return False
        text = parsed.doc.text  # not a craft or a launch site: "Shenzhou-31, which launches on 3 May"
        return not any(a <= noun.idx < b for gazetteer in (spacecraft(), launch_sites()) for a, b, _ in gazetteer.find(text))

    def _unwatched_work(self, parsed: Parsed, noun) -> bool:
        """Whether a proper noun the parser's copy kept names another work: not a craft or a launch
        site; a name read as a person's only when it is no watched person ("Winter Lamp will open")."""
        if noun.text == PLACEHOLDER:
            written = next((w for a, _b, w in parsed.people if parsed.shift(a) == noun.idx), None)
            return written is not None and written not in self.alias_people
        return not _names_craft_or_site(noun)

    def _governed_by_event(self, parsed: Parsed | None, m: D.DateMention) -> bool:
        """Whether the verb the date hangs on is a launch or release verb, or one that only
        carries a date ("set for", "moved to"); any other verb makes it another event's date."""
        if parsed is None:
            return True
        forms, at = T.governing_verb(parsed.doc, parsed.shift(m.start), parsed.shift(m.end))
        if not forms or forms & self.c.neutral_verbs or forms & R.role_nouns():
            return True  # (a role noun the parser took for a verb: "carried ... and actress X into orbit on Thursday")
        when = WHEN_AFTER.match(parsed.doc.text, parsed.shift(m.end))
        if when and any(self.c.cues[key].search(re.split(r"[,;:]", parsed.doc.text[when.end():])[0])
                        for key in ("launch", "release")):
            return True  # "will show Z from Wednesday, when the film opens across the country"
        between = parsed.doc.text[at:parsed.shift(m.start)]
        if any(self.c.cues[key].search(between) for key in ("launch", "release")):
            return True
        if CINEMAS_SCREEN.search(parsed.doc.text, max(0, at - 30), parsed.shift(m.start)):
            return True
        craft = spacecraft().find(between)  # "will share a Crew Dragon in June", "boards Soyuz MS-30 on 3 May"
        return bool(craft) and bool(BOARDING.search(between, 0, craft[0][0]))

    def _relative_dates(self, s: Sentence, fallback: int | None, offsets: list[T.Offset], space: bool, factual) -> None:
        """"in two weeks", "a fortnight from today", "follows a fortnight later": no date written."""
        for offset in offsets:
            if offset.kind != "from-now" and any(m.start < offset.end and offset.start < m.end for m in s.dates):
                continue
            if any(0 <= offset.start - m.end <= 3 for m in s.dates):
                continue  # "flies on 30 June, five weeks before Z's crew begins quarantine": of that date
            moves_earlier = offset.kind == "by" and not any(
                self._date_attribute(*self._clause(s.text, m.start, m.end), space) for m in s.dates)
            if not moves_earlier and any(_offset_for(m, [offset], s.text, s.dates) is offset for m in s.dates):
                continue  # it moves a date written after it: read with that date
            if offset.kind == "from-now":
                anchor = self.published
            elif moves_earlier:
                anchor = None  # "was due on 12 May. The launch has been pushed back by four days": that date, moved
            elif (offset.kind == "later" or (offset.kind == "around" and EVENT_AFTER.match(s.text, offset.end))) \
                    and self.last_value and len(self.last_value) == 10:
                # "a fortnight later"; "two months after its festival premiere" with no date after it
                anchor = date.fromisoformat(self.last_value)
            else:
                continue
            left, right = self._clause(s.text, offset.start, offset.end)
            attribute = self._date_attribute(left, right, space)
            if attribute is None or not factual(offset.start, offset.end):
                continue
            subject = self._subject_at(s, offset.start, fallback)
            strength = 2
            if subject is not None and moves_earlier:
                stated = [c for c in self.candidates if c.subject == subject and c.attribute == attribute
                          and len(c.value) == 10 and not c.is_past]
                if not stated:
                    continue
                anchor, strength = date.fromisoformat(stated[-1].value), stated[-1].strength + 1
            if subject is not None:
                value = offset.move(anchor).isoformat()
                self.candidates.append(Candidate(subject, attribute, value, s.text, s.order, False, strength))

    def _dated_by_what_precedes(self, s: Sentence, fallback: int | None, offsets: list[T.Offset], space: bool,
                                factual, resolved: dict[int, str], own: list[Candidate]) -> None:
        """"premieres at a festival on 10 December, a week before it opens nationwide": the event after
        the span of time is that date moved back by it."""
        for offset in offsets:
            if offset.kind != "around":
                continue
            before = next((m for m in s.dates if 0 <= offset.start - m.end <= 3 and m.start in resolved), None)
            if before is None or len(resolved[before.start]) != 10:
                continue
            after = re.split(r"[,;:]", s.text[offset.end:], maxsplit=1)[0]  # "before it opens nationwide, the studio said"
            if any(offset.end <= d.start < offset.end + len(after) for d in s.dates):
                continue  # "nine months after they lifted off on 24 June": that event has its own date
            attribute = self._cue_attribute("", after, space)  # the first event named after it
            if attribute is None or any(c.attribute == attribute and c.value == resolved[before.start] for c in own):
                continue  # "flies on 30 June, five weeks before ..." with the same event: that date is its own
            if not factual(offset.start, offset.end):
                continue
            subject = self._subject_at(s, offset.end, fallback, strict=True)
            if subject is None or self._other_film_between(s, subject, offset.end):
                continue
            back = T.Offset(offset.start, offset.end, -offset.days, offset.kind, -offset.months)
            value = back.move(date.fromisoformat(resolved[before.start])).isoformat()
            self.candidates.append(Candidate(subject, attribute, value, s.text, s.order, False, 2))

    def _earlier_year(self, text: str) -> bool:
        """"In 2028 the crew flew ...": a year before publication in a sentence with no future."""
        years = [int(y) for y in YEAR.findall(text)]
        return any(y < self.published.year for y in years) and not self.c.cues["future"].search(text)

    def _tense(self, left: str, right: str) -> str:
        right = re.split(r"[,;:]", right, maxsplit=1)[0]  # not "on 8 January, fifteen months after they came back"
        future = list(self.c.cues["future"].finditer(left))
        past = list(self.c.cues["past"].finditer(left))
        if future or past:
            last_future = future[-1].end() if future else -1
            last_past = past[-1].end() if past else -1
            return "future" if last_future > last_past else "past"
        if self.c.cues["future"].search(right[:60]):
            return "future"
        if self.c.cues["past"].search(right[:60]):
            return "past"
        return ""

    def _date_attribute(self, left: str, right: str, space: bool, before: str = "") -> str | None:
        modified = DATE_FOR_EVENT.match(right) or DATE_MODIFIES.match(right)
        if modified and not (modified.group("between") and is_stop_word(modified.group("between"))):
            # "Thursday's launch", "ahead of a 9 October release in cinemas": the noun it qualifies
            return self._cue_attribute(right[:modified.end()], "", True)
        # "are in orbit this morning after a Crew Dragon lifted off yesterday": a later clause's event is not this date's
        attribute = self._cue_attribute(left, SUBORDINATE.split(right, maxsplit=1)[0], space)
        if attribute is None and before.rstrip().endswith(":") and not left.strip():
            attribute = self._cue_attribute(before.rstrip()[:-1].split(";")[-1], "", space)  # "a release date: 15 August"
        return attribute

    def _leaving_for_earth(self, text: str, cue: re.Match[str]) -> bool:
        """"leaves for X" is a launch only when X is a space station ("leave for Tiangong"), not
        a city or a launch site ("leave for Baikonur" is the journey before it)."""
        return cue.group(0).lower() in ("leave", "leaves", "leaving") and not self.c.stations.match(text, cue.end())

    def _cue_attribute(self, left: str, right: str, space: bool) -> str | None:
        found: list[tuple[int, int, str, int]] = []
        # "Her New Shepard short is now planned for October": a craft named before the date is its flight
        found += [(end, -start, "launch", start) for start, end, _name in spacecraft().find(left)
                  if PLANNED.search(left, end) or BOARDING.search(left, max(0, start - 24), start)]  # "board X next Tuesday"
        found += [(m.end(), -m.start(), "release", m.start()) for m in CINEMAS_SCREEN.finditer(left)]
        found += [(end, -start, "launch", start) for start, end, _name in launch_sites().find(left)
                  if LEAVING_SITE.search(left, max(0, start - 16), start) and not self._freight(left)]
        # ("to leave Kennedy aboard a Crew Dragon on"; not "a freighter, now leaving Wallops on")
        for key in ("launch", "release", "other"):
            for m in self.c.cues[key].finditer(left):
                if key == "launch" and self.c.weak_launch.match(m.group(0)) and (
                        not space or (ELSEWHERE.match(left, m.end()) and not self.c.stations.match(left, m.end()))):
                    continue
                if key == "launch" and self._leaving_for_earth(left, m):
                    continue
                found.append((m.end(), -m.start(), key, m.start()))
        if found:
            _end, _start, key, start = max(found)
            if NEGATED.search(left[:start]):
                return None  # "will not launch on June 1"
            if key == "release" and any(n.end() >= start - 25 and n.start() <= _end + 12 and
                                        not any(ch.isdigit() for ch in left[n.end():start])  # its own date between
                                        for n in self.c.cues["non_release"].finditer(left)):
                return None  # "a gala premiere in X on", "the trailer will be released on"
            return {"launch": "launch_date", "release": "release_date"}.get(key)
        after: list[tuple[int, str]] = []
        for key in ("launch", "release", "other"):
            m = next((m for m in self.c.cues[key].finditer(right)
                      if not (key == "launch" and self._leaving_for_earth(right, m)) and not _has_own_date(right, m)),
                     None)
            if m and not (key == "launch" and not space and self.c.weak_launch.match(m.group(0))):
                after.append((m.start(), key))
        # "Tomorrow morning the two actors will board Shenzhou-34", "a fortnight from today, a New
        # Shepard capsule will carry X": boarding a craft, or a craft carrying, after the date
        after += [(start, "launch") for start, end, _name in spacecraft().find(right)
                  if BOARDING.search(right, max(0, start - 24), start) or CRAFT_CARRIES.match(right, end)
                  or ABOARD_RIGHT_AFTER.fullmatch(right, 0, start)]  # "remains set for 18 July aboard New Shepard"
        if after:
            return {"launch": "launch_date", "release": "release_date"}.get(min(after)[1])
        return None

    def _other_film_between(self, s: Sentence, subject: int, position: int) -> bool:
        """"promoting the seventh X film, due in cinemas in July": that date is the other film's."""
        words = self.c.subjects[subject].words
        before = [p for p, subj in s.mentions if subj == subject and p < position]
        start = before[-1] if before else 0
        not_name = P.not_name_words()
        for pattern in (FOREIGN_FILM, NAMED_FILM, self.c.possessive):
            for m in pattern.finditer(s.text, start, position):
                tokens = [t.lower() for t in re.findall(r"[\w’'\-]+", m.group(1))]
                if any(t in words for t in tokens):
                    continue
                if any(t not in not_name for t in tokens):
                    return True
        return False

    def _places(self, s: Sentence, fallback: int | None, past_sentence: bool) -> None:
        if not self.c.cues["travel"].search(s.text):
            return
        for attribute, gazetteer in (("launch_site", launch_sites()), ("spacecraft", spacecraft())):
            hits = gazetteer.find(s.text)
            for n, (start, end, name) in enumerate(hits):
                if n + 1 < len(hits) and (PLACE_FROM.search(s.text[:start]) or LEAVING.search(s.text[:start])) and \
                        (SWITCH_TO.fullmatch(s.text[end:hits[n + 1][0]]) or LEAVING.search(s.text[:start])):
                    continue  # "switched from X to Y", "took the crew off X and put them on Y": X is the old value
                moved_to = MOVED_TO.match(s.text, end)
                if PLACE_FROM.search(s.text[:start]) and moved_to and not self.c.stations.match(s.text, end) \
                        and not s.text.startswith(("Moon", "Mars", "Earth"), moved_to.end()):
                    continue  # "moves the launch from Baikonur to Florida": the place it leaves
                if INSTEAD_OF.search(s.text[:start]) or (n + 1 < len(hits) and TRADED.search(s.text[:start])):
                    continue  # "39A instead of SLC-41", "traded its Crew Dragon seats for places on Starliner"
                if n + 1 < len(hits) and INSTEAD_AFTER.match(s.text, hits[-1][1]) and \
                        self._stated(s, hits[-1][0], hits[-1][1]):
                    continue  # "because 39A is booked, the crew flies from SLC-40 instead": the last one
                if REPLICA_OF.search(s.text[max(0, start - 40):start]) or REPLICA_AFTER.match(s.text, end):
                    continue  # "rehearsing in a mock-up of a New Shepard capsule", "a full-scale Gaganyaan replica"
                if self._about_cargo(s, start, end):
                    continue  # "the props went up on a cargo ship from X": no flight of the production's people
                subject = self._subject_at(s, start, fallback, strict=True)
                if subject is None or self._other_film_between(s, subject, start):
                    continue
                if not self._stated(s, start, end):
                    continue  # "could one day be shot aboard X"; not "her Soyuz flight could slip"
                parsed = self._parse(s)
                past = past_sentence or (parsed is not None and T.past_event(
                    parsed.doc, parsed.shift(start), parsed.shift(end), self.published.year))
                for each in self._sharing(s, start, subject):
                    self.candidates.append(Candidate(each, attribute, name, s.text, s.order, past,
                                                     2 if any(ch.isdigit() for ch in name) else 1))

    def _stated(self, s: Sentence, start: int, end: int) -> bool:
        """Whether a place or craft at start..end is stated as the plan or fact of the production's
        people: not hedged unless presupposed ("her Soyuz flight could slip"), and not a backup's."""
        parsed = self._parse(s)
        if parsed is None:
            return True
        low, high = parsed.shift(start), parsed.shift(end)
        if not T.stated_as_fact(parsed.doc, low, high) and not T.presupposed(parsed.doc, low, high):
            return False
        token = parsed.token_at(start)
        verb = R.verb_above(token) if token is not None else None
        return verb is None or not any(c.dep_ in R.SUBJECT_DEPS and R.word(c) in R.BACKUP for c in verb.children)

    def _titles(self, s: Sentence, fallback: int | None) -> None:
        previous = set()
        for pattern in self.c.titles_previous:
            for m in pattern.finditer(s.text):
                previous.add(_title_value(m))
        for pattern in self.c.titles_current:
            for m in pattern.finditer(s.text):
                value = self._whole_alias(s.text, m) or _title_value(m)
                if not value or value in previous:
                    continue
                owned = self.c.owner.get(value)
                if owned is not None and owned[1] is not None:
                    if TITLE_SAID.search(m.group(0)):  # an alias its form made a person, which the text calls a title
                        self.candidates.append(Candidate(owned[0], "title", value, s.text, s.order, strength=2))
                    continue
                if value.lower() in P.not_name_words() or value.lower() in ("it", "this"):
                    continue
                subject = self._subject_at(s, m.start(), fallback)
                if subject is not None:
                    self.candidates.append(Candidate(subject, "title", value, s.text, s.order, strength=2))
        for position, subject in s.mentions + s.named_only:
            for rank, alias in enumerate(self.c.subjects[subject].titles):
                after = position + len(alias)
                if s.text.startswith(alias, position) and alias not in previous and not (
                        after < len(s.text) and (s.text[after].isalnum() or s.text[after] == "-")):  # "Tarn" is no "Tarnholm"
                    # Several names of one film in an article: the watch's first alias is its title.
                    self.candidates.append(Candidate(subject, "title", alias, s.text, rank * 100000 + s.order))
                    inner = IN_PARENTHESES.match(s.text, after)
                    owned = self.c.owner.get(inner.group(1)) if inner else None
                    if owned is not None and owned[0] == subject and (owned[1] is not None or inner.group(1) in
                                                                      self.c.subjects[subject].titles):  # not the studio
                        # "The Ninth Lantern (Di Jiu Zhan Deng)": another alias of it, in brackets, is its other title
                        self.candidates.append(Candidate(subject, "title", inner.group(1), s.text, s.order, strength=2))

    def _whole_alias(self, text: str, m: re.Match[str]) -> str:
        """The watched title the matched name begins ("renamed La stanza sospesa": a title slot reads
        capitalised words only, "La") or ends at a colon ("festival title The Grey Shore: the
        studio's drama"), or "" when it begins none."""
        key = next((k for k in ("q1", "q2", "q3", "bare") if m.groupdict().get(k)), None)
        if key is None:
            return ""
        at, written = m.start(key), m.group(key).strip()
        names = [*(alias for subject in self.c.subjects for alias in subject.titles), *self.c.owner]
        return max((alias for alias in names if text.startswith(alias, at) and (
            len(alias) > len(written) or written[len(alias):].startswith((":", " and ", " in ")))), key=len, default="")

    def _titles_named(self, subject: int, cands: list[Candidate]) -> list[Detail]:
        """Every name the article gives the film: the one it states as the title ("released as
        X") first, then the other names it uses, each flagged as only used."""
        stated = {c.value for c in cands if c.strength >= 2}
        ordered = sorted(cands, key=lambda c: (c.value not in stated, c.order))
        seen: dict[str, Candidate] = {}
        for c in ordered:
            seen.setdefault(c.value.casefold(), c)
        return [Detail(self.c.subjects[subject].name, "title", c.value, _snippet(c.snippet),
                       mention_only=c.value not in stated) for c in seen.values()]

    def _people(self, s: Sentence, fallback: int | None) -> None:
        parsed = self._parse(s)
        if parsed is None or not parsed.people:
            self._role_by_reference(s)
            if parsed is not None:
                self._role_by_pronoun(s, parsed)
            if self.last_people is not None and self.last_people[0] == s.order - 1 and len(self.last_people[1]) == 1 \
                    and SINGULAR_PRONOUN.search(s.text):
                _order, written, fallback_then = self.last_people  # "X has never flown. On 17 October she will."
                self.last_people = (s.order, written, fallback_then)
                self.last_person = (s.order, written[0], fallback_then)
            return
        people = [p for p in parsed.people if p[2] not in self.c.unsettled]
        self.last_people = (s.order, [p[2] for p in people], fallback) if people else None
        if len(people) == 1:
            self.last_person = (s.order, people[0][2], fallback)
        else:
            self.last_person = None
        doc, shift = parsed.doc, parsed.shift
        named = [(shift(a), shift(a) + len(self._stand_in(s.text, a, b)), subject) for a, b, subject in parsed.named]
        for a, b, written in parsed.people:
            full, subject = self._person(written, s, a, fallback)
            name = doc.char_span(shift(a), shift(a) + len(PLACEHOLDER), alignment_mode="expand")
            if full is None or subject is None or name is None:
                continue
            unsettled = written in self.c.unsettled
            finding = R.read_role(name.sent, name, sole=len(people) == (0 if unsettled else 1))
            if not finding.roles:
                finding.roles |= self._role_named_before(s, name.root)
            if not finding.roles and JOINING_FIRST.match(s.text):
                finding.roles, finding.cast_by_verb = {R.CAST}, True  # "Joining X in Z are A and B": all in its cast
            listed = _listed_role(s.text, a, parsed.people, [(x, y) for x, y, _subject in parsed.named])
            if listed is not None and not finding.left_direction and R.REMOVED not in finding.roles:
                finding.roles = {listed}  # "(cast: A, B; director: C)": the label says, whatever the parse made of it
            if unsettled:
                if not finding.roles & {R.CAST, R.DIRECTOR, R.REMOVED}:
                    continue  # the film's one-word title, as far as this sentence says
                self.as_person.add(written)  # "Quillon, whose last album ..., joins the cast"
            if finding.roles - {R.REMOVED} and R.REMOVED not in finding.roles and (finding.by_verb or finding.cast_by_verb) and \
                    not T.stated_as_fact(doc, name.start_char, name.end_char, watching=False) and \
                    not self._said_in_own_clause(name.root):
                continue  # "denied that X had been cast", "X could join"
            if not (finding.by_verb or finding.cast_by_verb) and not s.mentions and full not in self.alias_people \
                    and _films_elsewhere(doc):
                continue  # "the actress X ... shooting scenes for Z": Z is another production
            unsure = {shift(x) for x, _y, w in parsed.people if x != a and w not in self.alias_people}
            watched, elsewhere = self._production_of(finding, named, unsure)
            if watched is not None:
                subject = watched
            elif elsewhere:
                continue  # a role in another production ("will star in the comedy Z")
            if finding.left_direction:
                self.left_direction.add((subject, full))
            for role in finding.roles:
                key = (subject, full)
                self.person_roles.setdefault(key, {}).setdefault(role, s.order)
                self.person_snippet.setdefault((subject, full, role), s.text)

    @staticmethod
    def _said_in_own_clause(name) -> bool:
        """"X, who played the lead, has not returned to space": what the relative clause right after
        the name says is not negated by the main clause."""
        clause = R.relative_after(name)
        return clause is not None and clause.lemma_.lower() in R.role_verbs() and not T.hedged_clause(clause)

    def _role_named_before(self, s: Sentence, person) -> set[str]:
        """"Z has found its director. She is X": "she is X" names whom the sentence before described
        by a role noun, when it described nobody else by another."""
        be = person.head
        if person.dep_ != "attr" or be.lemma_ != "be" or not any(
                c.dep_ in R.SUBJECT_DEPS and c.lower_ in ("he", "she") for c in be.children):
            return set()
        before = [x for x in self.sentences if x.order == s.order - 1 and x.paragraph == s.paragraph]
        if not before:
            return set()
        v = R.vocabulary()
        words = {w.lower().removesuffix("s") for w in re.findall(r"[^\W\d_][\w\-]*", before[0].text)}
        roles = {R.CAST for w in words if w in v.cast_nouns - {"part", "role", "star"}} | \
            {R.DIRECTOR for w in words if w in v.director_nouns - {"debut"}}
        return roles if len(roles) == 1 else set()

    def _role_by_pronoun(self, s: Sentence, parsed: Parsed) -> None:
        """"X spent the winter in Houston. Now he plays the pilot in Z", "The Estonian will direct Z":
        a sentence whose subject is "he", "she" or a word that describes a person, and that names
        nobody, speaks of the one person the sentence before named."""
        if self.last_people is None or self.last_people[0] != s.order - 1 or not REFERENCE_SUBJECT.search(s.text):
            return
        pronoun = next((t for t in parsed.doc if t.dep_ in R.SUBJECT_DEPS), None)
        if pronoun is None:
            return
        _order, written_all, fallback = self.last_people
        if len(written_all) == 1 and (pronoun.lower_ in ("he", "she") or _describes_a_person(pronoun)):
            roles_of = R.read_role(pronoun.sent, parsed.doc[pronoun.i:pronoun.i + 1], sole=True,
                                   by_words=pronoun.lower_ in ("he", "she"))
        elif len(written_all) == 1 and _own_part(pronoun):  # "Her role in Z is a welder"
            roles_of = R.Finding(roles={R.CAST}, productions=R.prepositional(pronoun, ("in", "of")), by_verb=True)
        elif 2 <= len(written_all) <= 3 and _several_people(pronoun):  # "They will play", "The two actors"
            roles_of = R.read_role(pronoun.sent, parsed.doc[pronoun.i:pronoun.i + 1])
        else:
            return
        if roles_of.roles - {R.REMOVED} and not T.stated_as_fact(parsed.doc, pronoun.idx, pronoun.idx + len(pronoun)):
            return  # "she could join Z"; but "she will not return to Z" is a departure
        named = [(parsed.shift(a), parsed.shift(a) + len(self._stand_in(s.text, a, b)), n) for a, b, n in parsed.named]
        watched, elsewhere = self._production_of(roles_of, named, set())
        if elsewhere and watched is None:
            return
        for written in written_all:
            full, own = self._person(written, s, 0, fallback)
            subject = watched if watched is not None else self._subject_at(s, 0, fallback)
            if subject is None:
                subject = own  # "X was cast in Z. On Tuesday she withdrew": a watched person's own production
            if full is None or subject is None:
                continue
            for role in roles_of.roles & {R.CAST, R.DIRECTOR, R.REMOVED}:
                self.person_roles.setdefault((subject, full), {}).setdefault(role, s.order)
                self.person_snippet.setdefault((subject, full, role), s.text)

    def _role_by_reference(self, s: Sentence) -> None:
        """"X is taking no chances. The Heron director will fly with a spare camera": a sentence that
        opens on a role and names nobody speaks of the one person the sentence before named."""
        match = ROLE_REFERENCE.match(s.text)
        if not match or self.last_person is None or self.last_person[0] != s.order - 1:
            return
        if not any(position < match.end() for position, _subject in s.mentions):
            return  # "The actress has described ...": what she is, not that she is in a watched production
        _order, written, fallback = self.last_person
        full, subject = self._person(written, s, 0, fallback)
        if full is None or subject is None:
            return
        noun = match.group("noun").lower()
        role = R.DIRECTOR if noun in R.vocabulary().director_nouns else R.CAST
        self.person_roles.setdefault((subject, full), {}).setdefault(role, s.order)
        self.person_snippet.setdefault((subject, full, role), s.text)

    def _parse_all(self) -> None:
        """Parse, in one batch, every sentence that names someone, gives a date or a place.

        The small model parses "Ana Rhys-Kessel will co-star in Heron" badly, so the parser reads a
        copy where each name is one plain token, a production "the film", and hyphenated co- verbs
        one word; `Parsed.shift` maps positions in the sentence to positions in that copy."""
        wanted: list[tuple[Sentence, str, object, list, list]] = []
        one_person_at = -1  # the last sentence naming exactly one person: "he", "the singer" may point back
        for s in self.sentences:
            if not s.mentions and self._context_subject(s)[0] is None:
                continue
            named = self._named(s)
            people = self._person_spans(s, named)
            refers = one_person_at == s.order - 1 and REFERENCE_SUBJECT.search(s.text) is not None
            if 1 <= len(people) <= 3 or (not people and one_person_at == s.order - 1 and SINGULAR_PRONOUN.search(s.text)):
                one_person_at = s.order
            if not (people or s.dates or refers or self.c.cues["withdrawn"].search(s.text) or (self.c.cues["travel"].search(s.text) and (
                    launch_sites().find(s.text) or spacecraft().find(s.text)))):
                continue
            stand_ins = [(a, b, PLACEHOLDER) for a, b, _ in people] + \
                [(a, b, self._stand_in(s.text, a, b)) for a, b, _ in named] + \
                [(b, m.end(), "") for _a, b, _ in people if (m := ASIDE_AFTER.match(s.text, b))]  # "X, 29, steps in"
            text, shift = _plain_names(s.text[:MAX_PARSE_CHARS], stand_ins)
            text = text.translate(GUILLEMETS)  # the model reads «Z» worse than "Z"; one character for one keeps positions
            wanted.append((s, text, shift, people, named))
        docs = nlp(self.model).pipe([text for _s, text, _shift, _p, _n in wanted], batch_size=64, disable=["ner"])
        for (s, _text, shift, people, named), doc in zip(wanted, docs):
            self.parsed[s.order] = Parsed(doc, shift, people, named)

    def _parse(self, s: Sentence) -> Parsed | None:
        return self.parsed.get(s.order)

    def _stand_in(self, text: str, start: int, end: int) -> str:
        """What a production's name reads as in the copy the parser sees: "the film", "the studio"."""
        subject = self.c.owner[text[start:end]][0]
        if text[start:end] in self.c.unsettled:
            return PLACEHOLDER  # a title or a one-name performer: the parse tells (see `_people`)
        words = "film" if text[start:end] in self.c.subjects[subject].titles else "studio"
        if re.search(r"\b(?:the|a|an|its|their|his|her)\s+$|\w-[a-z]+(?:ed|ing)\s+$", text[max(0, start - 30):start],
                     re.IGNORECASE):
            return words  # "the Heron crew" -> "the film crew"; "the X-directed Heron" -> "the X-directed film"
        return ("The " if start == 0 else "the ") + words

    def _named(self, s: Sentence) -> list[tuple[int, int, int]]:
        return [(m.start(), m.end(), self.c.owner[m.group(0)][0]) for m in self.c.mention.finditer(s.text)
                if self.c.owner[m.group(0)][1] is None]

    def _person_spans(self, s: Sentence, named: list[tuple[int, int, int]]) -> list[tuple[int, int, str]]:
        """Watched people, runs of capitalised words and the surnames of people named before,
        minus production names, launch sites and spacecraft."""
        spans = [(m.start(), m.end(), m.group(0)) for m in self.c.mention.finditer(s.text)
                 if self.c.owner[m.group(0)][1] is not None]
        spans += [(m.start(), m.end(), m.group(0)) for m in self.c.mention.finditer(s.text)
                  if m.group(0) in self.c.unsettled]
        spans += [self._watched_tail(*_outside(sp.start, sp.end, s.text, named)) for sp in P.find_names(s.text)]
        if self.surnames or self.watched_surnames:
            spans += [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"\b[^\W\d_][\w\-]+\b", s.text)
                      if m.group(0) in self.surnames or m.group(0) in self.watched_surnames]
        if self.one_names:
            spans += [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"\b[^\W\d_][\w\-]+\b", s.text)
                      if m.group(0) in self.one_names]
        for m in ONE_NAME.finditer(s.text):  # "K-pop singer X": a one-word name the noun before vouches for
            if m.group("noun").lower() in R.vocabulary().performer_nouns and not is_common_word(m.group("name")) \
                    and m.group("name").lower() not in P.not_name_words() and m.group("name") not in self.c.owner:
                self.one_names.add(m.group("name"))
                spans.append((m.start("name"), m.end("name"), m.group("name")))
        if not spans:
            return []
        blocked = [(a, b) for a, b, _ in named if s.text[a:b] not in self.c.unsettled] + \
            [(a, b) for gazetteer in (launch_sites(), spacecraft()) for a, b, _ in gazetteer.find(s.text)]
        out: list[tuple[int, int, str]] = []
        for a, b, written in sorted(spans, key=lambda x: (x[0], -x[1])):
            a, written = _without_role_words(a, written, s.text[max(0, a - 4):a], self.c.unsettled)
            written = re.sub(r"['’]s$", "", written)
            b = a + len(written)
            if len(written.split()) < 2 and written not in self.c.owner and written not in self.surnames \
                    and written not in self.one_names and written not in self.watched_surnames:
                continue
            if any(a < y and x < b for x, y in blocked) or any(a < y and x < b for x, y, _ in out):
                continue
            if a and s.text[a - 1] in OPENING_QUOTES and s.text[b:b + 1] in CLOSING_QUOTES and written not in self.c.owner:
                continue  # "the rival production 'Harbour Light'": a quoted name is a title
            if written not in self.c.owner and (OTHER_TITLE_BEFORE.search(s.text, max(0, a - 60), a) or
                                                GENRE_BEFORE.search(s.text, max(0, a - 50), a) or
                                                CALLED_BEFORE.search(s.text, max(0, a - 80), a) or
                                                HIT_BEFORE.search(s.text, max(0, a - 20), a)):
                continue
            if any(CHARACTER_AFTER.fullmatch(s.text, y, a) for _x, y, _w in out[-1:]):
                continue  # "A (Zé Ramos, the mechanic); B (Dr Ivo Paz)": the part a person plays
            if written not in self.c.owner and WORK_APPOSED.match(s.text, b):
                continue  # "leads Les Passeurs, a Belgian series about ferry pilots": a work
            out.append((a, b, written))
            self._remember_short_forms(written)
        return out

    def _remember_short_forms(self, written: str) -> None:
        """Once a full name is read, its last word alone is that person, and so is its first word
        when it is no ordinary word: family names come first in Chinese, Korean or Hungarian
        ("Liang Shuyi ... Liang said")."""
        words = written.split()
        if len(words) < 2:
            return
        self.surnames.setdefault(words[-1], written)
        if len(words) > 2 and words[-2].lower() in P.PARTICLES:  # "Le Guennec", "van den Berg"
            self.surnames.setdefault(" ".join(words[-2:]), written)
        first = words[0]
        if len(first) >= 3 and first[:1].isupper() and first.lower() not in P.PARTICLES and not is_common_word(first) \
                and first.lower() not in name_titles():
            self.surnames.setdefault(first, written)

    def _watched_tail(self, start: int, end: int, written: str) -> tuple[int, int, str]:
        """"the actress from Tartu Ana Lind": a run of capitalised words that ends on a watched
        person's full name is that person."""
        for full in self.alias_people:
            if written.endswith(" " + full):
                return end - len(full), end, full
        return start, end, written

    def _production_of(self, finding: R.Finding, named: list[tuple[int, int, int]],
                       unsure: set[int]) -> tuple[int | None, bool]:
        """The watched production a role is in, or whether the prose puts it in another one.
        `unsure` are the positions of capitalised names that neither the NER nor the watch list
        calls a person: after "in", "for" they name a production."""
        # "the follow-up film, called Z: Part Two": another production, even one titled after Z
        sequels = {t.i for token in finding.productions if R.is_sequel(token) for t in token.subtree}
        elsewhere = bool(sequels)
        for token in finding.productions:
            if token.i in sequels or token.lower_ in D.calendar_words() or _names_craft_or_site(token):
                continue  # "Shenzhou-40, which will carry X": the craft, not a production; "on 21 October": a date
            if _replaced_person(token) or _where_it_is_made(token):
                continue  # "directing the film in Korolyov": the film is the object, the in-phrase a place
            first = min(t.idx for t in token.subtree)
            last = max(t.idx + len(t) for t in token.subtree)
            # not a name it is only measured against: "her first theatre work since Z"
            aside = [(min(t.idx for t in p.subtree), max(t.idx + len(t) for t in p.subtree)) for p in token.subtree
                     if p.dep_ == "prep" and p.lower_ in ("since", "after", "before", "than", "like", "unlike")]
            inside = [(subject, token.doc.text[a:b].endswith("studio")) for a, b, subject in named
                      if first <= a and b <= last and not any(x <= a and b <= y for x, y in aside)]
            if token.dep_ == "appos" and not inside:  # "Z, the Franco-Nigerian feature directed by X": Z itself
                low = min(t.idx for t in token.head.subtree)
                inside = [(subject, False) for a, b, subject in named if low <= a and b <= first]
            other = _other_production(token)
            if inside and not (other and all(studio for _subject, studio in inside)):
                return inside[0][0], False  # not "the studio's period drama Z": another film of that studio
            elsewhere = elsewhere or other or token.idx in unsure
        return None, elsewhere

    def _person(self, written: str, s: Sentence, position: int, fallback: int | None) -> tuple[str | None, int | None]:
        owned = self.c.owner.get(written)  # every full name is a surface form too
        if owned is not None and owned[1] is not None:
            return owned[1], owned[0]
        if owned is not None and written in self.c.unsettled:
            return written, owned[0]
        if self.surnames.get(written, written) != written:
            full = self.surnames[written]  # "Le Guennec" after "Maël Le Guennec"
        elif " " in written:
            self._remember_short_forms(written)
            full = written
        elif written in self.watched_surnames and written not in self.surnames:
            full = self.watched_surnames[written]  # "Ozbek will star": a watched person named by surname alone
            return full, self.c.owner[full][0]
        else:
            full = self.surnames.get(written) or (written if written in self.one_names else None)
        if full is None:
            return None, None
        return full, self._subject_at(s, position, fallback)

    # ---------------------------------------------------------------- choosing

    def _choose(self) -> list[Detail]:
        out: list[Detail] = []
        by_key: dict[tuple[int, str], list[Candidate]] = {}
        for cand in self.candidates:
            if cand.order <= self.withdrawn.get((cand.subject, cand.attribute), -1):
                continue
            by_key.setdefault((cand.subject, cand.attribute), []).append(cand)
        for (subject, attribute), cands in by_key.items():
            if attribute == "title":
                out += self._titles_named(subject, [c for c in cands if c.value not in self.as_person])
                continue
            best = _best(cands)
            out.append(Detail(self.c.subjects[subject].name, attribute, best.value, _snippet(best.snippet),
                              is_past=best.is_past))
        directors: dict[int, list[tuple[int, str]]] = {}
        for (subject, full), found in self.person_roles.items():
            name = self.c.subjects[subject].name
            if R.REMOVED in found and R.CAST not in found and (
                    R.DIRECTOR in found or (subject, full) in self.left_direction):
                continue  # "X directs Z. X left the project": a director leaving is no cast change
            if R.REMOVED in found:
                out.append(Detail(name, "cast", full, _snippet(self.person_snippet[(subject, full, R.REMOVED)]), removed=True))
                continue
            if R.CAST in found:
                out.append(Detail(name, "cast", full, _snippet(self.person_snippet[(subject, full, R.CAST)])))
            elif R.NAMED_FOR in found and full in self.alias_people and not {R.DIRECTOR, R.OTHER} & set(found):
                out.append(Detail(name, "cast", full, _snippet(self.person_snippet[(subject, full, R.NAMED_FOR)])))
            if R.DIRECTOR in found:
                directors.setdefault(subject, []).append((found[R.DIRECTOR], full))
        for subject, named in directors.items():
            first = min(order for order, _full in named)  # co-directors are named together
            for order, full in named:
                if order == first:
                    out.append(Detail(self.c.subjects[subject].name, "director", full,
                                      _snippet(self.person_snippet[(subject, full, R.DIRECTOR)])))
        return out


PLACEHOLDER = R.PERSON_STAND_IN
OWN_CLAUSES = {"advcl", "ccomp", "conj", "relcl", "acl", "csubj", "parataxis"}  # clauses with their own event
REPORTING = re.compile(r"\b(?:said|says|told|tells|announced|reported|promised|stated|claimed|indicated|expected)\b")
OPENING_QUOTES, CLOSING_QUOTES = "'‘\"“«", "'’\"”»"
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
# a date that qualifies the noun after it: "Thursday's launch", "a 9 October release", "the 3 May cinema release"
DATE_MODIFIES = re.compile(r"^(?:['’]s?)?\s+(?:(?P<between>[\w-]+)\s+)?(?P<noun>launch|lift-?off|liftoff|flight|release|premiere|opening|debut"
                           r"|trailer|teaser|screening|gala|landing|return|wrap|start|departure)\b", re.IGNORECASE)
_PRODUCTION_NOUN = "(?:%s)s?" % "|".join(sorted(R.PRODUCTION_NOUNS))
JOINING_FIRST = re.compile(r"\W*Joining\s+[^.;:]{1,100}?\s+(?:are|is)\s+(?-i:[A-Z])", re.IGNORECASE)
GUILLEMETS = str.maketrans("«»‹›", '""' + "''")
SINGULAR_PRONOUN = re.compile(r"\b(?:he|she|him|her|his)\b", re.IGNORECASE)
TITLE_SAID = re.compile(r"titl|known|called", re.IGNORECASE)  # words that say the name is the work's, not a person's
LEAVING_SITE = re.compile(r"\b(?:leav(?:e|es|ing)|left|depart(?:s|ing|ed)? from)\s+(?:the\s+)?$", re.IGNORECASE)
ABOARD_RIGHT_AFTER = re.compile(r"\s+(?:aboard|on board)\s+(?:the\s+|a\s+|an\s+|their\s+|its\s+)?", re.IGNORECASE)
SUBORDINATE = re.compile(r"\b(?:after|before|since|following|once|until)\b", re.IGNORECASE)
WHEN_AFTER = re.compile(r",?\s+when\s+", re.IGNORECASE)  # a date, then the event that happens on it
# "is now targeting the 26th for lift-off", "has pencilled in 3 May for its release"
DATE_FOR_EVENT = re.compile(r"^\s+for\s+(?:the\s+|its\s+|their\s+|a\s+)?(?P<between>)(?P<noun>launch|lift-?off|liftoff|flight|release"
                            r"|premiere|opening|debut|departure)\b", re.IGNORECASE)
OTHER_WORK_AFTER = re.compile(r"(?:['’]s?)\s+(?:next|other|previous|last|earlier)\s+(?:[\w-]+\s+){0,2}"
                              + _PRODUCTION_NOUN + r"\b", re.IGNORECASE)
OWN_DATE = re.compile(r"\s+(?:on|for|in|at|by)\s+(?:the\s+)?", re.IGNORECASE)  # "launch on <date>"
CRAFT_CARRIES = re.compile(r"(?:\s+(?:capsule|spacecraft|ship|flight))?\s+(?:will\s+|is\s+to\s+)?carr(?:y|ies)\b",
                           re.IGNORECASE)
BOARDING = re.compile(r"\b(?:board(?:s|ed|ing)?|book(?:s|ed)? (?:on|aboard|onto)|rid(?:e|es|ing)|rode|shar(?:e|es|ed|ing)|follow(?:s|ed)? on|fl(?:y|ies|ew) on)\s+"
                      r"(?:the\s+|a\s+|an\s+|their\s+|its\s+)?$", re.IGNORECASE)
LAUNCH_NOUNS = {"launch", "flight", "liftoff", "lift-off", "departure"}
# "a rival production, Z,", "another film, Z": the name an indefinite production noun is put beside
# is that production's title, not a person
OTHER_TITLE_BEFORE = re.compile(r"\b(?:an?|another|rival|competing|other)\s+(?:[\w-]+\s+){0,2}"
                                + _PRODUCTION_NOUN + r",\s*$", re.IGNORECASE)
# "the period drama Harrow Nights": a name right after a word for a work is its title
# (a genre, not "the film X" or "the picture X", which translated wires put before the director's name)
GENRE_BEFORE = re.compile(r"\b(?:the|a|an|its|their)\s+(?:[\w-]+\s+){0,2}(?:%s)s?\s+$" % "|".join(
    sorted(R.PRODUCTION_NOUNS - {"film", "movie", "picture", "project", "production", "feature", "show", "short"})),
    re.IGNORECASE)
# a condition right after a date: "on 8 July should the parachute tests go well", "on 30 August
# provided the hatch is certified", "on 3 May unless the rains come" (not "on 3 May and had ...")
_CONDITION = r"provided|providing|on condition|assuming|unless|if"
CONDITION_AFTER = re.compile(rf",?\s+(?:only\s+)?(?:{_CONDITION}|(?:should|were|had) (?:the|its|their|all|both|his|her))\b",
                             re.IGNORECASE)
CONDITION_FIRST = re.compile(rf"\W*(?:{_CONDITION}|should|as long as|so long as)\b", re.IGNORECASE)  # opening the sentence
# "the studio's sequel to Z", "a spin-off of Z"
SEQUEL_TO = re.compile(r"\b(?:%s)s?\s+(?:to|of)\s+$" % "|".join(map(re.escape, sorted(R.SEQUELS))), re.IGNORECASE)
# after a title: its sequel ("Z 2", "Z III", "Z: Part Two"), not a date ("Z 3 March")
SUBTITLE_AFTER = re.compile(r":\s+[A-Z][\w'’-]+")
SEQUEL_WORDS = re.compile(r"\b(?:follow-?ups?|sequels?|spin-?offs?|prequels?)\b", re.IGNORECASE)
SEQUEL_NUMBER = re.compile(r"(?:\s+(?:[2-9]|1\d|II|III|IV|VI{0,3})|:?\s+Part\s+(?:[A-Z]\w+|\d+))\b(?![,.]?\s*(?:\d|%s))"
                           % "|".join(m.capitalize() for m in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                                                  "sep", "oct", "nov", "dec")))
# "Chinese cinemas will screen Z from 30 April": the cinemas' showing is the release (not "screen
# the first footage of Z on 3 May")
CINEMAS_SCREEN = re.compile(r"\b(?:cinemas|theaters|theatres|multiplexes)\s+(?:[\w-]+\s+){0,2}(?:screen|show)(?:s|ing)?\s+"
                            r"(?!(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+)?(?:footage|trailers?|teasers?|previews?|clips?|"
                            r"first look|scenes?)\b)(?:[\w'’-]+\s+){1,4}(?:from|starting)\s*$", re.IGNORECASE)
IN_PARENTHESES = re.compile(r"\s*\(([^()]{2,60})\)")
# what stands between a person's name and a name in parentheses after it: that name is the part
CHARACTER_AFTER = re.compile(r"\s*\(\s*(?:as\s+)?(?:[\w.]+\s+)?")
# "a comedy called Z", "the sequel, titled Y: Z": a name given to a work is its title
# a name in apposition with a work: "Les Passeurs, a Belgian series about ferry pilots" (but
# not "X, a film director": the production noun must end its phrase)
WORK_APPOSED = re.compile(r",\s+(?:a|an|the)\s+(?:(?!(?:of|for|in|on|at|by|with|from|to)\b)[\w'’-]+\s+){0,4}?"
                          + _PRODUCTION_NOUN +
                          r"(?=\s*(?:[,.;:)]|$)|\s+(?:that|which|about|from|by|in|on|set|starring|with|shot|filmed|made"
                          r"|produced|directed|written|based)\b)")
# "last season's stage hit Orrin Vale", "the box-office smash X": a name right after a word for a
# successful work is that work's title
HIT_BEFORE = re.compile(r"\b(?:the|a|an|its|their|his|her|[\w-]+['’]s)\s+(?:[\w-]+\s+){0,2}"
                        r"(?:hit|smash|blockbuster|bestseller)\s+$")
CALLED_BEFORE = re.compile(r"\b(?:called|titled|entitled|dubbed)\s+[\"“‘']?(?:[A-Z][\w’'\-]*:?\s+){0,4}$")
# a lower-case noun, then one capitalised word that no capitalised word follows: "singer X joins"
ONE_NAME = re.compile(r"\b(?P<noun>[a-z][a-z\-]+)\s+(?P<name>[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?)\b(?![’']?\s*[A-Z0-9])")
PRODUCTION_WORDS = R.PRODUCTION_NOUNS | {"studio", "crew", "cast", "station", "agency", "capsule", "rocket", "mission"}
FILMING = {"shoot", "film", "make", "record", "work", "star", "direct"}
CO_VERB = re.compile(r"\b[Cc]o-(?=(?:star|direct|write|produce)\w*)")


def _watched_surnames(people: set[str]) -> dict[str, str]:
    """The last word of each watched person's name, when it is no ordinary word and no other
    watched person's: a text may name them by it alone ("Ozbek will star alongside Lind")."""
    found: dict[str, list[str]] = {}
    for full in people:
        words = full.split()
        if len(words) >= 2 and len(words[-1]) >= 4 and not is_common_word(words[-1]) \
                and words[-1].lower() not in P.not_name_words():
            found.setdefault(words[-1], []).append(full)
    return {surname: fulls[0] for surname, fulls in found.items() if len(fulls) == 1}


def _plain_names(text: str, spans: list[tuple[int, int, str]]):
    """`text` with each span replaced by its plain stand-in and "co-star" as "costar", and a
    function from a position in `text` to the same position in the copy."""
    edits = sorted(spans + [(m.start(), m.end(), "co") for m in CO_VERB.finditer(text)])
    out, marks, last, delta = [], [], 0, 0
    for a, b, replacement in edits:
        if a < last:
            continue
        out.append(text[last:a] + replacement)
        marks.append((b, delta + len(replacement) - (b - a), a, delta))
        delta += len(replacement) - (b - a)
        last = b
    out.append(text[last:])

    def shift(position: int) -> int:
        moved = 0
        for end, after, start, before in marks:
            if position >= end:
                moved = after
            elif position >= start:
                return position + before
        return position + moved

    return "".join(out), shift


def _outside(start: int, end: int, text: str, named: list[tuple[int, int, int]]) -> tuple[int, int, str]:
    """A run of capitalised words without the production name at its start ("Will direct Z Ana
    Lind": "Ana Lind"); what is left stays blocked if it is still not a name of two words."""
    for a, b, _subject in named:
        if a == start and b < end and text[b] == " ":
            start = b + 1
    return start, end, text[start:end]


def _only_year(text: str, mentions: list[D.DateMention]) -> int | None:
    """The one year a sentence names outside its dates, if it names exactly one."""
    taken = [(m.start, m.end) for m in mentions]
    years = {int(y.group(0)) for y in BARE_YEAR.finditer(text) if not any(a <= y.start() < b for a, b in taken)}
    return years.pop() if len(years) == 1 else None


def _offset_for(m: D.DateMention, offsets: list[T.Offset], text: str,
                dates: list[D.DateMention]) -> T.Offset | None:
    """The span of time that moves this date, if any (see `analysis.temporal`). "Pushed back by"
    moves the date nearest it, in its clause: "set for 3 April, moved to 10 April, then slipped
    another five days" moves 10 April; "flies on 10 April; the cargo ship slipped a week" nothing."""
    for offset in offsets:
        if offset.kind in ("than", "around") and 0 <= m.start - offset.end <= 80 \
                and not CLAUSE_BREAK.search(text[offset.end:m.start]) and not _told_when(text[offset.end:m.start]):
            return offset
        first, last = sorted((m.start, offset.start))
        if offset.kind == "by" and last - first <= 120 and not CLAUSE_BREAK.search(text[first:last]) and \
                not any(first < other.start < last for other in dates if other is not m):
            return offset
    return None


def _told_when(between: str) -> bool:
    """"five weeks later than the studio had told investors in November": the date is when it was
    told, not the date the offset moves (but "than the previously announced 27 August" is)."""
    told = list(REPORTING.finditer(between))
    return bool(told) and bool(between[told[-1].end():].strip())


def _without_role_words(start: int, written: str, before: str = "",
                        one_names: frozenset[str] = frozenset()) -> tuple[int, str]:
    """"Filmmaker Ana Lind" -> "Ana Lind": a role noun glued to the front of a name; and "the
    Estonian Ana Lind" -> "Ana Lind": after an article, an ordinary word opening the run describes."""
    words = written.split()
    if len(words) >= 2 and not before.strip() and is_gerund(words[0]):
        start, words = start + len(words[0]) + 1, words[1:]  # "Joining Wadhwa in the cast are ...": the verb opens the sentence
    roles = R.role_nouns() | R.vocabulary().performer_nouns | {"newcomer", "veteran"}
    while (len(words) > 2 or " ".join(words[1:]) in one_names) and (
            words[0].lower() in roles or words[0].lower()[:-1] in roles or (  # "Singer Quillon": a one-name alias
            words[0].lower().endswith("ist") and is_common_word(words[0].lower()))):  # "Cellist X"
        start += len(words[0]) + 1
        words = words[1:]
    if len(words) > 2 and re.search(r"\b(?:the|a|an)\s$", before, re.IGNORECASE) and is_common_word(words[0]):
        start += len(words[0]) + 1
        words = words[1:]
    return start, " ".join(words)


LABEL_LINKS = {"of", "in", "for", "on", "the", "a", "an", "its", "their", "whole", "full", "new"}
ANOTHER_WORK = {"next", "previous", "other", "earlier", "former", "another"}  # "her next film": not this one
# What the copy the parser reads leaves out after a name: an age in apposition ("X, 29, steps in"),
# a character's name in brackets ("features X (Mira) and Y"), which the parser takes for the object
ASIDE_AFTER = re.compile(r",\s*\d{1,2}\s*,|\s*\((?:as\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2}\)")
LIST_LABEL = re.compile(r"[^\W\d_][\w\-]*\s*:\s*$")
# how a list is ordered, between its label and the colon: "the cast of Z, in order of appearance:"
LIST_ORDER = re.compile(r",?\s*\bin\s+(?:(?:the\s+)?order\s+of\s+(?:appearance|billing)|alphabetical\s+order|billing\s+order)\s*$",
                        re.IGNORECASE)


def _has_own_date(text: str, cue: re.Match[str]) -> bool:
    """"published on Thursday, the crew will launch on 17 April": a cue followed by a date of its own
    is that date's (the text's dates are read only when a preposition follows the cue)."""
    return OWN_DATE.match(text, cue.end()) is not None and any(
        OWN_DATE.fullmatch(text, cue.end(), d.start) for d in D.find_dates(text))


def _listed_role(text: str, start: int, people: list[tuple[int, int, str]],
                 titles: list[tuple[int, int]] = ()) -> str | None:
    """The role a label gives a list the person stands in: "cast: A, B and C", "directors: D".
    Between the colon and the person there may be only other names, commas and "and". `titles`
    are where the text names a watched production: one name in the label, however written."""
    abbreviation = _abbreviated_role(text, start, people)
    if abbreviation is not None:
        return abbreviation
    colon = text.rfind(":", 0, start)
    if colon < 0:
        return None
    between = text[colon + 1:start]
    for a, b, _w in people:
        if colon < a < start:
            between = between.replace(text[a:b], "")
    between = re.sub(r"\([^()]*\)", "", between)  # "A (the commander); B (the pilot); and C"
    if re.sub(r"\band\b|[,;\s]", "", between):
        return None
    label = LIST_LABEL.search(text[:colon + 1])
    if label is None:
        return None
    # the label runs back to the clause's start: "cast", "Also in the cast of Z", "Z has its star"
    head = text[:colon]
    for a, b in sorted(titles, reverse=True):
        if b <= colon:
            head = head[:a] + "Z" + head[b:]  # "the cast of Grauer Strand": a name, not a lower-case word
    label_text = LIST_ORDER.sub("", re.split(r"[;(.]", head)[-1])
    words = re.findall(r"[^\W\d_][\w\-]*", label_text)
    v = R.vocabulary()
    if any(w.lower().removesuffix("s") in R.BACKUP for w in words[-8:]):
        return R.OTHER  # "the understudy for its lead: X"
    for word in reversed(words[-8:]):
        noun = word.lower()
        forms = {noun, noun.removesuffix("s")}
        if forms & v.director_nouns - {"debut"}:
            return R.DIRECTOR
        if forms & (v.cast_nouns - {"part", "role"}):
            return R.CAST
        if not (word[:1].isupper() or noun in LABEL_LINKS):
            return None  # "the director told reporters: ...": a verb between, no label
    return None


def _abbreviated_role(text: str, start: int, people: list[tuple[int, int, str]]) -> str | None:
    """"Z (dir. X)", "dir: X and Y": a credit abbreviation before a list the person stands in."""
    for label in R.vocabulary().director_abbreviations:
        at = text.lower().rfind(label, 0, start)
        if at < 0 or (at and text[at - 1].isalnum()):
            continue
        between = text[at + len(label):start]
        for a, b, _w in people:
            if at < a < start:
                between = between.replace(text[a:b], "")
        if not re.sub(r"\band\b|[,:\s]", "", between):
            return R.DIRECTOR  # also "Dir.: X"
    return None


def _inside_other_names_clause(text: str, position: int, mentions: set[int]) -> bool:
    """Whether `position` is inside a relative clause hung on a capitalised name that is not a
    watched production's ("The Long Haul, which launches on 2 May"), nor a craft or a site ("moved to
    Shenzhou-31, which launches from Jiuquan": the flight the production is on)."""
    for m in RELATIVE_CLAUSE.finditer(text):
        if m.end("antecedent") < position < m.end() and not any(
                m.start("antecedent") <= at < m.end("antecedent") for at in mentions) and not any(
                gazetteer.find(m.group("antecedent")) for gazetteer in (spacecraft(), launch_sites())):
            return True
    return False


def _describes_a_person(token) -> bool:
    """"The Estonian", "the singer", "the 29-year-old": a definite subject that can only be a person."""
    if token.pos_ not in ("NOUN", "PROPN", "ADJ") or not any(c.lower_ in ("the", "this") for c in token.children):
        return False
    return token.lower_ in name_titles() or token.lower_.endswith("-year-old") or (
        token.text[:1].isupper() and is_common_word(token.text) and token.i > 0 and token.lower_ not in PRODUCTION_WORDS)


def _own_part(token) -> bool:
    """"Her role in Z", "his character": a part of the person the pronoun stands for."""
    return token.lemma_.lower() in ("role", "character", "part") and any(
        c.dep_ == "poss" and c.lower_ in ("her", "his") for c in token.children)


def _several_people(token) -> bool:
    """"They", "both", "the two actors", "the pair": the people the sentence before named."""
    if token.lower_ in ("they", "both"):
        return True
    if not any(c.lower_ == "the" for c in token.children):
        return False
    return token.lemma_.lower() in ("pair", "duo", "trio") or any(
        c.lower_ in ("two", "three", "both") for c in token.children)


def _films_elsewhere(doc) -> bool:
    """Whether a sentence says someone is filming or making another, named production."""
    for token in doc:
        if token.lemma_.lower() in FILMING and token.pos_ == "VERB":
            for prep in token.children:
                if prep.dep_ == "prep" and prep.lower_ in ("for", "on", "of"):
                    if any(g.dep_ == "pobj" and (g.pos_ == "PROPN" or g.text[:1].isupper()) and g.text != PLACEHOLDER
                           for g in prep.children):
                        return True
    return False


def _names_craft_or_site(token) -> bool:
    """Whether the noun phrase ending at `token` names a spacecraft or a launch site ("New Shepard", not "Shepard")."""
    phrase = token.doc[token.left_edge.i:token.i + 1].text
    return any(g.find(phrase) for g in (spacecraft(), launch_sites()))


def _replaced_person(token) -> bool:
    """"will play the engineer instead of X": the person replaced, not a production."""
    of = token.head
    return token.text == PLACEHOLDER and of.lower_ == "of" and of.i > 0 and of.doc[of.i - 1].lower_ in ("instead", "place")


def _where_it_is_made(token) -> bool:
    """A name in an in- or at-phrase of a verb whose object is the production: a place."""
    prep = token.head
    if token.dep_ != "pobj" or prep.lower_ not in ("in", "at") or prep.head.pos_ not in ("VERB", "AUX"):
        return False
    return any(c.dep_ == "dobj" and (c.lemma_.lower() in R.PRODUCTION_NOUNS or c.lower_ == "it") for c in prep.head.children)


OPENING_VERBS = {"open", "premiere", "debut", "bow", "stream", "release", "hit", "arrive"}  # said of the work itself
RELATIVE_WORDS = {"that", "which", "who", "whom", "whose", "where", "when"}


def _other_production(token) -> bool:
    """"the comedy Z", "a detective series", "Z's next project": not the production in context."""
    if any(c.dep_ == "poss" and c.pos_ == "PRON" for c in token.children):
        return False  # "its orbital thriller": the production already in context
    named_after = token.i + 1 < len(token.doc) and token.nbor(1).pos_ == "PROPN" and token.nbor(1).text != PLACEHOLDER
    if token.pos_ != "PROPN" and not named_after and any(
            c.dep_ == "compound" and c.lower_ == "studio" for c in token.children):
        return False  # "a Deniz Yapım production", which the parser reads as "a studio production"
    clauses = {t.i for c in token.children if c.dep_ in ("relcl", "acl") and c.left_edge.lower_ in RELATIVE_WORDS
               for t in c.subtree}  # what a relative clause says of it: "the thriller that the studio shot aboard X"
    if any(t.pos_ == "PROPN" and t.text != PLACEHOLDER and t.ent_type_ not in ("GPE", "LOC", "NORP", "DATE", "PERSON")
           and t.i not in clauses for t in token.subtree):
        return True
    if token.lemma_.lower() in R.PRODUCTION_NOUNS and any(
            c.dep_ in ("compound", "amod") and (c.pos_ == "PROPN" or c.ent_type_ == "NORP") for c in token.children):
        return True  # "the West End revival", "the Polish crime drama"
    determiners = {c.lower_ for c in token.children if c.dep_ in ("det", "amod")}
    if token.lemma_.lower() in R.PRODUCTION_NOUNS and token.i + 1 < len(token.doc) and token.nbor(1).pos_ == "PROPN" \
            and token.nbor(1).text != PLACEHOLDER:
        return True  # "the comedy Z"; not "will direct the film X" (a person)
    return token.lemma_.lower() in R.PRODUCTION_NOUNS and bool(
        determiners & {"a", "an", "another", "next", "new", "other", "rival", "competing"})


def _best(cands: list[Candidate]) -> Candidate:
    """The value an article gives: news before history, explicit before incidental, first in
    reading order, then refined by a later, more precise statement of the same value."""
    present = [c for c in cands if not c.is_past] or cands
    top = max(c.strength for c in present)
    chosen = min((c for c in present if c.strength == top), key=lambda c: c.order)
    for c in sorted(present, key=lambda c: c.order):
        if c.value != chosen.value and c.value.startswith(chosen.value):
            chosen = c
    return chosen


def _title_value(m: re.Match[str]) -> str:
    for key in ("q1", "q2", "q3", "bare"):
        value = m.groupdict().get(key)
        if value:
            return value.strip(" ,.;:’'\"")
    return ""


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET_CHARS else text[:SNIPPET_CHARS - 1].rstrip() + "…"
