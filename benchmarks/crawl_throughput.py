"""End-to-end crawl throughput: a generated news world served on loopback, crawled from scratch.

    python benchmarks/crawl_throughput.py [--articles 2000] [--feeds 20] [--workers 0] [--keep DIR]
                                          [--rounds 3] [--baseline CHECKOUT]

1. first crawl of every feed into an empty SQLite database: articles/s end to end (fetch,
   extract, judge, deduplicate, store), peak memory of the crawl's processes (the crawling
   process, as `spacewatch crawl`, its crawl process, storing process, analysis workers and their
   fork server: not this driver, not the HTTP server). Repeated `--rounds` times, each round
   also timing trafilatura alone on the same pages in a pool of two processes (the floor any
   crawl that extracts text pays) and, with
   `--baseline`, another checkout's own run of this benchmark (e.g. a git worktree of an older
   commit, with its `.venv`): the machine is shared, so only ratios within one round are compared;
2. second crawl of the unchanged feeds: conditional GETs, no article page fetched again;
3. third crawl with the feeds' validators forgotten: every feed is read again in full, and
   every entry is skipped because its article is stored.
Then where the time went, and the cost of each analysis stage measured on a sample of pages.
Targets: >= 100 articles/s, < 500 MB, second crawl < 5 s with no article fetched.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.newsworld import build  # noqa: E402
from analysis.rules import Rules, TopicRules  # noqa: E402
from crawler.options import CrawlOptions, SourceSpec  # noqa: E402
from crawler.run import run_crawl  # noqa: E402
from storage.db import open_database  # noqa: E402
from storage.models import Article, Source  # noqa: E402


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files with keep-alive, Last-Modified and an ETag (If-None-Match answers 304), as real
    servers send them."""

    protocol_version = "HTTP/1.1"
    _etag: str | None = None

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isfile(path):
            stat = os.stat(path)
            self._etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
            if self.headers.get("If-None-Match") == self._etag:
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.end_headers()
                return None
        return super().send_head()

    def end_headers(self) -> None:
        if self._etag:
            self.send_header("ETag", self._etag)
            self._etag = None
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        with self.server.lock:
            self.server.log.write(self.path + "\n")
            self.server.log.flush()


def serve_forever(folder: Path, port: int, log: Path) -> None:
    """The world's HTTP server, in a process of its own: it must not take the crawl's CPU time
    through this process's GIL, nor count in the crawl's memory. Each path served is appended to
    `log` before its body is sent, so a finished crawl has logged every request it made."""
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(QuietHandler, directory=str(folder)))
    server.daemon_threads = True
    server.lock, server.log = threading.Lock(), log.open("a", encoding="utf-8")
    server.serve_forever(poll_interval=0.5)


class WorldServer:
    """`serve_forever` in a child process (`python crawl_throughput.py --serve ...`)."""

    def __init__(self, folder: Path, port: int, log: Path) -> None:
        self.log = log
        log.write_text("")
        self.process = subprocess.Popen([sys.executable, __file__, "--serve", str(folder), str(port), str(log)])
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.close()
                    raise RuntimeError(f"the benchmark's HTTP server did not start on port {port}") from None
                time.sleep(0.05)

    @property
    def paths(self) -> list[str]:
        return self.log.read_text("utf-8").splitlines()

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MemoryWatch:
    """Samples the proportional set size (PSS: shared pages split fairly) of the crawl's processes,
    and the largest RSS of any one of them. The crawl's processes are every descendant of this
    process (the crawling process, its crawl process, storing process, analysis workers, their fork
    server and resource tracker) except `excluded` (the HTTP server) and its descendants: this
    driver, which holds the world and the reports, is not part of the product's footprint."""

    def __init__(self, excluded: int, interval: float = 0.5, tree_every: int = 4) -> None:
        # Sampling costs this process ~2 ms for the process tree and ~2 ms a process for its
        # PSS (the kernel walks its page tables): at 0.5 s, with the tree re-read every 2 s,
        # that is ~2% of a core taken from the crawl, where 0.1 s took ~10%.
        self.excluded, self.interval, self.tree_every = excluded, interval, tree_every
        self.peak_pss, self.peak_rss = 0, 0
        self.counted: dict[int, int] = {}  # pid: parent pid, of every process sampled
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "MemoryWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        samples, tree = 0, []
        while not self._stop.wait(self.interval):
            if samples % self.tree_every == 0:
                tree = _tree(os.getpid(), skip={os.getpid(), self.excluded})
            samples += 1
            pss = 0
            for pid, parent in tree:
                values = _memory(pid)
                if values:
                    self.counted[pid] = parent
                pss += values.get("Pss", 0)
                self.peak_rss = max(self.peak_rss, values.get("Rss", 0))
            self.peak_pss = max(self.peak_pss, pss)


