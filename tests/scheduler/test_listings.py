"""The listings for people: a header, newest first, and --since, --source, --limit."""
from __future__ import annotations

import json

import pytest

from storage.db import transaction
from tests.notifications import rows
from tests.scheduler.test_cli import spacewatch


@pytest.fixture
def listed(tmp_path, db_url, factory):
    with transaction(factory) as session:
        early = rows.article(session, "2026/03/early.html", source="orbit-daily", title="Early",
                             story=rows.story(session, "Early story"), days=0)
        rows.article(session, "2026/03/middle.html", source="kosmos-herald", title="Middle", days=2)
        late = rows.article(session, "2026/03/late.html", source="orbit-daily", title="Late", days=5)
        rows.change(session, early, "harbour", "director", None, "Ada Korolenko")
        rows.change(session, late, "harbour", "director", "Ada Korolenko", "Ivo Marten")
    config = tmp_path / "spacewatch.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")

    def run(*args: str) -> list[dict]:
        result = spacewatch("--config", str(config), *args, "--json", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    return run, config


def test_listings_are_newest_first(listed):
    run, _ = listed
    assert [a["title"] for a in run("articles")] == ["Late", "Middle", "Early"]
    assert [c["new"] for c in run("changes")] == ["Ivo Marten", "Ada Korolenko"]


def test_since_source_and_limit_narrow_the_listing(listed):
    run, _ = listed
    assert [a["title"] for a in run("articles", "--since", "2026-03-02")] == ["Late", "Middle"]
    assert [a["title"] for a in run("articles", "--source", "orbit-daily")] == ["Late", "Early"]
    assert [a["title"] for a in run("articles", "--limit", "1")] == ["Late"]
    assert [c["new"] for c in run("changes", "--source", "orbit-daily", "--limit", "1")] == ["Ivo Marten"]
    assert [s["title"] for s in run("stories", "--source", "kosmos-herald")] == []
    assert [s["title"] for s in run("stories", "--source", "orbit-daily")] == ["Early story"]


def test_the_human_listing_has_a_header_and_bad_filters_are_one_line(listed, tmp_path):
    _, config = listed
    out = spacewatch("--config", str(config), "articles", cwd=tmp_path).stdout.splitlines()
    assert out[0].split("\t") == ["published_at", "source", "relevant", "title", "url"]
    assert out[1].split("\t")[3] == "Late"
    bad = spacewatch("--config", str(config), "articles", "--since", "last week", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--since 'last week'" in bad.stderr
