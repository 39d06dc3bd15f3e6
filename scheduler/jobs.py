"""The work the CLI and the service both do: crawl, import, digest. Each opens what it needs."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from scheduler.config import Config, starter_config
from scheduler.errors import UserError
from storage.db import open_database
from storage.locks import open_locks, source_lock

if TYPE_CHECKING:
    from analysis.rules import Rules
    from crawler.run import CrawlSummary

# The crawler (Scrapy, trafilatura) and mail modules are imported inside the jobs that use them:
# they take most of a second to load, and listings, status and --help need none of them.


def open_db(config: Config) -> tuple[Engine, sessionmaker[Session]]:
    return open_database(config.database.url)


def rules_of(config: Config) -> Rules:
    from analysis.rules import Rules

    return Rules(topic=config.topic, watches=config.watch, spacy_model=config.analysis.spacy_model)


def crawl(config: Config, names: list[str] | None = None, *, progress: bool = False,
          trigger: str = "manual", wait: bool = False) -> CrawlSummary:
    """Crawl the named sources (all when none are named) and store what they carry."""
    from crawler.run import CrawlSummary, run_crawl
    from notifications import send_alert

    specs = [config.source(name) for name in names] if names else [s for s in config.sources if s.enabled]
    if not specs:
        if config.sources:
            raise UserError(f"{config.path or 'config'}: every source has enabled = false; "
                            "name one to crawl it anyway")
        raise UserError(f"{config.path or 'config'}: no sources configured; add [[sources]] entries")
    engine, factory = open_db(config)
    try:
        # one crawl of a source at a time, across processes: busy sources are skipped, or waited for
        with open_locks(config.database.url) as locks:
            busy = set(locks.take([source_lock(spec.name) for spec in specs], wait=wait))
            skipped = [spec.name for spec in specs if source_lock(spec.name) in busy]
            specs = [spec for spec in specs if spec.name not in skipped]
            summary = (run_crawl(factory, specs, config.crawl, rules_of(config), progress=progress, trigger=trigger)
                       if specs else CrawlSummary(0, []))
            if skipped:
                summary.notes.append(f"skipped {', '.join(skipped)}: another crawl is running "
                                     f"{'it' if len(skipped) == 1 else 'them'} now (--wait waits for it)")
            if summary.changes and config.digest.on_change == "immediate":
                summary.notes.append(send_alert(factory, config.email, config.digest, labels=watch_labels(config)))
                if config.notify.urls:
                    from notifications.push import send_pushes

                    summary.notes.append(send_pushes(factory, config.notify, labels=watch_labels(config),
                                                     max_attempts=config.digest.max_attempts))
        return summary
    finally:
        engine.dispose()


def import_reference(config: Config, file: Path, url: str, title: str | None, published: str | None) -> str:
    """Store a plain-text file as a reference item, as if crawled."""
    from analysis.analyse import analyse_text
    from crawler.ingest import Ingestor
    from crawler.changes import detect_changes

    from crawler.options import require_http_url

    try:
        require_http_url(url)
    except ValueError as exc:
        raise UserError(f"--url: {exc}") from None
    text = read_plain_text(file)
    when = None
    if published:
        try:
            when = datetime.fromisoformat(published).replace(tzinfo=timezone.utc)
        except ValueError:
            raise UserError(f"--published {published!r}: not a date like 2021-12-13") from None
    try:
        doc = analyse_text(text, url=url, title=title, published_at=when, rules=rules_of(config))
    except ValueError as exc:
        raise UserError(f"{file}: {exc}") from None
    engine, factory = open_db(config)
    try:
        stored = Ingestor(factory).ingest(doc)
        changes = detect_changes(factory, [stored.article_id] if stored.article_id else [])
    finally:
        engine.dispose()
    return f"imported {url}: {stored.outcome.value}" + (f", {len(changes)} detail change(s)" if changes else "")


def read_plain_text(file: Path) -> str:
    """The UTF-8 text in `file`; a binary file (NUL bytes, or bytes that are not UTF-8) is refused."""
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise UserError(f"{file}: cannot read: {exc.strerror or exc}") from None
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise UserError(f"{file}: not a text file (a NUL byte at offset {nul}); import takes plain UTF-8 text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"{file}: not UTF-8 text (byte {exc.start}); import takes plain UTF-8 text") from None


def watch_labels(config: Config) -> dict[str, str]:
    """Watch name -> its label, for the mails (a watch without a label shows its name)."""
    return {watch.name: watch.label for watch in config.watch if watch.label.strip()}


def send_digest(config: Config) -> str:
    from notifications import send_pending_digest

    engine, factory = open_db(config)
    try:
        return send_pending_digest(factory, config.email, config.digest, labels=watch_labels(config))
    finally:
        engine.dispose()


def preview_digest(config: Config, html_path: Path | None) -> str:
    from notifications import digest_preview

    engine, factory = open_db(config)
    try:
        text, html = digest_preview(factory, config.email, config.digest, labels=watch_labels(config))
    finally:
        engine.dispose()
    if html_path is not None:
        try:
            html_path.write_text(html, encoding="utf-8")
        except OSError as exc:
            raise UserError(f"{html_path}: cannot write: {exc.strerror or exc}") from None
    return text


def write_default_config(path: Path, force: bool = False) -> str:
    if path.exists() and not force:
        raise UserError(f"{path}: exists already (use --force to overwrite)")
    try:
        path.write_text(starter_config(), encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return f"wrote {path}"
