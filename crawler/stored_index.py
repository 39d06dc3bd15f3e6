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
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import Session

from analysis.document import Document
from analysis.events import event_day
from analysis.stories import (CANDIDATES, IDF_STALENESS, MAX_DF, MAX_DF_SHARE, MIN_DF_CAP, TERM_WEIGHTS, Similar,
                              idf, story_entities, story_terms, term_weight)
from crawler.dedup import Candidate, Judge, Verdict, days, time_weights
from crawler.dedup_keys import (ARTICLES, BAND, KEYS, LSH_BANDS, NAME, ROWS, TERM, article_keys, band_keys, key_of,
                                parse_signature, write_keys)
from crawler.lsh import MAX_BUCKET

MAX_CACHED_TERMS = 200_000   # bounds on `ReadCache` (~20 MB at most), whatever the vocabulary and the database
MAX_CACHED_ROWS = 1024

_FIRST = text("SELECT kind, key, MIN(article_id) FROM dedup_keys WHERE kind IN :kinds AND key IN :keys "
              "GROUP BY kind, key").bindparams(bindparam("kinds", expanding=True), bindparam("keys", expanding=True))
_BANDS = text(" UNION ALL ".join(
    f"SELECT article_id FROM (SELECT article_id FROM dedup_keys WHERE kind = {BAND} AND key = :k{band} "
    f"ORDER BY article_id LIMIT {MAX_BUCKET}) AS b{band}" for band in range(LSH_BANDS)))
_COUNTS = text("SELECT key, count FROM dedup_counts WHERE kind = :kind AND key IN :keys"
               ).bindparams(bindparam("keys", expanding=True))
_TOTALS = text(f"SELECT key, count FROM dedup_counts WHERE kind = {ROWS}")
_POSTINGS = text("SELECT key, article_id FROM dedup_keys WHERE kind = :kind AND key IN :keys"
                 ).bindparams(bindparam("keys", expanding=True))
_DATED_POSTINGS = (select(KEYS.c.key, KEYS.c.article_id, ARTICLES.c.published_at)
                   .join(ARTICLES, ARTICLES.c.id == KEYS.c.article_id)
                   .where(KEYS.c.kind == bindparam("kind"), KEYS.c.key.in_(bindparam("keys", expanding=True))))
_STORY_STARTS = (select(ARTICLES.c.story_id, func.min(ARTICLES.c.published_at))
                 .where(ARTICLES.c.story_id.in_(bindparam("stories", expanding=True)))
                 .group_by(ARTICLES.c.story_id))
_ROWS = select(ARTICLES.c.id, ARTICLES.c.canonical_url, ARTICLES.c.title, ARTICLES.c.published_at,
               ARTICLES.c.story_id, ARTICLES.c.duplicate_of_id, ARTICLES.c.signature)


@dataclass(frozen=True)
class _Loaded:
    candidate: Candidate
    terms: dict[str, int]   # key terms, empty when it has none
    names: dict[str, int]   # entity words, empty when it has none


