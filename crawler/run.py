"""One crawl of some sources, from the Source rows to a summary: `run_crawl`.

The fetching runs in a fresh child process: Twisted's reactor cannot be started twice in one
process, and a crawl must be repeatable from a long-lived caller (the service, the tests).
That child runs one Scrapy process (asyncio reactor) with a spider per source, analyses pages
in a pool of worker processes and stores them. This process keeps the books: the CrawlRun
row, each Source row (validators, failures, back-off), and change detection afterwards.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from analysis.rules import Rules
from crawler.options import CrawlOptions, SourceSpec
from crawler.report import CrawlJob, CrawlReport, SourceReport, SourceState
from crawler.workers import fork_server
from storage.db import transaction
from storage.models import Article, CrawlRun, utcnow
from storage.repository import source_rows

log = logging.getLogger("spacewatch.crawl")
# The crawl process is forked directly from a caller with a single thread (the CLI), which first
# imports the crawler's modules; the crawl starts its analysis workers, and their language model,
# in the background when it has a page for them (`crawler.workers`). A caller with threads (the
# tests, the benchmarks) forks from multiprocessing's fork server instead: a clean process started
# once, with the crawler's modules imported and the model loaded, so that no later crawl pays the
# ~2 s of imports or the model's load again.
CHILD_PRELOAD = ["crawler.warm_crawl", "crawler.warm_model"]
CHILD_STOP_GRACE = 2.0  # seconds between SIGTERM and SIGKILL when a crawl is interrupted


@dataclass
class CrawlSummary:
    """What a crawl did, for the terminal and the caller."""

    run_id: int
    sources: list[SourceReport]
    changes: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def total(self, name: str) -> int:
        return sum(getattr(report, name) for report in self.sources)

    @property
    def succeeded(self) -> bool:
        """False only when every source failed."""
        return not self.sources or any(report.status != "failed" for report in self.sources)

    def describe(self) -> str:
        failed = [r for r in self.sources if r.status == "failed"]
        lines = [f"crawled {len(self.sources)} source(s) in {self.seconds:.1f} s: "
                 f"{self.total('fetched')} fetched, {self.total('new')} new, "
                 f"{self.total('duplicates')} duplicates, {self.total('irrelevant')} irrelevant, "
                 f"{self.total('errors')} errors"
                 + (f" ({len(failed)} source(s) failed)" if failed else "")]
        for report in self.sources:
            if report.status == "failed":
                lines.append(f"  {report.name}: FAILED: {report.error}")
            elif report.status == "deferred":
                lines.append(f"  {report.name}: skipped: {report.error}")
            elif report.status == "not_modified" and not report.page_errors:
                continue
            elif report.page_errors or report.notes:
                lines.append(f"  {report.name}: {report.problem()}")
        if self.changes:
            lines.append(f"{len(self.changes)} detail change(s) detected")
        lines.extend(self.notes)
        return "\n".join(lines)


def run_crawl(factory: sessionmaker[Session], specs: list[SourceSpec], options: CrawlOptions, rules: Rules,
              *, progress: bool, trigger: str) -> CrawlSummary:
    """Crawl `specs` now, store what they carry, update their Source rows, detect changes."""
    started, clock = utcnow(), time.monotonic()
    names = [spec.name for spec in specs]
    with transaction(factory) as session:
        run = CrawlRun(started_at=started, trigger=trigger, sources=",".join(names), status="running")
        session.add(run)
        session.flush()
        run_id = run.id
        before = session.scalar(select(func.max(Article.id))) or 0
    states, deferred = _prepare_sources(factory, specs, started)
    active = tuple(spec for spec in specs if spec.name not in deferred)
    report = CrawlReport(sources={})
    status = "ok"
    try:
        if active:
            job = CrawlJob(_database_url(factory), active, states, options, rules, progress, _log_formatter())
            report = _crawl_in_child(job)
    except (KeyboardInterrupt, SystemExit):
        _finish_run(factory, run_id, "killed", None, "interrupted")
        raise
    except BaseException as exc:
        _finish_run(factory, run_id, "failed", None, f"{type(exc).__name__}: {exc}")
        raise
    for name, until in deferred.items():
        report.sources[name] = SourceReport(
            name, status="deferred", retry_after_until=until,
            error=f"the server asked us to come back after {until:%Y-%m-%d %H:%M} UTC (Retry-After)")
    _record_sources(factory, specs, report, started)
    summary = CrawlSummary(run_id, [report.sources[name] for name in names], notes=list(report.notes),
                           timings={**report.timings, "crawl_process_wall": report.seconds})
    stored = _stored_since(factory, before, names)
    detecting = time.monotonic()
    try:
        summary.changes = _detect_changes(factory, stored)
    except Exception as exc:  # the crawl's articles are stored; a failing change detector must not hide that
        log.exception("change detection failed")
        summary.notes.append(f"change detection failed: {type(exc).__name__}: {exc}")
    summary.timings["detect_changes"] = time.monotonic() - detecting
    summary.seconds = time.monotonic() - clock
    if not summary.succeeded:
        status = "failed"
    _finish_run(factory, run_id, status, summary, None if summary.succeeded else "every source failed")
    return summary


# ------------------------------------------------------------------ bookkeeping (this process)

def _log_formatter() -> logging.Formatter | None:
    handlers = logging.getLogger("spacewatch").handlers
    return handlers[0].formatter if handlers else None


def _database_url(factory: sessionmaker[Session]) -> str:
    engine = factory.kw["bind"]
    return engine.url.render_as_string(hide_password=False)


def _prepare_sources(factory: sessionmaker[Session], specs: list[SourceSpec],
                     now: datetime) -> tuple[dict[str, SourceState], dict[str, datetime]]:
    """Create missing Source rows; return their validators and the sources still backing off."""
    states, deferred = {}, {}
    with transaction(factory) as session:
        rows = source_rows(session, specs)
        for spec in specs:
            row = rows[spec.name]
            if row.url != spec.url or row.type != spec.type:
                # another URL is another resource: its validators do not apply
                row.url, row.type, row.etag, row.last_modified = spec.url, spec.type, None, None
            states[spec.name] = SourceState(etag=row.etag, last_modified=row.last_modified)
            if row.retry_after_until is not None and row.retry_after_until > now:
                deferred[spec.name] = row.retry_after_until
    return states, deferred


def _record_sources(factory: sessionmaker[Session], specs: list[SourceSpec], report: CrawlReport,
                    polled: datetime) -> None:
    now = utcnow()
    with transaction(factory) as session:
        rows = source_rows(session, specs)
        for spec in specs:
            row, result = rows[spec.name], report.sources[spec.name]
            if result.status == "deferred":
                continue
            row.last_polled_at = polled
            row.retry_after_until = result.retry_after_until
            if result.status == "failed":
                row.last_status = "failed"
                row.last_error = result.error
                row.consecutive_failures = (row.consecutive_failures or 0) + 1
                row.failing_since = row.failing_since or polled
                continue
            row.last_status = result.status if not result.page_errors else "partial"
            row.last_error = result.problem()
            row.last_success_at = now
            row.consecutive_failures = 0
            row.failing_since = None
            if result.status == "ok":
                row.etag, row.last_modified = result.etag, result.last_modified
            if result.new:
                row.last_new_at = now


def _stored_since(factory: sessionmaker[Session], after_id: int, names: list[str]) -> list[int]:
    with factory() as session:
        return list(session.scalars(select(Article.id).where(Article.id > after_id, Article.source.in_(names))
                                    .order_by(Article.id)))


def _detect_changes(factory: sessionmaker[Session], article_ids: list[int]) -> list[int]:
    from crawler.changes import detect_changes

    return list(detect_changes(factory, article_ids)) if article_ids else []


def _finish_run(factory: sessionmaker[Session], run_id: int, status: str, summary: CrawlSummary | None,
                error: str | None) -> None:
    with transaction(factory) as session:
        run = session.get(CrawlRun, run_id)
        if run is None:
            return
        run.finished_at, run.status, run.error = utcnow(), status, error
        if summary is not None:
            run.fetched, run.new = summary.total("fetched"), summary.total("new")
            run.duplicates, run.irrelevant = summary.total("duplicates"), summary.total("irrelevant")
            run.errors = summary.total("errors")


# ------------------------------------------------------------------ the crawl process

def _crawl_in_child(job: CrawlJob) -> CrawlReport:
    if _start_method() == "forkserver":
        _uses_fork_server.append(True)
        context = fork_server(CHILD_PRELOAD, job.rules.spacy_model)
    else:
        context = multiprocessing.get_context("fork")
        _warm_here()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(job, sender), name="spacewatch-crawl")
    child.start()
    sender.close()
    try:
        try:
            outcome, payload = receiver.recv()
        except EOFError:
            outcome, payload = "error", None
        child.join()
    except BaseException:
        _stop_child(child)
        raise
    finally:
        receiver.close()
    if outcome == "ok":
        return payload
    reason = payload or f"the crawl process ended unexpectedly (exit code {child.exitcode})"
    reports = {}
    for spec in job.specs:
        reports[spec.name] = SourceReport(spec.name)
        reports[spec.name].fail(reason)
    return CrawlReport(sources=reports)


def _warm_here() -> None:
    """Import the crawl process's modules in this process before forking it (see CHILD_PRELOAD);
    not the model, which the crawl's workers load while it fetches."""
    from crawler.process import import_components

    import_components()


