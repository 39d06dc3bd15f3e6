"""`spacewatch demo` works on a machine with no internet: the newcomer's first minute."""
from __future__ import annotations

import json
import subprocess
import sys
from email import message_from_bytes, policy

import pytest


@pytest.mark.slow
def test_demo_crawls_the_sample_world_and_writes_one_digest(tmp_path):
    folder = tmp_path / "demo"
    run = subprocess.run([sys.executable, "-m", "scheduler.cli", "demo", "--dir", str(folder)], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr
    assert "0 errors" in run.stdout and "sent digest" in run.stdout

    mails = list((folder / "outbox" / "new").iterdir())
    assert len(mails) == 1
    digest = message_from_bytes(mails[0].read_bytes(), policy=policy.default)
    assert digest.get_body(("html",)) is not None and digest.get_body(("plain",)) is not None

    config = str(folder / "spacewatch.toml")
    stories = json.loads(subprocess.run([sys.executable, "-m", "scheduler.cli", "--config", config, "stories",
                                         "--json"], capture_output=True, text=True, timeout=60).stdout)
    facts = json.loads(subprocess.run([sys.executable, "-m", "scheduler.cli", "--config", config, "facts",
                                       "--json"], capture_output=True, text=True, timeout=60).stdout)
    assert len(stories) >= 3
    assert {f["attribute"] for f in facts} >= {"cast", "director", "release_date"}
