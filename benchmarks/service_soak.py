"""Soak test of `spacewatch run`: many loopback feeds polled for a long while.

    python benchmarks/service_soak.py [--feeds 500] [--every 30] [--minutes 10] [--warmup 2] [--db URL]
                                      [--live] [--tracemalloc]

A loopback server serves `--feeds` RSS feeds (ETag and conditional GET, so an unchanged feed
costs a 304) whose entries change now and then (each feed gets a new, relevant article about
every `--new-every` seconds, staggered), and the article pages. The real service runs as a
subprocess on a fresh SQLite database (or `--db`) with every source at `--every`.

Measured: the polls of each feed (a missed cycle is a gap longer than 1.5x `every`), the crawl
batches (finished / killed / crashed, from the service's log), the service process's memory
and open file descriptors, sampled every 5 s from /proc/PID/smaps: RSS, PSS, and the RSS split
into the brk heap, other anonymous memory (glibc's thread arenas, large allocations), stacks
and mapped files; one row per minute. Growth is measured from the end of the warm-up to the
end, with the least-squares slope (MiB/min) over that span and over its second half. Targets:
no missed cycle, no killed or crashed batch, memory flat (both slopes <= FLAT_SLOPE, growth
< 10%; the verdict line), file descriptors flat. PSS moves with the crawl processes alive at
the moment (they share the libraries' pages), so the verdict reads RSS.

The service runs under `benchmarks/traced_service.py`, which probes it from inside every 30 s
(glibc malloc's arenas and free space, SQLite's own allocations, the connection pool); one
probe a minute is printed. With `--tracemalloc` it also writes a heap snapshot each time and
the growth of Python's heap between the first snapshot after the warm-up and the last is
printed by source line (tracing costs memory of its own: compare RSS figures from runs
without it).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from pathlib import Path

WORDS = ("crew capsule launch rehearsal camera lens script scene studio producer budget orbit module docking "
         "hatch window lighting costume makeup editor footage premiere festival audience critic review trailer "
         "schedule training centrifuge parachute medical checkup interview statement agency contract sponsor "
         "network channel broadcast ratings archive engineer physician commander flight segment experiment "
         "laboratory cupola airlock").split()
ENTRIES_PER_FEED = 3
SAMPLE_EVERY = 5.0
FLAT_SLOPE = 0.1  # MiB/min after the warm-up: 3 MiB over half an hour, an eighth of the growth issue 12 found


class World:
    """Feeds whose newest entry changes every `new_every` seconds (offset per feed)."""

    def __init__(self, feeds: int, new_every: float) -> None:
        self.feeds = feeds
        self.new_every = new_every
        self.started = time.time()
        self.offsets = [random.Random(i).uniform(0, new_every) for i in range(feeds)]
        self.polls: list[list[float]] = [[] for _ in range(feeds)]
        self.pages = 0
        self.lock = threading.Lock()

    def version(self, feed: int) -> int:
        return int((time.time() - self.started + self.offsets[feed]) / self.new_every)

    def feed(self, feed: int, base: str) -> tuple[str, str]:
        version = self.version(feed)
        items = []
        for v in range(max(0, version - ENTRIES_PER_FEED + 1), version + 1):
            items.append(f"<item><title>Feed {feed} report {v}</title><link>{base}/articles/{feed}/{v}.html</link>"
                         f"<description>Film crew in orbit, report {v}.</description>"
                         f"<guid>{base}/articles/{feed}/{v}.html</guid></item>")
        body = (f"<?xml version='1.0'?><rss version='2.0'><channel><title>Feed {feed}</title><link>{base}</link>"
                + "".join(reversed(items)) + "</channel></rss>")
        return body, f'"f{feed}-v{version}"'

    @staticmethod
    def article(feed: int, version: int) -> str:
        rng = random.Random(feed * 100_003 + version)
        sentences = [f"The actress and the director will film a movie aboard the space station, report {feed}-{version}."]
        sentences += [" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(14)]
        title = f"Feed {feed} report {version}: a film crew in orbit"
        return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
                + "".join(f"<p>{s}</p>" for s in sentences) + "</article></body></html>")


def serve(world: World) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            parts = self.path.split("?")[0].strip("/").split("/")
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if len(parts) == 2 and parts[0] == "feeds":
                feed = int(parts[1].removesuffix(".xml"))
                with world.lock:
                    world.polls[feed].append(time.monotonic())
                body, etag = world.feed(feed, base)
                if self.headers.get("If-None-Match") == etag:
                    self._answer(304, b"", {"ETag": etag})
                else:
                    self._answer(200, body.encode(), {"ETag": etag, "Content-Type": "application/rss+xml",
                                                      "Last-Modified": formatdate(usegmt=True)})
            elif len(parts) == 3 and parts[0] == "articles":
                with world.lock:
                    world.pages += 1
                page = world.article(int(parts[1]), int(parts[2].removesuffix(".html")))
                self._answer(200, page.encode(), {"Content-Type": "text/html; charset=utf-8"})
            else:
                self._answer(404, b"not found", {"Content-Type": "text/plain"})

        def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(name, value)
            self.end_headers()
            if body:
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = 1024  # a crawl opens hundreds of connections at once; 5 drops SYNs

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    return server


@dataclass
class Memory:
    """One sample of the service's memory in KiB: resident and proportional (PSS) sizes, and
    the resident size split by kind of mapping (brk heap, other anonymous memory, which holds
    glibc's thread arenas and large allocations, thread stacks, mapped files)."""

    at: float
    rss: int
    pss: int
    heap: int
    anon: int
    stack: int
    file: int
    fds: int


def memory(pid: int, at: float) -> Memory:
    rss, pss, kinds = 0, 0, {"heap": 0, "anon": 0, "stack": 0, "file": 0}
    kind = "anon"
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        fields = line.split()
        if "-" in fields[0] and not fields[0].endswith(":"):  # a mapping's header: range perms offset dev inode [name]
            name = fields[5] if len(fields) > 5 else ""
            kind = ("heap" if name == "[heap]" else "stack" if name.startswith("[stack") else
                    "anon" if not name or name.startswith("[anon") else "file" if name.startswith("/") else "other")
        elif fields[0] == "Rss:":
            rss += int(fields[1])
            if kind in kinds:
                kinds[kind] += int(fields[1])
        elif fields[0] == "Pss:":
            pss += int(fields[1])
    return Memory(at, rss, pss, fds=fds(pid), **kinds)


def cpu_seconds(pid: int) -> tuple[float, float]:
    """(the process's own CPU seconds, its waited-for children's)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick


def fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--every", type=int, default=30, help="seconds between polls of each feed")
    parser.add_argument("--minutes", type=float, default=10.0, help="how long the service runs")
    parser.add_argument("--warmup", type=float, default=2.0, help="minutes before memory is baselined")
    parser.add_argument("--new-every", type=float, default=150.0, help="seconds between new entries of a feed")
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (config, log, database)")
    parser.add_argument("--live", action="store_true", help="print each memory sample as it is taken")
    parser.add_argument("--tracemalloc", action="store_true", help="trace the service's heap and show its growth")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="spacewatch-soak-"))
    world = World(args.feeds, args.new_every)
    server = serve(world)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    db = args.db or f"sqlite:///{folder / 'soak.db'}"
    sources = "".join(f'[[sources]]\nname = "feed-{i:04d}"\ntype = "feed"\nurl = "{base}/feeds/{i}.xml"\n'
                      f'every = "{args.every}s"\n\n' for i in range(args.feeds))
    config = folder / "spacewatch.toml"
    config.write_text(f'[database]\nurl = "{db}"\n\n[crawl]\nobey_robots = false\n\n{sources}'
                      f'[digest]\nschedule = "*/5 * * * *"\n', encoding="utf-8")
    log_path = folder / "service.log"
    print(f"soak: {args.feeds} feeds every {args.every} s for {args.minutes} min; work folder {folder}", flush=True)
    with open(log_path, "w") as log:
        runner = [str(Path(__file__).resolve().parent / "traced_service.py"), str(folder / "heap"),
                  *(["--trace"] if args.tracemalloc else [])]
        service = subprocess.Popen([sys.executable, *runner, "--config", str(config), "run"],
                                   stdout=subprocess.DEVNULL, stderr=log, cwd=folder,
                                   env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
        samples: list[Memory] = []
        started = time.monotonic()
        end = started + args.minutes * 60
        try:
            while time.monotonic() < end and service.poll() is None:
                samples.append(memory(service.pid, time.monotonic() - started))
                if args.live:
                    print(f"  {samples[-1].at / 60:5.1f} min  RSS {samples[-1].rss / 1024:6.1f} MiB  "
                          f"PSS {samples[-1].pss / 1024:6.1f} MiB", flush=True)
                time.sleep(SAMPLE_EVERY)  # a sampling period, not a wait for an event
            alive = service.poll() is None
            own_cpu, children_cpu = cpu_seconds(service.pid) if alive else (0.0, 0.0)
            stop_started = time.monotonic()
            service.send_signal(signal.SIGTERM)
            code = service.wait(60)
            stop_seconds = time.monotonic() - stop_started
        finally:
            if service.poll() is None:
                service.kill()
    server.shutdown()

    text = log_path.read_text()
    finished, killed, crashed = (text.count(f"event=crawl.{kind}") for kind in ("finished", "killed", "crashed"))
    warm = args.warmup * 60
    after = [s for s in samples if s.at >= warm] or samples
    base_rss, last_rss = after[0].rss, statistics.mean(s.rss for s in after[-3:])
    fd_values = [s.fds for s in after]
    limit = 1.5 * args.every
    gaps = [b - a for polls in world.polls for a, b in pairwise(polls)]
    missed = sum(1 for gap in gaps if gap > limit)
    per_feed = [len(p) for p in world.polls]
    expected = args.minutes * 60 / args.every
    print(f"service alive to the end: {alive}; SIGTERM -> exit {code} in {stop_seconds:.1f} s")
    print(f"crawl batches: {finished} finished, {killed} killed, {crashed} crashed; article pages served: {world.pages}")
    print(f"polls per feed: min {min(per_feed)}, median {statistics.median(per_feed)}, max {max(per_feed)} "
          f"(~{expected:.0f} slots of {args.every} s); never polled: {per_feed.count(0)}")
    if gaps:
        print(f"gaps between polls of a feed: median {statistics.median(gaps):.1f} s, max {max(gaps):.1f} s; "
              f"missed cycles (gap > {limit:.0f} s): {missed} of {len(gaps)}")
    growth = (last_rss - base_rss) / base_rss
    slopes = {kind: slope(after, kind) for kind in ("rss", "pss")}
    late = slope(after[len(after) // 2:], "rss")
    print_minutes(samples, warm)
    print(f"service RSS after warm-up: {base_rss / 1024:.1f} MiB -> {last_rss / 1024:.1f} MiB "
          f"({growth * 100:+.1f}%); peak {max(s.rss for s in samples) / 1024:.1f} MiB")
    print(f"slope after warm-up: RSS {slopes['rss']:+.3f} MiB/min, PSS {slopes['pss']:+.3f} MiB/min; "
          f"RSS over the second half {late:+.3f} MiB/min")
    flat = growth < 0.10 and slopes["rss"] <= FLAT_SLOPE and late <= FLAT_SLOPE
    print(f"memory verdict: {'FLAT' if flat else 'GROWING'} (RSS slope {slopes['rss']:+.3f}, second half "
          f"{late:+.3f} MiB/min; flat means both <= {FLAT_SLOPE} MiB/min and growth < 10%)")
    wall = args.minutes * 60
    print(f"CPU: service {own_cpu:.1f} s ({own_cpu / wall * 100:.1f}% of a core), crawl and digest processes "
          f"{children_cpu:.1f} s ({children_cpu / wall * 100:.0f}% of a core)")
    print(f"service open fds after warm-up: min {min(fd_values)}, max {max(fd_values)}, last {fd_values[-1]}")
    if args.tracemalloc:
        heap_growth(folder / "heap", warm)
    print_probes(folder / "heap" / "probe.jsonl")
    ok = (alive and code == 0 and killed == 0 and crashed == 0 and missed == 0 and per_feed.count(0) == 0
          and flat and max(fd_values) - min(fd_values) <= 4)
    print("PASS" if ok else "FAIL")
    if not args.keep:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return 0 if ok else 1


def slope(samples: list[Memory], kind: str) -> float:
    """The least-squares slope of `kind` over `samples`, in MiB per minute."""
    if len(samples) < 2:
        return 0.0
    return statistics.linear_regression([s.at / 60 for s in samples], [getattr(s, kind) / 1024 for s in samples]).slope


def print_minutes(samples: list[Memory], warm: float) -> None:
    """One line per whole minute: the last sample taken in that minute, in MiB."""
    print(f"{'min':>5} {'RSS':>7} {'PSS':>7} {'heap':>7} {'anon':>7} {'stack':>6} {'file':>7} {'fds':>4}")
    by_minute = {int(s.at // 60): s for s in samples}
    for minute, s in sorted(by_minute.items()):
        mark = "" if s.at >= warm else "  (warm-up)"
        print(f"{minute + 1:5d} " + " ".join(f"{getattr(s, k) / 1024:{w}.1f}" for k, w in
              (("rss", 7), ("pss", 7), ("heap", 7), ("anon", 7), ("stack", 6), ("file", 7))) + f" {s.fds:4d}{mark}")


def heap_growth(folder: Path, warm_seconds: float, top: int = 15) -> None:
    """The lines whose memory grew most from the first snapshot after the warm-up to the last."""
    import tracemalloc

    files = sorted(folder.glob("*.snapshot"))
    later = [f for f in files if int(f.stem) >= warm_seconds]
    if len(later) < 2:
        print("tracemalloc: fewer than two snapshots after the warm-up")
        return
    first, last = tracemalloc.Snapshot.load(str(later[0])), tracemalloc.Snapshot.load(str(later[-1]))
    minutes = (int(later[-1].stem) - int(later[0].stem)) / 60
    traced = [sum(stat.size for stat in snap.statistics("filename")) for snap in (first, last)]
    print(f"traced heap after warm-up: {traced[0] / 2**20:.2f} MiB -> {traced[1] / 2**20:.2f} MiB "
          f"over {minutes:.1f} min ({(traced[1] - traced[0]) / 2**10 / max(minutes, 1e-9):+.0f} KiB/min)")
    for stat in last.compare_to(first, "lineno")[:top]:
        frame = stat.traceback[0]
        print(f"  {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks  {frame.filename}:{frame.lineno}")


def print_probes(probes: Path) -> None:
    """The service's view of its memory, from traced_service.py's probes (one a minute)."""
    if probes.exists():
        print("inside the service (MiB): glibc malloc in arenas / in use / free / mmapped; SQLite's allocations; "
              "arenas, threads, connection pools")
        for line in probes.read_text().splitlines()[1::2]:
            p = json.loads(line)
            print(f"  {p['at'] / 60:5.1f} min  {p['malloc_arena_mib']:6.1f} {p['malloc_used_mib']:6.1f} "
                  f"{p['malloc_free_mib']:6.1f} {p['malloc_mmap_mib']:6.1f}  sqlite {p['sqlite_mib']:5.1f}  "
                  f"arenas {p['arenas']:2d} threads {p['threads']:2d}  {' | '.join(p['pools'])}")


if __name__ == "__main__":
    sys.exit(main())
