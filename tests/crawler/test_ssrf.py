"""Internal addresses are never fetched unless they are a configured source's own host.

The sources are on 127.0.0.1 (allowed: the config names that host); a canary on 127.0.0.2 and
one on ::1 stand in for internal services. Every way a page can send the crawler elsewhere is
tried in one crawl: feed links (with the address spelled in every form the resolver accepts),
a redirect, a meta refresh, a sitemap index child.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from crawler.addresses import AddressGuard, is_public
from crawler.options import SourceSpec
from storage.db import open_database
from storage.models import Article
from tests.crawler.crawl_helpers import article, crawl, feed, rss
from tests.loopback import LoopbackSite

import ipaddress


@pytest.fixture
def factory(sqlite_url):
    engine, sessions = open_database(sqlite_url)
    yield sessions
    engine.dispose()


@pytest.fixture
def canaries() -> Iterator[tuple[LoopbackSite, LoopbackSite]]:
    internal = LoopbackSite("127.0.0.2").start()
    internal6 = LoopbackSite("::1").start()
    for server in (internal, internal6):
        server.add("/secret", article("Internal admin page", seed=server.base))
        server.add("/sitemap.xml", '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                   f"<url><loc>{server.url('/secret')}</loc></url></urlset>", content_type="application/xml")
    yield internal, internal6
    internal.stop()
    internal6.stop()


def spellings(port: int) -> list[str]:
    """127.0.0.2 as a URL may spell it (each resolves to the canary)."""
    return [f"http://127.0.0.2:{port}/secret", f"http://2130706434:{port}/secret",
            f"http://0x7f000002:{port}/secret", f"http://127.2:{port}/secret",
            f"http://0177.0.0.2:{port}/secret", f"http://[::ffff:127.0.0.2]:{port}/secret",
            f"http://\uff11\uff12\uff17\u3002\uff10\u3002\uff10\u3002\uff12:{port}/secret"]


def hostile_world(site: LoopbackSite, internal: LoopbackSite, internal6: LoopbackSite) -> list[SourceSpec]:
    links = [(f"link {i}", url) for i, url in enumerate(spellings(internal.port))]
    links += [("v6", internal6.url("/secret")), ("by name", f"http://localhost:{internal.port}/secret"),
              ("redirected", site.url("/moved")), ("refreshed", site.url("/refresh"))]
    site.add("/feed.xml", rss(links), content_type="application/rss+xml")
    site.add("/moved", b"", status=302, headers={"Location": internal.url("/secret")})
    site.add("/refresh", f'<html><head><meta http-equiv="refresh" content="0; url={internal.url("/secret")}">'
             "</head><body>moved</body></html>")
    site.add("/index.xml", '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f'<sitemap><loc>{internal.url("/sitemap.xml")}</loc></sitemap>'
             f'<sitemap><loc>{internal6.url("/sitemap.xml")}</loc></sitemap></sitemapindex>',
             content_type="application/xml")
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    return [feed("hostile-feed", site.url("/feed.xml")),
            SourceSpec(name="hostile-index", type="sitemap", url=site.url("/index.xml"))]


def test_internal_addresses_are_refused_however_they_are_reached(factory, site, canaries):
    internal, internal6 = canaries
    summary = crawl(factory, hostile_world(site, internal, internal6))
    assert internal.requests == [] and internal6.requests == []
    with factory() as session:
        texts = session.scalars(select(Article.title + " " + Article.text)).all()
    assert texts and not [text for text in texts if "Internal admin page" in text]
    samples = " ".join(line for report in summary.sources for line in report.page_error_samples)
    assert "not a public address" in samples and "allow_private" in samples


def test_allow_private_lets_the_same_crawl_through(factory, site, canaries):
    """The control: the hostile world does reach the canaries when the rule is switched off."""
    internal, internal6 = canaries
    crawl(factory, hostile_world(site, internal, internal6), allow_private=True)
    assert "/secret" in internal.paths_requested() and "/secret" in internal6.paths_requested()


def test_a_configured_internal_source_is_fetched(factory, canaries):
    internal, _ = canaries
    internal.add("/feed.xml", rss([("inside", internal.url("/secret"))]), content_type="application/rss+xml")
    summary = crawl(factory, [feed("own-internal", internal.url("/feed.xml"))])
    assert summary.sources[0].status == "ok" and summary.total("fetched") == 1


@pytest.mark.parametrize("address, public", [
    ("93.184.216.34", True), ("2606:4700::1111", True), ("127.0.0.2", False), ("10.1.2.3", False),
    ("172.16.0.1", False), ("192.168.1.1", False), ("169.254.169.254", False), ("100.64.0.1", False),
    ("0.0.0.0", False), ("224.0.0.1", False), ("240.0.0.1", False), ("::1", False), ("fe80::1", False),
    ("fc00::1", False), ("ff02::1", False), ("::ffff:127.0.0.2", False), ("::ffff:93.184.216.34", True),
    ("2002:7f00:2::", False), ("::", False)])
def test_address_classes(address, public):
    assert is_public(ipaddress.ip_address(address)) is public


def test_a_source_host_is_allowed_by_name_only():
    guard = AddressGuard.for_sources(["http://127.0.0.1:8000/feed.xml"], allow_private=False)
    assert guard.allows("127.0.0.1", "127.0.0.1")
    assert not guard.allows("127.0.0.2", "127.0.0.2")
    assert not guard.allows("rebinding.example", "127.0.0.1")
    assert guard.allows("rebinding.example", "93.184.216.34")
