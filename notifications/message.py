"""The MIME message of a rendered mail: headers that survive hostile text, parts that fold.

Built with `email.message.EmailMessage` and the SMTP policy: the Subject is one line encoded
per RFC 2047 when it is not ASCII and folded under 998 characters; both parts use
quoted-printable, so a long HTML line is folded too; line endings are CRLF.

One exception to the policy's folding: a non-ASCII Subject is folded by `email.header.Header`,
because the policy's folder (CPython 3.11) can fold just before two adjacent encoded words and
then loses the space between them ("Miloš Biković" reads back as "MilošBiković").
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from email import charset, policy
from email.header import Header
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, parseaddr

from notifications.options import bare_uri
from notifications.render import Rendered


class _SubjectSafeSMTP(EmailPolicy):
    """policy.SMTP, but a non-ASCII Subject is encoded whole, spaces inside the encoded words."""

    def fold_binary(self, name: str, value: str) -> bytes:
        if name.lower() != "subject" or str(value).isascii():
            return super().fold_binary(name, value)
        utf8 = charset.Charset("utf-8")
        utf8.header_encoding = charset.QP
        header = Header(str(value), utf8, maxlinelen=min(self.max_line_length, 76), header_name=name)
        return f"{name}: {header.encode(linesep=self.linesep)}{self.linesep}".encode("ascii")


SMTP_POLICY = _SubjectSafeSMTP(linesep="\r\n")


def sender_domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    domain = address.rpartition("@")[2].strip().strip("[]").lower()
    return "".join(c for c in domain if c.isalnum() or c in ".-") or "localhost"


def message_id(kind: str, row_id: int, key: str, sender: str) -> str:
    """`<spacewatch.digest.12.1f2e3d4c5b6a@example.org>`: the outbox row, a hash of what the mail
    carries and the sender's domain. The same row always gets the same id, so a copy resent
    after a crash is recognisable (and mail clients and servers drop it as a duplicate)."""
    digest = hashlib.sha256(f"{kind}:{row_id}:{key}".encode()).hexdigest()[:16]
    return f"<spacewatch.{kind}.{row_id}.{digest}@{sender_domain(sender)}>"


def compose(rendered: Rendered, *, msgid: str, sender: str, to: Sequence[str], date: datetime,
            list_unsubscribe: str | None = None, kind: str = "digest") -> bytes:
    """The exact bytes to send: multipart/alternative, text first, HTML preferred."""
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = rendered.subject
    message["From"] = sender
    if to:
        message["To"] = ", ".join(to)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = msgid
    if list_unsubscribe:
        message["List-Unsubscribe"] = f"<{bare_uri(list_unsubscribe)}>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    message["X-Spacewatch-Kind"] = kind
    message.set_content(rendered.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(rendered.html, subtype="html", charset="utf-8", cte="quoted-printable")
    return message.as_bytes(policy=SMTP_POLICY)
