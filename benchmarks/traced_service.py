"""`spacewatch run` with tracemalloc on, writing a heap snapshot every `SNAPSHOT_EVERY` seconds.

    python benchmarks/traced_service.py SNAPSHOT_FOLDER [spacewatch arguments ...]

Used by `service_soak.py --tracemalloc`: the service's own memory, traced; the crawl and
digest processes it starts are not (they are separate interpreters and exit after each run).
"""
from __future__ import annotations

import sys
import threading
import time
import tracemalloc
from pathlib import Path

SNAPSHOT_EVERY = 30.0
FRAMES = 12


def snapshots(folder: Path, stop: threading.Event) -> None:
    """Each snapshot is named by the seconds since the start it was taken at (a snapshot of a
    busy service can take longer than SNAPSHOT_EVERY)."""
    started = time.monotonic()
    while not stop.wait(SNAPSHOT_EVERY):
        snapshot = tracemalloc.take_snapshot().filter_traces(
            (tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen importlib._bootstrap>")))
        name = f"{int(time.monotonic() - started):06d}"
        partial = folder / f"{name}.partial"
        snapshot.dump(str(partial))
        partial.rename(folder / f"{name}.snapshot")


def main() -> int:
    folder = Path(sys.argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    tracemalloc.start(FRAMES)
    stop = threading.Event()
    threading.Thread(target=snapshots, args=(folder, stop), daemon=True, name="tracemalloc").start()
    from scheduler.cli import main as spacewatch

    try:
        return spacewatch(sys.argv[2:])
    finally:
        stop.set()


if __name__ == "__main__":
    sys.exit(main())
