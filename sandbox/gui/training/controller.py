"""The GUI thread's handle on the training worker: starts its thread, posts commands, re-emits reports.

Every method posts a typed command (``worker.py``, and the engine's edits) to the worker's inbox and
returns at once; the worker applies it between two iterations. Reports, errors and divergence come
back as signals emitted in the GUI thread (queued connections to this object's slots).
``shutdown`` stops the thread and waits for it at most a given time (``threads.WorkerThread``).

Every ``load`` gives the worker a new generation number, which its reports carry. A report the
worker sent before the last ``load`` (or ``forget_reports``) may still be on its way when the GUI
has moved on: it is acknowledged but not passed on, so it never lands on a newer state. Every edit
posted is counted (``edits_posted``); a report says how many of them the worker had applied.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QThread, Signal, Slot

from sandbox.engine import Experiment, Trainer
from sandbox.engine.edits import Edit, SetLearningRate
from sandbox.gui.threads import WorkerThread
from sandbox.gui.training.worker import (
    Divergence,
    HandOver,
    Inspect,
    Load,
    Pause,
    SendReport,
    SetSpeed,
    Start,
    TrainEpoch,
    TrainingReport,
    TrainingWorker,
    TrainIterations,
    trainer_copy,
)

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
        self._runner: WorkerThread | None = None
        self.worker: TrainingWorker | None = None
        self.latest: TrainingReport | None = None
        self.reports = 0
        #: the generation of the reports passed on; older ones are dropped (and counted)
        self.generation = 0
        self.stale_reports = 0
        #: edits posted since the last load (a report that has applied fewer shows older weights)
        self.edits_posted = 0
        self._running = False
        self._loaded = False
        self._closed = False
        self._speed: float | None = None

    # ---- the thread --------------------------------------------------------------------------
    def _ensure_worker(self) -> WorkerThread:
        """Start the thread on first use (a window that never trains never starts one)."""
        if self._runner is None:
            kwargs: dict[str, Any] = {}
            if self._report_hz is not None:
                kwargs["report_hz"] = self._report_hz
            if self._grid_size is not None:
                kwargs["grid_size"] = self._grid_size
            worker = TrainingWorker(**kwargs)
            worker.max_rate = self._speed
            worker.report.connect(self._on_report)
            worker.error.connect(self._on_error)
            worker.diverged.connect(self._on_diverged)
            worker.runningChanged.connect(self._on_running_changed)
            self.worker = worker
            self._runner = WorkerThread(worker, "trainingThread")
            self._runner.start()
        return self._runner

    def _post(self, *commands: object) -> None:
        if self._closed:
            return
        self._ensure_worker().post(*commands)

    @property
    def thread(self) -> QThread | None:
        return self._runner.thread if self._runner is not None else None

    @property
    def has_thread(self) -> bool:
        return self._runner is not None

    # ---- commands ----------------------------------------------------------------------------
    def load(self, source: Trainer | Experiment, then: object | None = None) -> None:
        """Give the worker its own copy of a trainer (counters and optimizer state) or experiment;
        ``then``: a command it takes together with the copy (no report comes in between)."""
        trainer = trainer_copy(source) if isinstance(source, Trainer) else Trainer(source.copy())
        self._loaded = True
        self.generation += 1
        self.edits_posted = 0
        commands: list[object] = [Load(trainer, self.generation)]
        if then is not None:
            commands.append(then)
            if isinstance(then, Start):
                self._running = True
        self._post(*commands)

    def forget_reports(self) -> None:
        """Drop every report about the trainer the worker holds now (until the next ``load``)."""
        self.generation += 1

    @property
    def loaded(self) -> bool:
        return self._loaded

    def start(self) -> None:
        self._running = True
        self._post(Start())

    def pause(self) -> None:
        self._running = False
        self._post(Pause())

    def step_epoch(self) -> None:
        """Train to the end of the current epoch, then pause."""
        self._post(TrainEpoch())

    def step_iterations(self, count: int) -> None:
        self._post(TrainIterations(int(count)))

    def edit(self, change: Edit) -> None:
        """An edit of the experiment, applied by the worker to its own copy between two iterations."""
        self.edits_posted += 1
        self._post(change)

    def set_learning_rate(self, value: float) -> None:
        """The optimizer's learning rate (its state kept)."""
        self.edit(SetLearningRate(float(value)))

    def apply(self, read: Callable[[Trainer], Any]) -> None:
        """Run ``read(trainer)`` in the worker between two iterations (tests: what the worker holds)."""
        self._post(Inspect(read))

    @property
    def speed(self) -> float | None:
        """At most this many iterations a second (None: full speed)."""
        return self._speed

    def set_speed(self, rate: float | None) -> None:
        """Train at most ``rate`` iterations a second (None or 0: as fast as possible)."""
        self._speed = float(rate) if rate else None
        if self._runner is not None:  # (a worker started later begins at this speed)
            self._post(SetSpeed(self._speed))

    def hand_over(self, timeout_ms: int = 300) -> bool:
        """Pause the worker and pass on, before returning, every report it sent up to the one of the
        state it paused in (the GUI thread waits for that report at most ``timeout_ms``; the worker
        takes it between two iterations). True if it arrived."""
        if self._closed or self._runner is None:
            return False
        done = threading.Event()
        self._running = False
        self._post(HandOver(done))
        if not done.wait(timeout_ms / 1000.0):
            return False
        # the reports come as queued calls of ``_on_report``: deliver this object's, in order, now
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        return True

    def request_report(self) -> None:
        self._post(SendReport())

    @property
    def running(self) -> bool:
        """Whether training was asked to run (and has not paused itself since)."""
        return self._running

    # ---- shutdown ----------------------------------------------------------------------------
    def shutdown(self, timeout_ms: int = 500) -> bool:
        """Stop the worker (within one iteration) and wait at most ``timeout_ms`` for its thread; True
        if it ended. A thread busy in a long iteration ends by itself afterwards (``threads``)."""
        self._closed = True
        self._running = False
        if self._runner is None:
            return True
        return self._runner.stop(timeout_ms)

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