def _stop_child(child: multiprocessing.process.BaseProcess) -> None:
    """SIGTERM (Scrapy stops its engine; every article already stored stays stored), then SIGKILL
    after CHILD_STOP_GRACE: a stop must not wait for downloads in flight. Its extraction workers
    die with it (PR_SET_PDEATHSIG)."""
    child.terminate()
    child.join(CHILD_STOP_GRACE)
    if child.is_alive():
        child.kill()
        child.join(5)


def _start_method() -> str:
    """fork only when it is safe: no other thread, and no Twisted reactor in this process; and
    once this process has started the fork server, always the server: a process forked from this
    one would inherit multiprocessing's handle on it, and could not start a server of its own for
    its workers (`crawler.workers`)."""
    if threading.active_count() == 1 and "twisted.internet.reactor" not in sys.modules and not _uses_fork_server:
        return "fork"
    return "forkserver"


_uses_fork_server: list[bool] = []  # not empty once this process has started the crawls' fork server


def _child_main(job: CrawlJob, sender) -> None:
    try:
        from crawler.process import crawl_here

        report = crawl_here(job)
    except BaseException as exc:  # everything goes back to the parent as one line
        traceback.print_exc(file=sys.stderr)
        sender.send(("error", f"the crawl failed: {type(exc).__name__}: {exc}"))
    else:
        sender.send(("ok", report))
    sender.close()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # everything is closed and sent; skip the slow teardown of a big interpreter
