"""The files under `analysis/data/` (patterns and word lists kept as data), read as text."""
from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any


def read_data(name: str) -> str:
    """`analysis/data/<name>` as text."""
    return resources.files("analysis").joinpath("data", name).read_text(encoding="utf-8")


def read_data_toml(name: str) -> dict[str, Any]:
    """`analysis/data/<name>` parsed as TOML (raises tomllib.TOMLDecodeError when it is not)."""
    return tomllib.loads(read_data(name))
