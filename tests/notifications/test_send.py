"""The digest through a real SMTP server (aiosmtpd on loopback), on SQLite and PostgreSQL."""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from notifications import DeliveryFailed, digest_preview, flush_outbox, send_alert, send_pending_digest
from notifications import outbox
from notifications.send import NOTHING_NEW
from storage.db import transaction
from storage.models import Article, Change, Digest
from tests.loopback import free_port
from tests.notifications import rows
from tests.notifications.conftest import html_links, parts, urls_in


def digests(factory) -> list[Digest]:
    with factory() as session:
        return list(session.scalars(select(Digest).order_by(Digest.id)))


def test_the_digest_arrives_once_and_reads_right_part_by_part(factory, smtp, mail, options, seeded):
    sink, _ = smtp
    line = send_pending_digest(factory, mail, options, labels={"challenge": "The Challenge (film)"})
    [row] = digests(factory)
    assert line == f"sent digest {row.message_id}: 1 change, 1 story to desk@example.org"
    [message] = sink.parsed()
    assert row.status == "sent" and row.attempts == 1 and row.sent_at is not None
    assert message["Message-ID"] == row.message_id and row.message_id.endswith("@example.org>")
    assert message["From"] == "spacewatch@example.org" and message["To"] == "desk@example.org"
    assert message["List-Unsubscribe"] == "<mailto:leave@example.org>" and message["Date"]
    # the email package may fold before the first word ("Subject:\r\n [spacewatch] ..."): unfolded, a leading space
    assert message["Subject"].strip() == row.subject
    assert "The Challenge (film): release date now October 2022" in message["Subject"]
    text, html = parts(message)
    # changes first: detail, value, snippet, the reporting article; then the story with both new links
    assert text.index("WHAT CHANGED") < text.index("NEW STORIES") < text.index("SOURCES WITH PROBLEMS")
    assert "Release date: October 2022" in text and "cinemas in October 2022" in text
    assert "Single outlet so far" in text and "Also in reel-report (3 outlets in all)" in text
    assert "starfield-times: 3 failures in a row since" in text and "HTTP 503" in text
    hrefs, tags = html_links(html)
    assert {h for h in hrefs if h.startswith("http")} == {seeded.first.canonical_url, seeded.second.canonical_url}
    assert "mailto:leave@example.org" in hrefs and "table" in tags and "<style" not in html.split("<body")[1]
    assert 'style="' in html  # css-inline moved the CSS into the elements
    assert seeded.copy.url not in text + html  # the copy is counted as an outlet, never linked
    assert send_pending_digest(factory, mail, options) == NOTHING_NEW
    assert len(sink.messages) == 1


def test_the_next_digest_links_only_what_no_digest_linked(factory, smtp, mail, options, seeded):
    sink, _ = smtp
    send_pending_digest(factory, mail, options)
    with transaction(factory) as session:
        story = session.get(Article, seeded.first.id).story
        follow = rows.article(session, "2022/03/premiere.html", source="meridian-wire", title="Premiere set", story=story, days=3)
        rows.article(session, "2022/02/edit.html?amp=1", title="AMP variant", story=story, days=3,
                     canonical=seeded.first.canonical_url)  # an original row whose canonical URL was sent
        rows.article(session, "2022/03/premiere-copy.html", source="reel-report", story=story, duplicate_of=follow, days=3)
        other = rows.story(session, "Cruise film waits for a seat")
        fresh = rows.article(session, "2022/03/cruise.html", source="starfield-times", story=other, days=4)
    line = send_pending_digest(factory, mail, options)
    assert line.endswith(": 0 changes, 2 stories to desk@example.org")
    first, second = sink.parsed()
    assert urls_in(second) == {follow.canonical_url, fresh.canonical_url}
    assert not urls_in(first) & urls_in(second)
    text, _ = parts(second)
    assert "(follow-up)" in text and second["Subject"].strip() == "[spacewatch] Cruise film waits for a seat (+1 more story)"


def test_duplicates_alone_are_no_news(factory, smtp, mail, options, seeded):
    sink, _ = smtp
    send_pending_digest(factory, mail, options)
    with transaction(factory) as session:
        rows.article(session, "2022/04/again.html", source="meridian-wire", duplicate_of=seeded.second, days=5,
                     story=session.get(Article, seeded.second.id).story)
        rows.article(session, "2022/04/football.html", relevant=False, days=5)
    assert send_pending_digest(factory, mail, options) == NOTHING_NEW
    assert len(sink.messages) == 1