def _tree(root: int, skip: set[int]) -> list[tuple[int, int]]:
    """The descendants of `root`, and `root` itself unless skipped; a skipped descendant is left
    out with its own descendants. Each as (pid, parent pid)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [(root, 0)]
    while todo:
        pid, parent = todo.pop()
        if pid in skip and pid != root:
            continue
        if pid not in skip:
            found.append((pid, parent))
        todo.extend((child, pid) for child in children.get(pid, []))
    return found


def _describe(parents: dict[int, int], root: int) -> str:
    """What the sampled processes were, by their place in the tree: "crawl process x1, ..."."""
    names = {1: "crawling process (as the CLI)", 2: "crawl process", 3: "storing process, workers' server, resource tracker",
             4: "analysis worker"}

    def depth(pid: int) -> int:
        parent = parents.get(pid, root)
        return 1 if parent == root else 1 + depth(parent)

    counts: dict[str, int] = {}
    for pid in parents:  # all ended by now: their place in the tree is what is left to tell them by
        kind = names.get(depth(pid), "other")
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{name} x{count}" for name, count in sorted(counts.items())) or "none"


def machine_busy() -> float:
    """Seconds of CPU the whole machine has spent busy (all cores, all processes) since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # less idle and iowait


def process_cpu(pid: int) -> float:
    """Seconds of CPU process `pid` has used (user + system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _memory(pid: int) -> dict[str, int]:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return {}
    values = {}
    for line in text.splitlines()[1:]:
        name, _, rest = line.partition(":")
        if rest.strip().endswith("kB"):
            values[name.strip()] = int(rest.split()[0]) * 1024
    return values


def stage_costs(folder: Path, sample: int = 60) -> list[tuple[str, str]]:
    """Milliseconds a page for each analysis stage, one process, on a sample of generated pages."""
    from analysis.analyse import text_hash
    from analysis.shingles import signature
    from analysis.details import extract_details
    from analysis.extract import extract_page
    from analysis.language import nlp
    from analysis.relevance import judge
    from analysis.urls import canonical_url

    pages = sorted(folder.glob("outlet*/*/*/*.html"))[:sample]
    htmls = [p.read_text("utf-8") for p in pages]
    topic = TopicRules()
    totals = {"extract (trafilatura + metadata)": 0.0, "canonical URL": 0.0, "relevance": 0.0,
              "details": 0.0, "text hash + MinHash signature": 0.0}
    load = time.perf_counter()
    nlp()  # as the crawl process does before forking its workers: not a cost of any page
    load = time.perf_counter() - load
    for path, html in zip(pages, htmls):
        url = "http://127.0.0.1/" + str(path.relative_to(folder))
        t0 = time.perf_counter()
        extracted = extract_page(html, url)
        t1 = time.perf_counter()
        canonical_url(url, extracted.canonical_url)
        t2 = time.perf_counter()
        verdict = judge(extracted.title, extracted.text, topic, ())
        t3 = time.perf_counter()
        extract_details(extracted.title, extracted.text, extracted.published_at, ())
        t4 = time.perf_counter()
        text_hash(extracted.text)
        signature(extracted.text)
        t5 = time.perf_counter()
        for name, spent in zip(totals, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
            totals[name] += spent
        del verdict
    rows = [(name, f"{1000 * spent / len(pages):.1f} ms a page") for name, spent in totals.items()]
    return rows + [("  of relevance: the parser (spaCy)", f"{_parse_share(htmls, topic):.1f} ms a page"),
                   ("language model load, once a crawl", f"{load:.2f} s")]


def _parse_share(htmls: list[str], topic: TopicRules) -> float:
    """Milliseconds a page the relevance judge spends in the parser: the judge timed as it is
    and with the parser switched off (its sentences then read by proximity)."""
    from analysis import relevance
    from analysis.extract import extract_page

    texts = [extract_page(html, "http://127.0.0.1/") for html in htmls]
    parser = relevance._nlp
    spent = []
    for switch in (parser, lambda model: None):
        relevance._nlp = switch
        t0 = time.perf_counter()
        for page in texts:
            relevance.judge(page.title, page.text, topic, ())
        spent.append(time.perf_counter() - t0)
    relevance._nlp = parser
    return 1000 * (spent[0] - spent[1]) / len(texts)


def table(rows: list[tuple[str, str]], title: str) -> str:
    width = max(len(name) for name, _ in rows)
    lines = [title, "-" * len(title)]
    lines += [f"{name.ljust(width)}  {value}" for name, value in rows]
    return "\n".join(lines)


def first_crawl(db_url: str, factory, specs, options, rules, server) -> tuple[float, list[tuple[str, str]]]:
    """The first crawl into an empty database: its rate (articles/s) and the rows of its table.
    It runs as `spacewatch crawl` does: in a process with a single thread (forked from this one
    before the memory sampling starts), which imports the crawl process's modules and forks the
    crawl, whose workers load the model. So it pays the imports and the model load as the CLI does,
    and as the baseline, run in a process of its own each round, pays its own."""
    assert threading.active_count() == 1, "the crawling process must be forked from a single thread"
    context = multiprocessing.get_context("fork")
    go, going = context.Pipe(duplex=False)
    result, sending = context.Pipe(duplex=False)
    crawling = context.Process(target=_crawl_alone, args=(db_url, specs, options, rules, go, sending))
    crawling.start()
    rows: list[tuple[str, str]] = []
    load_before = os.getloadavg()[0]
    busy_before, server_before, driver_before = machine_busy(), process_cpu(server.process.pid), time.process_time()
    with MemoryWatch(excluded=server.process.pid) as memory:
        going.send(True)
        first_wall, first = result.recv()
    crawling.join()
    busy = machine_busy() - busy_before
    server_cpu = process_cpu(server.process.pid) - server_before
    driver_cpu = time.process_time() - driver_before
    with factory() as session:
        stored = session.query(Article).count()
    print(first.describe(), flush=True)
    rate = stored / first_wall
    rows += [("articles stored", f"{stored}"),
             ("first crawl, wall", f"{first_wall:.1f} s"),
             ("first crawl, articles/s end to end", f"{rate:.1f}  (target >= 100)"),
             ("peak memory, PSS of the crawl's processes", f"{memory.peak_pss / 2**20:.0f} MB  (target < 500)"),
             ("  processes counted", _describe(memory.counted, os.getpid())),
             ("peak RSS of one process", f"{memory.peak_rss / 2**20:.0f} MB")]
    t = first.timings
    cpu = t.get("crawl_process_cpu", 0) + t.get("analyse_cpu", 0) + t.get("ingest_cpu", 0)
    cores = os.cpu_count() or 1
    rows += [("CPU an article (crawl, storing, analysis)", f"{1000 * cpu / max(stored, 1):.1f} ms"),
             (f"  capacity on {cores} idle cores at that cost", f"{cores * stored / max(cpu, 1e-9):.0f} articles/s"),
             ("  load average during the crawl (other work)", f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"),
             ("  machine CPU busy during the crawl", f"{busy:.1f} s of {cores * first_wall:.1f} s on {cores} cores"),
             ("    HTTP server process (harness)", f"{server_cpu:.1f} s"),
             ("    this driver (bookkeeping, memory sampling)", f"{driver_cpu:.1f} s"),
             ("    crawling process's imports + other programs (the rest)", f"{max(busy - cpu - server_cpu - driver_cpu, 0):.1f} s")]
    rows += [("  crawl process wall (spawn to report)", f"{t.get('crawl_process_wall', 0):.1f} s"),
             ("  crawl process CPU (Scrapy, start-up)", f"{t.get('crawl_process_cpu', 0):.1f} s"),
             ("  storing process (dedup + database)", f"{t.get('ingest_cpu', 0):.1f} s CPU, "
                                                      f"{t.get('ingest', 0):.1f} s busy (with waits for a core)"),
             ("    articles a transaction, on average", f"{stored / max(t.get('store_batches', 0), 1):.1f}"),
             ("  analysis CPU in workers (sum)", f"{t.get('analyse_cpu', 0):.1f} s over "
                                                  f"{t.get('workers', 0):.0f} worker(s)"),
             ("  pages waiting for a worker, most at once", f"{t.get('most_pending', 0):.0f}"),
             ("  change detection", f"{t.get('detect_changes', 0):.2f} s"),
             ("  crawling process: imports, bookkeeping, spawn", f"{first_wall - t.get('crawl_process_wall', 0) - t.get('detect_changes', 0):.1f} s")]

    return rate, rows


def _crawl_alone(db_url: str, specs, options, rules, go, sending) -> None:
    """`first_crawl`'s crawling process: waits for `go`, then crawls and sends its wall time and summary."""
    go.recv()
    engine, factory = open_database(db_url)
    t0 = time.perf_counter()
    try:
        summary = run_crawl(factory, specs, options, rules, progress=False, trigger="manual")
    finally:
        engine.dispose()
    sending.send((time.perf_counter() - t0, summary))


