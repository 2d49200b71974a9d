"""The one way the window runs work off the GUI thread: a worker QObject in a QThread, fed by an inbox.

* ``Inbox``: a thread-safe queue of commands with a stop flag and a condition to wait on. The GUI
  thread posts; the worker takes everything posted so far between two pieces of work.
* ``QueueWorker``: a QObject whose ``run()`` (in its thread) takes what was posted and hands it to
  ``handle(items)``, waiting on the inbox in between, until asked to stop. The training worker keeps
  its own loop (it trains between commands) on the same inbox.
* ``WorkerThread``: starts a worker in its own QThread and stops it. ``stop(timeout_ms)`` asks the
  worker to stop and waits at most that long: a thread busy in a long computation is kept alive
  (never destroyed while it runs, which would abort the process) and ends on its own afterwards.
  ``stop_all`` and ``running_threads`` are for the application's exit and for tests.

Results come back as the worker's own signals, emitted in its thread and delivered queued to
objects in the GUI thread; a worker never touches a widget.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot


class Inbox:
    """Commands for a worker thread, and a stop flag; every method is thread safe."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._items: deque[Any] = deque()
        self.stopping = False
        #: the worker has ended for want of work (``QueueWorker.idle_wait`` 0); a post starts it again
        self.closed = False

    def post(self, item: Any) -> None:
        self.post_many([item])

    def post_many(self, items: list[Any]) -> bool:
        """Post several items at once: the worker takes them together (nothing happens in between).
        True if the worker had ended for want of work (its thread must be started again)."""
        with self._condition:
            self._items.extend(items)
            reopened, self.closed = self.closed, False
            self._condition.notify_all()
        return reopened

    def request_stop(self) -> None:
        with self._condition:
            self.stopping = True
            self._condition.notify_all()

    def wake(self) -> None:
        """Wake a waiting worker (something it waits for besides commands changed)."""
        with self._condition:
            self._condition.notify_all()

    def take(self) -> list[Any]:
        """Everything posted so far, oldest first (and the inbox is empty)."""
        with self._condition:
            items = list(self._items)
            self._items.clear()
        return items

    def __bool__(self) -> bool:
        return bool(self._items)

    def wait(self, timeout: float | None) -> None:
        """Wait until something is posted, a stop is requested, ``wake`` is called or ``timeout`` passes."""
        with self._condition:
            if not self._items and not self.stopping:
                self._condition.wait(timeout)

    def close(self) -> None:
        """(The worker, leaving its loop) the next post must start the thread again."""
        with self._condition:
            self.closed = True

    def close_if_empty(self) -> bool:
        """(The worker, with nothing to do) end now unless something was posted: True if it may end."""
        with self._condition:
            if self._items and not self.stopping:
                return False
            self.closed = True
            return True

    @contextmanager
    def locked(self) -> Iterator[threading.Condition]:
        """The inbox's condition, held: for waits on conditions of the worker's own."""
        with self._condition:
            yield self._condition


class QueueWorker(QObject):
    """A worker that handles what is posted to its inbox, in its own thread, until asked to stop."""

    finished = Signal()
    #: (list) emitted in the worker's thread after each ``handle``, with the items handled
    handled = Signal(object)

    #: how long an idle worker waits before looking at its inbox again (a post wakes it at once);
    #: 0: it ends its thread as soon as there is nothing to do, and a post starts it again
    idle_wait = 0.5

    def __init__(self) -> None:
        super().__init__()
        self.inbox = Inbox()

    @Slot()
    def run(self) -> None:
        inbox = self.inbox
        try:
            while not inbox.stopping:
                items = inbox.take()
                if items:
                    try:
                        self.handle(items)
                    finally:
                        self.handled.emit(items)
                elif self.idle_wait <= 0:
                    if inbox.close_if_empty():
                        break
                else:
                    inbox.wait(self.idle_wait)
        finally:
            inbox.close()  # (after an exception too: the next post starts the thread again)
            self.finished.emit()

    def handle(self, items: list[Any]) -> None:
        """Handle the items posted since the last call (oldest first); runs in the worker's thread."""
        raise NotImplementedError


#: every WorkerThread started and not yet ended (kept here so none is destroyed while it runs)
_alive: set[WorkerThread] = set()


class WorkerThread(QObject):
    """``worker`` (a QObject with an ``inbox``, a ``run`` slot and a ``finished`` signal) in its own QThread."""

    def __init__(self, worker: QObject, name: str):
        super().__init__()
        self.worker = worker
        self.thread = QThread()
        self.thread.setObjectName(name)
        worker.moveToThread(self.thread)
        self.thread.started.connect(worker.run)
        # direct: the thread's event loop ends as the worker's loop does (the GUI thread may be waiting)
        worker.finished.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)
        self.thread.finished.connect(self._on_finished)
        self._started = False

    def start(self) -> None:
        if not self._started:
            self._started = True
            _alive.add(self)
            self.thread.start()

    def post(self, *items: Any) -> None:
        """Post ``items`` to the worker's inbox, together (the thread starts on first use, and again
        after a worker that ends when idle has ended)."""
        inbox = self.worker.inbox  # type: ignore[attr-defined]
        if inbox.post_many(list(items)) and self._started and not inbox.stopping:
            self.thread.wait()  # it has left its loop: its thread is ending, if not ended
            _alive.add(self)
            self.thread.start()
        self.start()

    def is_running(self) -> bool:
        return self._started and self.thread.isRunning()

    def stop(self, timeout_ms: int = 500) -> bool:
        """Ask the worker to stop and wait at most ``timeout_ms`` for its thread to end; True if it has.
        A thread still busy is kept alive until it ends by itself."""
        self.worker.inbox.request_stop()  # type: ignore[attr-defined]
        if not self._started:
            return True
        self.thread.quit()
        return bool(self.thread.wait(max(0, int(timeout_ms))))

    @Slot()
    def _on_finished(self) -> None:
        if not self.thread.isRunning():  # (not started again meanwhile)
            _alive.discard(self)


def running_threads() -> list[WorkerThread]:
    """The worker threads still running (the application's exit waits for them, briefly)."""
    return [t for t in list(_alive) if t.thread.isRunning()]


def stop_all(timeout_ms: int = 500) -> bool:
    """Ask every worker to stop and wait at most ``timeout_ms`` in all; True if every thread has ended."""
    threads = list(_alive)
    for t in threads:
        t.worker.inbox.request_stop()  # type: ignore[attr-defined]
        t.thread.quit()
    deadline = time.monotonic() + max(0, timeout_ms) / 1000.0
    ended = True
    for t in threads:
        left = max(0, int((deadline - time.monotonic()) * 1000))
        ended = bool(t.thread.wait(left)) and ended
    return ended
