"""What each alias of a watched production is: its title, a studio, or a person.

A watch's `label` is read first, as users write it: "Title / Other Title (description, Studio)"
or "Title (working title X): Studio feature ...". Its head names titles; a parenthesis holding
only a name (or "working title X") names another title; the other descriptive words name the
studio and partners. What the label does not settle, the alias's own form and the entity type
the NER gives it in neutral sentences decide. A one-word alias the label does not name and that is
no English word ("Quorvath") may be a title or a one-name performer: it is typed a title, marked
`may_be_person`, and each article decides from how its sentences use it (`analysis.details`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from analysis.language import entity_votes, is_common_word, is_stop_word, word_classes
from analysis.people import PARTICLES, particle_joined

TITLE, STUDIO, PERSON = "title", "studio", "person"
# The words for a film company in the languages studios name themselves in ("Films", "Filmes",
# "Filmproduktion"; "Studios", "Estúdios"; "Productions", "Produções", "Producciones", "Yapım";
# "Cinematográfica", "Cinemática"; "Kino"; "Talkies"; Japanese "Eiga", "Eizō"; Chinese "Yingye", "Yingshi").
_COMPANY_WORDS = (r"Films?|Filmes|Filmproduktion|Filmproduktionen|E?st[uú]dios?|Productions?|Produções|Producciones"
                  r"|Produzioni|Produktion|Yap[ıi]m(?:c[ıi]l[ıi]k)?|Cin[eé]mat(?:ogr[aá]f|ic)\w*|Cinem[aá]tica"
                  r"|Kino|Talkies|Eiga|Eiz[oōô]|Yingye|Yingshi")
# Definite articles a title may open with in other languages ("La Casa del Viento", "Der lange Weg"):
# a name of three words or more that opens with one and holds a lower-case word is no person's
_ARTICLES = {"la", "le", "les", "el", "los", "las", "il", "lo", "gli", "der", "die", "das", "het", "os", "as"}
ORGANISATION_SUFFIX = re.compile(
    rf"\s(?:{_COMPANY_WORDS}|Pictures|Entertainment|Media|Animation|Releasing|Distribution"
    r"|Company|Co\.?|Corp\.?|Inc\.?|Ltd\.?|LLC|Group|Holdings|Partners|Network|Television|TV)$", re.IGNORECASE)
ORGANISATION_PREFIX = re.compile(rf"^(?:{_COMPANY_WORDS})\s", re.IGNORECASE)
PRODUCTION_NOUN = re.compile(r"\b(?:film|movie|series|docuseries|documentary|short|feature|project|drama|thriller)s?\b",
                             re.IGNORECASE)
ALT_TITLE = re.compile(r"^(?:working title|code[ -]?name(?:d)?|aka|also known as|a\.k\.a\.?|originally|formerly)\s+",
                       re.IGNORECASE)
# "(Leaden Sky internationally)", "(Starlight Signal in English)": another title, named before the words
ALT_TITLE_AFTER = re.compile(r"^((?-i:[A-Z0-9][\w'’-]*(?:\s+(?:[a-z]{1,3}\s+)?[A-Z0-9][\w'’-]*)*))\s+"
                             r"(?:internationally|abroad|overseas|in (?:English|the (?:US|UK))"
                             r"|(?:in )?(?:English|international|US|UK|export)(?:-language)? (?:title|release))$",
                             re.IGNORECASE)
CODE_NAME = re.compile(r"operation|mission|codename|project|proyecto|projeto|projet|projekt|progetto|operaci[oó]n",
                       re.IGNORECASE)  # "Project X" in the languages code names are written in
NOT_A_PERSON = {"ORG", "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "NORP", "EVENT"}


@dataclass(frozen=True)
class TypedAlias:
    text: str
    kind: str          # TITLE, STUDIO or PERSON
    short: str = ""    # a studio's distinctive word alone ("Quorvath" for "Quorvath Pictures")
    may_be_person: bool = False  # a one-word name the label does not settle: the article decides


def type_aliases(label: str, aliases: tuple[str, ...]) -> tuple[TypedAlias, ...]:
    """Each alias with its kind; see the module docstring for the order of the evidence."""
    heads, described = _read_label(label)
    return tuple(_typed(alias, heads, described) for alias in aliases)


def label_titles(label: str, aliases: tuple[str, ...]) -> tuple[str, ...]:
    """The aliases that the label itself names as the production's titles (no model needed)."""
    heads, _ = _read_label(label)
    return tuple(alias for alias in aliases if alias.strip().casefold() in heads)


def _typed(alias: str, heads: tuple[str, ...], described: tuple[str, ...]) -> TypedAlias:
    folded = alias.casefold()
    if ORGANISATION_SUFFIX.search(alias) or ORGANISATION_PREFIX.search(alias):
        return TypedAlias(alias, STUDIO, _distinctive(alias))
    if folded in heads:
        return TypedAlias(alias, TITLE)
    if folded in described:
        return TypedAlias(alias, STUDIO, _distinctive(alias))
    if looks_like_person(alias):
        return TypedAlias(alias, PERSON)
    one_name = re.fullmatch(r"[^\W\d_][\w'’\-]*", alias) is not None and alias[:1].isupper()
    return TypedAlias(alias, TITLE, may_be_person=one_name and not is_common_word(alias))


