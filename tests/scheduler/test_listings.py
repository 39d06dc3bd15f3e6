"""The listings for people: a header, newest first, and --since, --source, --limit."""
from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import aliased

from scheduler import cli, listings
from storage import repository
from storage.db import transaction
from storage.models import Article, Story, UTCDateTime
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


# --- streaming, and the filters in SQL ---------------------------------------------------------

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)


def _stored_many(factory, count: int) -> None:
    """`count` articles (every fifth from "rare-wire" after the first 4000, so rare), most in stories."""
    with transaction(factory) as session:
        session.execute(insert(Story), [{"id": s + 1, "title": f"Story {s}", "first_seen": T0,
                                         "last_seen": T0 + timedelta(minutes=s)} for s in range(count // 3)])
        session.execute(insert(Article), [
            {"id": n + 1, "url": f"http://news.test/a/{n}", "canonical_url": f"http://news.test/a/{n}",
             "source": "rare-wire" if n in (7, 70, 700) else "common-wire", "title": f"Article {n}", "text": "x" * 50,
             "text_hash": f"{n:064d}", "relevant": n % 2 == 0, "story_id": n // 3 + 1 if n < count // 3 * 3 else None,
             "published_at": None if n % 4 == 0 else T0 + timedelta(minutes=n % 97),
             "fetched_at": T0 + timedelta(minutes=n % 89)} for n in range(count)])


@pytest.fixture
def converted(monkeypatch):
    """How many datetimes were read into Python: two an article row, one a story row."""
    calls = []
    convert = UTCDateTime.process_result_value

    def counting(self, value, dialect):
        calls.append(value)
        return convert(self, value, dialect)

    monkeypatch.setattr(UTCDateTime, "process_result_value", counting)
    return calls


def test_limit_source_and_since_are_in_the_query_not_applied_to_all_rows(factory, converted):
    _stored_many(factory, 3000)
    with factory() as session:
        statements = []
        event.listen(session.get_bind(), "before_cursor_execute",
                     lambda conn, cursor, statement, *rest: statements.append(" ".join(statement.split())))
        first = list(repository.article_rows(session, limit=5))
        assert len(converted) <= 5 * 2 and "LIMIT" in statements[-1]
        rare = list(repository.article_rows(session, source="rare-wire"))
        assert len(converted) <= (5 + 3) * 2 and "WHERE articles.source =" in statements[-1]
        since = T0 + timedelta(minutes=95)
        newest = list(repository.article_rows(session, since=since, relevant_only=True))
        assert len(converted) <= (5 + 3 + len(newest)) * 2
        assert "coalesce(articles.published_at, articles.fetched_at) >=" in statements[-1]
        stories = list(repository.story_rows(session, limit=2))
        assert len(converted) <= (5 + 3 + len(newest)) * 2 + 2 * 3 * 2  # three articles a story, two datetimes a row
        assert "LIMIT" in statements[-1]
        assert first == _reference(session, "articles", limit=5)
        assert rare == _reference(session, "articles", source="rare-wire") and len(rare) == 3
        assert newest == _reference(session, "articles", relevant_only=True, since=since) and len(newest) > 5
        assert stories == _reference(session, "stories", limit=2) and [s["id"] for s in stories] == [1000, 999]


def test_a_long_listing_is_read_a_chunk_at_a_time(factory, converted):
    _stored_many(factory, 3000)
    cursors = []
    with factory() as session:
        event.listen(session.get_bind(), "before_cursor_execute",
                     lambda conn, cursor, *rest: cursors.append(type(cursor).__name__))
        for listed in (repository.article_rows(session), repository.story_rows(session)):
            next(listed)
            assert len(converted) <= 2 * repository.STREAM_ROWS
            converted.clear()
            listed.close()
    if factory.kw["bind"].dialect.name == "postgresql":
        assert cursors and all(name == "ServerCursor" for name in cursors)  # not the whole result at once


def _reference(session, name: str, relevant_only: bool = False, since=None, source=None, limit=None) -> list[dict]:
    """The listing as every row loaded and cut in Python."""
    if name == "articles":
        original = aliased(Article)
        found = [(a, dup) for a, dup in session.execute(select(Article, original.url).outerjoin(
            original, Article.duplicate_of_id == original.id).order_by(Article.id))]
        rows = [(repository.article_row(a, dup), a.published_at or a.fetched_at, a.source) for a, dup in found
                if a.relevant or not relevant_only]
    else:
        members: dict[int, list[Article]] = {}
        for article in session.scalars(select(Article).where(Article.story_id.is_not(None)).order_by(Article.id)):
            members.setdefault(article.story_id, []).append(article)
        rows = [(repository.story_row(s, [a.url for a in members[s.id]]), s.last_seen,
                 {a.source for a in members[s.id]}) for s in session.scalars(select(Story).order_by(Story.id))
                if s.id in members]
    rows = [(row, when, sources) for row, when, sources in rows
            if (since is None or when >= since) and (source is None or source in sources)]
    rows.sort(key=lambda found: found[1], reverse=True)
    return [row for row, _, _ in rows][:limit]


@pytest.mark.parametrize("options", [
    {}, {"limit": 7}, {"source": "rare-wire"}, {"since": T0 + timedelta(minutes=90)},
    {"since": T0 + timedelta(minutes=40), "source": "common-wire", "limit": 30}])
def test_the_cli_lists_what_loading_every_row_lists_byte_for_byte(factory, db_url, tmp_path, capsys, options):
    _stored_many(factory, 400)
    with transaction(factory) as session:  # a copy, and text that JSON escapes
        session.execute(update(Article).where(Article.id == 5).values(duplicate_of_id=2, title='Ünï "cödé"\t\\ ☃'))
        session.execute(update(Article).where(Article.id == 9).values(published_precision="month"))
    config = tmp_path / "spacewatch.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    flags = [*(["--limit", str(options["limit"])] if "limit" in options else []),
             *(["--source", options["source"]] if "source" in options else []),
             *(["--since", options["since"].isoformat()] if "since" in options else [])]
    for name, extra in (("articles", []), ("articles", ["--relevant"]), ("stories", [])):
        assert cli.main(["--config", str(config), name, "--json", *flags, *extra]) == 0
        with factory() as session:
            expected = _reference(session, name, relevant_only=bool(extra), **options)
        assert capsys.readouterr().out == json.dumps(expected, ensure_ascii=False, indent=1) + "\n"


@pytest.mark.parametrize("rows", [
    [], [{}], [{"a": []}], [{"a": [], "b": {}, "c": {"d": [1, 2.5, None, True, False, "x"]}}],
    [{"url": "http://x.test/ä", "n": -3, "f": 1e-07, "big": 10**20, "nan": float("inf"),
      "s": 'q"\\\n\t\u2028\x01 ☃', "urls": ["a", "b"]}, {"urls": []}]])
def test_rows_are_written_as_json_dump_writes_them(rows):
    out = io.StringIO()
    listings.write_json(iter(rows), out)
    assert out.getvalue() == json.dumps(rows, ensure_ascii=False, indent=1) + "\n"


def test_the_human_listing_of_nothing_says_so(tmp_path, db_url, factory, capsys):
    config = tmp_path / "spacewatch.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    assert cli.main(["--config", str(config), "stories"]) == 0
    assert capsys.readouterr().out == "no stories\n"
