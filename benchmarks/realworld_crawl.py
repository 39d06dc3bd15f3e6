"""Extraction quality through the whole crawl: real news pages served on loopback, crawled as a
site, the stored article text scored against the benchmark's ground truth.

    python benchmarks/realworld_crawl.py [--limit N] [--workers N]

Pages: ../shared/realworld/article-extraction-benchmark (181 pages, gzip). Scoring rule:
word 4-gram shingles, mean precision and mean recall over pages, F1 of the two means
(benchmarks/f1.py). The target is F1 >= 0.95: no quality lost on the way to the database.
"""
from __future__ import annotations

import argparse
import gzip
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.f1 import Score, corpus_score  # noqa: E402
from analysis.rules import Rules, TopicRules  # noqa: E402
from crawler.options import CrawlOptions, SourceSpec  # noqa: E402
from crawler.run import run_crawl  # noqa: E402
from scheduler.demo import serve  # noqa: E402
from storage.db import open_database  # noqa: E402
from storage.models import Article  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "realworld" / "article-extraction-benchmark"


def lay_out_site(corpus: Path, root: Path, limit: int | None) -> dict[str, str]:
    """Decompress the pages under root/pages/ with an index linking them; returns id -> truth."""
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:limit] if limit else sorted(truth)
    (root / "pages").mkdir(parents=True)
    links = []
    for page_id in ids:
        html = gzip.decompress((corpus / "html" / f"{page_id}.html.gz").read_bytes())
        (root / "pages" / f"{page_id}.html").write_bytes(html)
        links.append(f'<li><a href="/pages/{page_id}.html">{page_id}</a></li>')
    (root / "index.html").write_text(f"<html><body><ul>{''.join(links)}</ul></body></html>", encoding="utf-8")
    return {page_id: truth[page_id]["articleBody"] for page_id in ids}


def crawl_and_score(corpus: Path, limit: int | None, workers: int) -> tuple[Score, int, int, float]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "site"
        truth = lay_out_site(corpus, root, limit)
        engine, factory = open_database(f"sqlite:///{folder}/realworld.db")
        with serve(root) as base:
            spec = SourceSpec(name="realworld", type="site", url=f"{base}/", follow=(r"^/pages/",), every="1h")
            options = CrawlOptions(user_agent="spacewatch-benchmark/1.0", max_pages_per_site=len(truth) + 10,
                                   workers=workers)
            started = time.perf_counter()
            run_crawl(factory, [spec], options, Rules(topic=TopicRules()), progress=False, trigger="manual")
            seconds = time.perf_counter() - started
        with factory() as session:
            stored = {url.rsplit("/", 1)[-1].removesuffix(".html"): text
                      for url, text in session.execute(select(Article.url, Article.text))}
        engine.dispose()
    pairs = [(body, stored.get(page_id, "")) for page_id, body in truth.items()]
    return corpus_score(pairs), len(truth), sum(1 for page_id in truth if page_id in stored), seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, help="only the first N pages")
    parser.add_argument("--workers", type=int, default=0, help="extraction processes (0: one per core)")
    args = parser.parse_args()
    score, pages, stored, seconds = crawl_and_score(args.corpus, args.limit, args.workers)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pages served   {pages}\npages stored   {stored}\ncrawl seconds  {seconds:.1f} "
          f"({stored / seconds:.1f} pages/s)\nprecision      {score.precision:.4f}\nrecall         {score.recall:.4f}\n"
          f"F1             {score.f1:.4f}  (target >= 0.95; trafilatura alone 0.958)\n"
          f"peak RSS (this process) {peak_mb:.0f} MB")
    return 0 if score.f1 >= 0.95 and stored == pages else 1


if __name__ == "__main__":
    sys.exit(main())
