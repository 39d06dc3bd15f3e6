"""What a crawl and the listings cost as the database grows: 1k, 10k, 100k and 1M articles stored.

    python benchmarks/scale.py [--max N] [--min N] [--keep DIR] [--rounds 3] [--compare COMMAND]

Each database is built through the product's own storage code (`crawler.ingest.Ingestor`, in
batches, as a crawl stores) from generated documents: stories of one to three articles a few
days apart, a third of them coverage of the topic (the others stored as irrelevant), some
later articles copy-edits of their story's first (duplicates), texts of 450-900 words drawn
from a Zipf-shaped vocabulary with the story's names (see `benchmarks/dedup_scale.py`), their
MinHash signatures computed in two processes as a crawl's workers do. Each size is built from
the one below, so 1M is reached in one pass; with `--keep DIR` the built databases are kept
there and the next run starts from them.

Then, at each size, on a copy of that database (the kept one stays as built):
1. a crawl of 20 feeds carrying 100 new articles (generated pages, `benchmarks/newsworld.py`,
   served on loopback with Last-Modified and ETag);
2. a re-crawl of the unchanged feeds: every feed answers 304;
3. a crawl of the feeds with 100 more articles;
4. deduplication: opening an `Ingestor` (the index it checks against) and storing one article;
5. `spacewatch articles --json` and `stories --json` through the CLI in a subprocess, the
   median of `--rounds`; with `--compare COMMAND` also another `spacewatch` (e.g. main's) on a copy
   of the database migrated down to what it knows (`--compare-revision`), interleaved.
Crawls are run by `crawler.run.run_crawl` as `crawl_throughput.py` runs them; their memory is the
largest RSS of one of the crawl's processes (the crawl child); a listing's is its process's
peak RSS. The last line sums it up for 100k stored (for the largest size measured if smaller).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from analysis.analyse import text_hash  # noqa: E402
from analysis.document import Document  # noqa: E402
from analysis.rules import Rules, TopicRules  # noqa: E402
from analysis.shingles import signature  # noqa: E402
from benchmarks.crawl_throughput import MemoryWatch, WorldServer, free_port, table  # noqa: E402
from benchmarks.dedup_scale import T0, compose, edited, story_words, vocabulary  # noqa: E402
from benchmarks.newsworld import build as build_world  # noqa: E402
from crawler.ingest import Ingestor  # noqa: E402
from crawler.options import CrawlOptions, SourceSpec  # noqa: E402
from crawler.run import run_crawl  # noqa: E402
from storage.db import alembic_config, make_engine, open_database  # noqa: E402
from storage.models import Article  # noqa: E402

SIZES = (1_000, 10_000, 100_000, 1_000_000)
SEED = 11
OUTLETS = 50
FEEDS = 20
NEW = 100
BATCH = 500  # documents a transaction when building, as a crawl's storing batches them


# --- the stored articles ------------------------------------------------------------------

_words: tuple[np.ndarray, np.ndarray] | None = None


def _vocabulary() -> tuple[np.ndarray, np.ndarray]:
    global _words
    if _words is None:
        _words = vocabulary(np.random.default_rng(SEED))
    return _words


def _story_of(k: int) -> tuple[int, int]:
    """Article k's story and its place in it: stories come in threes of one, two and three articles."""
    block, place = divmod(k, 6)
    if place == 0:
        return 3 * block, 0
    if place < 3:
        return 3 * block + 1, place - 1
    return 3 * block + 2, place - 3


def _story_text(story: int, member: int, names: np.ndarray) -> str:
    words, p = _vocabulary()
    return compose(np.random.default_rng([SEED, story, member]), words, p, names)


