"""Alerts beyond e-mail: each alert (one per change set) pushed through Apprise to the URLs of
`[notify] urls` (ntfy://, slack://, json://, ...), through the same outbox as mail.

For every alert mail recorded, one `push` row is recorded beside it, with a Message-ID made of
the alert's id (unique: a change set is never pushed twice, whichever process gets there
first), and delivered like a mail: claimed, sent, or kept pending with the outbox's backoff and
retried (by the next crawl's alert, or the service's outbox job), failed after the last try.
The mail outbox (`outbox.due`) leaves push rows alone; this module sends them.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from notifications import outbox
from notifications.options import NotifyOptions
from storage.db import transaction
from storage.models import Article, Change, Digest

KIND = "push"
BODY_LINES = 20


def push_id(alert_id: int) -> str:
    return f"<push.alert-{alert_id}@spacewatch>"


def _body(session: Session, alert: Digest, labels: Mapping[str, str]) -> tuple[str, str]:
    rows = session.execute(select(Change, Article.canonical_url).join(Article, Change.article_id == Article.id)
                           .where(Change.alert_id == alert.id).order_by(Change.id)).all()
    lines = []
    for change, url in rows[:BODY_LINES]:
        old = change.old if change.old is not None else "(none)"
        new = change.new if change.new is not None else "(removed)"
        lines.append(f"{labels.get(change.subject, change.subject)} {change.attribute}: {old} -> {new}\n{url}")
    if len(rows) > BODY_LINES:
        lines.append(f"... and {len(rows) - BODY_LINES} more")
    title = alert.subject or f"spacewatch: {len(rows)} change(s)"
    return title, "\n\n".join(lines) or title


def record_pushes(factory: sessionmaker[Session], labels: Mapping[str, str] | None = None,
                  now: datetime | None = None) -> list[int]:
    """A pending push row for every alert that has none yet; returns their ids."""
    now = now or datetime.now(timezone.utc)
    labels = labels or {}
    made: list[int] = []
    with transaction(factory) as session:
        outbox.lock_outbox(session)
        pushed = set(session.scalars(select(Digest.message_id).where(Digest.kind == KIND)))
        alerts = session.scalars(select(Digest).where(Digest.kind == "alert", Digest.status != outbox.FAILED)
                                 .order_by(Digest.id)).all()
        for alert in alerts:
            if push_id(alert.id) in pushed:
                continue
            title, body = _body(session, alert, labels)
            row = Digest(kind=KIND, status=outbox.PENDING, message_id=push_id(alert.id), subject=title,
                         message=json.dumps({"title": title, "body": body}).encode("utf-8"), created_at=now,
                         attempts=0)
            session.add(row)
            session.flush()
            made.append(row.id)
    return made


def due_pushes(factory: sessionmaker[Session], now: datetime) -> list[int]:
    waiting = (Digest.status == outbox.PENDING) & or_(Digest.next_attempt_at.is_(None), Digest.next_attempt_at <= now)
    abandoned = (Digest.status == outbox.SENDING) & (Digest.next_attempt_at < now)
    with factory() as session:
        return list(session.scalars(select(Digest.id).where(Digest.kind == KIND, or_(waiting, abandoned))
                                    .order_by(Digest.id)))


def _notify(urls: tuple[str, ...], title: str, body: str, timeout: float) -> bool:
    import apprise

    asset = apprise.AppriseAsset(async_mode=False)
    sender = apprise.Apprise(asset=asset)
    for url in urls:
        sender.add(url)
    return bool(sender.notify(title=title, body=body))


def send_pushes(factory: sessionmaker[Session], options: NotifyOptions, *, labels: Mapping[str, str] | None = None,
                now: datetime | None = None, max_attempts: int = 10) -> str:
    """Record the pushes of new alerts and send every push that is due; one line for the log."""
    if not options.urls:
        return ""
    now = now or datetime.now(timezone.utc)
    try:
        record_pushes(factory, labels, now)
    except IntegrityError:  # another process recorded the same push a moment ago; it sends it
        pass
    lines = []
    for row_id in due_pushes(factory, now):
        claimed = outbox.claim(factory, row_id, now, outbox.lease_for(options.timeout))
        if claimed is None:
            continue
        message = json.loads(claimed.message.decode("utf-8"))
        try:
            ok = _notify(options.urls, message["title"], message["body"], options.timeout)
            error = "" if ok else "an Apprise service did not accept the notification"
        except Exception as exc:  # Apprise plugins raise what their HTTP libraries raise
            ok, error = False, f"{type(exc).__name__}: {exc}"
        if ok:
            outbox.mark_sent(factory, claimed.id, now)
            lines.append(f"pushed {claimed.message_id} to {len(options.urls)} service(s)")
            continue
        retry_at = outbox.mark_retry(factory, claimed.id, now, error, claimed.attempts, max_attempts)
        lines.append(f"push {claimed.message_id} kept pending: {error} (attempt {claimed.attempts}; next try from "
                     f"{retry_at:%Y-%m-%d %H:%M} UTC)" if retry_at else
                     f"push {claimed.message_id} failed after {claimed.attempts} attempts: {error}")
    return "; ".join(lines)
