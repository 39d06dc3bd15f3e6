"""Extraction quality on real pages (a sample of the Article Extraction Benchmark) and the scoring rule."""
from __future__ import annotations

import importlib.util

import pytest

from benchmarks.extraction_quality import DEFAULT_DATA, load_pages, run
from benchmarks.f1 import Score, corpus_score, page_score, shingle_counts, token_f1
from tests.shared_data import EXTRACTION_F1

SHARED_TOOL = EXTRACTION_F1


def test_identical_and_disjoint_texts():
    text = "The crew shot twelve days of footage aboard the station."
    assert token_f1(text, text) == 1.0
    assert token_f1(text, "Completely different words appear in this other sentence here.") == 0.0
    assert page_score("", "") == Score(1.0, 1.0)
    assert page_score(text, "") == Score(0.0, 0.0)


def test_precision_and_recall_of_one_page():
    truth = "one two three four five six"           # shingles: 1234 2345 3456
    predicted = "one two three four five six seven"  # adds 4567
    score = page_score(truth, predicted)
    assert score.recall == 1.0
    assert score.precision == pytest.approx(3 / 4)


def test_short_texts_are_one_shingle_and_repeats_count():
    assert shingle_counts("a b") == {("a", "b"): 1}
    assert shingle_counts("a b c d a b c d")[("a", "b", "c", "d")] == 2


def test_corpus_f1_is_the_harmonic_mean_of_mean_precision_and_mean_recall():
    pages = [("one two three four five", "one two three four five six seven eight"),   # P 2/5, R 1
             ("one two three four five", "one two three four")]                          # P 1, R 1/2
    score = corpus_score(pages)
    assert score.precision == pytest.approx((2 / 5 + 1) / 2)
    assert score.recall == pytest.approx((1 + 1 / 2) / 2)
    assert score.f1 == pytest.approx(2 * score.precision * score.recall / (score.precision + score.recall))
    assert score.f1 != pytest.approx(sum(token_f1(t, p) for t, p in pages) / 2)


@pytest.mark.skipif(not SHARED_TOOL.is_file(), reason="the shared scoring tool is not on this machine")
def test_agrees_with_the_shared_scoring_tool():
    spec = importlib.util.spec_from_file_location("shared_extraction_f1", SHARED_TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    pairs = [("The launch slipped to May, the studio said on Monday.", "The launch slipped to May."),
             ("a b c", "a b c d e f g"), ("", "words only in the prediction here"),
             ("Ten words of truth that the extractor found only half of", "Ten words of truth that")]
    for truth, predicted in pairs:
        expected = tool.page_scores(truth, predicted)
        got = page_score(truth, predicted)
        assert (got.precision, got.recall) == pytest.approx(expected)


@pytest.mark.skipif(not (DEFAULT_DATA / "ground-truth.json").is_file(), reason="benchmark data not on this machine")
def test_real_pages_sample():
    """30 real pages spread over the benchmark: the whole set scores 0.962 (trafilatura alone 0.958)."""
    report = run(load_pages(DEFAULT_DATA, sample=30))
    print(f"\nsample of {report.pages}: f1 {report.score.f1:.4f} precision {report.score.precision:.4f} "
          f"recall {report.score.recall:.4f}, {report.extract_ms:.1f} ms/page")
    assert report.pages == 30
    assert report.score.f1 >= 0.93
