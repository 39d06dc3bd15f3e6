"""The service's child processes: `spacewatch crawl` and `spacewatch digest send` run as
`python -m scheduler.cli`, each in its own process group, with a deadline.

Stopping a child: SIGINT to its main process first (Python raises KeyboardInterrupt there;
`run_crawl` then closes its CrawlRun as interrupted and stops its Scrapy process with SIGTERM,
which Scrapy handles gracefully), then, after a grace period, SIGKILL to the whole group (the
crawl's Scrapy process, analysis workers and storing process included). Articles are stored in
batches, each one transaction, so a kill leaves nothing half-written.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

DEADLINE_GRACE_SECONDS = 5.0  # after a deadline's SIGINT; a crawl that hung rarely stops by itself


def cli_command(config_file: Path | None, *args: str) -> list[str]:
    command = [sys.executable, "-m", "scheduler.cli"]
    if config_file is not None:
        command += ["--config", str(config_file)]
    return command + list(args)


@dataclass
class Outcome:
    """How a child ended: `returncode` (negative: killed by that signal), its output, and
    `stopped` when the service stopped it ("deadline" or "shutdown")."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    pid: int
    stopped: str | None = None

    @property
    def last_error_line(self) -> str:
        lines = [line.strip() for line in self.stderr.splitlines() if line.strip()]
        return lines[-1][:500] if lines else f"exit status {self.returncode}"


@dataclass
class _Running:
    process: subprocess.Popen
    kind: str
    stopped: str | None = None
    done: threading.Event = field(default_factory=threading.Event)


class Children:
    """Starts children and waits for them (each in its caller's thread); `stop_all` ends them."""

    def __init__(self) -> None:
        self._running: dict[int, _Running] = {}
        self._mutex = threading.Lock()
        self._closed = False

    def run(self, command: list[str], *, kind: str, deadline: float) -> Outcome | None:
        """Run `command` to its end or its deadline; None when the service is stopping already."""
        with self._mutex:
            if self._closed:
                return None
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True, errors="replace",
                                       start_new_session=True)
            entry = _Running(process, kind)
            self._running[process.pid] = entry
        started = time.monotonic()
        try:
            try:
                stdout, stderr = process.communicate(timeout=deadline)
            except subprocess.TimeoutExpired:
                entry.stopped = entry.stopped or "deadline"
                _signal(process.pid, signal.SIGINT)
                try:
                    stdout, stderr = process.communicate(timeout=DEADLINE_GRACE_SECONDS)
                except subprocess.TimeoutExpired:
                    _kill_group(process.pid)
                    stdout, stderr = process.communicate()
            if entry.stopped or process.returncode != 0:
                _kill_group(process.pid)  # whatever of its group is left (a stray Scrapy process)
            return Outcome(process.returncode, stdout or "", stderr or "", time.monotonic() - started,
                           process.pid, entry.stopped)
        finally:
            with self._mutex:
                self._running.pop(process.pid, None)
            entry.done.set()

    def stop_all(self, grace: float, patient_kinds: tuple[str, ...] = ()) -> None:
        """Stop every child within `grace` seconds: SIGINT at once (children of `patient_kinds`
        get half the grace to finish first), SIGKILL to the groups of those still running."""
        started = time.monotonic()
        with self._mutex:
            self._closed = True
            entries = list(self._running.values())
        for entry in entries:
            entry.stopped = entry.stopped or "shutdown"
            if entry.kind not in patient_kinds:
                _signal(entry.process.pid, signal.SIGINT)
        for entry in entries:
            if entry.kind in patient_kinds:
                _wait(entry.process, started + grace / 2)
                if entry.process.poll() is None:
                    _signal(entry.process.pid, signal.SIGINT)
        for entry in entries:
            if not _wait(entry.process, started + grace):
                _kill_group(entry.process.pid)

    def wait_recorded(self, timeout: float) -> None:
        """Wait until the callers of `run` have taken their outcomes (or `timeout` passed)."""
        deadline = time.monotonic() + timeout
        with self._mutex:
            entries = list(self._running.values())
        for entry in entries:
            entry.done.wait(max(0.0, deadline - time.monotonic()))


def _wait(process: subprocess.Popen, until: float) -> bool:
    try:
        process.wait(timeout=max(0.0, until - time.monotonic()))
        return True
    except subprocess.TimeoutExpired:
        return False


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
