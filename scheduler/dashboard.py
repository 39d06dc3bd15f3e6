"""`spacewatch web` and `spacewatch run --web`: the web app built from the config, with a
Control that reads status, starts crawls (each `spacewatch crawl` in its own process, which takes
the source locks like any other crawl) and pauses or resumes sources in the config file."""
from __future__ import annotations

import itertools
import os
import subprocess
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scheduler.children import cli_command
from scheduler.config import Config, ConfigError, read_config
from scheduler.errors import UserError
from web.settings import TOKEN_ENV, CrawlJob, Watch, WebSettings

if TYPE_CHECKING:
    from scheduler.service import Service

CRAWL_TIMEOUT = 1800.0


class LocalControl:
    """What the dashboard asks of the service side, for one config file."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._path = Path(config.path).resolve() if config.path and Path(config.path).is_file() else None
        self._stamp = self._file_stamp()
        self._jobs: list[CrawlJob] = []
        self._processes: dict[int, subprocess.Popen] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            stat = self._path.stat() if self._path else None
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size) if stat else None

    def config(self) -> Config:
        """The config, read again when its file changed (a file that does not load is ignored)."""
        stamp = self._file_stamp()
        if self._path is not None and stamp != self._stamp:
            self._stamp = stamp
            try:
                self._config = read_config(self._path)[0]
            except ConfigError:
                pass
        return self._config

    def status(self) -> dict[str, Any]:
        from scheduler.status import collect_status

        return collect_status(self.config())

    def crawl(self, names: list[str]) -> CrawlJob:
        """A job for the named sources (every enabled one when none is named), started at once."""
        config = self.config()
        names = list(names) or [spec.name for spec in config.sources if spec.enabled]
        job = CrawlJob(id=next(self._ids), sources=names, started_at=datetime.now(timezone.utc))
        with self._lock:
            self._jobs.insert(0, job)
        if not names:
            job.state, job.summary = "failed", "no sources to crawl"
        else:
            self._start(job)
        return job

    def _start(self, job: CrawlJob) -> None:
        """A `spacewatch crawl` process for the job, waited for in a thread."""
        command = cli_command(self._path, "crawl", "--quiet", *job.sources)
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        job.state = "running"
        with self._lock:
            self._processes[job.id] = process
        threading.Thread(target=self._wait, args=(job, process), name=f"crawl-{job.id}", daemon=True).start()

    def _wait(self, job: CrawlJob, process: subprocess.Popen) -> None:
        try:
            out, err = process.communicate(timeout=CRAWL_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
        lines = [line.strip() for line in (out or "").splitlines() if line.strip()]
        errors = [line.strip() for line in (err or "").splitlines() if line.strip()]
        job.summary = "; ".join(lines)[:500] or (errors[-1][:500] if errors else f"exit status {process.returncode}")
        job.state = "finished" if process.returncode == 0 else "failed"
        with self._lock:
            self._processes.pop(job.id, None)

    def jobs(self) -> list[CrawlJob]:
        with self._lock:
            return list(self._jobs)

    def set_enabled(self, name: str, enabled: bool) -> str:
        from scheduler.sources_file import set_enabled

        if self._path is None:
            raise ValueError("no config file: pausing a source edits the config file (start with --config)")
        try:
            return set_enabled(self._path, name, enabled)
        except (UserError, ConfigError) as exc:
            raise ValueError(str(exc)) from None

    def close(self, grace: float = 10.0) -> None:
        """Stop the crawls still running (SIGINT, then kill)."""
        with self._lock:
            running = list(self._processes.values())
        for process in running:
            try:
                os.killpg(process.pid, 2)
            except OSError:
                pass
        for process in running:
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                process.kill()


class ServiceControl(LocalControl):
    """`run --web`: "crawl now" queues the sources in the running service's batch queue (a source
    being crawled is crawled again right after); progress is read from the crawl runs recorded
    since the request."""

    def __init__(self, config: Config, service: Service) -> None:
        super().__init__(config)
        self._service = service
        self._engine = None
        self._factory = None

    def _start(self, job: CrawlJob) -> None:
        """Queue the job's sources in the service's batch queue."""
        queued = [name for name in job.sources if self._service.queue.submit(name)]
        job.summary = "" if queued else "being crawled now; crawled again right after"

    def _runs_since(self, since: datetime) -> list[Any]:
        """Crawl runs still running, or that finished at `since` or later."""
        from sqlalchemy import or_, select

        from storage.db import open_database
        from storage.models import CrawlRun

        if self._factory is None:
            self._engine, self._factory = open_database(self.config().database.url)
        with self._factory() as session:
            return list(session.scalars(select(CrawlRun).where(or_(CrawlRun.finished_at.is_(None),
                                                                   CrawlRun.finished_at >= since))
                                        .order_by(CrawlRun.id)))

    def jobs(self) -> list[CrawlJob]:
        jobs = super().jobs()
        open_jobs = [job for job in jobs if job.state in ("queued", "running")]
        if open_jobs:
            runs = self._runs_since(min(job.started_at for job in open_jobs))
            for job in open_jobs:
                # the crawls that ended after the request and cover its sources (one that was
                # running when it came counts: the service does not crawl a source twice at once)
                mine = [run for run in runs if (run.finished_at is None or run.finished_at >= job.started_at)
                        and set(job.sources) & set((run.sources or "").split(","))]
                covered = {name for run in mine for name in (run.sources or "").split(",")}
                if mine and set(job.sources) <= covered and all(run.status != "running" for run in mine):
                    job.state = "finished" if all(run.status == "ok" for run in mine) else "failed"
                    job.summary = (f"{sum(r.fetched or 0 for r in mine)} fetched, {sum(r.new or 0 for r in mine)} new, "
                                   f"{sum(r.errors or 0 for r in mine)} errors")
                elif mine:
                    job.state = "running"
        return jobs

    def close(self, grace: float = 10.0) -> None:
        super().close(grace)
        if self._engine is not None:
            self._engine.dispose()


def web_settings(config: Config, control: LocalControl, token: str | None) -> WebSettings:
    watches = tuple(Watch(w.name, w.label) for w in config.watch)
    return WebSettings(database_url=config.database.url, control=control, watches=watches, token=token)


def token_from_env() -> str | None:
    return os.environ.get(TOKEN_ENV) or None


def check_bind(host: str) -> str | None:
    """The token; refuses (UserError) a non-loopback host without one."""
    from web.security import BindRefused, check_bind as check

    token = token_from_env()
    try:
        check(host, token)
    except BindRefused as exc:
        raise UserError(str(exc)) from None
    return token


def run_web(config: Config, host: str, port: int) -> int:
    """`spacewatch web`: serve in the foreground until SIGINT/SIGTERM."""
    from web.app import create_app
    from web.server import bind, serve, url_of

    token = check_bind(host)
    control = LocalControl(config)
    app = create_app(web_settings(config, control, token))
    try:
        sock = bind(host, port)
    except OSError as exc:
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    print(f"spacewatch dashboard at {url_of(sock)}/", flush=True)
    try:
        serve(app, sock)
    finally:
        control.close()
    return 0


def start_web_thread(config: Config, host: str, port: int, service: Service | None = None):
    """For `spacewatch run --web`: the dashboard in a thread; returns (running server, control)."""
    from web.app import create_app
    from web.server import serve_in_thread

    token = check_bind(host)
    control = LocalControl(config) if service is None else ServiceControl(config, service)
    app = create_app(web_settings(config, control, token))
    try:
        running = serve_in_thread(app, host, port, log_level="info")
    except OSError as exc:
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    print(f"spacewatch dashboard at {running.url}/", flush=True)
    return running, control
