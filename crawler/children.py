"""Set-up shared by the processes a crawl process forks (its analysis workers, its storing process)."""
from __future__ import annotations

import ctypes
import ctypes.util
import signal

PR_SET_PDEATHSIG = 1


def child_setup() -> None:
    """Ctrl-C reaches the crawl process, which stops its children in order; a child whose crawl
    process is killed ends too, instead of waiting forever for work (Linux)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass

