"""What the service records on SQLite and PostgreSQL: killed and crashed crawls, runs left open
by a dead crawl process, and the next poll times `status` shows."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import event, select

from crawler.options import SourceSpec
from scheduler import bookkeeping
from storage.db import transaction
from storage.locks import open_locks, source_lock
from storage.models import CrawlRun, Source

NOW = datetime.now(timezone.utc)
A = SourceSpec(name="a", type="feed", url="http://127.0.0.1:9/a.xml", every="30m")
B = SourceSpec(name="b", type="feed", url="http://127.0.0.1:9/b.xml", every="1h")


def test_a_killed_crawl_closes_its_run_and_counts_a_failure(factory):
    with transaction(factory) as session:
        session.add(CrawlRun(started_at=NOW, trigger="schedule", sources="a,b", status="running"))
        session.add(CrawlRun(started_at=NOW, trigger="manual", sources="a", status="running"))
        session.add(Source(name="a", type="feed", url=A.url, consecutive_failures=2))
    bookkeeping.record_abnormal_end(factory, [A, B], NOW - timedelta(seconds=1), "killed", "killed: deadline",
                                    count_failure=True)
    with factory() as session:
        runs = {run.trigger: run for run in session.scalars(select(CrawlRun))}
        sources = {row.name: row for row in session.scalars(select(Source))}
    assert runs["schedule"].status == "killed" and runs["schedule"].error == "killed: deadline"
    assert runs["schedule"].finished_at is not None
    assert runs["manual"].status == "running", "another process's run is left alone"
    assert sources["a"].consecutive_failures == 3 and sources["a"].last_status == "killed"
    assert sources["b"].consecutive_failures == 1 and sources["b"].failing_since is not None
    states = bookkeeping.poll_states(factory, ["a", "b", "c"])
    assert states["a"].consecutive_failures == 3 and "c" not in states


def test_a_crawl_killed_before_it_wrote_a_run_gets_one(factory):
    bookkeeping.record_abnormal_end(factory, [A], NOW, "failed", "exit status -9", count_failure=False)
    with factory() as session:
        run = session.scalars(select(CrawlRun)).one()
        assert (run.status, run.sources, run.error) == ("failed", "a", "exit status -9")
        assert session.scalars(select(Source)).all() == [], "no failure counted"


def test_runs_of_dead_crawls_are_reaped_and_live_ones_kept(db_url, factory):
    with transaction(factory) as session:
        session.add(CrawlRun(started_at=NOW, trigger="schedule", sources="a", status="running"))
        session.add(CrawlRun(started_at=NOW, trigger="manual", sources="b", status="running"))
    with open_locks(db_url) as crawler, open_locks(db_url) as service:
        assert crawler.try_acquire(source_lock("b"))  # a live crawl of b
        assert bookkeeping.reap_interrupted_runs(factory, service) == 1
    with factory() as session:
        status = {run.sources: run.status for run in session.scalars(select(CrawlRun))}
    assert status == {"a": "killed", "b": "running"}


def test_next_polls_are_written_and_rows_created(factory):
    when = NOW + timedelta(minutes=7)
    bookkeeping.write_next_polls(factory, [A, B], {"a": when})
    with factory() as session:
        rows = {row.name: row for row in session.scalars(select(Source))}
    assert list(rows) == ["a"] and rows["a"].next_poll_at == when and rows["a"].url == A.url


def test_first_activity_is_the_first_crawl_article_or_mail(factory):
    assert bookkeeping.first_activity(factory) is None  # a new database
    with transaction(factory) as session:
        session.add(CrawlRun(started_at=NOW - timedelta(days=2), trigger="manual", sources="a", status="ok"))
    assert bookkeeping.first_activity(factory) == NOW - timedelta(days=2)


def test_batches_of_every_size_reuse_a_few_statements(factory):
    """Each distinct SQL text is a prepared statement every pooled connection keeps (the sqlite3
    module up to 128, each about 200 bytes per value of its IN list): batches of every size
    from 1 to 150 must not make 150 of them."""
    specs = [SourceSpec(name=f"orbit-{i:03d}", type="feed", url=f"http://127.0.0.1:9/{i}.xml", every="1m")
             for i in range(150)]
    texts: set[str] = set()
    engine = factory.kw["bind"]

    def seen(_conn, _cursor, statement, _parameters, _context, _many) -> None:
        if "FROM sources" in statement:
            texts.add(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        for size in range(1, len(specs) + 1):
            batch = specs[:size]
            names = [spec.name for spec in batch]
            bookkeeping.write_next_polls(factory, batch, {name: NOW for name in names})
            assert set(bookkeeping.poll_states(factory, names)) == set(names)
            assert set(bookkeeping.source_results(factory, names)) == set(names)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    # the three queries (rows to write, poll states, results) read the rows alike: one text for
    # each list length 1, 2, 4, ... 256
    assert len(texts) <= 9, f"{len(texts)} distinct statements for batches of 1 to {len(specs)} sources"
