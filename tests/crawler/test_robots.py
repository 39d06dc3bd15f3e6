"""robots.txt read as RFC 9309 says: 4xx no rules, 5xx or no answer disallow all, big files read."""
from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from storage.db import open_database
from storage.models import Article
from tests.crawler.crawl_helpers import article, crawl, feed, rss
from tests.loopback import LoopbackSite, Response

RULES = "User-agent: *\nDisallow: /private/\n"


@pytest.fixture
def factory(sqlite_url):
    engine, sessions = open_database(sqlite_url)
    yield sessions
    engine.dispose()


@pytest.fixture
def release() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


def news_site(robots) -> LoopbackSite:
    """A feed linking one public and one disallowed page; `robots` answers /robots.txt."""
    site = LoopbackSite().start()
    site.add("/public/a.html", article("Public page"))
    site.add("/private/b.html", article("Private page"))
    site.add("/feed.xml", rss([("public", site.url("/public/a.html")), ("private", site.url("/private/b.html"))]),
             content_type="application/rss+xml")
    site.add_handler("/robots.txt", robots)
    return site


def answer(status: int, body: str = RULES):
    return lambda request: Response(status, body.encode(), {"Content-Type": "text/plain"})


@pytest.mark.parametrize("status", [503, 500])
def test_a_server_error_disallows_everything_and_nothing_is_marked_seen(factory, status):
    site = news_site(answer(status))
    try:
        summary = crawl(factory, [feed("robots-5xx", site.url("/feed.xml"))], download_timeout=1.0)
        requested = site.paths_requested()
    finally:
        site.stop()
    assert "/feed.xml" not in requested and "/private/b.html" not in requested
    report = summary.sources[0]
    assert report.status == "failed" and f"robots.txt unavailable (HTTP {status})" in report.error
    with factory() as session:
        assert session.scalars(select(Article.url)).all() == []


def test_no_answer_disallows_everything(factory, release):
    def never(request):
        release.wait(20)
        return None

    site = news_site(never)
    try:
        summary = crawl(factory, [feed("robots-silent", site.url("/feed.xml"))], download_timeout=1.0)
        requested = site.paths_requested()
    finally:
        release.set()
        site.stop()
    assert "/feed.xml" not in requested and "/private/b.html" not in requested
    assert "robots.txt unavailable (timed out" in summary.sources[0].error


@pytest.mark.parametrize("status", [401, 403, 404])
def test_a_client_error_means_no_rules(factory, status):
    """The body of an error page is not a robots.txt, even when it looks like one."""
    site = news_site(answer(status, "User-agent: *\nDisallow: /\n"))
    try:
        summary = crawl(factory, [feed("robots-4xx", site.url("/feed.xml"))], download_timeout=1.0)
        requested = site.paths_requested()
    finally:
        site.stop()
    assert {"/feed.xml", "/public/a.html", "/private/b.html"} <= set(requested)
    assert summary.sources[0].status == "ok"


def test_a_robots_file_larger_than_the_page_cap_is_still_read(factory):
    padding = "".join(f"# line {i} of a generous robots.txt\n" for i in range(20_000))  # ~700 KB
    site = news_site(answer(200, RULES + padding))
    try:
        summary = crawl(factory, [feed("robots-big", site.url("/feed.xml"))], download_timeout=2.0,
                        max_page_bytes=64 * 1024)
        requested = site.paths_requested()
    finally:
        site.stop()
    assert "/public/a.html" in requested and "/private/b.html" not in requested
    assert summary.sources[0].robots_skipped == 1