def test_a_server_that_is_down_keeps_the_digest_and_the_next_call_sends_it_once(factory, smtp, mail, options, seeded):
    sink, _ = smtp
    down = replace(mail, smtp_port=free_port())
    with pytest.raises(DeliveryFailed, match=r"^digest kept pending: 127\.0\.0\.1:\d+: .*attempt 1 of 5"):
        send_pending_digest(factory, down, options)
    [row] = digests(factory)
    assert (row.status, row.attempts) == ("pending", 1) and row.last_error and row.next_attempt_at > row.created_at
    with transaction(factory) as session:  # news that arrived meanwhile follows in a digest of its own
        later = rows.article(session, "2022/05/later.html", source="meridian-wire", title="Later news", days=6)
    line = send_pending_digest(factory, mail, options)
    kept, new = digests(factory)
    assert line == (f"sent digest {row.message_id} (attempt 2, built {row.created_at:%Y-%m-%d %H:%M} UTC) to "
                    f"desk@example.org; sent digest {new.message_id}: 0 changes, 1 story to desk@example.org")
    first, second = sink.parsed()
    assert first["Message-ID"] == row.message_id and later.canonical_url not in urls_in(first)
    assert urls_in(second) == {later.canonical_url}
    assert send_pending_digest(factory, mail, options) == NOTHING_NEW and len(sink.messages) == 2


@pytest.mark.parametrize("reply", ["421 4.3.2 try later", "451 4.3.0 local problem"])
def test_a_temporary_refusal_of_the_data_is_retried_and_one_copy_arrives(factory, smtp, mail, options, seeded, reply):
    sink, _ = smtp
    sink.fail_next.append(reply)
    with pytest.raises(DeliveryFailed, match=reply.split()[0]):
        send_pending_digest(factory, mail, options)
    assert sink.messages == []
    send_pending_digest(factory, mail, options)
    assert len(sink.messages) == 1 and digests(factory)[0].status == "sent"


def test_a_connection_dropped_after_data_is_retried_and_one_copy_arrives(factory, smtp, mail, options, seeded):
    sink, _ = smtp
    accept = sink.handle_DATA
    drops = []

    async def drop_once(server, session, envelope):
        if not drops:
            drops.append(envelope.mail_from)
            server.transport.close()  # hang up instead of answering the end of DATA
            return "421 closing"
        return await accept(server, session, envelope)

    sink.handle_DATA = drop_once
    with pytest.raises(DeliveryFailed, match="digest kept pending: .*connection"):
        send_pending_digest(factory, mail, options)
    assert drops and sink.messages == []
    send_pending_digest(factory, mail, options)
    assert len(sink.messages) == 1 and sink.parsed()[0]["Message-ID"] == digests(factory)[0].message_id


def test_a_refused_recipient_is_recorded_and_not_retried(factory, smtp, mail, options, seeded):
    sink, _ = smtp
    sink.refuse_recipients = {"gone@example.org"}
    gone = replace(mail, to=("gone@example.org",))
    with pytest.raises(DeliveryFailed, match=r"failed: every recipient refused: gone@example.org \(550"):
        send_pending_digest(factory, gone, options)
    [row] = digests(factory)
    assert (row.status, row.attempts) == ("failed", 1) and "550" in row.last_error
    with factory() as session:  # what it carried goes to the next digest
        assert session.get(Change, seeded.change.id).digest_id is None
        assert session.get(Article, seeded.first.id).digest_id is None
    line = send_pending_digest(factory, replace(mail, to=("desk@example.org", "gone@example.org")), options)
    assert "refused: gone@example.org (550" in line
    first, second = digests(factory)
    assert (first.status, first.attempts) == ("failed", 1)  # never tried again
    assert second.status == "sent" and "gone@example.org" in second.last_error
    assert [to for _, to, _ in sink.messages] == [["desk@example.org"]]


def test_two_sends_at_once_send_one_mail(factory, smtp, mail, options, seeded):
    sink, _ = smtp
    start = threading.Barrier(3)
    lines, errors = [], []

    def send() -> None:
        start.wait(timeout=10)
        try:
            lines.append(send_pending_digest(factory, mail, options))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert len(sink.messages) == 1 and len(digests(factory)) == 1
    assert sum(line.startswith("sent digest") for line in lines) == 1


def test_a_sender_that_died_mid_send_is_replaced_after_its_claim_runs_out(factory, smtp, mail, options, seeded):
    sink, _ = smtp
    now = datetime.now(timezone.utc)
    record_only = replace(mail, smtp_port=free_port())
    with pytest.raises(DeliveryFailed):
        send_pending_digest(factory, record_only, options, now=now)
    [row] = digests(factory)
    assert outbox.claim(factory, row.id, now, outbox.lease_for(mail.timeout)) is not None  # ... and then it died
    assert send_pending_digest(factory, mail, options, now=now + timedelta(seconds=5)) == \
        f"digest {row.message_id} is being sent by another process"
    assert sink.messages == []
    later = now + outbox.lease_for(mail.timeout) + timedelta(seconds=1)
    assert send_pending_digest(factory, mail, options, now=later).startswith(f"sent digest {row.message_id}")
    assert len(sink.messages) == 1


