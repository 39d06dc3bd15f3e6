"""`spacewatch demo`: a bundled sample news world served on loopback, crawled into a fresh database.

The sample pages name their own host as http://127.0.0.1:8765; the demo server rewrites that to
the free port it got, so the demo never needs a particular port or the internet.
"""
from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scheduler import jobs, listings
from scheduler.config import load_config, starter_config

SAMPLE_HOST = b"http://127.0.0.1:8765"
SAMPLE_SOURCES = (
    ("orbit-daily", "feed", "/feeds/orbit-daily.xml", ()),
    ("starfield-times", "feed", "/feeds/starfield-times.xml", ()),
    ("kosmos-herald", "feed", "/feeds/kosmos-herald.xml", ()),
    ("meridian-wire", "feed", "/feeds/meridian-wire.xml", ()),
    ("reel-report", "feed", "/feeds/reel-report.xml", ()),
    ("headline-hub", "feed", "/feeds/headline-hub.xml", ()),
    ("cinema-wire", "site", "/cinema-wire/", (r"^/cinema-wire/\d{4}/",)),
)
CONTENT_TYPES = {".xml": "application/xml", ".html": "text/html", ".txt": "text/plain"}


DEMO_FILES = ("spacewatch.db", "spacewatch.db-wal", "spacewatch.db-shm", "spacewatch.db.locks", "outbox")
REFERENCE_PATH = "/reference/challenge-space-race.html"


def run_demo(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    fresh_start(folder)
    sample = resources.files("scheduler").joinpath("sample")
    config_path = folder / "spacewatch.toml"
    with resources.as_file(sample) as sample_dir, serve(sample_dir / "site") as base:
        config_path.write_text(config_text(folder, base), encoding="utf-8")
        config = load_config(str(config_path))
        print(f"serving the sample news world at {base}/")
        print(jobs.import_reference(config, sample_dir / "seed.txt", base + REFERENCE_PATH,
                                    "Russia and the United States race to shoot the first movie in space",
                                    "2021-12-13"))
        summary = jobs.crawl(config, progress=False)
        print(summary.describe())
        print(jobs.send_digest(config))
        facts = listings.listing(config, "facts")
        stories = listings.listing(config, "stories")
        articles = listings.listing(config, "articles")
    # the sample server is gone: the config keeps its sources, switched off, so that a crawl
    # with it says so in one line instead of failing on a closed port
    config_path.write_text(config_text(folder, base, enabled=False), encoding="utf-8")
    crawled = {a["story_id"] for a in articles
               if a["relevant"] and a["duplicate_of"] is None and not a["url"].endswith(REFERENCE_PATH)}
    print(f"\n{plural(len(crawled), 'story', 'stories')} from the crawl, as in the digest "
          f"({len(stories)} stored with the imported reference's own); "
          "current details of the watched productions:")
    print(listings.human("facts", facts))
    print(f"\ndatabase: {folder / 'spacewatch.db'}\ndigest outbox (Maildir): {folder / 'outbox'}\n"
          f"config: {config_path} (its sources are switched off: the sample server has stopped)\n"
          f"try: spacewatch --config {config_path} stories")
    return 0 if summary.succeeded else 1


def fresh_start(folder: Path) -> None:
    """Remove what an earlier demo left in `folder`: the sample server gets a new port each
    run, so its articles would all be copies of the stored ones and no digest would be sent."""
    for name in DEMO_FILES:
        target = folder / name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def config_text(folder: Path, base: str, enabled: bool = True) -> str:
    lines = [f'[database]\nurl = "sqlite:///{(folder / "spacewatch.db").resolve()}"\n',
             f'[email]\nto = ["desk@example.org"]\nfrom = "spacewatch@example.org"\n'
             f'outbox = "{(folder / "outbox").resolve()}"\n']
    if not enabled:
        lines.insert(0, "# Written by `spacewatch demo`. Its sources were served by the demo while it ran;\n"
                        "# they are switched off now. Run `spacewatch demo` again to crawl them afresh.\n")
    for name, kind, path, follow in SAMPLE_SOURCES:
        follow_toml = ", ".join(f"'{pattern}'" for pattern in follow)
        lines.append(f'[[sources]]\nname = "{name}"\ntype = "{kind}"\nurl = "{base}{path}"\n'
                     + (f"follow = [{follow_toml}]\n" if follow else "")
                     + ("" if enabled else "enabled = false\n"))
    default = starter_config()
    for table in ("[[watch]]", "[topic]"):
        lines += [block for block in _blocks(default) if block.startswith(table)]
    return "\n".join(lines)


def _blocks(toml_text: str) -> Iterator[str]:
    """The tables of a TOML text, each from its header to the next one (comments dropped)."""
    block: list[str] = []
    for line in toml_text.splitlines():
        if line.startswith("[") and block:
            yield "\n".join(block) + "\n"
            block = []
        if not line.startswith("#"):
            block.append(line)
    if block:
        yield "\n".join(block) + "\n"


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve `root` on 127.0.0.1:<free port>, yielding the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(root))
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    server.base = base.encode()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


def _handler(root: Path) -> type[BaseHTTPRequestHandler]:
    class SampleHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            path = unquote(urlsplit(self.path).path)
            target = (root / path.lstrip("/")).resolve()
            if path.endswith("/"):
                target = target / "index.html"
            if not target.is_relative_to(root.resolve()) or not target.is_file():
                self.send_error(404)
                return
            body = target.read_bytes().replace(SAMPLE_HOST, self.server.base)  # type: ignore[attr-defined]
            self.send_response(200)
            self.send_header("Content-Type", CONTENT_TYPES.get(target.suffix, "application/octet-stream"))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return SampleHandler
