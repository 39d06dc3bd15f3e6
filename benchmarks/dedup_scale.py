"""How deduplication scales: check time, index memory and rebuild time at 1k, 10k and 100k stored.

usage: python benchmarks/dedup_scale.py [--sizes 1000,10000,100000] [--db PATH] [--probes 300]

Synthetic articles that look like news to the index: 450-900 words drawn from a Zipf-shaped
vocabulary (function words first, then 40k content words), about 8% of them the names and rare
words of the article's story (capitalised, so the story layer reads them as named entities), stories of one to three articles a few days apart, published over
three years. Signatures are computed in a process pool (as a crawl does) and the rows written
with Core executemany. At each size the index is rebuilt from the database (timed), its memory
measured with tracemalloc (what the loaded index keeps, and the peak while loading: Python
objects and numpy arrays), and a mix of new articles checked against it: copies with edits,
other articles of a stored story, fresh articles.

With --db the database and the signatures (beside it) are kept and reused by the next run;
sizes below the number of rows already stored are then skipped.
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import statistics
import tempfile
import time
import tracemalloc
import pickle
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
from sqlalchemy import func, insert, select

from analysis.document import Document
from analysis.shingles import signature
from crawler.dedup import DedupIndex
from analysis.shingles import stopwords
from storage.db import open_database
from storage.models import Article, Story

T0 = datetime(2021, 1, 1, tzinfo=timezone.utc)
CONTENT_WORDS = 40_000
SYLLABLES = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"]


def vocabulary(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Words and their cumulative probabilities: stopwords as the most frequent, then invented
    content words."""
    common = sorted(stopwords())
    content = {"".join(rng.choice(SYLLABLES, size=rng.integers(2, 5))) for _ in range(CONTENT_WORDS * 2)}
    words = np.array(common + sorted(content - set(common))[:CONTENT_WORDS])
    ranks = np.arange(1, len(words) + 1, dtype=np.float64)
    weights = 1.0 / ranks ** 1.05
    return words, np.cumsum(weights / weights.sum())


def story_words(rng: np.random.Generator, words: np.ndarray) -> np.ndarray:
    return rng.choice(words[-CONTENT_WORDS // 2:], size=14)


def compose(rng: np.random.Generator, words: np.ndarray, p: np.ndarray, names: np.ndarray) -> str:
    n = int(rng.integers(450, 900))
    tokens = words[np.minimum(np.searchsorted(p, rng.random(n)), len(words) - 1)]
    mask = rng.random(n) < 0.08
    tokens[mask] = [name.capitalize() for name in rng.choice(names, size=int(mask.sum()))]  # names, as news writes them
    sentences = [(lambda s: s[:1].upper() + s[1:])(" ".join(tokens[i:i + 18])) + "." for i in range(0, n, 18)]
    return "\n\n".join(" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4))


def edited(rng: np.random.Generator, text: str, words: np.ndarray, share: float) -> str:
    """A copy-edit: `share` of the words replaced, the last paragraph dropped."""
    tokens = text.split()
    for i in rng.choice(len(tokens), size=int(share * len(tokens)), replace=False):
        tokens[i] = str(rng.choice(words[:300]))
    paragraphs = " ".join(tokens).split("\n\n")
    return "\n\n".join(paragraphs[:-1] if len(paragraphs) > 2 else paragraphs)


def folded_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.casefold().split()).encode("utf-8")).hexdigest()


def corpus(total: int, seed: int = 7):
    """(story number, published, title, text) for `total` stored articles, plus what probes need."""
    rng = np.random.default_rng(seed)
    words, p = vocabulary(rng)
    items, story, names = [], 0, story_words(rng, words)
    while len(items) < total:
        story += 1
        names = story_words(rng, words)
        day = rng.uniform(0, 3 * 365)
        for _ in range(int(rng.integers(1, 4))):
            when = T0 + timedelta(days=day + rng.uniform(0, 3))
            title = " ".join([*rng.choice(names, size=3), *rng.choice(words[200:2000], size=4)]).capitalize()
            items.append((story, when, title, compose(rng, words, p, names), names))
    return items[:total], words, p, rng


def _signature(text: str) -> bytes | None:
    return signature(text)


def signatures(texts: list[str]) -> list[bytes | None]:
    with ProcessPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_signature, texts, chunksize=256))


