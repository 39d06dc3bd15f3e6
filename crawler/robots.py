"""robots.txt as RFC 9309 reads it, where Scrapy's middleware fails open.

- 2xx: the rules, read from at least the first ROBOTS_READ_BYTES of a file of any size (the
  download stops there instead of failing at the page size cap);
- 4xx (401 and 403 included), or too many redirects: no rules, everything is allowed;
- 5xx, or no answer at all (timeout, refused, dropped): everything is disallowed for this crawl,
  and the pages are not marked as seen, so the next crawl tries again.

A host the address guard refused has no rules here: its requests then fail with the guard's
own message rather than as a robots.txt problem.
"""
from __future__ import annotations

from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, StopDownload
from scrapy.http import Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler.addresses import GUARD_SETTING, url_host
from crawler.fetch_errors import ROBOTS_UNAVAILABLE, describe_failure

ROBOTS_READ_BYTES = 512 * 1024  # RFC 9309 2.5: at least 500 KiB must be parsed
# The cap for robots.txt instead of the page cap: the download itself stops at ROBOTS_READ_BYTES,
# this bounds a file declared larger and what a compressed one inflates to.
ROBOTS_MAX_BYTES = 16 * 1024 * 1024
_ROBOTS_META = "spacewatch_robots"


class Unavailable:
    """The rules of a host whose robots.txt could not be had: nothing may be fetched."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


class RobotsMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with RFC 9309's answers to errors and large files."""

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        crawler.signals.connect(self._bytes_received, signal=signals.bytes_received)

    def process_request_2(self, rp, request: Request) -> None:
        if isinstance(rp, Unavailable):
            raise IgnoreRequest(f"{ROBOTS_UNAVAILABLE} ({rp.reason}): not fetched, tried again next crawl")
        super().process_request_2(rp, request)

    async def robot_parser(self, request: Request):
        netloc = urlparse_cached(request).netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            url = urlparse_cached(request)
            robots = Request(f"{url.scheme}://{netloc}/robots.txt", priority=self.DOWNLOAD_PRIORITY,
                             callback=NO_CALLBACK, meta={"dont_obey_robotstxt": True, _ROBOTS_META: 0,
                                                         "download_maxsize": ROBOTS_MAX_BYTES})
            try:
                response = await self.crawler.engine.download_async(robots)
            except Exception as exc:  # no answer: what kind decides between "no rules" and "none allowed"
                self._settle(netloc, self._after_failure(exc, request))
            else:
                self._settle(netloc, self._rules(response))
            self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser

    def _rules(self, response: Response):
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        if response.status >= 500:
            return Unavailable(f"HTTP {response.status}")
        if not 200 <= response.status < 300:  # 4xx, or redirects past the limit: "unavailable", no rules
            return None
        return build_from_crawler(self._parserimpl, self.crawler, response.body[:ROBOTS_READ_BYTES * 2])

    def _after_failure(self, exc: Exception, request: Request):
        guard = self.crawler.settings.get(GUARD_SETTING)
        if guard is not None and guard.refusal(url_host(request.url)):
            return None
        return Unavailable(describe_failure(Failure(exc), self.crawler.settings.getfloat("DOWNLOAD_TIMEOUT")))

    def _settle(self, netloc: str, rules) -> None:
        waiting = self._parsers[netloc]
        self._parsers[netloc] = rules
        if isinstance(waiting, Deferred):
            waiting.callback(rules)

    def _bytes_received(self, data: bytes, request: Request, spider=None) -> None:
        if _ROBOTS_META not in request.meta:
            return
        request.meta[_ROBOTS_META] += len(data)
        if request.meta[_ROBOTS_META] > ROBOTS_READ_BYTES:
            raise StopDownload(fail=False)
