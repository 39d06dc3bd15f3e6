"""What mail delivery and the digest need, as frozen values built by `scheduler.config`."""
from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ON_CHANGE = ("digest", "immediate")


@dataclass(frozen=True)
class MailOptions:
    """`sender` is the TOML key `from` (a Python keyword); the config loader renames it."""

    __pydantic_config__ = {"extra": "forbid"}

    to: tuple[str, ...] = ()
    sender: str = "spacewatch@localhost"
    smtp_host: str | None = None
    smtp_port: int = 25
    starttls: bool = False
    ssl: bool = False
    timeout: float = 30.0
    outbox: str = "outbox"
    list_unsubscribe: str | None = None

    def __post_init__(self) -> None:
        if self.starttls and self.ssl:
            raise ValueError("ssl: starttls and ssl cannot both be true")
        if not 0 < self.smtp_port < 65536:
            raise ValueError(f"smtp_port: {self.smtp_port} is not a TCP port")
        if self.smtp_host and not self.to:
            raise ValueError("to: must list at least one recipient when smtp_host is set")


@dataclass(frozen=True)
class DigestOptions:
    __pydantic_config__ = {"extra": "forbid"}

    schedule: str = "0 8 * * *"
    timezone: str = "UTC"
    send_when_empty: bool = False
    on_change: str = "digest"
    max_attempts: int = 10

    def __post_init__(self) -> None:
        if self.on_change not in ON_CHANGE:
            raise ValueError(f"on_change: {self.on_change!r} is not one of {', '.join(ON_CHANGE)}")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"timezone: {self.timezone!r} is not an IANA time zone name") from None
