"""The role the prose gives each person in a sentence, read from spaCy's dependency parse.

A person is cast, director, removed (leaving the cast), other (crew, producer, agency, a backup),
or nothing. The evidence, for the name and for the first name of a coordination it belongs to
("A and B will co-direct"):
- a noun that describes them: before the name ("actress X", "Director X"), an apposition
  ("X, director of Y"; "the two actors of Y, A and B"), a copula ("X is the newest member of the
  cast"; "the protagonist will be X"), an as-phrase ("she as the lead actress");
- the verb they are the subject of, directly or through a relative clause ("X, who directs Y"),
  an open complement ("roped in to play") or a coordinated verb ("who wrote and directs");
- the verb they are the object of ("tapped X", "directed by X", "replace X", "went to X").
Negation takes the role away ("who is not involved in Y"); a role in another production ("will
star in the comedy Z") is reported with that production so the caller can drop it. The words
are lemmas in analysis/data/roles.toml.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Span, Token

from analysis.datafiles import read_data_toml
from analysis.dates import calendar_words
from analysis.temporal import stated_as_fact

CAST, DIRECTOR, OTHER, REMOVED = "cast", "director", "other", "removed"
PERSON_STAND_IN = "Alex"  # what every name reads as in the copy the parser sees (analysis.details)
NAMED_FOR = "weak-cast"  # "the X film", "X and his project": the person the film is known by, usually its star
NOT_DIRECTOR = {"unit", "second-unit", "flight", "launch", "mission", "general", "executive", "art", "casting", "managing", "creative",
                "technical", "deputy", "program", "programme", "research", "artistic", "festival", "photography"}
SEQUELS = {"sequel", "prequel", "follow-up", "spin-off", "spinoff", "remake"}  # another production, whatever its title
PRODUCTION_NOUNS = {"film", "movie", "series", "drama", "thriller", "comedy", "play", "revival", "project", "picture",
                    "feature", "documentary", "show", "sequel", "franchise", "musical", "opera", "production",
                    "docuseries", "miniseries", "biopic", "adaptation", "remake", "short", "epic", "western"}
SUBJECT_DEPS = {"nsubj", "nsubjpass"}
# a place in a body of people: "a member of the cast", "the Chinese side of the cast"
PARTS_OF_A_BODY = {"member", "addition", "part", "side", "half", "rest"}
ROLE_HOLDERS = {"be", "have", "make", "remain", "become", "return", "stay", "land", "take", "get", "win", "bag", "earn",
                "assume",
                "secure", "book", "keep", "retain", "inherit", "attach", "set", "name", "confirm"}
DECLINE = {"decline", "refuse", "reject", "turn", "pass", "deny"}
OTHER_WORK = {"previous", "next", "last", "earlier", "early", "other", "favourite", "favorite", "first", "second", "third",
              "latest", "debut", "best", "new", "upcoming", "former", "older", "recent", "breakout"}
AUDITIONING = ("audition", "screen-test")  # any form: the model may not lemmatise them
RELATIVE_PRONOUNS = {"who", "whom", "whose"}
BACKUP = {"understudy", "backup", "back-up", "stand-in", "double", "reserve", "alternate"}
FEATURE_VERBS = {"star", "feature", "co-star", "costar"}  # "Z stars X": its subject is the production
ACTING_DEBUT = {"acting", "screen", "big-screen", "film", "movie"}  # "... debut": a first role
SPEECH_VERBS = {"say", "tell", "confirm", "announce", "add", "explain", "note", "report", "reveal", "insist", "write"}
REMOVE_VERBS = {"fire", "dismiss", "sack", "axe", "ax", "oust", "remove", "write", "cut"}  # "... X from Z"
EXIT_NOUNS = {"exit", "departure", "withdrawal", "ouster", "dismissal", "firing", "sacking"}
GIVE_VERBS = {"give", "hand", "award", "assign", "entrust", "lose", "cede"}  # "gave the part to X", "lost it to X"
GOES_TO = {"go", "fall", "correspond", "pass"}  # "the role went to X"
CAST_BODIES = {"cast", "ensemble", "lineup", "line-up"}  # nouns for the whole cast
MAKING = {"direct", "co-direct", "codirect", "helm", "write", "produce", "shoot", "film", "make", "create", "adapt"}
CAST_GROWING = {"round", "complete", "fill", "bolster", "expand", "swell", "finish", "strengthen", "enlarge", "build"}
INCLUDE_VERBS = {"include", "feature", "comprise", "count", "boast", "welcome", "add"}
COPULAS = {"be", "remain", "stay", "become"}
HOLD_VERBS = {"hold", "play", "occupy", "fill"}  # "the part previously held by X"
EARLIER = {"previously", "formerly", "originally", "initially"}
PROFESSIONS = {"stunt", "body", "photo", "voice-over", "casting"}  # a performer or double who is not the cast


@dataclass(frozen=True)
class Vocabulary:
    cast_nouns: frozenset[str]
    director_nouns: frozenset[str]
    other_nouns: frozenset[str]
    cast_verbs: frozenset[str]
    director_verbs: frozenset[str]
    leave_verbs: frozenset[str]
    choose_verbs: frozenset[str]
    replace_verbs: frozenset[str]
    needs_cast_object: frozenset[str]
    character_verbs: frozenset[str]
    headline_verbs: frozenset[str]
    participation_verbs: frozenset[str]
    authored_nouns: frozenset[str]
    crew_nouns: frozenset[str]
    performer_nouns: frozenset[str]
    director_abbreviations: frozenset[str]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    data = read_data_toml("roles.toml")
    return Vocabulary(**{key: frozenset(data[key]) for key in Vocabulary.__dataclass_fields__})


@dataclass
class Finding:
    """What one sentence says of one person."""

    roles: set[str] = field(default_factory=set)
    productions: list[Token] = field(default_factory=list)  # what the role is in, where the prose says
    negated: bool = False
    backup: bool = False   # a backup or understudy is not the cast, whatever else is said
    left_before: bool = False   # left, in a relative clause: a removal unless the sentence says more
    left_direction: bool = False  # left the director's chair: whatever else is said, not its director now
    by_verb: bool = False       # a verb gave a role, not only a noun describing the person
    cast_by_verb: bool = False  # a verb gave the cast role, whether or not a noun did too


def read_role(sentence: Span, name: Span, sole: bool = False, by_words: bool = True) -> Finding:
    """The roles `sentence` gives the person `name` (a span of the same doc); when `sole`, the
    sentence names nobody else, so a later "he" or "she" is that person. Without `by_words`,
    only what the sentence says the person does counts, not the words that name them ("the
    actress", standing for someone named before, says what she is, not that she is in the cast)."""
    found = Finding()
    anchor = _parallel_object(name.root) or _first_conjunct(name.root)
    if by_words:
        _describe(found, name, name.root)
    if by_words and anchor is not name.root and not found.roles:
        first = next((e for e in name.doc.ents if e.start <= anchor.i < e.end), name.doc[anchor.i:anchor.i + 1])
        _describe(found, first, anchor)
    described = set(found.roles)
    predicates = [(verb, as_object, name.root) for verb, as_object in _predicates(name.root)]
    if anchor is not name.root:
        own = any(c.dep_ == "relcl" for c in name.root.children)  # "A, who directs, and B, who stars"
        predicates += [(verb, as_object, anchor) for verb, as_object in _predicates(anchor)
                       if not (own and verb.dep_ == "relcl" and verb.head.i == anchor.i)]
    if anchor.dep_ == "appos" and anchor.head.dep_ in ("pobj", "dobj", "nsubj", "nsubjpass"):
        # "played by a real cosmonaut: X": X stands where the noun stands
        predicates += [(verb, as_object, anchor.head) for verb, as_object in _predicates(anchor.head)]
    for clause in [c for t in {name.root.i: name.root, anchor.i: anchor}.values() for c in t.children
                   if c.dep_ == "relcl"]:
        relative = _object_relative(clause)
        if relative is not None:  # "X, whom the studio cast in Z": X is what the clause's verb acts on
            predicates.append((clause, True, relative))
    if sole:  # "X says he will direct the first scene"; "X will not fly; she will direct from the ground"
        pronouns = [t for t in sentence if t.dep_ in SUBJECT_DEPS and t.lower_ in ("he", "she")
                    and t.i > name.root.i and stated_as_fact(t.doc, t.idx, t.idx + len(t))]
        predicates += [(t.head, False, t) for t in pronouns if any(c.dep_ in ("dobj", "prep") for c in t.head.children)]
        # "..., she said as she prepares to direct Z": the infinitive says what she will do
        predicates += [(c, False, t) for t in pronouns for c in t.head.children
                       if (c.dep_ == "xcomp" or _infinitive(c)) and _lemma(c) in role_verbs()
                       and not any(g.dep_ in SUBJECT_DEPS for g in c.children)]
    found.roles -= {CAST}  # to tell whether a verb gives it too
    last = max([anchor.i, *(c.i for c in anchor.conjuncts)])  # the last name of the person's list
    # the list's relative clause is this person's too: "A and B, who star" (not "A, who directs, and B, who stars")
    shares_last = name.root.i == last or (relative_after(name.root) is None and _only_names_between(name.root, last))
    predicates = [(verb, as_object, person) for verb, as_object, person in predicates
                  if as_object or (owner := _relative_owner(verb)) in (None, name.root.i) or (owner == last and shares_last)]
    owned = relative_after(name.doc[last])
    if owned is not None and shares_last and all(verb.i != owned.i for verb, _o, _p in predicates):
        predicates.append((owned, False, anchor))  # "... and A and B, who will shoot their scenes": the parser hung it elsewhere
    for verb, as_object, person in predicates:
        _from_verb(found, verb, person, as_object)
    phrase = anchor.head if anchor.dep_ == "pobj" and anchor.head.lower_ == "with" else None
    if phrase is not None and phrase.head.pos_ in ("NOUN", "PROPN") and (role := _with_role(anchor)):
        found.roles.add(role)  # "Z, with X in the director's chair, ...": the phrase describes Z
        found.productions.append(phrase.head)
    elif phrase is not None and word(phrase.head) in CAST_BODIES and _lemma(phrase.head.head) in CAST_GROWING:
        found.roles.add(CAST)  # "rounds out its cast with X", "completed the Z ensemble with A and B"
    elif phrase is not None and phrase.head.dep_ in ("acomp", "attr") and word(phrase.head) in ("complete", "full") \
            and any(c.dep_ in SUBJECT_DEPS and word(c) in CAST_BODIES for c in phrase.head.head.children):
        found.roles.add(CAST)  # "the cast is complete with A and B"
    for part in _whose_part(anchor):
        found.roles.add(CAST)  # "X, whose role as an engineer in Z required months of training"
        found.productions += [g for t in part.subtree if t.dep_ == "prep" and t.lower_ in ("in", "for", "on")
                              for g in t.children if g.dep_ == "pobj"]
    cast_by_verb = found.cast_by_verb = CAST in found.roles
    found.by_verb = bool(found.roles - described) or (cast_by_verb and CAST not in described)
    found.roles |= described
    if found.left_before and not cast_by_verb:  # "the actress X, who left Y": no "is back in the cast"
        found.roles.add(REMOVED)
    compound = compound_role(name)
    if compound is not None:
        found.roles.add(compound[0])
        found.productions.append(compound[1])
        found.by_verb = True
    if _instead_of(name.root) or _recast_role(name.root) or _exit_of(name.root):
        found.roles.add(REMOVED)
    if _names_the_film(name.root) or _names_the_film(anchor):
        found.roles.add(NAMED_FOR)
    if found.left_direction:
        found.roles -= {DIRECTOR, REMOVED}  # "X, who was to direct Z, has left": only the new director counts
    found.productions = [t for t in found.productions if t.i not in (name.root.i, anchor.i)]  # never their own name
    if found.negated:
        found.roles.clear()
    if found.backup or (not cast_by_verb and any(t.lower_.startswith(AUDITIONING) for t in sentence)):
        found.roles.discard(CAST)  # a backup; "actresses auditioned, among them the actress X": no part
    return found


def is_sequel(noun: Token) -> bool:
    """"the sequel", "the follow-up film": a production after another, whatever its title."""
    return noun.lemma_.lower() in SEQUELS or any(hyphenated(c) in SEQUELS for c in noun.children)


def _names_a_work(noun: Token) -> bool:
    """A title, or a noun that says which work it is: "the project, called Z", "the sequel",
    "another film" (not "the film, the first feature shot on ...", which is the one in context)."""
    return noun.pos_ == "PROPN" or is_sequel(noun) or any(
        (c.dep_ == "acl" and c.lemma_.lower() in ("call", "title", "name", "dub"))
        or c.lower_ in ("another", "rival", "other") for c in noun.children)


def _instead_of(person: Token) -> bool:
    """"Instead of X, the role will be played by Y"; "Y will play the lead in place of X"."""
    of = person.head
    return person.dep_ == "pobj" and of.lower_ == "of" and (
        of.head.lower_ == "instead" or any(c.lower_ == "instead" for c in of.children)
        or (of.head.lower_ == "place" and of.head.head.lower_ == "in"))


def _recast_role(person: Token) -> bool:
    """"X's role in Y has been recast", "X's part will now be played by Z"."""
    head = person.head
    verb = head.head
    return person.dep_ == "poss" and word(head) in ("role", "part") and head.dep_ == "nsubjpass" and (
        word(verb) in vocabulary().replace_verbs or (word(verb) in ("play", "take", "give", "hand") and any(
            c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "to") for c in verb.children)))


