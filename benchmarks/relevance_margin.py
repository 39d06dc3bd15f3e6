"""Where the relevance threshold sits: score distributions of relevant and not relevant articles.

    python benchmarks/relevance_margin.py [--labelled PATH] [--errors]

Judges the project's own hand-labelled cases (tests/data/relevance_cases.toml) and, when the
team's shared data is on this machine, the labelled relevance set (shared/labelled/
relevance.jsonl, or --labelled PATH; both carry their topic and watches). For each set it prints
the scores of the relevant and the not relevant articles, precision and recall at the configured
threshold, the margin on either side of it (lowest relevant score above it, highest not relevant
score below it), and the threshold range that makes the fewest mistakes. The threshold in
analysis/data/relevance.toml was chosen from this output: in the widest gap of that range.
An article that fails the term gate (no include or no require term) counts as not relevant
whatever its score: it is shown with its score in brackets.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.relevance import _vocabulary, judge  # noqa: E402
from analysis.rules import TopicRules, WatchSpec  # noqa: E402
from tests.shared_data import SHARED  # noqa: E402

OWN = ROOT / "tests" / "data" / "relevance_cases.toml"
LABELLED = SHARED / "labelled" / "relevance.jsonl"


def own_cases(path: Path = OWN) -> tuple[TopicRules, tuple[WatchSpec, ...], list[dict]]:
    data = tomllib.loads(path.read_text("utf-8"))
    watches = tuple(WatchSpec(w["name"], w.get("label", ""), tuple(w["aliases"])) for w in data["watch"])
    cases = [{"id": c["id"], "title": c["title"], "relevant": c["relevant"],
              "text": "\n".join(" ".join(p.split()) for p in c["text"].strip().split("\n\n"))}
             for c in data["case"]]
    return TopicRules(), watches, cases


def labelled_cases(path: Path) -> tuple[TopicRules, tuple[WatchSpec, ...], list[dict]]:
    lines = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    header = lines[0]
    topic = TopicRules(**{key: tuple(value) for key, value in header["topic"].items()})
    watches = tuple(WatchSpec(w["name"], w.get("label", ""), tuple(w["aliases"])) for w in header["watches"])
    return topic, watches, lines[1:]


def report(name: str, topic: TopicRules, watches: tuple[WatchSpec, ...], cases: list[dict],
           threshold: float, errors: bool) -> None:
    judge("", "warm-up: a film shot in orbit", topic, watches)  # load the parser outside the timing
    started = time.process_time()
    judged = [(case, judge(case["title"], case["text"], topic, watches)) for case in cases]
    cpu = (time.process_time() - started) / max(1, len(cases)) * 1000
    # The score that decides: a gated article is not relevant whatever its score.
    scored = [(case, verdict, verdict.score if verdict.relevant or verdict.score < threshold else None)
              for case, verdict in judged]
    print(f"\n== {name}: {len(cases)} articles, {cpu:.1f} ms CPU per article")
    for label, want in (("relevant", True), ("not relevant", False)):
        shown = sorted((v.score, g is None) for c, v, g in scored if c["relevant"] is want)
        text = " ".join(f"[{s:g}]" if gated else f"{s:g}" for s, gated in shown)
        print(f"  {label:>12} ({len(shown)}): {text}")
    tp = sum(1 for c, v, _ in scored if v.relevant and c["relevant"])
    fp = sum(1 for c, v, _ in scored if v.relevant and not c["relevant"])
    fn = sum(1 for c, v, _ in scored if not v.relevant and c["relevant"])
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"  at threshold {threshold:g}: precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f} "
          f"({fp} false positives, {fn} missed)")
    above = [g for c, _, g in scored if c["relevant"] and g is not None and g >= threshold]
    below = [g for c, _, g in scored if not c["relevant"] and g is not None and g < threshold]
    if above and below:
        print(f"  margin: lowest relevant score at or above it {min(above):g} (+{min(above) - threshold:g}), "
              f"highest not relevant below it {max(below):g} (-{threshold - max(below):g})")
    best = _best_range(scored)
    if best:
        lo, hi, mistakes = best
        print(f"  fewest mistakes ({mistakes}) for any threshold in ({lo:g}, {hi:g}]; midpoint {(lo + hi) / 2:g}")
    if errors:
        for case, verdict, _ in scored:
            if verdict.relevant != case["relevant"]:
                print(f"    {case['id']}: {'false positive' if verdict.relevant else 'missed'}: {verdict.reason}")


def _best_range(scored) -> tuple[float, float, int] | None:
    """The widest score interval (lo, hi] whose thresholds make the fewest mistakes."""
    values = sorted({g for _, _, g in scored if g is not None})
    if not values:
        return None
    cuts = [values[0] - 1.0] + values
    best = None
    for i, lo in enumerate(cuts):
        hi = cuts[i + 1] if i + 1 < len(cuts) else lo + 1.0
        t = hi  # any threshold in (lo, hi] decides the same way
        mistakes = sum(1 for c, _, g in scored if (g is not None and g >= t) != c["relevant"])
        if best is None or mistakes < best[2] or (mistakes == best[2] and hi - lo > best[1] - best[0]):
            best = (lo, hi, mistakes)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labelled", type=Path, default=LABELLED, help="a labelled relevance JSONL file")
    parser.add_argument("--errors", action="store_true", help="list every mistake with its reasons")
    args = parser.parse_args(argv)
    threshold = _vocabulary().threshold
    report("own cases (tests/data/relevance_cases.toml)", *own_cases(), threshold=threshold, errors=args.errors)
    if args.labelled.is_file():
        report(f"labelled set ({args.labelled})", *labelled_cases(args.labelled), threshold=threshold,
               errors=args.errors)
    else:
        print(f"\n(no labelled set at {args.labelled}: skipped)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
