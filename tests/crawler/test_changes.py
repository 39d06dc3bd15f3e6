"""The change rule on stored observations (SQLite and PostgreSQL): first values, changes,
restatements, older articles, copies, history, cast additions and removals, corroboration."""
from __future__ import annotations

import itertools
from datetime import datetime, timezone

from sqlalchemy import select

from crawler.changes import detect_changes
from storage.models import Article, Change, Fact, Observation

_urls = itertools.count()


def day(n: int) -> datetime:
    return datetime(2024, 1, 1, tzinfo=timezone.utc).replace(day=n)


def store(factory, when: datetime, source: str, *obs: tuple, copy_of: int | None = None,
          reference: bool = False) -> int:
    """An article with observations (subject, attribute, value[, is_past[, removed[, mention_only]]])."""
    with factory() as session:
        article = Article(url=f"http://127.0.0.1/{source}/{next(_urls)}", canonical_url="x", source=source,
                          title="t", text="t", text_hash="h", published_at=when, relevant=True,
                          duplicate_of_id=copy_of, is_reference=reference)
        session.add(article)
        session.flush()
        for o in obs:
            subject, attribute, value, past, removed, mention_only = (*o, False, False, False)[:6]
            session.add(Observation(article_id=article.id, subject=subject, attribute=attribute, value=value,
                                    snippet=f"{value} said", published_at=when, is_past=past, removed=removed,
                                    mention_only=mention_only))
        session.commit()
        return article.id


def changes(factory, ids) -> list[tuple]:
    created = detect_changes(factory, ids)
    with factory() as session:
        rows = session.scalars(select(Change).where(Change.id.in_(created)).order_by(Change.id)).all()
        return [(c.attribute, c.old, c.new) for c in rows]


def facts(factory) -> set[tuple]:
    with factory() as session:
        return {(f.subject, f.attribute, f.value) for f in session.scalars(select(Fact))}


def test_first_value_then_a_new_one_then_a_restatement(factory):
    a = store(factory, day(1), "one", ("s", "launch_date", "2024-10-05"))
    assert changes(factory, [a]) == [("launch_date", None, "2024-10-05")]
    b = store(factory, day(5), "two", ("s", "launch_date", "2024-10-07"))
    assert changes(factory, [b]) == [("launch_date", "2024-10-05", "2024-10-07")]
    c = store(factory, day(9), "three", ("s", "launch_date", "2024-10-07"))
    assert changes(factory, [c]) == []
    assert facts(factory) == {("s", "launch_date", "2024-10-07")}
    with factory() as session:
        change = session.scalar(select(Change).where(Change.new == "2024-10-07"))
        assert change.corroborated_by_id == c  # another outlet confirmed it later


def test_an_older_article_changes_nothing_even_when_crawled_later(factory):
    new = store(factory, day(10), "one", ("s", "release_date", "2025-04-20"))
    changes(factory, [new])
    old = store(factory, day(3), "two", ("s", "release_date", "2025-04-12"))
    assert changes(factory, [old]) == []
    assert facts(factory) == {("s", "release_date", "2025-04-20")}


def test_a_batch_is_applied_in_publication_order(factory):
    later = store(factory, day(8), "one", ("s", "spacecraft", "Crew Dragon"))
    earlier = store(factory, day(2), "two", ("s", "spacecraft", "Starliner"))
    assert changes(factory, [later, earlier]) == [("spacecraft", None, "Starliner"),
                                                  ("spacecraft", "Starliner", "Crew Dragon")]


def test_a_copy_repeating_its_original_changes_nothing_however_old(factory):
    original = store(factory, day(1), "one", ("s", "release_date", "2024-10"))
    changes(factory, [original])
    newer = store(factory, day(5), "two", ("s", "release_date", "2025-04-12"))
    changes(factory, [newer])
    rerun = store(factory, day(20), "one", ("s", "release_date", "2024-10"), copy_of=original)
    assert changes(factory, [rerun]) == []
    updated = store(factory, day(21), "three", ("s", "release_date", "2024-10"), ("s", "cast", "Kim Lee"),
                    copy_of=original)
    assert changes(factory, [updated]) == [("cast", None, "Kim Lee")]
    assert ("s", "release_date", "2025-04-12") in facts(factory)


