"""The digest as data: a pure function of what is new (no database here)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from notifications.digest import build_digest, one_line, shorten, web_url
from notifications.news import ArticleInfo, ChangeInfo, FailingSource, News, StoryInfo

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


def art(ident: int, story: int | None, source: str = "orbit-daily", url: str | None = None, days: int = 0,
        title: str = "") -> ArticleInfo:
    return ArticleInfo(id=ident, url=url or f"http://news.test/{source}/{ident}.html", title=title or f"Article {ident}",
                       source=source, published_at=NOW - timedelta(days=10 - days), story_id=story,
                       teaser=f"Teaser of {ident}.")


def chg(ident: int, article: ArticleInfo, attribute: str = "release_date", old: str | None = None,
        new: str | None = "2023-04-12", alerted: bool = False, corroborated_by: str | None = None) -> ChangeInfo:
    return ChangeInfo(id=ident, subject="challenge", attribute=attribute, old=old, new=new, snippet="It opens soon.",
                      detected_at=NOW, article=article, corroborated_by=corroborated_by, alerted=alerted)


def test_one_entry_per_story_with_its_new_links_and_other_outlets():
    a1, a2, a3 = art(1, 7, "orbit-daily"), art(2, 7, "kosmos-herald", days=1), art(3, 8, "reel-report", days=2)
    news = News(articles=(a1, a2, a3),
                stories={7: StoryInfo(7, "Challenge opens", ("kosmos-herald", "meridian-wire", "orbit-daily"), False),
                         8: StoryInfo(8, "Cruise film waits", ("reel-report",), False)})
    content = build_digest(news, kind="digest", now=NOW)
    assert [s.title for s in content.stories] == ["Cruise film waits", "Challenge opens"]  # newest first
    first = content.stories[1]
    assert [link.url for link in first.links] == [a1.url, a2.url]
    assert first.also_in == ("meridian-wire",) and first.outlet_count == 3
    assert content.stories[0].also_in == () and content.stories[0].outlet_count == 1
    assert content.article_ids == (1, 2, 3)


def test_a_url_an_earlier_mail_linked_is_not_linked_again_but_accounted_for():
    old_copy = art(4, 7, url="http://news.test/orbit-daily/1.html")  # same canonical URL as one already sent
    fresh = art(5, 7, "kosmos-herald")
    twin = art(6, 9, url=fresh.url)  # two rows, one canonical URL: linked once
    news = News(articles=(old_copy, fresh, twin), linked_urls=frozenset({old_copy.url}),
                stories={7: StoryInfo(7, "Challenge opens", ("orbit-daily", "kosmos-herald"), True),
                         9: StoryInfo(9, "Other", ("orbit-daily",), False)})
    content = build_digest(news, kind="digest", now=NOW)
    urls = [link.url for s in content.stories for link in s.links]
    assert urls == [fresh.url]
    assert content.stories[0].follow_up is True
    assert set(content.article_ids) == {4, 5, 6}


def test_nothing_new_is_no_digest_unless_asked():
    quiet = News(failing=(FailingSource("orbit-daily", 3, NOW, "HTTP 503"),))
    assert build_digest(quiet, kind="digest", now=NOW) is None
    empty = build_digest(quiet, kind="digest", now=NOW, send_when_empty=True)
    assert empty is not None and not empty.has_news and empty.failing[0].failures == 3
    assert build_digest(quiet, kind="alert", now=NOW, send_when_empty=True) is None


def test_changes_come_with_their_article_and_readable_values():
    a = art(1, 7)
    news = News(changes=(chg(1, a, old="2022-10"), chg(2, a, "cast", None, "Miloš Biković", corroborated_by="reel-report"),
                         chg(3, a, "cast", "Yulia Peresild", None)), articles=(a,),
                stories={7: StoryInfo(7, "S", ("orbit-daily",), False)})
    content = build_digest(news, kind="digest", now=NOW, labels={"challenge": "The Challenge"})
    first, added, removed = content.changes
    assert (first.action, first.old, first.new, first.detail) == ("changed", "October 2022", "12 April 2023", "Release date")
    assert first.article.url == a.url and first.subject_label == "The Challenge"
    assert (added.action, added.new, added.corroborated_by) == ("added", "Miloš Biković", "reel-report")
    assert (removed.action, removed.old) == ("removed", "Yulia Peresild")
    assert content.change_ids == (1, 2, 3)


def test_alerted_changes_are_recap_not_news_and_alerts_carry_only_unalerted():
    a, b = art(1, None), art(2, None, "kosmos-herald")
    news = News(changes=(chg(1, a, alerted=True), chg(2, b, "director", None, "Klim Shipenko")))
    digest = build_digest(news, kind="digest", now=NOW)
    assert [c.detail for c in digest.changes] == ["Director"] and [c.detail for c in digest.recap] == ["Release date"]
    assert digest.change_ids == (1, 2) and 1 not in digest.article_ids and 2 in digest.article_ids
    only_recap = News(changes=(chg(1, a, alerted=True),))
    assert build_digest(only_recap, kind="digest", now=NOW) is None


@pytest.mark.parametrize("url, ok", [
    ("https://news.test/a?b=1&c=2", True), ("http://news.test/", True), ("javascript:alert(1)", False),
    ("JAVASCRIPT:alert(1)", False), ("data:text/html,<b>x</b>", False), ("http://news.test/a b", False),
    ("http://news.test/\"onmouseover=x", False), ("//news.test/a", False), ("", False), (None, False)])
def test_only_web_addresses_become_links(url, ok):
    assert web_url(url) == (url if ok else None)


def test_hostile_text_is_one_line_and_shortened_at_a_word():
    assert one_line("a\r\nBcc: x@y\tz\u2028w\x00") == "a Bcc: x@y z w"
    long = "word " * 2000
    cut = shorten(one_line(long), 100)
    assert len(cut) <= 100 and cut.endswith("…") and not cut.endswith(" …")
    assert shorten("x" * 5000, 50) == "x" * 49 + "…"


def test_a_first_digest_over_a_long_history_lists_a_hundred_stories_and_counts_the_rest():
    articles = tuple(art(i, i, days=i % 10) for i in range(1, 106))
    stories = {i: StoryInfo(i, f"Story {i}", ("orbit-daily",), False) for i in range(1, 106)}
    content = build_digest(News(articles=articles, stories=stories), kind="digest", now=NOW)
    assert len(content.stories) == 100 and content.more_stories == 5 and content.story_count == 105
    assert len(content.article_ids) == 105  # all accounted for: none comes back in the next digest


def test_two_changes_of_one_detail_are_one_entry_from_the_shown_value_to_the_latest():
    early, late = art(1, 7), art(2, 7, "kosmos-herald", days=1)
    news = News(changes=(chg(1, early, old=None, new="2031-05"),
                         chg(2, late, old="2031-05", new="2031-09-14"),
                         chg(3, late, "director", None, "Ada Korolenko")),
                articles=(early, late), stories={7: StoryInfo(7, "S", ("orbit-daily",), False)})
    content = build_digest(news, kind="digest", now=NOW)
    entry = next(c for c in content.changes if c.attribute == "release_date")
    assert [c.attribute for c in content.changes].count("release_date") == 1
    assert (entry.old, entry.new, entry.steps) == (None, "14 September 2031", ("May 2031",))
    assert entry.article.url == late.url
    assert content.change_ids == (1, 2, 3)


def test_the_subject_and_first_card_name_the_latest_value():
    from notifications.render import render

    a, b = art(1, None), art(2, None, "kosmos-herald", days=1)
    news = News(changes=(chg(1, a, old=None, new="2031-05"), chg(2, b, old="2031-05", new="2031-09-14")))
    rendered = render(build_digest(news, kind="digest", now=NOW))
    assert "14 September 2031" in rendered.subject and "May 2031" not in rendered.subject
    assert "(in between: May 2031)" in rendered.text
    assert 'class="steps"' in rendered.html


@pytest.mark.parametrize("attribute, old, new, shown_old, shown_new", [
    ("spacecraft", "Starglider", "Starglider MK-3", "Starglider", "Starglider MK-3"),
    ("launch_date", "2031-05", "2031-05-20", "May 2031", "20 May 2031")])
def test_a_more_exact_value_reads_as_now_known_exactly_not_as_a_correction(attribute, old, new, shown_old, shown_new):
    from notifications.render import render

    content = build_digest(News(changes=(chg(1, art(1, None), attribute, old=old, new=new),)), kind="digest", now=NOW)
    assert content.changes[0].action == "refined"
    rendered = render(content)
    assert f"now known exactly, {shown_new} (was {shown_old})" in rendered.text
    assert 'class="old"' not in rendered.html and "now known exactly" in rendered.html


def test_a_different_value_that_only_shares_a_prefix_is_a_correction():
    content = build_digest(News(changes=(chg(1, art(1, None), "spacecraft", old="Star", new="Starglider"),)),
                           kind="digest", now=NOW)
    assert content.changes[0].action == "changed"


def test_an_alert_marks_no_article_as_linked():
    a = art(1, 7)
    alert = build_digest(News(changes=(chg(1, a),)), kind="alert", now=NOW)
    assert alert.change_ids == (1,) and alert.article_ids == ()