def document(k: int) -> Document:
    """Stored article number k, the same on every run: its story's names in its text, a copy-edit
    of its story's first article for a third of the later ones, a signature as a worker makes it."""
    words, p = _vocabulary()
    story, member = _story_of(k)
    rng = np.random.default_rng([SEED, story])
    names = story_words(rng, words)
    relevant = rng.random() < 0.33
    day = rng.uniform(0, 3 * 365)
    mine = np.random.default_rng([SEED, story, member, 1])
    if member and mine.random() < 0.33:
        text = edited(mine, _story_text(story, 0, names), words, 0.05)
    else:
        text = _story_text(story, member, names)
    title = " ".join([*mine.choice(names, size=3), *mine.choice(words[200:2000], size=4)]).capitalize()
    outlet = f"outlet{k % OUTLETS:02d}"
    url = f"https://{outlet}.example/{k}.html"
    return Document(url=url, canonical_url=url, source=outlet, title=title, text=text, text_hash=text_hash(text),
                    published_at=T0 + timedelta(days=day + mine.uniform(0, 3)), lang="en", relevant=relevant,
                    relevance_score=1.0 if relevant else 0.0, relevance_reason="generated" if relevant else "",
                    signature=signature(text))


def _documents(numbers: range) -> list[Document]:
    return [document(k) for k in numbers]


def stored(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(Article.__table__)) or 0
    finally:
        engine.dispose()


def grow(path: Path, size: int) -> tuple[int, float, float, float]:
    """Store articles up to number `size` in the database at `path` (through `Ingestor`); return
    how many were stored, the seconds it took, and the CPU seconds of storing (this process) and
    of making the documents (the two worker processes)."""
    url = f"sqlite:///{path}"
    engine, factory = open_database(url)
    started, cpu = time.perf_counter(), time.process_time()
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = stored(url)
    try:
        ingestor = Ingestor(factory)
        batches = [range(n, min(n + BATCH, size)) for n in range(done, size, BATCH)]
        with ProcessPoolExecutor(max_workers=2) as pool:
            for n, docs in enumerate(pool.map(_documents, batches)):
                ingestor.ingest_many(docs)
                if n % 20 == 19:
                    rate = (batches[n].stop - done) / (time.perf_counter() - started)
                    print(f"  {batches[n].stop} stored ({rate:.0f} articles/s)", flush=True)
    finally:
        engine.dispose()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    making = after.ru_utime + after.ru_stime - workers.ru_utime - workers.ru_stime
    return size - done, time.perf_counter() - started, time.process_time() - cpu, making


def database(keep: Path, size: int) -> tuple[Path, str]:
    """The database of `size` articles in `keep`: reused, or grown from the largest smaller one
    (or from where an interrupted run left it)."""
    path = keep / f"scale-{size}.db"
    if path.exists():
        return path, "kept"
    below = [s for s in SIZES if s < size and (keep / f"scale-{s}.db").exists()]
    partial = keep / f"scale-{size}.partial.db"
    if below and not partial.exists():
        _copy(keep / f"scale-{below[-1]}.db", partial)
    added, seconds, storing, making = grow(partial, size)
    partial.rename(path)
    return path, (f"built: {added} stored in {seconds:.0f} s ({added / seconds:.0f} articles/s; CPU an article: "
                  f"{1000 * storing / added:.1f} ms storing, {1000 * making / added:.1f} ms making documents)")


def _copy(source: Path, target: Path) -> None:
    engine = make_engine(f"sqlite:///{source}")  # fold the WAL into the file first
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    shutil.copyfile(source, target)


# --- the measures ---------------------------------------------------------------------------

@dataclass
class Measures:
    size: int
    rows: list[tuple[str, str]] = field(default_factory=list)
    values: dict[str, dict[str, float]] = field(default_factory=dict)  # measure: {unit: value}

    def add(self, name: str, shown: str, key: str | None = None, **units: float) -> None:
        self.rows.append((name, shown))
        if key:
            self.values[key] = units


def crawl(factory, specs: list[SourceSpec], server: WorldServer, what: str, key: str, measures: Measures) -> None:
    options = CrawlOptions(workers=0, concurrency_per_domain=8, max_pages_per_site=10_000,
                           user_agent="spacewatch-benchmark/1.0")
    with MemoryWatch(excluded=server.process.pid) as memory:
        started = time.perf_counter()
        summary = run_crawl(factory, specs, options, Rules(topic=TopicRules()), progress=False, trigger="manual")
        seconds = time.perf_counter() - started
    unchanged = sum(r.status == "not_modified" for r in summary.sources)
    new = sum(r.new + r.irrelevant + r.duplicates for r in summary.sources)
    mb = memory.peak_rss / 2**20
    measures.add(what, f"{seconds:6.2f} s  {mb:5.0f} MB  ({unchanged}/{len(summary.sources)} feeds 304, {new} stored)",
                 key, s=seconds, mb=mb)


