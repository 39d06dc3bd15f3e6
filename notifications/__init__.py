"""From stored changes and stories to mail: the digest, alerts, their outbox and delivery.

The error classes load at once; the mail machinery (Jinja2, css-inline, SQLAlchemy) loads on
first use, so that every CLI command can catch NotificationError without paying for it.
"""
from typing import Any

from notifications.errors import DeliveryFailed, NotificationError

__all__ = ["DeliveryFailed", "NotificationError", "digest_preview", "flush_outbox", "send_alert",
           "send_pending_digest"]
_SEND = ("digest_preview", "flush_outbox", "send_alert", "send_pending_digest")


def __getattr__(name: str) -> Any:
    if name in _SEND:
        from notifications import send

        return getattr(send, name)
    raise AttributeError(f"module 'notifications' has no attribute {name!r}")