def store(sessions, items, sigs, start: int) -> None:
    stories = sorted({story for story, *_ in items})
    article_rows = [dict(id=start + k + 1, url=f"https://outlet{k % 50}.example/{start + k}.html",
                         canonical_url=f"https://outlet{k % 50}.example/{start + k}.html", source=f"outlet{k % 50}",
                         title=title, published_at=when, text=text, text_hash=folded_hash(text), relevant=True,
                         story_id=story, signature=sig)
                    for k, ((story, when, title, text, _), sig) in enumerate(zip(items, sigs))]
    with sessions() as session, session.begin():
        known = set(session.scalars(Story.__table__.select().with_only_columns(Story.id)).all())
        new = [dict(id=s, title=f"story {s}") for s in stories if s not in known]
        if new:
            session.execute(insert(Story), new)
        for chunk in range(0, len(article_rows), 5000):
            session.execute(insert(Article), article_rows[chunk:chunk + 5000])


def probes(items, words, p, rng, count: int) -> list[Document]:
    docs = []
    for n in range(count):
        kind = n % 3
        story, when, title, text, names = items[int(rng.integers(len(items)))]
        if kind == 0:    # a copy-edited copy of a stored article
            body = edited(rng, text, words, 0.1)
        elif kind == 1:  # another article about a stored story
            body = compose(rng, words, p, names)
        else:            # a fresh story
            names = story_words(rng, words)
            body, title = compose(rng, words, p, names), " ".join(rng.choice(names, size=4))
        docs.append(Document(url=f"https://probe.example/{n}", canonical_url=f"https://probe.example/{n}",
                             source="probe", title=title, text=body, text_hash=folded_hash(body),
                             published_at=when + timedelta(days=1), relevant=True, signature=signature(body)))
    return docs


def load(sessions) -> tuple[DedupIndex, float]:
    started = time.perf_counter()
    with sessions() as session:
        index = DedupIndex.load(session)
    return index, time.perf_counter() - started


def traced_load(sessions) -> tuple[float, float]:
    """MiB the index keeps once loaded, and the peak while loading (tracemalloc: Python and numpy)."""
    gc.collect()
    tracemalloc.start()
    index, _ = load(sessions)
    gc.collect()
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del index
    return kept / 2**20, peak / 2**20


def measure(sessions, docs: list[Document]) -> dict:
    kept, peak = traced_load(sessions)
    gc.collect()
    index, rebuild = load(sessions)
    timings, layers = [], {}
    for doc in docs:
        started = time.perf_counter()
        verdict = index.check(doc)
        timings.append(time.perf_counter() - started)
        layers[verdict.layer] = layers.get(verdict.layer, 0) + 1
    return {"stored": len(index), "rebuild_s": rebuild, "kept_mib": kept, "peak_mib": peak,
            "median_ms": 1000 * statistics.median(timings), "p95_ms": 1000 * sorted(timings)[int(0.95 * len(timings))],
            "layers": layers}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--db", help="SQLite file to build (default: a temporary one)")
    parser.add_argument("--probes", type=int, default=300)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    folder = tempfile.TemporaryDirectory()
    db = Path(args.db) if args.db else Path(folder.name) / "dedup.db"
    engine, sessions = open_database(f"sqlite:///{db}")
    started = time.perf_counter()
    items, words, p, rng = corpus(sizes[-1])
    print(f"generated {len(items)} articles in {time.perf_counter() - started:.1f} s", flush=True)
    cache = db.with_suffix(".sigs.pickle")
    started = time.perf_counter()
    if args.db and cache.exists():
        sigs = pickle.loads(cache.read_bytes())
    else:
        sigs = signatures([text for _, _, _, text, _ in items])
        if args.db:
            cache.write_bytes(pickle.dumps(sigs))
    print(f"signatures in {time.perf_counter() - started:.1f} s (2 processes)", flush=True)
    rows = []
    with sessions() as session:
        done = session.scalar(select(func.count()).select_from(Article))
    for size in sizes:
        if size > done:
            started = time.perf_counter()
            store(sessions, items[done:size], sigs[done:size], done)
            print(f"stored {size - done} rows in {time.perf_counter() - started:.1f} s", flush=True)
            done = size
        if size == done:
            rows.append(measure(sessions, probes(items[:size], words, p, rng, args.probes)))
            print(rows[-1], flush=True)
    print(f"\n{'stored':>8} {'check median':>13} {'check p95':>10} {'rebuild':>9} {'index memory':>13} "
          f"{'peak loading':>13}  verdicts of the probes")
    for r in rows:
        print(f"{r['stored']:>8} {r['median_ms']:>10.2f} ms {r['p95_ms']:>7.2f} ms {r['rebuild_s']:>7.2f} s "
              f"{r['kept_mib']:>9.0f} MiB {r['peak_mib']:>9.0f} MiB  {r['layers']}")
    engine.dispose()


if __name__ == "__main__":
    main()