def crawls(db: Path, work: Path, measures: Measures) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    world = work / "world"
    shutil.rmtree(world, ignore_errors=True)
    feeds = build_world(world, base, NEW, FEEDS, seed=SEED)
    server = WorldServer(world, port, work / "served.log")
    specs = [SourceSpec(name=name, type="feed", url=base + path) for name, path in feeds.items()]
    engine, factory = open_database(f"sqlite:///{db}")
    try:
        crawl(factory, specs, server, f"crawl of {NEW} new articles (first)", "first100", measures)
        crawl(factory, specs, server, "re-crawl, 20 feeds unchanged", "recrawl", measures)
        build_world(world, base, 2 * NEW, FEEDS, seed=SEED)  # the same 100 and 100 more
        later = time.time() + 10  # a Last-Modified second of its own
        for feed in (world / "feeds").iterdir():
            os.utime(feed, (later, later))
        crawl(factory, specs, server, f"crawl of {NEW} new articles (feeds known)", "new100", measures)
    finally:
        engine.dispose()
        server.close()


def dedup(db: Path, measures: Measures, probes: int = 5) -> None:
    """Opening the storing side of a crawl (its dedup index) and storing one article at a time."""
    engine, factory = open_database(f"sqlite:///{db}")
    try:
        started = time.perf_counter()
        ingestor = Ingestor(factory)
        opened = time.perf_counter() - started
        times = []
        for n in range(probes):  # new articles: exact copies of stored ones, then new stories
            doc = document(measures.size // 2 + n if n % 2 else SIZES[-1] + n)
            doc.url = doc.canonical_url = f"https://probe.example/{measures.size}/{n}"
            started = time.perf_counter()
            ingestor.ingest_many([doc])
            times.append(time.perf_counter() - started)
    finally:
        engine.dispose()
    check = 1000 * statistics.median(times)
    measures.add("dedup: open the index (Ingestor)", f"{opened:6.2f} s", "dedup_open", s=opened)
    measures.add("dedup: check and store one article", f"{check:6.1f} ms (median of {probes})", "dedup_check", ms=check)


# Runs a command and writes its wall seconds, CPU seconds and peak RSS (kB) to a file. Linux keeps a
# process's peak RSS across exec, so a child forked from this (large) benchmark would report at
# least the benchmark's size: the command is forked from this small interpreter instead.
TIMED = """import os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{time.perf_counter() - started} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def listing(command: list[str], config: Path, name: str, out: Path) -> tuple[float, float, float, int]:
    """Seconds, CPU seconds, peak RSS in MB and rows of `spacewatch NAME --json` run as `command`."""
    measured = out.with_suffix(".measured")
    with out.open("wb") as sink:
        done = subprocess.run([sys.executable, "-I", "-S", "-c", TIMED, str(measured), *command,
                               "--config", str(config), name, "--json"], stdout=sink, stderr=subprocess.PIPE,
                              cwd=out.parent)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} {name} --json failed: {done.stderr.decode()[-500:]}")
    seconds, cpu, kb = measured.read_text().split()
    with out.open("rb") as listed:
        rows = len(json.load(listed))
    return float(seconds), float(cpu), int(kb) / 1024, rows


def listings(db: Path, work: Path, commands: dict[str, tuple[list[str], Path]], rounds: int,
             measures: Measures) -> None:
    found: dict[tuple[str, str], list[tuple[float, float, float, int]]] = {}
    for _ in range(rounds):  # interleaved: the machine's load falls on every command alike
        for label, (command, config) in commands.items():
            for name in ("articles", "stories"):
                found.setdefault((label, name), []).append(listing(command, config, name, work / "listing.json"))
    for (label, name), runs in found.items():
        seconds = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        mb = max(r[2] for r in runs)
        measures.add(f"{name} --json ({label})", f"{seconds:6.2f} s  {mb:5.0f} MB  ({cpu:.2f} s CPU, {runs[0][3]} rows)",
                     f"{name}_json" if label == "this" else f"{name}_json_{label}", s=seconds, mb=mb, cpu_s=cpu)


def config_for(path: Path, db: Path) -> Path:
    path.write_text(f'[database]\nurl = "sqlite:///{db}"\n', encoding="utf-8")
    return path


def measure(kept: Path, size: int, work: Path, rounds: int, compare: str | None, revision: str) -> Measures:
    measures = Measures(size)
    db = work / "measured.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    _copy(kept, db)
    measures.add("database file", f"{db.stat().st_size / 2**20:6.0f} MB")
    crawls(db, work, measures)
    dedup(db, measures)
    commands = {"this": ([sys.executable, "-m", "scheduler.cli"], config_for(work / "this.toml", db))}
    if compare:
        older = work / "compared.db"
        _copy(db, older)
        engine = make_engine(f"sqlite:///{older}")
        from alembic import command

        command.downgrade(alembic_config(engine), revision)
        engine.dispose()
        commands["compared"] = (shlex.split(compare), config_for(work / "compared.toml", older))
    listings(db, work, commands, rounds, measures)
    return measures


def label(size: int) -> str:
    return f"{size // 1_000_000}m" if size >= 1_000_000 else f"{size // 1000}k"


SUMMARY = ("recrawl", "new100", "articles_json", "stories_json", "first100", "dedup_open", "dedup_check",
           "articles_json_compared", "stories_json_compared")


def summary(results: list[Measures]) -> str:
    """`scale: recrawl_100k_s=... new100_100k_s=... articles_json_100k_s=... articles_json_100k_mb=...`
    and more, at 100k stored (or the largest size measured), then the slowest building rate."""
    chosen = next((m for m in results if m.size == 100_000), results[-1])
    tag = label(chosen.size)
    first = [("recrawl", "s"), ("new100", "s"), ("articles_json", "s"), ("articles_json", "mb")]
    rest = [(key, unit) for key in SUMMARY for unit in chosen.values.get(key, {}) if (key, unit) not in first]
    pairs = [f"{key}_{tag}_{unit}={chosen.values[key][unit]:.2f}" for key, unit in first + rest
             if unit in chosen.values.get(key, {})]
    rates = [m.values["build"]["rate"] for m in results if "build" in m.values]
    if rates:
        pairs.append(f"build_articles_per_s={min(rates):.0f}")
    return "scale: " + " ".join(pairs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=SIZES[-1], help="the largest size (default 1000000)")
    parser.add_argument("--min", type=int, default=0, help="measure no size below this (they are still built)")
    parser.add_argument("--keep", type=Path, help="keep the built databases here, and start from them")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each listing (the median is shown)")
    parser.add_argument("--compare", metavar="COMMAND",
                        help="another spacewatch to time the listings of, e.g. 'env PYTHONPATH=/src/main python -m "
                             "scheduler.cli'")
    parser.add_argument("--compare-revision", default="0004", metavar="REV",
                        help="the migration that executable knows (a copy of the database is taken down to it)")
    args = parser.parse_args()
    sizes = [s for s in SIZES if s <= args.max]
    keep = args.keep or Path(tempfile.mkdtemp(prefix="scale-bench-"))
    keep.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="scale-work-"))
    results = []
    try:
        for size in sizes:
            print(f"{size} articles stored:", flush=True)
            path, how = database(keep, size)
            print(f"  database {how}", flush=True)
            if size < args.min:
                continue
            measures = measure(path, size, work, args.rounds, args.compare, args.compare_revision)
            measures.rows.insert(0, ("database", how))
            if how.startswith("built"):
                measures.values["build"] = {"rate": float(how.split("(")[1].split()[0])}
            results.append(measures)
            print()
            print(table(measures.rows, f"{size:,} articles stored"), flush=True)
            print()
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(keep, ignore_errors=True)
    print(summary(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
