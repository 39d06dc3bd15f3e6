"""Download failures as one line a user can act on ("HTTP 404", "timed out after 20 s", ...)."""
from __future__ import annotations

import re

from scrapy.exceptions import (CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError,
                               DownloadFailedError, DownloadTimeoutError, IgnoreRequest, ResponseDataLossError,
                               UnsupportedURLSchemeError)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

ROBOTS_MESSAGE = "Forbidden by robots.txt"
ROBOTS_UNAVAILABLE = "robots.txt unavailable"
_STATUS_HINTS = {401: "authentication required", 403: "access denied", 404: "not found",
                 410: "gone for good: remove or update this URL", 429: "too many requests",
                 451: "unavailable for legal reasons"}
_SIZES = re.compile(r"(Expected to receive|Received) (\d+) bytes which is larger than download max size \((\d+)\)")


def is_robots_refusal(failure: Failure) -> bool:
    return failure.check(IgnoreRequest) is not None and ROBOTS_MESSAGE in str(failure.value)


def is_robots_unavailable(failure: Failure) -> bool:
    """Not fetched because robots.txt could not be read (5xx, no answer): to be tried again later."""
    return failure.check(IgnoreRequest) is not None and str(failure.value).startswith(ROBOTS_UNAVAILABLE)


def describe_failure(failure: Failure, timeout: float | None = None) -> str:
    """One line naming what went wrong with a request (the URL is added by the caller)."""
    value = failure.value
    if isinstance(value, HttpError):
        return describe_status(value.response.status, value.response.headers.get(b"Location"))
    if failure.check(DownloadTimeoutError, net.TimeoutError, net.TCPTimedOutError):
        return f"timed out after {timeout:g} s" if timeout else "timed out"
    if failure.check(CannotResolveHostError, net.DNSLookupError):
        return "host name not found (DNS lookup failed)"
    if failure.check(DownloadConnectionRefusedError, net.ConnectionRefusedError):
        return "connection refused"
    if failure.check(ResponseDataLossError, DownloadFailedError, ResponseNeverReceived, ResponseFailed,
                     net.ConnectionLost, net.ConnectionDone):
        return "connection dropped before the response was complete"
    if failure.check(UnsupportedURLSchemeError):
        return f"not an http(s) URL: {failure.value}"
    if failure.check(net.ConnectError):
        return f"cannot connect: {value}"
    name = type(value).__name__
    text = str(value).strip()
    if failure.check(DownloadCancelledError) or "larger than download max size" in text:
        return f"response larger than the size cap{_size_detail(text)}"
    if failure.check(IgnoreRequest):
        if "max redirections reached" in text:
            return "too many redirects (a redirect loop?)"
        if "DOWNLOAD_MAXSIZE" in text:
            return "response larger than the size cap after decompression (a compression bomb?)"
        if ROBOTS_MESSAGE in text:
            return "disallowed by robots.txt"
        if text.startswith(ROBOTS_UNAVAILABLE):
            return text
        return f"request dropped: {text or name}"
    return f"{name}: {text}" if text else name


def describe_status(status: int, location: bytes | None = None) -> str:
    if 300 <= status < 400:
        target = location.decode("latin-1", "replace") if location else ""
        if target and not target.lower().startswith(("http:", "https:", "/")) and ":" in target.split("/")[0]:
            return f"redirect to a non-http(s) URL refused: {target}"
        return f"HTTP {status} redirect not followed" + (f" (to {target})" if target else "")
    hint = _STATUS_HINTS.get(status)
    return f"HTTP {status} ({hint})" if hint else f"HTTP {status}"


def _size_detail(text: str) -> str:
    """Scrapy's message carries the sizes: ' (N bytes, cap M)'."""
    match = _SIZES.search(text)
    return f" ({match.group(2)} bytes, cap {match.group(3)})" if match else ""
