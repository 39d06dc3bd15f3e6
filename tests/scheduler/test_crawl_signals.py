"""A manual `spacewatch crawl` stopped by SIGTERM or SIGINT: it ends within 5 s, with every
process it started, and keeps what it had stored."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.scheduler.service_support import add_feed, cli, descendants, wait_for, write_config

pytestmark = pytest.mark.slow


# `spacewatch` as a terminal starts it, Ctrl-C enabled: a process started in the background by a
# shell (as a CI script may start the suite) inherits SIGINT ignored, and Python keeps it so.
_WITH_CTRL_C = ("import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
                "runpy.run_module('scheduler.cli', run_name='__main__')")


def _alive(pid: int) -> bool:
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@pytest.mark.parametrize("signum, exit_status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stopped_crawl_ends_within_5_s_with_its_children_and_keeps_what_it_stored(tmp_path, site, signum,
                                                                                    exit_status):
    gate = threading.Event()  # never set while the crawl runs: the pages after the first hang
    urls = add_feed(site, "slowpoke", 4, page_gate=gate, open_pages=1, seed=41)
    config = write_config(tmp_path / "spacewatch.toml", f"sqlite:///{tmp_path / 'sw.db'}",
                          [("slowpoke", site.url("/slowpoke/feed.xml"), "1h")])
    crawl = subprocess.Popen([sys.executable, "-c", _WITH_CTRL_C, "--config", str(config), "crawl", "--quiet"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                             env=dict(os.environ))

    def stored() -> bool:
        return urls[0] in {a["url"] for a in json.loads(cli(config, "articles", "--json").stdout or "[]")}

    try:
        wait_for(lambda: any(p.startswith("/slowpoke/story-3") for p in site.paths_requested())
                 and stored(), 90, "the first article stored and a hanging page requested")
        family = descendants(crawl.pid)
        assert family, "the crawl runs in a child process"
        sent = time.monotonic()
        crawl.send_signal(signum)
        crawl.wait(5)
        wait_for(lambda: not any(_alive(pid) for pid in family), max(0.1, 5 - (time.monotonic() - sent)),
                 "every process of the crawl to end")
    finally:
        gate.set()
        if crawl.poll() is None:
            crawl.kill()
        _, err = crawl.communicate(timeout=10)
    assert crawl.returncode == exit_status, err
    assert err.strip().splitlines()[-1] == "spacewatch: interrupted"
    assert "leaked" not in err  # its children's leftovers are cleaned up, not reported to the user
    assert stored()
