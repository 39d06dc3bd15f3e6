"""Render a sample digest through the real pipeline and photograph it in headless Chromium.

    python scripts/render_digest_screenshot.py [--out docs/digest-screenshot.png] [--html FILE]

Fills a throw-away SQLite database with a few stories, changes and a failing source, builds
the digest with `notifications.digest_preview` (what `digest send` would send) and saves a
screenshot of its HTML part. Needs the Debian package `chromium`.
"""
from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from notifications import digest_preview
from notifications.options import DigestOptions, MailOptions
from storage.db import open_database, transaction
from storage.models import Article, Change, Source, Story

NOW = datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)
LABELS = {"orbit-film": "Orbit Lines (feature film)", "station-doc": "Station Days (documentary)"}
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-first-run", "--hide-scrollbars"]


def populate(factory) -> None:
    base = "https://news.example"
    with transaction(factory) as session:
        def story(title: str) -> Story:
            row = Story(title=title, first_seen=NOW, last_seen=NOW)
            session.add(row)
            session.flush()
            return row

        def article(path: str, source: str, title: str, text: str, hours: int, story: Story | None = None,
                    copy_of: Article | None = None) -> Article:
            row = Article(url=f"{base}/{source}/{path}", canonical_url=f"{base}/{source}/{path}", source=source,
                          title=title, text=text, text_hash=hashlib.sha256(text.encode()).hexdigest(), relevant=True,
                          published_at=NOW - timedelta(hours=hours), fetched_at=NOW - timedelta(hours=hours - 1),
                          story_id=story.id if story else None, duplicate_of_id=copy_of.id if copy_of else None)
            session.add(row)
            session.flush()
            return row

        premiere = story("Orbit Lines moves its premiere to April after the edit runs long")
        lead = article("2026/03/orbit-lines-premiere.html", "orbit-daily", "Orbit Lines premiere moves to April 12",
                       "The studio behind Orbit Lines, the first feature shot largely aboard the space station, "
                       "said on Monday that the premiere is now set for April 12, Cosmonautics Day, after editing "
                       "of the 40 hours of orbital footage took longer than planned.", 5, premiere)
        second = article("news/2026/03/01/orbit-lines-april/", "starfield-times", "Space station film slips to spring",
                         "Editors are still cutting the orbital scenes.", 4, premiere)
        article("wire/orbit-lines-april.html", "meridian-wire", "copy", "copy", 3, premiere, copy_of=lead)
        cast = story("Second cosmonaut role cast for Orbit Lines")
        casting = article("articles/1102-cast.html", "kosmos-herald", "Veteran actor joins Orbit Lines as flight engineer",
                          "Viktor Sarin will play the flight engineer who talks the heroine through the repair; "
                          "his scenes will be filmed on the ground.", 9, cast)
        doc = story("Station Days documentary crew returns from six months in orbit")
        returned = article("2026/02/station-days-landing.html", "reel-report", "Documentary crew lands with 300 hours of footage",
                           "The two-person crew behind Station Days landed safely on Sunday morning with more "
                           "than 300 hours of footage recorded aboard the station.", 20, doc)
        for values in (("orbit-film", "release_date", "2026-10", "2026-04-12", lead, second,
                        "the premiere is now set for April 12, Cosmonautics Day, after editing took longer than planned"),
                       ("orbit-film", "cast", None, "Viktor Sarin", casting, None,
                        "Viktor Sarin will play the flight engineer who talks the heroine through the repair"),
                       ("station-doc", "launch_site", None, "Baikonur Cosmodrome", returned, None,
                        "the crew, who launched from Baikonur Cosmodrome in September, landed on Sunday")):
            subject, attribute, old, new, reported, corroborating, snippet = values
            session.add(Change(subject=subject, attribute=attribute, old=old, new=new, article_id=reported.id,
                               snippet=snippet, detected_at=NOW - timedelta(hours=2),
                               corroborated_by_id=corroborating.id if corroborating else None))
        session.add(Source(name="cinema-wire", type="site", url=f"{base}/cinema-wire/", consecutive_failures=3,
                           failing_since=NOW - timedelta(hours=7), last_error="HTTP 503 Service Unavailable"))


def screenshot(html_file: Path, out: Path, width: int, height: int) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("render_digest_screenshot: chromium not found (apt-get install -y chromium)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={out}",
                        f"--window-size={width},{height}", html_file.as_uri()],
                       check=True, timeout=120, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("docs/digest-screenshot.png"))
    parser.add_argument("--html", type=Path, help="also keep the HTML part here")
    parser.add_argument("--width", type=int, default=760)
    parser.add_argument("--height", type=int, default=1900)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        engine, factory = open_database(f"sqlite:///{work}/sample.db")
        try:
            populate(factory)
            mail = MailOptions(to=("desk@example.org",), sender="spacewatch@example.org",
                               list_unsubscribe="mailto:spacewatch-leave@example.org")
            _, html = digest_preview(factory, mail, DigestOptions(timezone="Europe/Berlin"), labels=LABELS, now=NOW)
        finally:
            engine.dispose()
        page = Path(work) / "digest.html"
        page.write_text(html, encoding="utf-8")
        if args.html:
            args.html.write_text(html, encoding="utf-8")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        screenshot(page, args.out.resolve(), args.width, args.height)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
