"""The crawl itself, in the process `crawler.run` starts for it: Scrapy, the analysis pool, storing."""
from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
import time

from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.misc import load_object

from analysis import language
from crawler.addresses import GUARD_SETTING, AddressGuard
from crawler.dedup_keys import stored_urls
from crawler.events import event, fallback_handler
from crawler.options import CrawlOptions
from crawler.pipelines import STORE_SETTING, Store
from crawler.progress import Counts, Progress
from crawler.report import CrawlJob, CrawlReport, SourceReport
from crawler.settings import scrapy_settings
from crawler.spiders.base import KnownUrls
from crawler.spiders.feed import FeedSpider
from crawler.spiders.site import SiteSpider
from crawler.spiders.sitemap import SitemapSpider
from crawler.storing import StoringProcess
from crawler.workers import AnalysisWorkers
from storage.db import make_engine, session_factory

log = logging.getLogger("spacewatch.crawl")
TICK_SECONDS = 0.25
# Settings naming the components Scrapy imports when a crawl starts (`import_components`)
_COMPONENT_LISTS = ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "EXTENSIONS", "DOWNLOAD_HANDLERS")
_COMPONENTS = ("SCHEDULER", "SCHEDULER_PRIORITY_QUEUE", "SCHEDULER_MEMORY_QUEUE", "SCHEDULER_DISK_QUEUE",
               "DUPEFILTER_CLASS", "STATS_CLASS", "LOG_FORMATTER", "REQUEST_FINGERPRINTER_CLASS", "DOWNLOADER",
               "ROBOTSTXT_PARSER")


def import_components() -> None:
    """Import every component Scrapy loads when a crawl starts (middlewares, extensions, even
    disabled ones, the HTTP handler, the scheduler's classes), in the process the crawl
    processes are forked from (`crawler.run`): a fork server's crawls would each import them
    anew, ~0.7 s of CPU a crawl (the HTTP handler's import inspects the whole call stack for a
    deprecation warning)."""
    settings = Settings(scrapy_settings(CrawlOptions()))
    paths = [path for name in _COMPONENT_LISTS for pair in settings.getwithbase(name).items() for path in pair]
    paths += [settings.get(name) for name in _COMPONENTS]
    for path in paths:
        if isinstance(path, str) and "." in path:
            load_object(path)


def crawl_here(job: CrawlJob) -> CrawlReport:
    """Run the whole crawl in this process (which must not have run a Twisted reactor yet)."""
    clock = time.monotonic()
    _configure_logging(job.progress, job.log_formatter)
    reports = {spec.name: SourceReport(spec.name) for spec in job.specs}
    count = job.options.workers or os.cpu_count() or 1
    loads, modules = language.loads(), len(sys.modules)
    # Fork the storing process (and the workers, when this process holds the model) now, while
    # this process has no threads and no database connections; with what exists so far frozen,
    # their garbage collector never writes to (and so copies) the pages they share with it.
    gc.collect()
    gc.freeze()
    storing = StoringProcess(job.db_url)
    workers = AnalysisWorkers(count, job.rules.spacy_model)
    try:
        gc.unfreeze()
        engine = make_engine(job.db_url)
        try:
            known = KnownUrls(stored_urls(session_factory(engine)))
            store = Store(workers, storing, job.rules, reports)
            try:
                _run_spiders(job, reports, known, store)
            finally:
                store.close()
        finally:
            engine.dispose()
    finally:
        workers.close()
        storing.close()
    loads = language.loads() - loads
    for report in reports.values():
        _log_source(report)
    timings = {"crawl_process_cpu": time.process_time(), "analyse_cpu": store.analyse_cpu,
               "ingest": store.ingest_seconds, "ingest_cpu": store.ingest_cpu,
               "store_batches": float(store.batches), "workers": float(count),
               "most_pending": float(store.most_pending), "workers_started": float(workers.started),
               "model_loads": float(loads), "language_in_crawl_process": float("spacy" in sys.modules),
               "modules_imported": float(len(sys.modules) - modules)}
    return CrawlReport(sources=reports, stored_ids=list(store.stored_ids), seconds=time.monotonic() - clock,
                       timings=timings)


def _log_source(report: SourceReport) -> None:
    """One line per source: a warning naming the error when it failed, else its counts."""
    if report.status == "failed":
        event(log, "source.failed", logging.WARNING, source=report.name, error=report.problem())
        return
    event(log, "source.crawled", source=report.name, status=report.status, fetched=report.fetched, new=report.new,
          duplicates=report.duplicates, irrelevant=report.irrelevant, skipped_known=report.skipped_known,
          errors=report.errors, problem=report.problem())


def _run_spiders(job: CrawlJob, reports: dict[str, SourceReport], known: KnownUrls, store: Store) -> None:
    from twisted.internet.task import LoopingCall  # imports the reactor: only once it is installed

    spiders = {"feed": FeedSpider, "site": SiteSpider, "sitemap": SitemapSpider}
    guard = AddressGuard.for_sources((spec.url for spec in job.specs), job.options.allow_private)
    settings = Settings(scrapy_settings(job.options, len(job.specs)))
    settings.set(GUARD_SETTING, guard)  # the process's own settings: the resolver is built from them
    process = AsyncCrawlerProcess(settings)
    _route_library_logs()  # after Scrapy configured logging, which resets its loggers
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


def _configure_logging(progress: bool, formatter: logging.Formatter | None) -> None:
    """Our own lines on stderr at INFO (WARNING while the live progress line is shown), in the
    caller's format (inherited when forked, else `formatter`), so that a crawl logs as the service does."""
    ours = logging.getLogger("spacewatch")
    ours.setLevel(logging.WARNING if progress else logging.INFO)
    if not ours.handlers:  # started from a fork server: nothing inherited
        handler = fallback_handler()
        if formatter is not None:
            handler.setFormatter(formatter)
        ours.addHandler(handler)
        ours.propagate = False


class _NotReportedElsewhere(logging.Filter):
    """A robots.txt that cannot be fetched is logged by Scrapy with a traceback; the source's own
    request fails the same way a moment later and is reported once, as `source.failed`."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.name.startswith("scrapy.downloadermiddlewares.robotstxt")


def _route_library_logs() -> None:
    """Scrapy's and Twisted's errors as one line each through our handlers, without tracebacks."""
    root = logging.getLogger()
    for handler in logging.getLogger("spacewatch").handlers:
        library = logging.StreamHandler(getattr(handler, "stream", sys.stderr))
        library.setFormatter(_OneLine(handler.formatter))
        library.setLevel(logging.ERROR)
        library.addFilter(_NotReportedElsewhere())
        root.addHandler(library)


class _OneLine(logging.Formatter):
    """`inner`'s line for a record, with an exception as its type and message, never a traceback."""

    def __init__(self, inner: logging.Formatter | None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None,
                                            "msg": f"{record.getMessage()} ({type(error).__name__})", "args": ()})
        return self.inner.format(record).replace("\n", " ")
