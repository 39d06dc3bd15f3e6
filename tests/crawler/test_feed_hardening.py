"""Hostile and broken feeds served by a real loopback server and crawled end to end."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.db import open_database
from storage.models import Article, Source
from tests.crawler.crawl_helpers import article, crawl, feed, rss

LAUGHS = ('<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaaaaaaaaaaaa">'
          + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefg", "bcdefgh")) + "]>")


@pytest.fixture
def lite(sqlite_url):
    """SQLite only, for the checks that do not depend on the database."""
    engine, sessions = open_database(sqlite_url)
    yield sessions
    engine.dispose()


def with_prolog(prolog: str, link: str, title: str = "&h;") -> str:
    return ('<?xml version="1.0"?>' + prolog + '<rss version="2.0"><channel><title>t</title><item><title>'
            + title + "</title><link>" + link + "</link></item></channel></rss>")


@pytest.mark.parametrize("prolog", [
    "<!--" + "x" * 70_000 + "-->" + LAUGHS,                        # past a 64 KiB prolog scan
    LAUGHS.replace("<!ENTITY a", "<!-- ] --><!ENTITY a"),            # a ] before the declarations
    '<!DOCTYPE rss [<!-- ] --><!ENTITY e SYSTEM "file:///etc/hostname">]>',
    "<!-- not -- well-formed -->" + LAUGHS,                         # expat stops before the DOCTYPE
], ids=["long-comment-first", "bracket-in-comment", "external-after-bracket", "malformed-first"])
def test_entity_declarations_are_refused_wherever_they_hide(lite, site, prolog):
    site.add("/page.html", article("Page"))
    site.add("/feed.xml", with_prolog(prolog, site.url("/page.html")), content_type="application/rss+xml")
    summary = crawl(lite, [feed("laughs", site.url("/feed.xml"))])
    report = summary.sources[0]
    assert report.status == "failed" and "entit" in report.error
    assert "/page.html" not in site.paths_requested()


def test_a_plain_doctype_is_still_read(lite, site):
    doctype = ('<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
               '"http://my.netscape.com/publish/formats/rss-0.91.dtd">')
    site.add("/page.html", article("Page"))
    site.add("/feed.xml", with_prolog(doctype, site.url("/page.html"), "Plain"), content_type="application/rss+xml")
    summary = crawl(lite, [feed("plain", site.url("/feed.xml"))])
    assert summary.sources[0].status == "ok" and summary.total("fetched") == 1


def test_invalid_characters_are_replaced_and_every_entry_is_stored(factory, site):
    """`&#xD800;` crashed feedparser and `&#0;` put a NUL into the database (refused by PostgreSQL)."""
    site.add("/a.html", article("Alpha"))
    site.add("/b.html", article("Bravo", extra="<p>nul \x00 and &#0; inside</p>"))
    site.add("/c.html", article("Charlie"))
    site.add("/feed.xml", rss([("Alpha &#xD800; one", site.url("/a.html")), ("Bravo &#0; two", site.url("/b.html")),
                               ("Charlie", site.url("/c.html"))]).replace("&amp;#", "&#"),
             content_type="application/rss+xml", headers={"ETag": '"v1"'})
    summary = crawl(factory, [feed("odd-chars", site.url("/feed.xml"))])
    assert summary.sources[0].status == "ok", summary.sources[0].error
    with factory() as session:
        rows = session.execute(select(Article.title, Article.text)).all()
    assert len(rows) == 3
    assert not [row for row in rows if "\x00" in row.title + row.text]


def test_a_parser_crash_is_a_recorded_failure_that_keeps_no_validators(lite, site):
    site.add("/a.html", article("Alpha"))
    site.add("/feed.xml", rss([("huge &#99999999999999; reference", site.url("/a.html"))]).replace("&amp;#", "&#"),
             content_type="application/rss+xml", headers={"ETag": '"v1"'})
    summary = crawl(lite, [feed("crashing", site.url("/feed.xml"))])
    assert summary.sources[0].status == "failed" and "cannot parse the feed" in summary.sources[0].error
    with lite() as session:
        source = session.scalars(select(Source)).one()
    assert source.last_status == "failed" and source.etag is None


def long_url(site, length: int) -> str:
    base = site.url("/long/")
    return base + "a" * (length - len(base))


def test_one_url_length_limit_everywhere_and_reported(factory, site):
    """2,049-2,083 characters failed to store on PostgreSQL (and were fetched again every crawl);
    longer ones were dropped without a word."""
    urls = [long_url(site, n) for n in (2048, 2049, 2083, 2084, 5000)]
    for url in urls:
        site.add(url[len(site.base):], article(f"Long {len(url)}", seed=str(len(url))))
    site.add("/feed.xml", rss([(f"n{len(url)}", url) for url in urls]), content_type="application/rss+xml")
    summary = crawl(factory, [feed("long", site.url("/feed.xml"))])
    report = summary.sources[0]
    assert report.status == "ok" and report.fetched == 1
    too_long = [line for line in report.page_error_samples if "longer than the 2048" in line]
    assert len(too_long) == 4
    with factory() as session:
        assert [len(url) for url in session.scalars(select(Article.url))] == [2048]
    assert [len(site.base + path) for path in site.paths_requested() if path.startswith("/long/")] == [2048]


def test_a_page_linked_again_with_fresh_tracking_values_or_guids_is_stored_once(factory, site):
    """Pages declaring a canonical URL were fetched and stored again on every reshuffle."""
    canonical = '<link rel="canonical" href="{}">'
    site.add("/a.html", article("Alpha", extra="").replace("<head>", "<head>" + canonical.format(site.url("/story/alpha"))))
    site.add("/b.html", article("Bravo", extra="").replace("<head>", "<head>" + canonical.format(site.url("/story/bravo"))))
    crawls = 5
    for n in range(crawls):
        site.add("/feed.xml", rss([("alpha", site.url(f"/a.html?utm_source=rss&utm_campaign=c{n}")),
                                   ("bravo", site.url(f"/b.html?guid={n}"))]), content_type="application/rss+xml")
        summary = crawl(factory, [feed("reshuffled", site.url("/feed.xml"))])
        assert summary.sources[0].status == "ok"
    with factory() as session:
        stored = session.execute(select(Article.canonical_url, Article.duplicate_of_id)).all()
    assert sorted(row.canonical_url for row in stored) == [site.url("/story/alpha"), site.url("/story/bravo")]
    assert all(row.duplicate_of_id is None for row in stored)
    fetched = [path.split("?")[0] for path in site.paths_requested()]
    assert fetched.count("/a.html") == 1  # known by its cleaned link: not even fetched again
    assert fetched.count("/b.html") == crawls  # a new GUID is a new link: fetched, recognised, not stored


def test_retries_are_counted_exactly(lite, site):
    """A 5xx is tried three times (two retries), a 4xx once, a page that works once."""
    site.add("/busy.html", "busy", status=503, content_type="text/plain")
    site.add("/broken.html", "broken", status=500, content_type="text/plain")
    site.add("/gone.html", "gone", status=404, content_type="text/plain")
    site.add("/ok.html", article("Fine"))
    site.add("/feed.xml", rss([(name, site.url(f"/{name}.html")) for name in ("busy", "broken", "gone", "ok")]),
             content_type="application/rss+xml")
    crawl(lite, [feed("retries", site.url("/feed.xml"))])
    requested = site.paths_requested()
    counts = {name: requested.count(f"/{name}.html") for name in ("busy", "broken", "gone", "ok")}
    assert counts == {"busy": 3, "broken": 3, "gone": 1, "ok": 1}
    assert requested.count("/feed.xml") == 1


def test_a_feed_alternating_good_error_empty_and_html_loses_and_repeats_nothing(factory, site):
    site.add("/a.html", article("Alpha"))
    site.add("/b.html", article("Bravo"))
    good = rss([("alpha", site.url("/a.html"))])
    better = rss([("alpha", site.url("/a.html")), ("bravo", site.url("/b.html"))])
    answers = [(200, good, "application/rss+xml", '"v1"'), (500, "oops", "text/plain", None),
               (200, "", "application/rss+xml", '"empty"'),
               (200, "<!DOCTYPE html><html><body>maintenance</body></html>", "text/html", '"html"'),
               (200, better, "application/rss+xml", '"v2"')]
    statuses, etags = [], []
    for status, body, kind, etag in answers:
        site.add("/feed.xml", body, status=status, content_type=kind, headers={"ETag": etag} if etag else {})
        summary = crawl(factory, [feed("flaky", site.url("/feed.xml"))])
        statuses.append(summary.sources[0].status)
        with factory() as session:
            etags.append(session.scalars(select(Source.etag)).one())
    assert statuses == ["ok", "failed", "failed", "failed", "ok"]
    assert etags == ['"v1"', '"v1"', '"v1"', '"v1"', '"v2"']  # a failed read keeps the last good validators
    with factory() as session:
        urls = sorted(session.scalars(select(Article.url)))
    assert urls == [site.url("/a.html"), site.url("/b.html")]
    assert site.paths_requested().count("/a.html") == 1
