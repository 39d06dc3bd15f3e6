"""What the service reads and writes in the database besides the crawl's own records:
poll states, the next poll times it shows in `status`, and crawls that died or were killed."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from crawler.options import SourceSpec
from scheduler.polling import PollState
from storage.db import transaction
from storage.locks import Locks, source_lock
from storage.models import Article, CrawlRun, Digest, Source, as_utc, utcnow
from storage.repository import padded_in, source_rows


def poll_states(factory: sessionmaker[Session], names: list[str]) -> dict[str, PollState]:
    """The stored poll history of each named source (a source never crawled has none)."""
    with factory() as session:
        rows = session.scalars(select(Source).where(padded_in(Source.name, names)))
        return {row.name: PollState(last_polled_at=row.last_polled_at, last_new_at=row.last_new_at,
                                    consecutive_failures=row.consecutive_failures or 0,
                                    retry_after_until=row.retry_after_until) for row in rows}


def write_next_polls(factory: sessionmaker[Session], specs: list[SourceSpec], when: dict[str, datetime]) -> None:
    """Store when the service will next poll each source (read by `spacewatch status`)."""
    for attempt in range(2):  # a crawl may create the same row at the same moment: try again
        try:
            with transaction(factory) as session:
                rows = source_rows(session, [spec for spec in specs if spec.name in when])
                for name, row in rows.items():
                    row.next_poll_at = when[name]
            return
        except IntegrityError:
            if attempt:
                raise


def _child_runs(session: Session, names: set[str], spawned_at: datetime) -> list[CrawlRun]:
    """The scheduled CrawlRun rows a child started at `spawned_at` for (some of) `names` wrote."""
    runs = session.scalars(select(CrawlRun).where(CrawlRun.trigger == "schedule",
                                                  CrawlRun.started_at >= spawned_at - timedelta(seconds=1))
                           .order_by(CrawlRun.id))
    return [run for run in runs if run.sources and set(run.sources.split(",")) <= names]


def runs_since(factory: sessionmaker[Session], names: list[str], spawned_at: datetime) -> list[CrawlRun]:
    """The scheduled CrawlRun rows a child started at `spawned_at` for (some of) `names` wrote."""
    with factory() as session:
        return _child_runs(session, set(names), spawned_at)


def record_abnormal_end(factory: sessionmaker[Session], specs: list[SourceSpec], spawned_at: datetime,
                        status: str, error: str, *, count_failure: bool) -> None:
    """A crawl process of `specs` that was killed or died: close its CrawlRun (or record one)
    and, when `count_failure`, note the failure on each source so that it backs off."""
    names = {spec.name for spec in specs}
    now = utcnow()
    with transaction(factory) as session:
        mine = [run for run in _child_runs(session, names, spawned_at)
                if run.status == "running" or run.error == "interrupted"]
        for run in mine:
            run.status, run.finished_at, run.error = status, now, error
        if not mine:
            session.add(CrawlRun(started_at=spawned_at, finished_at=now, trigger="schedule",
                                 sources=",".join(sorted(names)), status=status, error=error))
        if count_failure:
            for row in source_rows(session, specs).values():
                row.last_polled_at = spawned_at
                row.last_status = status
                row.last_error = error
                row.consecutive_failures = (row.consecutive_failures or 0) + 1
                row.failing_since = row.failing_since or spawned_at


def reap_interrupted_runs(factory: sessionmaker[Session], locks: Locks) -> int:
    """Close CrawlRun rows left 'running' by a crawl process that is gone: a live crawl holds
    the locks of all its sources while its run is open. Returns how many were closed."""
    closed = 0
    with transaction(factory) as session:
        for run in session.scalars(select(CrawlRun).where(CrawlRun.status == "running")):
            names = [name for name in (run.sources or "").split(",") if name]
            if any(locks.held_elsewhere(source_lock(name)) for name in names):
                continue
            run.status, run.finished_at = "killed", utcnow()
            run.error = run.error or "interrupted: the crawl process ended without finishing its run"
            closed += 1
    return closed


def last_digest_built(factory: sessionmaker[Session]) -> datetime | None:
    """When the newest digest (any state) was built: the service's last digest run, roughly."""
    with factory() as session:
        return session.scalar(select(func.max(Digest.created_at)).where(Digest.kind == "digest"))


def first_activity(factory: sessionmaker[Session]) -> datetime | None:
    """When this database was first used: its first crawl, stored article or mail; None if never."""
    with factory() as session:
        times = [session.scalar(select(func.min(CrawlRun.started_at))),
                 session.scalar(select(func.min(Article.fetched_at))),
                 session.scalar(select(func.min(Digest.created_at)))]
    return min((as_utc(t) for t in times if t is not None), default=None)


def source_results(factory: sessionmaker[Session], names: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """(last status, last error) of each named source."""
    with factory() as session:
        return {row.name: (row.last_status, row.last_error)
                for row in session.scalars(select(Source).where(padded_in(Source.name, names)))}
