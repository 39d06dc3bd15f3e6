"""The pages' own logic over many rows: stories page by page (each story once, newest article
first, searched or not), changes filtered, unknown articles, bad parameters."""
from __future__ import annotations

import re
import httpx
import pytest

from storage.db import transaction
from storage.models import Story
from tests.notifications import rows
from tests.web.conftest import serve

STORY = re.compile(r'<article class="story" id="story-(\d+)">')
OLDER = re.compile(r'<a href="(/stories\?[^"]*)">older</a>')


@pytest.fixture
def many(factory) -> list[int]:
    """130 stories; story k has (k % 3) + 1 relevant articles, interleaved in time, and the odd
    ones an irrelevant newest article. Returns the story ids, newest relevant article first."""
    newest: dict[int, float] = {}
    with transaction(factory) as session:
        stories = [rows.story(session, f"Story {k}") for k in range(130)]
        step = 0
        for round_ in range(3):
            for k, story in enumerate(stories):
                if round_ > k % 3:
                    continue
                step += 1
                word = "orbit" if k % 2 else "lunar"
                rows.article(session, f"s{k}/a{round_}.html", title=f"{word} story {k} part {round_}", story=story,
                             days=step / 100)
                newest[story.id] = step
        for k, story in enumerate(stories):
            if k % 2:
                rows.article(session, f"s{k}/off.html", title=f"lunar off-topic {k}", story=story, relevant=False,
                             days=10)
    return [story_id for story_id, _ in sorted(newest.items(), key=lambda item: -item[1])]


@pytest.fixture
def bare(config, fake_control, factory):
    """The app over a database with only what the test puts in."""
    running = serve(config, fake_control)
    try:
        yield running
    finally:
        running.stop()


def pages(client: httpx.Client, first: str) -> list[list[int]]:
    found, path = [], first
    while path:
        html = client.get(path).text
        found.append([int(n) for n in STORY.findall(html)])
        more = OLDER.search(html)
        path = more.group(1).replace("&amp;", "&") if more else None
        assert len(found) < 10
    return found


def test_story_pages_show_every_story_once_newest_first(bare, many):
    with httpx.Client(base_url=bare.url) as client:
        seen = pages(client, "/stories")
    assert [len(page) for page in seen] == [50, 50, 30]
    assert [story_id for page in seen for story_id in page] == many


def test_a_search_pages_through_the_matching_stories_only(bare, many, factory):
    with factory() as session:
        odd = {s.id for s in session.query(Story) if s.title.startswith("Story ") and int(s.title.split()[1]) % 2}
    with httpx.Client(base_url=bare.url) as client:
        seen = pages(client, "/stories?q=orbit")
    flat = [story_id for page in seen for story_id in page]
    assert [len(page) for page in seen] == [50, 15]
    assert flat == [story_id for story_id in many if story_id in odd]  # "lunar" only in irrelevant ones: not found


def test_an_unknown_article_is_a_404_page_and_bad_numbers_a_400(server):
    with httpx.Client(base_url=server.url) as client:
        assert client.get("/articles/424242").status_code == 404
        assert client.get("/stories", params={"before": "x"}).status_code == 400
        assert client.get("/stories", params={"before": "424242"}).status_code == 200


def test_changes_filter_by_production_and_detail(server):
    with httpx.Client(base_url=server.url) as client:
        assert client.get("/changes", params={"subject": "orbit-film"}).text.count('class="change"') == 1
        assert client.get("/changes", params={"attribute": "launch_site"}).text.count('class="change"') == 1
        assert client.get("/changes", params={"subject": "orbit-film", "attribute": "launch_site"}).text.count(
            'class="change"') == 0
        assert client.get("/changes").text.count('class="change"') == 2
