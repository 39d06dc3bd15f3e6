"""`spacewatch demo` works on a machine with no internet: the newcomer's first minute."""
from __future__ import annotations

import json
import re
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


def _demo(folder, cwd) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scheduler.cli", "demo", "--dir", str(folder)], cwd=cwd,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)


@pytest.mark.slow
def test_the_demo_twice_in_a_row_sends_a_digest_each_time_and_its_counts_agree(tmp_path):
    from tests.scheduler.test_cli import LOG_LINE

    folder = tmp_path / "demo"
    for run_number in (1, 2):
        run = _demo(folder, tmp_path)
        assert run.returncode == 0, run.stderr
        sent = re.search(r"sent digest \S+: (\d+) changes?.*?, (\d+) stor(?:y|ies) to", run.stdout)
        assert sent, (run_number, run.stdout)
        told = re.search(r"^(\d+) stor(?:y|ies) from the crawl, as in the digest", run.stdout, re.M)
        assert told and told.group(1) == sent.group(2), run.stdout
        assert all(LOG_LINE.match(line) for line in run.stderr.splitlines()), run.stderr
        assert len(list((folder / "outbox" / "new").iterdir())) == 1  # this run's digest, not an old one
    crawl = subprocess.run([sys.executable, "-m", "scheduler.cli", "--config", str(folder / "spacewatch.toml"),
                            "crawl"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert crawl.returncode == 2 and crawl.stderr.count("\n") == 1 and "enabled = false" in crawl.stderr
