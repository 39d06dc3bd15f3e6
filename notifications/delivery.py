"""Handing a finished message to the mail system: SMTP (plain, STARTTLS or SSL) or a Maildir.

A transport either returns (the message was accepted; some recipients may have been refused)
or raises `DeliveryError`, which says whether trying again can help (`permanent`).
Credentials come only from the environment: SPACEWATCH_SMTP_USER, SPACEWATCH_SMTP_PASSWORD.
"""
from __future__ import annotations

import mailbox
import os
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol

from notifications.options import MailOptions

USER_ENV = "SPACEWATCH_SMTP_USER"
PASSWORD_ENV = "SPACEWATCH_SMTP_PASSWORD"


class DeliveryError(Exception):
    """The message was not accepted. `permanent`: the same message will never be (5xx)."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


@dataclass(frozen=True)
class Accepted:
    where: str  # "a@b, c@d" or the Maildir path, for the terminal
    refused: Mapping[str, str] = field(default_factory=dict)  # recipient -> server reply


class Transport(Protocol):
    def deliver(self, message: bytes, sender: str, recipients: Sequence[str]) -> Accepted: ...


@dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int
    timeout: float
    starttls: bool = False
    ssl: bool = False
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ), repr=False)
    context: ssl.SSLContext | None = field(default=None, repr=False)  # None: the system's trusted CAs

    def deliver(self, message: bytes, sender: str, recipients: Sequence[str]) -> Accepted:
        envelope_from = parseaddr(sender)[1]
        to = [parseaddr(r)[1] for r in recipients]
        if not to:
            raise DeliveryError("no recipients configured ([email] to)", permanent=True)
        user, password = self.credentials()
        try:
            with self.connect() as smtp:
                if self.starttls:
                    smtp.starttls(context=self.tls_context())
                    smtp.ehlo()
                if user:
                    smtp.login(user, password)
                refused = smtp.sendmail(envelope_from, to, message)
        except smtplib.SMTPRecipientsRefused as exc:
            replies = {r: _reply(code, text) for r, (code, text) in exc.recipients.items()}
            permanent = all(code >= 500 for code, _ in exc.recipients.values())
            raise DeliveryError("every recipient refused: " + describe_replies(replies), permanent=permanent) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            what = "sender refused" if isinstance(exc, smtplib.SMTPSenderRefused) else "message refused"
            raise DeliveryError(f"{what}: {_reply(exc.smtp_code, exc.smtp_error)}",
                                permanent=exc.smtp_code >= 500) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"{self.host}:{self.port}: {_reply(exc.smtp_code, exc.smtp_error)}") from None
        except smtplib.SMTPServerDisconnected as exc:
            raise DeliveryError(f"{self.host}:{self.port}: connection closed: {exc or 'no reason given'}") from None
        except (smtplib.SMTPException, OSError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            raise DeliveryError(f"{self.host}:{self.port}: {reason}") from None
        return Accepted(where=", ".join(r for r in to if r not in refused),
                        refused={r: _reply(code, text) for r, (code, text) in refused.items()})

    def connect(self) -> smtplib.SMTP:
        if self.ssl:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.tls_context())
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def tls_context(self) -> ssl.SSLContext:
        return self.context or ssl.create_default_context()

    def credentials(self) -> tuple[str | None, str]:
        user, password = self.environ.get(USER_ENV) or None, self.environ.get(PASSWORD_ENV)
        if user and password is None:
            raise DeliveryError(f"{USER_ENV} is set but {PASSWORD_ENV} is not")
        return user, password or ""


@dataclass(frozen=True)
class MaildirTransport:
    """A local Maildir: each message is written to tmp/ and then renamed into new/."""

    path: Path

    def deliver(self, message: bytes, sender: str, recipients: Sequence[str]) -> Accepted:
        try:
            box = mailbox.Maildir(self.path, factory=None, create=True)
            box.add(message.replace(b"\r\n", b"\n"))  # Maildir files use the local line ending
        except OSError as exc:
            raise DeliveryError(f"{self.path}: cannot write to the Maildir: {exc.strerror or exc}") from None
        return Accepted(where=f"Maildir {self.path}")


def transport_for(mail: MailOptions) -> Transport:
    if mail.smtp_host:
        return SmtpTransport(host=mail.smtp_host, port=mail.smtp_port, timeout=mail.timeout,
                             starttls=mail.starttls, ssl=mail.ssl)
    return MaildirTransport(Path(mail.outbox))


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(str(text).split())}".strip()


def describe_replies(replies: Mapping[str, str]) -> str:
    """`who (reply); who (reply)`, for the terminal."""
    return "; ".join(f"{who} ({reply})" for who, reply in replies.items())
