"""Web fixtures: a config file over a test database, rows seeded directly, and the app served by
uvicorn on a free loopback port in a thread."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from scheduler.config import Config, read_config
from scheduler.dashboard import LocalControl, web_settings
from storage.db import transaction
from storage.models import Digest, Fact, Observation
from tests.notifications import rows
from web.app import create_app
from web.server import Running, serve_in_thread
from web.settings import CrawlJob

HOSTILE_TITLE = "<script>alert('t')</script> Orbital <b>premiere</b> & \"more\""
HOSTILE_URL = "javascript:alert(document.cookie)"


def write_config(folder: Path, db_url: str, sources: list[tuple[str, str]] = (), comment: str = "") -> Path:
    """A config file with `sources` as (name, feed url) and two watched productions."""
    lines = [f"# {comment}" if comment else "# test config", "[database]", f"url = {json.dumps(db_url)}", ""]
    for name, url in sources:
        lines += ["[[sources]]", f"name = {json.dumps(name)}  # kept comment", 'type = "feed"',
                  f"url = {json.dumps(url)}", 'every = "1h"', ""]
    lines += ["[[watch]]", 'name = "challenge"', 'label = "The Challenge"', 'aliases = ["Challenge"]', "",
              "[[watch]]", 'name = "orbit-film"', 'label = "Orbit Film"', 'aliases = ["Orbit Film"]', "",
              "[topic]", 'include = ["film", "movie"]', 'require = ["space", "orbit", "ISS"]', ""]
    path = folder / "spacewatch.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def seed(factory) -> dict[str, int]:
    """Two stories over three outlets, a copy, an irrelevant article, facts, changes, a digest."""
    with transaction(factory) as session:
        first = rows.story(session, "Film crew returns from the station")
        second = rows.story(session, "Orbit Film picks its director")
        a1 = rows.article(session, "2026/03/crew-returns.html", title="Film crew returns from the station",
                          story=first, text="The film crew landed after twelve days on the station.\nA second paragraph.")
        a2 = rows.article(session, "2026/03/landing.html", source="kosmos-herald", title="Landing of the film crew",
                          story=first, days=1)
        copy = rows.article(session, "2026/03/landing-copy.html", source="meridian-wire",
                            title="Landing of the film crew (copy)", story=first, days=1.5, duplicate_of=a2)
        a3 = rows.article(session, "2026/04/director.html", source="reel-report", title="Orbit Film picks its director",
                          story=second, days=30)
        off = rows.article(session, "2026/04/football.html", source="reel-report", title="Cup final tonight",
                           relevant=False, days=31)
        off.relevance_reason = "no topic term: mentions neither film nor space"
        digest = Digest(kind="digest", status="sent", message_id="<d1@test>", subject="[spacewatch] 2 changes",
                        message=b"x", sent_at=rows.T0 + timedelta(days=2))
        session.add(digest)
        session.flush()
        c1 = rows.change(session, a1, "challenge", "launch_site", None, "Baikonur Cosmodrome",
                         snippet="The crew flew from Baikonur.", corroborated_by=a2)
        c1.digest_id = digest.id
        rows.change(session, a3, "orbit-film", "director", None, "Jane Doe", snippet="Jane Doe will direct it.")
        session.add_all([
            Fact(subject="challenge", attribute="launch_site", value="Baikonur Cosmodrome", article_id=a1.id,
                 snippet="The crew flew from Baikonur.", published_at=a1.published_at),
            Fact(subject="orbit-film", attribute="director", value="Jane Doe", article_id=a3.id,
                 snippet="Jane Doe will direct it.", published_at=a3.published_at),
            Observation(article_id=a1.id, subject="challenge", attribute="launch_site", value="Baikonur Cosmodrome",
                        snippet="The crew flew from Baikonur.", published_at=a1.published_at),
            Observation(article_id=a3.id, subject="orbit-film", attribute="director", value="Jane Doe",
                        snippet="Jane Doe will direct it.", published_at=a3.published_at),
        ])
        rows.source(session, "orbit-daily")
        rows.source(session, "kosmos-herald", failures=3, error="HTTP 503")
        return {"a1": a1.id, "a2": a2.id, "copy": copy.id, "a3": a3.id, "off": off.id}


def seed_hostile(factory) -> int:
    with transaction(factory) as session:
        story = rows.story(session, HOSTILE_TITLE)
        bad = rows.article(session, HOSTILE_URL, title=HOSTILE_TITLE, story=story,
                           text="<script>alert(1)</script>\n<img src=x onerror=alert(2)>")
        bad.relevance_reason = "<img src=x onerror=alert(3)>"
        rows.change(session, bad, "challenge", "cast", None, "<script>alert(4)</script>",
                    snippet="<a href=\"javascript:alert(5)\">click</a>")
        session.add(Observation(article_id=bad.id, subject="challenge", attribute="cast",
                                value="<script>alert(4)</script>", snippet="<svg onload=alert(6)>"))
        return bad.id


class FakeControl:
    """A Control that records what it is asked and crawls nothing."""

    def __init__(self, config: Config) -> None:
        self.real = LocalControl(config)
        self.crawled: list[list[str]] = []
        self.enabled: list[tuple[str, bool]] = []

    def status(self):
        return self.real.status()

    def crawl(self, names):
        self.crawled.append(list(names))
        from datetime import datetime, timezone

        return CrawlJob(id=len(self.crawled), sources=list(names), started_at=datetime.now(timezone.utc),
                        state="queued")

    def jobs(self):
        return []

    def set_enabled(self, name, enabled):
        self.enabled.append((name, enabled))
        return f"{name}: {'resumed' if enabled else 'paused'}"


@pytest.fixture
def config_path(tmp_path, db_url) -> Path:
    return write_config(tmp_path, db_url, [("orbit-daily", "http://127.0.0.1:9/feed.xml"),
                                          ("kosmos-herald", "http://127.0.0.1:9/k.xml")])


@pytest.fixture
def config(config_path) -> Config:
    return read_config(config_path)[0]


@pytest.fixture
def seeded(factory) -> dict[str, int]:
    return seed(factory)


def serve(config: Config, control, token: str | None = None) -> Running:
    return serve_in_thread(create_app(web_settings(config, control, token)))


@pytest.fixture
def fake_control(config) -> FakeControl:
    return FakeControl(config)


@pytest.fixture
def server(config, fake_control, seeded) -> Iterator[Running]:
    running = serve(config, fake_control)
    try:
        yield running
    finally:
        running.stop()
