"""The JSON API against the running app (uvicorn on a free port), on SQLite and PostgreSQL: the
same rows as the CLI listings' --json, page by page, and the filters."""
from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

import httpx
import pytest

from scheduler.cli import main

LISTINGS = ("articles", "stories", "facts", "changes")


def cli_json(config_path, *args: str) -> list[dict]:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--config", str(config_path), *args, "--json"]) == 0
    return json.loads(out.getvalue())


def all_pages(client: httpx.Client, path: str, **query) -> list[dict]:
    """Follow the Link: rel=next headers from the first page to the last."""
    collected: list[dict] = []
    answer = client.get(path, params=query)
    pages = 0
    while True:
        assert answer.status_code == 200, answer.text
        collected += answer.json()
        pages += 1
        if "next" not in answer.links:
            break
        answer = client.get(answer.links["next"]["url"])
    assert int(answer.headers["x-total-count"]) == len(collected)
    return collected


@pytest.mark.parametrize("name", LISTINGS)
def test_each_listing_pages_through_exactly_the_cli_rows(server, config_path, name):
    expected = cli_json(config_path, name)
    assert expected, f"the seed gives some {name}"
    with httpx.Client(base_url=server.url) as client:
        assert all_pages(client, f"/api/v1/{name}", limit=1) == expected
        assert client.get(f"/api/v1/{name}").json() == expected


def test_articles_with_text_match_the_cli(server, config_path):
    with httpx.Client(base_url=server.url) as client:
        assert all_pages(client, "/api/v1/articles", text="true", limit=2) == cli_json(config_path, "articles", "--text")


def test_filters_pick_the_same_rows_as_filtering_the_cli_output(server, config_path):
    articles = cli_json(config_path, "articles")
    changes = cli_json(config_path, "changes")
    facts = cli_json(config_path, "facts")
    stories = cli_json(config_path, "stories")
    with httpx.Client(base_url=server.url) as client:
        get = lambda path, **q: client.get(path, params=q).json()  # noqa: E731
        assert get("/api/v1/articles", source="kosmos-herald") == [a for a in articles if a["source"] == "kosmos-herald"]
        assert get("/api/v1/articles", relevant="false") == [a for a in articles if not a["relevant"]]
        assert [a["title"] for a in get("/api/v1/articles", relevant="false")] == ["Cup final tonight"]
        assert get("/api/v1/articles", relevant="true") == cli_json(config_path, "articles", "--relevant")
        since = "2026-03-02"
        assert get("/api/v1/articles", since=since) == [a for a in articles if a["fetched_at"] >= since]
        assert 0 < len(get("/api/v1/articles", since=since)) < len(articles)
        assert get("/api/v1/changes", subject="orbit-film") == [c for c in changes if c["subject"] == "orbit-film"]
        assert len(get("/api/v1/changes", subject="orbit-film")) == 1
        assert get("/api/v1/facts", subject="challenge") == [f for f in facts if f["subject"] == "challenge"]
        assert [s["title"] for s in get("/api/v1/stories", source="reel-report", relevant="true")] == \
            ["Orbit Film picks its director"]
        assert [a["title"] for a in get("/api/v1/articles", subject="orbit-film")] == ["Orbit Film picks its director"]
        assert get("/api/v1/changes", since="2030-01-01T00:00:00Z") == []
        assert len(stories) == 2
        assert all_pages(client, "/api/v1/stories", since="2026-03-01", limit=1) == stories
        assert all_pages(client, "/api/v1/stories", since="2026-03-01T08:00:01Z", limit=1) == []
        assert all_pages(client, "/api/v1/stories", relevant="false", limit=1) == []  # the irrelevant one has none


@pytest.mark.parametrize("query, names", [({"since": "yesterday"}, "since"), ({"relevant": "maybe"}, "relevant"),
                                          ({"limit": "0"}, "limit"), ({"limit": "5000"}, "limit"),
                                          ({"offset": "-1"}, "offset")])
def test_a_bad_parameter_is_a_400_naming_it(server, query, names):
    answer = httpx.get(f"{server.url}/api/v1/articles", params=query)
    assert answer.status_code == 400
    assert answer.json()["error"].startswith(names + ":")


def test_hostile_filter_values_are_data_not_sql(server):
    for value in ("' OR 1=1 --", "%", "_", "\\", "x'); DROP TABLE articles; --"):
        answer = httpx.get(f"{server.url}/api/v1/articles", params={"source": value})
        assert answer.status_code == 200 and answer.json() == []
    assert len(httpx.get(f"{server.url}/api/v1/articles").json()) == 5  # the table is still there


def test_sources_and_status_are_what_status_json_says(server, config_path):
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--config", str(config_path), "status", "--json"]) == 0
    expected = json.loads(out.getvalue())
    with httpx.Client(base_url=server.url) as client:
        sources = client.get("/api/v1/sources").json()
        status = client.get("/api/v1/status").json()
    assert sources == expected["sources"]
    assert [s["name"] for s in sources] == ["orbit-daily", "kosmos-herald"]
    assert sources[1]["consecutive_failures"] == 3 and sources[1]["last_error"] == "HTTP 503"
    assert status["service"] == expected["service"] and status["digest"] == expected["digest"]


def test_post_crawl_with_a_csrf_token_starts_a_crawl(server, fake_control):
    with httpx.Client(base_url=server.url) as client:
        token = client.get("/api/v1/csrf").json()["csrf_token"]
        answer = client.post("/api/v1/crawl", json={"sources": ["orbit-daily"]}, headers={"X-CSRF-Token": token})
        assert answer.status_code == 202, answer.text
        assert answer.json()["sources"] == ["orbit-daily"]
        missing = client.post("/api/v1/crawl", json={"sources": ["nowhere"]}, headers={"X-CSRF-Token": token})
        assert missing.status_code == 404
    assert fake_control.crawled == [["orbit-daily"]]


def test_openapi_describes_every_api_route(server):
    spec = httpx.get(f"{server.url}/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/articles", "/api/v1/stories", "/api/v1/facts", "/api/v1/changes", "/api/v1/sources",
                 "/api/v1/status", "/api/v1/crawl", "/feeds/changes.atom", "/feeds/stories.atom"):
        assert path in spec["paths"], path
    article = spec["components"]["schemas"]["Article"]["properties"]
    first = httpx.get(f"{server.url}/api/v1/articles", params={"limit": 1}).json()[0]
    assert set(first) <= set(article)
