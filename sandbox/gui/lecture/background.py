"""One worker thread per view for heavy engine work (loss grids, batch-mode runs), cancellable.

Built on ``sandbox.gui.threads`` (the one way the window runs work off the GUI thread).

``Background.submit(job)`` runs ``job(should_stop)`` in the thread and emits ``finished(id, result)``
on the GUI thread (queued). A newer ``submit`` or ``cancel()`` makes ``should_stop()`` true for the
job in flight; its result is then dropped and ``cancelled(id)`` is emitted instead. ``shutdown()``
stops the job, ends the thread and waits for it a moment (call it from the owner's ``closeEvent``).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from sandbox.engine.landscape import Cancelled
from sandbox.gui.threads import QueueWorker, WorkerThread

Job = Callable[[Callable[[], bool]], Any]


class _Runner(QueueWorker):
    """Runs the newest job posted (older ones still waiting are cancelled), in its thread."""

    done = Signal(int, object)
    failed = Signal(int, str)
    cancelled = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.current = 0  # written by the GUI thread, read here: the newest job's id

    def handle(self, items: list[tuple[int, Job]]) -> None:
        for job_id, _job in items[:-1]:
            self.cancelled.emit(job_id)
        job_id, job = items[-1]

        def should_stop() -> bool:
            return self.inbox.stopping or self.current != job_id

        if should_stop():
            self.cancelled.emit(job_id)
            return
        try:
            result = job(should_stop)
        except Cancelled:
            self.cancelled.emit(job_id)
            return
        except Exception as exc:  # shown to the user by the view, never swallowed silently
            self.failed.emit(job_id, f"{exc}\n{traceback.format_exc(limit=3)}")
            return
        if should_stop():
            self.cancelled.emit(job_id)
        else:
            self.done.emit(job_id, result)


class Background(QObject):
    """A lazily started worker thread (``threads.WorkerThread``) with one runner; see the module docstring."""

    finished = Signal(int, object)
    failed = Signal(int, str)
    cancelled = Signal(int)

    def __init__(self, parent: QObject | None = None, name: str = "view worker"):
        super().__init__(parent)
        self._runner = _Runner()
        self._runner.done.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)
        self._runner.cancelled.connect(self._on_cancelled)
        self._thread = WorkerThread(self._runner, name)
        self._next_id = 0
        self._pending: set[int] = set()
        self._shut = False

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    @property
    def running(self) -> bool:
        return self._thread.is_running()

    def submit(self, job: Job) -> int:
        """Run ``job(should_stop)`` in the worker thread; any job still running is told to stop."""
        if self._shut:
            raise RuntimeError("the worker has been shut down")
        self._next_id += 1
        job_id = self._next_id
        self._runner.current = job_id
        self._pending.add(job_id)
        self._thread.post((job_id, job))
        return job_id

    def cancel(self) -> None:
        self._runner.current = -1
        self._pending.clear()

    def shutdown(self, timeout_ms: int = 500) -> bool:
        """Stop any job and end the thread, waiting at most ``timeout_ms``. Safe to call more than once."""
        self._shut = True
        self._runner.current = -1
        self._pending.clear()
        return self._thread.stop(timeout_ms)

    def _on_finished(self, job_id: int, result: object) -> None:
        self._pending.discard(job_id)
        if job_id == self._runner.current:
            self.finished.emit(job_id, result)

    def _on_cancelled(self, job_id: int) -> None:
        self._pending.discard(job_id)
        self.cancelled.emit(job_id)

    def _on_failed(self, job_id: int, message: str) -> None:
        self._pending.discard(job_id)
        self.failed.emit(job_id, message)
