"""Feed reading (bytes -> entries) and page decoding: the parts of the feed spider with no network."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from crawler.spiders.charset import decode_html
from crawler.spiders.feed import FeedError, read_feed

FEED_URL = "http://127.0.0.1:9/feeds/x.xml"


def rss(items: str, declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    return f'{declaration}<rss version="2.0"><channel><title>X</title>{items}</channel></rss>'


def item(title: str, link: str, date: str = "Mon, 03 Jan 2022 10:00:00 GMT", summary: str = "") -> str:
    return (f"<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate>"
            f"<description>{summary}</description></item>")


def test_entries_carry_link_title_summary_and_date():
    feed = read_feed(rss(item("A &amp; B", "/a.html", summary="&lt;p&gt;Lead &lt;b&gt;text&lt;/b&gt;&lt;/p&gt;")).encode(),
                     "application/rss+xml", FEED_URL)
    [entry] = feed.entries
    assert entry.link == "http://127.0.0.1:9/a.html"  # relative links resolve against the feed
    assert (entry.title, entry.summary) == ("A & B", "Lead text")
    assert entry.published_at == datetime(2022, 1, 3, 10, tzinfo=timezone.utc)
    assert feed.problem is None


def test_atom_entries_use_their_alternate_link():
    atom = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>X</title>'
            '<entry><title>One</title><link rel="alternate" href="http://127.0.0.1:9/one"/>'
            '<updated>2022-02-01T08:00:00Z</updated><author><name>Ann Lee</name></author></entry></feed>')
    [entry] = read_feed(atom.encode(), "application/atom+xml", FEED_URL).entries
    assert (entry.link, entry.author) == ("http://127.0.0.1:9/one", "Ann Lee")
    assert entry.published_at == datetime(2022, 2, 1, 8, tzinfo=timezone.utc)


def test_malformed_feed_keeps_its_entries_and_says_why():
    body = rss(item("Good", "http://127.0.0.1:9/g") + "<item><title>Fish & chips</title><link>http://127.0.0.1:9/f</link></item>")
    feed = read_feed(body.encode(), "application/rss+xml", FEED_URL)
    assert [e.link for e in feed.entries] == ["http://127.0.0.1:9/g", "http://127.0.0.1:9/f"]
    assert feed.problem and "not well-formed" in feed.problem


def test_feed_in_a_legacy_charset_is_decoded():
    body = rss(item("Caf\u00e9 na\u00efve \u2013 \u00e9t\u00e9", "http://127.0.0.1:9/c"),
               '<?xml version="1.0" encoding="windows-1252"?>').encode("cp1252")
    [entry] = read_feed(body, "application/rss+xml", FEED_URL).entries
    assert entry.title == "Caf\u00e9 na\u00efve \u2013 \u00e9t\u00e9"


def test_feed_mislabelled_as_utf8_still_yields_readable_entries():
    body = rss(item("Caf\u00e9 cr\u00e8me", "http://127.0.0.1:9/c")).encode("cp1252")  # declares utf-8
    feed = read_feed(body, "application/rss+xml; charset=utf-8", FEED_URL)
    assert [e.title for e in feed.entries] == ["Caf\u00e9 cr\u00e8me"]
    assert feed.problem  # the wrong declaration is recorded


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
])
def test_feed_declaring_entities_is_refused(doctype):
    body = rss(item("&b;", "http://127.0.0.1:9/x"), '<?xml version="1.0"?>' + doctype)
    with pytest.raises(FeedError, match="entit"):
        read_feed(body.encode(), "application/rss+xml", FEED_URL)


def test_html_page_is_not_a_feed():
    with pytest.raises(FeedError, match="HTML page"):
        read_feed(b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>hi</p></body></html>",
                  "text/html", FEED_URL)


def test_a_body_that_names_a_file_is_not_read_as_a_path(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_text(rss(item("secret", "http://127.0.0.1:9/s")), encoding="utf-8")
    with pytest.raises(FeedError):
        read_feed(str(secret).encode(), "text/plain", FEED_URL)


@pytest.mark.parametrize("text, body_encoding, content_type", [
    ("Caf\u00e9 \u2013 cr\u00e8me br\u00fbl\u00e9e", "cp1252", "text/html; charset=utf-8"),    # declared utf-8, is cp1252
    ("Caf\u00e9 \u2013 cr\u00e8me br\u00fbl\u00e9e", "utf-8", "text/html; charset=iso-8859-1"),  # declared latin-1, is utf-8
    ("\u041f\u0440\u0438\u0432\u0435\u0442, \u043a\u043e\u0441\u043c\u043e\u0441", "cp1251", "text/html; charset=windows-1251"),
    ("Caf\u00e9 cr\u00e8me", "utf-8", None),
])
def test_pages_decode_to_readable_text(text, body_encoding, content_type):
    body = f"<html><head><title>t</title></head><body><p>{text}</p></body></html>".encode(body_encoding)
    decoded, _ = decode_html(body, content_type)
    assert text in decoded
    assert "\ufffd" not in decoded


def test_meta_charset_is_used_when_the_header_has_none():
    body = '<html><head><meta charset="windows-1251"></head><body>\u041a\u043e\u0441\u043c\u043e\u0441</body></html>'
    decoded, encoding = decode_html(body.encode("cp1251"), "text/html")
    assert "\u041a\u043e\u0441\u043c\u043e\u0441" in decoded and encoding == "cp1251"


@pytest.mark.slow
def test_stored_entries_are_not_fetched_again_even_with_tracking_parameters(sqlite_url, site):
    from storage.db import open_database
    from storage.models import Article
    from tests.crawler.crawl_helpers import article, crawl, feed, rss

    engine, factory = open_database(sqlite_url)
    site.add("/robots.txt", "User-agent: *\nDisallow: /blocked/\n", content_type="text/plain")
    first = [("One", site.url("/a/1.html")), ("Two", site.url("/a/2.html")), ("Blocked", site.url("/blocked/3.html"))]
    for title, link in first:
        site.add(link.removeprefix(site.base), article(title))
    site.add("/feed.xml", rss(first), content_type="application/rss+xml")
    source = feed("wire", site.url("/feed.xml"))
    try:
        crawl(factory, [source])
        assert "/blocked/3.html" not in site.paths_requested()
        with factory() as session:
            blocked = session.query(Article).filter(Article.url == site.url("/blocked/3.html")).one()
            assert blocked.from_feed_only and blocked.title == "Blocked"  # kept from the feed's own fields

        site.add("/a/4.html", article("Four"))
        site.add("/feed.xml", rss([("Four", site.url("/a/4.html")),
                                   ("One again", site.url("/a/1.html?utm_source=rss&utm_medium=feed"))] + first),
                 content_type="application/rss+xml")
        before = len(site.requests)
        summary = crawl(factory, [source])
        later = [path for _, path, _ in site.requests[before:]]
        assert [p for p in later if p.startswith("/a/")] == ["/a/4.html"]
        assert summary.sources[0].skipped_known == 4
    finally:
        engine.dispose()
