"""`spacewatch status`: the sources' polls, the digests and whether the service runs, as data
(`collect_status`, for `--json`) and as text (`describe_status`)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, select

from notifications.outbox import FAILED, SENT, UNSENT
from crawler.options import SourceSpec
from scheduler.config import Config
from scheduler.polling import PollState, due_slack, next_poll
from scheduler.triggers import digest_trigger
from storage.db import open_database, safe_url
from storage.locks import SERVICE, open_locks
from storage.models import CrawlRun, Digest, Source
from storage.repository import iso


def collect_status(config: Config, now: datetime | None = None) -> dict[str, Any]:
    """Everything `status` shows, JSON-ready (times as ISO 8601 UTC strings or null)."""
    now = now or datetime.now(timezone.utc)
    engine, factory = open_database(config.database.url)
    try:
        with factory() as session:
            rows = {row.name: row for row in session.scalars(select(Source))}
            last_runs = _last_runs(session)
            digests = _digests(session)
    finally:
        engine.dispose()
    with open_locks(config.database.url) as locks:
        holder = locks.holder(SERVICE)
        running = holder is not None or locks.held_elsewhere(SERVICE)
    sources = [_source(spec.name, spec.type, spec.every, spec.enabled, rows.get(spec.name), last_runs,
                       next_poll_at=_next_poll_at(spec, rows.get(spec.name), now))
               for spec in config.sources]
    configured = {spec.name for spec in config.sources}
    sources += [_source(name, row.type, None, False, row, last_runs, configured=False)
                for name, row in sorted(rows.items()) if name not in configured]
    trigger = digest_trigger(config.digest.schedule, config.digest.timezone)
    digests["next_at"] = iso(_utc(trigger.get_next_fire_time(None, now)))
    digests["schedule"] = config.digest.schedule
    digests["timezone"] = config.digest.timezone
    return {"service": {"running": running, "holder": holder, "database": safe_url(config.database.url)},
            "sources": sources, "digest": digests, "generated_at": iso(now)}


def _next_poll_at(spec: SourceSpec, row: Source | None, now: datetime) -> datetime | None:
    """The service's planned next poll, unless a later poll (a manual crawl) made it stale: then
    the time the source's history calls for, as the service will find when its job fires."""
    if row is None:
        return None
    state = PollState(last_polled_at=row.last_polled_at, last_new_at=row.last_new_at,
                      consecutive_failures=row.consecutive_failures or 0, retry_after_until=row.retry_after_until)
    due = next_poll(state, spec.every_seconds, now)
    planned = row.next_poll_at
    if planned is not None and planned >= due - timedelta(seconds=due_slack(spec.every_seconds)):
        return planned
    return due if row.last_polled_at is not None or planned is not None else None


def _source(name: str, kind: str, every: str | None, enabled: bool, row: Source | None,
            last_runs: dict[str, CrawlRun], configured: bool = True,
            next_poll_at: datetime | None = None) -> dict[str, Any]:
    run = last_runs.get(name)
    return {
        "name": name, "type": kind, "every": every, "enabled": enabled, "configured": configured,
        "last_poll_at": iso(row.last_polled_at) if row else None,
        "result": row.last_status if row else None,
        "last_success_at": iso(row.last_success_at) if row else None,
        "last_new_at": iso(row.last_new_at) if row else None,
        "next_poll_at": iso(next_poll_at if configured else row.next_poll_at) if row else None,
        "retry_after_until": iso(row.retry_after_until) if row else None,
        "consecutive_failures": (row.consecutive_failures or 0) if row else 0,
        "failing_since": iso(row.failing_since) if row else None,
        "last_error": row.last_error if row else None,
        "last_run": None if run is None else {
            "id": run.id, "trigger": run.trigger, "status": run.status, "started_at": iso(run.started_at),
            "finished_at": iso(run.finished_at), "new": run.new, "errors": run.errors, "error": run.error},
    }


def _last_runs(session) -> dict[str, CrawlRun]:
    """The newest crawl run that included each source (from the newest 500 runs)."""
    newest: dict[str, CrawlRun] = {}
    for run in session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(500)):
        for name in (run.sources or "").split(","):
            if name and name not in newest:
                newest[name] = run
    return newest


def _digests(session) -> dict[str, Any]:
    last = session.scalars(select(Digest).where(Digest.kind == "digest", Digest.status == SENT)
                           .order_by(Digest.sent_at.desc()).limit(1)).first()
    counts = dict(session.execute(select(Digest.status, func.count()).group_by(Digest.status)).all())
    return {"last_sent_at": iso(last.sent_at) if last else None,
            "last_subject": last.subject if last else None,
            "pending": sum(counts.get(state, 0) for state in UNSENT),
            "failed": counts.get(FAILED, 0)}


def _utc(when: datetime | None) -> datetime | None:
    return when.astimezone(timezone.utc) if when else None


def _when(value: str | None, now: datetime) -> str:
    """'2026-11-26 08:00 UTC (in 3h12m)' for people."""
    if not value:
        return "-"
    when = datetime.fromisoformat(value)
    seconds = int((when - now).total_seconds())
    span = _span(abs(seconds))
    relative = f"in {span}" if seconds > 0 else f"{span} ago"
    return f"{when:%Y-%m-%d %H:%M:%S} UTC ({relative})"


def _span(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    if seconds < 86400:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 86400}d{seconds % 86400 // 3600:02d}h"


def describe_status(report: dict[str, Any]) -> str:
    """The report as lines for a terminal."""
    now = datetime.fromisoformat(report["generated_at"]) if report.get("generated_at") else datetime.now(timezone.utc)
    service = report["service"]
    state = "not running"
    if service["running"]:
        state = f"running ({service['holder']})" if service["holder"] else "running"
    lines = [f"service: {state}  database: {service['database']}"]
    if not report["sources"]:
        lines.append("sources: none configured")
    for source in report["sources"]:
        flags = [] if source["configured"] else ["not in the config"]
        if not source["enabled"] and source["configured"]:
            flags.append("disabled")
        head = f"{source['name']} ({source['type']}, every {source['every'] or '-'})"
        lines.append(head + (f" [{', '.join(flags)}]" if flags else ""))
        lines.append(f"  last poll: {_when(source['last_poll_at'], now)}  result: {source['result'] or '-'}")
        nxt = _when(source["next_poll_at"], now) if service["running"] else "- (service not running)"
        lines.append(f"  next poll: {nxt}  consecutive failures: {source['consecutive_failures']}")
        if source["retry_after_until"] and source["retry_after_until"] > report["generated_at"]:
            lines.append(f"  server asked to wait until: {_when(source['retry_after_until'], now)}")
        if source["last_error"]:
            lines.append(f"  last error: {source['last_error']}")
    digest = report["digest"]
    lines.append(f"digest: schedule {digest['schedule']!r} ({digest['timezone']})")
    lines.append(f"  last sent: {_when(digest['last_sent_at'], now)}")
    lines.append(f"  next: {_when(digest['next_at'], now)}"
                 + ("" if service["running"] else " (when the service runs)"))
    lines.append(f"  pending: {digest['pending']}  failed: {digest['failed']}")
    return "\n".join(lines)
