"""STARTTLS, implicit TLS and login against real aiosmtpd servers; credentials from the environment only."""
from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from notifications.delivery import PASSWORD_ENV, USER_ENV, DeliveryError, SmtpTransport
from tests.loopback import MailSink, free_port

MESSAGE = b"Subject: hello\r\nFrom: a@example.org\r\nTo: desk@example.org\r\n\r\nbody\r\n"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (cert file, key file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"


class Logins:
    def __init__(self) -> None:
        self.seen: list[tuple[bytes, bytes]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        self.seen.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret", handled=False)


def serve(certificate, *, implicit: bool) -> Iterator[tuple[MailSink, Logins, int]]:
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(*certificate)
    sink, logins, port = MailSink(), Logins(), free_port()
    options = {"ssl_context": server_tls} if implicit else {"tls_context": server_tls, "require_starttls": True}
    # aiosmtpd cannot tell an implicit-TLS socket from a plain one: it only offers AUTH after STARTTLS
    controller = Controller(sink, hostname="127.0.0.1", port=port, authenticator=logins,
                            auth_require_tls=not implicit, **options)
    controller.start()
    try:
        yield sink, logins, port
    finally:
        controller.stop()


@pytest.fixture
def starttls_server(certificate):
    yield from serve(certificate, implicit=False)


@pytest.fixture
def ssl_server(certificate):
    yield from serve(certificate, implicit=True)


def trusting(certificate) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[0]))


def test_starttls_and_login_with_credentials_from_the_environment(starttls_server, certificate):
    sink, logins, port = starttls_server
    transport = SmtpTransport("127.0.0.1", port, timeout=5, starttls=True, context=trusting(certificate),
                              environ={USER_ENV: "bot", PASSWORD_ENV: "s3cret"})
    accepted = transport.deliver(MESSAGE, "a@example.org", ["desk@example.org"])
    assert accepted.where == "desk@example.org" and logins.seen == [(b"bot", b"s3cret")] and len(sink.messages) == 1


def test_a_wrong_password_or_an_untrusted_certificate_is_a_temporary_failure(starttls_server, certificate):
    sink, logins, port = starttls_server
    wrong = SmtpTransport("127.0.0.1", port, timeout=5, starttls=True, context=trusting(certificate),
                          environ={USER_ENV: "bot", PASSWORD_ENV: "guess"})
    with pytest.raises(DeliveryError, match="535") as failure:
        wrong.deliver(MESSAGE, "a@example.org", ["desk@example.org"])
    assert not failure.value.permanent
    untrusted = SmtpTransport("127.0.0.1", port, timeout=5, starttls=True, environ={})
    with pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
        untrusted.deliver(MESSAGE, "a@example.org", ["desk@example.org"])
    assert sink.messages == []


def test_no_starttls_where_the_server_requires_it_is_refused_without_leaking_credentials(starttls_server):
    sink, logins, port = starttls_server
    plain = SmtpTransport("127.0.0.1", port, timeout=5, environ={USER_ENV: "bot", PASSWORD_ENV: "s3cret"})
    with pytest.raises(DeliveryError):
        plain.deliver(MESSAGE, "a@example.org", ["desk@example.org"])
    assert logins.seen == [] and sink.messages == []


def test_implicit_tls_with_login(ssl_server, certificate):
    sink, logins, port = ssl_server
    transport = SmtpTransport("127.0.0.1", port, timeout=5, ssl=True, context=trusting(certificate),
                              environ={USER_ENV: "bot", PASSWORD_ENV: "s3cret"})
    transport.deliver(MESSAGE, "a@example.org", ["desk@example.org"])
    assert logins.seen == [(b"bot", b"s3cret")] and len(sink.messages) == 1


def test_a_user_without_a_password_is_a_clear_error():
    transport = SmtpTransport("127.0.0.1", free_port(), timeout=5, environ={USER_ENV: "bot"})
    with pytest.raises(DeliveryError, match=f"{USER_ENV} is set but {PASSWORD_ENV} is not"):
        transport.deliver(MESSAGE, "a@example.org", ["desk@example.org"])
