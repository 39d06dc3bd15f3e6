"""What mail delivery and the digest need, as frozen values built by `scheduler.config`."""
from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ON_CHANGE = ("digest", "immediate")
UNSUBSCRIBE_SCHEMES = ("mailto", "https", "http")


def check_address(text: str) -> None:
    """A bare address or `Name <address>`, on one line, with a domain."""
    _, address = parseaddr(text)
    if any(c in text for c in "\r\n") or "@" not in address or address.startswith("@") or address.endswith("@") \
            or any(c.isspace() for c in address):
        raise ValueError(f"{text!r} is not an e-mail address")


def bare_uri(uri: str) -> str:
    """A List-Unsubscribe URI without the angle brackets the config may give it."""
    return uri.strip().removeprefix("<").removesuffix(">")


def check_unsubscribe(uri: str) -> None:
    """A `mailto:` or http(s) URI for the List-Unsubscribe header (RFC 2369)."""
    bare = bare_uri(uri)
    parts = urlsplit(bare)
    if parts.scheme not in UNSUBSCRIBE_SCHEMES or any(c.isspace() or c in "<>" for c in bare) \
            or (parts.scheme != "mailto" and not parts.hostname) or (parts.scheme == "mailto" and "@" not in bare):
        raise ValueError(f"{uri!r} is not a mailto: or http(s) URI")


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
        if not 0 < self.timeout <= 3600:
            raise ValueError(f"timeout: {self.timeout} is not a number of seconds between 0 and 3600")
        for field_name, values in (("to", self.to), ("sender", (self.sender,))):
            for value in values:
                try:
                    check_address(value)
                except ValueError as exc:
                    raise ValueError(f"{field_name}: {exc}") from None
        if self.list_unsubscribe is not None:
            try:
                check_unsubscribe(self.list_unsubscribe)
            except ValueError as exc:
                raise ValueError(f"list_unsubscribe: {exc}") from None


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
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts: {self.max_attempts} must be at least 1")


@dataclass(frozen=True)
class NotifyOptions:
    """`[notify] urls`: Apprise URLs that get every alert (with `[digest] on_change = "immediate"`)."""

    __pydantic_config__ = {"extra": "forbid"}

    urls: tuple[str, ...] = ()
    timeout: float = 15.0

    def __post_init__(self) -> None:
        if not 0 < self.timeout <= 600:
            raise ValueError(f"timeout: {self.timeout} is not a number of seconds between 0 and 600")
        if self.urls:
            import apprise

            for url in self.urls:
                if not apprise.Apprise().add(url):
                    raise ValueError(f"urls: {url.split(':', 1)[0]!r}... is not an Apprise URL it can use")
