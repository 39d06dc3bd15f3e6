"""Storing in a process of its own: deduplication and the database writes (~3-5 ms of CPU an
article) would otherwise share the crawl process's interpreter lock with Scrapy's reactor, and
the reactor would wait for them. One process stores, so one dedup index (`Ingestor`) sees every
article in order."""
from __future__ import annotations

import multiprocessing
import os
import time
from multiprocessing.connection import Connection

from analysis.document import Document
from crawler.children import child_setup
from crawler.ingest import Ingestor, Stored
from storage.db import make_engine, session_factory

STOP_SECONDS = 30.0  # how long `close` waits for the batch in hand to be committed


class StoringFailed(Exception):
    """A batch was not stored (its transaction rolled back): the database refused it, or the
    storing process ended."""


class StoringProcess:
    """An `Ingestor` on the database at `db_url`, in a child process forked now (the caller
    must have no threads yet). `ingest_many` blocks until the batch is committed or failed: call
    it from one thread at a time."""

    def __init__(self, db_url: str) -> None:
        context = multiprocessing.get_context("fork")
        self._conn, theirs = context.Pipe()
        self._process = context.Process(target=_serve, args=(db_url, theirs), name="spacewatch-store")
        self._process.start()
        theirs.close()

    def ingest_many(self, docs: list[Document]) -> tuple[list[Stored], float]:
        """`Ingestor.ingest_many` there; with the CPU seconds it took."""
        try:
            self._conn.send(docs)
            outcome, payload, cpu = self._conn.recv()
        except (EOFError, OSError) as exc:
            raise StoringFailed(f"the storing process ended (exit code {self._process.exitcode})") from exc
        if outcome == "error":
            raise StoringFailed(payload)
        return payload, cpu

    def close(self) -> None:
        """Let the process finish the batch in hand, and end."""
        try:
            self._conn.send(None)
        except OSError:
            pass  # it has ended already
        self._process.join(STOP_SECONDS)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._conn.close()


def _serve(db_url: str, conn: Connection) -> None:
    child_setup()
    engine = make_engine(db_url)
    ingestor = Ingestor(session_factory(engine))
    try:
        while (docs := _receive(conn)) is not None:
            started = time.process_time()
            try:
                results = ingestor.ingest_many(docs)
            except Exception as exc:  # a bad batch fails alone (the crawl retries it one by one)
                conn.send(("error", f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", 0.0))
            else:
                conn.send(("ok", results, time.process_time() - started))
    finally:
        engine.dispose()
        conn.close()
        os._exit(0)  # the crawl process's state was inherited: none of it is ours to tear down


def _receive(conn: Connection) -> list[Document] | None:
    try:
        return conn.recv()
    except EOFError:  # the crawl process has gone
        return None

