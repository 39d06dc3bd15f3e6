"""The analysis workers share one copy of the language model: the one their crawl process holds,
or their own fork server's, started while the crawl fetches."""
from __future__ import annotations

import asyncio
import multiprocessing
import socket
import subprocess
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from analysis import language
from analysis.language import nlp
from analysis.rules import Rules, TopicRules
from crawler.workers import AnalysisWorkers
from crawler.options import CrawlOptions
from crawler.run import CrawlSummary
from crawler.settings import MIN_ACTIVE_BYTES, RESPONSES_IN_FLIGHT_BYTES, scrapy_settings
from storage.db import open_database
from tests.crawler.crawl_helpers import article, crawl, feed, rss, words
from tests.loopback import free_port


def _models_loaded_here() -> int:
    """How many models this worker had to load itself to read a sentence."""
    before = language._load.cache_info().misses
    nlp("")("The crew will film aboard the station.")
    return language._load.cache_info().misses - before


def test_one_model_a_process_however_it_is_asked_for():
    assert nlp() is nlp("")


def _in_workers(model_loaded_here: bool) -> tuple[int, int, bool]:
    """Two workers started in this process, holding the model or not: how many models each had
    to load itself to read a sentence, and whether this process holds one afterwards."""
    language._load.cache_clear()  # as in a fresh crawl process, whatever earlier tests loaded
    if model_loaded_here:
        nlp(Rules(topic=TopicRules()).spacy_model)
    workers = AnalysisWorkers(2, Rules(topic=TopicRules()).spacy_model)
    started_at_once = workers.started

    async def both() -> list[int]:
        return list(await asyncio.gather(workers.run(_models_loaded_here), workers.run(_models_loaded_here)))

    try:
        loads = asyncio.run(both())
    finally:
        workers.close()
    assert started_at_once == model_loaded_here  # else only once a page needs them
    return loads[0], loads[1], language.loaded()


def test_workers_of_a_process_holding_the_model_share_its_copy():
    assert _in_workers(model_loaded_here=True) == (0, 0, True)


def test_workers_of_a_process_without_the_model_share_their_own_servers_copy():
    """The crawl process of `spacewatch crawl` never loads the model: its workers' fork server
    does, once for all of them. (In a process of its own: the server would otherwise be this
    process's, which the other tests' crawls are forked from.)"""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as fresh:
        assert fresh.submit(_in_workers, False).result() == (0, 0, False)


def _in_workers_of_a_new_interpreter_server() -> tuple[int, int, bool]:
    from crawler import forked_server

    forked_server.available = lambda: False  # a Python whose fork server it cannot hand over
    return _in_workers(model_loaded_here=False)


def test_on_a_python_whose_fork_server_cannot_be_forked_the_workers_share_a_new_servers_copy():
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as fresh:
        assert fresh.submit(_in_workers_of_a_new_interpreter_server).result() == (0, 0, False)


CRAWL_PROCESS_STATE = "as imported"


def _state_seen_by_a_worker() -> str:
    return CRAWL_PROCESS_STATE


def _servers_view() -> tuple[str, bool, bool]:
    """In a fresh process: what a worker sees of this process's state, and whether the workers'
    server has ended once the workers are closed, started or not."""
    global CRAWL_PROCESS_STATE
    language._load.cache_clear()
    CRAWL_PROCESS_STATE = "changed by the crawl process"
    model = Rules(topic=TopicRules()).spacy_model
    started, unstarted = AnalysisWorkers(2, model), AnalysisWorkers(2, model)
    servers = [workers._server.pid for workers in (started, unstarted)]
    try:
        seen = asyncio.run(started.run(_state_seen_by_a_worker))
    finally:
        started.close()
        unstarted.close()
    return seen, *(not Path(f"/proc/{pid}").exists() for pid in servers)