def _names_the_film(person: Token) -> bool:
    """"the X film", "X and his project": the film named for a person. Not a possessive ("X's
    documentary-drama" says neither star nor director), nor "the X previous film", another one."""
    head = person.head
    if person.dep_ in ("compound", "nmod") and word(head) in PRODUCTION_NOUNS:
        return not any(c.lower_ in OTHER_WORK for c in head.children if c.dep_ in ("amod", "advmod", "nummod"))
    return any(c.dep_ == "conj" and word(c) in PRODUCTION_NOUNS and any(g.dep_ == "poss" for g in c.children)
               for c in person.children)


def _object_relative(clause: Token) -> Token | None:
    """The relative pronoun a relative clause takes as its object ("whom the studio cast"), if any."""
    return next((c for c in clause.children if c.dep_ == "dobj" and c.lower_ in ("whom", "who", "that")), None)


def relative_after(name: Token) -> Token | None:
    """The relative clause that opens right after `name` (", who will ..."), however the parser hung it."""
    doc = name.doc
    if name.i + 2 >= len(doc) or doc[name.i + 1].text != "," or doc[name.i + 2].lower_ not in RELATIVE_PRONOUNS:
        return None
    verb = doc[name.i + 2].head
    return verb if verb.dep_ == "relcl" else None


def _only_names_between(name: Token, end: int) -> bool:
    """Whether only other names, commas and "and" stand between `name` and position `end`: one list."""
    return all(t.text == PERSON_STAND_IN or t.lower_ in (",", "and", "or") for t in name.doc[name.i + 1:end])


def _relative_owner(verb: Token) -> int | None:
    """Where the name stands that a relative clause opens right after (", who ..."), if one does."""
    if verb.dep_ != "relcl":
        return None
    who, doc = verb.left_edge, verb.doc
    if who.lower_ not in RELATIVE_PRONOUNS or who.i < 2 or doc[who.i - 1].text != ",":
        return None
    before = doc[who.i - 2]
    return before.i if before.text == PERSON_STAND_IN else None


def _parallel_object(token: Token) -> Token | None:
    """"stars A as the pilot and B as the engineer": the parser joins B to "pilot"; B stands where A does."""
    as_phrase = token.head.head if token.dep_ == "conj" and token.head.dep_ == "pobj" else None
    if as_phrase is None or as_phrase.lower_ != "as" or not any(  # its own "as", maybe hung on "pilot" too
            c.dep_ == "prep" and c.lower_ == "as" and c.i > token.i for c in [*token.children, *token.head.children]):
        return None
    return next((c for c in as_phrase.head.children if c.dep_ == "dobj" and c.i < as_phrase.i), None)


def _first_conjunct(token: Token) -> Token:
    """The first name of a list: "A, B, C and D" (the parser links them by conj or appos)."""
    seen = 0
    while seen < 20 and token.dep_ in ("conj", "appos") and (token.head.pos_ == "PROPN" or (
            token.dep_ == "appos" and token.head.dep_ == "conj")):  # "A, B and the singer C"
        token, seen = token.head, seen + 1
    return token


