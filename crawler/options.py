"""What the crawler needs to know, as frozen values; `scheduler.config` builds them from TOML.

Each class checks its own values in `__post_init__` so that a bad value is reported with the
key it came from. `__pydantic_config__` lets the config loader validate these dataclasses
directly and refuse unknown keys, without this package importing pydantic.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

SOURCE_TYPES = ("feed", "site", "sitemap")
_EVERY = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(text: str) -> int:
    """'30m' -> 1800 seconds; units s, m, h, d."""
    match = _EVERY.match(text or "")
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"{text!r} is not an interval like 30s, 15m, 2h or 1d")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def require_http_url(url: str) -> None:
    """An absolute http(s) URL with a host, no credentials, and no spaces or control characters."""
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise ValueError(f"{without_userinfo(url)!r} is not an http(s) URL: it contains a space or control "
                         "character (write a space as %20)")
    if has_userinfo(url):
        raise ValueError(f"{without_userinfo(url)!r} carries a user name or password (user:password@): "
                         "refused, credentials are never put in URLs")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is no number)
    except ValueError:
        raise ValueError(f"{url!r} is not an http(s) URL") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL")


def has_userinfo(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return parts.username is not None or parts.password is not None
    except ValueError:
        return False


def without_userinfo(url: str) -> str:
    """`url` with any `user:password@` replaced by `***@`, for messages."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    if "@" not in authority:
        return url
    return f"{scheme}://***@{authority.rsplit('@', 1)[1]}{slash}{path}"


@dataclass(frozen=True)
class SourceSpec:
    __pydantic_config__ = {"extra": "forbid"}

    name: str
    type: str
    url: str
    every: str = "1h"
    follow: tuple[str, ...] = ()
    enabled: bool = True

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("name: must not be empty")
        if self.type not in SOURCE_TYPES:
            raise ValueError(f"type: {self.type!r} is not one of {', '.join(SOURCE_TYPES)}")
        try:
            require_http_url(self.url)
        except ValueError as exc:
            raise ValueError(f"url: {exc}") from None
        try:
            parse_every(self.every)
        except ValueError as exc:
            raise ValueError(f"every: {exc}") from None
        for pattern in self.follow:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"follow: {pattern!r} is not a regular expression: {exc}") from None

    @property
    def every_seconds(self) -> int:
        return parse_every(self.every)


@dataclass(frozen=True)
class CrawlOptions:
    __pydantic_config__ = {"extra": "forbid"}

    user_agent: str = "spacewatch/1.0 (+https://github.com/spacewatch/spacewatch)"
    obey_robots: bool = True
    max_age_days: int = 0
    download_timeout: float = 20.0
    max_page_bytes: int = 5 * 1024 * 1024
    concurrency_per_domain: int = 4
    download_delay: float = 0.0
    max_pages_per_site: int = 500
    workers: int = 0  # extraction processes; 0 means one per core
    allow_private: bool = False  # fetch loopback/private addresses of hosts that are not sources

    def __post_init__(self) -> None:
        if self.max_age_days < 0:
            raise ValueError("max_age_days: must be 0 or more")
        if self.max_page_bytes < 1024:
            raise ValueError("max_page_bytes: must be at least 1024")
        if self.download_timeout <= 0:
            raise ValueError("download_timeout: must be positive")
        if self.concurrency_per_domain < 1:
            raise ValueError("concurrency_per_domain: must be at least 1")
        if self.workers < 0:
            raise ValueError("workers: must be 0 (one per core) or more")
