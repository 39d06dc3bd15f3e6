"""Downloader middleware: Scrapy's retries, made to honour a server's `Retry-After`, and one
time budget per fetch (DOWNLOAD_TIMEOUT) that covers its robots.txt, retries and redirects."""
from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.response import response_status_message

from crawler.options import has_userinfo
from crawler.settings import MAX_RETRY_AFTER_SECONDS

BACKOFF_STATUSES = (429, 503)
FETCH_STARTED = "spacewatch_fetch_started"  # request meta: (redirect hop, when its first try began)


def budget_left(request: Request, timeout: float) -> float:
    """Seconds left of the fetch's `timeout` (the whole of it before the first try)."""
    started = request.meta.get(FETCH_STARTED)
    return timeout if started is None else timeout - (time.monotonic() - started[1])


class FetchStartMiddleware:
    """Notes when a fetch began, before robots.txt is awaited (runs before RobotsTxtMiddleware).
    Each hop of a redirect is a fetch of its own (a redirect loop is reported as one)."""

    def process_request(self, request: Request) -> None:
        hop = request.meta.get("redirect_times", 0)
        started = request.meta.get(FETCH_STARTED)
        if started is None or started[0] != hop:
            request.meta[FETCH_STARTED] = (hop, time.monotonic())


class FetchBudgetMiddleware:
    """Gives each try of a fetch what is left of DOWNLOAD_TIMEOUT, so that a host that never
    answers costs one timeout, not one for robots.txt and one for each retry of each request."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "FetchBudgetMiddleware":
        return cls(crawler.settings.getfloat("DOWNLOAD_TIMEOUT"))

    def process_request(self, request: Request) -> None:
        left = budget_left(request, self.timeout)
        if left <= 0:
            request.meta["dont_retry"] = True
            raise DownloadTimeoutError(f"timed out after {self.timeout:g} s")
        request.meta["download_timeout"] = left


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """`Retry-After` as seconds from now: delta-seconds or an HTTP date; None when absent or bad."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Retries 5xx/429 like Scrapy's own, but waits as long as `Retry-After` asks first.

    A wait longer than SPACEWATCH_MAX_RETRY_AFTER is not waited for in this crawl: the response
    goes to the spider, which records when the server wants us back.
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("SPACEWATCH_MAX_RETRY_AFTER", MAX_RETRY_AFTER_SECONDS)
        self.timeout = settings.getfloat("DOWNLOAD_TIMEOUT")

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = None
        if response.status in BACKOFF_STATUSES:
            wait = retry_after_seconds(response.headers.get(b"Retry-After"))
            if wait is not None and wait > min(self.max_wait, budget_left(request, self.timeout)):
                return response  # not waited for in this crawl: the spider records when to come back
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        if wait is not None:
            await asyncio.sleep(wait)
        return retry


class NoCredentialsInUrlMiddleware:
    """Refuses any request whose URL carries `user:password@`: a link, a redirect, a meta refresh.

    Credentials in a URL end up in logs, errors and Referer headers; spacewatch takes none.
    """

    def process_request(self, request: Request) -> None:
        if has_userinfo(request.url):
            raise IgnoreRequest("the URL carries a user name or password (user:password@): refused")
