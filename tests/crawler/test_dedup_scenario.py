"""Deduplication and stories on the space-race scenario, without the crawler: its rendered pages
extracted with `extract_page`, fed to the index in phase and publication order, scored like
scenario_check.py (duplicate precision/recall, story pairwise F1)."""
from __future__ import annotations

import hashlib
import itertools
import json
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from analysis.document import Document
from analysis.shingles import signature
from analysis.urls import canonical_url
from tests.crawler.test_dedup import Store
from tests.shared_data import SPACE_RACE

SCENARIO = SPACE_RACE
pytestmark = pytest.mark.skipif(not (SCENARIO / "phases").is_dir(), reason=f"no rendered scenario at {SCENARIO}")


def folded_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.casefold().split()).encode("utf-8")).hexdigest()


def page_file(url: str, phase_dir: Path) -> Path:
    path = urlsplit(url).path
    file = phase_dir / path.lstrip("/")
    return file / "index.html" if path.endswith("/") else file


def scenario_documents():
    """(truth, Document) in the order a crawl would store them: reference, then phase by phase."""
    from analysis.extract import extract_page

    scenario = json.loads((SCENARIO / "scenario.json").read_text("utf-8"))
    for ref in scenario["reference"]:
        text = (SCENARIO / ref["file"]).read_text("utf-8").strip()
        published = datetime.combine(date.fromisoformat(ref["published"]), datetime.min.time(), timezone.utc)
        yield ref | {"duplicate_of": None}, Document(
            url=ref["url"], canonical_url=canonical_url(ref["url"], None), source="reference", title=ref["title"],
            text=text, text_hash=folded_hash(text), published_at=published, is_reference=True, relevant=True,
            signature=signature(text))
    for phase in scenario["phases"]:
        batch = []
        for truth in phase["articles"]:
            file = page_file(truth["url"], SCENARIO / phase["dir"])
            if not file.exists():
                continue
            page = extract_page(file.read_bytes().decode("utf-8", errors="replace"), truth["url"])
            batch.append((truth, Document(
                url=truth["url"], canonical_url=canonical_url(truth["url"], page.canonical_url), source="scenario",
                title=page.title, text=page.text, text_hash=folded_hash(page.text), published_at=page.published_at,
                relevant=truth["relevant"], signature=signature(page.text))))
        batch.sort(key=lambda pair: pair[1].published_at or datetime.max.replace(tzinfo=timezone.utc))
        yield from batch


def test_scenario_duplicates_and_stories():
    pytest.importorskip("analysis.extract")
    store, truth_of, url_of, story_of, link = Store(), {}, {}, {}, {}
    for truth, doc in scenario_documents():
        article_id, verdict, story = store.put(doc)
        truth_of[doc.url], url_of[article_id], story_of[doc.url] = truth, doc.url, story
        link[doc.url] = url_of.get(verdict.duplicate_of_id)
    group = {url: truth.get("duplicate_of") or url for url, truth in truth_of.items()}
    linked = [(url, target) for url, target in link.items() if target]
    right = [pair for pair in linked if group[pair[0]] == group[pair[1]]]
    expected = [url for url, truth in truth_of.items() if truth.get("duplicate_of")]
    found = [url for url in expected if link[url] and group[link[url]] == group[url]]
    assert len(expected) >= 6
    assert len(right) / max(1, len(linked)) >= 0.9, sorted(set(linked) - set(right))
    assert len(found) / len(expected) >= 0.9, sorted(set(expected) - set(found))

    relevant = [url for url, truth in truth_of.items() if truth.get("story")]
    both = true_pairs = mine = 0
    for a, b in itertools.combinations(relevant, 2):
        same_truth = truth_of[a]["story"] == truth_of[b]["story"]
        same_mine = story_of[a] is not None and story_of[a] == story_of[b]
        true_pairs += same_truth
        mine += same_mine
        both += same_truth and same_mine
    precision, recall = both / max(1, mine), both / max(1, true_pairs)
    assert 2 * precision * recall / max(1e-9, precision + recall) >= 0.9, (precision, recall)
