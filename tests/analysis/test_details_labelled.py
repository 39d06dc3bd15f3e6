"""The hand-labelled sentences (tests/data/details_labelled.jsonl): extraction stays precise."""
from __future__ import annotations

from benchmarks.details_quality import ATTRIBUTES, evaluate, load


def test_the_labelled_set_is_large_and_well_formed():
    watches, examples = load()
    assert len(examples) >= 150
    names = {w.name for w in watches}
    for example in examples:
        for expected in example["expect"]:
            assert expected[0] in names and expected[1] in ATTRIBUTES, expected


def test_precision_and_recall_on_the_labelled_set():
    report = evaluate()
    overall = report["attributes"]["all"]
    assert overall["precision"] >= 0.95, report["errors"]
    assert overall["recall"] >= 0.9, report["errors"]
    for attribute in ATTRIBUTES:
        assert report["attributes"][attribute]["precision"] >= 0.9, (attribute, report["errors"])
    assert report["is_past_agreement"] >= 0.95
