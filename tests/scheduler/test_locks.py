"""The database's named locks, on SQLite (flock) and PostgreSQL (advisory), across processes."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from storage.locks import SERVICE, FileLocks, open_locks, source_lock

HOLDER = """
import sys
from storage.locks import open_locks
locks = open_locks(sys.argv[1])
assert locks.try_acquire(sys.argv[2])
print("held", flush=True)
sys.stdin.read()
"""


def wait_for(condition, timeout: float = 15.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_a_lock_is_exclusive_until_released(db_url):
    with open_locks(db_url) as first, open_locks(db_url) as second:
        assert first.try_acquire(SERVICE)
        assert first.try_acquire(SERVICE), "taking a lock one holds is a no-op"
        assert not second.try_acquire(SERVICE)
        assert second.held_elsewhere(SERVICE) and not first.held_elsewhere(SERVICE)
        assert str(os.getpid()) in (second.holder(SERVICE) or "")
        first.release(SERVICE)
        assert not second.held_elsewhere(SERVICE)
        assert second.try_acquire(SERVICE)
        assert not first.try_acquire(SERVICE)


def test_locks_of_different_names_are_independent(db_url):
    with open_locks(db_url) as first, open_locks(db_url) as second:
        assert first.try_acquire(source_lock("a"))
        assert second.try_acquire(source_lock("b"))
        assert second.take([source_lock("a"), source_lock("b"), source_lock("c")], wait=False) == [source_lock("a")]


def test_closing_releases_everything(db_url):
    first = open_locks(db_url)
    assert first.try_acquire(SERVICE) and first.try_acquire(source_lock("x"))
    first.close()
    with open_locks(db_url) as second:
        assert second.try_acquire(SERVICE) and second.try_acquire(source_lock("x"))


def test_acquire_waits_for_the_holder_and_honours_a_timeout(db_url):
    with open_locks(db_url) as first, open_locks(db_url) as second:
        first.try_acquire(source_lock("x"))
        assert not second.acquire(source_lock("x"), timeout=0.3)
        waiting = threading.Event()
        result = []

        def wait_for_it():
            waiting.set()
            result.append(second.acquire(source_lock("x"), timeout=20))

        thread = threading.Thread(target=wait_for_it)
        thread.start()
        waiting.wait(5)
        assert thread.is_alive()
        first.release(source_lock("x"))
        thread.join(20)
        assert result == [True]


def test_a_lock_is_freed_when_its_holder_is_killed(db_url):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, db_url, SERVICE], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with open_locks(db_url) as mine:
            assert not mine.try_acquire(SERVICE)
            assert f"pid {holder.pid}" in (mine.holder(SERVICE) or "")
            holder.send_signal(signal.SIGKILL)
            holder.wait(10)
            wait_for(lambda: mine.try_acquire(SERVICE), what="the killed holder's lock to be freed")
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait()


def test_sqlite_lock_files_sit_next_to_the_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'data' / 'news.db'}"
    with open_locks(url) as locks:
        assert isinstance(locks, FileLocks)
        assert locks.try_acquire(source_lock("odd/name with spaces"))
        files = list((tmp_path / "data" / "news.db.locks").iterdir())
        assert len(files) == 1 and files[0].name.startswith("source_odd_name_with_spaces-")


def test_a_symlink_to_the_database_shares_its_locks(tmp_path):
    (tmp_path / "data").mkdir()
    real = tmp_path / "data" / "news.db"
    real.touch()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "link.db").symlink_to(real)
    with open_locks(f"sqlite:///{real}") as first, open_locks(f"sqlite:///{tmp_path / 'elsewhere' / 'link.db'}") as second:
        assert first.try_acquire(SERVICE)
        assert not second.try_acquire(SERVICE) and second.held_elsewhere(SERVICE)


@pytest.mark.postgres
def test_postgres_locks_are_per_schema(postgres_schema_url):
    from sqlalchemy.engine import make_url

    other = make_url(postgres_schema_url).update_query_dict({"options": "-csearch_path=public"})
    with open_locks(postgres_schema_url) as first, open_locks(other.render_as_string(hide_password=False)) as second:
        assert first.try_acquire(SERVICE)
        assert second.try_acquire(SERVICE), "another schema is another spacewatch database"
