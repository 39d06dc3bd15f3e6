"""Bad input from the network, served by a real loopback server and crawled with `run_crawl`.

One crawl holds a source for each kind of bad feed (and the article pages of one feed are bad in
every way), next to a good source: each failure is recorded for its own source, the others are
crawled, and an article stored before is left exactly as it was.
"""
from __future__ import annotations

import gzip
import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from analysis.analyse import text_hash
from storage.db import open_database
from storage.models import Article, Source
from tests.conftest import fresh_postgres_schema, require_postgres_url
from tests.crawler.crawl_helpers import article, crawl, feed, rss
from tests.loopback import LoopbackSite, Response

CAP = 64 * 1024
TIMEOUT = 1.0


@pytest.fixture(scope="module")
def release():
    """Set at teardown: handlers that stall wait on it (with a deadline), never on a sleep."""
    event = threading.Event()
    yield event
    event.set()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def module_factory(request, tmp_path_factory):
    """One database per backend for the whole module: the bad crawl runs once on each."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('bad') / 'spacewatch.db'}"
        engine, factory = open_database(url)
        yield factory
        engine.dispose()
        return
    with fresh_postgres_schema(require_postgres_url()) as url:
        engine, factory = open_database(url)
        try:
            yield factory
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def module_site():
    server = LoopbackSite().start()
    yield server
    server.stop()


def stall(release: threading.Event):
    def handler(request):
        release.wait(15)
        return Response(200, b"<rss/>", {"Content-Type": "application/rss+xml"})
    return handler


def drop(request):
    """Promise 5000 bytes, send a few, close the connection."""
    request.send_response(200)
    request.send_header("Content-Type", "text/html")
    request.send_header("Content-Length", "5000")
    request.end_headers()
    request.wfile.write(b"<html><body><p>partial")
    request.wfile.flush()
    request.close_connection = True
    return None


def redirect(target: str):
    return lambda request: Response(302, b"", {"Location": target})


def bomb() -> bytes:
    return gzip.compress(b"\0" * (40 * 1024 * 1024), compresslevel=9)


def serve_bad_world(site, release) -> dict[str, str]:
    """Routes for every kind of bad input; returns {source name: feed URL}."""
    u = site.url
    good_pages = [("Good one", u("/good/1.html")), ("Good two", u("/good/2.html"))]
    site.add("/feeds/good.xml", rss(good_pages), content_type="application/rss+xml")
    for title, link in good_pages:
        site.add(link.removeprefix(site.base), article(title))

    malformed = rss([("Fish & chips", u("/mal/1.html")), ("Second", u("/mal/2.html"))]).replace("&amp;", "&")
    site.add("/feeds/malformed.xml", malformed, content_type="application/rss+xml")
    site.add("/mal/1.html", article("Malformed one"))
    site.add("/mal/2.html", article("Malformed two"))

    # declares UTF-8, is windows-1252; its entry's page is missing, so the stored title is the feed's
    legacy = rss([("Caf\u00e9 cr\u00e8me \u2013 \u00e9t\u00e9", u("/legacy/missing.html"))]).encode("cp1252")
    site.add("/feeds/legacy.xml", legacy, content_type="application/rss+xml; charset=utf-8")

    laughs = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaaaaaaaaaaaa">'
              + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefg", "bcdefgh"))
              + ']><rss version="2.0"><channel><item><title>&h;</title><link>' + u("/laughs.html")
              + "</link></item></channel></rss>")
    site.add("/feeds/entities.xml", laughs, content_type="application/rss+xml")
    site.add("/laughs.html", article("Laughs"))

    external = ('<?xml version="1.0"?><!DOCTYPE rss SYSTEM "' + u("/evil.dtd") + '"><rss version="2.0"><channel>'
                "<item><title>Outside &ext; entity</title><link>" + u("/ext/missing.html") + "</link></item></channel></rss>")
    site.add("/feeds/external-dtd.xml", external, content_type="application/rss+xml")
    site.add("/evil.dtd", '<!ENTITY ext SYSTEM "file:///etc/passwd">', content_type="application/xml-dtd")

    site.add("/feeds/html.xml", "<!DOCTYPE html><html><head><title>Home</title></head><body>Welcome</body></html>")
    site.add("/feeds/broken.xml", "oops", status=500, content_type="text/plain")
    site.add_handler("/feeds/slow.xml", stall(release))
    site.add_handler("/feeds/dropped.xml", drop)
    site.add_handler("/feeds/loop.xml", redirect("/feeds/loop2.xml"))
    site.add_handler("/feeds/loop2.xml", redirect("/feeds/loop.xml"))
    site.add_handler("/feeds/file.xml", redirect("file:///etc/passwd"))
    site.add("/feeds/huge.xml", rss([(f"Entry {i} " + "x" * 200, u(f"/h/{i}")) for i in range(400)]),
             content_type="application/rss+xml")
    site.add("/feeds/bomb.xml", bomb(), content_type="application/rss+xml", headers={"Content-Encoding": "gzip"})

    # one feed whose article pages are bad in every way
    bad_pages = {"/p/missing.html": None, "/p/error.html": None, "/p/slow.html": None, "/p/dropped.html": None,
                 "/p/loop.html": None, "/p/file.html": None, "/p/huge.html": None, "/p/bomb.html": None,
                 "/p/charset.html": None, "/p/fine.html": None}
    site.add("/feeds/pages.xml", rss([(f"Entry for {path}", u(path)) for path in bad_pages]
                                     + [("Mail link", "mailto:desk@example.org"), ("Broken link", "http://[::1/x")]),
             content_type="application/rss+xml")
    site.add("/p/error.html", "oops", status=500)
    site.add_handler("/p/slow.html", stall(release))
    site.add_handler("/p/dropped.html", drop)
    site.add_handler("/p/loop.html", redirect("/p/loop.html"))
    site.add_handler("/p/file.html", redirect("file:///etc/passwd"))
    site.add("/p/huge.html", article("Huge", extra="<p>" + "padding " * (CAP // 4) + "</p>"))
    site.add("/p/bomb.html", bomb(), headers={"Content-Encoding": "gzip"})
    site.add("/p/charset.html", article("Caf\u00e9 cr\u00e8me in orbit").encode("cp1252"),
             content_type="text/html; charset=utf-8")
    site.add("/p/fine.html", article("Fine page"))
    names = ["good", "malformed", "legacy", "entities", "external-dtd", "html", "broken", "slow", "dropped",
             "loop", "file", "huge", "bomb", "pages"]
    return {name: u(f"/feeds/{name}.xml") for name in names}


def stored_before(factory) -> dict:
    with factory() as session, session.begin():
        old = Article(url="http://127.0.0.1:1/old.html", canonical_url="http://127.0.0.1:1/old.html", source="good",
                      title="Stored before", text="Text stored before the bad crawl.",
                      text_hash=text_hash("Text stored before the bad crawl."),
                      fetched_at=datetime(2021, 1, 1, tzinfo=timezone.utc))
        session.add(old)
    return {"url": old.url, "title": old.title, "text": old.text, "fetched_at": old.fetched_at}


@pytest.fixture(scope="module")
def bad_crawl(module_factory, module_site, release):
    factory, site = module_factory, module_site
    site.routes.clear()
    feeds = serve_bad_world(site, release)
    before = stored_before(factory)
    summary = crawl(factory, [feed(name, url) for name, url in feeds.items()], max_page_bytes=CAP,
                    download_timeout=TIMEOUT)
    with factory() as session:
        sources = {s.name: s for s in session.scalars(select(Source))}
        articles = {a.url.removeprefix(site.base): a for a in session.scalars(select(Article))}
    return summary, sources, articles, before, site


FEED_FAILURES = [
    ("entities", "entities"),
    ("html", "HTML page"),
    ("broken", "HTTP 500"),
    ("slow", "timed out"),
    ("dropped", "connection dropped"),
    ("loop", "too many redirects"),
    ("file", "non-http(s) URL refused: file:///etc/passwd"),
    ("huge", "larger than the size cap"),
    ("bomb", "after decompression"),
]


@pytest.mark.slow
def test_each_bad_feed_fails_alone_and_says_why(bad_crawl):
    summary, sources, articles, before, site = bad_crawl
    text = summary.describe()
    for name, reason in FEED_FAILURES:
        source = sources[name]
        assert source.last_status == "failed", name
        assert reason in (source.last_error or ""), (name, source.last_error)
        assert source.consecutive_failures == 1 and source.failing_since is not None
        assert f"{name}: FAILED:" in text and reason in text
    assert summary.succeeded  # some sources worked
    assert sources["good"].last_status == "ok" and sources["good"].last_error is None
    assert {"/good/1.html", "/good/2.html"} <= set(articles)
    # what was stored before is untouched
    old = articles["http://127.0.0.1:1/old.html"]
    assert (old.title, old.text, old.fetched_at) == (before["title"], before["text"], before["fetched_at"])
    assert "/evil.dtd" not in site.paths_requested()


@pytest.mark.slow
def test_malformed_and_mislabelled_feeds_keep_their_entries(bad_crawl):
    summary, sources, articles, _, _ = bad_crawl
    assert sources["malformed"].last_status == "ok"
    assert "not well-formed" in sources["malformed"].last_error
    assert {"/mal/1.html", "/mal/2.html"} <= set(articles)
    legacy = articles["/legacy/missing.html"]
    assert legacy.title == "Caf\u00e9 cr\u00e8me \u2013 \u00e9t\u00e9" and legacy.from_feed_only
    assert sources["legacy"].last_error  # the wrong declaration is recorded
    # an external DTD is neither fetched (see above) nor used: its entity is not expanded
    outside = articles["/ext/missing.html"]
    assert outside.title.startswith("Outside") and "root:" not in outside.title


@pytest.mark.slow
def test_bad_article_pages_are_stored_from_the_feed_and_marked(bad_crawl):
    summary, sources, articles, _, _ = bad_crawl
    expected = {"/p/missing.html": "HTTP 404", "/p/error.html": "HTTP 500", "/p/slow.html": "timed out",
                "/p/dropped.html": "connection dropped", "/p/loop.html": "too many redirects",
                "/p/file.html": "non-http(s)", "/p/huge.html": "size cap", "/p/bomb.html": "after decompression"}
    for path, reason in expected.items():
        stored = articles[path]
        assert stored.from_feed_only and reason in (stored.fetch_error or ""), (path, stored.fetch_error)
        assert stored.title == f"Entry for {path}"
    pages = sources["pages"]
    failed = len(expected) + 1  # and the mailto: link
    assert pages.last_status == "partial" and f"{failed} page(s) failed" in pages.last_error
    assert "1 feed entries have no usable link" in pages.last_error
    assert f"pages: 1 feed entries have no usable link and were skipped; {failed} page(s) failed" in summary.describe()
    fine, charset = articles["/p/fine.html"], articles["/p/charset.html"]
    assert not fine.from_feed_only and "Fine page" in fine.text
    assert "Caf\u00e9 cr\u00e8me in orbit" in charset.text and "\ufffd" not in charset.text