def trafilatura_alone(world: Path, processes: int = 2) -> float:
    """Pages a second that trafilatura alone extracts from the world's pages in a pool."""
    pages = sorted(str(p) for p in world.glob("outlet*/*/*/*.html"))
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        pool.map(_extract_file, pages[:processes])  # imported and warm before the clock starts
        t0 = time.perf_counter()
        pool.map(_extract_file, pages, chunksize=16)
        return len(pages) / (time.perf_counter() - t0)


def _extract_file(path: str) -> int:
    import trafilatura

    return len(trafilatura.extract(Path(path).read_text("utf-8")) or "")


def baseline_rate(checkout: Path, articles: int, feeds: int) -> float:
    """The first-crawl rate another checkout's own copy of this benchmark reports."""
    run = subprocess.run([str(checkout / ".venv/bin/python"), str(checkout / "benchmarks/crawl_throughput.py"),
                          "--articles", str(articles), "--feeds", str(feeds)],
                         cwd=checkout, capture_output=True, text=True, check=True)
    for line in run.stdout.splitlines():
        if line.startswith("first crawl, articles/s end to end"):
            return float(line.split("end to end")[1].split()[0])
    raise RuntimeError(f"{checkout}: no first-crawl rate in its benchmark's output")


def ratio_rows(rounds: list[tuple[float, float, float | None]]) -> list[tuple[str, str]]:
    """Per-round ratios and their medians: this crawl against trafilatura alone and the baseline."""
    alone = [rate / floor for floor, rate, _ in rounds]
    rows = [(f"vs trafilatura alone, {len(rounds)} round(s)", " ".join(f"{r:.2f}x" for r in alone)
             + f"  median {statistics.median(alone):.2f}x  (target >= 0.6x)")]
    against = [rate / before for _, rate, before in rounds if before]
    if against:
        rows.append(("vs the baseline checkout", " ".join(f"{r:.2f}x" for r in against)
                     + f"  median {statistics.median(against):.2f}x  (at most 10% slower: >= 0.90x)"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=0, help="analysis processes (0: one per core)")
    parser.add_argument("--keep", type=Path, help="build the world and database here and keep them")
    parser.add_argument("--rounds", type=int, default=1, help="first crawls, each beside trafilatura alone")
    parser.add_argument("--baseline", type=Path, help="another checkout (with .venv) to run in each round")
    parser.add_argument("--serve", nargs=3, metavar=("FOLDER", "PORT", "LOG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        folder, port, log = args.serve
        serve_forever(Path(folder), int(port), Path(log))
        return 0

    work = args.keep or Path(tempfile.mkdtemp(prefix="crawl-bench-"))
    world = work / "world"
    port = free_port()  # the pages carry absolute URLs: the port must be known before they are written
    base = f"http://127.0.0.1:{port}"
    if world.exists():
        shutil.rmtree(world)
    world.mkdir(parents=True)
    started = time.perf_counter()
    feeds = build(world, base, args.articles, args.feeds)
    print(f"generated {args.articles} pages and {args.feeds} feeds in {time.perf_counter() - started:.1f} s "
          f"under {world}", flush=True)
    server = WorldServer(world, port, work / "served.log")
    specs = [SourceSpec(name=o, type="feed", url=base + path) for o, path in feeds.items()]
    options = CrawlOptions(workers=args.workers, concurrency_per_domain=8, max_pages_per_site=10_000,
                           user_agent="spacewatch-benchmark/1.0")
    rules = Rules(topic=TopicRules())
    db = work / "bench.db"
    db.unlink(missing_ok=True)
    engine, factory = open_database(f"sqlite:///{db}")
    rows: list[tuple[str, str]] = []
    rounds: list[tuple[float, float, float | None]] = []
    try:
        for number in range(1, args.rounds + 1):
            alone = trafilatura_alone(world)
            engine.dispose()
            for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
                path.unlink(missing_ok=True)
            engine, factory = open_database(f"sqlite:///{db}")
            rate, rows = first_crawl(f"sqlite:///{db}", factory, specs, options, rules, server)
            before = baseline_rate(args.baseline, args.articles, args.feeds) if args.baseline else None
            rounds.append((alone, rate, before))
            print(f"round {number}: trafilatura alone {alone:.1f} pages/s, this crawl {rate:.1f} articles/s "
                  f"({rate / alone:.2f}x)" + (f", baseline {before:.1f} articles/s ({rate / before:.2f}x)"
                                              if before else ""), flush=True)
        rows += ratio_rows(rounds)

        mark = len(server.paths)
        t0 = time.perf_counter()
        second = run_crawl(factory, specs, options, rules, progress=False, trigger="manual")
        second_wall = time.perf_counter() - t0
        pages_again = [p for p in server.paths[mark:] if not p.startswith(("/feeds/", "/robots.txt"))]
        rows += [("second crawl (unchanged feeds), wall", f"{second_wall:.2f} s  (target < 5)"),
                 ("  article pages fetched again", f"{len(pages_again)}  (target 0)"),
                 ("  sources answering 304", f"{sum(r.status == 'not_modified' for r in second.sources)}"
                                             f" of {len(second.sources)}")]

        with factory() as session, session.begin():
            for source in session.query(Source):
                source.etag = source.last_modified = None
        mark = len(server.paths)
        t0 = time.perf_counter()
        third = run_crawl(factory, specs, options, rules, progress=False, trigger="manual")
        third_wall = time.perf_counter() - t0
        pages_again = [p for p in server.paths[mark:] if not p.startswith(("/feeds/", "/robots.txt"))]
        rows += [("third crawl (feeds re-read in full), wall", f"{third_wall:.2f} s"),
                 ("  article pages fetched again", f"{len(pages_again)}  (target 0)"),
                 ("  entries skipped as stored", f"{sum(r.skipped_known for r in third.sources)}")]
    finally:
        engine.dispose()
        server.close()
    print()
    print(table(rows, "crawl throughput"))
    print()
    print(table(stage_costs(world),
                "analysis stages, one process (where the workers' time goes)"))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