def _describe(found: Finding, name: Span, anchor: Token) -> None:
    if anchor.dep_ == "appos" and anchor.head.lower_ == "stars" and any(
            c.dep_ == "compound" and word(c) in PRODUCTION_NOUNS for c in anchor.head.children):
        found.roles.add(CAST)  # "the thriller stars A and B", read as a noun phrase with A in apposition
        return
    described = anchor
    for _ in range(2):  # "Her backup, the actress X": the parser hangs X on "backup" or on "actress"
        if described.dep_ != "appos":
            break
        described = described.head
        if word(described) in BACKUP:
            found.roles.add(OTHER)  # an actress, and here the backup
            found.backup = True
            break
    nouns: list[Token] = []
    # words right before the name that qualify it: "lead actress X", "Filmmaker X"
    position = name.start - 1
    role_words = role_nouns()
    while position >= name.sent.start and name.start - position <= 3 and name.doc[position].ent_type_ != "PERSON" and \
            not _role_verb_form(name.doc[position]) and (  # not "has not cast X"
            name.doc[position].pos_ in ("NOUN", "ADJ", "PROPN") or _role_word(name.doc[position], role_words)):
        nouns.append(name.doc[position])
        if _role_word(name.doc[position], role_words):
            for noun in nouns:  # the nearest role word describes the person ("the cast and showrunner X")
                _from_noun(found, noun)
            return
        position -= 1
    nouns += [c for c in name.root.children if c.dep_ in ("compound", "amod", "nmod") and c.i < name.start]
    appositions = [c for c in anchor.children if c.dep_ == "appos" and c.pos_ in ("NOUN", "PROPN")]
    # "X, the show's creator and director,": each noun of the apposition describes X
    nouns += appositions + [g for c in appositions for g in c.conjuncts if g.pos_ == "NOUN" and g.i > c.i]
    # "X and the rest of Z's cast": the body X belongs to
    nouns += [g for c in anchor.children if c.dep_ == "conj" and word(c) in ("rest", "others")
              for g in _prepositional(c, ("of",))]
    # "X, one of the film's two leads,": the noun the number picks from
    nouns += [g for c in anchor.children if c.dep_ == "appos" and c.pos_ in ("NUM", "PRON")
              for g in _prepositional(c, ("of",)) if g.pos_ == "NOUN"]
    if anchor.dep_ == "appos":
        # "the two actors, A and B"; "The cast of X: A, B and C"
        head = anchor.head
        for _ in range(3):
            if head.pos_ in ("NOUN", "PROPN") or (head.dep_ in SUBJECT_DEPS and word(head) in role_words):
                nouns.append(head)  # ("The two leads of Z, A and B, ...": "leads" may be tagged a verb)
            if head.dep_ not in ("pobj", "prep", "appos"):  # "Its protagonist, the jazz singer X"
                break
            head = head.head
    head = anchor.head
    if anchor.dep_ == "pobj" and head.lower_ == "by" and head.dep_ == "prep" and \
            word(head.head) in vocabulary().authored_nouns:
        _film_by(found, head.head)  # "Z, a film by X": X directs it
    if anchor.dep_ == "pobj" and head.lower_ == "of" and word(head.head) == "charge" and head.head.head.lower_ == "in":
        # "the direction of Z will be in charge of X"
        be = next((t for t in head.head.ancestors if t.pos_ in ("VERB", "AUX")), None)
        if be is not None and any(c.dep_ in SUBJECT_DEPS and word(c) in vocabulary().director_nouns
                                  for c in be.children):
            found.roles.add(DIRECTOR)
    if anchor.dep_ == "pobj" and head.lower_ == "to":
        # "gave the role of the engineer to X": the to-phrase may hang on the part's own words
        part = next((t for t in list(head.ancestors)[:5] if t.dep_ == "dobj" and word(t) in vocabulary().cast_nouns
                     and _lemma(t.head) in GIVE_VERBS), None)
        if part is not None:
            found.roles.add(CAST)
            found.productions += _prepositional(part.head, ("in", "for"))
    if anchor.dep_ == "pobj" and head.lower_ == "of" and word(head.head) in ("direction", "debut"):
        nouns.append(head.head)  # "under the direction of X", "the directorial debut of X"
    if anchor.dep_ == "pobj" and head.lower_ == "from" and any(c.dep_ == "compound" for c in anchor.children) and \
            word(head.head) in vocabulary().cast_nouns | vocabulary().director_nouns:
        nouns.append(head.head)  # "the actress from Tartu X", read as if she came from X
    if anchor.dep_ == "compound" and head.dep_ in ("oprd", "attr", "dobj") and head.i == anchor.i + 1:
        nouns.append(head)  # "named X director of Z", parsed as one noun phrase
    if anchor.dep_ in SUBJECT_DEPS:
        # "The director-producer of the picture X stated": the parser gives the verb two subjects
        nouns += [c for c in head.children if c.dep_ in SUBJECT_DEPS and c.i < anchor.i and c.pos_ == "NOUN"
                  and max(t.i for t in c.subtree) == anchor.i - 1]
    if anchor.dep_ in SUBJECT_DEPS and head.lemma_ in COPULAS:
        nouns += [c for c in head.children if c.dep_ in ("attr", "acomp")]
    if anchor.dep_ == "attr" and head.lemma_ in COPULAS:  # "Z's lead remains X"
        nouns += [c for c in head.children if c.dep_ in SUBJECT_DEPS]
    for noun in nouns:
        _from_noun(found, noun)


def _role_word(token: Token, role_words: frozenset[str]) -> bool:
    """A role noun however tagged: "actresses" in "the film actresses X and Y" may be read as a verb."""
    return word(token) in role_words or token.lower_ in role_words or _plural_of(token, role_words) is not None


def _plural_of(token: Token, role_words: frozenset[str]) -> str | None:
    """The role noun a plural is of, where the parser read it as a verb and left it unlemmatised."""
    return next((form for form in (token.lower_.removesuffix("es"), token.lower_.removesuffix("s")) if form in role_words),
                None)


ROLE_VERB_FORMS = frozenset({"stars", "starred", "leads", "directs", "directed", "casts"})


def _role_verb_form(token: Token) -> bool:
    """A role word used as a verb ("has not cast X", "the film stars X"), not a noun before a name
    (but "to director X", which the parser may take for an infinitive, is the noun)."""
    return token.pos_ in ("VERB", "AUX") and (token.lower_ in role_verbs() or token.lower_ in ROLE_VERB_FORMS)


def _film_by(found: Finding, noun: Token) -> None:
    """"Z, a film by X", "Z is the new film by X", "the film by X": X is the director of the
    production the noun stands for; "another film by X" is another of theirs."""
    if noun.dep_ == "appos" or (noun.dep_ == "attr" and noun.head.lemma_ == "be"):
        owner = noun.head if noun.dep_ == "appos" else next(
            (c for c in noun.head.children if c.dep_ in SUBJECT_DEPS), None)
        if owner is None:
            return
        found.productions.append(owner)
    elif any(c.lower_ in OTHER_WORK | {"another", "a", "an"} for c in noun.children):
        return  # "another film by X", "a film by X" with nothing saying which
    else:
        found.productions.append(noun)
    found.roles.add(DIRECTOR)


def compound_role(name: Span) -> tuple[str, Token] | None:
    """"the X-directed Z", "the X-fronted drama", "the X-starrer Z": a person glued to a
    participle (or noun) that gives a role, and the noun it modifies."""
    doc, end = name.doc, name.end
    if end + 1 >= len(doc) or doc[end].text != "-":
        return None
    participle = doc[end + 1]
    text = participle.lower_
    forms = {_lemma(participle), text.removesuffix("ed"), text.removesuffix("d"), text.removesuffix("ing"),
             text.removesuffix("rer")}  # "the X-starrer Z": a film that stars X
    v = vocabulary()
    target = participle.head if participle.head.i > participle.i else doc[min(end + 2, len(doc) - 1)]
    if forms & v.director_verbs:
        return DIRECTOR, target
    if forms & (FEATURE_VERBS | (v.headline_verbs - {"join", "lead", "board"})) or (
            "lead" in forms | {"led"} and word(target) in CAST_BODIES):
        return CAST, target
    return None


