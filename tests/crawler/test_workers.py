"""The analysis workers share the language model their crawl process loaded before forking them."""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from analysis import language
from analysis.language import nlp
from analysis.rules import Rules, TopicRules
from crawler.analyse import preload
from crawler.options import CrawlOptions
from crawler.settings import MIN_ACTIVE_BYTES, RESPONSES_IN_FLIGHT_BYTES, scrapy_settings
from storage.db import open_database
from tests.crawler.crawl_helpers import article, crawl, feed, rss, words


def _models_loaded_here() -> int:
    """How many models this worker had to load itself to read a sentence."""
    before = language._load.cache_info().misses
    nlp("")("The crew will film aboard the station.")
    return language._load.cache_info().misses - before


def test_one_model_a_process_however_it_is_asked_for():
    assert nlp() is nlp("")


def test_a_worker_forked_after_preload_loads_no_model_of_its_own():
    language._load.cache_clear()  # as in a fresh crawl process, whatever earlier tests loaded
    preload(Rules(topic=TopicRules()).spacy_model)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        assert pool.submit(_models_loaded_here).result() == 0


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


def test_a_crawl_forked_from_a_single_threaded_caller_inherits_the_model(sqlite_url, tmp_path):
    """The CLI forks its crawl directly, after loading the model itself: the crawl process loads
    none of its own, and the caller reuses the model (change detection, a later crawl)."""
    import socket
    import subprocess
    import sys
    import threading

    from crawler.run import _start_method
    from tests.loopback import free_port

    (tmp_path / "a.html").write_text(article("Crew films aboard the station"), encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    (tmp_path / "feed.xml").write_text(rss([("Crew films aboard the station", f"{base}/a.html")]), encoding="utf-8")
    # the site is served by another process, so that this one keeps a single thread
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
            summary = crawl(factory, [feed("one", f"{base}/feed.xml")])
        finally:
            engine.dispose()
    finally:
        server.terminate()
        server.wait()
    assert summary.total("fetched") == 1
    assert summary.timings["model_loads"] == 0
