"""Handing a finished message to the mail system: SMTP (plain, STARTTLS or SSL) or a Maildir.

A transport either returns (the message was accepted; some recipients may have been refused)
or raises `DeliveryError`, which says whether trying again can help (`permanent`).
Credentials come only from the environment: SPACEWATCH_SMTP_USER, SPACEWATCH_SMTP_PASSWORD.
"""
from __future__ import annotations

import mailbox
import os
import smtplib
import socket
import ssl
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol

from notifications.options import MailOptions

USER_ENV = "SPACEWATCH_SMTP_USER"
PASSWORD_ENV = "SPACEWATCH_SMTP_PASSWORD"


AFTER_DATA = "connection lost after the whole message was sent"


class DeliveryError(Exception):
    """The message was not accepted. `permanent`: the same message will never be (5xx).
    `after_data`: the connection was lost after the whole message went out, so the server may
    have accepted it (RFC 1047): the caller retries such a mail at most once."""

    def __init__(self, reason: str, *, permanent: bool = False, after_data: bool = False) -> None:
        super().__init__(reason)
        self.permanent, self.after_data = permanent, after_data


class _SendsData:
    """Remembers when the end of DATA (the lone dot) has gone out."""

    payload_sent = False

    def send(self, s) -> None:
        super().send(s)  # type: ignore[misc]
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.payload_sent = True


class _SMTP(_SendsData, smtplib.SMTP):
    pass


class _SMTP_SSL(_SendsData, smtplib.SMTP_SSL):  # noqa: N801
    pass


class Deadline:
    """Cuts the connection of `smtp` when `seconds` have passed, whatever it is waiting for.

    smtplib's timeout bounds each socket operation: a server that trickles a byte at a time,
    or sends an endless multi-line greeting, never trips it. This bounds the whole conversation.
    """

    def __init__(self, smtp: smtplib.SMTP, seconds: float) -> None:
        self.smtp, self.expired = smtp, threading.Event()
        self.timer = threading.Timer(seconds, self._cut)
        self.timer.daemon = True

    def __enter__(self) -> "Deadline":
        self.timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.timer.cancel()

    def _cut(self) -> None:
        self.expired.set()
        sock = self.smtp.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


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
        smtp = self.client()
        deadline = Deadline(smtp, self.timeout)
        try:
            with deadline, smtp:
                smtp.connect(self.host, self.port)
                if self.starttls:
                    smtp.starttls(context=self.tls_context())
                    smtp.ehlo()
                if user:
                    smtp.login(user, password)
                refused = smtp.sendmail(envelope_from, to, message)
        except (smtplib.SMTPException, OSError) as exc:
            raise self._failure(exc, smtp.payload_sent, deadline.expired.is_set()) from None
        return Accepted(where=", ".join(r for r in to if r not in refused),
                        refused={r: _reply(code, text) for r, (code, text) in refused.items()})

    def _failure(self, exc: smtplib.SMTPException | OSError, payload_sent: bool, expired: bool) -> DeliveryError:
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            replies = {r: _reply(code, text) for r, (code, text) in exc.recipients.items()}
            permanent = all(code >= 500 for code, _ in exc.recipients.values())
            return DeliveryError("every recipient refused: " + describe_replies(replies), permanent=permanent)
        if isinstance(exc, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
            what = "sender refused" if isinstance(exc, smtplib.SMTPSenderRefused) else "message refused"
            return DeliveryError(f"{what}: {_reply(exc.smtp_code, exc.smtp_error)}", permanent=exc.smtp_code >= 500)
        if isinstance(exc, smtplib.SMTPResponseException) and not expired:
            return DeliveryError(f"{self.host}:{self.port}: {_reply(exc.smtp_code, exc.smtp_error)}")
        if expired:
            reason = f"no complete answer within {self.timeout:g} s (the whole send is bounded by [email] timeout)"
        elif isinstance(exc, smtplib.SMTPServerDisconnected):
            reason = f"connection closed: {exc or 'no reason given'}"
        else:
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        if payload_sent:
            return DeliveryError(f"{self.host}:{self.port}: {AFTER_DATA}: {reason}", after_data=True)
        return DeliveryError(f"{self.host}:{self.port}: {reason}")

    def client(self) -> _SMTP | _SMTP_SSL:
        """An unconnected client: the connection is made under the deadline."""
        client = _SMTP_SSL(timeout=self.timeout, context=self.tls_context()) if self.ssl else _SMTP(timeout=self.timeout)
        client._host = self.host  # what TLS checks the certificate against; smtplib sets it only when connecting in __init__
        return client

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
