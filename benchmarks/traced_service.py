"""`spacewatch run` probed from inside every `SNAPSHOT_EVERY` seconds.

    python benchmarks/traced_service.py FOLDER [--trace] [spacewatch arguments ...]

Used by `service_soak.py`: each probe appends a line to FOLDER/probe.jsonl with glibc malloc's
totals (mallinfo2, the number of arenas from malloc_info), SQLite's own allocations
(sqlite3_memory_used) and each engine's connection pool. With `--trace` (the soak's
`--tracemalloc`) tracemalloc runs too and a heap snapshot is written beside it. Only the
service's own memory: the crawl and digest processes it starts are separate interpreters.
"""
from __future__ import annotations

import ctypes
import json
import sys
import tempfile
import threading
import time
import tracemalloc
import weakref
from pathlib import Path

SNAPSHOT_EVERY = 30.0
FRAMES = 12
ENGINES: weakref.WeakSet = weakref.WeakSet()  # the service's engines (storage.db.make_engine, wrapped below)


def snapshots(folder: Path, stop: threading.Event) -> None:
    """Each snapshot is named by the seconds since the start it was taken at (a snapshot of a
    busy service can take longer than SNAPSHOT_EVERY)."""
    started = time.monotonic()
    while not stop.wait(SNAPSHOT_EVERY):
        name = f"{int(time.monotonic() - started):06d}"
        if tracemalloc.is_tracing():
            snapshot = tracemalloc.take_snapshot().filter_traces(
                (tracemalloc.Filter(False, tracemalloc.__file__),
                 tracemalloc.Filter(False, "<frozen importlib._bootstrap>")))
            partial = folder / f"{name}.partial"
            snapshot.dump(str(partial))
            partial.rename(folder / f"{name}.snapshot")
        with open(folder / "probe.jsonl", "a") as out:
            out.write(json.dumps({"at": int(name), **probe()}) + "\n")


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def probe() -> dict:
    """What the heap outside Python's objects holds: glibc malloc's totals, SQLite's own
    allocations, the database pools' connections, the threads."""
    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = _MallInfo2
    info = libc.mallinfo2()
    sqlite = ctypes.CDLL("libsqlite3.so.0")
    sqlite.sqlite3_memory_used.restype = ctypes.c_int64
    libc.fopen.restype = ctypes.c_void_p
    libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    libc.fclose.argtypes = [ctypes.c_void_p]
    libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
    with tempfile.NamedTemporaryFile(suffix=".xml") as xml:
        stream = libc.fopen(xml.name.encode(), b"w")
        libc.malloc_info(0, stream)
        libc.fclose(stream)
        arenas = Path(xml.name).read_text().count("<heap nr=")
    pools = [engine.pool.status() for engine in ENGINES]
    return {"malloc_arena_mib": info.arena / 2**20, "malloc_mmap_mib": info.hblkhd / 2**20,
            "malloc_used_mib": info.uordblks / 2**20, "malloc_free_mib": info.fordblks / 2**20,
            "malloc_top_mib": info.keepcost / 2**20, "sqlite_mib": sqlite.sqlite3_memory_used() / 2**20,
            "arenas": arenas, "threads": threading.active_count(), "pools": pools}


def main() -> int:
    folder, trace, arguments = Path(sys.argv[1]), sys.argv[2] == "--trace", sys.argv[2:]
    folder.mkdir(parents=True, exist_ok=True)
    if trace:
        arguments = arguments[1:]
        tracemalloc.start(FRAMES)
    stop = threading.Event()
    threading.Thread(target=snapshots, args=(folder, stop), daemon=True, name="tracemalloc").start()
    import storage.db

    make_engine = storage.db.make_engine

    def recorded(url: str):
        engine = make_engine(url)
        ENGINES.add(engine)
        return engine

    storage.db.make_engine = recorded
    from scheduler.cli import main as spacewatch

    try:
        return spacewatch(arguments)
    finally:
        stop.set()


if __name__ == "__main__":
    sys.exit(main())
