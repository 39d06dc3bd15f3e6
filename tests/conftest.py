"""Shared fixtures: databases (SQLite always, PostgreSQL when SPACEWATCH_TEST_POSTGRES_URL names
one), a loopback HTTP site and a real SMTP server (aiosmtpd) on 127.0.0.1."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from storage.db import open_database
from tests.loopback import LoopbackSite, MailSink, free_port

POSTGRES_ENV = "SPACEWATCH_TEST_POSTGRES_URL"


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'spacewatch.db'}"


@contextmanager
def fresh_postgres_schema(base: str) -> Iterator[str]:
    """A URL whose connections use a new schema of the PostgreSQL database `base` (dropped after)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def require_postgres_url() -> str:
    base = postgres_url()
    if not base:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    return base


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    with fresh_postgres_schema(require_postgres_url()) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request) -> str:
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_schema_url")


@pytest.fixture
def factory(db_url) -> Iterator[sessionmaker[Session]]:
    engine, sessions = open_database(db_url)
    try:
        yield sessions
    finally:
        engine.dispose()


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    server = LoopbackSite().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp() -> Iterator[tuple[MailSink, int]]:
    """A real SMTP server on 127.0.0.1: (sink with the received messages, port)."""
    from aiosmtpd.controller import Controller

    sink = MailSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, enable_SMTPUTF8=True)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


REQUIRE_POSTGRES_ENV = "SPACEWATCH_REQUIRE_POSTGRES"


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI, PostgreSQL must be reachable: say so at once rather than skipping every test."""
    if os.environ.get(REQUIRE_POSTGRES_ENV) != "1":
        return
    url = postgres_url()
    if not url:
        pytest.exit(f"{REQUIRE_POSTGRES_ENV}=1 but {POSTGRES_ENV} is not set", returncode=3)
    try:
        engine = create_engine(url)
        with engine.connect():
            pass
        engine.dispose()
    except Exception as exc:  # any driver error means the same: the server is not usable
        pytest.exit(f"{POSTGRES_ENV}: cannot connect: {exc}", returncode=3)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow end-to-end tests first (a stable sort): spread over pytest-xdist's workers from
    the start, they do not leave one worker running them alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


_postgres_passed = 0


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    global _postgres_passed
    if report.when == "call" and report.passed and "postgres" in report.keywords:
        _postgres_passed += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail a run that was required to test PostgreSQL but passed no PostgreSQL test."""
    if hasattr(session.config, "workerinput"):  # a pytest-xdist worker: its controller sees every report
        return
    if os.environ.get(REQUIRE_POSTGRES_ENV) == "1" and exitstatus == 0 and _postgres_passed == 0:
        session.exitstatus = 1
        print(f"\nerror: {REQUIRE_POSTGRES_ENV}=1 but no PostgreSQL test passed", flush=True)
