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
then only the candidates' signatures. Each of these is bounded whatever the number stored, so
a check costs the same at 1k and at 1M articles, and what other processes committed is seen
as soon as the check's transaction can see it.

The scores are the in-memory index's, computed the same way (the TF-IDF weights of
`analysis.stories.TermIndex` with the document frequencies read from `dedup_counts`):
tests/crawler/test_stored_index.py holds the two to the same verdicts.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from analysis.stories import (CANDIDATES, MAX_DF, MAX_DF_SHARE, MIN_DF_CAP, TERM_WEIGHTS, Similar, story_entities,
                              story_terms, term_weight)
from crawler.dedup import Candidate, Judge, days, time_weights
from crawler.dedup_keys import (ARTICLES, BAND, KEYS, LSH_BANDS, NAME, ROWS, TERM, article_keys, band_keys, key_of,
                                parse_signature, write_keys)
from crawler.lsh import MAX_BUCKET

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


@dataclass(frozen=True)
class _Loaded:
    candidate: Candidate
    terms: dict[str, int]   # key terms, empty when it has none
    names: dict[str, int]   # entity words, empty when it has none


class StoredIndex(Judge):
    """Stored articles as `session`'s transaction sees them; a row is an article id."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._loaded: dict[int, _Loaded] = {}
        self._df: dict[tuple[int, str], int] = {}
        self._totals: dict[int, int] | None = None

    def check(self, doc):  # noqa: D102 (Judge.check)
        self._df, self._totals = {}, None  # counts move as this transaction stores articles
        return super().check(doc)

    def add(self, article_id: int, row: Mapping[str, Any]) -> None:
        """Index article `article_id`, just inserted as `row` in this transaction."""
        sig = parse_signature(row.get("signature"), article_id)
        write_keys(self.session, article_id, article_keys(row["url"], row["canonical_url"], row["text_hash"],
                                                         row.get("title"), sig))

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
        weights, norm = self._query(kind, query, total)
        cap = min(MAX_DF, max(MIN_DF_CAP, int(MAX_DF_SHARE * total)))
        rare = {key_of(term): term for term in weights if self._df[(kind, term)] <= cap}
        if not rare:
            return []
        postings: dict[str, list[int]] = {}
        for key, article_id in self.session.execute(_POSTINGS, {"kind": kind, "keys": sorted(rare)}):
            postings.setdefault(rare[key], []).append(article_id)
        lists, scores_of = [], []
        for term, weight in weights.items():  # in the query's order, as `TermIndex` adds them up
            if term in postings:
                lists.append(np.asarray(sorted(postings[term]), dtype=np.int64))
                scores_of.append(np.full(len(lists[-1]), weight * self._idf(kind, term, total), dtype=np.float64))
        if not lists:
            return []
        hits, which = np.unique(np.concatenate(lists), return_inverse=True)
        scores = np.bincount(which, weights=np.concatenate(scores_of))
        if when is not None:
            scores = scores * time_weights(self._published(hits.tolist()), when)
            keep = scores > 0
            hits, scores = hits[keep], scores[keep]
        if len(hits) > CANDIDATES:
            hits = hits[np.argpartition(scores, -CANDIDATES)[-CANDIDATES:]]
        similar = self._cosines(names, query, hits.tolist(), weights, norm)
        return sorted(similar.values(), key=lambda s: -s.cosine)

    def _cosines(self, names: bool, query: dict[str, int], rows: list[int],
                 weights: dict[str, float] | None = None, norm: float = 0.0) -> dict[int, Similar]:
        kind = NAME if names else TERM
        total = self._total(kind)
        if not query or not total:
            return {}
        if weights is None:
            weights, norm = self._query(kind, query, total)
        loaded = self._load(rows)
        vectors = {row: loaded[row].names if names else loaded[row].terms for row in rows if row in loaded}
        self._counts(kind, (term for vector in vectors.values() for term in vector))
        out = {}
        for row, vector in vectors.items():
            if vector:
                similar = self._similarity(kind, total, weights, norm, row, vector)
                if similar is not None:
                    out[row] = similar
        return out

    def _candidates(self, rows: set[int]) -> dict[int, Candidate]:
        return {row: loaded.candidate for row, loaded in self._load(rows).items()}

    # -- reading ------------------------------------------------------------------------------

    def _load(self, rows: Iterable[int]) -> dict[int, _Loaded]:
        """What the layers read of these articles (each read once per index)."""
        rows = list(rows)
        missing = sorted(set(rows) - set(self._loaded))
        if missing:
            query = select(ARTICLES.c.id, ARTICLES.c.canonical_url, ARTICLES.c.title, ARTICLES.c.published_at,
                           ARTICLES.c.story_id, ARTICLES.c.duplicate_of_id, ARTICLES.c.signature)
            for row in self.session.execute(query.where(ARTICLES.c.id.in_(missing))):
                sig = parse_signature(row.signature, row.id)
                if sig is None:
                    continue
                title = row.title or ""
                self._loaded[row.id] = _Loaded(
                    Candidate(row.id, row.duplicate_of_id or row.id, row.story_id if row.story_id is not None else -1,
                              days(row.published_at), sig.shingles, sig.named, row.canonical_url, sig.hashvalues),
                    story_terms(sig.terms, sig.counts, title),
                    story_entities(sig.entities, sig.entity_counts, title) if sig.entities else {})
        return {row: self._loaded[row] for row in rows if row in self._loaded}

    def _published(self, rows: list[int]) -> np.ndarray:
        """Days since the epoch each of `rows` was published (nan when unknown), in their order."""
        when = dict(self.session.execute(select(ARTICLES.c.id, ARTICLES.c.published_at)
                                         .where(ARTICLES.c.id.in_(rows))).all())
        return np.array([days(when.get(row)) for row in rows], dtype=np.float64)

    def _total(self, kind: int) -> int:
        """How many stored articles have key terms (TERM) or entity words (NAME)."""
        if self._totals is None:
            self._totals = dict(self.session.execute(_TOTALS).all())
        return self._totals.get(kind, 0)

    def _counts(self, kind: int, terms: Iterable[str]) -> None:
        """Read the document frequencies of `terms` not read yet in this check."""
        wanted = {key_of(term): term for term in terms if (kind, term) not in self._df}
        if not wanted:
            return
        for term in wanted.values():
            self._df[(kind, term)] = 0
        for key, count in self.session.execute(_COUNTS, {"kind": kind, "keys": sorted(wanted)}):
            self._df[(kind, wanted[key])] = count

    def _idf(self, kind: int, term: str, total: int) -> float:
        return math.log((total + 1) / (self._df[(kind, term)] + 1)) + 1.0

    def _query(self, kind: int, query: dict[str, int], total: int) -> tuple[dict[str, float], float]:
        """The weights of the query's stored terms, and the norm of the whole query."""
        self._counts(kind, query)
        weights: dict[str, float] = {}
        norm = 0.0
        for term, count in query.items():
            weight = term_weight(count) * self._idf(kind, term, total)
            norm += weight * weight
            if self._df[(kind, term)]:
                weights[term] = weight
        return weights, math.sqrt(norm)

    def _similarity(self, kind: int, total: int, weights: dict[str, float], norm: float, row: int,
                    vector: dict[str, int]) -> Similar | None:
        other = 0.0
        products: dict[str, float] = {}
        for term, count in vector.items():
            weight = TERM_WEIGHTS[min(count, 255)] * self._idf(kind, term, total)
            other += weight * weight
            if term in weights:
                products[term] = weights[term] * weight
        if not norm or not other:
            return None
        shared = tuple(sorted(products, key=lambda t: -products[t])[:8])
        return Similar(row, sum(products.values()) / (norm * math.sqrt(other)), shared)
