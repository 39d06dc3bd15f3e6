"""Who may see the dashboard and how a change is asked for.

- Bind: loopback only, unless a token is set (`check_bind`); and without a token, only requests
  for a loopback host name (Host header) are answered, against DNS rebinding.
- Token (`SPACEWATCH_WEB_TOKEN`): when set, every request but the login page carries it, as
  `Authorization: Bearer <token>`, as the password of HTTP Basic (for feed readers), or as the
  login cookie that `POST /login` sets (an HMAC of the token, never the token itself).
- CSRF: every POST carries the value of the `spacewatch_csrf` cookie in a `csrf_token` form
  field or an `X-CSRF-Token` header (double submit), and a foreign `Origin` is refused.
  Requests authenticated by an Authorization header carry no ambient credentials and skip it.
- Headers: a Content-Security-Policy that allows no script at all, and the usual companions.
"""
from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.settings import TOKEN_ENV

CSRF_COOKIE = "spacewatch_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_COOKIE = "spacewatch_session"
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",  # no-referrer would make browsers send Origin: null
}
OPEN_PATHS = ("/login", "/static/style.css")


class BindRefused(Exception):
    """A non-loopback address without a token."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    if not is_loopback(host) and not token:
        raise BindRefused(f"refusing to listen on {host}: set {TOKEN_ENV} to serve beyond loopback "
                          f"(or use --host 127.0.0.1)")


def session_value(token: str) -> str:
    return hmac.new(token.encode(), b"spacewatch-web-session", hashlib.sha256).hexdigest()


def _header_auth(request: Request, token: str) -> bool:
    kind, _, value = request.headers.get("authorization", "").partition(" ")
    if kind.lower() == "bearer":
        return hmac.compare_digest(value.strip().encode(), token.encode())
    if kind.lower() == "basic":
        try:
            _, _, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return hmac.compare_digest(password.encode(), token.encode())
    return False


def authenticated(request: Request, token: str | None) -> bool:
    if token is None:
        return True
    if _header_auth(request, token):
        return True
    cookie = request.cookies.get(SESSION_COOKIE, "")
    return hmac.compare_digest(cookie.encode(), session_value(token).encode())


class SecurityMiddleware:
    """Security headers on every answer, a CSRF cookie for every browser, and the token check."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        csrf = request.cookies.get(CSRF_COOKIE)
        if not csrf or len(csrf) < 32:
            csrf = secrets.token_urlsafe(32)
            scope.setdefault("state", {})["new_csrf"] = csrf
        scope.setdefault("state", {})["csrf"] = csrf
        new_csrf = scope["state"].get("new_csrf")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() not in HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
                if new_csrf:
                    secure = "; Secure" if request.url.scheme == "https" else ""
                    headers.append((b"set-cookie", f"{CSRF_COOKIE}={new_csrf}; Path=/; HttpOnly; "
                                                   f"SameSite=Strict{secure}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        if self.token is None and not is_loopback(_host_name(request.headers.get("host", ""))):
            # without a token only loopback names are answered: a page on another site whose name
            # resolves to 127.0.0.1 (DNS rebinding) gets nothing, nor does a proxy that forwards
            # its public name without the token being set
            await PlainTextResponse(f"refused: this host name needs {TOKEN_ENV} to be set",
                                    status_code=421)(scope, receive, send_with_headers)
            return
        if not _is_open(scope["path"]) and not authenticated(request, self.token):
            await _refuse(request)(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def _host_name(host: str) -> str:
    """'127.0.0.1:8470' -> '127.0.0.1', '[::1]:8470' -> '::1'."""
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def _is_open(path: str) -> bool:
    return path in OPEN_PATHS


def _refuse(request: Request) -> Response:
    path = request.url.path
    if path.startswith(("/api/", "/feeds/")):
        return JSONResponse({"error": f"authentication required: send the {TOKEN_ENV} value as a bearer token"},
                            status_code=401, headers={"www-authenticate": 'Bearer, Basic realm="spacewatch"'})
    return RedirectResponse(f"/login?next={_local_path(request.url.path)}", status_code=303)


def _local_path(path: str) -> str:
    """`path` when it is a path on this site (no scheme, no host, no //), else /."""
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


def safe_next(path: str | None) -> str:
    return _local_path(path or "/")


def csrf_token(request: Request) -> str:
    return request.scope.get("state", {}).get("csrf", "")


def _origin_ok(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc == host


async def csrf_ok(request: Request) -> bool:
    token = request.app.state.settings.token
    if token is not None and _header_auth(request, token):
        return True  # no ambient credential: a browser cannot be made to send this header cross-site
    if not _origin_ok(request):
        return False
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie:
        return False
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    return sent is not None and hmac.compare_digest(sent.encode(), cookie.encode())


Endpoint = Callable[[Request], Awaitable[Response]]


def csrf_protected(endpoint: Endpoint) -> Endpoint:
    """Refuse (403) a POST whose CSRF token is missing or wrong."""

    @functools.wraps(endpoint)
    async def checked(request: Request) -> Response:
        if not await csrf_ok(request):
            return PlainTextResponse("refused: missing or wrong CSRF token (reload the page and try again)",
                                     status_code=403)
        return await endpoint(request)

    checked.csrf_protected = True  # type: ignore[attr-defined]
    return checked
