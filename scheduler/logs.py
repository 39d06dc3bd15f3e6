"""Structured service logs: one line per event on stderr, `key=value` (default) or JSON.

    ts=2026-11-26T08:00:00.123Z level=info event=crawl.finished sources=orbit-daily new=3 exit=0
    {"ts": "2026-11-26T08:00:00.123Z", "level": "info", "event": "crawl.finished", ...}

Callers log through `event(logger, "crawl.finished", sources=..., new=3)`. Records of other
libraries (APScheduler warnings) get `event=<logger name>` and their message as `msg`.
"""
from __future__ import annotations

import json
import logging
import re
import sys
from datetime import datetime, timezone
from typing import IO, Any

LOGGER = "spacewatch"
FORMATS = ("text", "json")
_BARE = re.compile(r"^[A-Za-z0-9_.:/@+,-]+$")


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log the event `name` with `fields` (None values are left out)."""
    logger.log(level, name, extra={"fields": {k: v for k, v in fields.items() if v is not None}})


def _record_fields(record: logging.LogRecord) -> dict[str, Any]:
    ts = datetime.fromtimestamp(record.created, timezone.utc)
    head: dict[str, Any] = {"ts": ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z",
                            "level": record.levelname.lower()}
    fields = getattr(record, "fields", None)
    if fields is None:
        head["event"] = record.name
        head["msg"] = record.getMessage()
    else:
        head["event"] = record.msg
        head.update(fields)
    if record.exc_info and record.exc_info[1] is not None:
        head["error"] = f"{type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
    return head


def _text_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        value = value.isoformat()
    elif isinstance(value, (list, tuple, set, frozenset)):
        value = ",".join(str(v) for v in value)
    text = str(value)
    if text and _BARE.match(text):
        return text
    return json.dumps(text, ensure_ascii=False)  # quoted, with quotes and newlines escaped


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return " ".join(f"{key}={_text_value(value)}" for key, value in _record_fields(record).items())


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_record_fields(record), ensure_ascii=False, default=str)


def setup(log_format: str = "text", stream: IO[str] | None = None) -> logging.Logger:
    """The service's logger, writing one line per event to `stream` (stderr) in `log_format`."""
    if log_format not in FORMATS:
        raise ValueError(f"log format {log_format!r} is not one of {', '.join(FORMATS)}")
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else KeyValueFormatter())
    # APScheduler's info lines ("Running job ...") are noise here: its warnings and errors only
    for name, level in ((LOGGER, logging.INFO), ("apscheduler", logging.WARNING)):
        logger = logging.getLogger(name)
        for old in list(logger.handlers):
            logger.removeHandler(old)
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False
    return logging.getLogger(LOGGER)
