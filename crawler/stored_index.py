"""The dedup index the database answers: `crawler.dedup.Judge`'s layers over indexed lookups.

Why lookups rather than an index in memory: every crawl runs in a process of its own, which
rebuilt the whole index from every stored article before fetching anything (14-16 s and
~500 MB at 100,000 stored, paid on every poll). Here nothing is loaded ahead. A check reads,
through the primary-key index of `dedup_keys` (see `crawler.dedup_keys`):
- the first article stored under each of the new article's URLs, variant keys and text hash;
- the articles sharing one of its 42 LSH bands (at most MAX_BUCKET a band, as in memory);
- the postings of its rare key terms and entity words (document frequency at most the story
  layer's cap, at most `analysis.stories.MAX_DF`), their document frequencies and totals from
  `dedup_counts`;
then only the candidates' signatures. Each of these is bounded whatever the number stored (the
story layer's cap on a term's document frequency stops growing at 40,000 articles), and what
other processes committed is seen as soon as the check's transaction can see it.

The scores are the in-memory index's, computed the same way (the TF-IDF weights of
`analysis.stories.TermIndex` with the document frequencies read from `dedup_counts`):
tests/crawler/test_stored_index.py holds the two to the same verdicts. What a process reads
and may read again (candidates, document frequencies) is kept in a bounded `ReadCache`.
"""
from __future__ import annotations

import math
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, Insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

from analysis.events import event_day
from analysis.shingles import Signature
from analysis.stories import (CANDIDATES, IDF_STALENESS, MAX_DF, MAX_DF_SHARE, MIN_DF_CAP, TERM_WEIGHTS, Similar,
                              best_rows, idf, scaled_weight, story_entities, story_terms, term_weight)
from crawler.dedup import Candidate, Judge, days, time_weights
from crawler.dedup_keys import (ARTICLES, BAND, COUNTS, LSH_BANDS, NAME, ROWS, TERM, article_keys, band_keys,
                                key_of, parse_signature)
from crawler.lsh import MAX_BUCKET

MAX_CACHED_TERMS = 200_000   # bounds on `ReadCache` (~20 MB at most), whatever the vocabulary and the database
MAX_CACHED_ROWS = 4096   # stored articles kept as candidates (~6 KB each: ~25 MB at most)

# The plain reads of a check (integers, a URL, a story's first time, which `_timestamp` reads as
# each driver returns it), and the key rows it writes, go straight to the driver's cursor
# (`_Driver`), written with "?" marks. Each statement is built once a number of values.
def _marks(n: int) -> str:
    return ", ".join("?" * n)


@lru_cache(maxsize=256)
def _first_sql(kinds: int, keys: int) -> str:
    """The first article stored under each key, and what it copies, in one read."""
    return ("SELECT f.kind, f.key, f.first, a.duplicate_of_id FROM (SELECT kind, key, MIN(article_id) AS first "
            f"FROM dedup_keys WHERE kind IN ({_marks(kinds)}) AND key IN ({_marks(keys)}) GROUP BY kind, key) AS f "
            "JOIN articles AS a ON a.id = f.first")


_BANDS = " UNION ALL ".join(
    f"SELECT {band} AS band, article_id FROM (SELECT article_id FROM dedup_keys WHERE kind = {BAND} "
    f"AND key = ? ORDER BY article_id LIMIT {MAX_BUCKET}) AS b{band}" for band in range(LSH_BANDS))
_TOTALS = f"SELECT key, count FROM dedup_counts WHERE kind = {ROWS}"
_INSERT_KEYS = "INSERT INTO dedup_keys (kind, key, article_id) VALUES (?, ?, ?)"


@lru_cache(maxsize=512)
def _counts_sql(keys: int) -> str:
    return f"SELECT key, count FROM dedup_counts WHERE kind = ? AND key IN ({_marks(keys)})"


@lru_cache(maxsize=64)
def _story_starts_sql(stories: int) -> str:
    return f"SELECT story_id, MIN(published_at) FROM articles WHERE story_id IN ({_marks(stories)}) GROUP BY story_id"


_DESCRIBE = "SELECT story_id, canonical_url FROM articles WHERE id = ?"
_ROWS = select(ARTICLES.c.id, ARTICLES.c.canonical_url, ARTICLES.c.title, ARTICLES.c.published_at,
               ARTICLES.c.story_id, ARTICLES.c.duplicate_of_id, ARTICLES.c.signature)