def hyphenated(token: Token) -> str:
    """The word a token makes with the ones a hyphen joins it to ("stand-in", split by the tokenizer)."""
    doc, i = token.doc, token.i
    if i + 2 < len(doc) and doc[i + 1].text == "-" and not doc[i + 1].whitespace_ and not token.whitespace_:
        return f"{token.lower_}-{doc[i + 2].lower_}"
    if i >= 2 and doc[i - 1].text == "-" and not doc[i - 1].whitespace_ and not doc[i - 2].whitespace_:
        return f"{doc[i - 2].lower_}-{token.lower_}"
    return token.lower_


def word(token: Token) -> str:
    """A token's lemma in lower case; capitalised nouns tagged as names get a plural -s dropped."""
    lemma = token.lemma_.lower()
    if token.pos_ == "PROPN" and lemma.endswith("s") and not lemma.endswith("ss"):
        return lemma[:-1]
    return lemma


def _from_noun(found: Finding, noun: Token) -> None:
    v = vocabulary()
    lemma = word(noun)
    if lemma not in role_nouns():  # a plural the parser read as a verb: "the film actresses X and Y"
        lemma = _plural_of(noun, role_nouns()) or lemma
    if noun.i >= 2 and noun.nbor(-1).text == "-" and f"{noun.nbor(-2).lower_}-{lemma}" in v.director_nouns | v.cast_nouns:
        lemma = f"{noun.nbor(-2).lower_}-{lemma}"  # "director-producer", split by the tokenizer
    words = {w for c in noun.children if c.dep_ in ("compound", "amod", "nmod") for w in (word(c), c.lower_)}
    if noun.i + 1 < len(noun.doc):
        words.add(noun.nbor(1).lower_)  # "director general"
    if words & (BACKUP | PROFESSIONS):
        found.roles.add(OTHER)  # "backup actress", "stunt performer", "body double"
        found.backup = True
        return
    if lemma == "star" and any(c.dep_ == "compound" and c.lower_ not in ("film", "studio") for c in noun.children):
        return  # "the sitcom star X", "pop star X": what she is famous for, no part (but "the Z star X")
    of = [g for c in noun.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
    of_to = of + [g for c in noun.children if c.dep_ == "prep" and c.lower_ == "to" for g in c.children
                  if g.dep_ == "pobj"]
    if lemma in PARTS_OF_A_BODY and any(word(g) in CAST_BODIES for g in of_to):
        found.roles.add(CAST)  # "the newest member of the cast", "the latest addition to the ensemble"
    owners = [c for c in noun.children if c.dep_ == "poss"]
    if lemma in v.director_nouns and any(o.pos_ == "NOUN" and word(o) not in PRODUCTION_NOUNS for o in owners):
        found.roles.add(OTHER)  # "the agency's director": heads an organisation, not a film
        return
    named = [o for o in owners if o.pos_ == "PROPN"]  # "Z's director"; not "(Tarik's father)", a character
    if lemma in v.director_nouns and not (words & NOT_DIRECTOR) and not any(
            g.lemma_.lower() in NOT_DIRECTOR for g in of):
        if lemma != "debut" or any(w.startswith("direct") for w in words):  # "directing", "directorial"
            found.roles.add(DIRECTOR)
    elif lemma in v.cast_nouns or words & {"leading", "lead", "title"} and lemma in ("man", "woman", "lady", "role"):
        found.roles.add(CAST)  # "its leading man"
    elif lemma in v.other_nouns or (lemma == "director" and words & NOT_DIRECTOR):
        found.roles.add(OTHER)
        found.productions += named
        return
    else:
        return
    found.productions += named + of + _prepositional(noun, ("in", "for"))


def _predicates(anchor: Token) -> list[tuple[Token, bool]]:
    """(verb, whether the person is its object) pairs the person takes part in."""
    out: list[tuple[Token, bool]] = []
    head_forms = {anchor.head.lemma_.lower(), anchor.head.lower_.removesuffix("ing"), anchor.head.lower_.removesuffix("s")}
    if anchor.dep_ == "compound" and head_forms & (vocabulary().cast_verbs | vocabulary().director_verbs):
        out.append((anchor.head, False))  # "X stars in Y" parsed as a noun compound
    elif anchor.dep_ in SUBJECT_DEPS:
        out.append((anchor.head, False))
    elif anchor.dep_ == "pobj" and anchor.head.lower_ in ("besides", "beside", "plus") and \
            anchor.head.head.pos_ in ("VERB", "AUX"):
        out.append((anchor.head.head, False))  # "A and B join the cast, besides C": C does what they do
    elif anchor.dep_ in ("dobj", "attr") and anchor.head.pos_ in ("VERB", "AUX"):
        out.append((anchor.head, True))
    elif anchor.dep_ == "pobj" and anchor.head.dep_ in ("prep", "agent", "dative") and \
            anchor.head.head.pos_ in ("VERB", "AUX"):
        out.append((anchor.head.head, True))
    elif anchor.dep_ == "pobj" and anchor.head.lower_ in ("opposite", "alongside"):
        verb = verb_above(anchor.head)
        if verb is not None:  # "plays the commander opposite X": attached to the part
            out.append((verb, True))
    elif anchor.dep_ == "pobj" and anchor.head.lower_ == "from":
        verb = verb_above(anchor.head)
        if verb is not None:  # "took over the lead in the film from X": attached to the noun
            out.append((verb, True))
    elif anchor.dep_ == "pobj" and anchor.head.lower_ == "with" and anchor.head.dep_ == "prep" and \
            (replacing := verb_above(anchor.head)) is not None and \
            replacing.lemma_.lower() in vocabulary().replace_verbs:
        out.append((replacing, True))  # "replaced Z director X (on Z) with Y": attached to a noun
    if anchor.dep_ == "attr" and anchor.head.lemma_ == "be":
        # "Directing Z is X": the gerund is what X does (also when parsed as the verb "is" helps)
        be = anchor.head
        out += [(c, False) for c in be.children if c.dep_ == "csubj" and c.pos_ == "VERB"]
        if be.dep_ == "aux" and be.head.pos_ == "VERB" and be.head.i < be.i and be.head.tag_ == "VBG":
            out.append((be.head, False))
    out += [(c, False) for c in anchor.children if c.dep_ in ("relcl", "acl") and _object_relative(c) is None
            and not (c.dep_ == "acl" and _lemma(c) in MAKING and any(g.dep_ == "agent" for g in c.children))
            and not _of_what_is_theirs(c)]
    # (not "Z, directed by Y": Z is what is made; but "X, hired by the studio to direct Z" is X)
    if anchor.dep_ == "attr" and anchor.head.lemma_ == "be":  # "The woman who will direct Z is X"
        out += [(c, False) for subject in anchor.head.children if subject.dep_ in SUBJECT_DEPS
                for c in subject.children if c.dep_ == "relcl" and _object_relative(c) is None]
    # "A and B, who play ...": the clause hangs on the last name of the list (unless A has its own)
    if not any(c.dep_ == "relcl" for c in anchor.children):
        out += [(c, False) for conj in anchor.children if conj.dep_ == "conj"
                for c in conj.children if c.dep_ == "relcl"]
    more: list[tuple[Token, bool]] = []
    for verb, as_object in out:
        if not as_object:
            controlled = any(g.dep_ == "dobj" and (g.text == PERSON_STAND_IN or g.lower_ in ("him", "her", "them"))
                             for g in verb.children)  # "hired Y to direct": Y directs (not "boards Z to direct")
            more += [(c, False) for c in verb.children if (c.dep_ == "conj" or (
                not controlled and (c.dep_ == "xcomp" or _infinitive(c)))) and (
                c.pos_ in ("VERB", "AUX") or c.lemma_.lower() in role_verbs())
                     and not any(g.dep_ in SUBJECT_DEPS for g in c.children)]  # a verb with its own subject
        elif anchor.dep_ in ("dobj", "pobj"):
            # "hired X to direct", "turned to X to play the lead": X does what the infinitive says
            more += [(c, False) for c in verb.children if (c.dep_ == "xcomp" or _infinitive(c)) and c.i > anchor.i
                     and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)
                     and not any(g.dep_ in SUBJECT_DEPS for g in c.children)]
    inverted = _verb_first(anchor)
    if inverted is not None:
        more.append((inverted, False))
    return out + more


INVERTED_PATH = {"appos", "dobj", "npadvmod", "attr", "pobj", "prep", "compound", "dative", "oprd"}


