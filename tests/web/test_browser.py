"""The dashboard in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium).

Clicks overview -> production -> change -> article, searches a story, and presses "crawl now"
on a source served by a loopback site, then sees the crawled article. Screenshots of each page
go to $SPACEWATCH_SCREENSHOTS when set, else to tmp_path (the README's, in docs/, are of the
demo's data: scripts/web_screenshots.py).
Waiting is Playwright's: each expectation polls for its condition, with a deadline.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.config import read_config
from scheduler.dashboard import LocalControl
from tests.crawler.crawl_helpers import article, rss
from tests.web.conftest import serve, write_config

CHROMIUM = os.environ.get("SPACEWATCH_CHROMIUM", "/usr/bin/chromium")
REQUIRE_ENV = "SPACEWATCH_REQUIRE_BROWSER"

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not shutil.which(CHROMIUM):
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but there is no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        yield page
    finally:
        context.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors  # nothing the page needs is blocked


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("SPACEWATCH_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def db_url(sqlite_url) -> str:
    """The browser tests run on SQLite only; the API and feed tests cover PostgreSQL too."""
    return sqlite_url


def test_overview_to_production_to_change_to_article(server, page, shots):
    page.goto(server.url + "/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    challenge = page.locator("#production-challenge")
    expect(challenge.locator("td.value")).to_have_text("Baikonur Cosmodrome")
    expect(challenge).to_contain_text("Landing of the film crew")  # corroborated by
    expect(page.locator("ul.trouble")).to_contain_text("kosmos-herald: 3 failure(s) in a row: HTTP 503")
    expect(page.locator("#last-digest")).to_contain_text("[spacewatch] 2 changes")  # the last digest
    page.screenshot(path=str(shots / "web-overview.png"), full_page=True)

    challenge.get_by_role("link", name="The Challenge").click()
    expect(page).to_have_url(server.url + "/changes?subject=challenge")
    changes = page.locator("li.change")
    expect(changes).to_have_count(1)
    expect(changes.first.locator(".new")).to_have_text("Baikonur Cosmodrome")
    expect(changes.first.locator(".digest")).to_contain_text("[spacewatch] 2 changes")
    page.select_option("select[name=subject]", "")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("li.change")).to_have_count(2)
    page.screenshot(path=str(shots / "web-changes.png"), full_page=True)
    page.select_option("select[name=subject]", "challenge")
    page.get_by_role("button", name="Filter").click()

    page.locator("li.change a.article").first.click()
    expect(page.get_by_role("heading", name="Film crew returns from the station", level=1)).to_be_visible()
    expect(page.locator(".text")).to_contain_text("The film crew landed after twelve days on the station.")
    expect(page.locator("table")).to_contain_text("Baikonur Cosmodrome")
    expect(page.get_by_role("link", name="Landing of the film crew", exact=True)).to_be_visible()  # same story
    page.screenshot(path=str(shots / "web-article.png"), full_page=True)


def test_searching_stories_and_seeing_what_was_irrelevant(server, page, shots):
    page.goto(server.url + "/stories")
    expect(page.locator("article.story")).to_have_count(2)
    crew = page.locator("article.story", has_text="Film crew returns")
    expect(crew).to_contain_text("also in kosmos-herald, meridian-wire")
    page.screenshot(path=str(shots / "web-stories.png"), full_page=True)

    page.get_by_role("searchbox").fill("director")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("article.story")).to_have_count(1)
    expect(page.locator("article.story h2")).to_have_text("Orbit Film picks its director")

    page.get_by_role("searchbox").fill("nothing-like-this")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("article.story")).to_have_count(0)
    expect(page.get_by_text("No stories match")).to_be_visible()

    page.get_by_role("link", name="show what was judged irrelevant").click()
    expect(page.locator("ul.irrelevant li")).to_have_count(1)
    expect(page.locator("ul.irrelevant")).to_contain_text("no topic term: mentions neither film nor space")


@pytest.fixture
def loop_news(site):
    """A feed with one relevant article on the loopback site."""
    site.add("/news/cosmonaut-film.html", article("Cosmonaut film crew rehearses the space station scenes",
                                                 extra="<p>The film will be shot in orbit on the ISS.</p>"))
    site.add("/feed.xml", rss([("Cosmonaut film crew rehearses the space station scenes",
                                site.url("/news/cosmonaut-film.html"))]), content_type="application/rss+xml")
    site.add("/robots.txt", "", status=404, content_type="text/plain")
    return site


def test_crawl_now_fetches_the_new_article_and_pause_resume_edit_the_config(tmp_path, db_url, loop_news,
                                                                             page, shots):
    path = write_config(tmp_path, db_url, [("loop-news", loop_news.url("/feed.xml"))], comment="kept comment")
    config = read_config(path)[0]
    control = LocalControl(config)
    running = serve(config, control)
    try:
        page.goto(running.url + "/articles")
        expect(page.get_by_text("No articles stored yet.")).to_be_visible()
        page.goto(running.url + "/sources")
        page.get_by_role("button", name="crawl loop-news now").click()
        expect(page.get_by_role("status")).to_contain_text("crawl #1 of loop-news")
        job = page.locator("#job-1 .state")
        expect(job).to_have_text("finished", timeout=120_000)  # the page refreshes itself while a crawl runs
        expect(page.locator("#job-1 .summary")).to_contain_text("new")
        page.screenshot(path=str(shots / "web-sources.png"), full_page=True)
        assert "/feed.xml" in loop_news.paths_requested()

        page.locator("#job-1").get_by_role("link", name="see the articles").click()
        link = page.get_by_role("link", name="Cosmonaut film crew rehearses the space station scenes")
        expect(link).to_be_visible()
        link.click()
        expect(page.locator(".text")).to_contain_text("The film will be shot in orbit on the ISS.")

        page.goto(running.url + "/sources")
        row = page.locator("#source-loop-news")
        row.get_by_role("button", name="Pause").click()
        expect(page.get_by_role("status")).to_contain_text("loop-news: paused")
        expect(page.locator("#source-loop-news .tag")).to_have_text("paused")
        text = path.read_text()
        assert "enabled = false" in text and "# kept comment" in text
        page.locator("#source-loop-news").get_by_role("button", name="Resume").click()
        expect(page.get_by_role("status")).to_contain_text("loop-news: resumed")
        assert "enabled" not in path.read_text() and "# kept comment" in path.read_text()
    finally:
        running.stop()
        control.close()
