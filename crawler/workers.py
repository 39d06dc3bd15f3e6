"""A crawl's analysis workers: the processes that turn fetched pages into judged Documents.

They share one copy of the language model. When the crawl process already holds it (forked from
a fork server that loaded it, as the tests' crawls are), the workers are forked from the crawl
process at once. Otherwise (a `spacewatch crawl` process) they come from a fork server of their
own: forked from the crawl process when it starts (`crawler.forked_server`, so that it shares the
modules imported already), and started in a thread when the first page needs analysis. It loads
the model on the other core while Scrapy keeps fetching, instead of before the crawl starts, and
a crawl with no page to analyse (every feed answering 304) never loads it at all.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import resource_tracker
from typing import TypeVar

from analysis import language
from analysis.document import Document
from analysis.rules import Rules
from crawler import forked_server
from crawler.children import child_setup
from crawler.items import PageItem

# What the workers' own fork server imports once: the analysis code with the model; and, when the
# server is a new interpreter, the main module too (else each worker would run it again).
MODEL_PRELOAD = ["crawler.warm_model"]
SERVER_PRELOAD = ["__main__", *MODEL_PRELOAD]
MODEL_ENV = "SPACEWATCH_SPACY_MODEL"  # the model a fork server's `crawler.warm_model` loads
T = TypeVar("T")


class AnalysisWorkers:
    """`count` worker processes, started as the module's docstring says."""

    def __init__(self, count: int, model: str) -> None:
        """Call while this process has a single thread."""
        self.count, self.model = count, model
        self._starter: ThreadPoolExecutor | None = None
        self._pool: Future[ProcessPoolExecutor] | None = None
        self._server: forked_server.ForkedServer | None = None
        if language.loaded():
            self._pool = Future()
            self._pool.set_result(self._start(multiprocessing.get_context("fork")))
        elif forked_server.available():
            os.environ[MODEL_ENV] = model
            self._server = forked_server.ForkedServer(MODEL_PRELOAD)

    @property
    def started(self) -> bool:
        return self._pool is not None

    async def run(self, function: Callable[..., T], *args: object) -> T:
        """`function(*args)` in a worker (both must pickle), starting the workers if need be."""
        if self._pool is None:
            self._starter = ThreadPoolExecutor(1, thread_name_prefix="spacewatch-workers")
            self._pool = self._starter.submit(self._serve)
        pool = await asyncio.wrap_future(self._pool)
        return await asyncio.wrap_future(pool.submit(function, *args))

    def close(self) -> None:
        if self._pool is not None:
            try:
                pool = self._pool.result()
            except Exception:
                pass  # every page waiting on it has already failed with the error
            else:
                pool.shutdown(wait=True, cancel_futures=True)
        if self._starter is not None:
            self._starter.shutdown(wait=True)
        if self._server is not None:
            self._server.close()

    def _serve(self) -> ProcessPoolExecutor:
        _quiet_resource_tracker()
        if self._server is None:
            return self._start(fork_server(SERVER_PRELOAD, self.model))
        self._server.start()
        return self._start(multiprocessing.get_context("forkserver"))

    def _start(self, context: multiprocessing.context.BaseContext) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(self.count, mp_context=context, initializer=child_setup)
        list(pool.map(_ready, range(self.count)))  # every worker up before a page waits on one
        return pool


def fork_server(preload: list[str], model: str) -> multiprocessing.context.BaseContext:
    """multiprocessing's fork server, set to import `preload` when it starts; `crawler.warm_model`
    among them loads `model` (passed through MODEL_ENV: a fork server only imports modules by name)."""
    context = multiprocessing.get_context("forkserver")
    os.environ[MODEL_ENV] = model
    context.set_forkserver_preload(preload)
    return context


def _quiet_resource_tracker() -> None:
    """The semaphores of a fork server's pool are registered with multiprocessing's resource
    tracker, which removes those a killed crawl leaves and warns of each on stderr: expected after
    an interrupted crawl, and no news to its user. The tracker starts with the server, with this
    process's environment."""
    quiet = f"ignore::UserWarning:{resource_tracker.__name__}"
    filters = os.environ.get("PYTHONWARNINGS", "")
    if quiet not in filters.split(","):
        os.environ["PYTHONWARNINGS"] = f"{filters},{quiet}" if filters else quiet


def timed_analyse(page: PageItem, rules: Rules) -> tuple[Document, float]:
    """`analyse` in a worker, with the CPU time it took (for the crawl's time accounting)."""
    # Imported here, in the worker (whose fork server has it already), never in the crawl
    # process: it brings in spaCy.
    from crawler.analyse import analyse

    started = time.process_time()
    doc = analyse(page, rules)
    return doc, time.process_time() - started


def _ready(_: int) -> bool:
    return True
