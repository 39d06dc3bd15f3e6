"""The three things the scheduler asks of this package: send the digest, preview it, alert.

Each call first retries what the outbox holds, then builds the new mail under the outbox lock
(so two calls at once build one mail), records it, claims it and hands it to the transport.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import threading
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session, sessionmaker

from notifications import outbox
from notifications.delivery import AFTER_DATA, DeliveryError, Transport, describe_replies, transport_for
from notifications.digest import DigestContent, build_digest
from notifications.errors import DeliveryFailed
from notifications.message import compose, message_id
from notifications.news import read_news
from notifications.options import DigestOptions, MailOptions
from notifications.render import plural, render
from storage.db import transaction
from storage.models import Digest

NOTHING_NEW = "nothing new: no digest sent"


@dataclass(frozen=True)
class Attempt:
    line: str  # for the terminal
    ok: bool  # sent, or nothing to do; False: kept pending or failed


def send_pending_digest(factory: sessionmaker[Session], mail: MailOptions, digest: DigestOptions, *,
                        labels: Mapping[str, str] | None = None, now: datetime | None = None) -> str:
    """Send what the outbox holds, then the digest of everything new since the last one.

    Returns one line for the terminal; raises DeliveryFailed (whose message is that line) when a
    digest could not be delivered: it is then kept pending (or failed for good when the server
    refused it outright) and nothing it carries is lost."""
    now = now or datetime.now(timezone.utc)
    transport = transport_for(mail)
    tried = outbox.due(factory, now, honour_backoff=False)
    attempts = [deliver(factory, transport, i, mail, digest, now) for i in tried]
    if all(a.ok for a in attempts):
        content, row_id = record_new(factory, "digest", mail, digest, now, labels)
        if row_id is not None and row_id not in tried:
            attempts.append(deliver(factory, transport, row_id, mail, digest, now, content))
    lines = [a.line for a in attempts if a.line]
    summary = "; ".join(lines) or NOTHING_NEW
    if not all(a.ok for a in attempts):
        raise DeliveryFailed(summary)
    return summary


def send_alert(factory: sessionmaker[Session], mail: MailOptions, digest: DigestOptions, *,
               labels: Mapping[str, str] | None = None, now: datetime | None = None) -> str:
    """A short mail of the changes that no alert or digest carried yet, through the same outbox.
    Never raises for a delivery problem: the line says the alert is kept pending."""
    now = now or datetime.now(timezone.utc)
    transport = transport_for(mail)
    attempts = [deliver(factory, transport, i, mail, digest, now)
                for i in outbox.due(factory, now, honour_backoff=True)]
    content, row_id = record_new(factory, "alert", mail, digest, now, labels)
    if row_id is not None:
        attempts.append(deliver(factory, transport, row_id, mail, digest, now, content))
    return "; ".join(a.line for a in attempts if a.line) or "no new changes: no alert sent"


def flush_outbox(factory: sessionmaker[Session], mail: MailOptions, digest: DigestOptions, *,
                 now: datetime | None = None) -> str:
    """Retry the mails whose retry time has come (for a service between scheduled digests)."""
    now = now or datetime.now(timezone.utc)
    transport = transport_for(mail)
    attempts = [deliver(factory, transport, i, mail, digest, now)
                for i in outbox.due(factory, now, honour_backoff=True)]
    return "; ".join(a.line for a in attempts) or "outbox empty"


def digest_preview(factory: sessionmaker[Session], mail: MailOptions, digest: DigestOptions, *,
                   labels: Mapping[str, str] | None = None, now: datetime | None = None) -> tuple[str, str]:
    """(text part, HTML part) of the digest `send` would build now; records and sends nothing."""
    now = now or datetime.now(timezone.utc)
    with factory() as session:
        news = read_news(session, "digest")
    content = build_digest(news, kind="digest", now=now, labels=labels, send_when_empty=True)
    rendered = render(content, timezone=digest.timezone, sender=mail.sender, unsubscribe=mail.list_unsubscribe)
    return rendered.text, rendered.html


def record_new(factory: sessionmaker[Session], kind: str, mail: MailOptions, digest: DigestOptions,
               now: datetime, labels: Mapping[str, str] | None) -> tuple[DigestContent | None, int | None]:
    """Build and record the new mail of `kind` under the outbox lock.

    A digest is not built while an earlier one is unsent (that one goes first; what is new
    waits for the next). Returns (content, row id); (None, id) for such an unsent digest,
    (None, None) when there is nothing to send."""
    try:
        return _record_new(factory, kind, mail, digest, now, labels)
    except outbox.ClaimConflict:  # cannot happen under the lock; if it does, the next call builds it
        return None, None


def _record_new(factory: sessionmaker[Session], kind: str, mail: MailOptions, digest: DigestOptions,
                now: datetime, labels: Mapping[str, str] | None) -> tuple[DigestContent | None, int | None]:
    with transaction(factory) as session:
        outbox.lock_outbox(session)
        if kind == "digest":
            waiting = outbox.unsent(session, "digest")
            if waiting is not None:
                return None, waiting.id
        news = read_news(session, kind)
        content = build_digest(news, kind=kind, now=now, labels=labels,
                               send_when_empty=digest.send_when_empty and kind == "digest")
        if content is None:
            return None, None
        rendered = render(content, timezone=digest.timezone, sender=mail.sender, unsubscribe=mail.list_unsubscribe)

        def make_message(row_id: int) -> tuple[str, str, bytes]:
            msgid = message_id(kind, row_id, content.key(), mail.sender)
            return msgid, rendered.subject, compose(rendered, msgid=msgid, sender=mail.sender, to=mail.to, date=now,
                                                    list_unsubscribe=mail.list_unsubscribe, kind=kind)

        row = outbox.record(session, kind=kind, created_at=now, change_ids=content.change_ids,
                            article_ids=content.article_ids, make_message=make_message)
        return content, row.id


def deliver(factory: sessionmaker[Session], transport: Transport, digest_id: int, mail: MailOptions,
            digest: DigestOptions, now: datetime, content: DigestContent | None = None) -> Attempt:
    """Claim one outbox row and hand it to the transport; record what happened."""
    claimed = outbox.claim(factory, digest_id, now, outbox.lease_for(mail.timeout))
    if claimed is None:
        return Attempt(_not_claimed(factory, digest_id), ok=True)
    what = f"sent {claimed.kind} {claimed.message_id}"
    try:
        with Renewal(factory, claimed, outbox.lease_for(mail.timeout)):
            accepted = transport.deliver(claimed.message, mail.sender, mail.to)
    except DeliveryError as exc:
        reason = str(exc)
        lost_before = bool(claimed.last_error and AFTER_DATA in claimed.last_error)
        if exc.after_data and lost_before:
            # RFC 1047: the server may have the message twice already; a third copy is worse
            # than none, and the news of a mail marked sent is not offered again
            note = f"unconfirmed: {reason}, for the second time; not sent again"
            outbox.mark_sent(factory, claimed.id, now, note)
            return Attempt(f"{claimed.kind} {claimed.message_id} {note}", ok=True)
        if lost_before and AFTER_DATA not in reason:
            reason += f" (earlier: {AFTER_DATA})"  # the one retry after DATA stays spent
        if exc.permanent:
            outbox.mark_failed(factory, claimed.id, reason)
            return Attempt(f"{claimed.kind} {claimed.message_id} failed: {reason}; not retried, "
                           f"its news goes into the next {claimed.kind}", ok=False)
        retry_at = outbox.mark_retry(factory, claimed.id, now, reason, claimed.attempts, digest.max_attempts)
        if retry_at is None:
            return Attempt(f"{claimed.kind} {claimed.message_id} failed after {claimed.attempts} attempts: "
                           f"{reason}; its news goes into the next {claimed.kind}", ok=False)
        return Attempt(f"{claimed.kind} kept pending: {reason} (attempt {claimed.attempts} of "
                       f"{digest.max_attempts}; next try from {retry_at:%Y-%m-%d %H:%M} UTC)", ok=False)
    note = None
    if accepted.refused:
        note = "refused: " + describe_replies(accepted.refused)
    outbox.mark_sent(factory, claimed.id, now, note)
    counts = f": {_counts(content)}" if content is not None else (
        f" (attempt {claimed.attempts}, built {claimed.created_at:%Y-%m-%d %H:%M} UTC)")
    return Attempt(f"{what}{counts} to {accepted.where}" + (f" ({note})" if note else ""), ok=True)


class Renewal:
    """Keeps a claim alive while the transport works (a send is also bounded by its deadline,
    below the claim; this covers a clock or a process that is slower than expected)."""

    def __init__(self, factory: sessionmaker[Session], claimed: outbox.Claimed, lease: timedelta) -> None:
        self.factory, self.claimed, self.lease = factory, claimed, lease
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name="spacewatch-claim", daemon=True)

    def __enter__(self) -> "Renewal":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.done.set()
        self.thread.join()

    def _run(self) -> None:
        every = self.lease.total_seconds() / 4
        while not self.done.wait(every):
            try:
                if not outbox.renew(self.factory, self.claimed, datetime.now(timezone.utc) + self.lease):
                    return
            except Exception:  # a database hiccup: the deadline still ends the send within the lease
                return


def _counts(content: DigestContent) -> str:
    merged = content.reported_changes - len(content.changes)
    reports = f" (of {plural(content.reported_changes, 'detected change')})" if merged > 0 else ""
    return f"{plural(len(content.changes), 'change')}{reports}, {plural(content.story_count, 'story', 'stories')}"


def _not_claimed(factory: sessionmaker[Session], digest_id: int) -> str:
    with factory() as session:
        row = session.get(Digest, digest_id)
    if row is None or row.status == outbox.SENT:
        return ""  # another process sent it a moment ago and says so itself
    return f"{row.kind} {row.message_id} is being sent by another process"
