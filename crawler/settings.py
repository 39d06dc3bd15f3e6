"""Scrapy settings built from the crawl options: politeness, limits, retries, the pipeline."""
from __future__ import annotations

from typing import Any

from crawler.options import CrawlOptions
from storage.models import URL_MAX_LENGTH

ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
MAX_RETRY_AFTER_SECONDS = 30.0   # a longer Retry-After is honoured by skipping the source until then
REDIRECT_MAX_TIMES = 10
# Pages fetched ahead of analysis: enough to keep the workers busy (~250 news pages), not more.
RESPONSES_IN_FLIGHT_BYTES = 2_000_000
MIN_ACTIVE_BYTES = 100_000
UNUSED_EXTENSIONS = ("logstats.LogStats", "telnet.TelnetConsole", "memusage.MemoryUsage", "memdebug.MemoryDebugger",
                     "closespider.CloseSpider", "feedexport.FeedExporter", "spiderstate.SpiderState",
                     "remote_control.RemoteControl")


def scrapy_settings(options: CrawlOptions, sources: int = 1) -> dict[str, Any]:
    """Settings shared by every spider of one crawl of `sources` sources."""
    per_domain = options.concurrency_per_domain
    return {
        "BOT_NAME": "spacewatch",
        "USER_AGENT": options.user_agent,
        "ROBOTSTXT_OBEY": options.obey_robots,
        "ROBOTSTXT_USER_AGENT": options.user_agent,
        "TWISTED_REACTOR": ASYNCIO_REACTOR,
        "CONCURRENT_REQUESTS": max(16, per_domain * 4),
        "CONCURRENT_REQUESTS_PER_DOMAIN": per_domain,
        "DOWNLOAD_DELAY": options.download_delay,
        # AutoThrottle widens the delay when a server slows down; it starts low so that a
        # crawl of a handful of pages is not dominated by the initial delay.
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": max(options.download_delay, 0.1),
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(per_domain),
        "DOWNLOAD_TIMEOUT": options.download_timeout,
        "DOWNLOAD_MAXSIZE": options.max_page_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 2,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "RETRY_GIVE_UP_LOG_LEVEL": "INFO",
        "SPACEWATCH_MAX_RETRY_AFTER": MAX_RETRY_AFTER_SECONDS,
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.middlewares.FetchStartMiddleware": 40,  # before RobotsTxtMiddleware (100)
            "crawler.middlewares.FetchBudgetMiddleware": 120,  # after it, before DownloadTimeoutMiddleware
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawler.robots.RobotsMiddleware": 100,
            "crawler.middlewares.RetryAfterMiddleware": 550,
            "crawler.middlewares.NoCredentialsInUrlMiddleware": 50,
        },
        "REDIRECT_MAX_TIMES": REDIRECT_MAX_TIMES,
        "URLLENGTH_LIMIT": URL_MAX_LENGTH,  # one limit: what the database stores
        # every connection goes through this resolver, which refuses internal addresses
        "TWISTED_DNS_RESOLVER": "crawler.addresses.GuardedResolver",
        # a source's URL is never sent to another origin
        "REFERRER_POLICY": "same-origin",
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "HTTPCACHE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        # Scrapy's own handler writes nothing: its errors reach stderr as one line each through
        # the crawl's handlers (crawler.process), the format the whole command logs in
        "LOG_ENABLED": False,
        "LOG_INSTALL_ROOT_HANDLER": True,
        "LOG_STDOUT": False,
        "ITEM_PIPELINES": {"crawler.pipelines.AnalysePipeline": 300},
        # a page yields one item and a feed a hundred requests: Scrapy starts this many tasks per
        # response to process them, and its default of 100 costs ~1 ms of CPU a page
        "CONCURRENT_ITEMS": 8,
        # Each source has its own Scrapy engine, and each engine stops fetching while this many
        # bytes of responses wait to be analysed and stored: the crawl as a whole holds about
        # RESPONSES_IN_FLIGHT_BYTES, however many sources it has.
        "SCRAPER_SLOT_MAX_ACTIVE_SIZE": max(MIN_ACTIVE_BYTES, RESPONSES_IN_FLIGHT_BYTES // max(sources, 1)),
        # Only what a crawl uses (stats, AutoThrottle): no telnet or remote-control port, and no
        # fetching of data:, file:, s3: or ftp: URLs.
        "EXTENSIONS": {f"scrapy.extensions.{path}": None for path in UNUSED_EXTENSIONS},
        "DOWNLOAD_HANDLERS": {scheme: None for scheme in ("data", "file", "s3", "ftp")},
    }
