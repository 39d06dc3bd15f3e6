"""The data files behind detail extraction (`analysis/data/`): cue patterns and the gazetteers."""
from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from analysis.datafiles import read_data, read_data_toml


@lru_cache(maxsize=1)
def load_patterns() -> dict[str, Any]:
    """analysis/data/details.toml, parsed once per process."""
    try:
        return read_data_toml("details.toml")
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"analysis/data/details.toml: {exc}") from None


@dataclass(frozen=True)
class Gazetteer:
    """Names matched by one compiled alternation; `{1}` in a name is the pattern's first group."""

    pattern: re.Pattern[str]
    names: tuple[str, ...]

    def find(self, text: str) -> list[tuple[int, int, str]]:
        found = []
        for m in self.pattern.finditer(text):
            index = m.lastgroup
            if index is None:
                continue
            n = int(index[1:])
            name = self.names[n]
            if "{1}" in name:
                group = m.group(f"g{n}_1")
                name = name.replace("{1}", group.upper() if group else "")
            found.append((m.start(), m.end(), name))
        return found


def _gazetteer(file: str) -> Gazetteer:
    rows = list(csv.DictReader(io.StringIO(read_data(file))))
    parts, names = [], []
    for n, row in enumerate(rows):
        name, pattern = row["name"].strip(), row["pattern"].strip()
        if not name or not pattern:
            raise ValueError(f"analysis/data/{file}: row {n + 2}: name and pattern are required")
        # Name the first capturing group so the value template can use it.
        renamed = re.sub(r"\((?!\?)", f"(?P<g{n}_1>", pattern, count=1)
        try:
            re.compile(renamed)
        except re.error as exc:
            raise ValueError(f"analysis/data/{file}: row {n + 2}: bad pattern {pattern!r}: {exc}") from None
        parts.append(f"(?P<g{n}>{renamed})")
        names.append(name)
    return Gazetteer(re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w])"), tuple(names))


@lru_cache(maxsize=1)
def launch_sites() -> Gazetteer:
    return _gazetteer("launch_sites.csv")


@lru_cache(maxsize=1)
def spacecraft() -> Gazetteer:
    return _gazetteer("spacecraft.csv")
