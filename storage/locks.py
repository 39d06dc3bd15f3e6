"""Named locks shared by every process that uses one database, released when the holder dies.

- PostgreSQL: session-level advisory locks, held on a dedicated connection in autocommit mode
  (no transaction stays open). The server drops them when that connection closes, which the
  kernel does for a process killed with SIGKILL. Keys are per schema, so databases that keep
  several spacewatch schemas do not share locks.
- SQLite: flock(2) on one file per lock in a folder next to the database file
  (`spacewatch.db.locks/`). flock locks belong to the open file, so they are released when the
  holder's descriptors close, including on SIGKILL. The files stay; only the locks come and go.
- Any other backend: the same file locks in a folder under the temporary directory, keyed by
  the database URL, which is correct only for processes on one machine.

Lock names used by the project: `SERVICE` and `source_lock(name)`.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from sqlalchemy import Connection, Engine, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from storage.models import CrawlRun

SERVICE = "service"
POLL_SECONDS = 0.2


def source_lock(name: str) -> str:
    """The lock a crawl of source `name` holds."""
    return f"source:{name}"


class Locks:
    """A set of named locks held by this process; `close()` (or leaving `with`) releases all."""

    def try_acquire(self, name: str) -> bool:
        raise NotImplementedError

    def release(self, name: str) -> None:
        raise NotImplementedError

    def held_elsewhere(self, name: str) -> bool:
        """Whether another holder has `name` now (checked without taking it, where possible)."""
        raise NotImplementedError

    def holder(self, name: str) -> str | None:
        """Who holds `name`, as far as the backend can tell ('pid 123 on host'), or None."""
        return None

    def alive(self) -> bool:
        """False when the locks were lost (e.g. the PostgreSQL connection broke)."""
        return True

    def close(self) -> None:
        raise NotImplementedError

    def acquire(self, name: str, *, timeout: float | None = None) -> bool:
        """Take `name`, waiting for it up to `timeout` seconds (None: for as long as it takes)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.try_acquire(name):
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(POLL_SECONDS)  # neither flock nor advisory locks offer a wait with a timeout
        return True

    def take(self, names: Iterable[str], *, wait: bool) -> list[str]:
        """Take every lock of `names` it can; returns those that are busy (none when `wait`).

        With `wait`, the locks are taken in sorted order so two waiting crawls cannot deadlock.
        """
        busy = []
        for name in sorted(set(names)):
            if wait:
                self.acquire(name)
            elif not self.try_acquire(name):
                busy.append(name)
        return busy

    def __enter__(self) -> "Locks":
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def open_locks(url: str) -> Locks:
    """The locks of the database at `url` (nothing is taken yet)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        from storage.db import make_engine

        return AdvisoryLocks(make_engine(url))
    if backend == "sqlite":
        if not parsed.database or parsed.database == ":memory:" or parsed.database.startswith("file::memory:"):
            return FileLocks(_temp_folder(url + f"#{os.getpid()}"))  # a private database: private locks
        # the real path: a symlink (or another spelling of the path) names the same database
        database = Path(parsed.database).expanduser().resolve()
        return FileLocks(database.with_name(database.name + ".locks"))
    return FileLocks(_temp_folder(url))


def _temp_folder(url: str) -> Path:
    digest = hashlib.blake2b(url.encode("utf-8"), digest_size=8).hexdigest()
    return Path(tempfile.gettempdir()) / f"spacewatch-locks-{digest}"


def _advisory_key(text: str) -> int:
    """A PostgreSQL advisory lock key (a signed 64-bit integer) for `text`."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def _whoami() -> str:
    return f"pid {os.getpid()} on {socket.gethostname()}"


