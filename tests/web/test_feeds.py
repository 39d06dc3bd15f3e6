"""The Atom feeds, fetched from the running app and parsed with feedparser: valid (no bozo),
one entry per change and per new story, hostile text kept as text."""
from __future__ import annotations

import feedparser
import httpx
import pytest

from tests.web.conftest import HOSTILE_TITLE, seed_hostile


def fetch(server, path: str):
    answer = httpx.get(server.url + path)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(answer.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_changes_feed_is_valid_atom_with_one_entry_per_change_newest_first(server):
    feed = fetch(server, "/feeds/changes.atom")
    assert feed.feed.title == "spacewatch: changes"
    titles = [entry.title for entry in feed.entries]
    assert titles == ["Orbit Film: director (none) -> Jane Doe",
                      "The Challenge: launch_site (none) -> Baikonur Cosmodrome"]
    assert feed.entries[0].link == "http://news.test/reel-report/2026/04/director.html"
    assert "Jane Doe will direct it." in feed.entries[0].summary
    assert len({entry.id for entry in feed.entries}) == 2
    assert all(entry.updated_parsed for entry in feed.entries)


def test_stories_feed_lists_relevant_stories_with_their_articles(server):
    feed = fetch(server, "/feeds/stories.atom")
    assert [entry.title for entry in feed.entries] == ["Orbit Film picks its director",
                                                       "Film crew returns from the station"]
    assert "kosmos-herald" in feed.entries[1].summary and "meridian-wire" in feed.entries[1].summary


def test_empty_feeds_are_still_valid(config, fake_control, factory):
    from tests.web.conftest import serve

    running = serve(config, fake_control)
    try:
        assert fetch(running, "/feeds/changes.atom").entries == []
        assert fetch(running, "/feeds/stories.atom").entries == []
    finally:
        running.stop()


@pytest.mark.parametrize("path", ["/feeds/changes.atom", "/feeds/stories.atom"])
def test_hostile_titles_stay_text_and_javascript_urls_never_become_links(server, factory, path):
    seed_hostile(factory)
    answer = httpx.get(server.url + path)
    assert b"<script>" not in answer.content  # escaped in the XML
    feed = fetch(server, path)
    hostile = feed.entries[0]
    assert HOSTILE_TITLE in hostile.title or "<script>alert(4)</script>" in hostile.title
    links = [link.href for entry in feed.entries for link in entry.get("links", [])]
    assert links and not any(href.lower().startswith("javascript") for href in links)
