"""Real servers on 127.0.0.1 for tests: an HTTP site with scripted responses and an SMTP sink."""
from __future__ import annotations

import gzip
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[BaseHTTPRequestHandler], Response | None]


class _Server(ThreadingHTTPServer):
    request_queue_size = 1024  # a crawl opens many connections at once; the default 5 drops some


class _Server6(_Server):
    address_family = socket.AF_INET6


class LoopbackSite:
    """An HTTP server on 127.0.0.1 (or `host`):<free port>; routes are exact paths (query ignored) or a folder.

    `add(path, body, ...)` serves fixed bytes, `add_handler(path, fn)` calls `fn(request)` which
    returns a Response (or None when it wrote the answer itself, e.g. to drop the connection).
    Every request is logged in `requests` as (method, path, headers).
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Handler] = {}
        self.folder: Path | None = None
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self._lock = threading.Lock()
        site = self

        class _Request(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                site._serve(self)

            def do_HEAD(self) -> None:  # noqa: N802
                site._serve(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = (_Server6 if ":" in host else _Server)((host, 0), _Request)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def start(self) -> "LoopbackSite":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes | str, status: int = 200, content_type: str = "text/html; charset=utf-8",
            headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        answer = Response(status, data, {"Content-Type": content_type, **(headers or {})})
        self.routes[path] = lambda request: answer

    def add_handler(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def serve_folder(self, folder: Path) -> None:
        """Serve files under `folder` for paths with no route (index.html for a trailing slash)."""
        self.folder = folder

    def paths_requested(self) -> list[str]:
        with self._lock:
            return [path for _, path, _ in self.requests]

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.requests.append((request.command, request.path, dict(request.headers.items())))
        path = urlsplit(request.path).path
        handler = self.routes.get(path)
        answer = handler(request) if handler else self._from_folder(path)
        if answer is None:
            return
        request.send_response(answer.status)
        headers = {"Content-Length": str(len(answer.body)), **answer.headers}
        for name, value in headers.items():
            request.send_header(name, value)
        request.end_headers()
        if request.command != "HEAD":
            try:
                request.wfile.write(answer.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def _from_folder(self, path: str) -> Response:
        if self.folder is None:
            return Response(404, b"not found", {"Content-Type": "text/plain"})
        target = (self.folder / path.lstrip("/")).resolve()
        if path.endswith("/"):
            target = target / "index.html"
        if not target.is_relative_to(self.folder.resolve()) or not target.is_file():
            return Response(404, b"not found", {"Content-Type": "text/plain"})
        kinds = {".xml": "application/xml", ".txt": "text/plain", ".html": "text/html"}
        return Response(200, target.read_bytes(), {"Content-Type": kinds.get(target.suffix, "application/octet-stream")})


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailSink:
    """aiosmtpd handler keeping every message; `fail_next` scripts SMTP errors for the next DATA."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.fail_next: list[str] = []
        self.refuse_recipients: set[str] = set()
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address: str, rcpt_options) -> str:  # noqa: N802
        if address in self.refuse_recipients:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        with self._lock:
            if self.fail_next:
                return self.fail_next.pop(0)
            content = envelope.original_content or envelope.content
            if isinstance(content, str):
                content = content.encode("utf-8")
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), content))
        return "250 Message accepted for delivery"

    def parsed(self) -> list[EmailMessage]:
        with self._lock:
            return [message_from_bytes(raw, policy=policy.default) for _, _, raw in self.messages]


class ScriptedSmtp:
    """A bare SMTP server on 127.0.0.1 that misbehaves as scripted, for what aiosmtpd will not do.

    `mode`: "drop_after_data" takes the whole message, counts it and hangs up without the 250;
    "trickle" sends its greeting one byte at a time; "endless" sends a multi-line greeting that
    never ends. `stop()` ends every connection (nothing here waits on a sleep it cannot cut).
    """

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.messages: list[bytes] = []
        self.connections = 0
        self.stopping = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def start(self) -> "ScriptedSmtp":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.listener.close()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                if self.mode == "trickle":
                    for byte in b"220 slowly, very slowly\r\n" * 100:
                        if self.stopping.wait(0.2):
                            return
                        conn.sendall(bytes([byte]))
                    return
                if self.mode == "endless":
                    while not self.stopping.is_set():
                        conn.sendall(b"220-still greeting you\r\n")
                    return
                self._converse(conn)
            except OSError:
                return

    def _converse(self, conn: socket.socket) -> None:
        conn.sendall(b"220 scripted\r\n")
        reader = conn.makefile("rb")
        while not self.stopping.is_set():
            line = reader.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                conn.sendall(b"250-scripted\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                conn.sendall(b"354 go ahead\r\n")
                body = b""
                while not body.endswith(b"\r\n.\r\n"):
                    chunk = reader.readline()
                    if not chunk:
                        return
                    body += chunk
                self.messages.append(body)
                return  # hang up: the message is here, the 250 never goes out
            elif verb == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(b"250 ok\r\n")


class SilentHost:
    """A TCP server on 127.0.0.1 that accepts connections and never answers: a host that hangs."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def start(self) -> "SilentHost":
        self._thread.start()
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            self._held.append(conn)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        for conn in self._held:
            conn.close()
        self.sock.close()
