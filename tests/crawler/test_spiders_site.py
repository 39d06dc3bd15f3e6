"""Site sources crawled from a loopback site: follow patterns, pagination, the domain, robots.txt."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from crawler.options import SourceSpec
from crawler.spiders.site import pagination
from storage.models import Article
from tests.crawler.crawl_helpers import article, crawl
from tests.loopback import Response


def listing(*links: tuple[str, str]) -> str:
    return "<html><body><ul>" + "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links) + "</ul></body></html>"


@pytest.mark.slow
def test_site_follows_matching_links_pages_and_stays_home(sqlite_url, site):
    from storage.db import open_database

    engine, factory = open_database(sqlite_url)
    off_site = site.url("/news/2022/off.html").replace("127.0.0.1", "localhost")
    site.add("/robots.txt", "User-agent: *\nDisallow: /news/2022/private.html\n", content_type="text/plain")
    site.add("/news/", listing(("/news/2022/a.html", "A"), ("/news/2022/b.html#comments", "B"),
                               ("/news/about.html", "About us"), (off_site, "Elsewhere"),
                               ("/news/2022/private.html", "Private"), ("/news/page/2", "Older stories")))
    site.add("/news/page/2", listing(("/news/2022/c.html", "C")))
    site.add("/news/2022/a.html", article("Story A", extra='<p><a href="/news/2021/old.html">an older piece</a></p>'))
    for name in ("b", "c", "private", "off"):
        site.add(f"/news/2022/{name}.html", article(f"Story {name}"))
    site.add("/news/2021/old.html", article("Old story"))
    site.add("/news/about.html", article("About"))
    site.add_handler("/old-news/", lambda request: Response(301, b"", {"Location": "/news/"}))
    spec = SourceSpec(name="news", type="site", url=site.url("/old-news/"), follow=(r"^/news/\d{4}/",))
    try:
        summary = crawl(factory, [spec])
        with factory() as session:
            stored = {a.url.removeprefix(site.base) for a in session.scalars(select(Article))}
        assert stored == {"/news/2022/a.html", "/news/2022/b.html", "/news/2022/c.html", "/news/2021/old.html"}
        requested = site.paths_requested()
        for never in ("/news/about.html", "/news/2022/private.html", "/news/2022/off.html"):
            assert never not in requested
        assert summary.total("fetched") == 4 and summary.succeeded
        assert f"news: moved permanently to {site.url('/news/')}: update the source's url" in summary.describe()

        before = len(site.requests)
        again = crawl(factory, [spec])
        later = {path for _, path, _ in site.requests[before:]}
        assert later == {"/robots.txt", "/old-news/", "/news/", "/news/page/2"}  # listings only: stored articles are not refetched
        assert again.total("fetched") == 0
    finally:
        engine.dispose()


@pytest.mark.slow
def test_a_next_page_matching_follow_is_read_as_a_listing_not_stored_as_an_article(sqlite_url, site):
    from storage.db import open_database

    engine, factory = open_database(sqlite_url)
    site.add("/wire/", '<html><head><link rel="next" href="/wire/2031/page-2.html"></head><body>'
                       '<a href="/wire/2031/first.html">First</a> <a href="/wire/2031/page-2.html">More</a></body></html>')
    site.add("/wire/2031/page-2.html", listing(("/wire/2031/second.html", "Second")))
    for name in ("first", "second"):
        site.add(f"/wire/2031/{name}.html", article(f"Story {name}"))
    spec = SourceSpec(name="wire", type="site", url=site.url("/wire/"), follow=(r"^/wire/\d{4}/",))
    try:
        crawl(factory, [spec])
        with factory() as session:
            stored = {a.url.removeprefix(site.base) for a in session.scalars(select(Article))}
        assert stored == {"/wire/2031/first.html", "/wire/2031/second.html"}  # page 2 read, not stored
    finally:
        engine.dispose()


def test_pagination_links_are_recognised():
    rules = pagination()
    assert rules.is_next("http://h/news/?page=3", "3")
    assert rules.is_next("http://h/news/page/2/", "2")
    assert rules.is_next("http://h/news/x", "Older stories")
    assert rules.is_next("http://h/news/x", "Next \u00bb")
    assert not rules.is_next("http://h/news/about.html", "About us")
    assert not rules.is_next("http://h/news/tag/space.html", "More Space & Screen coverage")