def _verb_first(anchor: Token) -> Token | None:
    """"Will direct the film X, said the studio", "Will play the commander X": a role verb that opens
    the sentence with no subject of its own and the name after it, as translated wires write it;
    the name is its subject."""
    if anchor.text != PERSON_STAND_IN:
        return None  # read for the person, not for a noun standing beside them
    verb = anchor
    while verb.dep_ in INVERTED_PATH and verb.head.i != verb.i and verb.pos_ not in ("VERB", "AUX"):
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX") or verb.i > anchor.i or verb.tag_ == "VBG" or verb is anchor:
        return None
    v = vocabulary()
    if _lemma(verb) not in v.director_verbs | (v.cast_verbs - v.needs_cast_object - {"cast"}):
        return None
    if verb.dep_ in ("xcomp", "relcl", "acl", "conj", "pcomp", "amod") or any(
            c.dep_ in SUBJECT_DEPS | {"expl", "csubj"} for c in verb.children):
        return None  # a subject of its own, or one it shares with another verb
    character = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if _lemma(verb) in v.character_verbs and character is not None and anchor.head.i == character.i:
        return None  # "Will play the commander X": X may be the commander's name
    doc = anchor.doc
    leading = {t.i for c in verb.children if c.dep_ == "prep" and c.i < verb.i for t in c.subtree}
    if any(t.dep_ not in ("aux", "auxpass", "neg", "advmod", "punct") and t.i not in leading
           for t in doc[verb.sent.start:verb.i]):
        return None  # the verb does not open the sentence (an in-phrase may: "In the role of Y will appear X")
    if any(t.dep_ == "cc" or t.lower_ in (";", ":") for t in doc[verb.i:anchor.i]):
        return None  # "Directs Z X, and stars in it Y": Y is not what the first verb says
    return verb


def _infinitive(token: Token) -> bool:
    """"(hired X) to direct": an adverbial clause that is a bare to-infinitive."""
    return token.dep_ == "advcl" and any(g.dep_ == "aux" and g.lower_ == "to" for g in token.children)


def _chair(noun: Token) -> bool:
    """"the director's chair"; "(in) charge of the direction", as translated wires write it."""
    directing = vocabulary().director_nouns
    if word(noun) == "charge":
        return any(word(g) in directing for g in _prepositional(noun, ("of",)))
    return word(noun) == "chair" and any(c.dep_ == "poss" and word(c) in directing for c in noun.children)


def _directing_place(prep: Token) -> bool:
    """"at the helm", "behind the camera", "in the director's chair": where a director sits."""
    return any((prep.lower_, word(g)) in (("at", "helm"), ("behind", "camera")) or (prep.lower_ == "in" and _chair(g))
               for g in prep.children if g.dep_ == "pobj")


def _of_what_is_theirs(clause: Token) -> bool:
    """"X, whose character never leaves the base": the clause says what the possessed noun does, not X."""
    return any(c.dep_ in SUBJECT_DEPS and any(g.lower_ == "whose" for g in c.children) for c in clause.children)


def _whose_part(person: Token) -> list[Token]:
    """"X, whose role (as Y) in Z required ...": the part a relative clause says the person has,
    unless the clause takes it away ("whose part was cut") or denies it."""
    v = vocabulary()
    out = []
    for clause in (c for c in person.children if c.dep_ == "relcl"):
        taken_away = any(c.dep_ == "neg" for c in clause.children) or _lemma(clause) in REMOVE_VERBS | v.leave_verbs | \
            v.replace_verbs
        # (a character is a part whatever it does: "whose character never leaves mission control")
        out += [t.head for t in clause.subtree if t.dep_ == "poss" and t.lower_ == "whose" and (
            word(t.head) == "character" or (not taken_away and word(t.head) in v.cast_nouns - CAST_BODIES))]
    return out


def verb_above(token: Token) -> Token | None:
    """The nearest verb that `token` hangs under."""
    return next((t for t in token.ancestors if t.pos_ in ("VERB", "AUX")), None)


def _with_role(person: Token) -> str | None:
    """"(shooting begins) with X in the lead", "with A and B as the two pilots": the phrase right
    after a with-phrase gives its people a place in the cast; "with X at the helm", "with X
    behind the camera" make X the director."""
    if any(_directing_place(c) for c in person.children if c.dep_ == "prep"):
        return DIRECTOR  # the parser hung the place on the person
    last = max(t.i for t in person.subtree)
    if last + 1 >= len(person.doc):
        return None
    after = person.doc[last + 1]
    if after.dep_ not in ("prep", "pcomp") or after.head.i not in (person.head.head.i, person.head.i, person.i):
        return None
    nouns = [g for g in after.children if g.dep_ == "pobj"]
    if _directing_place(after):
        return DIRECTOR
    if after.lower_ == "at" and any(word(g) in ("head", "top", "front") and any(
            word(x) in CAST_BODIES for x in _prepositional(g, ("of",))) for g in nouns):
        return CAST  # "with A and B at the head of the cast"
    if after.dep_ != "prep" or after.lower_ not in ("in", "as") or after.head.i == person.head.i:
        return None
    v = vocabulary()
    if any(after.lower_ == "as" or word(g) in v.cast_nouns for g in nouns) and not any(
            word(t) in BACKUP | v.director_nouns | v.other_nouns for g in nouns for t in g.subtree):
        return CAST
    return None


def _replaced_director(verb: Token) -> bool:
    """"replaced Z director X with Y", "replaced X as director": whom `verb` replaces directs."""
    v = vocabulary()
    as_lemmas = {word(n) for n in _prepositional(verb, ("as",))}
    return bool(as_lemmas & v.director_nouns) or any(
        word(t) in v.director_nouns - {"debut"} for o in verb.children if o.dep_ == "dobj" for t in o.subtree)


def _out_of(verb: Token) -> bool:
    """"(fired X) from Z", "(wrote X) out of Z"."""
    return any(c.lower_ in ("from", "out") and c.dep_ in ("prep", "prt") for c in verb.children)


def _exit_of(person: Token) -> bool:
    """"X's exit from Z", "the departure of X"."""
    head = person.head
    if person.dep_ == "pobj" and head.lower_ == "of":
        head = head.head
    elif person.dep_ != "poss":
        return False
    return word(head) in EXIT_NOUNS


def _no_longer(verb: Token) -> bool:
    return any(c.lower_ == "longer" and any(g.lower_ == "no" for g in c.children) for c in verb.children)


def _about_direction(doc) -> bool:
    """Whether a sentence speaks of directing (a director noun or verb) and not of the cast: then
    leaving, replacing and succeeding are about the director's chair."""
    v = vocabulary()
    directing = any((word(t) in v.director_nouns - {"debut"} and not (t.head.lower_ == "in" and word(t) == "direction")
                     and not (t.dep_ in SUBJECT_DEPS and t.head.lemma_ in SPEECH_VERBS)  # "the director said"
                     and not any(
        word(c) in NOT_DIRECTOR for c in t.children)) or (t.pos_ in ("VERB", "AUX", "ADJ", "NOUN") and _lemma(t) in
                                                          v.director_verbs) or _chair(t) for t in doc)
    return directing and not any(
        word(t) in v.cast_nouns or (t.pos_ == "VERB" and _lemma(t) in FEATURE_VERBS | v.character_verbs | {"act"})
        for t in doc)


def _in_phrases(verb: Token) -> list[Token]:
    """Nouns of the in-phrases that belong to `verb` and no other verb: "is back in the cast",
    "boards Z, the studio's thriller, in the role of an engineer" (however the parser hangs them)."""
    out = []
    for token in verb.subtree:
        if token.dep_ == "prep" and token.lower_ == "in":
            owner = next((t for t in token.ancestors if t.pos_ in ("VERB", "AUX")), None)
            if owner is not None and owner.i == verb.i:
                out += [g for g in token.children if g.dep_ == "pobj"]
    return out


