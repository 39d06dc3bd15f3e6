"""An article's text as deduplication measures it: words, word shingles, a MinHash, key terms.

`Signature` is what a worker process computes once per article and the database keeps
(`Article.signature`), so the dedup index is rebuilt without reading or tokenising any text.
Format SWS2 adds the text's named entities (`analysis.entities`) for the story layer; SWS1
signatures, stored before, still read (with no entities: the story layer then judges those
articles on key terms alone, as before). An SWS2 signature may end with one more line: the day
its lede says the event happened (`analysis.events.event_mention`); without it, none is known.
"""
from __future__ import annotations

import hashlib
import math
import re
import struct
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from analysis.datafiles import read_data
from analysis.entities import entities as named_entities
from analysis.events import event_mention

NUM_PERM = 128
SHINGLE_WORDS = 3
MAX_WORDS = 3000        # a 300 KB page of comments costs no more than a long article
MAX_CHARS = 15 * MAX_WORDS
MIN_WORDS = 25          # below this a text is a title and a line: too little to compare
MAX_TERMS = 40          # key terms kept per article for the story layer
MIN_TERM_LENGTH = 3
MINHASH_SEED = 1
FORMAT = b"SWS2"
HEADER = struct.Struct("<4sHHIIH")  # format, num_perm, terms, shingles, words, entities
OLD_FORMAT = b"SWS1"
OLD_HEADER = struct.Struct("<4sHHII")  # as SWS2 without entities

WORD = re.compile(r"\w+(?:['’]\w+)*")
LETTERS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Signature:
    """MinHash values of the text's word shingles, with the counts needed to read them, the
    text's key terms (most frequent content words first) with their frequencies, and its named
    entities (`analysis.entities.entity_key` keys, most named first) with theirs."""

    hashvalues: np.ndarray  # uint32[NUM_PERM]
    shingles: int
    words: int
    terms: tuple[str, ...]
    counts: tuple[int, ...]
    entities: tuple[str, ...] = ()
    entity_counts: tuple[int, ...] = ()
    named: bool = True  # False for an SWS1 signature, stored before entities were read
    event: str = ""     # `analysis.events.event_mention` of the text ("" when none, or stored before)

    def to_bytes(self) -> bytes:
        names = "\n".join(self.terms + self.entities + ((self.event,) if self.event else ())).encode("utf-8")
        return b"".join((HEADER.pack(FORMAT, len(self.hashvalues), len(self.terms), self.shingles, self.words,
                                     len(self.entities)),
                         self.hashvalues.astype("<u4").tobytes(), bytes(min(c, 255) for c in self.counts),
                         bytes(min(c, 255) for c in self.entity_counts), names))

    @classmethod
    def from_bytes(cls, data: bytes) -> "Signature":
        """Raises ValueError naming what is wrong when `data` is no signature of this format
        (or of the SWS1 format before it)."""
        if len(data) >= HEADER.size and data[:4] == FORMAT:
            _, perms, nterms, shingles, words, nentities = HEADER.unpack_from(data)
            start = HEADER.size
        elif len(data) >= OLD_HEADER.size and data[:4] == OLD_FORMAT:
            _, perms, nterms, shingles, words = OLD_HEADER.unpack_from(data)
            nentities, start = 0, OLD_HEADER.size
        else:
            raise ValueError(f"not a {FORMAT.decode()} signature ({len(data)} bytes)")
        end = start + 4 * perms
        if len(data) < end + nterms + nentities:
            raise ValueError(f"truncated signature: {len(data)} bytes")
        hashvalues = np.frombuffer(data, dtype="<u4", count=perms, offset=start).astype(np.uint32)
        counts = tuple(data[end:end + nterms])
        entity_counts = tuple(data[end + nterms:end + nterms + nentities])
        tail = data[end + nterms + nentities:]
        names = tail.decode("utf-8").split("\n") if tail or nterms + nentities else []
        event = names.pop() if len(names) == nterms + nentities + 1 and data[:4] == FORMAT else ""
        if len(names) != nterms + nentities:
            raise ValueError(f"truncated signature: {nterms + nentities} names announced, {len(names)} found")
        return cls(hashvalues, shingles, words, tuple(names[:nterms]), counts, tuple(names[nterms:nterms + nentities]),
                   entity_counts, named=data[:4] == FORMAT, event=event)