_SCORED = ("WITH q (key, weight) AS (VALUES {pairs}) SELECT d.article_id, CAST(SUM(q.weight) AS BIGINT) AS score"
           "{dated} FROM q JOIN dedup_keys AS d ON d.kind = {kind} AND d.key = q.key{join} ")


@lru_cache(maxsize=256)
def _scored_sql(terms: int) -> str:
    """The articles with any of `terms` weighted postings (parameters: key and weight by turns,
    then their kind), by their summed weight (integers: an exact sum): the best
    CANDIDATES, ties to the earliest."""
    return _SCORED.format(pairs=_pairs(terms), dated="", kind="?", join="") + \
        f"GROUP BY d.article_id ORDER BY score DESC, d.article_id LIMIT {CANDIDATES}"


@lru_cache(maxsize=64)
def _scored_dated(terms: int) -> TextClause:
    """All the articles `_scored_sql` reads, with their publication time (the caller applies the
    time factor): through SQLAlchemy, which reads the time as each database stores it."""
    pairs = ", ".join(f"(CAST(:k{n} AS BIGINT), CAST(:w{n} AS BIGINT))" for n in range(terms))
    sql = _SCORED.format(pairs=pairs, dated=", a.published_at", kind=":kind",
                         join=" JOIN articles AS a ON a.id = d.article_id") + "GROUP BY d.article_id, a.published_at"
    return text(sql).columns(article_id=BigInteger, score=BigInteger, published_at=ARTICLES.c.published_at.type)


def _pairs(terms: int) -> str:
    return ", ".join(["(CAST(? AS BIGINT), CAST(? AS BIGINT))"] * terms)


class _Driver:
    """Reads and writes of plain values sent straight to the database driver's cursor, in the
    session's transaction: SQLAlchemy's statement cache and parameter handling cost more than
    SQLite takes to answer them (~0.1 ms each, seven reads a check, ~100 key rows an article)."""

    def __init__(self, session: Session) -> None:
        connection = session.connection()
        self._qmark = connection.dialect.paramstyle == "qmark"
        self._cursor = connection.connection.cursor()

    def rows(self, sql: str, params: Sequence[int] = ()) -> list[tuple[Any, ...]]:
        self._cursor.execute(sql if self._qmark else _format_marks(sql), params)
        return self._cursor.fetchall()

    def write(self, sql: str, rows: Sequence[Sequence[int]]) -> None:
        """`sql` once for each of `rows` (one executemany)."""
        self._cursor.executemany(sql if self._qmark else _format_marks(sql), rows)


@lru_cache(maxsize=1024)
def _format_marks(sql: str) -> str:
    return sql.replace("?", "%s")


@dataclass(frozen=True)
class _Loaded:
    candidate: Candidate
    terms: dict[str, int]   # key terms, empty when it has none
    names: dict[str, int]   # entity words, empty when it has none
    keys: dict[str, int]    # the key of each of its terms and entity words


class ReadCache:
    """What a process's checks read and may read again, kept across its transactions: stored
    articles as candidates (a row does not change once stored; those this process stores are
    kept as it stores them, not read back) and document frequencies. The frequencies
    this process writes are kept exact; when the totals show that others stored articles too,
    the frequencies are dropped, or from 1,000 articles on kept while the totals stay within
    IDF_STALENESS of those they were read at, as `analysis.stories.TermIndex` keeps its IDF
    values. Most of a candidate's terms are common words that every check meets again: read
    once, not once a check. A failed transaction must drop the cache (`Ingestor` does)."""

    def __init__(self) -> None:
        self.rows: OrderedDict[int, _Loaded] = OrderedDict()
        self._df: dict[int, dict[int, int]] = {TERM: {}, NAME: {}}
        self._expected: dict[int, int] = {}
        self._read_at: dict[int, int] = {}

    def df(self, kind: int, total: int) -> dict[int, int]:
        """Cached document frequencies of `kind` by key, now that `total` articles have such terms."""
        cached = self._df[kind]
        if total != self._expected.get(kind):  # others stored articles since
            at = self._read_at.get(kind, -1)
            if total < 1000 or abs(total - at) >= IDF_STALENESS * total:
                cached.clear()
                self._read_at[kind] = total
            self._expected[kind] = total
        if len(cached) > MAX_CACHED_TERMS:
            cached.clear()
        return cached

    def wrote(self, counted: Iterable[tuple[int, int]]) -> None:
        """This process counted one more article under each of these (kind, key)s (its own
        article's terms, and the totals)."""
        for kind, key in counted:
            if kind != ROWS:
                cached = self._df[kind]
                if key in cached:
                    cached[key] += 1
            elif key in self._expected:
                self._expected[key] += 1

    def remember(self, loaded: _Loaded) -> None:
        self.rows[loaded.candidate.id] = loaded
        if len(self.rows) > MAX_CACHED_ROWS:
            self.rows.popitem(last=False)