def _from_verb(found: Finding, verb: Token, person: Token, as_object: bool) -> None:
    v = vocabulary()
    lemma = _lemma(verb)
    negated = any(c.dep_ == "neg" for c in verb.children) or any(
        c.dep_ == "neg" for c in verb.head.children if verb.dep_ == "xcomp")
    objects = [c for c in verb.children if c.dep_ in ("dobj", "attr", "oprd")]
    # "boards Z as director": the as-phrase may hang on the object
    as_nouns = _prepositional(verb, ("as",)) + [g for o in objects for g in _prepositional(o, ("as",))]
    # "remains attached as the lead": or on the adjective that completes the verb
    as_nouns += [g for c in verb.children if c.dep_ == "acomp" for g in _prepositional(c, ("as",))]
    nouns = objects + as_nouns + _prepositional(verb, ("to",)) + \
        [g for p in verb.children if p.dep_ == "prt" for g in p.children]
    as_lemmas = {word(n) for n in as_nouns}
    if as_object:
        _object_role(found, verb, person, lemma)
        return
    if lemma == "act" and as_nouns and not any(word(n) in v.cast_nouns for n in as_nouns):
        return  # "acting as camera operator": a job, not a part
    particles = {c.lower_ for c in verb.children if c.dep_ in ("prt", "advmod", "prep")}
    # "turned down the part", "passed on the role"; not "turns 34 on 19 March"
    declining = {c.lower_ for c in verb.children if c.dep_ in ("prt", "advmod") or (
        c.dep_ == "prep" and not any(_a_time(g) for g in c.children))}
    if lemma in DECLINE and (lemma not in ("turn", "pass") or declining & {"down", "on"}):
        found.negated = True  # "turned down the lead", "declined the role"
        return
    if any(_directing_place(c) for c in verb.children if c.dep_ == "prep"):
        found.roles.add(DIRECTOR)  # "X is behind the camera on Y", "X steps behind the camera for Y"
        found.productions += _prepositional(verb, ("on", "for", "of"))
        return
    after = {c.lower_ for c in verb.children if c.dep_ in ("prt", "advmod", "prep") and c.i > verb.i}  # not "In a shake-up, X stepped aside"
    if (lemma == "step" and after & {"in", "into"}) or (lemma == "take" and "over" in after and not objects):
        # "Y steps in", "Y takes over": the role the sentence is about
        directing = _about_direction(verb.doc)  # "takes over directing duties", "steps in as director"
        found.roles.add(DIRECTOR if directing else CAST)
        return
    if any(t.lower_ in ("directing", "directorial") and t.i + 1 < len(t.doc) and t.nbor(1).lower_ == "debut"
           for t in verb.subtree):
        found.roles.add(DIRECTOR)  # "makes her directing debut"
        return
    if lemma == "give" and any(word(o) == "life" for o in objects) and any(
            c.lower_ == "to" and c.dep_ in ("prep", "dative") for c in verb.children):
        found.roles.add(CAST)  # "gives life to the welder in Z": plays her
        found.productions += _prepositional(verb, ("in", "for"))
        return
    if lemma in ("shoot", "film", "record", "rehearse") and any(word(o) == "scene" and any(
            c.dep_ == "poss" and (c.pos_ == "PRON" or (lemma == "rehearse" and word(c) in PRODUCTION_NOUNS))
            for c in o.children) for o in objects):  # (a director shoots "the film's scenes" too)
        found.roles.add(CAST)  # "will fly to the station to shoot her scenes for Z"
        found.productions += _prepositional(verb, ("for", "in", "of"))
        return
    performed = [n for n in objects + _prepositional(verb, ("in",)) + [g for o in objects for g in _prepositional(o, ("of",))]
                 if word(n) in PRODUCTION_NOUNS]
    if lemma == "perform" and performed:
        found.roles.add(CAST)  # "to perform Z on camera", "performs in the video"
        found.productions += performed
        return
    own_part = [n for n in _prepositional(verb, ("for",)) if word(n) in ("role", "part")
                and any(c.dep_ == "poss" and c.pos_ == "PRON" for c in n.children)]
    if own_part and not any(o.pos_ in ("PROPN", "PRON") for o in objects):  # not "thanked Y for her part": "her" may be Y
        parts = [g for n in own_part for g in _prepositional(n, ("as",))]
        # "begins training in Houston for his role in Z"; "praised for her role as director of Z"
        found.roles.add(DIRECTOR if any(word(g) in v.director_nouns for g in parts) else CAST)
        found.productions += [g for t in own_part + parts for g in _prepositional(t, ("in", "of"))]
        return
    if any(t.lower_ in ACTING_DEBUT and t.i + 1 < len(t.doc) and t.nbor(1).lower_ == "debut" for t in verb.subtree):
        found.roles.add(CAST)  # "makes her acting debut in Z"
        found.productions += [g for t in verb.subtree if t.lower_ == "debut" for g in _prepositional(t, ("in",))]
        return
    leaves = lemma in v.leave_verbs and (lemma not in ("step", "drop", "pull") or particles & {"down", "out", "aside", "away"}
                                         or (lemma == "drop" and person.dep_ == "nsubjpass"))
    if leaves and not objects and lemma in ("leave", "depart") and particles & {"for", "from"}:
        leaves = False  # "will leave for orbit", "departs from the spaceport": a journey, not an exit
    if leaves and lemma == "leave" and any(o.pos_ == "PROPN" and o.text != PERSON_STAND_IN for o in objects) and \
            particles & {"for"}:
        leaves = False  # "will leave Starbase for a loop around the Moon": a place, not the production
    if leaves or (lemma == "be" and "out" in particles):
        if lemma == "continue" and not negated:
            return
        if as_lemmas & v.director_nouns or any(word(n) in v.director_nouns for n in nouns):
            found.left_direction = True  # "stepped aside as director": no cast change, and no director now
            return
        if _about_direction(verb.doc):
            found.left_direction = True  # "X will now direct Z after Y left": Y left the director's chair
            return
        if verb.dep_ in ("relcl", "advcl"):
            found.left_before = True  # "X, who briefly left Y in May, is back in the cast"; "..., months after he left"
        else:
            found.roles.add(REMOVED)
        return
    if _no_longer(verb) and lemma in v.participation_verbs:
        if lemma in v.director_verbs or _about_direction(verb.doc):
            found.left_direction = True  # "is no longer directing Z"
        else:
            found.roles.add(REMOVED)  # "will no longer appear in Z"
        return
    if negated and lemma == "return" and any(n.pos_ == "PROPN" or word(n) in PRODUCTION_NOUNS
                                            for n in _prepositional(verb, ("to", "for"))):
        found.roles.add(REMOVED)  # "will not return to Z"
        return
    if lemma in REMOVE_VERBS and person.dep_ == "nsubjpass" and _out_of(verb):
        found.roles.add(REMOVED)  # "X was fired from Z", "written out of Z"
        return
    if negated:
        # "who is not involved in X", "will not star": no part in it; "will not fly": says nothing
        found.negated = found.negated or lemma in v.participation_verbs
        return
    passive = (person.dep_ == "nsubjpass" and person.head.i == verb.i) or (
        person.head.i != verb.i and any(c.dep_ == "auxpass" for c in verb.children))  # "... and will be replaced"
    if lemma in v.replace_verbs and passive:
        if not as_lemmas & v.director_nouns and not _about_direction(verb.doc):
            found.roles.add(REMOVED)  # "X was replaced by Y"; not "X was replaced as director"
        return
    if lemma == "recast" or (lemma in v.replace_verbs and any(
            t.dep_ == "prep" and t.lower_ == "with" and getattr(verb_above(t), "i", None) == verb.i
            for t in verb.subtree)):
        return  # "X has recast the part", "X replaced A with B": X chose; B is read from their own side
    if lemma in v.replace_verbs:  # the replaced person is read from their own side
        found.roles.add(DIRECTOR if as_lemmas & v.director_nouns or _about_direction(verb.doc) else CAST)
        return
    as_qualifiers = {word(c) for n in as_nouns for c in n.children if c.dep_ in ("amod", "compound", "nmod")}
    if (as_lemmas | as_qualifiers) & BACKUP or (lemma == "stand" and particles & {"in"}):
        found.roles.add(OTHER)  # "named X as the flight's backup crew member", "X will stand in for"
        found.backup = True
        return
    if lemma in v.director_verbs:
        found.roles.add(DIRECTOR)
        found.productions += objects + _prepositional(verb, ("in", "for", "on"))
        return
    if any(word(n) == "character" and not any(c.dep_ in ("det", "poss") for c in n.children) for n in _in_phrases(verb)):
        found.roles.add(CAST)  # "spent the flight in character for Z": acting in it
        found.productions += [g for n in _in_phrases(verb) for g in _prepositional(n, ("for",))] + \
            _prepositional(verb, ("for",))
        return
    if lemma in FEATURE_VERBS and any(o.pos_ == "PROPN" for o in objects):
        return  # "Z stars X": Z is the production, X its cast
    given: set[str] = set()
    holds_roles = lemma in v.cast_verbs or lemma in v.director_verbs or lemma in ROLE_HOLDERS or (
        lemma in v.choose_verbs and person.dep_ == "nsubjpass")  # "was appointed director of Z"
    in_cast = [n for n in _in_phrases(verb) if (word(n) in v.cast_nouns and (holds_roles or word(n) == "cameo" or any(
        c.dep_ == "prep" and c.lower_ == "of" for c in n.children)) and word(n) != "part") or _chair(n)]
    # ("turns up in a brief cameo in Z": a cameo is a part whatever the verb)
    # "is back in the cast"; with any verb, "in the role of a welder"
    for noun in (nouns if holds_roles else as_nouns) + in_cast:
        if any(c.dep_ == "det" and c.lower_ in ("no", "neither") for c in noun.children):
            continue  # "has no role in the film"
        n = word(noun)
        qualifiers = {word(c) for c in noun.children if c.dep_ in ("amod", "compound", "nmod")}
        if qualifiers & BACKUP or n in BACKUP:
            if lemma == "have":
                continue  # "X now has a backup": someone else is
            given.add(OTHER)  # "was named X's backup"
            found.backup = True
        elif (n in v.director_nouns and (n != "debut" or any("direct" in c.lower_ for c in noun.children))) or \
                _chair(noun):
            given.add(DIRECTOR)  # also "took the director's chair", "is in the director's chair"
        elif n in v.cast_nouns or (n in PARTS_OF_A_BODY and any(word(t) in CAST_BODIES for t in noun.subtree)):
            given.add(CAST)
    if lemma == "cast" and verb.dep_ == "acl":
        given.add(CAST)  # "X, cast in Y,"
    elif lemma in v.cast_verbs and lemma not in v.needs_cast_object and lemma != "cast":
        if not (lemma == "play" and not objects and not as_nouns and not _prepositional(verb, ("in",))):
            given.add(CAST)
    elif lemma in v.headline_verbs and any(o.pos_ == "PROPN" or word(o) in PRODUCTION_NOUNS | CAST_BODIES
                                           for o in objects) and not as_lemmas & (v.crew_nouns | v.director_nouns) and not any(
            (c.dep_ == "xcomp" or _infinitive(c)) and c.pos_ == "VERB" for c in verb.children):
        given.add(CAST)  # "X boards Z"; not "X joins Z as a producer", "X boards Z to direct"
    elif lemma == "sign" and "on" in particles and not as_lemmas - v.cast_nouns and any(  # "signs on to Z"; not "as adviser"
            n.pos_ == "PROPN" or word(n) in PRODUCTION_NOUNS
            for n in _prepositional(verb, ("to", "for")) + [g for c in verb.children if c.lower_ == "on"
                                                            for g in _prepositional(c, ("to", "for"))]):
        given.add(CAST)
    elif not given and lemma in v.choose_verbs and (verb.dep_ != "relcl" or any(
            c.dep_ == "nsubjpass" and c.lower_ in ("who", "that") for c in verb.children)) and \
            any(c.dep_ == "nsubjpass" for c in verb.children) \
            and not any(c.dep_ == "xcomp" or _infinitive(c) for c in verb.children):  # "tapped to direct"
        given.add(CAST)  # "X is confirmed for Y", "X has been cast"
    found.roles |= given
    if not given:  # this verb said nothing of a role: what it is about is no production
        return
    characters = lemma in v.character_verbs  # their object is a character, not a production
    found.productions += [o for o in objects if word(o) not in v.cast_nouns | v.director_nouns and not characters
                          and o.text != PERSON_STAND_IN and person not in o.subtree] + \
        _prepositional(verb, ("in", "for", "of", "on"))
    for noun in nouns:
        found.productions += _prepositional(noun, ("in", "of", "for"))


