"""Migration 0007: signatures stored before it gain their lede's event day; a downgrade strips it."""
from __future__ import annotations

from datetime import timedelta

from alembic import command
from sqlalchemy import select

from analysis.shingles import Signature
from crawler.ingest import Ingestor
from storage.db import alembic_config
from storage.models import Article
from tests.crawler.test_dedup import T0, make_doc
from tests.crawler.test_stories import LAUNCH2_FEATURE, LAUNCH2_WIRE, SCRUB_WIRE


def _events(factory) -> dict[int, str]:
    with factory() as session:
        return {row.id: Signature.from_bytes(row.signature).event
                for row in session.execute(select(Article.id, Article.signature))}


def test_the_migration_backfills_the_event_day_ingest_writes(factory):
    ingestor = Ingestor(factory)
    for n, text in enumerate((SCRUB_WIRE, LAUNCH2_WIRE, LAUNCH2_FEATURE)):
        ingestor.ingest(make_doc(f"https://lanthorn.example/{n}", f"Saltglass {n}", text,
                                 published=T0 + timedelta(days=n)))
    written = _events(factory)
    assert all(written.values()) and len(written) == 3
    with factory() as session:
        engine = session.get_bind()
    config = alembic_config(engine)
    command.downgrade(config, "0006")
    assert set(_events(factory).values()) == {""}  # as the code before reads them
    command.upgrade(config, "head")
    assert _events(factory) == written
