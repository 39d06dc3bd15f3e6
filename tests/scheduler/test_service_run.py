"""The real `spacewatch run` against loopback feeds and a real SMTP server: sources polled on
their schedule, digests on theirs, SIGTERM, one service per database, reloads."""
from __future__ import annotations

import json
import signal
import threading
from datetime import datetime, timedelta, timezone
from contextlib import closing
from itertools import pairwise

import pytest
from sqlalchemy import create_engine, text

from tests.scheduler.service_support import (RunningService, add_feed, cli, feed_requests, wait_for,
                                             write_config)

pytestmark = pytest.mark.slow


def held_until(site, path: str, release: threading.Event) -> None:
    """The first request of `path` is answered only once `release` is set (as on a loaded machine)."""
    inner = site.routes[path]
    first = threading.Lock()

    def handler(request):
        if first.acquire(blocking=False):
            release.wait(60)
        return inner(request)

    site.add_handler(path, handler)


def counted(site, path: str, times: int, reached: threading.Event) -> None:
    """Set `reached` once `path` has been requested `times` times."""
    inner = site.routes[path]
    seen = []

    def handler(request):
        seen.append(1)
        if len(seen) >= times:
            reached.set()
        return inner(request)

    site.add_handler(path, handler)


def poll_starts(db_path, source: str) -> list[datetime]:
    """When each scheduled crawl that included `source` started, as the service recorded it."""
    engine = create_engine(f"sqlite:///{db_path}")
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT started_at, sources FROM crawl_runs WHERE trigger = 'schedule' "
                                     "ORDER BY id")).all()
    finally:
        engine.dispose()
    return [datetime.fromisoformat(str(started)) for started, names in rows if source in names.split(",")]


def digest_texts(sink) -> list[str]:
    return [m.get_body(("plain",)).get_content() for m in sink.parsed()]


def test_sources_polled_on_schedule_digest_sent_and_sigterm_exits_0(tmp_path, site, smtp):
    sink, port = smtp
    add_feed(site, "alpha", 2, seed=1)
    add_feed(site, "beta", 2, seed=2)
    beta_polled_twice = threading.Event()
    counted(site, "/beta/feed.xml", 2, beta_polled_twice)
    # alpha's first answer comes late, after beta's second poll: what a loaded machine does at random
    held_until(site, "/alpha/feed.xml", beta_polled_twice)
    config = write_config(tmp_path / "spacewatch.toml", f"sqlite:///{tmp_path / 'sw.db'}",
                          [("alpha", site.url("/alpha/feed.xml"), "2s"), ("beta", site.url("/beta/feed.xml"), "3s")],
                          smtp_port=port)
    service = RunningService(config)
    try:
        service.wait_log("event=service.started")
        wait_for(lambda: feed_requests(site, "alpha") >= 4 and feed_requests(site, "beta") >= 3, 90,
                 "repeated polls of both feeds")
        wait_for(lambda: len(poll_starts(tmp_path / "sw.db", "alpha")) >= 3, 60, "three recorded polls of alpha")
        starts = poll_starts(tmp_path / "sw.db", "alpha")
        gaps = [(b - a).total_seconds() for a, b in pairwise(starts)]
        # never sooner than `every` after the last poll, less the slack for a late fire (half of it)
        assert min(gaps) >= 1.0, f"polled faster than every 2 s: {gaps}"

        story = site.url("/alpha/story-0.html")
        wait_for(lambda: any(story in body for body in digest_texts(sink)), 60, "a digest over SMTP with alpha's story")
        assert all("desk@example.org" in m["To"] for m in sink.parsed())
        assert sum(story in body for body in digest_texts(sink)) == 1  # linked once, whichever digest it was

        def status() -> dict:
            return json.loads(cli(config, "status", "--json").stdout)

        wait_for(lambda: status()["digest"]["pending"] == 0, 30, "no digest being sent")
        now = status()
        assert now["service"]["running"] is True
        by_name = {s["name"]: s for s in now["sources"]}
        assert by_name["alpha"]["last_poll_at"] and by_name["alpha"]["result"] in ("ok", "not_modified")
        assert by_name["alpha"]["next_poll_at"] and by_name["alpha"]["consecutive_failures"] == 0
        assert now["digest"]["last_sent_at"]

        code, seconds = service.stop()
        assert code == 0 and seconds < 30
        log = service.log()
        assert "event=service.stopped" in log and "event=crawl.finished" in log and "event=digest.finished" in log
        assert all(line.startswith("ts=") for line in log.splitlines()), log
        assert status()["service"]["running"] is False
    finally:
        beta_polled_twice.set()
        service.close()


