"""Helpers for the service tests: loopback feeds with distinct relevant articles, a config
file, the real `spacewatch` CLI in subprocesses, and waiting on logs with a deadline."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.loopback import LoopbackSite, Response

WORDS = ("crew capsule launch rehearsal camera lens script scene studio producer budget orbit "
         "module docking hatch window lighting costume makeup editor footage premiere festival "
         "audience critic review trailer schedule training centrifuge parachute medical checkup "
         "interview statement agency contract sponsor network channel broadcast ratings archive "
         "engineer physician commander flight segment experiment laboratory cupola airlock").split()


def article_html(title: str, seed: int) -> str:
    rng = random.Random(seed)
    sentences = [f"The actress and the director will film a movie aboard the space station, report {seed}."]
    for _ in range(14):
        sentences.append(" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + ".")
    body = "".join(f"<p>{s}</p>" for s in sentences)
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>"


def add_feed(site: LoopbackSite, name: str, count: int, *, page_gate: threading.Event | None = None,
             open_pages: int = 0, seed: int = 0) -> list[str]:
    """A feed at /<name>/feed.xml with `count` article pages; with `page_gate`, pages after the
    first `open_pages` are answered only once the gate is set. Returns the article URLs."""
    urls = [site.url(f"/{name}/story-{i}.html") for i in range(count)]
    items = "".join(f"<item><title>{name} story {i}</title><link>{url}</link>"
                    f"<description>Film shoot in orbit, part {i}.</description></item>" for i, url in enumerate(urls))
    feed = (f"<?xml version='1.0'?><rss version='2.0'><channel><title>{name}</title><link>{site.base}</link>"
            f"{items}</channel></rss>")
    site.add(f"/{name}/feed.xml", feed, content_type="application/rss+xml")
    for i in range(count):
        page = article_html(f"{name} story {i}: a film crew in orbit", seed * 1000 + i)
        if page_gate is not None and i >= open_pages:
            def gated(request, page=page):
                page_gate.wait(300)  # the tests set the gate, at the latest when they end
                return Response(200, page.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"})
            site.add_handler(f"/{name}/story-{i}.html", gated)
        else:
            site.add(f"/{name}/story-{i}.html", page)
    return urls


def write_config(path: Path, db_url: str, sources: list[tuple[str, str, str]], *, smtp_port: int | None = None,
                 schedule: str = "* * * * *", extra: str = "", crawl: dict[str, float] | None = None) -> Path:
    """sources: (name, url, every); `crawl`: more [crawl] keys."""
    more = "".join(f"{key} = {value}\n" for key, value in (crawl or {}).items())
    lines = [f'[database]\nurl = "{db_url}"\n', f'[crawl]\nobey_robots = false\nworkers = 1\n{more}']
    for name, url, every in sources:
        lines.append(f'[[sources]]\nname = "{name}"\ntype = "feed"\nurl = "{url}"\nevery = "{every}"\n')
    if smtp_port:
        lines.append(f'[email]\nto = ["desk@example.org"]\nfrom = "sw@example.org"\nsmtp_host = "127.0.0.1"\n'
                     f'smtp_port = {smtp_port}\n')
    lines.append(f'[digest]\nschedule = "{schedule}"\nsend_when_empty = false\n')
    path.write_text("\n".join(lines) + extra, encoding="utf-8")
    return path


def cli(config: Path, *args: str, timeout: float = 120, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scheduler.cli", "--config", str(config), *args],
                          capture_output=True, text=True, timeout=timeout, cwd=config.parent,
                          env={**os.environ, **(env or {})})


class RunningService:
    """`spacewatch run` in a subprocess; its stderr (the log) goes to a file."""

    def __init__(self, config: Path, *, env: dict[str, str] | None = None, log_name: str = "service.log") -> None:
        self.log_path = config.parent / log_name
        self._log = open(self.log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scheduler.cli", "--config", str(config), "run"],
            stdout=subprocess.DEVNULL, stderr=self._log, cwd=config.parent, text=True,
            env={**os.environ, "SPACEWATCH_DIGEST_CRON_SECOND": "*/3", "SPACEWATCH_FIRST_POLL_SPREAD": "2",
                 **(env or {})})

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def wait_log(self, text: str, timeout: float = 60, count: int = 1) -> str:
        wait_for(lambda: self.log().count(text) >= count or self.process.poll() is not None, timeout,
                 f"{count}x {text!r} in the service log")
        log = self.log()
        assert log.count(text) >= count, f"service ended (exit {self.process.poll()}) before {text!r}:\n{log}"
        return log

    def stop(self, timeout: float = 30) -> tuple[int, float]:
        """SIGTERM; (exit status, seconds it took)."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout)
        return code, time.monotonic() - started

    def descendants(self) -> list[int]:
        return descendants(self.process.pid)

    def kill_9(self) -> None:
        """SIGKILL the service and every process it started, as a power cut would."""
        for pid in [self.process.pid, *self.descendants()]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(10)

    def close(self) -> None:
        if self.process.poll() is None:
            self.kill_9()
        self._log.close()


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rpartition(")")[2].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def wait_for(condition, timeout: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def feed_requests(site: LoopbackSite, name: str) -> int:
    return sum(1 for path in site.paths_requested() if path.startswith(f"/{name}/feed.xml"))