def test_the_workers_server_is_forked_from_the_crawl_process_and_ends_with_the_workers():
    """It shares what the crawl process imported (a new interpreter would import it all again,
    ~1 s of CPU a crawl), and ends when the workers close, whether a page ever needed it or not."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as fresh:
        assert fresh.submit(_servers_view).result() == ("changed by the crawl process", True, True)


def test_fetching_waits_while_pages_wait_for_analysis(sqlite_url, site):
    """A fast server and one slow worker: the crawl holds a bounded number of pages, not all."""
    pages, filler = 120, ("<p>" + words("filler", 1200) + "</p>") * 8
    bodies = [article(f"Article number {i}", extra=filler) for i in range(pages)]
    for i, body in enumerate(bodies):
        site.add(f"/a/{i}.html", body)
    site.add("/feed.xml", rss([(f"Article number {i}", site.url(f"/a/{i}.html")) for i in range(pages)]),
             content_type="application/rss+xml")
    engine, factory = open_database(sqlite_url)
    try:
        summary = crawl(factory, [feed("big", site.url("/feed.xml"))], workers=1)
    finally:
        engine.dispose()
    assert summary.total("fetched") == pages
    waiting = max(MIN_ACTIVE_BYTES, RESPONSES_IN_FLIGHT_BYTES) // min(len(body) for body in bodies)
    downloading = scrapy_settings(CrawlOptions())["CONCURRENT_REQUESTS"]  # already requested when it pauses
    assert summary.timings["most_pending"] <= waiting + downloading < pages


def test_a_crawl_forked_from_the_fork_server_inherits_the_model(sqlite_url, site):
    """A caller with threads (the tests, the benchmarks) forks its crawls from a fork server that
    loaded the model and imported Scrapy's components once: no crawl loads or imports its own, so
    none pays the load, its memory or the imports."""
    from crawler.run import _start_method

    site.add("/a.html", article("Crew films aboard the station"))
    site.add("/feed.xml", rss([("Crew films aboard the station", site.url("/a.html"))]),
             content_type="application/rss+xml")
    assert _start_method() == "forkserver"  # the site's server runs in a thread of this process
    engine, factory = open_database(sqlite_url)
    try:
        first = crawl(factory, [feed("one", site.url("/feed.xml"))])
        second = crawl(factory, [feed("two", site.url("/feed.xml"))])
    finally:
        engine.dispose()
    assert first.total("fetched") == 1
    assert first.timings["model_loads"] == second.timings["model_loads"] == 0
    # the asyncio reactor (installed by the crawl, never before the fork) and a lock or two, not
    # Scrapy's ~200 modules of middlewares, extensions and download handlers
    assert first.timings["modules_imported"] <= 5 and second.timings["modules_imported"] <= 5


def test_a_crawl_forked_from_a_single_threaded_caller_leaves_the_model_to_its_workers(sqlite_url, tmp_path):
    """The CLI forks its crawl directly, after importing the crawler but not the model: neither it
    nor the crawl process loads one (its workers' own server does, while it fetches), and a crawl
    with nothing to analyse, every feed answering 304, starts no worker at all. Run in a fresh
    process with a single thread, as `spacewatch crawl` is."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as fresh:
        first, again, model_here = fresh.submit(_crawl_twice_alone, sqlite_url, tmp_path).result()
    assert first.total("fetched") == 1 and first.total("new") == 1
    assert first.timings["workers_started"] == 1
    assert first.timings["model_loads"] == first.timings["language_in_crawl_process"] == 0
    assert not model_here
    assert again.sources[0].status == "not_modified" and again.timings["workers_started"] == 0


def _crawl_twice_alone(sqlite_url: str, folder: Path) -> tuple[CrawlSummary, CrawlSummary, bool]:
    from crawler.run import _start_method

    (folder / "a.html").write_text(article("Crew films aboard the station"), encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    (folder / "feed.xml").write_text(rss([("Crew films aboard the station", f"{base}/a.html")]), encoding="utf-8")
    # the site is served by another process, so that this one keeps a single thread
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:  # until it listens (it prints nothing we could wait on)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except ConnectionRefusedError:
                assert server.poll() is None, "the HTTP server did not start"
        assert threading.active_count() == 1 and _start_method() == "fork"
        engine, factory = open_database(sqlite_url)
        try:
            first = crawl(factory, [feed("one", f"{base}/feed.xml")])
            again = crawl(factory, [feed("one", f"{base}/feed.xml")])
        finally:
            engine.dispose()
    finally:
        server.terminate()
        server.wait()
    return first, again, language.loaded()
