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


def _load(path: Path) -> tomlkit.TOMLDocument:
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
