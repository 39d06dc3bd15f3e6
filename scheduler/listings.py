"""The read-only listings (`articles`, `stories`, `facts`, `changes`) as JSON-ready rows,
newest first, optionally only since a time, of one source, or the first N."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select

from scheduler.config import Config
from scheduler.errors import UserError
from storage import repository
from storage.db import open_database
from storage.models import Article

_HUMAN_COLUMNS = {
    "articles": ("published_at", "source", "relevant", "title", "url"),
    "stories": ("id", "last_seen", "title", "urls"),
    "facts": ("subject", "attribute", "value", "published_at", "article_url"),
    "changes": ("detected_at", "subject", "attribute", "old", "new", "article_url"),
}
# the time a row is sorted and filtered by (facts keep their subject/attribute order)
_WHEN = {"articles": ("published_at", "fetched_at"), "stories": ("last_seen",), "facts": ("published_at",),
         "changes": ("detected_at",)}


@dataclass(frozen=True)
class Filters:
    since: datetime | None = None
    source: str | None = None
    limit: int | None = None


def parse_since(text: str) -> datetime:
    """`2026-03-01` or `2026-03-01T08:00[+01:00]` (UTC when no offset is given)."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"--since {text!r}: not a date like 2026-03-01 or 2026-03-01T08:00") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def listing(config: Config, name: str, *, text: bool = False, relevant_only: bool = False,
            filters: Filters = Filters()) -> list[dict[str, Any]]:
    engine, factory = open_database(config.database.url)
    try:
        with factory() as session:
            if name == "articles":
                rows = repository.article_rows(session, with_text=text, relevant_only=relevant_only)
            elif name == "stories":
                rows = repository.story_rows(session)
            elif name == "facts":
                rows = repository.fact_rows(session)
            else:
                rows = repository.change_rows(session)
            sources = {} if filters.source is None or name == "articles" else {
                url: source for url, source in session.execute(select(Article.url, Article.source))}
    finally:
        engine.dispose()
    return select_rows(name, rows, filters, sources)


def select_rows(name: str, rows: list[dict[str, Any]], filters: Filters,
                sources: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """`rows` newest first (facts: by subject and detail), filtered and cut as `filters` say."""
    if filters.source is not None:
        rows = [row for row in rows if filters.source in _sources_of(name, row, sources or {})]
    if filters.since is not None:
        since = filters.since.astimezone(timezone.utc)
        rows = [row for row in rows if (when := _when(name, row)) is not None and when >= since]
    if name != "facts":
        rows = sorted(rows, key=lambda row: _when(name, row) or datetime.min.replace(tzinfo=timezone.utc),
                      reverse=True)
    return rows if filters.limit is None else rows[:filters.limit]


def _when(name: str, row: dict[str, Any]) -> datetime | None:
    for key in _WHEN[name]:
        if row.get(key):
            return datetime.fromisoformat(row[key]).astimezone(timezone.utc)
    return None


def _sources_of(name: str, row: dict[str, Any], sources: dict[str, str]) -> set[str]:
    if name == "articles":
        return {row["source"]}
    if name == "stories":
        return {sources[url] for url in row["urls"] if url in sources}
    return {sources[row["article_url"]]} if row.get("article_url") in sources else set()


def human(name: str, rows: list[dict[str, Any]]) -> str:
    """A header line, then one line per row, tab-separated, for people and grep."""
    if not rows:
        return f"no {name}"
    columns = _HUMAN_COLUMNS[name]
    lines = ["\t".join(columns)]
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column)
            if isinstance(value, list):
                value = f"{len(value)} article(s)"
            cells.append("-" if value is None else str(value))
        lines.append("\t".join(cells))
    return "\n".join(lines)