class ReadCache:
    """What a process's checks read and may read again, kept across its transactions: stored
    articles as candidates (a row does not change once stored) and document frequencies. Those
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

    def wrote(self, counts: dict[tuple[int, int], int]) -> None:
        """This process set these counts (its own article's terms, and the totals)."""
        for (kind, key), count in counts.items():
            if kind != ROWS:
                self._df[kind][key] = count
            elif key in self._expected:
                self._expected[key] = count

    def remember(self, loaded: _Loaded) -> None:
        self.rows[loaded.candidate.id] = loaded
        if len(self.rows) > MAX_CACHED_ROWS:
            self.rows.popitem(last=False)


class StoredIndex(Judge):
    """Stored articles as `session`'s transaction sees them; a row is an article id."""

    def __init__(self, session: Session, cache: ReadCache | None = None) -> None:
        self.session = session
        self._cache = cache if cache is not None else ReadCache()
        self._totals: dict[int, int] | None = None

    def check(self, doc: Document) -> Verdict:
        self._totals = None  # counts move as this transaction (and others) store articles
        return super().check(doc)

    def add(self, article_id: int, row: Mapping[str, Any]) -> None:
        """Index article `article_id`, just inserted as `row` in this transaction."""
        sig = parse_signature(row.get("signature"), article_id)
        keys = article_keys(row["url"], row["canonical_url"], row["text_hash"], row.get("title"), sig)
        self._cache.wrote(write_keys(self.session, article_id, keys))

    # -- what the layers ask ------------------------------------------------------------------

    def _roots(self, keys: list[tuple[int, str]]) -> dict[tuple[int, str], int]:
        hashed = {(kind, key_of(value)): (kind, value) for kind, value in keys}
        firsts = self.session.execute(_FIRST, {"kinds": sorted({kind for kind, _ in keys}),
                                               "keys": sorted({key for _, key in hashed})}).all()
        firsts = [(hashed[(kind, key)], first) for kind, key, first in firsts if (kind, key) in hashed]
        if not firsts:
            return {}
        ids = sorted({first for _, first in firsts})
        root_of = dict(self.session.execute(select(ARTICLES.c.id, ARTICLES.c.duplicate_of_id)
                                            .where(ARTICLES.c.id.in_(ids))).all())
        return {key: root_of[first] or first for key, first in firsts if first in root_of}

    def _describe(self, root: int) -> tuple[int | None, str]:
        row = self.session.execute(select(ARTICLES.c.story_id, ARTICLES.c.canonical_url)
                                   .where(ARTICLES.c.id == root)).one()
        return row.story_id, row.canonical_url

    def _near(self, hashvalues: np.ndarray) -> set[int]:
        keys = band_keys(hashvalues)
        return set(self.session.execute(_BANDS, {f"k{band}": key for band, key in enumerate(keys)}).scalars())

    def _similar(self, names: bool, query: dict[str, int], when: float | None = None) -> list[Similar]:
        kind = NAME if names else TERM
        total = self._total(kind)
        if not query or not total:
            return []
        weights, norm, df = self._query(kind, query, total)
        cap = min(MAX_DF, max(MIN_DF_CAP, int(MAX_DF_SHARE * total)))
        rare = {key_of(term): term for term in weights if df[term] <= cap}
        if not rare:
            return []
        postings: dict[str, list[int]] = {}
        published: dict[int, Any] = {}
        params = {"kind": kind, "keys": sorted(rare)}
        if when is None:
            for key, article_id in self.session.execute(_POSTINGS, params).all():
                postings.setdefault(rare[key], []).append(article_id)
        else:
            for key, article_id, at in self.session.execute(_DATED_POSTINGS, params).all():
                postings.setdefault(rare[key], []).append(article_id)
                published[article_id] = at
        lists, scores_of = [], []
        for term, weight in weights.items():  # in the query's order, as `TermIndex` adds them up
            if term in postings:
                lists.append(np.asarray(sorted(postings[term]), dtype=np.int64))
                scores_of.append(np.full(len(lists[-1]), weight * idf(df[term], total), dtype=np.float64))
        if not lists:
            return []
        hits, which = np.unique(np.concatenate(lists), return_inverse=True)
        scores = np.bincount(which, weights=np.concatenate(scores_of))
        if when is not None:
            stored = np.array([days(published[row]) for row in hits.tolist()], dtype=np.float64)
            scores = scores * time_weights(stored, when)
            keep = scores > 0
            hits, scores = hits[keep], scores[keep]
        if len(hits) > CANDIDATES:
            hits = hits[np.argpartition(scores, -CANDIDATES)[-CANDIDATES:]]
        similar = self._cosines(names, query, hits.tolist(), (weights, norm))
        return sorted(similar.values(), key=lambda s: -s.cosine)

    def _cosines(self, names: bool, query: dict[str, int], rows: list[int],
                 weighted: tuple[dict[str, float], float] | None = None) -> dict[int, Similar]:
        kind = NAME if names else TERM
        total = self._total(kind)
        if not query or not total:
            return {}
        weights, norm = weighted if weighted is not None else self._query(kind, query, total)[:2]
        loaded = self._load(rows)
        vectors = {row: loaded[row].names if names else loaded[row].terms for row in rows if row in loaded}
        df = self._counts(kind, total, (term for vector in vectors.values() for term in vector))
        out = {}
        for row, vector in vectors.items():
            if vector:
                similar = _similarity(df, total, weights, norm, row, vector)
                if similar is not None:
                    out[row] = similar
        return out

    def _candidates(self, rows: set[int]) -> dict[int, Candidate]:
        return {row: loaded.candidate for row, loaded in self._load(rows).items()}

    def _story_starts(self, stories: set[int]) -> dict[int, float]:
        # read each time, not cached: a story's first report may be stored after its later ones
        return {story: days(first) for story, first in self.session.execute(
            _STORY_STARTS, {"stories": sorted(stories)}) if first is not None}

    # -- reading ------------------------------------------------------------------------------

    def _load(self, rows: Iterable[int]) -> dict[int, _Loaded]:
        """What the layers read of these articles (from the cache when it has them)."""
        rows = list(rows)
        cached = self._cache.rows
        missing = sorted(set(rows) - set(cached))
        if missing:
            for row in self.session.execute(_ROWS.where(ARTICLES.c.id.in_(missing))):
                sig = parse_signature(row.signature, row.id)
                if sig is None:
                    continue
                title = row.title or ""
                self._cache.remember(_Loaded(
                    Candidate(row.id, row.duplicate_of_id or row.id, row.story_id if row.story_id is not None else -1,
                              days(row.published_at), sig.shingles, sig.named, row.canonical_url, sig.hashvalues,
                              event_day(sig.event, days(row.published_at))),
                    story_terms(sig.terms, sig.counts, title),
                    story_entities(sig.entities, sig.entity_counts, title) if sig.entities else {}))
        return {row: cached[row] for row in rows if row in cached}

    def _total(self, kind: int) -> int:
        """How many stored articles have key terms (TERM) or entity words (NAME)."""
        if self._totals is None:
            self._totals = dict(self.session.execute(_TOTALS).all())
        return self._totals.get(kind, 0)

    def _counts(self, kind: int, total: int, terms: Iterable[str]) -> dict[str, int]:
        """The document frequencies of `terms` (of `kind`), read when they are not cached."""
        cached = self._cache.df(kind, total)
        out: dict[str, int] = {}
        missing: dict[int, str] = {}
        for term in terms:
            if term not in out:
                key = key_of(term)
                df = cached.get(key)
                if df is None:
                    missing[key] = term
                    out[term] = 0
                else:
                    out[term] = df
        if missing:
            found = dict(self.session.execute(_COUNTS, {"kind": kind, "keys": sorted(missing)}).all())
            for key, term in missing.items():
                cached[key] = out[term] = found.get(key, 0)
        return out

    def _query(self, kind: int, query: dict[str, int], total: int) -> tuple[dict[str, float], float, dict[str, int]]:
        """The weights of the query's stored terms, the norm of the whole query, its terms' frequencies."""
        df = self._counts(kind, total, query)
        weights: dict[str, float] = {}
        norm = 0.0
        for term, count in query.items():
            weight = term_weight(count) * idf(df[term], total)
            norm += weight * weight
            if df[term]:
                weights[term] = weight
        return weights, math.sqrt(norm), df


def _similarity(df: dict[str, int], total: int, weights: dict[str, float], norm: float, row: int,
                vector: dict[str, int]) -> Similar | None:
    """`analysis.stories.TermIndex._similarity`: the cosine of the query and a stored vector."""
    other = 0.0
    products: dict[str, float] = {}
    for term, count in vector.items():
        weight = TERM_WEIGHTS[min(count, 255)] * idf(df[term], total)
        other += weight * weight
        if term in weights:
            products[term] = weights[term] * weight
    if not norm or not other:
        return None
    shared = tuple(sorted(products, key=lambda t: -products[t])[:8])
    return Similar(row, sum(products.values()) / (norm * math.sqrt(other)), shared)
