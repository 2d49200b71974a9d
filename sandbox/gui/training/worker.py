"""The training worker: a QObject moved to a QThread that owns the engine state while it trains.

The GUI thread reaches the worker only through its ``inbox`` (``sandbox.gui.threads.Inbox``): every
command is a small typed object (below, and the engine's ``SetValue`` / ``ChangeSettings`` edits)
that the worker applies between two iterations, so a pause, a step, a stop or an edit acts within
one iteration. The worker trains in a tight loop (no timer per iteration) and sends a
``TrainingReport`` (copies only) at most ``REPORT_HZ`` times a second, and only once the GUI has
acknowledged the previous one, so reports never pile up in the GUI's event queue; the metrics of
the iterations in between travel with the next report. It never touches a widget.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from sandbox.engine import DivergenceError, History, Trainer
from sandbox.engine.edits import ChangeSettings, Edit, SetLearningRate, SetValue
from sandbox.gui.model.evaluation import can_evaluate
from sandbox.gui.threads import Inbox
from sandbox.gui.training.grid import (
    GRID_SIZE,
    HIDDEN_GRID_SIZE,
    HIDDEN_MAPS_HZ,
    GridOutput,
    grid_output,
    plane_extent,
    plane_features,
)

Array = np.ndarray

#: the most reports a second the worker sends, whatever the iteration rate (the plots draw 10 frames a
#: second: 20 reports give each frame fresh data, and cost the GUI thread a third less than 30)
REPORT_HZ = 20.0
#: the speed a report gives is measured over about this many seconds
RATE_WINDOW = 1.0
#: a paced run that falls this far behind its schedule (a slow iteration) counts afresh from now,
#: rather than catching up in a burst
PACE_SLACK = 0.25
#: while training, at most this many reports a second carry the output map (the window draws 10 frames a
#: second; a 64×64 map costs the worker some 2 ms, about 15 spiral iterations)
GRID_HZ = 10.0
#: the whole-set losses a report carries cost at most about 1/(1 + this) of the worker's time: after an
#: evaluation that took d seconds, the next running report evaluates only once this many times d has
#: passed (a million samples take ~0.5 s an evaluation: every few seconds, not 20 times a second; a
#: small set is evaluated in every report as before); a paused report is always evaluated
EVALUATION_SPACING = 4.0
#: and at most this many times a second while running (the status bar's figures follow at 5 a second, the
#: loss plot draws 10 frames): digits.json's two sets (1,797 samples) cost ~1.5 ms an evaluation, 20 iterations
EVALUATION_HZ = 5.0
#: after a report at full speed the worker waits at most this long for the GUI to take it (``_wait_for_gui``):
#: time enough for the GUI to handle a report and start its drawing while the worker holds off, and a bound on
#: what a slow window (many docks, a busy machine) takes from training (it was 100 ms: on digits.json with its
#: docks the worker waited 28 to 35 % of the time; see benchmarks/window_digits.py)
GUI_WAIT_LIMIT = 0.01


# ---- what the GUI asks of the worker -----------------------------------------------------------------

@dataclass(frozen=True)
class Load:
    """Train ``trainer`` (the worker's own copy) from now on; its reports carry ``generation``."""

    trainer: Trainer
    generation: int


@dataclass(frozen=True)
class Start:
    """Train continuously."""


@dataclass(frozen=True)
class Pause:
    """Stop training after the iteration under way (a report of the paused state follows)."""


@dataclass(frozen=True)
class TrainEpoch:
    """Train to the end of the current epoch, then pause."""


@dataclass(frozen=True)
class TrainIterations:
    """Train ``count`` iterations, then pause."""

    count: int


@dataclass(frozen=True)
class SetSpeed:
    """At most ``rate`` iterations a second from now on (None or 0: as fast as it can)."""

    rate: float | None


@dataclass(frozen=True)
class HandOver:
    """Pause and send a report of the state now, acknowledged or not; ``done`` is set once it is sent."""

    done: threading.Event


@dataclass(frozen=True)
class SendReport:
    """Send a report as soon as the GUI can take one."""


@dataclass(frozen=True)
class Inspect:
    """Run ``read(trainer)`` on the worker's trainer between two iterations (tests, diagnostics)."""

    read: Callable[[Trainer], Any]




@dataclass
class TrainingReport:
    """Copies of everything the GUI shows, taken between two iterations."""

    iteration: int
    epoch: int
    batch_in_epoch: int
    batches_per_epoch: int
    #: iteration number of ``losses[0]``: the batch losses of iterations first_iteration … iteration−1
    first_iteration: int
    losses: Array
    weight_grad_norms: Array  # (len(losses), layers)
    #: iterations after which an epoch ended, since the last report
    epoch_ends: list[int]
    #: (iteration, train loss on the whole training set, test loss or nan): data losses L
    evaluation: tuple[int, float, float] | None
    weights: list[Array]
    biases: list[Array | None]
    learning_rate: float
    iterations_per_second: float
    epochs_per_second: float
    running: bool
    #: optimizer state and step count, so that the GUI's own trainer can continue exactly
    optimizer_state: list[dict[str, Array]] | None = None
    optimizer_steps: int = 0
    grid: GridOutput | None = None
    #: a report that follows a structural change (new network or counters): views should start over
    restart: bool = False
    #: the number the GUI gave with the trainer this report is about (see ``TrainingController.load``)
    generation: int = 0
    #: how many edits (``SetValue``, ``ChangeSettings``) of this generation the worker had applied
    edits_applied: int = 0
    #: the batch objectives E = L + λR(θ) beside ``losses`` (None: no regularization, they are the losses)
    objectives: Array | None = None
    #: the whole sets' objectives E = L + λR(θ) of ``evaluation`` (train, test or nan; None: no regularization)
    evaluation_objective: tuple[float, float] | None = None
    #: the whole sets' classification accuracy (0 … 1) of ``evaluation`` (train, test or nan; None: not a
    #: classifier, see ``sandbox.engine.metrics``)
    evaluation_accuracy: tuple[float, float] | None = None


@dataclass
class Divergence:
    iteration: int
    loss: float
    learning_rate: float
    message: str


class TrainingWorker(QObject):
    """Trains a ``Trainer`` (on its own copy of the experiment) in the thread it was moved to."""

    report = Signal(object)  # TrainingReport
    error = Signal(str)
    diverged = Signal(object)  # Divergence
    runningChanged = Signal(bool)
    finished = Signal()

    def __init__(self, trainer: Trainer | None = None, report_hz: float = REPORT_HZ,
                 grid_size: int = GRID_SIZE, hidden_size: int = HIDDEN_GRID_SIZE,
                 hidden_hz: float = HIDDEN_MAPS_HZ):
        super().__init__()
        self.inbox = Inbox()
        self._trainer: Trainer | None = trainer
        self._running = False
        self._target_epoch: int | None = None
        self._target_iteration: int | None = None
        self.report_interval = 1.0 / report_hz
        #: at most this many iterations a second (None: as fast as it can); between two iterations the
        #: worker waits on its inbox, so a command or a stop still acts at once
        self.max_rate: float | None = None
        self._pace_time = 0.0
        self._pace_iteration = 0
        self.grid_size = grid_size
        #: the hidden neurons' maps: their grid's side, and at most how often a second while training
        #: (as often and as large as the window shows them; always in a report while paused)
        self.hidden_size = hidden_size
        self.hidden_interval = 1.0 / hidden_hz if hidden_hz > 0 else 0.0
        self._hidden_at = -float("inf")
        #: the output map: at most ``GRID_HZ`` a second while training (always in a report while paused)
        self.grid_interval = 1.0 / GRID_HZ
        self._grid_at = -float("inf")
        self.evaluate_every_report = True
        #: when the worker may evaluate the whole sets again while running (see ``EVALUATION_SPACING``)
        self._evaluate_after = -float("inf")
        #: pause after each report until the GUI has drawn it (see ``_wait_for_gui``)
        self.yield_to_gui = True
        self.gui_wait_limit = GUI_WAIT_LIMIT
        #: time spent waiting for the GUI to draw, and making reports (for benchmarks)
        self.gui_wait_seconds = 0.0
        self.report_seconds = 0.0
        self._acknowledged = True
        self._dirty = trainer is not None  # something changed that the GUI has not seen yet
        self._restart = False
        self._last_report_time = 0.0
        #: (time, iteration, epoch) of the reports of about the last ``RATE_WINDOW`` seconds
        self._rate_marks: deque[tuple[float, int, int]] = deque()
        self._epoch_ends: list[int] = []
        self._grid_cache: tuple | None = None
        self._generation = 0
        self._edits_applied = 0
        self._handlers: dict[type, Callable[[Any], None]] = {
            Load: self._load, Start: self._start, Pause: self._pause, TrainEpoch: self._train_epoch,
            TrainIterations: self._train_iterations, SetSpeed: self._set_speed, HandOver: self._hand_over,
            SendReport: self._want_report, Inspect: self._inspect,
            SetValue: self._edit, ChangeSettings: self._edit, SetLearningRate: self._edit,
        }

    # ---- the GUI thread's side (thread safe) ------------------------------------------------
    def acknowledge(self) -> None:
        """The GUI has handled (and drawn) the last report: the next one may be sent."""
        self._acknowledged = True
        self.inbox.wake()

    @property
    def stop_requested(self) -> bool:
        return self.inbox.stopping

    # ---- the worker thread -------------------------------------------------------------------
    @Slot()
    def run(self) -> None:
        """The worker's whole life: apply commands, train while running, wait while paused."""
        inbox = self.inbox
        try:
            while not inbox.stopping:
                commands = inbox.take()
                if commands:
                    self._apply(commands)
                    continue
                if self._running and self._trainer is not None:
                    self._train()
                    continue
                if self._dirty and self._acknowledged:
                    try:
                        self._send_report()
                    except Exception as exc:  # never let an exception end the thread
                        self._dirty = False
                        self._fail(exc)
                        self._dirty = False
                with inbox.locked() as condition:
                    if not inbox and not inbox.stopping:
                        # a pending report that waits for its acknowledgement is retried shortly
                        condition.wait(0.02 if self._dirty else 0.5)
        finally:
            self._running = False
            self.finished.emit()

    def _apply(self, commands: list[object]) -> None:
        for command in commands:
            if self.inbox.stopping:
                return
            try:
                self._handlers[type(command)](command)
            except Exception as exc:  # a bad command must not kill the worker
                self._fail(exc)

    def _train(self) -> None:
        """Iterations in a tight loop until a command arrives, a target is reached or it stops."""
        trainer = self._trainer
        inbox = self.inbox
        interval = self.report_interval
        clock = time.perf_counter
        next_report = self._last_report_time + interval
        try:
            while self._running and not inbox.stopping and not inbox:
                if self.max_rate:
                    next_report, due = self._pace(next_report)
                    if not due:  # a command, a pause or a stop came first
                        continue
                epoch = trainer.epoch
                trainer.step()
                if trainer.epoch != epoch:
                    self._epoch_ends.append(trainer.iteration)
                    if self._target_epoch is not None and trainer.epoch >= self._target_epoch:
                        self._set_running(False)
                if self._target_iteration is not None and trainer.iteration >= self._target_iteration:
                    self._set_running(False)
                self._dirty = True
                if self._acknowledged:
                    now = clock()
                    if now >= next_report:
                        self._send_report(now)
                        next_report = now + interval
                        if not self.max_rate:
                            self._wait_for_gui()
        except DivergenceError as exc:
            self._set_running(False)
            self._dirty = True
            self.diverged.emit(Divergence(exc.iteration, exc.loss, exc.learning_rate, str(exc)))
            self._send_report()
        except Exception as exc:
            self._fail(exc)

    def _pace(self, next_report: float) -> tuple[float, bool]:
        """At a set speed (``max_rate``): wait until the next iteration is due. The wait is on the
        inbox, so a command, a stop request or a pause ends it at once; a report the GUI can take
        meanwhile goes out as soon as it may. Returns when the next report may be sent, and whether
        the iteration is due (False: something else came first)."""
        trainer = self._trainer
        due = self._pace_time + (trainer.iteration - self._pace_iteration) / self.max_rate
        clock = time.perf_counter
        if clock() - due > PACE_SLACK:  # far behind (a slow iteration): count afresh from here
            self._reset_pace()
            return next_report, True
        inbox = self.inbox
        while True:
            now = clock()
            if self._dirty and self._acknowledged and now >= next_report:
                self._send_report(now)
                next_report = now + self.report_interval
                continue
            with inbox.locked() as condition:
                if now >= due:
                    return next_report, True
                if inbox or inbox.stopping or not self._running:
                    return next_report, False
                wake_at = due if not (self._dirty and self._acknowledged) else min(due, next_report)
                condition.wait(max(0.0, wake_at - now))

    def _reset_pace(self) -> None:
        """A paced run counts its iterations from now on."""
        self._pace_time = time.perf_counter()
        self._pace_iteration = self._trainer.iteration if self._trainer is not None else 0

    def _wait_for_gui(self) -> None:
        """Give the GUI thread the GIL while it draws the report just sent.

        Python runs one thread at a time: painting in the GUI thread and iterations here would
        otherwise hand the GIL back and forth hundreds of times a frame, which makes both slow.
        Waiting here (the GIL released) until the GUI has taken the report, then training flat out
        until the next one, keeps the window smooth and costs training only that time. The
        controller acknowledges a report with an event posted at Qt's low priority right after the
        views handled it. A command or a stop request ends the wait at once, and it never lasts
        longer than ``gui_wait_limit``."""
        if not self.yield_to_gui:
            return
        started = time.perf_counter()
        inbox = self.inbox
        with inbox.locked() as condition:
            if not self._acknowledged and not inbox and not inbox.stopping:
                condition.wait(self.gui_wait_limit)
        self.gui_wait_seconds += time.perf_counter() - started

    def _fail(self, exc: BaseException) -> None:
        self._set_running(False)
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        self.error.emit(f"Training stopped: {text}")
        self._dirty = True

    def _set_running(self, running: bool) -> None:
        if running != self._running:
            self._running = running
            if not running:
                self._target_epoch = self._target_iteration = None
            self.runningChanged.emit(running)

    # ---- reports -----------------------------------------------------------------------------
    def _send_report(self, now: float | None = None) -> None:
        trainer = self._trainer
        if trainer is None:
            self._dirty = False
            return
        began = time.perf_counter()
        now = began if now is None else now
        # the speed over the last second or so (per report it would jitter: 3 iterations in one
        # report's 33 ms and 4 in the next read as 90 and 120 iterations a second at a set 100)
        marks = self._rate_marks
        marks.append((now, trainer.iteration, trainer.epoch))
        while len(marks) > 2 and now - marks[1][0] >= RATE_WINDOW:
            marks.popleft()
        then, iteration_then, epoch_then = marks[0]
        elapsed = now - then
        iterations = trainer.iteration - iteration_then
        epochs = trainer.epoch - epoch_then
        rate = iterations / elapsed if elapsed > 0 and iterations > 0 else 0.0
        epoch_rate = epochs / elapsed if elapsed > 0 and epochs > 0 else 0.0
        history = trainer.history
        losses, w_norms, _ = history.since(0)
        regularized = trainer.experiment.regularization.active
        objectives = history.objective.copy() if regularized else None
        first = trainer.iteration - history.count
        # the GUI keeps the history: the worker's own stays small however long it trains
        trainer.history = History(trainer.network.depth)
        evaluation = None
        evaluation_objective = None
        evaluation_accuracy = None
        grid = None
        try:  # a broken network (e.g. a bad edit) still gets its counters and weights reported
            if self.evaluate_every_report and can_evaluate(trainer.experiment) and (
                    not self._running or self._restart or now >= self._evaluate_after):
                started = time.perf_counter()
                train, test = trainer.evaluate()
                evaluation = (trainer.iteration, float(train), float("nan") if test is None else float(test))
                if regularized:
                    penalty = trainer.penalty()
                    evaluation_objective = (evaluation[1] + penalty, evaluation[2] + penalty)
                train_acc, test_acc = trainer.accuracy()
                if train_acc is not None:
                    evaluation_accuracy = (train_acc, float("nan") if test_acc is None else test_acc)
                ended = time.perf_counter()
                self._evaluate_after = max(ended + EVALUATION_SPACING * (ended - started),
                                           started + 1.0 / EVALUATION_HZ)
            grid = self._grid()
        except Exception:
            pass
        net = trainer.network
        report = TrainingReport(
            iteration=trainer.iteration,
            epoch=trainer.epoch,
            batch_in_epoch=trainer.batch_in_epoch,
            batches_per_epoch=trainer.batches_per_epoch,
            first_iteration=first,
            losses=losses,
            weight_grad_norms=w_norms,
            epoch_ends=self._epoch_ends,
            evaluation=evaluation,
            weights=[layer.weights.copy() for layer in net.layers],
            biases=[None if layer.biases is None else layer.biases.copy() for layer in net.layers],
            learning_rate=float(trainer.learning_rate),
            iterations_per_second=rate,
            epochs_per_second=epoch_rate,
            running=self._running,
            optimizer_state=trainer.optimizer.snapshot(),
            optimizer_steps=trainer.optimizer.steps_taken,
            grid=grid,
            restart=self._restart,
            generation=self._generation,
            edits_applied=self._edits_applied,
            objectives=objectives,
            evaluation_objective=evaluation_objective,
            evaluation_accuracy=evaluation_accuracy,
        )
        self._epoch_ends = []
        self._restart = False
        self._last_report_time = now
        self._dirty = False
        self._acknowledged = False
        self.report_seconds += time.perf_counter() - began
        self.report.emit(report)

    def _grid(self) -> GridOutput | None:
        trainer = self._trainer
        features = plane_features(trainer.experiment)
        if features is None or self.grid_size <= 0:
            return None
        data = trainer.experiment.data
        if self._grid_cache is None or self._grid_cache[0] is not data:
            self._grid_cache = (data, plane_extent(trainer.experiment))
        now = time.perf_counter()
        if self._running and not self._restart and now - self._grid_at < self.grid_interval:
            return None  # (the window draws at most GRID_HZ maps a second: this report brings none)
        self._grid_at = now
        hidden = self._restart or not self._running or now - self._hidden_at >= self.hidden_interval
        if hidden:
            self._hidden_at = now
        return grid_output(trainer.network, self.grid_size, self._grid_cache[1], self.hidden_size if hidden else 0,
                           features)

    # ---- commands (run in the worker thread, between two iterations) ------------------------
    def _load(self, command: Load) -> None:
        trainer = command.trainer
        self._trainer = trainer
        # a run to the end of the epoch goes on to the end of the new trainer's epoch; a number of
        # iterations is not carried over to another state
        if self._target_epoch is not None:
            self._target_epoch = trainer.epoch + 1
        self._target_iteration = None
        self._generation = command.generation
        self._edits_applied = 0
        trainer.history = History(trainer.network.depth)
        self._restart = True
        self._epoch_ends = []
        self._mark_counters()
        self._dirty = True

    def _mark_counters(self) -> None:
        self._last_report_time = time.perf_counter()
        self._rate_marks = deque([(self._last_report_time, self._trainer.iteration, self._trainer.epoch)])
        self._reset_pace()

    def _start(self, _command: Start) -> None:
        self._target_epoch = self._target_iteration = None
        if self._trainer is not None:
            if not self._running:
                self._mark_counters()
            self._set_running(True)

    def _pause(self, _command: Pause) -> None:
        self._set_running(False)
        self._dirty = True

    def _train_epoch(self, _command: TrainEpoch) -> None:
        if self._trainer is None:
            return
        self._mark_counters()
        self._set_running(True)
        self._target_iteration = None
        self._target_epoch = self._trainer.epoch + 1

    def _train_iterations(self, command: TrainIterations) -> None:
        if self._trainer is None:
            return
        self._mark_counters()
        self._set_running(True)
        self._target_epoch = None
        self._target_iteration = self._trainer.iteration + int(command.count)

    def _edit(self, change: Edit) -> None:
        """An edit the document made (the same typed change it applied to its own trainer)."""
        self._edits_applied += 1
        if self._trainer is not None:
            change.apply(self._trainer)
        self._dirty = True

    def _set_speed(self, command: SetSpeed) -> None:
        self.max_rate = float(command.rate) if command.rate else None
        self._reset_pace()

    def _hand_over(self, command: HandOver) -> None:
        try:
            self._set_running(False)
            if self._trainer is not None:
                self._send_report()
        finally:
            command.done.set()

    def _want_report(self, _command: SendReport) -> None:
        self._dirty = True

    def _inspect(self, command: Inspect) -> None:
        command.read(self._trainer)


def trainer_copy(trainer: Trainer) -> Trainer:
    """A deep copy of a trainer (experiment, optimizer state, counters) without its history."""
    import copy

    history = trainer.history
    trainer.history = History(trainer.network.depth)
    try:
        duplicate = copy.deepcopy(trainer)
    finally:
        trainer.history = history
    duplicate.forget_recovery_point()  # (a divergence puts back the copy's own state, never an older one)
    return duplicate