def fold(text: str) -> str:
    """The start of `text` as words are read from it: NFKC, case-folded, typographic apostrophes
    made plain (which changes no run of letters, so `content_terms` reads the same from it)."""
    return unicodedata.normalize("NFKC", text[:MAX_CHARS]).casefold().replace("’", "'")


def words(text: str, folded: str | None = None) -> list[str]:
    """Case-folded words of `text`, at most MAX_WORDS of them, with typographic variants folded."""
    return WORD.findall(fold(text) if folded is None else folded)[:MAX_WORDS]


def shingles(tokens: list[str], size: int = SHINGLE_WORDS) -> set[bytes]:
    if len(tokens) < size:
        return {" ".join(tokens).encode("utf-8")} if tokens else set()
    if size == 3:  # the signature's size, without a slice and a join for each
        return {f"{a} {b} {c}".encode("utf-8") for a, b, c in zip(tokens, tokens[1:], tokens[2:])}
    return {" ".join(tokens[i:i + size]).encode("utf-8") for i in range(len(tokens) - size + 1)}


@lru_cache(maxsize=1)
def _permutations() -> np.ndarray:
    return MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED).permutations


def sha1_32(items: set[bytes]) -> list[int]:
    """datasketch's default hash (`sha1_hash32`: the first 4 bytes of SHA-1, little-endian) of
    each item, read from the joined digests in one go rather than unpacked one by one."""
    sha1 = hashlib.sha1
    digests = b"".join([sha1(item).digest() for item in items])
    return np.frombuffer(digests, dtype="<u4")[::5].tolist()  # a SHA-1 digest is 5 words


def _identity(value: int) -> int:
    return value


def minhash(items: set[bytes]) -> MinHash:
    """The MinHash of `items`, the same values as hashing them with datasketch's default."""
    sketch = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, permutations=_permutations(), scheme="affine32",
                     hashfunc=_identity)
    if items:
        sketch.update_batch(sha1_32(items))
    return sketch


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    text = read_data("stopwords.txt")
    return frozenset(word for line in text.splitlines() if not line.lstrip().startswith("#")
                     for word in line.split())


def content_terms(text: str, limit: int | None = None, folded: str | None = None) -> Counter[str]:
    """Counts of the words that can tell one story from another: letters only, no stopwords."""
    stop = stopwords()
    found = LETTERS.findall(fold(text) if folded is None else folded)
    if limit is not None:
        found = found[:limit]
    return Counter(word for word in found if len(word) >= MIN_TERM_LENGTH and word not in stop)


def term_weight(count: int) -> float:
    """Sublinear term frequency: the tenth mention of a name says less than the first."""
    return 1.0 + math.log(count) if count > 0 else 0.0


def compute(text: str) -> Signature | None:
    """The signature of `text`, or None when it is too short to compare with anything."""
    folded = fold(text)
    tokens = words(text, folded)
    if len(tokens) < MIN_WORDS:
        return None
    items = shingles(tokens)
    top = content_terms(text, limit=MAX_WORDS, folded=folded).most_common(MAX_TERMS)
    names = named_entities(text[:MAX_CHARS]).most_common()
    return Signature(minhash(items).hashvalues.astype(np.uint32), len(items), len(tokens),
                     tuple(t for t, _ in top), tuple(c for _, c in top),
                     tuple(e for e, _ in names), tuple(c for _, c in names), event=event_mention(text))


def signature(text: str) -> bytes | None:
    """What the dedup index needs of a text (MinHash of its word shingles, key terms, entities),
    serialised for `Article.signature`; None for an empty or tiny text."""
    computed = compute(text)
    return computed.to_bytes() if computed is not None else None