@lru_cache(maxsize=1024)
def looks_like_person(alias: str) -> bool:
    """Two to four capitalised words, the first or last of which is no ordinary English word
    ("Ana Souza"), or all ordinary words that the NER still takes for a person and that do not
    read as a description ("Jack Stone" yes; "Project Kittiwake", "Silver Dawn", "Lunar Lights" no).
    Name particles may stand between them ("Ana de la Souza", "Pim van der Berg") unless the NER
    reads the whole as a place or an organisation ("Casa de Papel")."""
    every = alias.split()
    words = [w for n, w in enumerate(every) if not (0 < n < len(every) - 1 and w in PARTICLES)]
    if not 2 <= len(words) <= 4 or not all((w[:1].isupper() or (n and particle_joined(w)))
                                           and re.fullmatch(r"[^\W\d_][\w'’.\-]*", w) for n, w in enumerate(words)):
        return False
    if PRODUCTION_NOUN.fullmatch(words[0]) or CODE_NAME.fullmatch(words[0]):
        return False  # "Project Plover", "Operation Nightjar": a code name, whatever follows
    # a double given name or a double-barrelled surname ("Jean-Baptiste", "Roche-Vautrin") is a person's
    double = any(re.fullmatch(r"[^\W\d_][^\W\d_]+-[A-Z][^\W\d_]+", w) for w in (words[0], words[-1]))
    if len(words) < len(every) and not double:
        votes = entity_votes(alias)
        if sum(votes.get(label, 0) for label in NOT_A_PERSON) > sum(votes.values()) // 2:
            return False
    if is_stop_word(words[0]) or (len(every) >= 3 and words[0].lower() in _ARTICLES
                                  and any(w[:1].islower() for w in every[1:])):
        return False  # "The Quiet Hour", "La Casa del Viento" (not "Le Thi Hoa", "La Toya Jackson")
    if is_gerund(words[0]):
        return False  # "Rising Tide", "Falling Water": a phrase, not a given name ("Sterling", "Ling" are)
    first, last = word_classes(words[0]), word_classes(words[-1])
    if not first or not last:
        return True
    descriptive = first == {"adj"} or first <= {"adj", "adv"} or (
        words[-1].lower().endswith("s") and not word_classes(words[-1].lower()) - word_classes(words[-1][:-1]))
    return entity_votes(alias).get("PERSON", 0) >= 3 and not descriptive


def is_gerund(word: str) -> bool:
    """"Talking", "Rising", "Running": the -ing form of an English verb."""
    stem = word.lower()[:-3]
    return word.lower().endswith("ing") and len(stem) >= 3 and any(
        is_common_word(form) for form in (stem, stem + "e", stem[:-1] if stem[-1:] == stem[-2:-1] else ""))


def _distinctive(alias: str) -> str:
    """"Quorvath Pictures" -> "Quorvath": how later sentences often name the studio."""
    stripped = ORGANISATION_PREFIX.sub("", ORGANISATION_SUFFIX.sub("", alias)).strip()
    return stripped if stripped != alias and len(stripped) >= 4 and not is_common_word(stripped) else ""


def _read_label(label: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(title names, descriptive names) of a label, casefolded."""
    text = " ".join(label.split())
    match = re.match(r"^([^(:]*)(.*)$", text)
    head, rest = (match.group(1), match.group(2)) if match else (text, "")
    heads: list[str] = []
    if head.strip() and not PRODUCTION_NOUN.search(head):
        heads += [part.strip() for part in head.split("/") if part.strip()]
    described: list[str] = []
    for inner in re.findall(r"\(([^)]*)\)", rest):
        parts = [p.strip() for p in re.split(r"[,/;]", inner) if p.strip()]
        if (len(parts) == 1 or not re.search(r"[,;]", inner)) and not any(PRODUCTION_NOUN.search(p) for p in parts):
            heads += [ALT_TITLE.sub("", part) for part in parts]  # "(Gra Strond / The Grey Shore)": its other titles
            continue
        for part in parts:  # "(Studio X, working title Y)": each part says what it names
            if after := ALT_TITLE_AFTER.match(part):
                heads.append(after.group(1))
            else:
                (heads if ALT_TITLE.match(part) else described).append(ALT_TITLE.sub("", part))
    tail = re.sub(r"\([^)]*\)", " ", rest).lstrip(": ")
    described += [p.strip() for p in re.split(r"[,/;:]|\s(?:and|with|for|from|by|of)\s", tail) if p.strip()]
    heads += [re.sub(r"^(?:the|a|an)\s+", "", h, flags=re.IGNORECASE) for h in heads]
    return tuple(h.casefold() for h in heads), tuple(_strip_description(d).casefold() for d in described)


def _strip_description(part: str) -> str:
    """"Tallow Hill Productions feature shot aboard the station" -> "Tallow Hill Productions"."""
    words = part.split()
    keep: list[str] = []
    for word in words:
        if keep and not word[:1].isupper():
            break
        if word[:1].isupper() or keep:
            keep.append(word)
    return " ".join(keep) if keep else part
