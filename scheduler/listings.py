"""The read-only listings (`articles`, `stories`, `facts`, `changes`): rows newest first (facts
by subject and detail), optionally only since a time, of one source, or the first N, all
chosen in SQL; rows are read, encoded and written a chunk at a time, so a listing of any
length takes the memory of one chunk."""
from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TextIO

from scheduler.config import Config
from scheduler.errors import UserError
from storage import repository
from storage.db import open_database

_HUMAN_COLUMNS = {
    "articles": ("published_at", "source", "relevant", "title", "url"),
    "stories": ("id", "last_seen", "title", "urls"),
    "facts": ("subject", "attribute", "value", "published_at", "article_url"),
    "changes": ("detected_at", "subject", "attribute", "old", "new", "article_url"),
}
_WRITE_EVERY = 500  # rows encoded before a write to the output


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


def rows(config: Config, name: str, *, text: bool = False, relevant_only: bool = False,
         filters: Filters = Filters()) -> Iterator[dict[str, Any]]:
    """The rows of listing `name`, as they are read from the database (which stays open until
    they have all been taken or the iterator is closed). The time `since` is compared with:
    articles: published, else fetched; stories: last seen; facts: published; changes: detected."""
    engine, factory = open_database(config.database.url)
    narrowed = {"since": filters.since, "source": filters.source, "limit": filters.limit}
    try:
        with factory() as session:
            if name == "articles":
                yield from repository.article_rows(session, with_text=text, relevant_only=relevant_only, **narrowed)
            elif name == "stories":
                yield from repository.story_rows(session, **narrowed)
            elif name == "facts":
                yield from repository.fact_rows(session, **narrowed)
            else:
                yield from repository.change_rows(session, **narrowed)
    finally:
        engine.dispose()


def listing(config: Config, name: str, *, text: bool = False, relevant_only: bool = False,
            filters: Filters = Filters()) -> list[dict[str, Any]]:
    """The rows of listing `name`, all in a list (for short listings)."""
    return list(rows(config, name, text=text, relevant_only=relevant_only, filters=filters))


def write_json(listed: Iterable[dict[str, Any]], out: TextIO) -> None:
    """The rows as a JSON array, byte for byte what `json.dump(list(listed), out,
    ensure_ascii=False, indent=1)` and a newline write, but a chunk of rows at a time."""
    parts, written = ["["], 0
    for row in listed:
        parts.append(",\n " if written else "\n ")
        parts.append(_encode(row))
        written += 1
        if len(parts) >= 2 * _WRITE_EVERY:
            out.write("".join(parts))
            parts = []
    parts.append("\n]\n" if written else "]\n")
    out.write("".join(parts))


_SCALARS = frozenset({str, int, float, bool, type(None)})
# json.dumps(indent=1) runs the Python encoder, twice as slow as the C one, which does not
# indent; but a flat row needs no more than its item separator to carry the newline and indent
_flat_row = json.JSONEncoder(ensure_ascii=False, separators=(",\n  ", ": ")).encode


def _encode(row: dict[str, Any]) -> str:
    """`row` as json.dumps(ensure_ascii=False, indent=1) writes it as an item of a list."""
    if row and _SCALARS.issuperset(map(type, row.values())):
        return "{\n  " + _flat_row(row)[1:-1] + "\n }"
    return json.dumps(row, ensure_ascii=False, indent=1).replace("\n", "\n ")  # no string holds a newline


def write_human(name: str, listed: Iterable[dict[str, Any]], out: TextIO) -> None:
    """A header line, then one line per row, tab-separated, for people and grep ("no NAME" for none)."""
    columns = _HUMAN_COLUMNS[name]
    lines, written = ["\t".join(columns)], 0
    for row in listed:
        lines.append("\t".join(_cell(row.get(column)) for column in columns))
        written += 1
        if len(lines) >= _WRITE_EVERY:
            out.write("\n".join(lines) + "\n")
            lines = []
    if not written:
        lines = [f"no {name}"]
    if lines:
        out.write("\n".join(lines) + "\n")


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return f"{len(value)} article(s)"
    return "-" if value is None else str(value)


def human(name: str, listed: Iterable[dict[str, Any]]) -> str:
    """`write_human`'s text, without the last newline."""
    out = io.StringIO()
    write_human(name, listed, out)
    return out.getvalue().removesuffix("\n")
