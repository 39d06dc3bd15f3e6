"""The crawl itself, in the process `crawler.run` starts for it: Scrapy, the analysis pool, storing."""
from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings
from sqlalchemy import select

from crawler.addresses import GUARD_SETTING, AddressGuard
from crawler.ingest import Ingestor
from crawler.pipelines import STORE_SETTING, Store
from crawler.progress import Counts, Progress
from crawler.report import CrawlJob, CrawlReport, SourceReport
from crawler.settings import scrapy_settings
from crawler.spiders.base import KnownUrls
from crawler.spiders.feed import FeedSpider
from crawler.spiders.site import SiteSpider
from crawler.spiders.sitemap import SitemapSpider
from storage.db import make_engine, session_factory
from storage.models import Article

log = logging.getLogger("spacewatch.crawl")
TICK_SECONDS = 0.25
PR_SET_PDEATHSIG = 1


def crawl_here(job: CrawlJob) -> CrawlReport:
    """Run the whole crawl in this process (which must not have run a Twisted reactor yet)."""
    clock = time.monotonic()
    _configure_logging(job.progress)
    reports = {spec.name: SourceReport(spec.name) for spec in job.specs}
    workers = job.options.workers or os.cpu_count() or 1
    # Fork the workers now, while this process has no threads and no database connections.
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_worker_setup)
    try:
        list(pool.map(_ready, range(workers)))
        engine = make_engine(job.db_url)
        try:
            factory = session_factory(engine)
            with factory() as session:
                stored = session.execute(select(Article.url, Article.canonical_url)).all()
            known = KnownUrls(url for row in stored for url in row)
            store = Store(pool, Ingestor(factory), job.rules, reports)
            try:
                _run_spiders(job, reports, known, store)
            finally:
                store.close()
        finally:
            engine.dispose()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    for report in reports.values():
        problem = report.problem()
        log.info("source=%s status=%s fetched=%d new=%d duplicates=%d irrelevant=%d skipped_known=%d errors=%d%s",
                 report.name, report.status, report.fetched, report.new, report.duplicates, report.irrelevant,
                 report.skipped_known, report.errors, f" error={problem!r}" if problem else "")
    timings = {"crawl_process_cpu": time.process_time(), "analyse_cpu": store.analyse_cpu,
               "ingest": store.ingest_seconds, "ingest_cpu": store.ingest_cpu, "workers": float(workers)}
    return CrawlReport(sources=reports, stored_ids=list(store.stored_ids), seconds=time.monotonic() - clock,
                       timings=timings)


def _run_spiders(job: CrawlJob, reports: dict[str, SourceReport], known: KnownUrls, store: Store) -> None:
    from twisted.internet.task import LoopingCall  # imports the reactor: only once it is installed

    spiders = {"feed": FeedSpider, "site": SiteSpider, "sitemap": SitemapSpider}
    guard = AddressGuard.for_sources((spec.url for spec in job.specs), job.options.allow_private)
    settings = Settings(scrapy_settings(job.options, len(job.specs)))
    settings.set(GUARD_SETTING, guard)  # the process's own settings: the resolver is built from them
    process = AsyncCrawlerProcess(settings)
    crawlers = []
    for spec in job.specs:
        crawler = process.create_crawler(spiders[spec.type])
        crawler.settings.set(STORE_SETTING, store)
        crawler.settings.set(GUARD_SETTING, guard)  # each crawler's settings are a deep copy
        crawlers.append(crawler)
        process.crawl(crawler, source=spec, state=job.states[spec.name], known=known, report=reports[spec.name],
                      options=job.options)
    progress = Progress(job.progress)

    def counts() -> Counts:
        queued = store.pending
        for crawler in crawlers:
            stats = crawler.stats.get_stats() if crawler.stats else {}
            queued += stats.get("scheduler/enqueued", 0) - stats.get("scheduler/dequeued", 0)
        return Counts(fetched=sum(r.fetched for r in reports.values()),
                      stored=sum(r.new + r.duplicates + r.irrelevant for r in reports.values()),
                      queued=max(queued, 0), errors=sum(r.errors for r in reports.values()))

    parent = os.getppid()

    def tick() -> None:
        progress.show(counts())
        if os.getppid() != parent and not stopping:
            # whoever started this crawl is gone: stop cleanly rather than run on unattended
            log.warning("the process that started this crawl has ended; stopping the crawl")
            stopping.append(asyncio.ensure_future(process.stop()))

    stopping: list[asyncio.Future] = []
    ticker = LoopingCall(tick)
    ticker.start(TICK_SECONDS, now=False)
    try:
        process.start()
    finally:
        if ticker.running:
            ticker.stop()
        progress.done(counts())
    for spec in job.specs:
        report = reports[spec.name]
        if report.status == "ok" and report.http_status is None and report.error is None:
            report.fail(f"{spec.url}: the crawl of this source ended before its first response")


def _configure_logging(progress: bool) -> None:
    """Our own lines on stderr at INFO, unless the live progress line is shown (Scrapy: WARNING)."""
    ours = logging.getLogger("spacewatch")
    ours.setLevel(logging.WARNING if progress else logging.INFO)
    if not ours.handlers:  # a caller that set up its own (the service's format) keeps it
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("ts=%(asctime)s level=%(levelname)s event=%(name)s %(message)s",
                                               "%Y-%m-%dT%H:%M:%S"))
        ours.addHandler(handler)
        ours.propagate = False
    # a robots.txt that cannot be fetched is logged with a traceback; the source's own request
    # fails the same way a moment later and is reported once, in the summary
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)


def _worker_setup() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the crawl, which stops the pool
    _die_with_parent()


def _die_with_parent() -> None:
    """A worker whose crawl process is killed ends too, instead of waiting forever for work (Linux)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _ready(_: int) -> bool:
    return True
