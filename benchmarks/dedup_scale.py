"""How deduplication scales at 1k, 10k and 100k stored: the index in memory (before) against the
database's (after): time to start, cost of a check and of storing an article, memory.

usage: python benchmarks/dedup_scale.py [--sizes 1000,10000,100000] [--db PATH] [--probes 300]

Synthetic articles that look like news to the index: 450-900 words drawn from a Zipf-shaped
vocabulary (function words first, then 40k content words), about 8% of them the names and rare
words of the article's story (capitalised, so the story layer reads them as named entities), stories of one to three articles a few days apart, published over
three years. Signatures are computed in a process pool (as a crawl does), the rows written
with Core executemany and their dedup keys by `crawler.dedup_keys.backfill` (the migration's
step). At each size, a mix of new articles (copies with edits, other articles of a stored
story, fresh articles) is checked both ways, in alternating rounds:
- before: what a crawl did before fetching anything: load every stored URL (KnownUrls) and
  rebuild `DedupIndex` from every signature; then each check in memory;
- after: what a crawl does now: one query for the newest id (`stored_urls`) and a
  `StoredIndex` on a session; then each check asks the database (its cache cold at the start
  of each round, as in a new crawl process); and storing: check, insert and write the keys of
  each probe in one transaction (rolled back).
Memory is tracemalloc's (Python objects and numpy arrays), in a pass of its own: what the loaded
index keeps and the peak while loading (before), the peak over start and all the checks (after).
Times are wall (the machine's other load shows in them) and CPU. The verdicts of both are
compared: they must agree.

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
from analysis.shingles import signature, stopwords
from analysis.urls import canonical_url
from crawler.dedup import DedupIndex
from crawler.dedup_keys import backfill, stored_urls
from crawler.stored_index import ReadCache, StoredIndex
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
        backfill(session.connection(), after=start)


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


def start_before(sessions) -> tuple[DedupIndex, set[str]]:
    """What a crawl did before fetching: every stored URL (as KnownUrls kept them) and the index."""
    with sessions() as session:
        urls = set()
        for row in session.execute(select(Article.url, Article.canonical_url)):
            for url in row:
                urls.add(url)
                urls.add(canonical_url(url, None))
        return DedupIndex.load(session), urls


def traced(call):
    """`call()`, its seconds, and tracemalloc's MiB kept after it and peak during it."""
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    gc.collect()
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, kept / 2**20, peak / 2**20


def checks(index, docs: list[Document]) -> tuple[list, list[float], float]:
    """The verdicts, seconds each, and CPU seconds a check on average."""
    verdicts, timings = [], []
    cpu = time.process_time()
    for doc in docs:
        started = time.perf_counter()
        verdicts.append(index.check(doc))
        timings.append(time.perf_counter() - started)
    return verdicts, timings, (time.process_time() - cpu) / len(docs)


def store_probes(sessions, docs: list[Document]) -> list[float]:
    """Check, insert and index each probe in one transaction (rolled back): ms an article stored."""
    timings = []
    with sessions() as session:
        index = StoredIndex(session, ReadCache())
        for n, doc in enumerate(docs):
            started = time.perf_counter()
            verdict = index.check(doc)
            row = dict(id=10**9 + n, url=doc.url, canonical_url=doc.canonical_url, source=doc.source, title=doc.title,
                       text=doc.text, text_hash=doc.text_hash, published_at=doc.published_at, relevant=True,
                       duplicate_of_id=verdict.duplicate_of_id, signature=doc.signature)
            session.execute(insert(Article), row)
            index.add(10**9 + n, row)
            index.flush()
            timings.append(time.perf_counter() - started)
        session.rollback()
    return timings


def measure(sessions, docs: list[Document], rounds: int) -> dict:
    out: dict = {"before_start": [], "after_start": [], "before_ms": [], "after_ms": [], "store_ms": [],
                 "before_cpu": [], "after_cpu": []}
    (index, urls), _, out["kept_mib"], out["peak_mib"] = traced(lambda: start_before(sessions))
    out.update(stored=len(index), urls=len(urls))
    del index, urls
    with sessions() as session:
        _, _, _, out["after_peak_mib"] = traced(lambda: (stored_urls(sessions), checks(StoredIndex(session), docs)))
    for _ in range(rounds):  # alternating, so that the machine's moods fall on both
        gc.collect()
        started = time.perf_counter()
        index, urls = start_before(sessions)
        out["before_start"].append(time.perf_counter() - started)
        before, timings, cpu = checks(index, docs)
        out["before_ms"] += timings
        out["before_cpu"].append(cpu)
        del index, urls
        gc.collect()
        started = time.perf_counter()
        session = sessions()
        stored_urls(sessions), StoredIndex(session)
        out["after_start"].append(time.perf_counter() - started)
        after, timings, cpu = checks(StoredIndex(session, ReadCache()), docs)  # an ingestor's cache, from cold
        out["after_ms"] += timings
        out["after_cpu"].append(cpu)
        session.close()
        out["store_ms"] += store_probes(sessions, docs[:100])
        out["agree"] = sum(a == b for a, b in zip(before, after))
        out["layers"] = {layer: sum(v.layer == layer for v in after) for layer in ("url", "hash", "near", "story", None)}
    return out


def _median_ms(values: list[float]) -> float:
    return 1000 * statistics.median(values)


def _p95_ms(values: list[float]) -> float:
    return 1000 * sorted(values)[int(0.95 * len(values))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--db", help="SQLite file to build (default: a temporary one)")
    parser.add_argument("--probes", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2, help="alternating before/after rounds at each size")
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
            rows.append(measure(sessions, probes(items[:size], words, p, rng, args.probes), args.rounds))
            rows[-1]["db_mib"] = sum(f.stat().st_size for f in db.parent.glob(db.name + "*")) / 2**20
            print({k: v for k, v in rows[-1].items() if not isinstance(v, list)}, flush=True)
    print(f"\n{'stored':>8} | {'before: start':>13} {'check p50':>9} {'p95':>8} {'cpu':>8} {'kept':>7} {'peak':>7} | "
          f"{'after: start':>12} {'check p50':>9} {'p95':>8} {'cpu':>8} {'store p50':>9} {'peak':>8} | {'db':>8} "
          f"{'agree':>7}  verdicts")
    for r in rows:
        print(f"{r['stored']:>8} | {min(r['before_start']):>11.2f} s {_median_ms(r['before_ms']):>6.2f} ms "
              f"{_p95_ms(r['before_ms']):>5.2f} ms {1000 * min(r['before_cpu']):>5.2f} ms "
              f"{r['kept_mib']:>3.0f} MiB {r['peak_mib']:>3.0f} MiB | "
              f"{1000 * min(r['after_start']):>9.1f} ms {_median_ms(r['after_ms']):>6.2f} ms {_p95_ms(r['after_ms']):>5.2f} ms "
              f"{1000 * min(r['after_cpu']):>5.2f} ms {_median_ms(r['store_ms']):>6.2f} ms {r['after_peak_mib']:>4.1f} MiB | "
              f"{r['db_mib']:>4.0f} MiB {r['agree']:>3}/{args.probes}  {r['layers']}")
    print("(start: what a crawl does before its first fetch; check: wall ms, cpu: CPU ms a check, the best round; "
          "store: check + insert + keys; memory: tracemalloc)")
    engine.dispose()


if __name__ == "__main__":
    main()
