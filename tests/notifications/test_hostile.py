"""Hostile titles and URLs through the whole mail: headers stay headers, HTML stays inert."""
from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest
from jinja2 import DictLoader, nodes

from notifications import send_pending_digest
from notifications.digest import DigestContent
from notifications.render import make_environment, render
from storage.db import transaction
from tests.notifications import rows
from tests.notifications.conftest import html_links, parts

TEMPLATES = Path(__file__).resolve().parents[2] / "notifications" / "templates"
HOSTILE = ("<script>alert('x')</script> Crew \"Dragon\" & <b>Soyuz</b>\r\nBcc: victim@example.org\r\n"
           "X-Injected: yes\n Ünïcödé 宇宙 " + "very long title " * 320)  # over 5,000 characters


@pytest.fixture
def hostile(factory):
    with transaction(factory) as session:
        story = rows.story(session, HOSTILE)
        rows.article(session, "javascript:alert(document.cookie)", title=HOSTILE, story=story)
        rows.article(session, "2022/06/fine.html", source="meridian-wire", title="<img src=x onerror=alert(1)>",
                     story=story, days=1, canonical="http://news.test/meridian-wire/2022/06/fine.html?a=1&b=<2>")
        plain = rows.article(session, "2022/06/plain.html", source="kosmos-herald", title="Plain title", days=2)
        rows.change(session, plain, "challenge", "cast", None, "Юлия\r\nBcc: x@y <i>P</i>",
                    snippet="<script>evil()</script>\r\nshe said " + "x" * 3000)


def test_hostile_titles_give_one_subject_inert_html_and_short_lines(factory, smtp, mail, options, hostile):
    sink, _ = smtp
    send_pending_digest(factory, mail, options)
    [(_, rcpt, raw)] = sink.messages
    assert rcpt == ["desk@example.org"]  # no injected recipient
    head, _, _ = raw.partition(b"\r\n\r\n")
    names = [line.split(b":")[0] for line in head.split(b"\r\n") if line and not line[:1].isspace()]
    assert b"X-Injected" not in names and b"Bcc" not in names
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    assert b"=?utf-8?" in head  # non-ASCII subject in RFC 2047 encoded words
    message = message_from_bytes(raw, policy=policy.default)
    assert len(message.get_all("Subject")) == 1
    subject = message["Subject"].strip()
    assert "\n" not in subject and "\r" not in subject and len(subject) <= 150
    assert subject == "[spacewatch] challenge: Юлия Bcc: x@y <i>P</i> joins the cast (2 stories)"
    text, html = parts(message)
    hrefs, tags = html_links(html)
    assert not tags & {"script", "img", "b", "i"}
    assert all(h.startswith(("http://", "https://", "mailto:")) for h in hrefs)
    assert not any("javascript" in h.lower() for h in hrefs)
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="http://news.test/meridian-wire/2022/06/fine.html?a=1&amp;b=&lt;2&gt;"' not in html  # not a web URL
    assert "(no web link: javascript:alert(document.cookie))" in text
    assert "<script>alert('x')</script> Crew \"Dragon\" & <b>Soyuz</b> Bcc: victim@example.org" in " ".join(text.split())
    assert "&lt;" not in text and "&amp;" not in text
    assert max(len(line) for line in text.splitlines()) < 700  # titles and snippets are cut, not 5,000 long


def test_a_5000_character_title_with_line_breaks_is_one_subject_cut_at_a_word():
    from datetime import datetime, timezone

    from notifications.digest import ArticleLink, StoryEntry

    link = ArticleLink(title="t", outlet="o", address="http://news.test/a", url="http://news.test/a")
    story = StoryEntry(title=HOSTILE, links=(link,), also_in=(), outlet_count=1, teaser="", follow_up=False)
    content = DigestContent(kind="digest", created_at=datetime(2026, 3, 2, tzinfo=timezone.utc), since=None,
                            stories=(story, story))
    subject = render(content).subject
    assert subject.startswith("[spacewatch] <script>alert('x')</script> Crew \"Dragon\" & <b>Soyuz</b> Bcc:")
    assert subject.endswith("… (+1 more story)") and len(subject) <= 150 and "\n" not in subject


def test_text_filters_refuse_html_templates():
    env = make_environment()
    env.loader = DictLoader({"x.html": "{{ title|text }}", "x.txt": "{{ title|text }} {{ title }}"})
    with pytest.raises(RuntimeError, match="for \\*.txt templates only"):
        env.get_template("x.html").render(title="<b>")
    assert env.get_template("x.txt").render(title="<b>") == "<b> &lt;b&gt;"  # forgotten filter: escaped


def test_html_templates_import_no_text_macros():
    html = sorted(TEMPLATES.glob("*.html"))
    # the mails' own HTML templates are there to check (an empty glob would check nothing)
    assert {t.name for t in html} >= {"base.html", "_html.html", "digest.html", "alert.html"}
    env = make_environment()
    used: dict[str, set[str]] = {}
    for template in html:
        source = template.read_text(encoding="utf-8")
        used[template.name] = {node.template.value for node in env.parse(source).find_all(
            (nodes.Import, nodes.FromImport, nodes.Include, nodes.Extends))}
        assert all(name.endswith(".html") for name in used[template.name]), (template.name, used[template.name])
        assert ".txt" not in source, template.name
    assert used["digest.html"] >= {"base.html", "_html.html"} and used["alert.html"] >= {"base.html", "_html.html"}


def test_an_empty_digest_when_asked_says_so(factory):
    from datetime import datetime, timezone

    content = DigestContent(kind="digest", created_at=datetime(2026, 3, 2, 7, tzinfo=timezone.utc),
                            since=datetime(2026, 3, 1, 7, tzinfo=timezone.utc))
    rendered = render(content, timezone="Europe/Berlin")
    assert rendered.subject == "[spacewatch] nothing new since 1 March 2026"
    assert "Nothing new was found since the last digest." in rendered.text
    assert "since the last digest (1 Mar 2026, 08:00 CET)" in rendered.html


@pytest.mark.parametrize("subject", [
    "[spacewatch] The Challenge (Roscosmos / Channel One film): Miloš Biković joins the cast (+1 more change, 3 stories)",
    "x " * 30 + "Miloš Biković joins",
    "[spacewatch] " + "宇宙 " * 40 + "Юлия",
    "[spacewatch] a plain ASCII subject that is long enough for the policy to fold it somewhere"])
def test_a_folded_subject_reads_back_exactly(subject):
    from datetime import datetime, timezone

    from notifications.message import compose
    from notifications.render import Rendered

    raw = compose(Rendered(subject.strip(), "text", "<p>html</p>"), msgid="<1.x@example.org>", sender="a@example.org",
                  to=["b@example.org"], date=datetime(2026, 3, 2, tzinfo=timezone.utc))
    assert message_from_bytes(raw, policy=policy.default)["Subject"].strip() == subject.strip()
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78
