#!/usr/bin/env python3
"""Extraction quality and speed on real pages: the Article Extraction Benchmark (181 pages).

Runs `analysis.extract.extract_page` on every page and scores the text against the
benchmark's ground truth with its own rule (`benchmarks.f1`): mean token F1 (target >= 0.95;
trafilatura alone scores 0.958), precision, recall, and milliseconds a page. It also times the
relevance judge on the extracted texts.

usage: python benchmarks/extraction_quality.py [--data DIR] [--sample N] [--predictions OUT.json]
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.f1 import Score, corpus_score, page_score  # noqa: E402
from analysis.rules import TopicRules  # noqa: E402
from analysis.extract import extract_page  # noqa: E402
from analysis.relevance import judge  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/realworld/article-extraction-benchmark"


@dataclass(frozen=True)
class Page:
    id: str
    url: str
    html: str
    truth: str


@dataclass(frozen=True)
class Report:
    score: Score
    pages: int
    extract_ms: float
    extract_cpu_ms: float
    judge_ms: float
    judge_cpu_ms: float
    predictions: dict[str, str]
    worst: list[tuple[str, Score]]


def load_pages(data: Path, sample: int = 0) -> list[Page]:
    """The benchmark's pages (every n-th one when `sample` asks for fewer), in id order."""
    truth = json.loads((data / "ground-truth.json").read_text("utf-8"))
    ids = sorted(truth)
    if sample and sample < len(ids):
        step = len(ids) / sample
        ids = [ids[int(i * step)] for i in range(sample)]
    pages = []
    for page_id in ids:
        raw = gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes())
        item = truth[page_id]
        pages.append(Page(page_id, item.get("url") or f"http://127.0.0.1/{page_id}.html",
                          raw.decode("utf-8", errors="replace"), item.get("articleBody") or ""))
    return pages


def run(pages: list[Page]) -> Report:
    predictions: dict[str, str] = {}
    wall = {"extract": 0.0, "judge": 0.0}
    cpu = {"extract": 0.0, "judge": 0.0}
    topic = TopicRules()
    for page in pages:
        started, started_cpu = time.perf_counter(), time.process_time()
        extracted = extract_page(page.html, page.url)
        wall["extract"] += time.perf_counter() - started
        cpu["extract"] += time.process_time() - started_cpu
        started, started_cpu = time.perf_counter(), time.process_time()
        judge(extracted.title, extracted.text, topic, ())
        wall["judge"] += time.perf_counter() - started
        cpu["judge"] += time.process_time() - started_cpu
        predictions[page.id] = extracted.text
    scores = [(page.id, page_score(page.truth, predictions[page.id])) for page in pages]
    return Report(score=corpus_score((page.truth, predictions[page.id]) for page in pages), pages=len(pages),
                  extract_ms=1000 * wall["extract"] / len(pages), extract_cpu_ms=1000 * cpu["extract"] / len(pages),
                  judge_ms=1000 * wall["judge"] / len(pages), judge_cpu_ms=1000 * cpu["judge"] / len(pages),
                  predictions=predictions, worst=sorted(scores, key=lambda item: item[1].f1)[:10])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark directory (html/, ground-truth.json)")
    parser.add_argument("--sample", type=int, default=0, help="score only this many pages (spread evenly)")
    parser.add_argument("--predictions", type=Path, help="write {id: {articleBody: text}} here, for tools/extraction_f1.py")
    args = parser.parse_args(argv)
    if not (args.data / "ground-truth.json").is_file():
        print(f"error: no ground-truth.json in {args.data}", file=sys.stderr)
        return 2
    pages = load_pages(args.data, args.sample)
    # Warm up: imports, trafilatura's lazy tables, the judge's compiled patterns (once a process).
    extract_page("<html><body><p>warm-up</p></body></html>", "http://127.0.0.1/")
    judge("warm-up", "warm-up", TopicRules(), ())
    report = run(pages)
    if args.predictions:
        args.predictions.write_text(json.dumps({k: {"articleBody": v} for k, v in report.predictions.items()},
                                               ensure_ascii=False, indent=1), "utf-8")
    for page_id, score in report.worst:
        print(f"  worst {page_id[:16]}  precision {score.precision:.3f}  recall {score.recall:.3f}")
    # CPU time next to wall time: on a shared machine the wall clock also counts other people's work.
    print(f"extract: {report.extract_ms:.1f} ms/page ({report.extract_cpu_ms:.1f} ms CPU)   "
          f"judge: {report.judge_ms:.2f} ms/page ({report.judge_cpu_ms:.2f} ms CPU)")
    print(f"f1: {report.score.f1:.4f} precision: {report.score.precision:.4f} "
          f"recall: {report.score.recall:.4f} pages: {report.pages}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