@dataclass
class _Pending:
    """The keys of the articles this transaction stored, written to the database together
    (`StoredIndex.flush`): one statement for all their keys and one for all their counts,
    rather than four an article. Until then the checks read them here besides the database."""

    rows: list[tuple[int, int, int]] = field(default_factory=list)  # (kind, key, article_id)
    articles: dict[tuple[int, int], list[int]] = field(default_factory=dict)  # (kind, key): article ids
    counts: Counter[tuple[int, int]] = field(default_factory=Counter)
    copies: dict[int, int | None] = field(default_factory=dict)   # article id: the article it copies
    published: dict[int, float] = field(default_factory=dict)     # article id: days

    def add(self, kind: int, key: int, article_id: int) -> None:
        self.rows.append((kind, key, article_id))
        self.articles.setdefault((kind, key), []).append(article_id)

    def scored(self, kind: int, weights: dict[int, int]) -> dict[int, int]:
        """The summed weights of the pending articles with any of these keys."""
        scores: Counter[int] = Counter()
        for key, weight in weights.items():
            for article_id in self.articles.get((kind, key), ()):
                scores[article_id] += weight
        return scores


class StoredIndex(Judge):
    """Stored articles as `session`'s transaction sees them; a row is an article id. Under the
    ingest lock nothing but this transaction stores meanwhile: the totals are read once. The
    keys of the articles it adds are written by `flush`, which must come before the commit."""

    def __init__(self, session: Session, cache: ReadCache | None = None) -> None:
        self.session = session
        self._cache = cache if cache is not None else ReadCache()
        self._totals: dict[int, int] | None = None   # as read, without this transaction's pending articles
        self._pending = _Pending()
        self._driver: _Driver | None = None

    @property
    def _db(self) -> _Driver:
        if self._driver is None:
            self._driver = _Driver(self.session)
        return self._driver

    def add(self, article_id: int, row: Mapping[str, Any]) -> None:
        """Index article `article_id`, just inserted as `row` in this transaction."""
        sig = parse_signature(row.get("signature"), article_id)
        keys = article_keys(row["url"], row["canonical_url"], row["text_hash"], row.get("title"), sig)
        if sig is not None:  # as `_load` would read it back: the checks after it in this crawl need not
            self._cache.remember(_loaded(article_id, row, sig))
        pending = self._pending
        for kind, key in keys.lookups:
            pending.add(kind, key, article_id)
        counted = [(TERM, key) for key in keys.terms] + [(NAME, key) for key in keys.names]
        for kind in (TERM, NAME):
            mine = [key for counted_kind, key in counted if counted_kind == kind]
            if mine:
                counts = self._counts_of(kind, mine)
                for key in mine:
                    if counts[key] < MAX_DF:  # a common term's postings are never asked for
                        pending.add(kind, key, article_id)
                counted.append((ROWS, kind))
        pending.counts.update(counted)
        self._cache.wrote(counted)
        pending.copies[article_id] = row.get("duplicate_of_id")
        pending.published[article_id] = days(row.get("published_at"))

    def flush(self) -> None:
        """Write the keys and counts of the articles added since the last flush."""
        pending = self._pending
        if pending.rows:
            self._db.write(_INSERT_KEYS, pending.rows)
        if pending.counts:
            counts = [{"kind": kind, "key": key, "count": n} for (kind, key), n in sorted(pending.counts.items())]
            self.session.execute(_upsert_counts(self.session.get_bind().dialect.name), counts)
        self._pending = _Pending()
        self._totals = None

    # -- what the layers ask ------------------------------------------------------------------

    def _roots(self, keys: list[tuple[int, str]]) -> dict[tuple[int, str], int]:
        hashed = {(kind, key_of(value)): (kind, value) for kind, value in keys}
        kinds, keyed = sorted({kind for kind, _ in keys}), sorted({key for _, key in hashed})
        firsts = {(kind, key): (first, copies) for kind, key, first, copies in self._db.rows(
            _first_sql(len(kinds), len(keyed)), [*kinds, *keyed]) if (kind, key) in hashed}
        pending = self._pending
        for key in hashed:
            mine = pending.articles.get(key)
            if mine and (key not in firsts or min(mine) < firsts[key][0]):
                firsts[key] = (min(mine), pending.copies[min(mine)])
        return {hashed[key]: copies or first for key, (first, copies) in firsts.items()}

    def _describe(self, root: int) -> tuple[int | None, str]:
        story_id, canonical_url = self._db.rows(_DESCRIBE, (root,))[0]
        return story_id, canonical_url

    def _near(self, hashvalues: np.ndarray) -> set[int]:
        keys = band_keys(hashvalues)
        found: dict[int, list[int]] = {}
        for band, article_id in self._db.rows(_BANDS, keys):
            found.setdefault(band, []).append(article_id)
        near: set[int] = set()
        for band, key in enumerate(keys):
            mine = self._pending.articles.get((BAND, key), [])
            near.update(sorted(found.get(band, []) + mine)[:MAX_BUCKET] if mine else found.get(band, []))
        return near

    def _similar(self, names: bool, query: dict[str, int], when: float | None = None) -> list[Similar]:
        kind = NAME if names else TERM
        total = self._total(kind)
        if not query or not total:
            return []
        weights, norm, df = self._query(kind, query, total)
        cap = min(MAX_DF, max(MIN_DF_CAP, int(MAX_DF_SHARE * total)))
        scaled = {key_of(term): scaled_weight(weight * idf(df[term], total))
                  for term, weight in weights.items() if df[term] <= cap}
        if not scaled:
            return []
        if when is None:
            found = self._db.rows(_scored_sql(len(scaled)), [*(n for pair in scaled.items() for n in pair), kind])
        else:
            params: dict[str, int] = {"kind": kind}
            for n, (key, weight) in enumerate(scaled.items()):
                params[f"k{n}"], params[f"w{n}"] = key, weight
            found = self.session.execute(_scored_dated(len(scaled)), params).all()
        pending = self._pending.scored(kind, scaled)
        hits = np.array([row[0] for row in found] + list(pending), dtype=np.int64)
        if not len(hits):
            return []
        scores = np.array([row[1] for row in found] + list(pending.values()), dtype=np.float64)
        if when is not None:
            published = [days(row[2]) for row in found] + [self._pending.published[row] for row in pending]
            scores = scores * time_weights(np.array(published, dtype=np.float64), when)
            keep = scores > 0
            hits, scores = hits[keep], scores[keep]
        similar = self._cosines(names, query, best_rows(hits, scores, CANDIDATES).tolist(), (weights, norm))
        return sorted(similar.values(), key=lambda s: -s.cosine)

    def _cosines(self, names: bool, query: dict[str, int], rows: list[int],
                 weighted: tuple[dict[str, float], float] | None = None) -> dict[int, Similar]:
        kind = NAME if names else TERM
        total = self._total(kind)
        if not query or not total:
            return {}
        weights, norm = weighted if weighted is not None else self._query(kind, query, total)[:2]
        loaded = self._load(rows)
        vectors = {row: (loaded[row].names if names else loaded[row].terms, loaded[row].keys)
                   for row in rows if row in loaded}
        df = self._counts_of(kind, (keys[term] for vector, keys in vectors.values() for term in vector))
        idfs = {key: idf(count, total) for key, count in df.items()}
        out = {}
        for row, (vector, keys) in vectors.items():
            if not vector:
                continue
            similar = _similarity(idfs, weights, norm, row, vector, keys)
            if similar is not None:
                out[row] = similar
        return out

    def _candidates(self, rows: set[int]) -> dict[int, Candidate]:
        return {row: loaded.candidate for row, loaded in self._load(rows).items()}

    def _story_starts(self, stories: set[int]) -> dict[int, float]:
        # read each time, not cached: a story's first report may be stored after its later ones
        return {story: days(_timestamp(first)) for story, first in self._db.rows(
            _story_starts_sql(len(stories)), sorted(stories)) if first is not None}

    # -- reading ------------------------------------------------------------------------------

    def _load(self, rows: Iterable[int]) -> dict[int, _Loaded]:
        """What the layers read of these articles (from the cache when it has them)."""
        rows = list(rows)
        cached = self._cache.rows
        missing = sorted(set(rows) - set(cached))
        if missing:
            for row in self.session.execute(_ROWS.where(ARTICLES.c.id.in_(missing))):
                sig = parse_signature(row.signature, row.id)
                if sig is not None:
                    self._cache.remember(_loaded(row.id, row._mapping, sig))
        return {row: cached[row] for row in rows if row in cached}

    def _total(self, kind: int) -> int:
        """How many stored articles have key terms (TERM) or entity words (NAME)."""
        if self._totals is None:
            self._totals = dict(self._db.rows(_TOTALS))
        return self._totals.get(kind, 0) + self._pending.counts[(ROWS, kind)]

    def _counts_of(self, kind: int, keys: Iterable[int]) -> dict[int, int]:
        """The document frequencies of these keys (of `kind`), read when they are not cached."""
        cached = self._cache.df(kind, self._total(kind))
        out: dict[int, int] = {}
        missing = []
        for key in keys:
            df = cached.get(key)
            if df is None:
                missing.append(key)
            else:
                out[key] = df
        if missing:
            keys = sorted(set(missing))
            found = dict(self._db.rows(_counts_sql(len(keys)), [kind, *keys]))
            pending = self._pending.counts
            for key in missing:
                cached[key] = out[key] = found.get(key, 0) + pending[(kind, key)]
        return out

    def _counts(self, kind: int, terms: Iterable[str]) -> dict[str, int]:
        """The document frequencies of `terms` (of `kind`)."""
        keyed = {term: key_of(term) for term in terms}
        counts = self._counts_of(kind, keyed.values())
        return {term: counts[key] for term, key in keyed.items()}

    def _query(self, kind: int, query: dict[str, int], total: int) -> tuple[dict[str, float], float, dict[str, int]]:
        """The weights of the query's stored terms, the norm of the whole query, its terms' frequencies."""
        df = self._counts(kind, query)
        weights: dict[str, float] = {}
        norm = 0.0
        for term, count in query.items():
            weight = term_weight(count) * idf(df[term], total)
            norm += weight * weight
            if df[term]:
                weights[term] = weight
        return weights, math.sqrt(norm), df


