"""Article-body token F1, by the rule of the Article Extraction Benchmark.

Both texts become word tokens (`\\w+`) and then counted word 4-gram shingles. Per page, true
positives, false positives and false negatives are normalised by their sum; precision and recall
are the means over pages and F1 is the harmonic mean of those two means (not a mean of F1s).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
_SHINGLE = 4


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def shingle_counts(text: str, size: int = _SHINGLE) -> Counter[tuple[str, ...]]:
    """Counted word n-grams; a text shorter than `size` words is one shorter shingle."""
    words = _WORD.findall(text or "")
    if len(words) <= size:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i:i + size]) for i in range(len(words) - size + 1))


def page_score(truth: str, predicted: str) -> Score:
    """Precision and recall of one page's extracted text against its ground truth."""
    expected, found = shingle_counts(truth), shingle_counts(predicted)
    hits = sum((expected & found).values())
    extra = sum((found - expected).values())
    missed = sum((expected - found).values())
    if hits + extra + missed == 0:
        return Score(1.0, 1.0)
    # Normalising by the sum first is the benchmark's rule; it cancels out in each ratio
    # but is kept so the figures match the published ones digit for digit.
    total = hits + extra + missed
    tp, fp, fn = hits / total, extra / total, missed / total
    return Score(tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0)


def corpus_score(pages: Iterable[tuple[str, str]]) -> Score:
    """Mean precision and mean recall over (truth, predicted) pairs; `.f1` combines the means."""
    scores = [page_score(truth, predicted) for truth, predicted in pages]
    if not scores:
        raise ValueError("no pages to score")
    return Score(sum(s.precision for s in scores) / len(scores), sum(s.recall for s in scores) / len(scores))


def token_f1(truth: str, predicted: str) -> float:
    """F1 of one page (for a corpus, use `corpus_score(...).f1`, which averages P and R first)."""
    return page_score(truth, predicted).f1
