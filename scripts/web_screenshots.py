"""Screenshots of the dashboard on the demo's data, for the README: docs/web-*.png.

usage: python scripts/web_screenshots.py [--out docs] [--chromium /usr/bin/chromium]

Runs `spacewatch demo` into a temporary folder, serves the dashboard over its database on a
free loopback port, and has Chromium (through Playwright) photograph each page.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from scheduler.config import load_config  # noqa: E402
from scheduler.dashboard import LocalControl, web_settings  # noqa: E402
from scheduler.demo import run_demo  # noqa: E402
from web.app import create_app  # noqa: E402
from web.server import serve_in_thread  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="spacewatch-shots-"))
    with contextlib.redirect_stdout(io.StringIO()):
        run_demo(folder)
    config = load_config(str(folder / "spacewatch.toml"))
    control = LocalControl(config)
    running = serve_in_thread(create_app(web_settings(config, control, None)))
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for name, path in (("overview", "/"), ("changes", "/changes"), ("stories", "/stories"),
                               ("sources", "/sources")):
                page.goto(running.url + path)
                page.screenshot(path=str(args.out / f"web-{name}.png"), full_page=True)
                print(args.out / f"web-{name}.png")
            page.goto(running.url + "/changes")
            page.locator("li.change a.article").first.click()
            page.screenshot(path=str(args.out / "web-article.png"), full_page=True)
            print(args.out / "web-article.png")
            browser.close()
    finally:
        running.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
