"""multiprocessing's fork server, forked from this process instead of started as a new interpreter.

A new interpreter imports again what this process has imported already (~0.5 s of CPU for the
CLI's main module alone, ~1 s in all for a crawl process); a fork of it shares those modules and
only imports what it lacks. The fork is made now, while this process has a single thread; the
server waits until `start` (a crawl with nothing to analyse never starts it), then imports
`preload` and serves multiprocessing's "forkserver" context, whose children are forked from it.

It runs multiprocessing's own server loop (`multiprocessing.forkserver.main`) on a listener set
up as `ForkServer.ensure_running` sets one up, and hands this process's `ForkServer` its address,
as if it had started it. That hand-over reads private attributes: on a Python where they are not
as expected, `available()` is False and the caller starts multiprocessing's server as usual.
"""
from __future__ import annotations

import importlib
import inspect
import os
import signal
import socket
from multiprocessing import connection, forkserver, util

from crawler.children import child_setup

_STATE = ("_forkserver_address", "_forkserver_alive_fd", "_forkserver_pid")
# This process's ends of the pipes of the servers it has forked and not closed: a server forked
# later must not hold them, or an earlier one would never see its pipes close.
_OUR_ENDS: set[int] = set()
_MAIN_PARAMETERS = ["listener_fd", "alive_r", "preload", "main_path", "sys_path"]


def available() -> bool:
    """Whether this Python's fork server is the one this module knows how to hand over."""
    server = forkserver._forkserver
    return (all(hasattr(server, name) for name in _STATE) and not hasattr(server, "_forkserver_authkey")
            and list(inspect.signature(forkserver.main).parameters) == _MAIN_PARAMETERS)


class ForkedServer:
    """A fork of this process, waiting to become the fork server (call from a single thread)."""

    def __init__(self, preload: list[str]) -> None:
        self._address = connection.arbitrary_address("AF_UNIX")
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(self._address)
        if not util.is_abstract_socket_namespace(self._address):
            os.chmod(self._address, 0o600)
        listener.listen()
        alive_r, self._alive_w = os.pipe()  # its clients hold the write end; EOF ends the server
        go_r, self._go_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            try:
                for fd in (self._alive_w, self._go_w, *_OUR_ENDS):
                    os.close(fd)
                _serve(listener.fileno(), alive_r, go_r, preload)
            finally:
                os._exit(0)  # this process's state was inherited: none of it is the server's to tear down
        listener.close()
        os.close(alive_r)
        os.close(go_r)
        _OUR_ENDS.update((self._alive_w, self._go_w))
        self.started = False

    def start(self) -> None:
        """Let it import `preload` and serve; multiprocessing's "forkserver" context forks from it."""
        os.write(self._go_w, b"1")
        server = forkserver._forkserver
        server._forkserver_address, server._forkserver_alive_fd, server._forkserver_pid = (
            self._address, self._alive_w, self.pid)
        self.started = True

    def close(self) -> None:
        """End it (once the children forked from it have ended) and wait for it."""
        if self.started:
            server = forkserver._forkserver
            for name in _STATE:
                setattr(server, name, None)
        for fd in (self._go_w, self._alive_w):
            _OUR_ENDS.discard(fd)
            try:
                os.close(fd)
            except OSError:
                pass  # closed by multiprocessing, which found the server dead
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass  # reaped by multiprocessing already


def _serve(listener_fd: int, alive_r: int, go_r: int, preload: list[str]) -> None:
    child_setup()  # it ends with this process, as a server started by multiprocessing would not
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not this process's handler: ended, as a new interpreter is
    if not os.read(go_r, 1):
        return  # closed unstarted
    os.close(go_r)
    for module in preload:
        importlib.import_module(module)
    try:
        forkserver.main(listener_fd, alive_r, [])
    except SystemExit:
        pass  # how the server loop ends when its last client has gone
