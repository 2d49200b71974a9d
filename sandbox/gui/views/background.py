"""One worker thread per view for heavy engine work (loss grids, batch-mode runs), cancellable.

``Background.submit(job)`` runs ``job(should_stop)`` in the thread and emits ``finished(id, result)``
on the GUI thread (queued). A newer ``submit`` or ``cancel()`` makes ``should_stop()`` true for the
job in flight; its result is then dropped and ``cancelled(id)`` is emitted instead. ``shutdown()``
stops the job, quits the thread and waits for it (call it from the owner's ``closeEvent``).
"""

from __future__ import annotations

import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from sandbox.engine.landscape import Cancelled

Job = Callable[[Callable[[], bool]], Any]


class _Runner(QObject):
    finished = Signal(int, object)
    failed = Signal(int, str)
    cancelled = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.current = 0  # written by the GUI thread, read here: the newest job's id
        self.stopping = False

    @Slot(int, object)
    def run(self, job_id: int, job: Job) -> None:
        def should_stop() -> bool:
            return self.stopping or self.current != job_id

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
            self.finished.emit(job_id, result)


class Background(QObject):
    """A lazily started QThread with one runner; see the module docstring."""

    finished = Signal(int, object)
    failed = Signal(int, str)
    cancelled = Signal(int)
    _submit = Signal(int, object)

    def __init__(self, parent: QObject | None = None, name: str = "view worker"):
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName(name)
        self._runner = _Runner()
        self._runner.moveToThread(self._thread)
        self._submit.connect(self._runner.run)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)
        self._runner.cancelled.connect(self._on_cancelled)
        self._next_id = 0
        self._pending: set[int] = set()

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    @property
    def running(self) -> bool:
        return self._thread.isRunning()

    def submit(self, job: Job) -> int:
        """Run ``job(should_stop)`` in the worker thread; any job still running is told to stop."""
        if self._runner.stopping:
            raise RuntimeError("the worker has been shut down")
        self._next_id += 1
        job_id = self._next_id
        self._runner.current = job_id
        self._pending.add(job_id)
        if not self._thread.isRunning():
            self._thread.start()
        self._submit.emit(job_id, job)
        return job_id

    def cancel(self) -> None:
        self._runner.current = -1
        self._pending.clear()

    def shutdown(self) -> None:
        """Stop any job, end the thread and wait for it. Safe to call more than once."""
        self._runner.stopping = True
        self._pending.clear()
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait()

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
