"""The open document: one experiment, its trainer, its undo stack and the walkthrough being shown.

``Document`` is the model every view of the window subscribes to, and the only writer of the
experiment: every change (an edit, a setting, another experiment, an undo, an update applied, a
training report) goes through one of its methods, and only it emits its signals. It never computes a
number itself: forward values come from ``Network.forward``, everything of an update from the
engine's ``Walkthrough``.

Signals
-------
``structureChanged``   a different experiment (or network shape) is shown: rebuild everything
``valuesChanged``      weights, biases, inputs or targets were changed (an edit, an undo, an update)
``settingsChanged``    loss, optimizer, batching or other settings changed
``historyChanged``     the trainer's history was replaced or rewound (an undo, a reset, an update)
``walkthroughChanged`` the walkthrough or the position in it changed
``modifiedChanged``    (bool) the document differs from the file on disk, or no longer does
``pathChanged``        (object: Path | None) the file the document belongs to (never a shipped example: one
                       opens as an untitled copy, ``template`` says which; ``sandbox.gui.model.templates``)
``edited``             (object) the typed change just made (``sandbox.engine.edits``: ``SetValue``,
                       ``ChangeSettings`` or ``ReplaceState``), for whatever mirrors
                       the trainer (the training worker)
``reportTaken``        (object: TrainingReport) training results were taken in (the plots append them)
``progressed``         training moved weights, counters and history on; emitted at most
                       ``PROGRESS_HZ`` times a second (and for the last report of a run), so that every
                       counter on screen reads the document at the same moment
``problem``            (str, str) something the user must be told (title, text), e.g. an update refused
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from sandbox.engine import Experiment, ForwardPass, History, Trainer, Walkthrough
from sandbox.engine.edits import (
    ChangeSettings,
    Place,
    ReplaceState,
    SettingKey,
    SetValue,
    check_setting_key,
    value_at,
)
from sandbox.gui.model import templates
from sandbox.gui.model.commands import SetValueCommand, StateCommand, UpdateCommand
from sandbox.gui.model.run_record import move_record, record_of
from sandbox.gui.model.undo_stack import UndoStack

if TYPE_CHECKING:
    from sandbox.gui.training.worker import TrainingReport

Array = np.ndarray

#: while training, the views that show weights and counters are told at most this often
PROGRESS_HZ = 5.0
#: and at Fastest (``Document.progress_hz``, set by the training view): the user chose training speed over
#: smooth counters, and every redraw holds the GIL the worker trains with (benchmarks/window_digits.py)
FASTEST_PROGRESS_HZ = 3.0
#: the document's trainer keeps at most this many iterations of history (the plots keep their own,
#: decimated, record of the whole run)
HISTORY_CAP = 200_000


@dataclass
class TrainerSnapshot:
    """Everything an update or a training run changes: weights, biases, optimizer, counters, history."""

    network_state: tuple[list[Array], list[Array | None]]
    optimizer_state: list[dict[str, Array]]
    optimizer_steps: int
    iteration: int
    epoch: int
    batch_in_epoch: int
    history: History  # append-only buffers: keeping the object and its count is enough
    history_count: int


@dataclass
class Shown:
    """What a document shows (``Document.shown``): enough to show it again after a failed open."""

    experiment: Experiment
    trainer: Trainer
    path: Path | None
    template: Path | None
    walkthrough: Walkthrough | None
    position: int
    apply_command: Any
    latest_report: Any


class Document(QObject):
    """An experiment being looked at and edited; see the module docstring for the signals."""

    structureChanged = Signal()
    valuesChanged = Signal()
    settingsChanged = Signal()
    historyChanged = Signal()
    walkthroughChanged = Signal()
    modifiedChanged = Signal(bool)
    pathChanged = Signal(object)
    edited = Signal(object)
    reportTaken = Signal(object)
    progressed = Signal()
    problem = Signal(str, str)

    def __init__(self, experiment: Experiment, path: Path | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = UndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self.experiment = experiment
        self.trainer = Trainer(experiment)
        #: the file the document belongs to; None for an untitled document, and for a shipped example,
        #: which opens as an untitled copy of ``template`` (Save asks where; no default overwrites it)
        self.path: Path | None
        self.template: Path | None
        self.path, self.template = templates.split(path)
        self._walkthrough: Walkthrough | None = None
        self._position = -1
        self._apply_command: Any = None  # the UpdateCommand that applied the shown walkthrough, if any
        #: the last training report taken in (None since the last change of the whole state)
        self.latest_report: TrainingReport | None = None
        self._progressed_at = 0.0
        #: how often ``progressed`` is emitted while training (view state: ``PROGRESS_HZ`` or, at Fastest,
        #: ``FASTEST_PROGRESS_HZ``)
        self.progress_hz = PROGRESS_HZ
        #: inputs and targets edited in place so far (what depends on the data knows it changed)
        self.data_edits = 0

    def _on_clean_changed(self, clean: bool) -> None:
        self.modifiedChanged.emit(not clean)

    # ---- the document as a whole -------------------------------------------------------------
    def replace(self, experiment: Experiment, path: Path | None) -> None:
        """Show another experiment (a file opened, a template): fresh trainer, empty undo stack."""
        self.show_instead(experiment, path)
        self.forget_history()

    def show_instead(self, experiment: Experiment, path: Path | None) -> None:
        """Show ``experiment`` (of the file ``path``) with a fresh trainer; the undo stack stays until
        ``forget_history`` (so that ``put_back`` can still return to what was shown before)."""
        trainer = Trainer(experiment)
        self.experiment = experiment
        self.trainer = trainer
        self._forget_walkthrough()
        self.latest_report = None
        self.path, self.template = templates.split(path)
        self._tell_everything()

    def forget_history(self) -> None:
        """Empty the undo stack: the document shown is the file as it is on disk."""
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.modifiedChanged.emit(False)

    def shown(self) -> Shown:
        """What the document shows now, for ``put_back``."""
        return Shown(self.experiment, self.trainer, self.path, self.template, self._walkthrough,
                     self._position, self._apply_command, self.latest_report)

    def put_back(self, shown: Shown) -> None:
        """Show again what ``shown`` held (a file that could not be shown after all); the undo stack
        was never touched."""
        self.experiment, self.trainer, self.path = shown.experiment, shown.trainer, shown.path
        self.template = shown.template
        self._walkthrough, self._position, self._apply_command = shown.walkthrough, shown.position, shown.apply_command
        self.latest_report = shown.latest_report
        self._tell_everything()
        self.modifiedChanged.emit(self.is_modified)

    def _tell_everything(self) -> None:
        self.pathChanged.emit(self.path)
        self._tell_contents()

    def _tell_contents(self) -> None:
        """Every view redraws: another experiment, trainer or walkthrough is shown."""
        self.structureChanged.emit()
        self.settingsChanged.emit()
        self.valuesChanged.emit()
        self.historyChanged.emit()
        self.walkthroughChanged.emit()
        self.edited.emit(ReplaceState())

    @property
    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def set_path(self, path: Path | None) -> None:
        """The document belongs to ``path`` now (a shipped example: an untitled copy of it)."""
        self.path, self.template = templates.split(path)
        self.pathChanged.emit(self.path)

    def mark_saved(self, path: Path) -> None:
        """The document was written to ``path``: it is clean now and belongs to that file."""
        self.undo_stack.setClean()
        self.set_path(path)

    @property
    def display_name(self) -> str:
        """The file's name; for a copy of a shipped example "Spiral (example) — untitled"; otherwise the
        network's name, or "untitled"."""
        if self.path is not None:
            return self.path.name
        if self.template is not None:
            return templates.untitled_name(self.experiment.name or self.template.stem)
        return self.experiment.name or "untitled"

    # ---- what is shown when no walkthrough is running ----------------------------------------
    @property
    def sample_index(self) -> int:
        """Row of the training data whose values are shown: sample 0 of the next batch."""
        batch = self.trainer.batch_indices()
        if isinstance(batch, slice):  # (a range of rows: its first, without a million-row index array)
            return range(self.trainer.n_samples)[batch][0]
        return int(np.asarray(batch)[0])

    def sample_inputs(self) -> Array:
        return self.experiment.data.inputs[self.sample_index]

    def sample_targets(self) -> Array:
        return self.experiment.data.targets[self.sample_index]

    def forward(self) -> ForwardPass:
        """The engine's forward pass of the shown sample through the current weights (values that
        overflow are shown as ∞, as the walkthrough shows them: no warning)."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return self.experiment.network.forward(self.sample_inputs())

    def current_loss(self) -> float | None:
        """The last recorded batch loss, or None before the first iteration."""
        history = self.trainer.history
        return float(history.loss[-1]) if history.count else None

    # ---- edits of numbers and settings (called by the undo commands) --------------------------
    def value_at(self, where: Place) -> float:
        """The number at ``where``: ("weight", l, j, k), ("bias", l, j), ("input", row, k) or
        ("target", row, j); ``l`` counts layers as the file does (1 = first after the inputs)."""
        return value_at(self.experiment, where)

    def edit_value(self, where: Place, value: float) -> None:
        """An undoable edit of one weight, bias, input or target."""
        if self.value_at(where) == float(value):
            return
        self.undo_stack.push(SetValueCommand(self, where, float(value)))

    def set_value(self, where: Place, value: float) -> None:
        """Set one number (``SetValueCommand`` calls this; use ``edit_value`` for an undoable edit)."""
        change = SetValue(tuple(where), float(value))
        change.apply(self.trainer)
        if where[0] in ("input", "target"):
            self.data_edits += 1
        self._forget_walkthrough(signal=True)
        self.valuesChanged.emit()
        self.edited.emit(change)

    def change_settings(self, changes: dict[SettingKey, Any]) -> None:
        """Set settings (``SettingCommand`` calls this); weights and counters stay, the optimizer is
        rebuilt only when its kind changes (a new learning rate keeps its state)."""
        for key in changes:
            check_setting_key(key)
        new_optimizer = changes.get("optimizer")
        rebuild = new_optimizer is not None and new_optimizer.name != self.experiment.optimizer.name
        change = ChangeSettings(copy.deepcopy(dict(changes)), rebuild)
        change.apply(self.trainer)
        self._forget_walkthrough(signal=True)
        self.settingsChanged.emit()
        self.valuesChanged.emit()  # forward values (activations) may differ
        self.edited.emit(change)

    def refuse(self, title: str, text: str) -> None:
        """Tell the views that an edit was not made, and why (``problem``); nothing changes."""
        self.problem.emit(title, text)

    def swap(self, experiment: Experiment, trainer: Trainer) -> None:
        """Show ``experiment`` trained by ``trainer`` (``ExperimentCommand`` calls this: another
        architecture, data set or initialization; the undo stack stays)."""
        self.experiment = experiment
        self.trainer = trainer
        self.latest_report = None
        self._forget_walkthrough()
        self._tell_contents()

    # ---- the trainer's whole state: snapshots for undo -----------------------------------------
    def snapshot(self) -> TrainerSnapshot:
        t = self.trainer
        return TrainerSnapshot(
            network_state=t.network.state(),
            optimizer_state=copy.deepcopy(t.optimizer.state),
            optimizer_steps=t.optimizer.steps_taken,
            iteration=t.iteration,
            epoch=t.epoch,
            batch_in_epoch=t.batch_in_epoch,
            history=t.history,
            history_count=t.history.count,
        )

    def restore(self, snap: TrainerSnapshot, update: Any = None, applied: bool = False) -> None:
        """Put the trainer back to ``snap`` (undo and redo of updates, runs and resets). ``update``: the
        ``UpdateCommand`` being undone (``applied`` False) or redone: its walkthrough is shown again, at
        its last step once applied, at the step before otherwise."""
        t = self.trainer
        t.network.set_state(snap.network_state)
        t.optimizer.state = copy.deepcopy(snap.optimizer_state)
        t.optimizer.steps_taken = snap.optimizer_steps
        t.history = snap.history
        t.history.count = snap.history_count
        t.configure()
        t.set_counters(snap.iteration, snap.epoch, snap.batch_in_epoch)
        self.latest_report = None
        if update is not None and len(update.walkthrough.steps) > 0:
            self._walkthrough = update.walkthrough
            self._apply_command = update if applied else None
            last = len(update.walkthrough.steps) - 1
            self._position = last if applied else last - 1
            self.walkthroughChanged.emit()
        else:
            self._forget_walkthrough(signal=True)
        self.valuesChanged.emit()
        self.historyChanged.emit()
        self.edited.emit(ReplaceState())

    def reset_weights(self) -> None:
        """Put back the experiment's initial weights and restart the counters (one undoable command)."""
        with self.record_change("Reset weights"):
            self.experiment.reset()
            self.trainer.restart()

    @contextmanager
    def record_change(self, text: str) -> Iterator[None]:
        """Run a change of the trainer state (weights, counters, history) as one undoable command."""
        with self.undo_stack.change():
            before = self.snapshot()
            yield
            self.push_state_change(text, before)

    def push_state_change(self, text: str, before: TrainerSnapshot) -> None:
        """The trainer state was changed in place since ``before`` (a block of ``record_change``):
        record it as one undoable command and tell the views and mirrors."""
        self.undo_stack.push(StateCommand(self, text, before, self.snapshot()))
        self._forget_walkthrough(signal=True)
        self.valuesChanged.emit()
        self.historyChanged.emit()
        self.edited.emit(ReplaceState())

    def record_training(self, text: str, before: TrainerSnapshot) -> None:
        """Training brought the document from ``before`` to where it is (its reports were taken in and
        shown already): one undoable command; nothing is changed or told (a running worker goes on)."""
        self.undo_stack.push(StateCommand(self, text, before, self.snapshot()))

    # ---- training results ---------------------------------------------------------------------
    def take_report(self, report: TrainingReport, with_state: bool = True) -> bool:
        """Take in what the training worker reports: counters, history and (``with_state``; False
        when the report was made before the worker applied the latest edits) weights, biases and
        optimizer state. False if the report is about a network of another shape."""
        t = self.trainer
        net = self.experiment.network
        if len(report.weights) != net.depth or any(
                w.shape != layer.weights.shape for w, layer in zip(report.weights, net.layers)):
            return False
        if with_state:
            net.set_state((report.weights, report.biases))
            if report.optimizer_state is not None:
                t.optimizer.state = report.optimizer_state
                t.optimizer.steps_taken = report.optimizer_steps
        t.set_counters(report.iteration, report.epoch, report.batch_in_epoch)
        self._append_history(report)
        self.latest_report = report
        self._forget_walkthrough(signal=True)
        self.reportTaken.emit(report)
        now = time.perf_counter()
        if not report.running or now - self._progressed_at >= 1.0 / self.progress_hz:
            self._progressed_at = now
            self.progressed.emit()
        return True

    def _append_history(self, report: TrainingReport) -> None:
        """A report's batch losses and gradient norms go into the trainer's history (at most
        ``HISTORY_CAP`` iterations kept), its whole-set losses and epoch ends into the run's record."""
        t = self.trainer
        history = t.history
        n = len(report.losses)
        if n and report.weight_grad_norms.shape[1] == history.layers:
            if history.count + n > HISTORY_CAP:
                fresh = history.tail(max(0, HISTORY_CAP // 2 - n))
                move_record(history, fresh)
                t.history = history = fresh
            history.extend(report.losses, report.weight_grad_norms, report.objectives)
        record = record_of(t.history, create=True)
        if record is not None:
            record.add_report(report)

    # ---- the walkthrough ----------------------------------------------------------------------
    @property
    def walkthrough(self) -> Walkthrough | None:
        """The update being stepped through (None until stepping starts)."""
        return self._walkthrough

    @property
    def position(self) -> int:
        """Index of the last step shown (−1: none yet)."""
        return self._position

    @property
    def applied(self) -> bool:
        """The shown walkthrough has reached its last step and its update has been applied."""
        return self._apply_command is not None

    @property
    def shown_only(self) -> bool:
        """The walkthrough shown is of one chosen sample (``show_sample``): shown, never applied."""
        return self._walkthrough is not None and not self._walkthrough.applies

    @property
    def finished(self) -> bool:
        """The walkthrough shown has ended: its update applied, or (shown only) its last step shown. The next
        Step goes on with the next training update (``next_walkthrough``)."""
        return self.applied or (self.shown_only and self._position == self.step_count - 1)

    @property
    def step_count(self) -> int:
        return len(self._walkthrough.steps) if self._walkthrough is not None else 0

    def ensure_walkthrough(self) -> Walkthrough:
        """The walkthrough of the next update, computed by the engine when first needed."""
        if self._walkthrough is None:
            self._walkthrough = self.trainer.walkthrough()
            self._position = -1
            self._apply_command = None
        return self._walkthrough

    def set_position(self, position: int) -> None:
        """Show the walkthrough up to step ``position`` (−1: none). Reaching the last step applies
        the update (one undoable command); going back from there takes it back. An update that
        cannot be applied (its loss or its new weights are not finite) stops one step short, and
        ``problem`` says why. A chosen sample's walkthrough (``shown_only``) is never applied, and going
        back before its first step leaves it: the next training update is at hand again."""
        w = self.ensure_walkthrough()
        last = len(w.steps) - 1
        position = max(-1, min(position, last))
        if position == self._position:
            return
        if position < 0 and self.shown_only:
            self._forget_walkthrough(signal=True)
            return
        if self.applied and position < last:
            self._unapply()
        if position == last and w.applies and not self.applied and not self._apply():
            position = last - 1
        self._position = position
        self.walkthroughChanged.emit()

    def next_walkthrough(self) -> None:
        """Leave a finished walkthrough (applied, or a sample's shown to its end): the next batch's update
        starts, nothing shown yet."""
        self._walkthrough = None
        self._apply_command = None
        self._position = -1
        self.ensure_walkthrough()
        self.walkthroughChanged.emit()

    def _last_update(self) -> Any:
        """The command on top of the undo stack if it is the update finished just before this one."""
        stack = self.undo_stack
        top = stack.command(stack.index() - 1) if stack.index() > 0 else None
        if isinstance(top, UpdateCommand) and top.walkthrough.iteration + 1 == self.trainer.iteration:
            return top
        return None

    def can_return(self) -> bool:
        """Nothing of this update shown yet, and the previous update can be shown again as it ended."""
        return self._position == -1 and not self.shown_only and self._last_update() is not None

    def show_sample(self, inputs: Array, targets: Array, source: str, position: int = -1) -> Walkthrough:
        """Step through the update that one chosen sample alone would make (a test sample clicked in the
        Classes dock): ``Trainer.walkthrough_of``, shown up to step ``position`` (−1: none yet; the next Step
        shows its first). It is shown only, never applied (test samples are held out of training): after its
        last step the next Step goes on with the next training update; training, an edit or an undo
        withdraws it. ``source`` names the sample for people, e.g. "test sample 17"."""
        x = np.asarray(inputs, dtype=np.float64).reshape(1, -1)
        t = np.asarray(targets, dtype=np.float64).reshape(1, -1)
        w = self.trainer.walkthrough_of(x, t, source)
        self._walkthrough, self._apply_command = w, None
        self._position = max(-1, min(position, len(w.steps) - 1))
        self.walkthroughChanged.emit()
        return w

    def return_to_previous(self) -> None:
        """Show the update finished just before this one again, at its last step (still applied)."""
        update = self._last_update() if self._position == -1 else None
        if update is None:
            return
        self._walkthrough, self._apply_command = update.walkthrough, update
        self._position = len(update.walkthrough.steps) - 1
        self.walkthroughChanged.emit()

    def discard_walkthrough(self) -> None:
        """Forget the walkthrough (the network changed under it); the next step recomputes it."""
        self._forget_walkthrough(signal=True)

    def _forget_walkthrough(self, signal: bool = False) -> None:
        shown = self._walkthrough is not None or self._position != -1
        self._walkthrough = None
        self._apply_command = None
        self._position = -1
        if signal and shown:
            self.walkthroughChanged.emit()

    def _apply(self) -> bool:
        """Apply the shown walkthrough's update as one undoable command; False (and ``problem``) if it
        cannot be applied."""
        w = self._walkthrough
        refusal = _refusal(w)
        if refusal:
            self.problem.emit("Update not applied", refusal)
            return False
        with self.undo_stack.change():
            before = self.snapshot()
            with np.errstate(over="ignore", invalid="ignore"):  # a gradient of 1e200 has the norm ∞
                self.trainer.apply(w)
            command = UpdateCommand(self, f"Update {w.iteration + 1}", before, self.snapshot(), w)
            self._apply_command = command
            self.undo_stack.push(command)  # (its first redo does nothing: the update is applied)
        self.valuesChanged.emit()
        self.historyChanged.emit()
        self.edited.emit(ReplaceState())
        return True

    def _unapply(self) -> None:
        command = self._apply_command
        with self.undo_stack.change():
            stack = self.undo_stack
            if stack.index() > 0 and stack.command(stack.index() - 1) is command:
                stack.undo()
            else:  # not on top any more: put the state back without touching the stack
                command.undo()


def _refusal(w: Walkthrough) -> str:
    """Why an update cannot be applied (its loss or new weights are not finite), or ''."""
    def finite(arrays: list[Array | None]) -> bool:
        return all(a is None or bool(np.isfinite(a).all()) for a in arrays)

    if not math.isfinite(float(w.loss)):
        what = f"the loss is {float(w.loss)}"
    elif not (finite(w.weights_after) and finite(w.biases_after)):
        what = "the new weights would not be finite numbers"
    else:
        return ""
    return (f"Update {w.iteration + 1} cannot be applied: {what}. The learning rate "
            f"(η = {w.learning_rate:g}) is probably far too high: undo the last updates or lower it.")