def _a_time(token: Token) -> bool:
    """"19 March", "Monday", "the 3rd": a date or a day, as a preposition's object."""
    return token.ent_type_ in ("DATE", "TIME") or token.like_num or any(c.like_num for c in token.children) or \
        token.lower_ in calendar_words()


def _lemma(verb: Token) -> str:
    """The verb's lemma, joining "co - direct" split by the tokenizer; "direct" for the idiom
    "call the shots"."""
    lemma = verb.lemma_.lower()
    if lemma == "call" and any(c.dep_ == "dobj" and c.lower_ == "shots" for c in verb.children):
        return "direct"  # "to call the shots on Z"
    if verb.pos_ == "NOUN" and lemma.endswith("ing"):
        lemma = verb.lower_.removesuffix("ing")  # "with X directing" parsed as a noun
    if lemma == "co" and verb.i + 2 < len(verb.doc) and verb.nbor(1).text == "-":
        return "co-" + verb.nbor(2).lemma_.lower()
    if lemma.startswith("co") and lemma not in role_verbs():
        # "codirected": the lemmatizer does not know the joined form
        stems = [verb.lower_.removesuffix(end) for end in ("ing", "ed", "s") if verb.lower_.endswith(end)]
        return next((stem for stem in stems if stem in role_verbs()), lemma)
    return lemma


@lru_cache(maxsize=1)
@lru_cache(maxsize=1)
def role_verbs() -> frozenset[str]:
    """Verbs that give a part or the direction ("star", "play", "direct")."""
    v = vocabulary()
    return v.cast_verbs | v.director_verbs


@lru_cache(maxsize=1)
def role_nouns() -> frozenset[str]:
    """Nouns that say what a person is on a production ("actress", "director", "producer")."""
    v = vocabulary()
    return v.cast_nouns | v.director_nouns | v.other_nouns