def test_history_fills_a_gap_or_refines_but_never_replaces(factory):
    first = store(factory, day(1), "one", ("s", "spacecraft", "Soyuz"), ("s", "launch_date", "2021-10-05"))
    changes(factory, [first])
    refine = store(factory, day(4), "two", ("s", "spacecraft", "Soyuz MS-19", True))
    assert changes(factory, [refine]) == [("spacecraft", "Soyuz", "Soyuz MS-19")]
    retro = store(factory, day(6), "three", ("s", "launch_date", "2021-09-30", True),
                  ("s", "launch_site", "Baikonur Cosmodrome", True))
    assert changes(factory, [retro]) == [("launch_site", None, "Baikonur Cosmodrome")]
    vaguer = store(factory, day(7), "four", ("s", "launch_date", "2021-10"))
    assert changes(factory, [vaguer]) == []
    assert ("s", "launch_date", "2021-10-05") in facts(factory)


def test_cast_is_a_set_with_additions_and_removals(factory):
    a = store(factory, day(1), "one", ("s", "cast", "Kim Lee"), ("s", "cast", "Ana Souza"))
    assert sorted(changes(factory, [a])) == [("cast", None, "Ana Souza"), ("cast", None, "Kim Lee")]
    b = store(factory, day(3), "two", ("s", "cast", "Kim Lee", False, True), ("s", "cast", "Carla Dunn"))
    assert changes(factory, [b]) == [("cast", "Kim Lee", None), ("cast", None, "Carla Dunn")]
    stale = store(factory, day(2), "three", ("s", "cast", "Kim Lee"))
    assert changes(factory, [stale]) == []  # published before the withdrawal
    assert {v for s, a_, v in facts(factory) if a_ == "cast"} == {"Ana Souza", "Carla Dunn"}


def test_a_reference_item_sets_first_values_without_reporting_them(factory):
    ref = store(factory, day(1), "reference", ("s", "director", "Pavel Orlov"), reference=True)
    assert changes(factory, [ref]) == []
    assert facts(factory) == {("s", "director", "Pavel Orlov")}
    later = store(factory, day(2), "one", ("s", "director", "Ines Moreau"))
    assert changes(factory, [later]) == [("director", "Pavel Orlov", "Ines Moreau")]


def test_a_copy_does_not_corroborate_its_original(factory):
    a = store(factory, day(1), "one", ("s", "title", "Cold Orbit"))
    changes(factory, [a])
    same_outlet = store(factory, day(2), "one", ("s", "title", "Cold Orbit"))
    syndicated = store(factory, day(3), "two", ("s", "title", "Cold Orbit"), copy_of=a)
    changes(factory, [same_outlet, syndicated])
    with factory() as session:
        assert session.scalar(select(Change)).corroborated_by_id is None


def test_no_ids_and_unknown_ids_create_nothing(factory):
    assert detect_changes(factory, []) == []
    assert detect_changes(factory, [12345]) == []


def test_a_title_used_in_passing_sets_a_first_title_but_never_retitles(factory):
    a = store(factory, day(1), "one", ("s", "title", "Tidewater", False, False, True))
    assert changes(factory, [a]) == [("title", None, "Tidewater")]
    b = store(factory, day(3), "two", ("s", "title", "Marea Alta", False, False, True))  # the other name, in passing
    assert changes(factory, [b]) == []
    c = store(factory, day(5), "three", ("s", "title", "Marea Alta"))  # "will be released as Marea Alta"
    assert changes(factory, [c]) == [("title", "Tidewater", "Marea Alta")]
