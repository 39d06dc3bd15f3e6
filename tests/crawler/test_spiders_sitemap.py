"""Sitemaps: plain, Google News, indexes, gzipped; and a sitemap source crawled end to end."""
from __future__ import annotations

import gzip
from datetime import datetime, timezone

import pytest

from crawler.spiders.sitemap import SitemapError, read_sitemap

NEWS = ('<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{}</urlset>')


def news_url(loc: str, date: str, title: str) -> str:
    return (f"<url><loc>{loc}</loc><news:news><news:publication><news:name>Wire</news:name>"
            f"<news:language>en</news:language></news:publication>"
            f"<news:publication_date>{date}</news:publication_date><news:title>{title}</news:title>"
            f"</news:news></url>")


def test_news_sitemap_entries_have_title_and_publication_date():
    body = NEWS.format(news_url("http://127.0.0.1:9/a", "2022-03-04T05:06:07Z", "A title")
                       + "<url><loc>http://127.0.0.1:9/b</loc><lastmod>2022-03-05</lastmod></url>")
    sitemap = read_sitemap(body.encode(), 10**6)
    assert not sitemap.is_index
    first, second = sitemap.entries
    assert (first.loc, first.title) == ("http://127.0.0.1:9/a", "A title")
    assert first.modified == datetime(2022, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
    assert second.modified == datetime(2022, 3, 5, tzinfo=timezone.utc)


def test_sitemap_index_and_gzip():
    index = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             '<sitemap><loc>http://127.0.0.1:9/s1.xml.gz</loc><lastmod>2022-01-01</lastmod></sitemap>'
             '</sitemapindex>')
    sitemap = read_sitemap(gzip.compress(index.encode()), 10**6)
    assert sitemap.is_index and [e.loc for e in sitemap.entries] == ["http://127.0.0.1:9/s1.xml.gz"]


def test_gzipped_sitemap_over_the_cap_is_refused():
    body = NEWS.format("".join(f"<url><loc>http://127.0.0.1:9/{i}</loc></url>" for i in range(5000)))
    with pytest.raises(SitemapError, match="decompress"):
        read_sitemap(gzip.compress(body.encode()), 10_000)


def test_entities_are_not_expanded():
    body = ('<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://127.0.0.1:9/&x;</loc></url></urlset>')
    sitemap = read_sitemap(body.encode(), 10**6)
    assert all("/etc" not in e.loc and len(e.loc) < 40 for e in sitemap.entries)


def test_html_is_not_a_sitemap():
    with pytest.raises(SitemapError, match="not a sitemap"):
        read_sitemap(b"<html><body><p>Welcome</p></body></html>", 10**6)


@pytest.mark.slow
def test_sitemap_index_leads_to_news_pages_on_the_site(sqlite_url, site):
    from sqlalchemy import select

    from crawler.options import SourceSpec
    from storage.db import open_database
    from storage.models import Article
    from tests.crawler.crawl_helpers import article, crawl

    engine, factory = open_database(sqlite_url)
    index = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f'<sitemap><loc>{site.url("/sitemap-news.xml.gz")}</loc></sitemap></sitemapindex>')
    off_site = site.url("/n/off.html").replace("127.0.0.1", "localhost")
    news = NEWS.format(news_url(site.url("/n/1.html"), "2022-03-01T10:00:00Z", "First from the sitemap")
                       + news_url(site.url("/n/2.html"), "2022-03-02T10:00:00Z", "Second")
                       + news_url(off_site, "2022-03-02T10:00:00Z", "Elsewhere"))
    site.add("/sitemap.xml", index, content_type="application/xml")
    site.add("/sitemap-news.xml.gz", gzip.compress(news.encode()), content_type="application/gzip")
    site.add("/n/1.html", article("First from the sitemap"))
    site.add("/n/2.html", article("Second"))
    try:
        summary = crawl(factory, [SourceSpec(name="map", type="sitemap", url=site.url("/sitemap.xml"))])
        with factory() as session:
            stored = {a.url.removeprefix(site.base) for a in session.scalars(select(Article))}
        assert stored == {"/n/1.html", "/n/2.html"} and summary.total("fetched") == 2
        assert "/n/off.html" not in site.paths_requested()
    finally:
        engine.dispose()
