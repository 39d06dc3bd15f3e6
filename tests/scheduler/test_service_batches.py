"""Sources due together share a crawl process; none is queued twice; a hung one goes alone."""
from __future__ import annotations

import threading

from scheduler.batches import BatchQueue
from tests.scheduler.service_support import wait_for


class Recorder:
    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.release = threading.Event()
        self.lock = threading.Lock()

    def __call__(self, batch: list[str]) -> None:
        with self.lock:
            self.batches.append(sorted(batch))
        self.release.wait(10)


def test_sources_due_together_share_a_batch_and_are_not_queued_twice():
    crawl = Recorder()
    queue = BatchQueue(crawl, slots=1, gather=0.2).start()
    try:
        assert queue.submit("a") and queue.submit("b") and queue.submit("c")
        assert not queue.submit("a"), "queued already"
        wait_for(lambda: crawl.batches, 5, "the first batch")
        assert crawl.batches == [["a", "b", "c"]]
        assert not queue.submit("b"), "being crawled: it goes again right after"
        assert queue.submit("d")
        crawl.release.set()
        wait_for(lambda: len(crawl.batches) == 2, 5, "the second batch")
        assert crawl.batches[1] == ["b", "d"]
        wait_for(queue.idle, 5, "the queue to drain")
        assert queue.submit("a"), "done, so it can be queued again"
    finally:
        crawl.release.set()
        queue.close()
        queue.join(5)


def test_slots_bound_the_children_and_solo_sources_go_alone():
    crawl = Recorder()
    queue = BatchQueue(crawl, slots=2, gather=0.1).start()
    try:
        queue.submit("hung", solo=True)
        queue.submit("x")
        queue.submit("y")
        wait_for(lambda: len(crawl.batches) == 2, 5, "two batches")
        assert sorted(crawl.batches) == [["hung"], ["x", "y"]]
        queue.submit("z")
        with crawl.lock:
            assert len(crawl.batches) == 2, "both slots are busy"
        crawl.release.set()
        wait_for(lambda: len(crawl.batches) == 3, 5, "the third batch")
    finally:
        crawl.release.set()
        queue.close()
        queue.join(5)


def test_close_drops_what_is_queued():
    crawl = Recorder()
    queue = BatchQueue(crawl, slots=1, gather=30).start()
    queue.submit("a")
    queue.close()
    queue.join(5)
    assert crawl.batches == [] and queue.idle() and not queue.submit("b")


def test_a_source_due_during_its_own_crawl_is_crawled_once_more_right_after_if_still_due():
    crawl = Recorder()
    due = {"a": True, "b": False}
    queue = BatchQueue(crawl, slots=1, gather=0.05, still_due=lambda name: due[name]).start()
    try:
        queue.submit("a")
        queue.submit("b")
        wait_for(lambda: crawl.batches, 5, "the first batch")
        assert not queue.submit("a") and not queue.submit("a") and not queue.submit("b")
        crawl.release.set()
        wait_for(lambda: len(crawl.batches) == 2, 5, "the second batch")
        wait_for(queue.idle, 5, "the queue to drain")
        assert crawl.batches == [["a", "b"], ["a"]], "once more, and only what is still due"
    finally:
        crawl.release.set()
        queue.close()
        queue.join(5)
