"""Article extraction: text, title, date, author, canonical URL and language from real markup."""
from __future__ import annotations

import json
import random
from datetime import datetime, timezone

import pytest
from w3lib.encoding import html_to_unicode

from analysis.extract import Extracted, extract_page, parse_datetime
from tests.shared_data import SPACE_RACE

CORPUS = SPACE_RACE
URL = "http://news.example.org/2024/05/story.html"

PARAGRAPHS = [
    "The studio confirmed on Tuesday that principal photography had finished after eleven weeks, "
    "and that the crew had recorded far more material than the schedule required.",
    "Editors will now spend the summer cutting the footage in Lisbon, where the production keeps "
    "its offices and a small screening room for the director and the producers.",
    "A release is planned for the spring, although the distributor has not yet named a date and "
    "said only that it would prefer to avoid the crowded holiday weekends.",
]
COMMENT = "Great news, I cannot wait to see this on the big screen with my whole family."
BANNER = "We and our partners store cookies on your device to personalise advertising."


def page(*, head: str = "", body_top: str = "", paragraphs: list[str] = PARAGRAPHS, lang: str = "en-GB") -> str:
    """A news page with the usual furniture: consent modal, navigation, comments, footer."""
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head><body>
<div id="cmp-overlay" class="cmp-overlay"><div class="cmp-modal" role="dialog">
<h2>We value your privacy</h2><p>{BANNER}</p><button>I agree</button></div></div>
<header><nav><a href="/">Home</a> <a href="/film/">Film</a> <a href="/tv/">TV</a></nav></header>
<main><article>{body_top}<div class="entry-content">{text}</div></article>
<div id="comments" class="comments-area"><h2 class="comments-title">2 thoughts</h2><ol class="comment-list">
<li class="comment"><article class="comment-body"><footer class="comment-meta"><b class="fn">reader1</b>
<time datetime="2030-01-01T00:00:00+00:00">later</time></footer>
<div class="comment-content"><p>{COMMENT}</p></div></article></li></ol></div></main>
<footer><p>&copy; 2024 Example News. All rights reserved.</p></footer></body></html>"""


def test_text_keeps_paragraphs_and_drops_comments_and_consent_banner():
    got = extract_page(page(), URL)
    assert got.text.split("\n") == PARAGRAPHS
    assert COMMENT not in got.text and "cookies" not in got.text and "rights reserved" not in got.text


def test_metadata_from_the_head():
    head = """<title>Lisbon shoot wraps &#8211; Example News</title>
