"""Apprise alerts against a loopback HTTP endpoint (json://127.0.0.1:PORT): one push per change
set, never twice, kept and retried when the endpoint is down; mail delivery never sees them."""
from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from notifications import send_alert, send_pending_digest
from notifications.options import DigestOptions, MailOptions, NotifyOptions
from notifications.push import send_pushes
from scheduler.config import ConfigError, parse_config
from storage.db import transaction
from storage.models import Digest
from tests.notifications import rows


class Endpoint:
    """A loopback HTTP endpoint keeping every POSTed JSON body; `down` answers 503."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        self.down = False
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = 503 if endpoint.down else 200
                if not endpoint.down:
                    endpoint.bodies.append(json.loads(data))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"json://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint():
    server = Endpoint()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def maildir(tmp_path) -> MailOptions:
    return MailOptions(outbox=str(tmp_path / "outbox"))


IMMEDIATE = DigestOptions(on_change="immediate", max_attempts=3)


def change_set(factory, path: str, value: str, days: float) -> None:
    with transaction(factory) as session:
        article = rows.article(session, path, title=f"Launch moves to {value}", days=days)
        rows.change(session, article, "challenge", "launch_date", None, value, f"The launch is now {value}.")


def statuses(factory) -> list[tuple[str, str, int]]:
    with factory() as session:
        return [(d.kind, d.status, d.attempts) for d in session.scalars(select(Digest).order_by(Digest.id))]


def test_one_push_per_change_set_never_twice(factory, maildir, endpoint):
    notify = NotifyOptions(urls=(endpoint.url,), timeout=5)
    change_set(factory, "2026/03/a.html", "2026-04-01", 0)
    send_alert(factory, maildir, IMMEDIATE)
    line = send_pushes(factory, notify, labels={"challenge": "The Challenge"})
    assert line.startswith("pushed <push.alert-")
    assert len(endpoint.bodies) == 1
    assert "The Challenge launch_date: (none) -> 2026-04-01" in endpoint.bodies[0]["message"]
    assert send_pushes(factory, notify) == "" and len(endpoint.bodies) == 1  # nothing new: nothing pushed

    change_set(factory, "2026/03/b.html", "2026-05-01", 1)
    send_alert(factory, maildir, IMMEDIATE)
    send_pushes(factory, notify)
    send_pushes(factory, notify)
    assert len(endpoint.bodies) == 2
    assert "2026-05-01" in endpoint.bodies[1]["message"] and "2026-04-01" not in endpoint.bodies[1]["message"]
    assert statuses(factory) == [("alert", "sent", 1), ("push", "sent", 1), ("alert", "sent", 1), ("push", "sent", 1)]


def test_a_push_the_endpoint_refused_is_kept_and_sent_once_it_is_back(factory, maildir, endpoint):
    notify = NotifyOptions(urls=(endpoint.url,), timeout=5)
    change_set(factory, "2026/03/a.html", "2026-04-01", 0)
    send_alert(factory, maildir, IMMEDIATE)
    endpoint.down = True
    line = send_pushes(factory, notify, now=rows.T0)
    assert "kept pending" in line and endpoint.bodies == []
    assert statuses(factory)[1] == ("push", "pending", 1)
    assert send_pushes(factory, notify, now=rows.T0 + timedelta(seconds=10)) == ""  # backing off: not tried yet
    endpoint.down = False
    send_pushes(factory, notify, now=rows.T0 + timedelta(minutes=2))
    assert len(endpoint.bodies) == 1
    assert statuses(factory)[1] == ("push", "sent", 2)
    send_pushes(factory, notify, now=rows.T0 + timedelta(hours=1))
    assert len(endpoint.bodies) == 1


def test_a_push_that_never_gets_through_fails_after_the_last_attempt(factory, maildir, endpoint):
    notify = NotifyOptions(urls=(endpoint.url,), timeout=5)
    change_set(factory, "2026/03/a.html", "2026-04-01", 0)
    send_alert(factory, maildir, IMMEDIATE)
    endpoint.down = True
    for minutes in (0, 5, 30):
        send_pushes(factory, notify, now=rows.T0 + timedelta(minutes=minutes), max_attempts=3)
    assert statuses(factory)[1] == ("push", "failed", 3)


def test_the_mail_outbox_never_sends_a_push(factory, maildir, endpoint):
    notify = NotifyOptions(urls=(endpoint.url,), timeout=5)
    change_set(factory, "2026/03/a.html", "2026-04-01", 0)
    send_alert(factory, maildir, IMMEDIATE)
    endpoint.down = True
    send_pushes(factory, notify, now=rows.T0)
    send_pending_digest(factory, maildir, IMMEDIATE, now=rows.T0 + timedelta(days=1))
    assert ("push", "pending", 1) in statuses(factory)


def test_notify_urls_are_checked_when_the_config_loads():
    assert parse_config({"notify": {"urls": ["json://127.0.0.1:9/hook", "ntfy://127.0.0.1/topic"]}}).notify.urls
    with pytest.raises(ConfigError, match=r"notify\.urls"):
        parse_config({"notify": {"urls": ["nonsense-scheme://x"]}}, "spacewatch.toml")