def _object_role(found: Finding, verb: Token, person: Token, lemma: str) -> None:
    v = vocabulary()
    clause = verb
    while clause.dep_ == "conj" and clause.head.pos_ == "VERB":  # "Z, starring A and directed by X": both describe Z
        clause = clause.head
    if clause.dep_ in ("acl", "relcl") and clause.head.text != PERSON_STAND_IN and (
            clause.head.pos_ == "PROPN" or word(clause.head) in PRODUCTION_NOUNS):
        found.productions.append(clause.head)  # "the comedy Z, directed by X": X's role is in Z; not "the launch that carries X"
    prep = person.head.lower_ if person.dep_ == "pobj" else ""
    if any(c.dep_ == "neg" for c in verb.children):
        return
    if person.dep_ == "pobj" and person.head.dep_ == "agent":
        told = verb
        while told.dep_ == "conj" and not any(c.dep_ in SUBJECT_DEPS for c in told.children):
            told = told.head  # "Z is produced by A and will be directed by X": Z is what both verbs tell of
        found.productions += [c for c in told.children if c.dep_ == "nsubjpass" and c.text != PERSON_STAND_IN
                              and _names_a_work(c)]
        if lemma in HOLD_VERBS and any(c.lower_ in EARLIER for c in verb.children if c.dep_ == "advmod"):
            found.roles.add(REMOVED)  # "the role, previously held by X, has gone to Y"
        elif lemma in v.director_verbs:
            found.roles.add(DIRECTOR)
        elif any(c.dep_ == "nsubjpass" and word(c) in CAST_BODIES for c in verb.children) or (
                verb.dep_ == "acl" and word(verb.head) in CAST_BODIES):
            found.roles.add(CAST)  # "the cast is headed by X", "the ensemble is completed by A and B", "its cast, led by X"
        elif lemma in v.leave_verbs and lemma not in ("continue", "step", "drop", "pull"):
            found.roles.add(REMOVED)  # "the role vacated by X"
        elif lemma in v.character_verbs or lemma in FEATURE_VERBS or (
                lemma in v.headline_verbs and lemma not in ("join", "lead")):
            found.roles.add(CAST)  # "played by X", "Z, headlined by X"
        elif lemma in v.replace_verbs:
            as_lemmas = {word(n) for n in _prepositional(verb, ("as",))}
            found.roles.add(DIRECTOR if as_lemmas & v.director_nouns or _about_direction(verb.doc) else CAST)
        return
    if lemma == "join" and person.dep_ == "dobj" and any(word(n) in CAST_BODIES for n in _in_phrases(verb)):
        found.roles.add(CAST)  # "A and B have joined X in the cast of Z": X is in it
        found.productions += [g for n in _in_phrases(verb) for g in _prepositional(n, ("of", "for"))]
        return
    if lemma == "join" and person.dep_ == "dobj" and any(
            word(n) in PRODUCTION_NOUNS for n in _in_phrases(verb)):  # (the parser's copy calls Z "the film")
        found.roles.add(CAST)  # "A and B join X and Y in Z": X and Y are in it too
        found.productions += _in_phrases(verb)
        return
    if lemma in v.character_verbs and prep not in ("opposite", "alongside"):
        return  # "plays Nell Garrity": a character, not a person of the cast (but "plays Y opposite X")
    if lemma in REMOVE_VERBS and person.dep_ == "dobj" and _out_of(verb):
        found.roles.add(REMOVED)  # "fired X from Z", "wrote X out of the series"
        return
    if lemma in v.replace_verbs and person.dep_ == "dobj":
        if _replaced_director(verb):
            found.left_direction = True  # "replaced Z director X with Y", "replaced X as director"
            return
        if not _about_direction(verb.doc):
            found.roles.add(REMOVED)
        return
    if prep in ("with", "alongside") and lemma in v.director_verbs:
        found.roles.add(DIRECTOR)  # "will co-direct Z with X"
        return
    if prep == "with" and lemma.startswith("co") and lemma in v.director_verbs | v.cast_verbs:
        found.roles.add(DIRECTOR if lemma in v.director_verbs else CAST)  # "will co-direct Z with X"
        return
    if prep == "with" and lemma in CAST_GROWING and any(
            c.dep_ == "dobj" and word(c) in CAST_BODIES for c in verb.children):
        found.roles.add(CAST)  # "bolstered the Z cast with X" (the phrase parsed on the verb)
        return
    if prep == "with" and (role := _with_role(person)):
        found.roles.add(role)  # in what the clause's subject names: "Z opens on 3 May, with X in the lead"
        # or in what it is shooting: "the studio has begun shooting Z, with X in the lead"
        shot = [c for c in verb.children if c.dep_ == "dobj" and (c.pos_ == "PROPN" or word(c) in PRODUCTION_NOUNS)]
        described = [verb.head] if verb.dep_ in ("acl", "relcl") else []  # "a drama shot in Oslo, with X in the lead"
        found.productions = shot or described or next(
            ([c for c in t.children if c.dep_ in SUBJECT_DEPS] for t in (verb, verb.head)
             if any(c.dep_ in SUBJECT_DEPS for c in t.children)), [])
        return
    if lemma == "have" and person.dep_ == "dobj" and any(_directing_place(c) for c in verb.children if c.dep_ == "prep"):
        found.roles.add(DIRECTOR)  # "Z has X in the director's chair", "Z has X at the helm"
        found.productions += [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
        return
    if lemma in v.replace_verbs and prep == "with":
        found.roles.add(DIRECTOR if _replaced_director(verb) else CAST)
        return
    if (prep == "from" and lemma in ("take", "inherit")) or (prep == "for" and lemma == "step"):
        if not _about_direction(verb.doc):
            found.roles.add(REMOVED)  # "took over the lead from X", "Y steps in for X"
        return
    if prep == "alongside" and any(word(n) in v.director_nouns for n in [*person.ancestors][:6] + [
            c for c in verb.children if c.dep_ in ("oprd", "dobj", "attr")]):
        found.roles.add(DIRECTOR)  # "named X co-director of Z alongside Y": Y directs too
        return
    if prep == "alongside" and lemma not in v.cast_verbs:
        return  # "will shoot the film alongside X": X works with them, maybe behind the camera
    if prep in ("opposite", "alongside") or (lemma in FEATURE_VERBS and person.dep_ == "dobj"):
        found.roles.add(CAST)
        if lemma in FEATURE_VERBS and person.dep_ == "dobj":  # "Z will star X": X's role is in Z (not "A stars alongside X")
            found.productions += [c for c in verb.children if c.dep_ in SUBJECT_DEPS and c.pos_ != "PRON"]
            if verb.dep_ == "advcl":  # "will direct the drama Z, starring X"
                found.productions += [c for c in verb.head.children if c.dep_ == "dobj"]
            before = next((t for t in reversed(verb.doc[verb.sent.start:verb.i]) if not t.is_punct), None)
            if verb.tag_ == "VBG" and before is not None and before.pos_ == "PROPN" and before.text != PERSON_STAND_IN \
                    and before.i < verb.i - 1 and all(t.text in ",'’\"”" for t in verb.doc[before.i + 1:verb.i]):
                found.productions.append(before)  # "a chamber drama, 'Cold Lantern', starring X": what it names
        found.productions += _prepositional(verb, ("in", "for"))
        return
    if lemma in GIVE_VERBS and prep == "to" and any(word(o) == "rein" and (
            {word(c) for c in o.children} & {"directing", "directorial"} or _about_direction(verb.doc))
            for o in verb.children if o.dep_ == "dobj"):
        found.roles.add(DIRECTOR)  # "has handed the directing reins of Z to X"
        found.productions += [g for o in verb.children if o.dep_ == "dobj" for g in _prepositional(o, ("of", "on"))]
        return
    if lemma in GIVE_VERBS and prep == "to" and any(word(o) in v.cast_nouns for o in verb.children if o.dep_ == "dobj"):
        found.roles.add(CAST)  # "has given the role of the engineer to X"
        found.productions += _prepositional(verb, ("in", "for")) + [
            g for o in verb.children if o.dep_ == "dobj" for g in _prepositional(o, ("in", "for"))]
        return
    if lemma in GOES_TO and prep == "to":  # "the lead went to X", "the direction of Z falls to X"
        subject = [t for c in verb.children if c.dep_ in SUBJECT_DEPS for t in c.subtree]
        if [t.lower_ for t in subject] == ["it"]:  # "the role has been recast; it went to X": what "it" stands for
            subject = [t for t in verb.sent if t.i < verb.i and t.dep_ in SUBJECT_DEPS
                       and t.pos_ == "NOUN"][:1]
        if any(word(t) in v.director_nouns for t in subject if t.dep_ in SUBJECT_DEPS):
            found.roles.add(DIRECTOR)
        elif any(word(t) in v.cast_nouns for t in subject):
            found.roles.add(CAST)
        return

    as_phrase = _prepositional(verb, ("as",))
    if any(word(c) in BACKUP or hyphenated(c) in BACKUP for n in as_phrase for c in [n, *n.children]):
        found.roles.add(OTHER)  # "named X as the flight's backup crew member"
        found.backup = True
        return
    if lemma in INCLUDE_VERBS and person.dep_ == "dobj" and (any(
            c.dep_ in SUBJECT_DEPS and word(c) in CAST_BODIES for c in verb.children) or (
            verb.dep_ == "relcl" and word(verb.head) in CAST_BODIES)):  # "... leads a cast that includes X"
        found.roles.add(CAST)  # "the cast of Z includes X"
        found.productions += [g for c in verb.children if c.dep_ in SUBJECT_DEPS for g in _prepositional(c, ("of",))]
        return
    if lemma in v.choose_verbs and person.dep_ == "dobj":
        for_nouns = {word(n) for n in _prepositional(verb, ("for", "as", "to"))}
        if lemma in ("sign", "rope", "add") and not for_nouns & v.director_nouns and any(
                n.pos_ == "PROPN" or word(n) in PRODUCTION_NOUNS for n in _prepositional(verb, ("for", "to"))):
            found.roles.add(CAST)  # "signed X for Z": a performer, unless the sentence names another role
            return
        # "the rival production Z has cast X": the role is in what the subject names
        found.productions += [c for c in verb.children if c.dep_ == "nsubj" and (word(c) in PRODUCTION_NOUNS or any(
            g.dep_ in ("compound", "appos") and word(g) in PRODUCTION_NOUNS for g in c.children))]
        if for_nouns & v.director_nouns:
            found.roles.add(DIRECTOR)
        elif lemma == "cast" or for_nouns & v.cast_nouns or any(
                word(t) in v.cast_nouns for n in _prepositional(verb, ("for", "as")) for t in n.subtree):
            found.roles.add(CAST)


def prepositional(token: Token, preps: tuple[str, ...]) -> list[Token]:
    """The objects of `token`'s prepositions among `preps` ("in" -> the nouns of its in-phrases)."""
    return _prepositional(token, preps)


def _prepositional(token: Token, preps: tuple[str, ...]) -> list[Token]:
    return [g for c in token.children if c.dep_ == "prep" and c.lower_ in preps for g in c.children
            if g.dep_ == "pobj"]
