"""Canonical URLs and AMP/mobile variant keys."""
from __future__ import annotations

import pytest

from analysis.urls import canonical_url, normalise_url, url_variants_key

BASE = "https://news.example.org/2022/09/cruise-film-still-alive.html"


@pytest.mark.parametrize("fetched", [
    BASE + "?utm_source=rss&utm_medium=rss&utm_campaign=x",
    BASE + "?fbclid=IwAR0abc&gclid=123&mc_cid=9&mc_eid=8",
    BASE + "?ref=hn&ref_src=twsrc&_ga=1.2&_gl=3&yclid=4&igshid=5",
    BASE + "?at_medium=social&at_campaign=x&xtor=RSS-1&s_cid=a&spm=b&cmpid=c&ocid=d&icid=e&dclid=f&msclkid=g",
    BASE + "#comments",
    "HTTPS://NEWS.Example.ORG:443/2022/09/cruise-film-still-alive.html",
    "https://news.example.org/2022/09/../09/cruise-film-still-alive.html",
])
def test_tracking_fragment_case_port_and_dots_are_folded(fetched):
    assert canonical_url(fetched, None) == BASE


def test_query_is_sorted_and_meaningful_parameters_kept():
    assert canonical_url("http://example.org/a?page=2&id=7&utm_term=x", None) == "http://example.org/a?id=7&page=2"


def test_declared_canonical_wins_when_http():
    declared = "https://wire.example.com/article/20220329-crew-filmed-more.html"
    assert canonical_url("https://copy.example.net/news/2022/04/01/crew/?utm_source=x", declared) == declared


@pytest.mark.parametrize("declared", [None, "", "mailto:desk@example.org", "/relative/path", "javascript:void(0)",
                                      "https://news.example.org/"])
def test_unusable_declared_canonical_falls_back_to_fetched(declared):
    # the last one: a whole site declaring its home page as every page's canonical
    assert canonical_url(BASE + "?utm_source=x", declared) == BASE


def test_home_page_may_declare_itself():
    home = "https://news.example.org/"
    assert canonical_url(home + "?utm_source=x", home) == home


def test_non_default_port_kept_and_credentials_dropped():
    assert normalise_url("http://user:pw@127.0.0.1:8765/a/b.html?utm_source=x") == "http://127.0.0.1:8765/a/b.html"


@pytest.mark.parametrize("variant", [
    "https://news.example.org/amp/2022/09/cruise-film-still-alive.html",
    "https://news.example.org/2022/09/cruise-film-still-alive.html/amp",
    "https://news.example.org/2022/09/cruise-film-still-alive.amp.html",
    "https://news.example.org/2022/09/cruise-film-still-alive.html?amp=1",
    "https://news.example.org/2022/09/cruise-film-still-alive.html?outputType=amp",
    "https://amp.news.example.org/2022/09/cruise-film-still-alive.html",
    "https://m.news.example.org/2022/09/cruise-film-still-alive.html",
    "https://mobile.news.example.org/2022/09/cruise-film-still-alive.html",
    "http://www.news.example.org/2022/09/cruise-film-still-alive.html?utm_source=x#top",
])
def test_amp_and_mobile_variants_share_the_key(variant):
    assert url_variants_key(variant) == url_variants_key(BASE)


@pytest.mark.parametrize("other", [
    "https://news.example.org/2022/09/cruise-film-still-alive-2.html",
    "https://news.example.org/2022/10/cruise-film-still-alive.html",
    "https://other.example.org/2022/09/cruise-film-still-alive.html",
    "https://news.example.org/2022/09/cruise-film-still-alive.html?id=2",
    "https://news.example.org/2022/09/cruise-film-still-alive.html?output=json",
])
def test_different_pages_keep_different_keys(other):
    assert url_variants_key(other) != url_variants_key(BASE)


def test_trailing_slash_and_index_page_are_one_page():
    key = url_variants_key("http://a.example/news/story/")
    assert key == url_variants_key("http://a.example/news/story/index.html")
    assert key == url_variants_key("http://a.example/news/story")


def test_short_hosts_keep_their_labels():
    assert url_variants_key("http://m.com/a") != url_variants_key("http://com/a")
    assert url_variants_key("http://m.com/a").startswith("m.com/")


def test_non_http_urls_pass_through():
    assert canonical_url("file:///etc/passwd", None) == "file:///etc/passwd"
