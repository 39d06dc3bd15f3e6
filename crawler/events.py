"""Log records as events: a name and fields, the shape `scheduler.logs` writes one line for.

The crawl process inherits the command's log handlers when it is forked from it; `fallback_handler`
serves the rare caller that set none up (a test or benchmark calling the crawler directly).
"""
from __future__ import annotations

import logging
import sys
from typing import Any


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log the event `name` with `fields` (None values are left out)."""
    logger.log(level, name, extra={"fields": {k: v for k, v in fields.items() if v is not None}})


class _EventFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", None)
        head = f"ts={self.formatTime(record, '%Y-%m-%dT%H:%M:%S')} level={record.levelname.lower()}"
        if fields is None:
            return f"{head} event={record.name} msg={record.getMessage()!r}"
        return " ".join([f"{head} event={record.msg}", *(f"{k}={v!r}" for k, v in fields.items())])


def fallback_handler() -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_EventFormatter())
    return handler
