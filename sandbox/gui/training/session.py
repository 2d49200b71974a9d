"""Live training of a document: the bridge between the ``Document`` and the training worker.

While training runs, the worker owns the engine state; each report (at most ~30 a second) is
copied into the document (weights, biases, counters, history), which then tells its views. Edits
the user makes meanwhile (a weight in the network view, a setting, an undo) change the document
first, as always; the session sees the change and sends it to the worker, which applies it
between two iterations. While paused, the document is the authority: starting again gives the
worker a fresh copy of the document's trainer (counters and optimizer state included).

Every training run ends as one undoable command ("Train N iterations"). The session guards the
document's undo stack (``UndoStack.guard``): before the user's command is pushed, undone or redone
while training runs, the training done so far becomes its own command, and a new run begins after
it, so the stack holds everything in the order it happened. A structural change (another network,
an undo of training) reloads the worker once the stack has finished.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from sandbox.engine import History, Trainer

from .controller import TrainingController
from .run_record import move_record, record_of
from .worker import Divergence, TrainingReport

Array = np.ndarray

#: while training, the document tells its views (network view, explanation, status) at most this
#: often; the plots and the decision boundary follow every report
DOCUMENT_SIGNALS_HZ = 5.0

#: the document's trainer keeps at most this many iterations of history (the plots keep their own,
#: decimated, record of the whole run)
DOCUMENT_HISTORY_CAP = 200_000


class TrainingSession(QObject):
    """Trains ``document`` in a worker thread; see the module docstring."""

    #: a report has been copied into the document (views that need more than the document: plots)
    reportApplied = Signal(object)
    #: training started (True) or stopped/paused (False), whatever the reason
    runningChanged = Signal(bool)
    #: something the user must be told (divergence, an error in the worker), as plain text
    messageRaised = Signal(str, str)  # title, text
    #: the views should forget what they showed (another network or network shape)
    restarted = Signal()

    def __init__(self, document, parent: QObject | None = None, controller: TrainingController | None = None):
        super().__init__(parent)
        self.document = document
        self.controller = controller or TrainingController(self)
        self.controller.reportReady.connect(self._on_report)
        self.controller.runningChanged.connect(self._on_worker_running)
        self.controller.diverged.connect(self._on_diverged)
        self.controller.errorOccurred.connect(self._on_error)
        document.valuesChanged.connect(self._on_values_changed)
        document.settingsChanged.connect(self._on_settings_changed)
        document.structureChanged.connect(self._on_structure_changed)
        document.historyChanged.connect(self._on_history_changed)
        document.undo_stack.guard = self
        self._running = False
        self._applying = False  # a report is being copied into the document
        self._in_sync = False   # the worker holds exactly the document's state
        self._worker_failed = False  # an error in the worker: its trainer is not trusted again
        self._segment_before = None  # the document's snapshot when this run started
        self._segment_start_iteration = 0
        self._segment_trainer: Trainer | None = None  # the document's trainer it started with
        self._known_trainer: Trainer | None = None  # the trainer (and its iteration) the worker holds
        self._known_iteration = 0
        self._changing = False  # the undo stack is pushing, undoing or redoing (see ``before_stack_change``)
        self._reload_pending = False  # the worker is to reload once the stack has finished
        self._known_state: tuple[list[Array], list[Array | None]] | None = None
        self._known_optimizer: tuple | None = None
        self._known_data: tuple[Array, Array] | None = None
        self.last_divergence: Divergence | None = None
        self.last_error: str | None = None
        self.latest: TrainingReport | None = None
        self._signalled_at = 0.0
        #: the last report applied was also told to the document's views (iteration and epoch in the
        #: status bar, the settings' counters, the explanation): whatever else shows its numbers
        #: follows it then, so that every counter on screen agrees
        self.document_told = False

    # ---- the user's commands ---------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._running

    def set_running(self, running: bool) -> None:
        if running:
            self.start()
        else:
            self.pause()

    def start(self) -> None:
        if self._running:
            return
        self._sync_worker()
        if self._segment_before is None:  # (else paused a moment ago: the run goes on)
            self._begin_segment()
        self._set_running(True)
        self.controller.start()

    def pause(self) -> None:
        if not self._running:
            return
        self.controller.pause()
        self._set_running(False)

    def step_epoch(self) -> None:
        """Train to the end of the current epoch in the worker, then pause."""
        self._sync_worker()
        if not self._running:
            if self._segment_before is None:
                self._begin_segment()
            self._set_running(True)
        self.controller.step_epoch()

    def pause_and_record(self) -> None:
        """Before the document is replaced or the window closes: training pauses, and the run so far
        becomes its "Train N iterations" command at once (with the worker's last state, optimizer
        included), so the document knows it has unsaved changes. Nothing happens when no run is open."""
        if not self._running and self._segment_before is None:
            return
        self._set_running(False)
        handed = False
        if self._in_sync and not self._worker_failed and self.controller.has_thread:
            handed = self.controller.hand_over()
        if self._segment_before is not None:  # no report of the paused state came: the document's state
            self.controller.forget_reports()
            self._in_sync = False
            self._end_segment()
        elif not handed:
            self._in_sync = False

    def shutdown(self, timeout_ms: int = 1000) -> bool:
        """Stop the worker's thread (and wait for it at most ``timeout_ms``); True if it ended."""
        self._set_running(False)
        if self.document.undo_stack.guard is self:
            self.document.undo_stack.guard = None
        return self.controller.shutdown(timeout_ms)

    # ---- keeping the worker and the document together ----------------------------------------
    def _sync_worker(self) -> None:
        """Give the worker the document's trainer unless it already holds exactly that state."""
        if not self._in_sync:
            self._load_worker()

    def _load_worker(self) -> None:
        """The worker goes on from a copy of the document's trainer; its reports about the trainer it
        held before are dropped (they may still be on their way)."""
        self.controller.load(self.document.trainer)
        self.latest = None
        self._remember_document()
        self._in_sync = True
        self._worker_failed = False

    def _remember_document(self) -> None:
        doc = self.document
        self._known_trainer = doc.trainer
        self._known_iteration = doc.trainer.iteration
        self._known_state = doc.experiment.network.state()
        self._known_optimizer = _optimizer_key(doc.experiment)
        data = doc.experiment.data
        self._known_data = (data.inputs.copy(), data.targets.copy())

    def _begin_segment(self) -> None:
        self._segment_before = self.document.snapshot()
        self._segment_start_iteration = self.document.trainer.iteration
        self._segment_trainer = self.document.trainer

    def _end_segment(self) -> bool:
        """The training since the segment began becomes one undoable command ("Train N iterations"),
        unless the document holds another trainer now (another file: its undo stack starts empty).
        True if a command was pushed."""
        before, trainer = self._segment_before, self._segment_trainer
        self._segment_before = self._segment_trainer = None
        if before is None or trainer is not self.document.trainer:
            return False
        done = trainer.iteration - self._segment_start_iteration
        if done <= 0:
            return False
        text = f"Train {done} iteration{'s' if done != 1 else ''}"
        self._applying = True
        try:
            self.document.push_state_change(text, before)
        finally:
            self._applying = False
        return True

    # ---- the undo stack's guard ---------------------------------------------------------------
    def before_stack_change(self) -> bool:
        """The user's command is about to be pushed, undone or redone: the training since the run (or
        the last such command) began becomes its own command first. True if one was pushed."""
        if self._applying:
            return False  # the session's own "Train N iterations"
        self._changing = True
        if self._segment_before is None:
            return False
        pushed = self._end_segment()
        if not self._running:  # paused a moment ago: the report that follows the pause is dropped
            self.controller.forget_reports()
            self._in_sync = False
        return pushed

    def after_stack_change(self) -> None:
        """The stack has finished: training goes on from the document, as a new run."""
        if not self._changing:
            return
        self._changing = False
        reload, self._reload_pending = self._reload_pending, False
        if self._running:
            if reload:
                self._load_worker()
            self._begin_segment()

    def _changed_while_paused(self) -> None:
        """The user changed the document while training is paused: the next run starts from the
        document. If the report that follows the pause is still on its way, it would bring the
        worker's older state back: it is dropped, and the run ends where the document stood."""
        self._in_sync = False
        if self._segment_before is not None:
            self.controller.forget_reports()
            self._end_segment()

    def _set_running(self, running: bool) -> None:
        if running != self._running:
            self._running = running
            self.runningChanged.emit(running)

    # ---- reports ------------------------------------------------------------------------------
    @Slot(object)
    def _on_report(self, report: TrainingReport) -> None:
        doc = self.document
        trainer: Trainer = doc.trainer
        net = doc.experiment.network
        if len(report.weights) != net.depth or any(
                w.shape != layer.weights.shape for w, layer in zip(report.weights, net.layers)):
            return  # a report about a network the document no longer shows
        self.latest = report
        self._applying = True
        try:
            net.set_state((report.weights, report.biases))
            trainer.iteration, trainer.epoch = report.iteration, report.epoch
            # a report made under other settings (fewer batches per epoch since, or fewer samples) may
            # name a batch the document's trainer does not have: the worker clamps it the same way
            # when the new settings reach it
            trainer.batch_in_epoch = min(report.batch_in_epoch, trainer.batches_per_epoch - 1)
            trainer._epoch_of_batches = -1
            if report.optimizer_state is not None:
                trainer.optimizer.state = report.optimizer_state
                trainer.optimizer.steps_taken = report.optimizer_steps
            if len(report.losses):
                _append_history(trainer, report)
            record_of(trainer.history, create=True).add_report(report)  # whole-set losses, epochs
            self._known_state = net.state()
            self._known_iteration = trainer.iteration
            now = time.perf_counter()
            self.document_told = not report.running or now - self._signalled_at >= 1.0 / DOCUMENT_SIGNALS_HZ
            if self.document_told:
                self._signalled_at = now
                doc.values_edited()
                doc.historyChanged.emit()
        finally:
            self._applying = False
        self.reportApplied.emit(report)
        if not report.running and self._running and not self.controller.running:
            self._set_running(False)
        if not report.running and not self._running:
            # the worker is paused and the document now holds exactly its state
            self._end_segment()
            self._in_sync = report.optimizer_state is not None and not self._worker_failed

    @Slot(bool)
    def _on_worker_running(self, running: bool) -> None:
        if not running and self._running and not self.controller.running:
            self._set_running(False)

    @Slot(object)
    def _on_diverged(self, info: Divergence) -> None:
        self.last_divergence = info
        self._set_running(False)
        self.messageRaised.emit(
            "Training diverged",
            f"The loss became {info.loss} at iteration {info.iteration}. Training has been paused and the "
            f"weights put back to their last finite values. The learning rate ({info.learning_rate:g}) is "
            f"probably too high: try a lower one.")

    @Slot(str)
    def _on_error(self, message: str) -> None:
        self.last_error = message
        self._set_running(False)
        self._in_sync = False
        self._worker_failed = True
        self.messageRaised.emit("Training stopped", message)

    # ---- the user changed the document --------------------------------------------------------
    @Slot()
    def _on_values_changed(self) -> None:
        if self._applying:
            return
        if not self._running:
            self._changed_while_paused()
            return
        if self._reload_pending:
            return
        doc = self.document
        if doc.trainer is not self._known_trainer or doc.trainer.iteration != self._known_iteration:
            self._reload()  # an undo/redo of training put other counters back
            return
        self._send_value_edits()
        data = doc.experiment.data
        known = self._known_data
        if known is None or not (np.array_equal(known[0], data.inputs) and np.array_equal(known[1], data.targets)):
            self.controller.set_settings(doc.experiment, optimizer_changed=False)
            self._known_data = (data.inputs.copy(), data.targets.copy())

    def _send_value_edits(self) -> None:
        """Send the weights and biases that differ from the worker's last report, one by one."""
        known = self._known_state
        net = self.document.experiment.network
        if known is None:
            return
        for l, (layer, w_known, b_known) in enumerate(zip(net.layers, known[0], known[1])):
            if w_known.shape != layer.weights.shape:
                self._reload()
                return
            for j, k in zip(*np.nonzero(layer.weights != w_known)):
                self.controller.set_weight(l, int(j), int(k), float(layer.weights[j, k]))
            if layer.biases is not None and b_known is not None:
                for j in np.flatnonzero(layer.biases != b_known):
                    self.controller.set_bias(l, int(j), float(layer.biases[j]))
        self._known_state = net.state()

    @Slot()
    def _on_settings_changed(self) -> None:
        if self._applying:
            return
        if not self._running:
            self._changed_while_paused()
            return
        if self._reload_pending:
            return
        exp = self.document.experiment
        key = _optimizer_key(exp)
        changed = key[0] != self._known_optimizer[0] if self._known_optimizer else True
        self._known_optimizer = key
        self.controller.set_settings(exp, optimizer_changed=changed)
        data = exp.data
        self._known_data = (data.inputs.copy(), data.targets.copy())

    @Slot()
    def _on_structure_changed(self) -> None:
        if self._applying:
            return
        if self._running:
            self._reload()
        else:
            self._changed_while_paused()
        self.restarted.emit()

    @Slot()
    def _on_history_changed(self) -> None:
        if self._applying:
            return
        if not self._running:
            self._changed_while_paused()

    @property
    def applying(self) -> bool:
        """True while a report is being copied into the document (its signals come from training)."""
        return self._applying

    def _reload(self) -> None:
        """Training goes on from the document's whole state (a new network, an undo of training); within
        a change of the undo stack, once it has finished."""
        if self._changing:
            self._reload_pending = True
            return
        self._end_segment()  # (dropped if the document holds another trainer: another file)
        self._load_worker()
        self._begin_segment()


def _optimizer_key(experiment) -> tuple:
    spec = experiment.optimizer
    return (spec.name, tuple(sorted(spec.options.items())), spec.learning_rate)


def _append_history(trainer: Trainer, report: TrainingReport) -> None:
    """Append a report's losses and gradient norms to the trainer's history (bounded)."""
    history: History = trainer.history
    n = len(report.losses)
    layers = history.layers
    if report.weight_grad_norms.shape[1] != layers:
        return
    if history.count + n > DOCUMENT_HISTORY_CAP:
        keep = max(0, DOCUMENT_HISTORY_CAP // 2 - n)
        fresh = History(layers)
        old_loss = history.loss[history.count - keep:] if keep else history.loss[:0]
        old_grad = history._grad[history.count - keep:history.count] if keep else history._grad[:0]
        while fresh._loss.shape[0] < keep + n:
            fresh._grow()
        fresh._loss[:keep] = old_loss
        fresh._grad[:keep] = old_grad
        fresh.count = keep
        move_record(history, fresh)
        trainer.history = history = fresh
    while history._loss.shape[0] < history.count + n:
        history._grow()
    i = history.count
    history._loss[i:i + n] = report.losses
    history._grad[i:i + n, :layers] = report.weight_grad_norms
    history.count = i + n

