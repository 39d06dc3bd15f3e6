"""Detail extraction on the space-race scenario: every relevant article's page, as the crawler
would extract it, scored per attribute against the scenario's ground truth."""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from urllib.parse import unquote, urlsplit

import pytest

from analysis.rules import WatchSpec
from analysis.details import extract_details
from analysis.extract import extract_page
from tests.shared_data import SPACE_RACE

SCENARIO = SPACE_RACE
ATTRIBUTES = ("launch_date", "launch_site", "spacecraft", "cast", "director", "title", "release_date")


@dataclass
class Item:
    url: str
    phase: int
    title: str
    text: str
    published_at: datetime | None
    relevant: bool
    duplicate_of: str | None
    facts: set[tuple[str, str, str]] = field(default_factory=set)
    is_reference: bool = False
    source: str = ""


def _decode(raw: bytes) -> str:
    match = re.search(rb'charset=["\']?([A-Za-z0-9_-]+)', raw[:2048])
    return raw.decode(match.group(1).decode() if match else "utf-8", errors="replace")


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    when = datetime.fromisoformat(value)
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


@lru_cache(maxsize=1)
def scenario() -> dict:
    if not (SCENARIO / "scenario.json").exists() or not (SCENARIO / "phases").is_dir():
        pytest.skip(f"{SCENARIO}: the rendered scenario corpus is not here")
    return json.loads((SCENARIO / "scenario.json").read_text(encoding="utf-8"))


def watches() -> tuple[WatchSpec, ...]:
    return tuple(WatchSpec(w["name"], w.get("label", ""), tuple(w.get("aliases", ()))) for w in scenario()["watch"])


def _facts(entries: list[dict]) -> set[tuple[str, str, str]]:
    return {(f["subject"], f["attribute"], f["value"]) for f in entries}


@lru_cache(maxsize=1)
def items() -> tuple[Item, ...]:
    """The reference items, then every phase's fetchable articles, extracted from their pages."""
    data = scenario()
    out = []
    for ref in data.get("reference", []):
        text = (SCENARIO / ref["file"]).read_text(encoding="utf-8")
        out.append(Item(ref["url"], 0, ref.get("title", ""), text.strip(), _when(ref.get("published")), True, None,
                        _facts(ref.get("facts", [])), is_reference=True, source="reference"))
    for number, phase in enumerate(data["phases"], 1):
        for article in phase["articles"]:
            path = unquote(urlsplit(article["url"]).path)
            file = SCENARIO / phase["dir"] / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
            if not file.exists():
                continue
            page = extract_page(_decode(file.read_bytes()), article["url"])
            published = page.published_at or _when(article.get("published"))
            out.append(Item(article["url"], number, page.title, page.text, published, bool(article["relevant"]),
                            article.get("duplicate_of"), _facts(article.get("facts", [])),
                            source=path.strip("/").split("/")[0]))
    return tuple(out)


def score() -> tuple[dict[str, Counter], list[str]]:
    counts: dict[str, Counter] = {a: Counter() for a in ATTRIBUTES}
    errors = []
    for item in items():
        if not item.relevant:
            continue
        got = {(d.subject, d.attribute, d.value) for d in extract_details(item.title, item.text, item.published_at, watches())
               if not d.removed}
        for fact in got | item.facts:
            key = "tp" if fact in got and fact in item.facts else "fp" if fact in got else "fn"
            counts[fact[1]][key] += 1
            if key != "tp":
                errors.append(f"{key} {fact} {item.url}")
    return counts, errors


def test_scenario_extraction_precision_and_recall_per_attribute():
    counts, errors = score()
    for attribute, c in counts.items():
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        assert precision >= 0.95, (attribute, precision, errors)
        assert recall >= 0.85, (attribute, recall, errors)
    total = sum(counts.values(), Counter())
    assert total["tp"] / (total["tp"] + total["fp"]) >= 0.97, errors
    assert total["tp"] / (total["tp"] + total["fn"]) >= 0.95, errors


def test_scenario_values_that_make_changes_are_extracted():
    """Every value that the scenario expects as a change is read from the article reporting it."""
    by_url = {item.url: item for item in items()}
    for phase in scenario()["phases"]:
        for change in phase["expect"]["changes"]:
            item = by_url[change["article_url"]]
            got = {(d.subject, d.attribute, d.value)
                   for d in extract_details(item.title, item.text, item.published_at, watches())}
            assert (change["subject"], change["attribute"], change["new"]) in got, (change, item.text[:300])
