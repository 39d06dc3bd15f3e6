"""Detail extraction quality on the hand-labelled sentences (tests/data/details_labelled.jsonl).

    python benchmarks/details_quality.py [--errors]

Precision and recall per attribute over (subject, attribute, value, removed), and how often the
`is_past` flag agrees with the label on the values found. The first line of the data file is
the watch list; every other line is a short text with its publication date and expected details.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.rules import WatchSpec  # noqa: E402
from analysis.details import extract_details  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "details_labelled.jsonl"
ATTRIBUTES = ("launch_date", "launch_site", "spacecraft", "cast", "director", "title", "release_date")


def load(path: Path = DATA) -> tuple[tuple[WatchSpec, ...], list[dict]]:
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    header, examples = lines[0], lines[1:]
    watches = tuple(WatchSpec(w["name"], w.get("label", ""), tuple(w.get("aliases", ()))) for w in header["watches"])
    return watches, examples


def evaluate(path: Path = DATA) -> dict:
    watches, examples = load(path)
    counts = {a: Counter() for a in ATTRIBUTES}
    past = Counter()
    errors = []
    for n, example in enumerate(examples, 2):
        published = datetime.fromisoformat(example["published"]).replace(tzinfo=timezone.utc)
        found = extract_details(example.get("title", ""), example["text"], published, watches)
        got = {(d.subject, d.attribute, d.value, d.removed): d.is_past for d in found}
        want = {(e[0], e[1], e[2], "removed" in e[3:]): "past" in e[3:] for e in example["expect"]}
        for key in got.keys() | want.keys():
            kind = "tp" if key in got and key in want else "fp" if key in got else "fn"
            counts[key[1]][kind] += 1
            if kind == "tp":
                past["agree" if got[key] == want[key] else "disagree"] += 1
            else:
                errors.append(f"line {n}: {kind} {key}: {example['text'][:90]}")
    table = {}
    for attribute, c in counts.items():
        table[attribute] = {"precision": _ratio(c["tp"], c["tp"] + c["fp"]), "recall": _ratio(c["tp"], c["tp"] + c["fn"]),
                            **c}
    total = sum(counts.values(), Counter())
    table["all"] = {"precision": _ratio(total["tp"], total["tp"] + total["fp"]),
                    "recall": _ratio(total["tp"], total["tp"] + total["fn"]), **total}
    return {"examples": len(examples), "attributes": table, "is_past_agreement": _ratio(past["agree"], sum(past.values())),
            "errors": errors}


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--errors", action="store_true", help="list every false positive and negative")
    args = parser.parse_args()
    report = evaluate()
    print(f"{report['examples']} labelled texts")
    print(f"{'attribute':<14}{'precision':>10}{'recall':>8}{'tp':>5}{'fp':>5}{'fn':>5}")
    for attribute, row in report["attributes"].items():
        print(f"{attribute:<14}{row['precision']:>10.3f}{row['recall']:>8.3f}{row.get('tp', 0):>5}{row.get('fp', 0):>5}"
              f"{row.get('fn', 0):>5}")
    print(f"is_past agrees with the label on {report['is_past_agreement']:.3f} of the values found")
    if args.errors:
        print("\n".join(report["errors"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
