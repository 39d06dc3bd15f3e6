"""Credentials never travel in URLs: refused in the config, in links and in redirects, and a
source's URL is never sent as Referer to another origin."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from scheduler.config import ConfigError, read_config
from storage.db import open_database
from storage.models import Source
from tests.crawler.crawl_helpers import article, crawl, feed, rss
from tests.loopback import LoopbackSite

SECRET = "hunter2-secret"


@pytest.fixture
def factory(sqlite_url):
    engine, sessions = open_database(sqlite_url)
    yield sessions
    engine.dispose()


@pytest.fixture
def other_origin():
    server = LoopbackSite().start()
    yield server
    server.stop()


def test_config_refuses_a_source_url_with_a_password_without_repeating_it(tmp_path):
    path = tmp_path / "spacewatch.toml"
    path.write_text(f'[[sources]]\nname = "s"\ntype = "feed"\nurl = "http://reader:{SECRET}@127.0.0.1:9/f.xml"\n')
    with pytest.raises(ConfigError) as caught:
        read_config(path)
    message = str(caught.value)
    assert "sources[0]" in message and "url" in message and "user:password@" in message
    assert SECRET not in message and "\n" not in message


def test_links_and_redirects_with_credentials_are_not_followed(factory, site, other_origin):
    """The password reaches neither the other server nor the stored error."""
    other_origin.add("/private", article("Private page"))
    with_password = other_origin.url("/private").replace("http://", f"http://reader:{SECRET}@")
    site.add("/redirect", b"", status=302, headers={"Location": with_password})
    site.add("/feed.xml", rss([("linked", with_password), ("redirected", site.url("/redirect"))]),
             content_type="application/rss+xml")
    summary = crawl(factory, [feed("creds", site.url("/feed.xml"))])
    assert other_origin.requests == []
    report = summary.sources[0]
    assert report.page_errors == 2 and "user:password@" in report.page_error_samples[0]
    with factory() as session:
        error = session.scalars(select(Source.last_error)).one()
    assert error and SECRET not in error


def test_no_referer_to_another_origin(factory, site, other_origin):
    other_origin.add("/story", article("Story elsewhere"))
    site.add("/same", article("Story here"))
    site.add("/feed.xml", rss([("elsewhere", other_origin.url("/story")), ("here", site.url("/same"))]),
             content_type="application/rss+xml")
    crawl(factory, [feed("ref", site.url("/feed.xml"))])
    story = [headers for _, path, headers in other_origin.requests if path == "/story"]
    assert story and all("Referer" not in headers for headers in story)
    same = [headers for _, path, headers in site.requests if path == "/same"]
    assert same and same[0].get("Referer") == site.url("/feed.xml")  # the policy, not a stripped header