def test_a_second_service_on_the_same_database_is_refused(tmp_path, db_url):
    config = write_config(tmp_path / "spacewatch.toml", db_url, [], schedule="0 0 1 1 *")
    first = RunningService(config)
    try:
        first.wait_log("event=service.started")
        second = cli(config, "run", timeout=60)
        assert second.returncode != 0
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1 and "another spacewatch service is running" in lines[0], second.stderr
        assert f"pid {first.process.pid}" in lines[0]
        assert first.stop()[0] == 0
        # the lock went with the first service: a new one starts
        third = RunningService(config, log_name="third.log")
        try:
            third.wait_log("event=service.started")
            assert third.stop()[0] == 0
        finally:
            third.close()
    finally:
        first.close()


def test_a_second_service_through_a_symlink_to_the_database_is_refused(tmp_path):
    real = tmp_path / "data" / "sw.db"
    real.parent.mkdir()
    first_config = write_config(tmp_path / "spacewatch.toml", f"sqlite:///{real}", [], schedule="0 0 1 1 *")
    first = RunningService(first_config)
    try:
        first.wait_log("event=service.started")
        other = tmp_path / "other"
        other.mkdir()
        (other / "sw.db").symlink_to(real)
        second_config = write_config(other / "spacewatch.toml", f"sqlite:///{other / 'sw.db'}", [],
                                     schedule="0 0 1 1 *")
        second = cli(second_config, "run", timeout=60)
        assert second.returncode != 0 and "another spacewatch service is running" in second.stderr
        assert first.stop()[0] == 0
    finally:
        first.close()


def test_sighup_and_file_changes_reload_sources_without_ghosts(tmp_path, site):
    add_feed(site, "old", 1, seed=3)
    add_feed(site, "new", 1, seed=4)
    path = tmp_path / "spacewatch.toml"
    db = f"sqlite:///{tmp_path / 'sw.db'}"
    config = write_config(path, db, [("old", site.url("/old/feed.xml"), "2s")], schedule="0 0 1 1 *")
    service = RunningService(config)
    try:
        service.wait_log("event=service.started")
        wait_for(lambda: feed_requests(site, "old") >= 1, 60, "the first poll of 'old'")
        write_config(path, db, [("new", site.url("/new/feed.xml"), "2s")], schedule="0 0 1 1 *")
        service.process.send_signal(signal.SIGHUP)
        log = service.wait_log("event=config.reloaded")
        assert "added=new" in log and "removed=old" in log
        wait_for(lambda: feed_requests(site, "new") >= 1, 60, "the first poll of 'new'")
        old_polls = feed_requests(site, "old")
        wait_for(lambda: feed_requests(site, "new") >= 3, 60, "more polls of 'new'")
        assert feed_requests(site, "old") == old_polls, "the removed source is still polled"

        path.write_text("[[sources]\nbroken", encoding="utf-8")  # noticed by its mtime, no signal
        log = service.wait_log("event=config.reload_failed")
        assert "not valid TOML" in log
        path.write_text("deep = " + "[" * 1000 + "]" * 1000 + "\n", encoding="utf-8")
        log = service.wait_log("event=config.reload_failed", count=2)
        assert "nested too deeply" in log and "Traceback" not in log
        polls = feed_requests(site, "new")
        wait_for(lambda: feed_requests(site, "new") >= polls + 1, 60, "a poll after the broken edit")
        assert service.stop()[0] == 0
    finally:
        service.close()


