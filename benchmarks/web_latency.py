"""How fast the dashboard, the JSON API and the feeds answer with 100,000 stored articles.

usage: python benchmarks/web_latency.py [--articles 100000] [--db PATH] [--requests 40] [--url POSTGRES_URL]

Generates the database first (SQLite in a temporary folder, or --db PATH to keep and reuse it,
or --url for PostgreSQL): --articles articles from 12 outlets over three years, one in ten
irrelevant, stories of one to four articles, a duplicate every twentieth, 2,000 detail changes
and 300 current facts over four watched productions, 200 digests. Then serves the app with
uvicorn on a free loopback port and requests every page, API call and feed --requests times
each (in turn, one client, after one warm-up request each), and prints p50/p95/max in ms.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storage.db import open_database  # noqa: E402
from storage.models import Article, Change, Digest, Fact, Observation, Story  # noqa: E402
from web.app import create_app  # noqa: E402
from web.server import serve_in_thread  # noqa: E402
from scheduler.config import parse_config  # noqa: E402
from scheduler.dashboard import LocalControl  # noqa: E402
from web.settings import Watch, WebSettings  # noqa: E402

T0 = datetime(2023, 1, 1, tzinfo=timezone.utc)
OUTLETS = [f"outlet-{i:02d}" for i in range(12)]
WATCHES = ["challenge", "orbit-film", "station-drama", "moon-doc"]
ATTRIBUTES = ["launch_date", "launch_site", "spacecraft", "cast", "director", "release_date"]
WORDS = ("orbit film crew station launch cosmonaut director premiere rocket capsule camera scene "
         "actress actor studio space shoot mission flight dock return").split()


def title(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 10))).capitalize()


def generate(factory, count: int) -> None:
    rng = random.Random(7)
    with factory() as session, session.begin():
        if (session.scalar(select(func.count(Article.id))) or 0) >= count:
            return
    print(f"generating {count:,} articles ...", file=sys.stderr)
    started = time.perf_counter()
    stories = max(count // 3, 1)
    with factory() as session, session.begin():
        session.execute(insert(Story), [{"id": i + 1, "title": title(rng), "first_seen": T0 + timedelta(hours=i * 0.3),
                                         "last_seen": T0 + timedelta(hours=i * 0.3 + rng.randint(0, 200))}
                                        for i in range(stories)])
        batch: list[dict[str, Any]] = []
        for i in range(count):
            when = T0 + timedelta(minutes=i * 15)
            text = " ".join(rng.choice(WORDS) for _ in range(120))
            relevant = i % 10 != 0
            url = f"https://{OUTLETS[i % 12]}.example/news/{i}.html"
            batch.append({"id": i + 1, "url": url, "canonical_url": url, "source": OUTLETS[i % 12],
                          "title": title(rng), "published_at": when, "fetched_at": when, "text": text,
                          "text_hash": hashlib.sha256(f"{i}{text}".encode()).hexdigest(), "relevant": relevant,
                          "relevance_score": 1.0 if relevant else 0.0,
                          "relevance_reason": "topic and space terms" if relevant else "no space term",
                          "story_id": (i * 3 // 4) % stories + 1 if relevant else None,
                          "duplicate_of_id": i if i % 20 == 19 else None,
                          "duplicate_layer": "near" if i % 20 == 19 else None})
            if len(batch) == 5000:
                session.execute(insert(Article), batch)
                batch = []
        if batch:
            session.execute(insert(Article), batch)
        session.execute(insert(Digest), [{"id": i + 1, "kind": "digest", "status": "sent", "message_id": f"<{i}@b>",
                                          "subject": f"digest {i}", "message": b"x",
                                          "sent_at": T0 + timedelta(days=i * 5)} for i in range(200)])
        changes, observations = [], []
        for i in range(2000):
            article_id = rng.randint(1, count)
            subject, attribute = rng.choice(WATCHES), rng.choice(ATTRIBUTES)
            changes.append({"subject": subject, "attribute": attribute, "old": f"value {i - 1}" if i else None,
                            "new": f"value {i}", "article_id": article_id, "snippet": f"It is now value {i}.",
                            "detected_at": T0 + timedelta(hours=i * 12), "digest_id": (i // 10) + 1 if i < 1900 else None})
            observations.append({"article_id": article_id, "subject": subject, "attribute": attribute,
                                 "value": f"value {i}", "snippet": f"It is now value {i}."})
        session.execute(insert(Change), changes)
        session.execute(insert(Observation), observations)
        session.execute(insert(Fact), [{"subject": WATCHES[i % 4], "attribute": ATTRIBUTES[i % 6],
                                        "value": f"value {i}", "article_id": rng.randint(1, count),
                                        "snippet": "It is.", "published_at": T0} for i in range(300)])
    print(f"generated in {time.perf_counter() - started:.0f} s", file=sys.stderr)


PATHS = [
    "/", "/changes", "/changes?subject=challenge&attribute=cast", "/changes?offset=1000",
    "/stories", "/stories?q=cosmonaut+premiere", "/stories?show=irrelevant", "/stories?before=50000",
    "/sources", "/articles", "/articles?offset=50000", "/articles/50000",
    "/api/v1/articles", "/api/v1/articles?offset=99000", "/api/v1/articles?source=outlet-03&relevant=true",
    "/api/v1/articles?since=2025-06-01", "/api/v1/articles?subject=challenge", "/api/v1/stories",
    "/api/v1/stories?source=outlet-05", "/api/v1/facts", "/api/v1/changes", "/api/v1/changes?subject=moon-doc",
    "/api/v1/sources", "/feeds/changes.atom", "/feeds/stories.atom",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="SQLite file to keep and reuse")
    parser.add_argument("--url", help="a database URL instead (e.g. postgresql+psycopg://...)")
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="spacewatch-web-bench-")
    url = args.url or f"sqlite:///{args.db or Path(folder) / 'bench.db'}"
    engine, factory = open_database(url)
    generate(factory, args.articles)
    if engine.dialect.name == "postgresql":  # what autovacuum does soon after a bulk insert
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    config = parse_config({"database": {"url": url}, "sources": [
        {"name": name, "type": "feed", "url": f"http://127.0.0.1:9/{name}.xml"} for name in OUTLETS]})
    control = LocalControl(config)  # what `spacewatch web` uses: status read from the database
    app = create_app(WebSettings(database_url=url, control=control,
                                 watches=tuple(Watch(name, name.title()) for name in WATCHES)))
    running = serve_in_thread(app)
    rows = []
    try:
        with httpx.Client(base_url=running.url, timeout=30) as client:
            for path in PATHS:
                assert client.get(path).status_code == 200, path
                times = []
                for _ in range(args.requests):
                    started = time.perf_counter()
                    answer = client.get(path)
                    answer.read()
                    times.append((time.perf_counter() - started) * 1000)
                    assert answer.status_code == 200
                times.sort()
                p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
                rows.append((path, statistics.median(times), p95, times[-1]))
    finally:
        running.stop()
    print(f"{args.articles:,} articles, {args.requests} requests each ({url.split(':')[0]})")
    print(f"{'request':<55} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for path, p50, p95, worst in rows:
        flag = "" if p95 < 200 else "  <- over 200 ms"
        print(f"{path:<55} {p50:8.1f} {p95:8.1f} {worst:8.1f}{flag}")
    return 0 if all(p95 < 200 for _, _, p95, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
