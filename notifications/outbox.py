"""The outbox: every outgoing mail is a `digests` row whose status moves

    pending --claim--> sending --accepted--> sent
                          |----refused for good / out of attempts--> failed
                          '----temporary failure--> pending (attempts + 1, next_attempt_at later)

A mail is recorded with its exact bytes, and the rows it accounts for (changes, articles) point
at it, in one transaction before any delivery is tried; so a crash before the server accepted
it loses nothing: the row is still pending (or its claim runs out) and is sent later. A claim
is a conditional UPDATE that only one process can win, on SQLite and PostgreSQL alike. The one
window left is a crash after the server accepted and before the row is marked sent: the next
run sends the same bytes, with the same Message-ID, again.

A failed mail gives back what it carried, so the next mail of its kind carries it instead.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from notifications.news import chunked
from storage.db import transaction
from storage.locks import transaction_lock
from storage.models import Article, Change, Digest

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
UNSENT = (PENDING, SENDING)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
MIN_LEASE = timedelta(minutes=2)
OUTBOX_LOCK = "outbox"  # serialises the building of mails across processes


class ClaimConflict(Exception):
    """Rows this mail would account for were taken by another mail meanwhile."""


@dataclass(frozen=True)
class Claimed:
    id: int
    kind: str
    message_id: str
    message: bytes
    attempts: int  # including this one
    created_at: datetime
    last_error: str | None = None  # of the attempts before this one


def backoff(attempts: int) -> timedelta:
    """1 minute after the first failure, doubling, at most 6 hours."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


def lease_for(timeout: float) -> timedelta:
    """How long a claim holds: long enough for a slow SMTP conversation to finish."""
    return max(MIN_LEASE, timedelta(seconds=6 * timeout))


def lock_outbox(session: Session) -> None:
    """Take the outbox lock for the rest of this transaction: one builder at a time."""
    transaction_lock(session, OUTBOX_LOCK)


def unsent(session: Session, kind: str) -> Digest | None:
    """The oldest mail of `kind` that is pending or being sent."""
    return session.scalars(select(Digest).where(Digest.kind == kind, Digest.status.in_(UNSENT))
                           .order_by(Digest.id).limit(1)).first()


def record(session: Session, *, kind: str, created_at: datetime, change_ids: tuple[int, ...],
           article_ids: tuple[int, ...], make_message: Callable[[int], tuple[str, str, bytes]]) -> Digest:
    """A pending row for a new mail, and the rows it accounts for marked as its own.

    `make_message(row_id)` returns (message_id, subject, bytes). Call inside a transaction that
    took `lock_outbox`; raises ClaimConflict when another mail took any of the changes.
    """
    row = Digest(kind=kind, status=PENDING, message_id=f"<unassigned.{kind}.{created_at.timestamp()}>",
                 subject="", message=b"", created_at=created_at, attempts=0)
    session.add(row)
    session.flush()
    column = Change.alert_id if kind == "alert" else Change.digest_id
    for part in chunked(change_ids):
        taken = session.execute(update(Change).where(Change.id.in_(part), column.is_(None))
                                .values({column: row.id}).execution_options(synchronize_session=False))
        if taken.rowcount != len(part):
            raise ClaimConflict(f"changes taken by another {kind}")
    for part in chunked(article_ids):  # an article an earlier mail linked keeps pointing at that mail
        session.execute(update(Article).where(Article.id.in_(part), Article.digest_id.is_(None))
                        .values(digest_id=row.id).execution_options(synchronize_session=False))
    row.message_id, row.subject, row.message = make_message(row.id)
    session.flush()
    return row


def due(factory: sessionmaker[Session], now: datetime, *, honour_backoff: bool) -> list[int]:
    """Ids of the mails to try now, oldest first: pending ones (when their retry time has come,
    if `honour_backoff`) and those whose claim ran out (a sender that died)."""
    waiting = (Digest.status == PENDING) & (Digest.kind != "push")  # pushes: notifications.push
    if honour_backoff:
        waiting = waiting & or_(Digest.next_attempt_at.is_(None), Digest.next_attempt_at <= now)
    abandoned = (Digest.status == SENDING) & (Digest.next_attempt_at < now) & (Digest.kind != "push")
    with factory() as session:
        return list(session.scalars(select(Digest.id).where(or_(waiting, abandoned)).order_by(Digest.id)))


def claim(factory: sessionmaker[Session], digest_id: int, now: datetime, lease: timedelta) -> Claimed | None:
    """Take the mail for sending, or None when another process has it (or it is done)."""
    with transaction(factory) as session:
        won = session.execute(
            update(Digest)
            .where(Digest.id == digest_id,
                   or_(Digest.status == PENDING, (Digest.status == SENDING) & (Digest.next_attempt_at < now)))
            .values(status=SENDING, next_attempt_at=now + lease, attempts=Digest.attempts + 1)
            .execution_options(synchronize_session=False))
        if won.rowcount != 1:
            return None
        row = session.get(Digest, digest_id, populate_existing=True)
        return Claimed(id=row.id, kind=row.kind, message_id=row.message_id, message=row.message,
                       attempts=row.attempts, created_at=row.created_at, last_error=row.last_error)


def renew(factory: sessionmaker[Session], claimed: Claimed, until: datetime) -> bool:
    """Extend our claim on a mail still being sent; False when it is no longer ours."""
    with transaction(factory) as session:
        kept = session.execute(update(Digest)
                               .where(Digest.id == claimed.id, Digest.status == SENDING,
                                      Digest.attempts == claimed.attempts)
                               .values(next_attempt_at=until).execution_options(synchronize_session=False))
        return kept.rowcount == 1


def mark_sent(factory: sessionmaker[Session], digest_id: int, now: datetime, note: str | None = None) -> None:
    with transaction(factory) as session:
        session.execute(update(Digest).where(Digest.id == digest_id)
                        .values(status=SENT, sent_at=now, next_attempt_at=None, last_error=note))


def mark_retry(factory: sessionmaker[Session], digest_id: int, now: datetime, error: str,
               attempts: int, max_attempts: int) -> datetime | None:
    """Back to pending with a later retry time; failed (and its rows given back) when out of attempts.
    Returns the retry time, or None when the mail failed for good."""
    if attempts >= max_attempts:
        mark_failed(factory, digest_id, f"{error} (gave up after {attempts} attempts)")
        return None
    retry_at = now + backoff(attempts)
    with transaction(factory) as session:
        session.execute(update(Digest).where(Digest.id == digest_id)
                        .values(status=PENDING, next_attempt_at=retry_at, last_error=error))
    return retry_at


def mark_failed(factory: sessionmaker[Session], digest_id: int, error: str) -> None:
    """Failed for good: recorded, never retried; what it carried goes to the next mail."""
    with transaction(factory) as session:
        session.execute(update(Digest).where(Digest.id == digest_id)
                        .values(status=FAILED, next_attempt_at=None, last_error=error))
        session.execute(update(Change).where(Change.digest_id == digest_id).values(digest_id=None))
        session.execute(update(Change).where(Change.alert_id == digest_id).values(alert_id=None))
        session.execute(update(Article).where(Article.digest_id == digest_id).values(digest_id=None))

