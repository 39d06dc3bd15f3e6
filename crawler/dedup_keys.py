"""What the database keeps so that deduplication looks articles up instead of loading them all.

Each stored article has rows in `dedup_keys` (kind, key, article_id), written in the same
transaction as the article: its URLs, its text hash, its 42 LSH band keys, the URLs a crawl
must not fetch again, and its story terms and entity words while they are rare. `dedup_counts`
keeps how many articles have each term and entity word (the story layer's IDF) and how many
articles have any (its N). A key is a 64-bit hash of the string it stands for (BLAKE2b); bands
are their own 64-bit LSH keys. The primary key (kind, key, article_id) is the index every
lookup uses, on SQLite (a WITHOUT ROWID table) and PostgreSQL alike.

A term's postings stop being written once MAX_DF articles have it: the story layer never asks
for a term that common (`analysis.stories.MAX_DF`), so those rows would only grow the table.
That bounds what one check reads, whatever the size of the database.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from analysis.shingles import NUM_PERM, Signature
from analysis.stories import MAX_DF, story_entities, story_terms
from analysis.urls import canonical_url, normalise_url, variant_key_of_normal
from crawler.lsh import BandIndex
from storage.models import Article, DedupCount, DedupKey

log = logging.getLogger(__name__)

# kinds of `dedup_keys` rows (and of `dedup_counts` rows: TERM and NAME, and ROWS for the totals)
ROWS, URL, VARIANT, HASH, BAND, TERM, NAME, KNOWN = range(8)
LSH_BANDS, LSH_ROWS = 42, 3      # S-curve midpoint (1/42)**(1/3) = 0.29: P(candidate) 0.79 at J=0.33, 0.996 at J=0.5
EMPTY_TEXT_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"  # sha256 of ""
BACKFILL_CHUNK = 2000

KEYS = DedupKey.__table__
COUNTS = DedupCount.__table__
ARTICLES = Article.__table__
_BANDS = BandIndex(LSH_BANDS, LSH_ROWS, NUM_PERM)
_COUNTS_OF = text("SELECT kind, key, count FROM dedup_counts WHERE kind IN (:rows, :term, :name) AND key IN :keys"
                  ).bindparams(bindparam("keys", expanding=True))
_KNOWN = text("SELECT DISTINCT key FROM dedup_keys WHERE kind = :kind AND key IN :keys AND article_id <= :up_to"
              ).bindparams(bindparam("keys", expanding=True))


@lru_cache(maxsize=50_000)
def key_of(value: str) -> int:
    """The 64-bit key a string is stored under (signed, as SQL integers are)."""
    digest = hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def band_keys(hashvalues: np.ndarray) -> list[int]:
    """The LSH band keys of one MinHash, as signed 64-bit integers."""
    return _BANDS.band_keys(hashvalues.reshape(1, -1))[0].view(np.int64).tolist()


def title_key(title: str | None) -> str:
    return " ".join((title or "").casefold().split())


def hash_key(text_hash: str, text: str | None, has_signature: bool, title: str | None) -> str | None:
    """Texts long enough to compare match on their hash; a title and a line match only
    together with the same title (one line such as "Subscribe to read" is no article)."""
    if not text_hash or text_hash == EMPTY_TEXT_HASH or (text is not None and not text.strip()):
        return None
    return text_hash if has_signature else f"{text_hash} {title_key(title)}"


def parse_signature(data: bytes | None, what: object) -> Signature | None:
    """The signature of article `what` (an id or URL, for the warning), None when it has none."""
    if not data:
        return None
    try:
        return Signature.from_bytes(bytes(data))
    except ValueError as exc:  # an old or damaged signature: the article still takes part by URL and hash
        log.warning("article %s: unreadable dedup signature: %s", what, exc)
        return None


def cleaned_url(url: str) -> str | None:
    try:
        return canonical_url(url, None)
    except Exception:  # a link too broken to canonicalise is simply not known
        return None


@dataclass
class ArticleKeys:
    """The keys of one article: looked up as they are, and counted (terms and entity words)."""

    lookups: set[tuple[int, int]] = field(default_factory=set)
    terms: list[int] = field(default_factory=list)
    names: list[int] = field(default_factory=list)


def article_keys(url: str, canonical: str, text_hash: str, title: str | None, sig: Signature | None) -> ArticleKeys:
    """Every key of a stored article (`canonical` as stored: normalised already)."""
    keys = ArticleKeys()
    urls = {canonical, normalise_url(url)}
    keys.lookups.update((URL, key_of(u)) for u in urls)
    keys.lookups.update((VARIANT, key_of(variant_key_of_normal(u))) for u in urls)
    seen = {url, canonical} | {c for c in (cleaned_url(url), cleaned_url(canonical)) if c}
    keys.lookups.update((KNOWN, key_of(u)) for u in seen)
    hashed = hash_key(text_hash, None, sig is not None, title)
    if hashed:
        keys.lookups.add((HASH, key_of(hashed)))
    if sig is not None:
        keys.lookups.update((BAND, k) for k in band_keys(sig.hashvalues))
        keys.terms = [key_of(t) for t in story_terms(sig.terms, sig.counts, title or "")]
        if sig.entities:
            keys.names = [key_of(n) for n in story_entities(sig.entities, sig.entity_counts, title or "")]
    return keys


def _counted(keys: ArticleKeys) -> list[tuple[int, int]]:
    counted = [(TERM, t) for t in keys.terms] + [(NAME, n) for n in keys.names]
    if keys.terms:
        counted.append((ROWS, TERM))
    if keys.names:
        counted.append((ROWS, NAME))
    return counted


def write_keys(connection: Session | Connection, article_id: int, keys: ArticleKeys) -> dict[tuple[int, int], int]:
    """Store the keys of article `article_id` (in the caller's transaction, under the ingest
    lock: counts are read, then written); returns the counts it set."""
    rows = [{"kind": kind, "key": key, "article_id": article_id} for kind, key in keys.lookups]
    counted = _counted(keys)
    counts: dict[tuple[int, int], int] = {}
    if counted:
        found = connection.execute(_COUNTS_OF, {"rows": ROWS, "term": TERM, "name": NAME,
                                                "keys": sorted({key for _, key in counted})})
        counts = {(kind, key): count for kind, key, count in found}
        rows.extend({"kind": kind, "key": key, "article_id": article_id} for kind, key in counted
                    if kind != ROWS and counts.get((kind, key), 0) < MAX_DF)
        new = [{"kind": kind, "key": key, "count": 1} for kind, key in counted if (kind, key) not in counts]
        old = [{"k": kind, "v": key} for kind, key in counted if (kind, key) in counts]
        if new:
            connection.execute(insert(COUNTS), new)
        if old:
            connection.execute(update(COUNTS).where(COUNTS.c.kind == bindparam("k"), COUNTS.c.key == bindparam("v"))
                               .values(count=COUNTS.c.count + 1), old)
    if rows:
        connection.execute(insert(KEYS), rows)
    return {(kind, key): counts.get((kind, key), 0) + 1 for kind, key in counted}


def backfill(connection: Connection, after: int = 0) -> int:
    """Write the keys of the stored articles with ids above `after` (a migration's data step:
    all of them), in id order, as `write_keys` would have one by one; returns how many."""
    columns = (ARTICLES.c.id, ARTICLES.c.url, ARTICLES.c.canonical_url, ARTICLES.c.text_hash, ARTICLES.c.title,
               ARTICLES.c.signature)
    counts: dict[tuple[int, int], int] = {}
    for kind, key, count in connection.execute(select(COUNTS.c.kind, COUNTS.c.key, COUNTS.c.count)):
        counts[(kind, key)] = count
    before = dict(counts)
    done, last = 0, after
    while True:  # pages by id, each read whole before writing (no cursor open across the writes)
        page = select(*columns).where(ARTICLES.c.id > last).order_by(ARTICLES.c.id).limit(BACKFILL_CHUNK)
        chunk = connection.execute(page).all()
        if not chunk:
            break
        last = chunk[-1].id
        out = []
        for row in chunk:
            keys = article_keys(row.url, row.canonical_url, row.text_hash, row.title,
                                parse_signature(row.signature, row.id))
            out.extend({"kind": kind, "key": key, "article_id": row.id} for kind, key in keys.lookups)
            for kind, key in _counted(keys):
                if kind != ROWS and counts.get((kind, key), 0) < MAX_DF:
                    out.append({"kind": kind, "key": key, "article_id": row.id})
                counts[(kind, key)] = counts.get((kind, key), 0) + 1
        if out:
            connection.execute(insert(KEYS), out)
        done += len(chunk)
    new = [{"kind": kind, "key": key, "count": count} for (kind, key), count in counts.items()
           if (kind, key) not in before]
    changed = [{"k": kind, "v": key, "n": count} for (kind, key), count in counts.items()
               if (kind, key) in before and before[(kind, key)] != count]
    for start in range(0, len(new), 10_000):
        connection.execute(insert(COUNTS), new[start:start + 10_000])
    if changed:
        connection.execute(update(COUNTS).where(COUNTS.c.kind == bindparam("k"), COUNTS.c.key == bindparam("v"))
                           .values(count=bindparam("n")), changed)
    return done


def stored_urls(factory: sessionmaker[Session]) -> Callable[[Iterable[str]], set[str]]:
    """A lookup: which of some URLs belong to articles stored when it was made (as linked, as
    declared canonical, or cleaned of tracking parameters), one indexed query per batch."""
    with factory() as session:
        up_to = session.scalar(select(func.max(ARTICLES.c.id))) or 0

    def lookup(urls: Iterable[str]) -> set[str]:
        by_key: dict[int, set[str]] = {}
        for url in urls:
            for form in {url, cleaned_url(url)} - {None}:
                by_key.setdefault(key_of(form), set()).add(url)
        if not by_key or not up_to:
            return set()
        with factory() as session:
            found = session.execute(_KNOWN, {"kind": KNOWN, "keys": sorted(by_key), "up_to": up_to}).scalars()
            return {url for key in found for url in by_key[key]}
    return lookup
