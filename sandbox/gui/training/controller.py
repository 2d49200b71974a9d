"""The GUI thread's handle on the training worker: creates the thread, posts commands, re-emits reports.

Every method posts a command to the worker's queue and returns at once; the worker applies it
between two iterations. Reports, errors and divergence come back as signals emitted in the GUI
thread (queued connections to this object's slots). ``shutdown`` stops the thread and waits for
it; the main window calls it from ``closeEvent``.

Every ``load`` gives the worker a new generation number, which its reports carry. A report the
worker sent before the last ``load`` (or ``forget_reports``) may still be on its way when the GUI
has moved on: it is acknowledged but not passed on, so it never lands on a newer state.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QThread, Signal, Slot

from sandbox.engine import Experiment, Trainer

from .worker import Divergence, TrainingReport, TrainingWorker, trainer_copy


#: the event that acknowledges a report, posted at low priority behind the repaints the report caused
_ACKNOWLEDGE = QEvent.Type(QEvent.registerEventType())


class TrainingController(QObject):
    """Owns the worker thread; lives in the GUI thread."""

    reportReady = Signal(object)  # TrainingReport, in the GUI thread
    errorOccurred = Signal(str)
    diverged = Signal(object)  # Divergence
    runningChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None, report_hz: float | None = None,
                 grid_size: int | None = None):
        super().__init__(parent)
        self._report_hz = report_hz
        self._grid_size = grid_size
        self.thread: QThread | None = None
        self.worker: TrainingWorker | None = None
        self.latest: TrainingReport | None = None
        self.reports = 0
        #: the generation of the reports passed on; older ones are dropped (and counted)
        self.generation = 0
        self.stale_reports = 0
        self._running = False
        self._loaded = False
        self._closed = False
        self._speed: float | None = None

    # ---- the thread --------------------------------------------------------------------------
    def _ensure_thread(self) -> TrainingWorker:
        """Start the thread on first use (a window that never trains never starts one)."""
        if self.worker is None:
            kwargs = {}
            if self._report_hz is not None:
                kwargs["report_hz"] = self._report_hz
            if self._grid_size is not None:
                kwargs["grid_size"] = self._grid_size
            worker = TrainingWorker(**kwargs)
            worker.max_rate = self._speed
            thread = QThread()
            thread.setObjectName("trainingThread")
            worker.moveToThread(thread)
            thread.started.connect(worker.run)
            worker.finished.connect(thread.quit)
            worker.report.connect(self._on_report)
            worker.error.connect(self._on_error)
            worker.diverged.connect(self._on_diverged)
            worker.runningChanged.connect(self._on_running_changed)
            self.worker, self.thread = worker, thread
            thread.start()
        return self.worker

    def _post(self, command: str, *args: Any) -> None:
        if self._closed:
            return
        self._ensure_thread().post(command, *args)

    @property
    def has_thread(self) -> bool:
        return self.thread is not None

    # ---- commands ----------------------------------------------------------------------------
    def load(self, source: Trainer | Experiment) -> None:
        """Give the worker its own copy of a trainer (counters and optimizer state) or experiment."""
        trainer = trainer_copy(source) if isinstance(source, Trainer) else Trainer(source.copy())
        self._loaded = True
        self.generation += 1
        self._post("load", trainer, self.generation)

    def forget_reports(self) -> None:
        """Drop every report about the trainer the worker holds now (until the next ``load``)."""
        self.generation += 1

    @property
    def loaded(self) -> bool:
        return self._loaded

    def start(self) -> None:
        self._running = True
        self._post("start")

    def pause(self) -> None:
        self._running = False
        self._post("pause")

    def step_epoch(self) -> None:
        """Train to the end of the current epoch, then pause."""
        self._post("step_epoch")

    def step_iterations(self, count: int) -> None:
        self._post("step_iterations", int(count))

    def set_learning_rate(self, value: float) -> None:
        self._post("set_learning_rate", float(value))

    def set_weight(self, layer: int, row: int, column: int, value: float) -> None:
        """``layer`` as the engine counts: 0 is the first layer after the inputs."""
        self._post("set_weight", int(layer), int(row), int(column), float(value))

    def set_bias(self, layer: int, row: int, value: float) -> None:
        self._post("set_bias", int(layer), int(row), float(value))

    def set_state(self, weights, biases) -> None:
        self._post("set_state", [w.copy() for w in weights], [None if b is None else b.copy() for b in biases])

    def set_settings(self, experiment: Experiment, optimizer_changed: bool = False) -> None:
        """Every setting of ``experiment`` (a copy is taken), keeping the worker's weights."""
        self._post("settings", experiment.copy(), bool(optimizer_changed))

    def apply(self, change: Callable[[Trainer], Any]) -> None:
        """Run ``change(trainer)`` in the worker between two iterations (use plain values only)."""
        self._post("apply", change)

    def reset(self) -> None:
        self._post("reset")

    def reinitialize(self) -> None:
        self._post("reinitialize")

    @property
    def speed(self) -> float | None:
        """At most this many iterations a second (None: full speed)."""
        return self._speed

    def set_speed(self, rate: float | None) -> None:
        """Train at most ``rate`` iterations a second (None or 0: as fast as possible)."""
        self._speed = float(rate) if rate else None
        if self.worker is not None:  # (a worker started later begins at this speed)
            self._post("set_speed", self._speed)

    def hand_over(self, timeout_ms: int = 2000) -> bool:
        """Pause the worker and pass on, before returning, every report it sent up to the one of the
        state it paused in (the GUI thread waits for that report at most ``timeout_ms``; the worker
        takes it between two iterations). True if it arrived."""
        if self._closed or self.worker is None:
            return False
        done = threading.Event()
        self._running = False
        self._post("hand_over", done)
        if not done.wait(timeout_ms / 1000.0):
            return False
        # the reports come as queued calls of ``_on_report``: deliver this object's, in order, now
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        return True

    def request_report(self) -> None:
        self._post("report")

    @property
    def running(self) -> bool:
        """Whether training was asked to run (and has not paused itself since)."""
        return self._running

    # ---- shutdown ----------------------------------------------------------------------------
    def shutdown(self, timeout_ms: int = 1000) -> bool:
        """Stop the worker (within one iteration), end the thread and wait for it. True if it ended."""
        self._closed = True
        self._running = False
        thread, worker = self.thread, self.worker
        if thread is None:
            return True
        worker.request_stop()
        thread.quit()
        return bool(thread.wait(timeout_ms))

    # ---- reports, in the GUI thread ----------------------------------------------------------
    @Slot(object)
    def _on_report(self, report: TrainingReport) -> None:
        if self._closed:
            return
        if report.generation != self.generation:
            self.stale_reports += 1
            self._acknowledge()  # about an older trainer: the worker may send the next one at once
            return
        self.latest = report
        self.reports += 1
        try:
            self.reportReady.emit(report)
        finally:
            # the views asked for their repaints while handling the report: Qt posts those requests
            # at low priority, so an event posted now at the same priority comes after them
            QCoreApplication.postEvent(self, QEvent(_ACKNOWLEDGE), Qt.EventPriority.LowEventPriority.value)

    def event(self, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == _ACKNOWLEDGE:
            self._acknowledge()
            return True
        return super().event(event)

    @Slot()
    def _acknowledge(self) -> None:
        if self.worker is not None:
            self.worker.acknowledge()

    @Slot(str)
    def _on_error(self, message: str) -> None:
        self._running = False
        self.errorOccurred.emit(message)

    @Slot(object)
    def _on_diverged(self, info: Divergence) -> None:
        self._running = False
        self.diverged.emit(info)

    @Slot(bool)
    def _on_running_changed(self, running: bool) -> None:
        self._running = running
        self.runningChanged.emit(running)
