"""`run_crawl`: the books it keeps (CrawlRun, Source rows), conditional GETs, back-off, the summary."""
from __future__ import annotations

import io
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from crawler.progress import Counts, Progress
from storage.db import open_database
from storage.models import Article, CrawlRun, Source
from tests.crawler.crawl_helpers import article, crawl, feed, rss
from tests.loopback import Response

pytestmark = pytest.mark.slow


@pytest.fixture
def sqlite_factory(sqlite_url):
    """For tests where the backend does not matter (the first test runs on both)."""
    engine, sessions = open_database(sqlite_url)
    yield sessions
    engine.dispose()


def conditional_feed(body: str, etag: str, modified: str):
    """A feed that answers 304 to a matching If-None-Match or If-Modified-Since."""
    def handler(request):
        if request.headers.get("If-None-Match") == etag or request.headers.get("If-Modified-Since") == modified:
            return Response(304, b"", {"ETag": etag})
        return Response(200, body.encode(), {"Content-Type": "application/rss+xml", "ETag": etag,
                                             "Last-Modified": modified})
    return handler


def test_first_crawl_records_run_sources_and_articles_then_304_costs_nothing(factory, site):
    entries = [(f"Orbit story {i}", site.url(f"/a/{i}.html")) for i in range(3)]
    for title, link in entries:
        site.add(link.removeprefix(site.base), article(title))
    modified = "Tue, 01 Mar 2022 10:00:00 GMT"
    site.add_handler("/feed.xml", conditional_feed(rss(entries), '"v1"', modified))
    site.add("/down.xml", "no", status=404, content_type="text/plain")
    sources = [feed("orbit", site.url("/feed.xml")), feed("down", site.url("/down.xml"))]

    summary = crawl(factory, sources)

    assert summary.succeeded
    assert (summary.total("fetched"), summary.total("errors")) == (3, 1)
    assert summary.total("new") + summary.total("duplicates") + summary.total("irrelevant") == 3
    text = summary.describe()
    assert "3 fetched" in text and "down: FAILED:" in text and "HTTP 404" in text
    with factory() as session:
        run = session.get(CrawlRun, summary.run_id)
        assert (run.status, run.fetched, run.errors, run.trigger) == ("ok", 3, 1, "manual")
        assert run.finished_at is not None and run.sources == "orbit,down"
        orbit = session.scalar(select(Source).where(Source.name == "orbit"))
        assert (orbit.etag, orbit.last_modified, orbit.last_status) == ('"v1"', modified, "ok")
        assert orbit.last_success_at is not None and orbit.consecutive_failures == 0 and orbit.last_error is None
        down = session.scalar(select(Source).where(Source.name == "down"))
        assert down.last_status == "failed" and "HTTP 404" in down.last_error and down.consecutive_failures == 1
        assert session.scalar(select(func.count(Article.id))) == 3

    before = len(site.requests)
    again = crawl(factory, sources)

    later = site.requests[before:]
    feed_request = next(headers for _, path, headers in later if path == "/feed.xml")
    assert feed_request.get("If-None-Match") == '"v1"' and feed_request.get("If-Modified-Since") == modified
    assert not [path for _, path, _ in later if path.startswith("/a/")]
    assert again.total("fetched") == 0
    with factory() as session:
        orbit = session.scalar(select(Source).where(Source.name == "orbit"))
        down = session.scalar(select(Source).where(Source.name == "down"))
        assert orbit.last_status == "not_modified" and orbit.etag == '"v1"'
        assert down.consecutive_failures == 2 and down.failing_since < down.last_polled_at


def test_every_source_failing_is_not_success(sqlite_factory, site):
    summary = crawl(sqlite_factory, [feed("gone", site.url("/gone.xml"))])
    assert not summary.succeeded
    with sqlite_factory() as session:
        assert session.get(CrawlRun, summary.run_id).status == "failed"


