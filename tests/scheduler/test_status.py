"""`spacewatch status`: sources' last and next polls, failures, digests, the service's state."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from scheduler.config import parse_config
from scheduler.status import collect_status, describe_status
from storage.db import transaction
from storage.locks import SERVICE, open_locks
from storage.models import CrawlRun, Digest, Source
from tests.scheduler.service_support import cli, write_config

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def config_for(db_url: str):
    return parse_config({
        "database": {"url": db_url},
        "sources": [{"name": "orbit", "type": "feed", "url": "http://127.0.0.1:9/feed.xml", "every": "30m"},
                    {"name": "fresh", "type": "feed", "url": "http://127.0.0.1:9/other.xml", "every": "1h"}],
        "digest": {"schedule": "0 8 * * *", "timezone": "Europe/Berlin"}})


def seed(factory) -> None:
    with transaction(factory) as session:
        session.add(Source(name="orbit", type="feed", url="http://127.0.0.1:9/feed.xml",
                           last_polled_at=NOW - timedelta(minutes=5), last_status="failed",
                           last_error="HTTP 503 Service Unavailable", consecutive_failures=3,
                           failing_since=NOW - timedelta(hours=2), next_poll_at=NOW + timedelta(hours=2)))
        session.add(Source(name="gone", type="feed", url="http://127.0.0.1:9/gone.xml", last_status="ok",
                           consecutive_failures=0))
        session.add(CrawlRun(started_at=NOW - timedelta(minutes=5), finished_at=NOW, trigger="schedule",
                             sources="orbit", status="failed", errors=1, error="every source failed"))
        session.add(Digest(kind="digest", status="sent", message_id="<a@x>", subject="Digest 1", message=b"x",
                           created_at=NOW - timedelta(days=1), sent_at=NOW - timedelta(days=1)))
        session.add(Digest(kind="digest", status="pending", message_id="<b@x>", subject="Digest 2", message=b"x",
                           created_at=NOW - timedelta(minutes=1)))
        session.add(Digest(kind="alert", status="failed", message_id="<c@x>", subject="Alert", message=b"x",
                           created_at=NOW - timedelta(minutes=1)))


def test_collect_status_reports_sources_digests_and_service(db_url, factory):
    seed(factory)
    config = config_for(db_url)
    report = collect_status(config, now=NOW)
    json.dumps(report)  # JSON-ready
    sources = {s["name"]: s for s in report["sources"]}
    orbit = sources["orbit"]
    assert orbit["last_poll_at"] == (NOW - timedelta(minutes=5)).isoformat()
    assert orbit["result"] == "failed" and orbit["consecutive_failures"] == 3
    assert orbit["last_error"] == "HTTP 503 Service Unavailable"
    assert orbit["next_poll_at"] == (NOW + timedelta(hours=2)).isoformat()
    assert orbit["last_run"]["status"] == "failed"
    assert sources["fresh"]["last_poll_at"] is None and sources["fresh"]["configured"]
    assert sources["gone"]["configured"] is False
    digest = report["digest"]
    assert digest["last_sent_at"] == (NOW - timedelta(days=1)).isoformat()
    assert digest["pending"] == 1 and digest["failed"] == 1
    next_at = datetime.fromisoformat(digest["next_at"])
    assert NOW < next_at <= NOW + timedelta(days=1) and next_at.astimezone(timezone.utc).hour in (6, 7)
    assert report["service"]["running"] is False

    with open_locks(db_url) as locks:
        locks.try_acquire(SERVICE)
        running = collect_status(config, now=NOW)
    assert running["service"]["running"] is True and "pid" in running["service"]["holder"]

    text = describe_status(running)
    assert "service: running" in text
    assert "orbit (feed, every 30m)" in text and "consecutive failures: 3" in text
    assert "last error: HTTP 503 Service Unavailable" in text and "in 2h00m" in text
    assert "gone" in text and "not in the config" in text
    assert "pending: 1  failed: 1" in text
    assert "not running" in describe_status(report) and "(service not running)" in describe_status(report)


def test_status_command_on_an_empty_database(tmp_path):
    config = write_config(tmp_path / "spacewatch.toml", f"sqlite:///{tmp_path / 'sw.db'}",
                          [("orbit", "http://127.0.0.1:9/feed.xml", "30m")])
    text = cli(config, "status")
    assert text.returncode == 0 and "service: not running" in text.stdout and "last poll: -" in text.stdout
    data = json.loads(cli(config, "status", "--json").stdout)
    assert data["sources"][0]["name"] == "orbit" and data["digest"]["pending"] == 0


def test_the_next_poll_is_never_before_the_last_one_after_a_manual_crawl(db_url, factory):
    with transaction(factory) as session:
        # the service planned a poll for 10 min ago, before a manual crawl polled the source just now
        session.add(Source(name="orbit", type="feed", url="http://127.0.0.1:9/feed.xml", last_status="ok",
                           last_polled_at=NOW, last_new_at=NOW, consecutive_failures=0,
                           next_poll_at=NOW - timedelta(minutes=10)))
    orbit = next(s for s in collect_status(config_for(db_url), now=NOW)["sources"] if s["name"] == "orbit")
    assert datetime.fromisoformat(orbit["next_poll_at"]) == NOW + timedelta(minutes=30)  # `every` after it
    assert orbit["next_poll_at"] > orbit["last_poll_at"]
