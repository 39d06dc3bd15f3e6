"""The item pipeline: fetched pages are analysed in a pool of worker processes, then stored.

Extraction costs ~10 ms of CPU a page, so it runs in other processes while this one keeps
fetching; storing runs in one more process (`crawler.storing`), against one deduplication index.
"""
from __future__ import annotations

import asyncio
import logging
import math
import time
from concurrent.futures import ThreadPoolExecutor

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from analysis.rules import Rules
from analysis.document import Document
from crawler.ingest import Outcome, Stored
from crawler.items import PageItem
from crawler.report import SourceReport
from crawler.storing import StoringFailed, StoringProcess
from crawler.workers import AnalysisWorkers, timed_analyse

log = logging.getLogger("spacewatch.crawl")
STORE_SETTING = "SPACEWATCH_STORE"
MAX_BATCH = 50  # documents stored in one transaction
# A transaction costs ~1.7 ms of the storing process's CPU besides its articles (~2.5 ms each): a
# batch waits up to GATHER_SECONDS from its first document for others to join it, unless
# MAX_BATCH // 2 are waiting already (storing has fallen behind: no wait).
GATHER_SECONDS = 0.1


class Store:
    """Analyses pages in `workers` and stores them in `storing`, counting outcomes per source."""

    def __init__(self, workers: AnalysisWorkers, storing: StoringProcess, rules: Rules,
                 reports: dict[str, SourceReport]) -> None:
        self.workers, self.storing_process, self.rules, self.reports = workers, storing, rules, reports
        self.pending = 0
        self.most_pending = 0  # pages fetched and waiting for a worker, most at once
        self.stored_ids: list[int] = []
        self.analyse_cpu = 0.0   # seconds of CPU spent in the workers
        self.ingest_seconds = 0.0  # seconds spent storing
        self.ingest_cpu = 0.0  # of which CPU (the storing process's)
        self.batches = 0  # transactions that stored them
        # One thread hands batches to the storing process and waits for them; the reactor keeps
        # fetching meanwhile. Documents that arrive while a batch is being stored wait and go in
        # the next one: one transaction for many articles costs far less than one each.
        self.handover = ThreadPoolExecutor(1, thread_name_prefix="spacewatch-store")
        self.waiting: list[tuple[Document, asyncio.Future[Stored]]] = []
        self.first_waiting = 0.0  # when the first document now waiting arrived (loop time)
        self.flushing = False

    async def store(self, page: PageItem) -> None:
        report = self.reports[page.source]
        self.pending += 1
        self.most_pending = max(self.most_pending, self.pending)
        try:
            doc, cpu = await self.workers.run(timed_analyse, page, self.rules)
        except Exception as exc:  # a page that breaks extraction must not stop the crawl
            log.warning("cannot analyse %s: %s: %s", page.url, type(exc).__name__, exc)
            report.page_failed(page.url, f"cannot analyse: {type(exc).__name__}: {exc}")
            return
        finally:
            self.pending -= 1
        self.analyse_cpu += cpu
        try:
            stored = await self._queue(doc)
        except StoringFailed as exc:
            log.warning("cannot store %s: %s", page.url, exc)
            report.page_failed(page.url, f"cannot store: {exc}")
            return
        report.count(stored.outcome)
        if stored.outcome is not Outcome.SEEN and stored.article_id is not None:
            self.stored_ids.append(stored.article_id)

    def _queue(self, doc: Document) -> asyncio.Future[Stored]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Stored] = loop.create_future()
        if not self.waiting:
            self.first_waiting = loop.time()
        self.waiting.append((doc, future))
        if not self.flushing:
            self.flushing = True
            asyncio.ensure_future(self._flush())
        return future

    async def _flush(self) -> None:
        try:
            while self.waiting:
                gather = self.first_waiting + GATHER_SECONDS - asyncio.get_running_loop().time()
                if gather > 0 and len(self.waiting) < MAX_BATCH // 2:
                    await asyncio.sleep(gather)
                batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
                self.first_waiting = -math.inf  # those left have waited long enough
                await self._store_batch(batch)
        finally:
            self.flushing = False

    async def _store_batch(self, batch: list[tuple[Document, asyncio.Future[Stored]]]) -> None:
        try:
            results = await asyncio.wrap_future(self.handover.submit(self._ingest, [doc for doc, _ in batch]))
        except StoringFailed as exc:
            if len(batch) == 1:
                batch[0][1].set_exception(exc)
                return
            for one in batch:  # one by one, so that a bad row fails alone
                await self._store_batch([one])
            return
        for (_, future), stored in zip(batch, results):
            future.set_result(stored)

    def _ingest(self, docs: list[Document]) -> list[Stored]:
        started = time.perf_counter()
        try:
            results, cpu = self.storing_process.ingest_many(docs)
        finally:
            self.ingest_seconds += time.perf_counter() - started
        self.ingest_cpu += cpu
        self.batches += 1
        return results

    def close(self) -> None:
        self.handover.shutdown(wait=True)


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
