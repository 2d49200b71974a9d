"""The training worker: a QObject moved to a QThread that owns the engine state while it trains.

The GUI never calls the worker's methods directly except ``post`` (thread safe): every command
goes through a lock-protected queue that the worker drains between two iterations, so a pause,
a step, a stop or an edit acts within one iteration. The worker trains in a tight loop (no timer
per iteration) and sends a ``TrainingReport`` (copies only) at most ``REPORT_HZ`` times a second,
and only once the GUI has acknowledged the previous one, so reports never pile up in the GUI's
event queue; the metrics of the iterations in between travel with the next report. It never
touches a widget.
"""

from __future__ import annotations

import copy
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from sandbox.engine import DivergenceError, Experiment, History, Trainer

from .grid import GRID_SIZE, HIDDEN_GRID_SIZE, HIDDEN_MAPS_HZ, GridOutput, extent_for, grid_output

Array = np.ndarray

#: the most reports a second the worker sends, whatever the iteration rate
REPORT_HZ = 30.0
#: the speed a report gives is measured over about this many seconds
RATE_WINDOW = 1.0
#: a paced run that falls this far behind its schedule (a slow iteration) counts afresh from now,
#: rather than catching up in a burst
PACE_SLACK = 0.25

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
    #: (iteration, train loss on the whole training set, test loss or nan)
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
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._queue: deque[tuple[str, tuple]] = deque()
        self._stop = False
        self._trainer: Trainer | None = trainer
        self._running = False
        self._target_epoch: int | None = None
        self._target_iteration: int | None = None
        self.report_interval = 1.0 / report_hz
        #: at most this many iterations a second (None: as fast as it can); between two iterations the
        #: worker waits on its condition variable, so a command or a stop still acts at once
        self.max_rate: float | None = None
        self._pace_time = 0.0
        self._pace_iteration = 0
        self.grid_size = grid_size
        #: the hidden neurons' maps: their grid's side, and at most how often a second while training
        #: (as often and as large as the window shows them; always in a report while paused)
        self.hidden_size = hidden_size
        self.hidden_interval = 1.0 / hidden_hz if hidden_hz > 0 else 0.0
        self._hidden_at = -float("inf")
        self.evaluate_every_report = True
        #: pause after each report until the GUI has drawn it (see ``_wait_for_gui``)
        self.yield_to_gui = True
        self.gui_wait_limit = 0.1
        #: time spent waiting for the GUI to draw (for benchmarks)
        self.gui_wait_seconds = 0.0
        self._acknowledged = True
        self._dirty = trainer is not None  # something changed that the GUI has not seen yet
        self._restart = False
        self._last_report_time = 0.0
        #: (time, iteration, epoch) of the reports of about the last ``RATE_WINDOW`` seconds
        self._rate_marks: deque[tuple[float, int, int]] = deque()
        self._epoch_ends: list[int] = []
        self._grid_cache: tuple | None = None
        self._generation = 0

    # ---- the GUI thread's side (thread safe) ------------------------------------------------
    def post(self, command: str, *args: Any) -> None:
        """Queue a command; the worker applies it between two iterations."""
        with self._wake:
            self._queue.append((command, args))
            self._wake.notify()

    def request_stop(self) -> None:
        """Ask the loop to end before the next iteration (thread safe)."""
        with self._wake:
            self._stop = True
            self._wake.notify()

    def acknowledge(self) -> None:
        """The GUI has handled (and drawn) the last report: the next one may be sent."""
        with self._wake:
            self._acknowledged = True
            self._wake.notify()

    @property
    def stop_requested(self) -> bool:
        return self._stop

    # ---- the worker thread -------------------------------------------------------------------
    @Slot()
    def run(self) -> None:
        """The worker's whole life: drain commands, train while running, wait while paused."""
        try:
            while not self._stop:
                if self._queue:
                    self._drain()
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
                with self._wake:
                    if not self._queue and not self._stop:
                        # a pending report that waits for its acknowledgement is retried shortly
                        self._wake.wait(0.02 if self._dirty else 0.5)
        finally:
            self.finished.emit()

    def _drain(self) -> None:
        while self._queue and not self._stop:
            with self._lock:
                command, args = self._queue.popleft()
            try:
                getattr(self, "_cmd_" + command)(*args)
            except Exception as exc:  # a bad command must not kill the worker
                self._fail(exc)

    def _train(self) -> None:
        """Iterations in a tight loop until a command arrives, a target is reached or it stops."""
        trainer = self._trainer
        queue = self._queue
        interval = self.report_interval
        clock = time.perf_counter
        next_report = self._last_report_time + interval
        try:
            while self._running and not self._stop and not queue:
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
                if self.max_rate:
                    next_report = self._pace(next_report)
        except DivergenceError as exc:
            self._set_running(False)
            self._dirty = True
            self.diverged.emit(Divergence(exc.iteration, exc.loss, exc.learning_rate, str(exc)))
            self._send_report()
        except Exception as exc:
            self._fail(exc)

    def _pace(self, next_report: float) -> float:
        """At a set speed (``max_rate``): wait until the next iteration is due. The wait is on the
        condition variable, so a command, a stop request or a pause ends it at once; a report the GUI
        can take meanwhile goes out as soon as it may. Returns when the next report may be sent."""
        trainer = self._trainer
        due = self._pace_time + (trainer.iteration - self._pace_iteration) / self.max_rate
        clock = time.perf_counter
        if clock() - due > PACE_SLACK:  # far behind (a slow iteration): count afresh from here
            self._reset_pace()
            return next_report
        while True:
            now = clock()
            if self._dirty and self._acknowledged and now >= next_report:
                self._send_report(now)
                next_report = now + self.report_interval
                continue
            with self._wake:
                if self._queue or self._stop or not self._running or now >= due:
                    return next_report
                wake_at = due if not (self._dirty and self._acknowledged) else min(due, next_report)
                self._wake.wait(max(0.0, wake_at - now))

    def _reset_pace(self) -> None:
        """A paced run counts its iterations from now on."""
        self._pace_time = time.perf_counter()
        self._pace_iteration = self._trainer.iteration if self._trainer is not None else 0

    def _wait_for_gui(self) -> None:
        """Give the GUI thread the GIL while it draws the report just sent.

        Python runs one thread at a time: painting in the GUI thread and iterations here would
        otherwise hand the GIL back and forth hundreds of times a frame, which makes both slow.
        Waiting here (the GIL released) until the GUI has drawn the report, then training flat out
        until the next one, keeps the window smooth and costs training only the drawing time.
        The controller acknowledges a report with an event posted at Qt's low priority right after
        the views handled it, i.e. behind the repaints they asked for (``QEvent.UpdateRequest``,
        low priority too), so the acknowledgement arrives once those are painted. A command or a
        stop request ends the wait at once, and it never lasts longer than ``gui_wait_limit``."""
        if not self.yield_to_gui:
            return
        started = time.perf_counter()
        with self._wake:
            if not self._acknowledged and not self._queue and not self._stop:
                self._wake.wait(self.gui_wait_limit)
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
        now = time.perf_counter() if now is None else now
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
        first = trainer.iteration - history.count
        # the GUI keeps the history: the worker's own stays small however long it trains
        trainer.history = History(trainer.network.depth)
        evaluation = None
        grid = None
        try:  # a broken network (e.g. a bad edit) still gets its counters and weights reported
            if self.evaluate_every_report:
                train, test = trainer.evaluate()
                evaluation = (trainer.iteration, float(train), float("nan") if test is None else float(test))
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
            optimizer_state=None if self._running else trainer.optimizer.snapshot(),
            optimizer_steps=trainer.optimizer.steps_taken,
            grid=grid,
            restart=self._restart,
            generation=self._generation,
        )
        self._epoch_ends = []
        self._restart = False
        self._last_report_time = now
        self._dirty = False
        self._acknowledged = False
        self.report.emit(report)

    def _grid(self) -> GridOutput | None:
        trainer = self._trainer
        if trainer.network.input_size != 2 or self.grid_size <= 0:
            return None
        data = trainer.experiment.data
        if self._grid_cache is None or self._grid_cache[0] is not data:
            self._grid_cache = (data, extent_for(np.vstack([data.inputs, data.test_inputs])))
        now = time.perf_counter()
        hidden = self._restart or not self._running or now - self._hidden_at >= self.hidden_interval
        if hidden:
            self._hidden_at = now
        return grid_output(trainer.network, self.grid_size, self._grid_cache[1], self.hidden_size if hidden else 0)

    # ---- commands (run in the worker thread, between two iterations) ------------------------
    def _cmd_load(self, trainer: Trainer, generation: int = 0) -> None:
        """Adopt a new trainer (its own copy of an experiment, with counters and optimizer state);
        its reports carry ``generation``."""
        self._trainer = trainer
        self._generation = generation
        trainer.history = History(trainer.network.depth)
        self._restart = True
        self._epoch_ends = []
        self._mark_counters()
        self._dirty = True

    def _mark_counters(self) -> None:
        self._last_report_time = time.perf_counter()
        self._rate_marks = deque([(self._last_report_time, self._trainer.iteration, self._trainer.epoch)])
        self._reset_pace()

    def _cmd_start(self) -> None:
        self._target_epoch = self._target_iteration = None
        if self._trainer is not None:
            if not self._running:
                self._mark_counters()
            self._set_running(True)

    def _cmd_pause(self) -> None:
        self._set_running(False)
        self._dirty = True

    def _cmd_step_epoch(self) -> None:
        """Train to the end of the current epoch, then pause."""
        if self._trainer is None:
            return
        self._mark_counters()
        self._set_running(True)
        self._target_iteration = None
        self._target_epoch = self._trainer.epoch + 1

    def _cmd_step_iterations(self, count: int) -> None:
        if self._trainer is None:
            return
        self._mark_counters()
        self._set_running(True)
        self._target_epoch = None
        self._target_iteration = self._trainer.iteration + int(count)

    def _cmd_set_learning_rate(self, value: float) -> None:
        trainer = self._trainer
        trainer.experiment.optimizer.learning_rate = float(value)
        trainer.optimizer.learning_rate = float(value)
        self._dirty = True

    def _cmd_set_weight(self, layer: int, row: int, column: int, value: float) -> None:
        """``layer`` counts as the engine does: 0 is the first layer after the inputs."""
        self._trainer.network.layers[layer].weights[row, column] = float(value)
        self._dirty = True

    def _cmd_set_bias(self, layer: int, row: int, value: float) -> None:
        biases = self._trainer.network.layers[layer].biases
        if biases is not None:
            biases[row] = float(value)
        self._dirty = True

    def _cmd_set_state(self, weights: list[Array], biases: list[Array | None]) -> None:
        self._trainer.network.set_state((weights, biases))
        self._dirty = True

    def _cmd_apply(self, change: Callable[[Trainer], Any]) -> None:
        """Run ``change(trainer)`` between two iterations (e.g. a new setting of the experiment)."""
        change(self._trainer)
        self._trainer.configure()
        self._dirty = True

    def _cmd_settings(self, experiment: Experiment, optimizer_changed: bool) -> None:
        """Take every setting from ``experiment`` but keep the worker's own weights."""
        trainer = self._trainer
        own = trainer.experiment
        for name in ("name", "description", "loss", "reduction", "schedule", "regularization",
                     "batching", "data", "data_source", "init", "layer_inits", "seed"):
            setattr(own, name, copy.deepcopy(getattr(experiment, name)))
        own.optimizer = copy.deepcopy(experiment.optimizer)
        for mine, theirs in zip(own.network.layers, experiment.network.layers):
            mine.alpha = theirs.alpha
            mine.activation = theirs.activation
            mine.train_weights, mine.train_biases = theirs.train_weights, theirs.train_biases
        trainer.follow_optimizer_spec(rebuild=optimizer_changed)
        trainer.configure()
        self._dirty = True

    def _cmd_reset(self) -> None:
        """The weights the experiment started with; counters, history and optimizer state at zero."""
        self._trainer.experiment.reset()
        self._trainer.restart()
        self._restart = True
        self._epoch_ends = []
        self._mark_counters()
        self._dirty = True

    def _cmd_reinitialize(self) -> None:
        self._trainer.experiment.reinitialize()
        self._trainer.restart()
        self._restart = True
        self._epoch_ends = []
        self._mark_counters()
        self._dirty = True

    def _cmd_set_speed(self, rate: float | None) -> None:
        """At most ``rate`` iterations a second from now on (None or 0: full speed)."""
        self.max_rate = float(rate) if rate else None
        self._reset_pace()

    def _cmd_hand_over(self, done: threading.Event) -> None:
        """Pause and send a report of the state now, whether or not the GUI has acknowledged the last
        one; ``done`` is set once the report is on its way (the GUI thread waits for it)."""
        try:
            self._set_running(False)
            if self._trainer is not None:
                self._send_report()
        finally:
            done.set()

    def _cmd_report(self) -> None:
        """Send a report as soon as the GUI can take one."""
        self._dirty = True

    def _cmd_raise(self, message: str) -> None:
        """For tests: an exception inside the worker."""
        raise RuntimeError(message)

    def _cmd_stop(self) -> None:
        self._set_running(False)
        self._stop = True


def trainer_copy(trainer: Trainer) -> Trainer:
    """A deep copy of a trainer (experiment, optimizer state, counters) without its history."""
    history = trainer.history
    trainer.history = History(trainer.network.depth)
    try:
        return copy.deepcopy(trainer)
    finally:
        trainer.history = history
