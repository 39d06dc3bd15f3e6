"""Change detection over the space-race scenario's phases: articles stored through the real
ingest path (duplicates marked as the scenario says), then `detect_changes`, compared with each
phase's expected changes and with the facts the scenario implies (scenario_check's own Truth)."""
from __future__ import annotations

import hashlib
import importlib.util
import sys
from collections import Counter

import pytest
from sqlalchemy import select, update

from analysis.document import Document
from crawler.ingest import Ingestor
from crawler.changes import detect_changes
from analysis.shingles import signature
from analysis.details import extract_details
from storage.models import Article, Change, Fact
from tests.analysis.test_details_scenario import SCENARIO, items, scenario, watches
from tests.shared_data import SCENARIO_CHECK

CHECKER = SCENARIO_CHECK


def _truth():
    if not CHECKER.exists():
        pytest.skip(f"{CHECKER} is not here")
    spec = importlib.util.spec_from_file_location("scenario_check", CHECKER)
    module = sys.modules.get("scenario_check") or importlib.util.module_from_spec(spec)
    if "scenario_check" not in sys.modules:
        sys.modules["scenario_check"] = module  # dataclasses look their module up while it loads
        spec.loader.exec_module(module)
    return module, module.Truth(scenario(), str(SCENARIO))


def _document(item) -> Document:
    details = extract_details(item.title, item.text, item.published_at, watches()) if item.relevant else []
    return Document(url=item.url, canonical_url=item.url, source=item.source, title=item.title, text=item.text,
                    text_hash=hashlib.sha256(item.text.encode()).hexdigest(), published_at=item.published_at,
                    is_reference=item.is_reference, relevant=item.relevant, signature=signature(item.text),
                    details=details)


def _store(factory, ingestor: Ingestor, item, ids: dict[str, int]) -> int | None:
    stored = ingestor.ingest(_document(item))
    if stored.article_id is None:
        return None
    ids[item.url] = stored.article_id
    original = ids.get(item.duplicate_of) if item.duplicate_of else None
    with factory() as session:  # the scenario's truth, whatever dedup decided
        session.execute(update(Article).where(Article.id == stored.article_id)
                        .values(duplicate_of_id=original, relevant=item.relevant))
        session.commit()
    return stored.article_id


def test_changes_and_facts_follow_the_scenario_phase_by_phase(factory):
    module, truth = _truth()
    ingestor = Ingestor(factory)
    ids: dict[str, int] = {}
    by_phase: dict[int, list] = {}
    for item in items():
        by_phase.setdefault(item.phase, []).append(item)
    reference_ids = [i for i in (_store(factory, ingestor, item, ids) for item in by_phase.get(0, [])) if i]
    assert detect_changes(factory, reference_ids) == []  # a reference item reports no change
    for number, phase in enumerate(scenario()["phases"], 1):
        stored = [i for i in (_store(factory, ingestor, item, ids) for item in by_phase.get(number, [])) if i]
        created = detect_changes(factory, stored)
        with factory() as session:
            changes = session.scalars(select(Change).where(Change.id.in_(created))).all()
            got = Counter((c.subject, c.attribute, (c.new or "").casefold()) for c in changes if c.new)
            facts = session.scalars(select(Fact)).all()
        want = Counter((c["subject"], c["attribute"], c["new"].casefold()) for c in phase["expect"]["changes"])
        assert got == want, f"phase {number}"
        have: dict[tuple, set[str]] = {}
        for fact in facts:
            have.setdefault((fact.subject, fact.attribute), set()).add(module.norm_value(fact.value))
        expected = truth.current_facts(number)
        assert have == expected, f"phase {number}"


def test_running_again_over_the_same_articles_changes_nothing(factory):
    ingestor = Ingestor(factory)
    ids: dict[str, int] = {}
    stored = [i for i in (_store(factory, ingestor, item, ids) for item in items() if item.phase <= 2) if i]
    first = detect_changes(factory, stored)
    assert first
    assert detect_changes(factory, stored) == []