def test_a_hung_crawl_is_killed_at_its_deadline_and_the_service_goes_on(tmp_path, site):
    import threading

    gate = threading.Event()
    add_feed(site, "healthy", 1, seed=5)

    def hang(request):
        gate.wait(60)
        return None

    site.add_handler("/stuck/feed.xml", hang)
    config = write_config(tmp_path / "spacewatch.toml", f"sqlite:///{tmp_path / 'sw.db'}",
                          [("stuck", site.url("/stuck/feed.xml"), "5s"),
                           ("healthy", site.url("/healthy/feed.xml"), "2s")],
                          schedule="0 0 1 1 *", extra="")
    config.write_text(config.read_text().replace("workers = 1\n", "workers = 1\ndownload_timeout = 120\n"))
    service = RunningService(config, env={"SPACEWATCH_CRAWL_DEADLINE": "8"})
    try:
        log = service.wait_log("event=crawl.killed", timeout=90)
        assert "deadline" in log
        polls = feed_requests(site, "healthy")
        wait_for(lambda: feed_requests(site, "healthy") >= polls + 1, 60, "a poll after the kill")
        status = json.loads(cli(config, "status", "--json").stdout)
        stuck = {s["name"]: s for s in status["sources"]}["stuck"]
        assert stuck["result"] == "killed" and "deadline" in stuck["last_error"]
        assert stuck["consecutive_failures"] >= 1
        assert stuck["last_run"]["status"] in ("killed", "running")  # or its next try, hanging again
        with closing(create_engine(f"sqlite:///{tmp_path / 'sw.db'}").connect()) as conn:
            runs = conn.execute(text("SELECT sources, status, error FROM crawl_runs")).all()
        assert any("stuck" in r.sources.split(",") and r.status == "killed" and "deadline" in r.error for r in runs), runs
        gate.set()
        assert service.stop()[0] == 0
    finally:
        gate.set()
        service.close()


@pytest.mark.parametrize("used_before", [False, True])
def test_a_digest_is_caught_up_at_start_only_when_one_was_due(tmp_path, used_before):
    db = tmp_path / "sw.db"
    config = write_config(tmp_path / "spacewatch.toml", f"sqlite:///{db}", [], schedule="0 * * * *")
    if used_before:  # a crawl two days ago: the service was down over the last hourly slot
        assert cli(config, "db", "upgrade").returncode == 0
        engine = create_engine(f"sqlite:///{db}")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO crawl_runs (started_at, trigger, sources, status, fetched, new, "
                              "duplicates, irrelevant, errors) VALUES (:at, 'manual', 'x', 'ok', 0, 0, 0, 0, 0)"),
                         {"at": datetime.now(timezone.utc) - timedelta(days=2)})
        engine.dispose()
    service = RunningService(config)
    try:
        log = service.wait_log("event=service.started")
        code, _ = service.stop()
        assert code == 0
    finally:
        service.close()
    assert ("event=digest.catch_up" in log) is used_before, log


def test_a_relative_database_path_means_the_same_file_to_the_service_and_its_crawls(tmp_path, site):
    urls = add_feed(site, "gamma", 1, seed=7)
    # every 20 s: its first poll comes within seconds (an hourly source's may take a minute,
    # 30 s of jitter on top of the first polls' spread)
    config = write_config(tmp_path / "spacewatch.toml", "sqlite:///relative.db",
                          [("gamma", site.url("/gamma/feed.xml"), "20s")])

    def stored() -> set[str]:
        listed = cli(config, "articles", "--json")
        return {a["url"] for a in json.loads(listed.stdout)} if listed.returncode == 0 else set()

    service = RunningService(config)
    try:
        service.wait_log("event=crawl.finished")
        assert urls[0] in stored(), service.log()  # read from the file beside the config
        status = json.loads(cli(config, "status", "--json").stdout)
        assert {s["name"]: s for s in status["sources"]}["gamma"]["result"] == "ok"
    finally:
        service.close()
