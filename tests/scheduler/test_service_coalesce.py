"""After downtime a job runs once, not once per missed slot: the service's scheduler coalesces."""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta, timezone

from apscheduler.events import EVENT_JOB_EXECUTED
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.config import Config, DatabaseOptions
from scheduler.service import ConfigFile, Service


def test_missed_runs_are_coalesced_into_one(tmp_path):
    config = Config(database=DatabaseOptions(url=f"sqlite:///{tmp_path / 'sw.db'}"))
    service = Service(config, b"", ConfigFile(None, tmp_path), logging.getLogger("test.coalesce"))
    runs: list[datetime] = []
    executed = threading.Event()
    service.scheduler.add_listener(lambda event: executed.set(), EVENT_JOB_EXECUTED)
    now = datetime.now(timezone.utc)
    # ten slots of a 60 s interval were missed while the service was down
    service.scheduler.add_job(lambda: runs.append(datetime.now(timezone.utc)),
                              IntervalTrigger(seconds=60, start_date=now - timedelta(minutes=10)),
                              id="poll", misfire_grace_time=3600, next_run_time=now - timedelta(minutes=10))
    service.scheduler.start()
    try:
        assert executed.wait(10), "the job never ran"
    finally:
        service.scheduler.shutdown(wait=True)
        service.locks.close()
    assert len(runs) == 1
