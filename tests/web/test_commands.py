"""`spacewatch web` and `spacewatch run --web` as a user starts them: real processes, the
dashboard address read from their output, stopped with SIGTERM."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import time

import httpx
import pytest

from tests.crawler.crawl_helpers import article, rss

from tests.web.conftest import write_config
from web.settings import TOKEN_ENV

pytestmark = pytest.mark.slow


@contextmanager
def started(*args: str, env: dict[str, str] | None = None) -> Iterator[tuple[subprocess.Popen, str]]:
    process = subprocess.Popen([sys.executable, "-m", "scheduler.cli", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})
    try:
        line = process.stdout.readline()  # blocks until the command says where it listens (or exits)
        assert line.startswith("spacewatch dashboard at "), (line, process.stderr.read() if process.poll() else "")
        yield process, line.split(" at ", 1)[1].strip().rstrip("/")
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def config_file(tmp_path, sqlite_url):
    return write_config(tmp_path, sqlite_url, [("orbit-daily", "http://127.0.0.1:9/feed.xml")])


def test_web_serves_the_api_and_feed_and_stops_on_sigterm(config_file):
    with started("--config", str(config_file), "web", "--port", "0") as (process, url):
        assert url.startswith("http://127.0.0.1:")
        assert httpx.get(url + "/api/v1/articles").json() == []
        assert httpx.get(url + "/feeds/changes.atom").status_code == 200
        assert "Dashboard" in httpx.get(url + "/").text
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0


def test_web_on_a_public_address_serves_only_with_the_token(config_file):
    token = "token-for-the-command-test-0123456789"
    with started("--config", str(config_file), "web", "--host", "0.0.0.0", "--port", "0",
                 env={TOKEN_ENV: token}) as (_, url):
        local = url.replace("0.0.0.0", "127.0.0.1")
        assert httpx.get(local + "/api/v1/articles").status_code == 401
        assert httpx.get(local + "/api/v1/articles", headers={"Authorization": f"Bearer {token}"}).json() == []


def test_web_refuses_a_public_address_without_the_token(config_file):
    env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
    done = subprocess.run([sys.executable, "-m", "scheduler.cli", "--config", str(config_file), "web",
                           "--host", "0.0.0.0"], capture_output=True, text=True, env=env, timeout=20)
    assert done.returncode != 0
    assert done.stderr.strip().count("\n") == 0 and TOKEN_ENV in done.stderr
    assert done.stdout == ""


def test_run_web_serves_the_dashboard_beside_the_service(config_file):
    with started("--config", str(config_file), "run", "--web", "--web-port", "0") as (process, url):
        status = httpx.get(url + "/api/v1/status").json()
        assert status["service"]["running"] is True
        assert [s["name"] for s in httpx.get(url + "/api/v1/sources").json()] == ["orbit-daily"]
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0


def wait_for(condition, seconds: float = 120.0):
    """Poll `condition` until it returns something true (returned) or the deadline passes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"not within {seconds} s")


def test_run_web_queues_crawl_now_in_the_service_and_reports_its_progress(tmp_path, sqlite_url, site):
    title = "Cosmonaut film crew rehearses the space station scenes"
    site.add("/news/film.html", article(title, extra="<p>The film will be shot in orbit on the ISS.</p>"))
    site.add("/feed.xml", rss([(title, site.url("/news/film.html"))]), content_type="application/rss+xml")
    path = write_config(tmp_path, sqlite_url, [("loop-news", site.url("/feed.xml"))])
    with started("--config", str(path), "run", "--web", "--web-port", "0") as (process, url):
        with httpx.Client(base_url=url) as client:
            before = len(site.paths_requested())
            csrf = client.get("/api/v1/csrf").json()["csrf_token"]
            answer = client.post("/api/v1/crawl", json={"sources": ["loop-news"]}, headers={"X-CSRF-Token": csrf})
            assert answer.status_code == 202 and answer.json()["state"] == "queued"
            job = wait_for(lambda: [j for j in client.get("/api/v1/crawls").json() if j["state"] == "finished"])
            assert job[0]["sources"] == ["loop-news"] and "fetched" in job[0]["summary"]
            assert len(site.paths_requested()) > before  # the queued crawl did fetch again
            assert [a["title"] for a in client.get("/api/v1/articles").json()] == [title]
