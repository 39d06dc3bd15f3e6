"""The read-only listings (`articles`, `stories`, `facts`, `changes`) as JSON-ready rows."""
from __future__ import annotations

from typing import Any

from scheduler.config import Config
from storage import repository
from storage.db import open_database

_HUMAN_COLUMNS = {
    "articles": ("published_at", "source", "relevant", "title", "url"),
    "stories": ("id", "title", "first_seen", "urls"),
    "facts": ("subject", "attribute", "value", "article_url"),
    "changes": ("detected_at", "subject", "attribute", "old", "new", "article_url"),
}


def listing(config: Config, name: str, *, text: bool = False, relevant_only: bool = False) -> list[dict[str, Any]]:
    engine, factory = open_database(config.database.url)
    try:
        with factory() as session:
            if name == "articles":
                return repository.article_rows(session, with_text=text, relevant_only=relevant_only)
            if name == "stories":
                return repository.story_rows(session)
            if name == "facts":
                return repository.fact_rows(session)
            return repository.change_rows(session)
    finally:
        engine.dispose()


def human(name: str, rows: list[dict[str, Any]]) -> str:
    """One line per row, tab-separated, for people and grep."""
    if not rows:
        return f"no {name}"
    columns = _HUMAN_COLUMNS[name]
    lines = []
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column)
            if isinstance(value, list):
                value = f"{len(value)} article(s)"
            cells.append("-" if value is None else str(value))
        lines.append("\t".join(cells))
    return "\n".join(lines)
