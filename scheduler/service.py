"""`spacewatch run`: the background service.

One APScheduler job per enabled source (`source:<name>`, every `every` with jitter), the digest
at its cron schedule in its time zone (`digest`), and a retry of the outbox every minute
(`outbox`). The jobs live in memory and are built from the config at start and on reload, so
a renamed or removed source leaves no job behind. Crawls and digests run in child processes
(`scheduler.children`); sources due together share one (`scheduler.batches`).

One service per database: it holds the `service` lock (storage.locks) for its whole life.
SIGTERM/SIGINT stop it within 30 s; SIGHUP, or a change of the config file's mtime, reloads
the sources and the digest schedule (a config that does not load is logged and ignored).

The children read a private copy of the config file as it was last loaded successfully, so an
edit that breaks the file does not break the crawls of a running service.
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session, sessionmaker

from crawler.options import SourceSpec
from scheduler import bookkeeping, logs, native_heap
from scheduler.batches import BatchQueue, gather_seconds
from scheduler.children import Children, Outcome, cli_command
from scheduler.config import CONFIG_DIR_ENV, Config, ConfigError, read_config
from scheduler.errors import UserError
from scheduler.polling import PollState, due_slack, expected_run, is_due, next_poll
from scheduler.triggers import digest_trigger, previous_fire, source_trigger
from storage.db import DatabaseError, open_database, safe_url
from storage.locks import SERVICE, Locks, open_locks, source_lock
from storage.models import utcnow

CRAWL_DEADLINE_ENV = "SPACEWATCH_CRAWL_DEADLINE"  # seconds; a crawl child running longer is killed
DEFAULT_CRAWL_DEADLINE = 1800.0
DIGEST_DEADLINE = 300.0
STOP_GRACE = 18.0            # children get this long to stop; the service exits within 30 s
RECORD_GRACE = 4.0           # then this long to record how they ended
TICK = 1.0                   # how often the main loop looks at signals and the config file
LOCK_CHECK_EVERY = 30.0
OUTBOX_EVERY = 60            # seconds between retries of mails kept pending
DIGEST_CATCH_UP = timedelta(hours=12)  # a digest slot missed while down this recently runs at start
DIGEST_MISFIRE_GRACE = 3600
CRAWL_SLOTS = 2


class ConfigFile:
    """The config file the service runs on and the private copy its children read."""

    def __init__(self, path: Path | None, folder: Path) -> None:
        self.path = path
        self.copy = folder / "spacewatch.toml" if path is not None else None
        self._seen: tuple[int, int] | None = None

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat() if self.path else None
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size) if stat else None

    def changed(self) -> bool:
        return self.path is not None and self._stamp() != self._seen

    def read(self) -> tuple[Config, bytes]:
        """Load the file (raises ConfigError); the bytes are those the Config was built from."""
        if self.path is None:
            return Config(), b""
        self._seen = self._stamp()
        return read_config(self.path)

    def keep(self, raw: bytes) -> None:
        """Make `raw` the copy the children read (atomically)."""
        if self.copy is None:
            return
        partial = self.copy.with_suffix(".partial")
        partial.write_bytes(raw)
        os.replace(partial, self.copy)


@dataclass
class _Flags:
    stop: str | None = None
    reload: bool = False


class Service:
    def __init__(self, config: Config, raw: bytes, config_file: ConfigFile, log: logging.Logger) -> None:
        self.config = config
        self.file = config_file
        self.log = log
        self.flags = _Flags()
        self.wake = threading.Event()
        self.children = Children()
        self.locks: Locks = open_locks(config.database.url)
        self.engine = None
        self.factory: sessionmaker[Session] | None = None
        self.scheduler = BackgroundScheduler(
            timezone=timezone.utc, executors={"default": ThreadPoolExecutor(8)},
            job_defaults={"coalesce": True, "max_instances": 1})
        self.queue = BatchQueue(self._crawl_batch, slots=CRAWL_SLOTS, still_due=self._still_due)
        self.crawl_deadline = float(os.environ.get(CRAWL_DEADLINE_ENV) or DEFAULT_CRAWL_DEADLINE)
        self._written: dict[str, datetime] = {}
        self._hung: set[str] = set()  # sources of a crawl killed at its deadline: crawled alone next
        self._raw = raw

    # ------------------------------------------------------------------ life cycle

    def run(self) -> int:
        self._take_service_lock()
        try:
            self.file.keep(self._raw)
            self.engine, self.factory = open_database(self.config.database.url)
            closed = bookkeeping.reap_interrupted_runs(self.factory, self.locks)
            if closed:
                logs.event(self.log, "crawl.reaped", runs=closed, note="runs left open by a crawl process that died")
            self.queue.start()
            self._build_jobs()
            self.scheduler.start()
            self._write_next_polls(self._specs())
            logs.event(self.log, "service.started", pid=os.getpid(), database=safe_url(self.config.database.url),
                       config=self.file.path, sources=len(self._specs()), digest=self.config.digest.schedule,
                       timezone=self.config.digest.timezone)
            return self._loop()
        finally:
            self._shutdown()

    def _take_service_lock(self) -> None:
        # a few tries: `spacewatch status` probes the lock for an instant
        for attempt in range(5):
            try:
                if self.locks.try_acquire(SERVICE):
                    return
            except Exception as exc:  # the driver's own error types; all mean the database is not reachable
                self.locks.close()
                raise DatabaseError(f"{safe_url(self.config.database.url)}: cannot take the service lock: "
                                    f"{' '.join(str(exc).split())[:300]}") from exc
            time.sleep(0.1 * (attempt + 1))
        holder = self.locks.holder(SERVICE)
        self.locks.close()
        raise UserError(f"another spacewatch service is running on {safe_url(self.config.database.url)}"
                        + (f" ({holder})" if holder else "") + "; stop it first (one service per database)")

    def request_stop(self, why: str) -> None:
        self.flags.stop = self.flags.stop or why
        self.wake.set()

    def request_reload(self) -> None:
        self.flags.reload = True
        self.wake.set()

    def _loop(self) -> int:
        next_lock_check = time.monotonic() + LOCK_CHECK_EVERY
        while True:
            self.wake.wait(TICK)
            self.wake.clear()
            if self.flags.stop:
                logs.event(self.log, "service.stopping", reason=self.flags.stop)
                return 0
            if self.flags.reload or self.file.changed():
                why = "signal" if self.flags.reload else "file changed"
                self.flags.reload = False
                self.reload(why)
            if time.monotonic() >= next_lock_check:
                next_lock_check = time.monotonic() + LOCK_CHECK_EVERY
                if not self._lock_still_held():
                    return 1

    def _lock_still_held(self) -> bool:
        if self.locks.alive():
            return True
        self.locks.close()
        self.locks = open_locks(self.config.database.url)
        try:
            taken = self.locks.try_acquire(SERVICE)
        except Exception as exc:  # the database is away: the crawls fail meanwhile; try again later
            logs.event(self.log, "service.lock_unavailable", level=logging.ERROR, error=f"{type(exc).__name__}: {exc}")
            return True
        if taken:
            logs.event(self.log, "service.lock_renewed", level=logging.WARNING,
                       note="the database connection holding the service lock broke; lock taken again")
            return True
        logs.event(self.log, "service.lock_lost", level=logging.ERROR,
                   error="lost the service lock and another process holds it now; stopping")
        return False

    def _shutdown(self) -> None:
        started = time.monotonic()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.queue.close()
        self.children.stop_all(STOP_GRACE, patient_kinds=("digest",))
        self.children.wait_recorded(RECORD_GRACE)
        self.queue.join(timeout=RECORD_GRACE)
        if self.engine is not None:
            self.engine.dispose()
        self.locks.close()
        if self.file.copy is not None:
            shutil.rmtree(self.file.copy.parent, ignore_errors=True)
        if self.factory is not None:
            logs.event(self.log, "service.stopped", seconds=round(time.monotonic() - started, 1))

    # ------------------------------------------------------------------ jobs

    def _specs(self) -> dict[str, SourceSpec]:
        return {spec.name: spec for spec in self.config.sources if spec.enabled}

    def _build_jobs(self, old: Config | None = None) -> tuple[list[str], list[str], list[str]]:
        """Make the jobs match the config: (added, removed, changed) source names. `old`: the
        config the jobs were built from (None: none yet, the service is starting)."""
        first = old is None
        now = utcnow()
        wanted = self._specs()
        before = {spec.name: spec for spec in (old.sources if old else ()) if spec.enabled}
        current = {job.id.removeprefix("source:") for job in self.scheduler.get_jobs() if job.id.startswith("source:")}
        removed = sorted(current - set(wanted))
        for name in removed:
            self.scheduler.remove_job(f"source:{name}")
        added, changed = [], []
        for name, spec in wanted.items():
            if name in current and before.get(name) is not None and before[name].every == spec.every:
                continue
            (changed if name in current else added).append(name)
            self.scheduler.add_job(self._source_fired, source_trigger(spec.every_seconds, now), args=[name],
                                   id=f"source:{name}", name=f"poll {name}", replace_existing=True,
                                   misfire_grace_time=max(spec.every_seconds, 1))
        self.queue.set_gather(gather_seconds(min((spec.every_seconds for spec in wanted.values()), default=None)))
        digest = self.config.digest
        if old is None or (old.digest.schedule, old.digest.timezone) != (digest.schedule, digest.timezone):
            trigger = digest_trigger(digest.schedule, digest.timezone)
            extra = {"next_run_time": now} if first and self._missed_digest(trigger, now) else {}
            self.scheduler.add_job(self._digest, trigger, id="digest", name="digest", replace_existing=True,
                                   misfire_grace_time=DIGEST_MISFIRE_GRACE, **extra)
            if extra:
                logs.event(self.log, "digest.catch_up", note="a scheduled digest was missed while the service was down")
        if first:
            self.scheduler.add_job(self._flush_outbox, IntervalTrigger(seconds=OUTBOX_EVERY), id="outbox",
                                   name="outbox", replace_existing=True, misfire_grace_time=OUTBOX_EVERY)
        return added, removed, changed

    def _missed_digest(self, trigger, now: datetime) -> bool:
        slot = previous_fire(trigger, now, now - DIGEST_CATCH_UP)
        if slot is None:
            return False
        built = bookkeeping.last_digest_built(self.factory)
        if built is not None:
            return built < slot
        # no digest ever built: one was missed only if spacewatch was in use before the slot
        # (a new database owes no digest)
        since = bookkeeping.first_activity(self.factory)
        return since is not None and since < slot

    def reload(self, why: str) -> None:
        try:
            config, raw = self.file.read()
        except ConfigError as exc:
            logs.event(self.log, "config.reload_failed", level=logging.ERROR, error=str(exc),
                       note="keeping the jobs of the last good config")
            return
        if config.database.url != self.config.database.url:
            logs.event(self.log, "config.reload_failed", level=logging.ERROR,
                       error="database.url changed: restart the service to move it to another database",
                       note="keeping the jobs of the last good config")
            return
        old, self.config = self.config, config
        self.file.keep(raw)
        added, removed, changed = self._build_jobs(old=old)
        self._write_next_polls({name: spec for name, spec in self._specs().items() if name in added + changed})
        logs.event(self.log, "config.reloaded", reason=why, sources=len(self._specs()), added=added or None,
                   removed=removed or None, changed=changed or None)

    # ------------------------------------------------------------------ sources

    def _poll_check(self, name: str) -> tuple[SourceSpec, PollState, bool] | None:
        """(spec, stored poll state, whether it is due now) of an enabled source; None when the
        source is gone from the config or the service is stopping."""
        spec = self._specs().get(name)
        if spec is None or self.flags.stop:
            return None
        now = utcnow()
        state = bookkeeping.poll_states(self.factory, [name]).get(name, PollState())
        return spec, state, is_due(next_poll(state, spec.every_seconds, now), now, spec.every_seconds)

    def _source_fired(self, name: str) -> None:
        check = self._poll_check(name)
        if check is None:
            return
        spec, state, due = check
        if not due:
            self._write_next_polls({name: spec}, {name: state})
            return
        if name not in self.queue.busy() and self.locks.held_elsewhere(source_lock(name)):
            logs.event(self.log, "crawl.skipped", source=name, reason="busy", note="another crawl holds the source")
            return
        if not self.queue.submit(name, solo=name in self._hung):
            logs.event(self.log, "crawl.deferred", level=logging.DEBUG, source=name,
                       note="queued, or being crawled: crawled again right after")

    def _still_due(self, name: str) -> bool:
        """For a source that came due during its own crawl: is it due again, after that crawl?"""
        check = self._poll_check(name)
        return check is not None and check[2]

    def _crawl_batch(self, names: list[str]) -> None:
        specs = [spec for name, spec in self._specs().items() if name in names]
        if not specs:
            return
        names = [spec.name for spec in specs]
        spawned = utcnow()
        logs.event(self.log, "crawl.started", sources=names)
        command = cli_command(self.file.copy, "crawl", "--quiet", "--trigger", "schedule", *names)
        try:
            outcome = self.children.run(command, kind="crawl", deadline=self.crawl_deadline)
            if outcome is not None:
                self._record_crawl(specs, spawned, outcome)
        except Exception:  # one bad batch must not end the service's crawling
            self.log.exception("crawl.error", extra={"fields": {"sources": names}})
        finally:
            try:
                self._write_next_polls({spec.name: spec for spec in specs})
            except Exception:
                self.log.exception("crawl.error", extra={"fields": {"sources": names, "step": "next_poll"}})
            native_heap.trim()

    def _record_crawl(self, specs: list[SourceSpec], spawned: datetime, outcome: Outcome) -> None:
        names = [spec.name for spec in specs]
        fields = {"sources": names, "pid": outcome.pid, "seconds": round(outcome.seconds, 1)}
        if outcome.stopped == "shutdown":
            bookkeeping.record_abnormal_end(self.factory, specs, spawned, "killed", "interrupted: the service stopped",
                                            count_failure=False)
            logs.event(self.log, "crawl.interrupted", level=logging.WARNING, **fields)
            return
        if outcome.stopped == "deadline":
            error = f"killed: the crawl ran past its {self.crawl_deadline:.0f} s deadline"
            self._hung.update(names)
            bookkeeping.record_abnormal_end(self.factory, specs, spawned, "killed", error, count_failure=True)
            logs.event(self.log, "crawl.killed", level=logging.ERROR, error=error, **fields)
            return
        self._hung.difference_update(names)
        runs = bookkeeping.runs_since(self.factory, names, spawned)
        if outcome.returncode not in (0, 1) or any(run.status == "running" for run in runs):
            error = f"the crawl process failed (exit status {outcome.returncode}): {outcome.last_error_line}"
            bookkeeping.record_abnormal_end(self.factory, specs, spawned, "failed", error, count_failure=True)
            logs.event(self.log, "crawl.crashed", level=logging.ERROR, error=error, **fields)
            return
        totals = {key: sum(getattr(run, key) or 0 for run in runs)
                  for key in ("fetched", "new", "duplicates", "irrelevant", "errors")}
        skipped = [line.strip() for line in outcome.stdout.splitlines() if line.strip().startswith("skipped")]
        logs.event(self.log, "crawl.finished", level=logging.INFO if outcome.returncode == 0 else logging.WARNING,
                   exit=outcome.returncode, runs=[run.id for run in runs] or None, **totals,
                   skipped="; ".join(skipped) or None, **fields)
        states = bookkeeping.source_results(self.factory, names)
        for name, (status, error) in states.items():
            if status == "failed":
                logs.event(self.log, "source.failed", level=logging.WARNING, source=name, error=error)

    def _write_next_polls(self, specs: dict[str, SourceSpec], states: dict[str, PollState] | None = None) -> None:
        if not specs or self.factory is None:
            return
        now = utcnow()
        states = states if states is not None else bookkeeping.poll_states(self.factory, list(specs))
        when: dict[str, datetime] = {}
        for name, spec in specs.items():
            job = self.scheduler.get_job(f"source:{name}")
            due = next_poll(states.get(name, PollState()), spec.every_seconds, now)
            fire = job.next_run_time if job is not None and job.next_run_time else now
            at = expected_run(due, fire, spec.every_seconds)
            written = self._written.get(name)
            if written is None or abs((written - at).total_seconds()) >= max(1.0, due_slack(spec.every_seconds)):
                when[name] = at
        if when:
            bookkeeping.write_next_polls(self.factory, list(specs.values()), when)
            self._written.update(when)

    # ------------------------------------------------------------------ mail

    def _digest(self) -> None:
        if self.flags.stop:
            return
        logs.event(self.log, "digest.started")
        outcome = self.children.run(cli_command(self.file.copy, "digest", "send"), kind="digest",
                                    deadline=DIGEST_DEADLINE)
        if outcome is None:
            return
        fields = {"pid": outcome.pid, "seconds": round(outcome.seconds, 1), "exit": outcome.returncode}
        if outcome.returncode == 0:
            result = " ".join(outcome.stdout.split())
            logs.event(self.log, "digest.finished", result=result[:1000] or None, **fields)
        else:
            logs.event(self.log, "digest.failed", level=logging.ERROR, error=outcome.last_error_line,
                       stopped=outcome.stopped, **fields)

    def _flush_outbox(self) -> None:
        from notifications import NotificationError, flush_outbox

        try:
            result = flush_outbox(self.factory, self.config.email, self.config.digest)
        except NotificationError as exc:
            logs.event(self.log, "outbox.failed", level=logging.WARNING, error=str(exc))
            return
        if result != "outbox empty":
            logs.event(self.log, "outbox.flushed", result=result)
        if self.config.notify.urls:
            from notifications.push import send_pushes

            pushed = send_pushes(self.factory, self.config.notify, max_attempts=self.config.digest.max_attempts)
            if pushed:
                logs.event(self.log, "outbox.pushed", result=pushed)


def _install_signals(service: Service) -> dict[int, object]:
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous = {}
    handlers = {signal.SIGTERM: lambda *_: service.request_stop("SIGTERM"),
                signal.SIGINT: lambda *_: service.request_stop("SIGINT"),
                signal.SIGHUP: lambda *_: service.request_reload()}
    for signum, handler in handlers.items():
        previous[signum] = signal.signal(signum, handler)
    return previous


def run_service(config: Config, log_format: str = "text",
                on_ready: Callable[[Service], None] | None = None) -> int:
    """Run the service until SIGTERM/SIGINT; 0 after a clean stop. `on_ready(service)` is called
    before it starts (`run --web` starts the dashboard there)."""
    log = logs.setup(log_format)
    native_heap.limit_arenas()
    folder = Path(tempfile.mkdtemp(prefix="spacewatch-service-"))
    config_file = ConfigFile(Path(config.path).resolve() if config.path else None, folder)
    if config_file.path is not None:  # the children read a copy elsewhere: paths stay the original's
        os.environ[CONFIG_DIR_ENV] = str(config_file.path.parent)
    try:
        config, raw = config_file.read()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    service = Service(config, raw, config_file, log)
    previous = _install_signals(service)
    try:
        if on_ready is not None:
            on_ready(service)
        return service.run()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
