"""The item pipeline: fetched pages are analysed in a pool of worker processes, then stored.

Extraction costs ~10 ms of CPU a page, so it runs in other processes while this one keeps
fetching; storing stays here, in one process, against one deduplication index.
"""
from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import Executor, ThreadPoolExecutor

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from sqlalchemy.exc import SQLAlchemyError

from crawler.analyse import Rules, analyse
from crawler.document import Document
from crawler.ingest import Ingestor, Outcome, Stored
from crawler.items import PageItem
from crawler.report import SourceReport

log = logging.getLogger("spacewatch.crawl")
STORE_SETTING = "SPACEWATCH_STORE"


class Store:
    """Analyses pages in `pool` and stores them with `ingestor`, counting outcomes per source."""

    def __init__(self, pool: Executor, ingestor: Ingestor, rules: Rules, reports: dict[str, SourceReport]) -> None:
        self.pool, self.ingestor, self.rules, self.reports = pool, ingestor, rules, reports
        self.pending = 0
        self.stored_ids: list[int] = []
        self.analyse_cpu = 0.0   # seconds of CPU spent in the workers
        self.ingest_seconds = 0.0  # seconds spent storing
        # One thread stores, one document at a time (the index is not shared): the reactor keeps
        # fetching while it waits on the database.
        self.storing = ThreadPoolExecutor(1, thread_name_prefix="spacewatch-store")

    async def store(self, page: PageItem) -> None:
        report = self.reports[page.source]
        self.pending += 1
        try:
            doc, cpu = await asyncio.wrap_future(self.pool.submit(timed_analyse, page, self.rules))
        except Exception as exc:  # a page that breaks extraction must not stop the crawl
            log.warning("cannot analyse %s: %s: %s", page.url, type(exc).__name__, exc)
            report.page_failed(page.url, f"cannot analyse: {type(exc).__name__}: {exc}")
            return
        finally:
            self.pending -= 1
        self.analyse_cpu += cpu
        try:
            stored = await asyncio.wrap_future(self.storing.submit(self._ingest, doc))
        except SQLAlchemyError as exc:
            log.warning("cannot store %s: %s", page.url, exc)
            report.page_failed(page.url, f"cannot store: {type(exc).__name__}")
            return
        report.count(stored.outcome)
        if stored.outcome is not Outcome.SEEN and stored.article_id is not None:
            self.stored_ids.append(stored.article_id)

    def _ingest(self, doc: Document) -> Stored:
        started = time.perf_counter()
        try:
            return self.ingestor.ingest(doc)
        finally:
            self.ingest_seconds += time.perf_counter() - started

    def close(self) -> None:
        self.storing.shutdown(wait=True)


def timed_analyse(page: PageItem, rules: Rules) -> tuple[Document, float]:
    """`analyse` in a worker, with the CPU time it took (for the crawl's time accounting)."""
    started = time.process_time()
    doc = analyse(page, rules)
    return doc, time.process_time() - started


class AnalysePipeline:
    """Scrapy's side of `Store`: each PageItem is analysed and stored before it passes on."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "AnalysePipeline":
        store = crawler.settings.get(STORE_SETTING)
        if store is None:
            raise NotConfigured(f"{STORE_SETTING} is not set: crawls are started by crawler.run")
        return cls(store)

    async def process_item(self, item: PageItem) -> PageItem:
        await self.store.store(item)
        return item
