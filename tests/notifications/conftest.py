"""Fixtures for mail tests: options pointing at the loopback SMTP server, a seeded database."""
from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage
from html.parser import HTMLParser

import pytest

from notifications.options import DigestOptions, MailOptions
from storage.db import transaction
from storage.models import Article, Change
from tests.notifications import rows

URL = re.compile(r"https?://[^\s\"'<>()]+")


@pytest.fixture
def mail(smtp) -> MailOptions:
    _, port = smtp
    return MailOptions(to=("desk@example.org",), sender="spacewatch@example.org", smtp_host="127.0.0.1",
                       smtp_port=port, timeout=10, list_unsubscribe="mailto:leave@example.org")


@pytest.fixture
def options() -> DigestOptions:
    return DigestOptions(timezone="Europe/Berlin", max_attempts=5)


@dataclass
class Seeded:
    first: Article
    second: Article
    copy: Article
    change: Change


@pytest.fixture
def seeded(factory) -> Seeded:
    """One story carried by three outlets (one a copy), one change, one failing source."""
    with transaction(factory) as session:
        story = rows.story(session, "Challenge heads into the edit")
        first = rows.article(session, "2022/02/edit.html", title="Challenge heads into the edit", story=story)
        second = rows.article(session, "articles/1102.html", source="kosmos-herald", title="The edit begins",
                              story=story, days=1)
        copy = rows.article(session, "2022/02/edit-syndicated.html", source="reel-report", title="copy",
                            story=story, duplicate_of=first, days=1)
        change = rows.change(session, first, "challenge", "release_date", None, "2022-10",
                             "The studio expects the film in cinemas in October 2022.")
        rows.source(session, "starfield-times", failures=3, error="HTTP 503 Service Unavailable")
    return Seeded(first, second, copy, change)


def parts(message: EmailMessage) -> tuple[str, str]:
    """(text, html) of a multipart/alternative digest, checking its structure on the way."""
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.get_payload()
    assert plain.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    assert plain["Content-Transfer-Encoding"] == "quoted-printable" == html["Content-Transfer-Encoding"]
    return plain.get_content(), html.get_content()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.add(tag)
        self.hrefs += [value or "" for name, value in attrs if name == "href"]


def html_links(html: str) -> tuple[list[str], set[str]]:
    """Every href in the HTML, and every tag name used."""
    parser = _Links()
    parser.feed(html)
    return parser.hrefs, parser.tags


def urls_in(message: EmailMessage) -> set[str]:
    text, html = parts(message)
    return set(URL.findall(text)) | {h for h in html_links(html)[0] if h.startswith("http")}
