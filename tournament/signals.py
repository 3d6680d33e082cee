"""Clean ends on SIGTERM and SIGINT: a long-running command stops within seconds, in one line.

* **This process.** :func:`terminate_as_interrupt` makes SIGTERM (and SIGHUP) behave like
  Ctrl-C: a :class:`Terminated` (a ``KeyboardInterrupt``) is raised in the main thread, so
  the paths that already handle Ctrl-C run: the driver puts its in-flight runs back in the
  queue, leases are released, the store's transactions roll back or commit whole (a
  ``tourney submit`` of many files stores all or nothing). The CLI's error boundary then
  prints one line (``tourney: stopped by SIGTERM ...``) and exits ``128 + signal``.
  :func:`reassert` re-installs the handler after a library that installs its own
  (``ray.init`` does) so the same happens under Ray.
* **Children.** :func:`run_child` runs a child that does the work (Streamlit, ``ray start
  --block``) and forwards SIGTERM, SIGINT and SIGHUP to it, waits for it to end (killing it
  after :data:`CHILD_GRACE_S`), and returns its exit code: the parent never leaves a child
  serving after it is gone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import Mapping, Sequence
from types import FrameType

CHILD_GRACE_S = 10.0
"""Seconds a child has to end after a forwarded signal before it is killed."""
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP received: handled as Ctrl-C, reported as the signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


_LAST: list[int] = []


def _raise(signum: int, frame: FrameType | None) -> None:
    _LAST.append(signum)
    raise Terminated(signum)


def stopped_by() -> str | None:
    """The name of the last SIGTERM/SIGHUP this process got (``SIGTERM``), or None."""
    return signal.Signals(_LAST[-1]).name if _LAST else None


def interrupt_code() -> int:
    """The exit code of a command that stopped on an interrupt: ``128 + signal`` of the last
    SIGTERM/SIGHUP this process got, else 130 (Ctrl-C, SIGINT)."""
    return 128 + (_LAST[-1] if _LAST else signal.SIGINT)


def terminate_as_interrupt() -> None:
    """SIGTERM and SIGHUP raise :class:`Terminated` in the main thread (see the module)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in STOP_SIGNALS:
        signal.signal(signum, _raise)


def reassert() -> None:
    """Install :func:`terminate_as_interrupt`'s handlers again, and Python's Ctrl-C one (after
    a library replaced them); a no-op outside the main thread."""
    if threading.current_thread() is not threading.main_thread():
        return
    terminate_as_interrupt()
    signal.signal(signal.SIGINT, signal.default_int_handler)


def run_child(command: Sequence[str], env: Mapping[str, str] | None = None) -> int:
    """Run ``command``, forwarding SIGTERM/SIGINT/SIGHUP to it; its exit code (see the module).

    The child is its own process group leader's child as usual (a terminal's Ctrl-C reaches
    both); a signal sent to this process alone is forwarded, and this process waits for the
    child to end (then :data:`CHILD_GRACE_S`, then SIGKILL) before returning.
    """
    child = subprocess.Popen(list(command), env=dict(env) if env is not None else None)
    received: list[int] = []

    def forward(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        if child.poll() is None:
            child.send_signal(signum)

    forwarded = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    previous = {s: signal.signal(s, forward) for s in forwarded}
    try:
        while True:
            try:
                code = child.wait(timeout=CHILD_GRACE_S if received else None)
                break
            except subprocess.TimeoutExpired:
                child.kill()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if received:  # ended after the forwarded signal (cleanly or by it): report it as ours
        return 128 + received[0]
    return code


def process_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (for tests and diagnostics)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
