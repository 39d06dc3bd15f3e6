"""What a fresh clone and an installed package give a new user: no build output in git, a
starter config that stands on its own, README commands that work as written."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from scheduler.config import starter_config

ROOT = Path(__file__).resolve().parents[1]


def test_no_tracked_file_is_one_git_ignores():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files", "--cached", "--ignored", "--exclude-standard"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    assert tracked == []


def test_the_starter_config_points_at_nothing_the_package_does_not_ship():
    text = starter_config()
    assert not re.search(r"docs/|\.md\b", text)
    assert "seed" not in text.lower()  # the project's own wording, not a user's
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert any("Relative paths" in line for line in comments)


def test_the_readme_commands_name_the_virtualenv():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```sh\n(.*?)\n```", readme, re.S).group(1).splitlines()
    assert first == ["python3 -m venv .venv && .venv/bin/pip install -e '.[dev]' && .venv/bin/spacewatch demo",
                     ".venv/bin/python -m pytest -n 2"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert first[1] in ci.splitlines()  # CI runs the README's test command, as it is written
    check = re.search(r"`([^`]*scenario_check\.py[^`]*)`", readme).group(1)
    assert check.startswith(".venv/bin/python ") and '--spacewatch "$PWD/.venv/bin/spacewatch"' in check
