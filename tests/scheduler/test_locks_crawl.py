"""Two crawls of one source never run at once: a busy source is skipped, or waited for with --wait."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from storage.locks import open_locks, source_lock
from tests.scheduler.service_support import add_feed, cli, feed_requests, write_config

pytestmark = pytest.mark.slow


def test_a_busy_source_is_skipped_and_the_others_crawled(tmp_path, site):
    add_feed(site, "held", 1, seed=21)
    add_feed(site, "free", 1, seed=22)
    db = f"sqlite:///{tmp_path / 'sw.db'}"
    config = write_config(tmp_path / "spacewatch.toml", db, [("held", site.url("/held/feed.xml"), "1h"),
                                                              ("free", site.url("/free/feed.xml"), "1h")])
    with open_locks(db) as locks:
        assert locks.try_acquire(source_lock("held"))
        result = cli(config, "crawl")
        assert result.returncode == 0, result.stderr
        assert "skipped held: another crawl is running it" in result.stdout
        assert feed_requests(site, "held") == 0 and feed_requests(site, "free") == 1

        alone = cli(config, "crawl", "held")
        assert alone.returncode == 0 and "skipped held" in alone.stdout and feed_requests(site, "held") == 0


def test_wait_waits_for_the_other_crawl(tmp_path, site):
    add_feed(site, "held", 1, seed=23)
    db = f"sqlite:///{tmp_path / 'sw.db'}"
    config = write_config(tmp_path / "spacewatch.toml", db, [("held", site.url("/held/feed.xml"), "1h")])
    with open_locks(db) as locks:
        assert locks.try_acquire(source_lock("held"))
        waiting = subprocess.Popen([sys.executable, "-m", "scheduler.cli", "--config", str(config), "crawl", "--wait",
                                    "held"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   cwd=tmp_path, env=dict(os.environ))
        try:
            with pytest.raises(subprocess.TimeoutExpired):
                waiting.wait(timeout=4)  # it must still be waiting: the lock is held
            assert feed_requests(site, "held") == 0
            locks.release(source_lock("held"))
            out, err = waiting.communicate(timeout=120)
        finally:
            if waiting.poll() is None:
                waiting.kill()
    assert waiting.returncode == 0, err
    assert "crawled 1 source(s)" in out and feed_requests(site, "held") == 1