class FileLocks(Locks):
    """flock(2) on `folder/<name>.lock`; each lock is one open file of this process."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._held: dict[str, int] = {}
        self._mutex = threading.Lock()

    def path(self, name: str) -> Path:
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)[:80]
        digest = hashlib.blake2b(name.encode("utf-8"), digest_size=4).hexdigest()
        return self.folder / f"{safe}-{digest}.lock"

    def _open(self, name: str) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        # O_CLOEXEC: a child process must not inherit (and so keep holding) the lock
        return os.open(self.path(name), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)

    def try_acquire(self, name: str) -> bool:
        with self._mutex:
            if name in self._held:
                return True
            fd = self._open(name)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            os.ftruncate(fd, 0)
            os.pwrite(fd, _whoami().encode("utf-8"), 0)
            self._held[name] = fd
            return True

    def release(self, name: str) -> None:
        with self._mutex:
            fd = self._held.pop(name, None)
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)

    def held_elsewhere(self, name: str) -> bool:
        with self._mutex:
            if name in self._held:
                return False
            if not self.path(name).exists():
                return False
            fd = self._open(name)
            try:
                # a shared lock tests for an exclusive holder; held for microseconds only
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            finally:
                os.close(fd)
            return False

    def holder(self, name: str) -> str | None:
        if not self.held_elsewhere(name):
            return None
        try:
            return self.path(name).read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def close(self) -> None:
        for name in list(self._held):
            self.release(name)


class AdvisoryLocks(Locks):
    """pg_try_advisory_lock on one dedicated autocommit connection of `engine`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None
        self._schema = ""
        self._held: set[str] = set()
        self._mutex = threading.Lock()

    def _connection(self) -> Connection:
        if self._conn is None:
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(text("SELECT set_config('application_name', :name, false)"),
                         {"name": f"spacewatch {_whoami()}"[:63]})
            self._schema = conn.execute(text("SELECT current_schema()")).scalar() or ""
            self._conn = conn
        return self._conn

    def key(self, name: str) -> int:
        self._connection()
        return _advisory_key(f"spacewatch:{self._schema}:{name}")

    def try_acquire(self, name: str) -> bool:
        with self._mutex:
            if name in self._held:
                return True
            conn = self._connection()
            taken = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key(name)}).scalar()
            if taken:
                self._held.add(name)
            return bool(taken)

    def release(self, name: str) -> None:
        with self._mutex:
            if name in self._held:
                self._held.discard(name)
                self._connection().execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key(name)})

    def _holder_row(self, name: str) -> tuple[int, str] | None:
        key = self.key(name) & 0xFFFFFFFFFFFFFFFF
        row = self._connection().execute(text(
            "SELECT l.pid, coalesce(a.application_name, '') FROM pg_locks l "
            "LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND l.classid::bigint = :hi AND l.objid::bigint = :lo AND l.pid <> pg_backend_pid()"),
            {"hi": key >> 32, "lo": key & 0xFFFFFFFF}).first()
        return (row[0], row[1]) if row else None

    def held_elsewhere(self, name: str) -> bool:
        with self._mutex:
            return name not in self._held and self._holder_row(name) is not None

    def holder(self, name: str) -> str | None:
        with self._mutex:
            row = None if name in self._held else self._holder_row(name)
        if row is None:
            return None
        pid, app = row
        return app.removeprefix("spacewatch ") if app.startswith("spacewatch ") else f"server process {pid}"

    def alive(self) -> bool:
        with self._mutex:
            if self._conn is None:
                return True
            try:
                self._conn.execute(text("SELECT 1"))
                return True
            except Exception:  # any driver error means the session, and so its locks, are gone
                return False

    def close(self) -> None:
        with self._mutex:
            self._held.clear()
            if self._conn is not None:
                try:
                    self._conn.invalidate()  # really close it: a pooled connection would keep the locks
                    self._conn.close()
                finally:
                    self._conn = None
            self.engine.dispose()


def transaction_lock(session: Session, name: str) -> None:
    """Hold the lock `name` until the session's transaction ends: one writer at a time.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: a write that matches no row takes
    the database's single write lock (waiting for it under the busy timeout).
    """
    if session.get_bind().dialect.name == "postgresql":
        key = _advisory_key(name)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    else:
        session.execute(update(CrawlRun).where(CrawlRun.id == -1).values(status=CrawlRun.status))
