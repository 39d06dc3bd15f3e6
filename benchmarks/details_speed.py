"""Detail extraction speed: median milliseconds per article on one core (target < 20 ms).

    python benchmarks/details_speed.py [--corpus ../shared/corpus/space-race] [--rounds 20]

Articles are the scenario corpus's pages as the crawler extracts them (every page of every
phase, relevant or not), with its watch list; the first call, which compiles the patterns, is
timed apart.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.rules import WatchSpec  # noqa: E402
from analysis.details import extract_details  # noqa: E402
from analysis.extract import extract_page  # noqa: E402


def pages(corpus: Path) -> tuple[tuple[WatchSpec, ...], list[tuple[str, str, object]]]:
    scenario = json.loads((corpus / "scenario.json").read_text(encoding="utf-8"))
    watches = tuple(WatchSpec(w["name"], w.get("label", ""), tuple(w.get("aliases", ()))) for w in scenario["watch"])
    out, seen = [], set()
    for phase in scenario["phases"]:
        for file in sorted((corpus / phase["dir"]).rglob("*.html")):
            rel = file.relative_to(corpus / phase["dir"])
            if rel in seen:
                continue
            seen.add(rel)
            raw = file.read_bytes()
            charset = re.search(rb'charset=["\']?([A-Za-z0-9_-]+)', raw[:2048])
            page = extract_page(raw.decode(charset.group(1).decode() if charset else "utf-8", "replace"), f"http://x/{rel}")
            if len(page.text) > 200:
                out.append((page.title, page.text, page.published_at))
    return watches, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus" / "space-race")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    watches, articles = pages(args.corpus)
    start = time.perf_counter()
    extract_details(*articles[0][:2], articles[0][2], watches)
    first = (time.perf_counter() - start) * 1000
    timings = []
    for _ in range(args.rounds):
        for title, text, published in articles:
            start = time.perf_counter()
            extract_details(title, text, published, watches)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    words = statistics.median(len(t.split()) for _, t, _ in articles)
    print(f"{len(articles)} articles (median {words:.0f} words) x {args.rounds} rounds, one process")
    print(f"first call (compiles patterns): {first:.1f} ms")
    print(f"median {statistics.median(timings):.2f} ms, p90 {timings[int(len(timings) * 0.9)]:.2f} ms, "
          f"max {timings[-1]:.2f} ms per article (target: median < 20 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
