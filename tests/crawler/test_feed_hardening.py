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
def factory(sqlite_url):
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
], ids=["long-comment-first", "bracket-in-comment", "external-after-bracket"])
def test_entity_declarations_are_refused_wherever_they_hide(factory, site, prolog):
    site.add("/page.html", article("Page"))
    site.add("/feed.xml", with_prolog(prolog, site.url("/page.html")), content_type="application/rss+xml")
    summary = crawl(factory, [feed("laughs", site.url("/feed.xml"))])
    report = summary.sources[0]
    assert report.status == "failed" and "entit" in report.error
    assert "/page.html" not in site.paths_requested()


def test_a_plain_doctype_is_still_read(factory, site):
    doctype = ('<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
               '"http://my.netscape.com/publish/formats/rss-0.91.dtd">')
    site.add("/page.html", article("Page"))
    site.add("/feed.xml", with_prolog(doctype, site.url("/page.html"), "Plain"), content_type="application/rss+xml")
    summary = crawl(factory, [feed("plain", site.url("/feed.xml"))])
    assert summary.sources[0].status == "ok" and summary.total("fetched") == 1