def test_flush_outbox_waits_for_the_backoff_and_attempts_run_out(factory, smtp, mail, options, seeded):
    sink, _ = smtp
    now = datetime.now(timezone.utc)
    down = replace(mail, smtp_port=free_port())
    with pytest.raises(DeliveryFailed):
        send_pending_digest(factory, down, replace(options, max_attempts=2), now=now)
    assert flush_outbox(factory, mail, options, now=now + timedelta(seconds=30)) == "outbox empty"
    assert "kept pending" in flush_outbox(factory, down, replace(options, max_attempts=3), now=now + timedelta(minutes=2))
    assert "failed after 3 attempts" in flush_outbox(factory, down, replace(options, max_attempts=3),
                                                     now=now + timedelta(hours=1))
    assert digests(factory)[0].status == "failed" and sink.messages == []
    send_pending_digest(factory, mail, options, now=now + timedelta(hours=2))  # its news comes in a new digest
    assert {seeded.first.canonical_url, seeded.second.canonical_url} <= urls_in(sink.parsed()[0])


def test_an_alert_carries_new_changes_and_the_digest_does_not_repeat_them(factory, smtp, mail, options, seeded):
    sink, _ = smtp
    immediate = replace(options, on_change="immediate")
    line = send_alert(factory, mail, immediate)
    assert line.startswith("sent alert <spacewatch.alert.")
    assert send_alert(factory, mail, immediate) == "no new changes: no alert sent"
    alert = sink.parsed()[0]
    assert alert["Subject"].strip().startswith("[spacewatch alert] challenge: release date now October 2022")
    assert urls_in(alert) == {seeded.first.canonical_url}
    send_pending_digest(factory, mail, immediate)
    digest = sink.parsed()[1]
    text, _ = parts(digest)
    assert "WHAT CHANGED" not in text and "ALREADY ALERTED" in text
    assert urls_in(digest) == {seeded.first.canonical_url, seeded.second.canonical_url}  # the story, whole
    with factory() as session:
        change = session.get(Change, seeded.change.id)
        assert change.alert_id == digests(factory)[0].id and change.digest_id == digests(factory)[1].id


def test_a_story_whose_only_article_an_alert_carried_still_reaches_the_digest(factory, smtp, mail, options):
    sink, _ = smtp
    with transaction(factory) as session:
        lone = rows.article(session, "2031/05/rollout.html", title="Harbour film rolls out",
                            story=rows.story(session, "Harbour film rolls out"))
        rows.change(session, lone, "harbour", "director", None, "Ada Korolenko")
    immediate = replace(options, on_change="immediate")
    assert send_alert(factory, mail, immediate).startswith("sent alert")
    line = send_pending_digest(factory, mail, immediate)
    assert line.startswith("sent digest") and "1 story" in line
    text, _ = parts(sink.parsed()[1])
    assert "NEW STORIES" in text and "Harbour film rolls out" in text
    assert urls_in(sink.parsed()[1]) == {lone.canonical_url}
    assert send_pending_digest(factory, mail, immediate) == NOTHING_NEW  # and only once


def test_stories_and_changes_show_their_article_date(factory, smtp, mail, options, seeded):
    sink, _ = smtp
    send_pending_digest(factory, mail, options)
    text, html = parts(sink.parsed()[0])
    # rows.T0 is 1 March 2026 08:00 UTC; the second article a day later (dates in Europe/Berlin)
    assert "orbit-daily, 1 March 2026: Challenge heads into the edit" in text
    assert "kosmos-herald, 2 March 2026: The edit begins" in text
    assert html.count('class="date"') >= 3  # the change's article and both story links


def test_the_maildir_outbox_gets_the_message_through_tmp_into_new(factory, tmp_path, options, seeded):
    from email import message_from_bytes, policy

    from notifications.options import MailOptions

    box = tmp_path / "outbox"
    local = MailOptions(outbox=str(box))
    line = send_pending_digest(factory, local, options)
    assert line.endswith(f"to Maildir {box}")
    [name] = list((box / "new").iterdir())
    assert list((box / "tmp").iterdir()) == [] and (box / "cur").is_dir()
    message = message_from_bytes(name.read_bytes(), policy=policy.default)
    assert message["Message-ID"] == digests(factory)[0].message_id and "To" not in message
    assert seeded.first.canonical_url in urls_in(message)
    assert send_pending_digest(factory, local, options) == NOTHING_NEW
    assert len(list((box / "new").iterdir())) == 1


def test_the_maildir_message_is_written_in_tmp_before_it_appears_in_new(factory, tmp_path, options, seeded):
    """A reader of new/ never sees half a message: it is written in tmp/ and renamed. With tmp/
    unusable (a file in its place) nothing can be delivered, and nothing appears in new/."""
    from notifications.options import MailOptions

    box = tmp_path / "outbox"
    for folder in ("new", "cur"):
        (box / folder).mkdir(parents=True)
    (box / "tmp").write_text("not a folder")
    with pytest.raises(DeliveryFailed, match="cannot write to the Maildir"):
        send_pending_digest(factory, MailOptions(outbox=str(box)), options)
    assert list((box / "new").iterdir()) == [] and digests(factory)[0].status == "pending"


def test_preview_records_and_sends_nothing(factory, smtp, mail, options, seeded):
    sink, _ = smtp
    text, html = digest_preview(factory, mail, options)
    assert seeded.first.canonical_url in text and f'href="{seeded.second.canonical_url}"' in html
    assert digests(factory) == [] and sink.messages == []
    with factory() as session:
        assert session.get(Change, seeded.change.id).digest_id is None