def test_retry_after_is_honoured_briefly_and_remembered_when_long(sqlite_factory, site):
    calls = {"busy": 0}
    lock = threading.Lock()

    def busy(request):
        with lock:
            calls["busy"] += 1
            first = calls["busy"] == 1
        if first:
            return Response(429, b"slow down", {"Retry-After": "1", "Content-Type": "text/plain"})
        return Response(200, rss([("Busy story", site.url("/busy/1.html"))]).encode(),
                        {"Content-Type": "application/rss+xml"})

    site.add_handler("/busy.xml", busy)
    site.add("/busy/1.html", article("Busy story"))
    site.add("/away.xml", "maintenance", status=503, content_type="text/plain", headers={"Retry-After": "3600"})
    sources = [feed("busy", site.url("/busy.xml")), feed("away", site.url("/away.xml"))]

    summary = crawl(sqlite_factory, sources)

    assert calls["busy"] == 2 and summary.total("fetched") == 1
    with sqlite_factory() as session:
        away = session.scalar(select(Source).where(Source.name == "away"))
        assert "HTTP 503" in away.last_error
        expected = datetime.now(timezone.utc) + timedelta(seconds=3600)
        assert abs((away.retry_after_until - expected).total_seconds()) < 120
    assert sum(path == "/away.xml" for path in site.paths_requested()) == 1  # not retried within the crawl

    before = len(site.requests)
    later = crawl(sqlite_factory, sources)
    assert "/away.xml" not in [path for _, path, _ in site.requests[before:]]
    assert "away: skipped:" in later.describe() and later.succeeded


def test_changes_are_detected_for_the_articles_this_crawl_stored(sqlite_factory, site, monkeypatch):
    import crawler.changes as changes

    seen = []

    def fake_detect(factory_, article_ids):
        seen.append(list(article_ids))
        return [101, 102]

    monkeypatch.setattr(changes, "detect_changes", fake_detect)
    site.add("/feed.xml", rss([("One", site.url("/1.html")), ("Two", site.url("/2.html"))]),
             content_type="application/rss+xml")
    site.add("/1.html", article("Story one"))
    site.add("/2.html", article("Story two"))
    summary = crawl(sqlite_factory, [feed("f", site.url("/feed.xml"))])
    with sqlite_factory() as session:
        stored = sorted(session.scalars(select(Article.id)))
    assert seen == [stored] and len(stored) == 2
    assert summary.changes == [101, 102] and "2 detail change(s)" in summary.describe()


def test_progress_line_is_redrawn_in_place():
    stream = io.StringIO()
    progress = Progress(live=True, stream=stream, interval=0)
    progress.show(Counts(fetched=3, stored=2, queued=5, errors=0))
    progress.done(Counts(fetched=10, stored=9, queued=0, errors=1))
    out = stream.getvalue()
    assert out.count("\r") == 2 and out.endswith("\n")
    assert "fetched 10 pages, stored 9, queued 0, errors 1" in out


def test_a_crawl_process_that_cannot_start_fails_every_source_with_the_reason():
    from analysis.rules import Rules, TopicRules
    from crawler.options import CrawlOptions, SourceSpec
    from crawler.report import SourceState
    from crawler.run import CrawlJob, _crawl_in_child

    specs = (SourceSpec(name="a", type="feed", url="http://127.0.0.1:9/a.xml"),
             SourceSpec(name="b", type="feed", url="http://127.0.0.1:9/b.xml"))
    job = CrawlJob("sqlite:////proc/no-such-dir/x.db", specs, {s.name: SourceState() for s in specs},
                   CrawlOptions(workers=1), Rules(topic=TopicRules()), progress=False)
    report = _crawl_in_child(job)
    assert [r.status for r in report.sources.values()] == ["failed", "failed"]
    assert all(r.error.startswith("the crawl failed: ") for r in report.sources.values())


def test_retry_after_accepts_seconds_and_http_dates():
    from crawler.middlewares import retry_after_seconds

    now = datetime(2022, 3, 1, 12, 0, tzinfo=timezone.utc)
    assert retry_after_seconds(b"120", now) == 120
    assert retry_after_seconds("Tue, 01 Mar 2022 12:05:00 GMT", now) == 300
    assert retry_after_seconds("Tue, 01 Mar 2022 11:00:00 GMT", now) == 0  # in the past: now
    assert retry_after_seconds("soon", now) is None and retry_after_seconds(None, now) is None


def test_a_host_that_never_answers_costs_one_timeout_including_robots_and_retries(sqlite_factory):
    from tests.loopback import SilentHost

    host = SilentHost().start()
    try:
        started = time.monotonic()
        summary = crawl(sqlite_factory, [feed("silent", host.url("/feed.xml"))], download_timeout=2.0,
                        obey_robots=True)
        elapsed = time.monotonic() - started
    finally:
        host.stop()
    [report] = summary.sources
    # robots.txt that never answers disallows the host for this crawl (RFC 9309), saying why
    assert report.status == "failed" and "timed out after 2 s" in report.error
    # robots.txt tried once and given the whole budget; no retry, no second request after it
    assert host.accepted == 1
    assert summary.timings["crawl_process_wall"] < 2.0 + 3.0  # one timeout, plus the process's start
    assert elapsed < 2.0 * 3
