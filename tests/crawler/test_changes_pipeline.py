"""A production's life in ten articles, from text to changes: extraction, storage through the
ingest path, and the change rule together (SQLite and PostgreSQL)."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from sqlalchemy import select, update

from analysis.document import Document
from crawler.ingest import Ingestor
from analysis.rules import WatchSpec
from crawler.changes import detect_changes
from analysis.shingles import signature
from analysis.details import extract_details
from storage.models import Article, Change, Fact

WATCHES = (WatchSpec("starfall", "Starfall (orbital thriller)", ("Starfall", "Ana Souza", "Pavel Orlov")),)

# (key, published, source, text, copy of, expected changes (attribute, old, new))
STORY = [
    ("ref", "2024-01-10", "reference",
     "Actress Ana Souza and director Pavel Orlov will fly to the International Space Station on October 5, 2024 "
     "aboard a Soyuz spacecraft from Baikonur. The film is called Starfall.", None, []),
    ("slip", "2024-02-01", "one",
     "Starfall's launch has slipped to October 19, 2024, the agency said. Ana Souza will now fly aboard Soyuz MS-26 "
     "with a professional commander.", None,
     [("launch_date", "2024-10-05", "2024-10-19"), ("spacecraft", "Soyuz", "Soyuz MS-26")]),
    ("confirm", "2024-02-03", "two",
     "Ana Souza will lift off on 19 October aboard Soyuz MS-26, the agency confirmed on Friday.", None, []),
    ("late-old", "2024-01-20", "two",
     "The Starfall crew will launch on October 5, 2024 from Baikonur, the studio said.", None, []),
    ("joins", "2024-02-10", "one",
     "Rafael Mendes has joined the cast of Starfall as the flight engineer. His understudy, Ilya Frolov, will train "
     "with him in Star City.", None, [("cast", None, "Rafael Mendes")]),
    ("recast", "2024-03-01", "three",
     "Rafael Mendes withdrew from Starfall last week; Diego Alves takes the role, producer Hana Berg said.", None,
     [("cast", "Rafael Mendes", None), ("cast", None, "Diego Alves")]),
    ("copy", "2024-03-05", "four",
     "Starfall's launch slipped to October 19, 2024, the agency said. Ana Souza will fly aboard Soyuz MS-26.",
     "slip", []),
    ("anniversary", "2025-10-19", "one",
     "A year ago, in October 2024, Ana Souza lifted off from Baikonur for the Starfall shoot.", None, []),
    ("release", "2025-11-01", "two", "Starfall will reach cinemas on April 12, 2026.", None,
     [("release_date", None, "2026-04-12")]),
    ("moved", "2025-12-01", "three",
     "Starfall's release has been moved from April 12 to April 20, 2026, its distributor said.", None,
     [("release_date", "2026-04-12", "2026-04-20")]),
]


def _when(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=timezone.utc)


def test_a_productions_life_gives_exactly_the_expected_changes(factory):
    ingestor = Ingestor(factory)
    ids: dict[str, int] = {}
    for key, day, source, text, copy_of, expected in STORY:
        details = extract_details("", text, _when(day), WATCHES)
        doc = Document(url=f"http://127.0.0.1/{source}/{key}", canonical_url=f"http://127.0.0.1/{source}/{key}",
                       source=source, title="", text=text, text_hash=hashlib.sha256(text.encode()).hexdigest(),
                       published_at=_when(day), is_reference=source == "reference", relevant=True,
                       signature=signature(text), details=details)
        ids[key] = ingestor.ingest(doc).article_id
        with factory() as session:
            session.execute(update(Article).where(Article.id == ids[key])
                            .values(duplicate_of_id=ids[copy_of] if copy_of else None))
            session.commit()
        created = detect_changes(factory, [ids[key]])
        with factory() as session:
            got = [(c.attribute, c.old, c.new) for c in
                   session.scalars(select(Change).where(Change.id.in_(created)).order_by(Change.id))]
        assert got == expected, (key, details)
    with factory() as session:
        facts = {(f.attribute, f.value) for f in session.scalars(select(Fact))}
        corroborated = {c.new: c.corroborated_by_id for c in session.scalars(select(Change))}
    assert facts == {("cast", "Ana Souza"), ("cast", "Diego Alves"), ("director", "Pavel Orlov"),
                     ("launch_date", "2024-10-19"), ("launch_site", "Baikonur Cosmodrome"),
                     ("spacecraft", "Soyuz MS-26"), ("title", "Starfall"), ("release_date", "2026-04-20")}
    assert corroborated["2024-10-19"] == ids["confirm"] and corroborated["Soyuz MS-26"] == ids["confirm"]
    assert corroborated["Diego Alves"] is None
