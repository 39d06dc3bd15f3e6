"""A digest is sent at most once and a send never outlasts its timeout, against scripted SMTP
servers on loopback that keep the message and hang up, or that never finish their greeting."""
from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from notifications import DeliveryFailed, send_pending_digest
from notifications import outbox
from notifications.options import MailOptions
from storage.models import Digest
from tests.loopback import ScriptedSmtp, free_port


@pytest.fixture
def scripted(request):
    server = ScriptedSmtp(request.param).start()
    yield server
    server.stop()


def mail_to(port: int, timeout: float = 5) -> MailOptions:
    return MailOptions(to=("desk@example.org",), sender="spacewatch@example.org", smtp_host="127.0.0.1",
                       smtp_port=port, timeout=timeout)


@pytest.mark.parametrize("scripted", ["drop_after_data"], indirect=True)
def test_a_server_that_keeps_the_data_and_drops_the_reply_gets_at_most_two_copies(factory, options, seeded, scripted):
    mail = mail_to(scripted.port)
    now = datetime.now(timezone.utc)
    results = []
    for hour in range(options.max_attempts + 1):  # every retry the outbox would make, and more
        try:
            results.append(send_pending_digest(factory, mail, options, now=now + timedelta(hours=hour)))
        except DeliveryFailed as exc:
            results.append(str(exc))
    assert len(scripted.messages) == 2, results
    with factory() as session:
        [row] = session.scalars(select(Digest)).all()
    assert row.status == "sent" and "unconfirmed" in row.last_error and row.attempts == 2


@pytest.mark.parametrize("scripted", ["trickle", "endless"], indirect=True)
def test_the_timeout_bounds_the_whole_send_well_inside_the_claim(factory, options, seeded, scripted):
    mail = mail_to(scripted.port, timeout=1)
    started = time.monotonic()
    with pytest.raises(DeliveryFailed, match="no complete answer within 1 s"):
        send_pending_digest(factory, mail, options)
    took = time.monotonic() - started
    assert took < 3 and timedelta(seconds=took) < outbox.lease_for(mail.timeout)
    with factory() as session:
        [row] = session.scalars(select(Digest)).all()
    assert row.status == "pending"  # kept for the next try, not left claimed


def test_a_claim_is_renewed_only_by_its_holder(factory, smtp, options, seeded):
    """While a send runs its claim is pushed forward; a claim that was lost is not taken back."""
    _, port = smtp
    mail = mail_to(port)
    now = datetime.now(timezone.utc)
    with pytest.raises(DeliveryFailed):
        send_pending_digest(factory, replace(mail, smtp_port=free_port()), options, now=now)  # nobody listens
    with factory() as session:
        [row] = session.scalars(select(Digest)).all()
    lease = outbox.lease_for(mail.timeout)
    mine = outbox.claim(factory, row.id, now + timedelta(hours=1), lease)
    assert outbox.renew(factory, mine, now + timedelta(hours=2))
    with factory() as session:
        assert session.get(Digest, row.id).next_attempt_at.replace(tzinfo=timezone.utc) == now + timedelta(hours=2)
    theirs = outbox.claim(factory, row.id, now + timedelta(hours=3), lease)  # mine ran out meanwhile
    assert theirs is not None and not outbox.renew(factory, mine, now + timedelta(hours=4))
