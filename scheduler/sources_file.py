"""Edits of the `[[sources]]` of a config file that keep its comments and layout (tomlkit).

Every edit is checked by loading the result as a config before the file is replaced, and the
file is replaced atomically, so a running service reloading it never sees half an edit.
"""
from __future__ import annotations

import os
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from scheduler.config import ConfigError, parse_config
from scheduler.errors import UserError


def _load(path: Path, missing_ok: bool = False) -> tomlkit.TOMLDocument:
    if missing_ok and not path.exists():
        return tomlkit.document()
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (TOMLKitError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _save(path: Path, doc: tomlkit.TOMLDocument) -> None:
    text = tomlkit.dumps(doc)
    parse_config(tomlkit.parse(text).unwrap(), str(path))  # refuse to write a config that would not load
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def set_enabled(path: Path, name: str, enabled: bool) -> str:
    """Pause (`enabled = false`) or resume a source; the line says what was done."""
    doc = _load(path)
    for table in doc.get("sources", []):
        if table.get("name") == name:
            if enabled:
                if "enabled" in table:
                    del table["enabled"]
            else:
                table["enabled"] = False
            _save(path, doc)
            return f"{name}: {'resumed' if enabled else 'paused'} (in {path})"
    raise UserError(f"{path}: no source named {name!r}")


def _table(name: str, kind: str, url: str, every: str, follow: list[str]) -> tomlkit.items.Table:
    table = tomlkit.table()
    table["name"] = name
    table["type"] = kind
    table["url"] = url
    table["every"] = every
    if follow:
        table["follow"] = follow
    return table


def add_sources(path: Path, sources: list[tuple[str, str, str, str, list[str]]]) -> None:
    """Append [[sources]] entries (name, type, url, every, follow); the file is created when missing."""
    doc = _load(path, missing_ok=True)
    if "sources" not in doc:
        doc["sources"] = tomlkit.aot()
    existing = {table.get("name") for table in doc["sources"]}
    for name, kind, url, every, follow in sources:
        if name in existing:
            raise UserError(f"{path}: a source named {name!r} exists already")
        existing.add(name)
        doc["sources"].append(_table(name, kind, url, every, follow))
    try:
        _save(path, doc)
    except ConfigError as exc:
        raise UserError(str(exc)) from None


def add_source(path: Path, name: str, kind: str, url: str, every: str, follow: list[str]) -> str:
    add_sources(path, [(name, kind, url, every, follow)])
    return f"added {name} ({kind}, every {every}) to {path}"


def remove_source(path: Path, name: str) -> str:
    doc = _load(path)
    tables = doc.get("sources", [])
    for index, table in enumerate(tables):
        if table.get("name") == name:
            del tables[index]
            if not tables:
                del doc["sources"]
            _save(path, doc)
            return f"removed {name} from {path}"
    raise UserError(f"{path}: no source named {name!r}")