<meta property="og:title" content="Lisbon shoot wraps after eleven weeks">
<meta property="article:published_time" content="2024-05-14T09:30:00+02:00">
<meta name="author" content="Ana Ferreira">
<link rel="canonical" href="/2024/05/lisbon-shoot-wraps.html">"""
    got = extract_page(page(head=head), URL)
    assert got.title == "Lisbon shoot wraps after eleven weeks"
    assert got.published_at == datetime(2024, 5, 14, 7, 30, tzinfo=timezone.utc)
    assert got.author == "Ana Ferreira"
    assert got.canonical_url == "http://news.example.org/2024/05/lisbon-shoot-wraps.html"
    assert got.lang == "en"


@pytest.mark.parametrize("title_tag, site_name, expected", [
    ("Lisbon shoot wraps &#8211; Example News", "", "Lisbon shoot wraps"),
    ("Lisbon shoot wraps | Example News", "Example News", "Lisbon shoot wraps"),
    ("Example News :: Lisbon shoot wraps", "Example News", "Lisbon shoot wraps"),
    ("Ax-1 lifts off: first private crew heads for the station", "", "Ax-1 lifts off: first private crew heads for the station"),
])
def test_title_from_the_title_tag_without_the_site_name(title_tag, site_name, expected):
    head = f"<title>{title_tag}</title>" + (f'<meta property="og:site_name" content="{site_name}">' if site_name else "")
    assert extract_page(page(head=head), URL).title == expected


def test_title_falls_back_to_the_h1():
    got = extract_page(page(body_top="<h1>The edit begins in Lisbon</h1>"), URL)
    assert got.title == "The edit begins in Lisbon"


def test_title_tag_that_repeats_the_h1_gives_the_h1():
    got = extract_page(page(head="<title>The edit begins in Lisbon - News</title>",
                            body_top="<h1>The edit begins in Lisbon</h1>"), URL)
    assert got.title == "The edit begins in Lisbon"


@pytest.mark.parametrize("head, body_top, expected", [
    ('<meta property="article:published_time" content="2024-05-14T23:30:00-04:00">', "",
     datetime(2024, 5, 15, 3, 30, tzinfo=timezone.utc)),
    ("", '<time class="published" datetime="2024-05-14T10:00:00Z">May 14</time>',
     datetime(2024, 5, 14, 10, 0, tzinfo=timezone.utc)),
    ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": "WebSite",'
     ' "name": "x"}, {"@type": "NewsArticle", "datePublished": "2024-05-14", "author": {"@type": "Person",'
     ' "name": "Rui Costa"}}]}</script>', "", datetime(2024, 5, 14, tzinfo=timezone.utc)),
    ('<meta property="article:published_time" content="2024-05-14T08:00:00">', "",
     datetime(2024, 5, 14, 8, 0, tzinfo=timezone.utc)),
])
def test_published_date_sources(head, body_top, expected):
    got = extract_page(page(head=head, body_top=body_top), URL)
    assert got.published_at == expected
    assert got.published_at.utcoffset().total_seconds() == 0


def test_json_ld_author_and_og_url_canonical():
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "author": [{"name": "Rui Costa"},'
            ' {"name": "Ana Ferreira"}]}</script><meta property="og:url" content="https://example.org/a/1">')
    got = extract_page(page(head=head), URL)
    assert got.author == "Rui Costa, Ana Ferreira"
    assert got.canonical_url == "https://example.org/a/1"


def test_canonical_that_is_not_http_is_ignored():
    got = extract_page(page(head='<link rel="canonical" href="javascript:void(0)">'), URL)
    assert got.canonical_url is None


def test_no_date_anywhere_gives_none():
    assert extract_page(page(), URL).published_at is None


@pytest.mark.parametrize("junk", [
    "",
    "   \n\t ",
    "\x00\x01\x02\x03" * 100,
    bytes(random.Random(7).randrange(256) for _ in range(5000)).decode("latin-1"),
    "<html></html>",
    "<html><head><title>Only a title</title></head></html>",
    "<html><body><script>var x = 1;</script></body></html>",
    "<p>a fragment</p>",
    "<?xml version='1.0' encoding='utf-8'?><rss><channel><item>x</item></channel></rss>",
    "<html><body>" + "<div>" * 5000 + "deep" + "</div>" * 5000 + "</body></html>",
    '<html lang="&#0;"><head><meta property="article:published_time" content="yesterday"></head><body><p>x</p></body></html>',
])
def test_junk_never_raises(junk):
    got = extract_page(junk, URL)
    assert isinstance(got, Extracted)
    assert isinstance(got.text, str) and isinstance(got.title, str)


def test_empty_input_is_empty():
    assert extract_page("", URL) == Extracted()


@pytest.mark.parametrize("value, expected", [
    ("2021-10-05T12:55:00+03:00", datetime(2021, 10, 5, 9, 55, tzinfo=timezone.utc)),
    ("2021-10-05T09:55:00.123Z", datetime(2021, 10, 5, 9, 55, 0, 123000, tzinfo=timezone.utc)),
    ("2021-10-05", datetime(2021, 10, 5, tzinfo=timezone.utc)),
    ("2021-10-05 garbage", datetime(2021, 10, 5, tzinfo=timezone.utc)),
    ("yesterday", None), ("", None), (None, None), ("0001-01-01", None),
])
def test_parse_datetime(value, expected):
    assert parse_datetime(value) == expected


def _corpus_articles():
    if not CORPUS.is_dir():
        return []
    articles = [json.loads(p.read_text("utf-8")) for p in sorted((CORPUS / "articles").glob("*.json"))]
    return [a for a in articles if a.get("body") and a.get("path") and not a.get("missing")]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the space-race corpus is not on this machine")
@pytest.mark.parametrize("article", _corpus_articles(), ids=lambda a: a["id"])
def test_scenario_pages(article):
    """Every outlet's markup: all body paragraphs in order, no comments, the page's own metadata."""
    path = article["path"] + ("index.html" if article["path"].endswith("/") else "")
    raw = (CORPUS / "phases/04" / path.lstrip("/")).read_bytes()
    _, html = html_to_unicode(None, raw)
    url = "http://127.0.0.1:8765" + article["path"]
    got = extract_page(html, url)

    def plain(text: str) -> str:
        return " ".join(text.replace("*", "").removeprefix("## ").split())

    text = plain(got.text)
    position = 0
    for paragraph in article["body"]:
        found = text.find(plain(paragraph), position)
        assert found >= 0, f"missing or out of order: {paragraph[:60]}"
        position = found
    for comment in article.get("comments") or []:
        assert plain(comment["text"]) not in text
    assert plain(got.title) == plain(article["title"])
    assert got.published_at == datetime.fromisoformat(article["published"]).astimezone(timezone.utc)
    assert got.canonical_url and got.canonical_url.startswith("http://127.0.0.1:8765/")


@pytest.mark.parametrize("declared, start, precision", [
    ("2031-04", datetime(2031, 4, 1, tzinfo=timezone.utc), "month"),
    ("2031", datetime(2031, 1, 1, tzinfo=timezone.utc), "year"),
])
def test_a_page_dated_only_to_the_month_or_year_keeps_that_precision(declared, start, precision):
    got = extract_page(page(head=f'<meta property="article:published_time" content="{declared}">'), "http://x/a")
    assert (got.published_at, got.published_precision) == (start, precision)  # never today's day


def test_a_partial_date_is_listed_at_its_precision():
    from storage.repository import iso

    assert iso(datetime(2031, 4, 1, tzinfo=timezone.utc), "month") == "2031-04"
    assert iso(datetime(2031, 1, 1, tzinfo=timezone.utc), "year") == "2031"
    assert iso(datetime(2031, 4, 9, 8, 0, tzinfo=timezone.utc)) == "2031-04-09T08:00:00+00:00"