def _timestamp(value: datetime | str) -> datetime:
    """A time as the driver returns it: a datetime (PostgreSQL), or SQLite's text of one."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _loaded(article_id: int, row: Mapping[str, Any], sig: Signature) -> _Loaded:
    """What the layers read of a stored article: its `row` (as `_ROWS` reads it) and signature."""
    title, published = row.get("title") or "", days(row.get("published_at"))
    terms = story_terms(sig.terms, sig.counts, title)
    names = story_entities(sig.entities, sig.entity_counts, title) if sig.entities else {}
    story = row.get("story_id")
    return _Loaded(Candidate(article_id, row.get("duplicate_of_id") or article_id, story if story is not None else -1,
                             published, sig.shingles, sig.named, row["canonical_url"], sig.hashvalues,
                             event_day(sig.event, published)),
                   terms, names, {term: key_of(term) for term in (*terms, *names)})


@lru_cache(maxsize=4)
def _upsert_counts(dialect: str) -> Insert:
    """Add each row's count to the stored one (or store it): one statement for a batch's counts."""
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(COUNTS)
    return statement.on_conflict_do_update(index_elements=[COUNTS.c.kind, COUNTS.c.key],
                                           set_={"count": COUNTS.c.count + statement.excluded.count})


def _similarity(idfs: dict[int, float], weights: dict[str, float], norm: float, row: int,
                vector: dict[str, int], keys: dict[str, int]) -> Similar | None:
    """`analysis.stories.TermIndex._similarity`: the cosine of the query and a stored vector
    (`idfs` by the terms' keys)."""
    other = 0.0
    products: dict[str, float] = {}
    for term, count in vector.items():
        weight = TERM_WEIGHTS[min(count, 255)] * idfs[keys[term]]
        other += weight * weight
        if term in weights:
            products[term] = weights[term] * weight
    if not norm or not other:
        return None
    shared = tuple(sorted(products, key=lambda t: -products[t])[:8])
    return Similar(row, sum(products.values()) / (norm * math.sqrt(other)), shared)
