"""Serving the app with uvicorn: in the foreground (`spacewatch web`) or in a thread
(`spacewatch run --web`, tests). The socket is bound before uvicorn starts, so port 0 works and
the address is known, and connections made before the loop runs wait in the backlog."""
from __future__ import annotations

import contextlib
import signal
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # inherited by accepted connections
    sock.bind((host.strip("[]"), port))
    sock.listen(128)
    sock.set_inheritable(False)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _Server(uvicorn.Server):
    """uvicorn's server, but SIGTERM/SIGINT end it with exit status 0 (uvicorn re-raises the
    signal after shutting down, which ends the process as killed by it)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {signum: signal.signal(signum, self.handle_exit) for signum in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)


def _server(app: Starlette, log_level: str) -> uvicorn.Server:
    # proxy headers are trusted from loopback only (a reverse proxy on the same host)
    return _Server(uvicorn.Config(app, log_level=log_level, proxy_headers=True,
                                         forwarded_allow_ips="127.0.0.1", server_header=False,
                                         access_log=False))


def serve(app: Starlette, sock: socket.socket, log_level: str = "info") -> None:
    """Serve until SIGINT/SIGTERM (uvicorn handles them in the main thread)."""
    _server(app, log_level).run(sockets=[sock])


@dataclass
class Running:
    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)


def serve_in_thread(app: Starlette, host: str = "127.0.0.1", port: int = 0, log_level: str = "warning") -> Running:
    sock = bind(host, port)
    server = _server(app, log_level)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="spacewatch-web", daemon=True)
    thread.start()
    return Running(url_of(sock), server, thread)
