"""The open document: one experiment, its trainer, its undo stack and the walkthrough being shown.

``Document`` is the model every view of the window subscribes to. It never computes a number
itself: forward values come from ``Network.forward``, everything of an update from the engine's
``Walkthrough``.

Signals
-------
``structureChanged``   a different experiment (or network shape) is shown: rebuild everything
``valuesChanged``      weights, biases, inputs or targets changed: forward values are new
``settingsChanged``    loss, optimizer, batching or other settings changed
``historyChanged``     the trainer's history (loss and gradient norms per iteration) changed
``walkthroughChanged`` the walkthrough or the position in it changed
``modifiedChanged``    (bool) the document differs from the file on disk, or no longer does
``pathChanged``        (object: Path | None) the file the document belongs to

For the training view (issue 5): run the trainer inside ``record_change(text)``::

    with document.record_change("Train 200 iterations"):
        ...  # change document.trainer / the network in place
    # -> one undoable command, valuesChanged + historyChanged emitted

or, when the work happened elsewhere (a worker on a copy), take ``snapshot()`` before, bring the
results in, and call ``push_state_change(text, before)``.

The undo stack (``UndoStack``) lets one guard, the training session, act before and after every
push, undo and redo: while training runs, the training done so far becomes its own command first,
so commands stay in the order things happened.
"""

from __future__ import annotations

import copy
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Protocol

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from sandbox.engine import Experiment, ForwardPass, Trainer, Walkthrough

Array = np.ndarray


class StackGuard(Protocol):
    """What ``UndoStack`` calls around every change it makes (see ``UndoStack.change``)."""

    def before_stack_change(self) -> bool:
        """Before the change; True if the guard pushed a command of its own."""

    def after_stack_change(self) -> None:
        """After the change."""


class UndoStack(QUndoStack):
    """A QUndoStack whose ``push``, ``undo`` and ``redo`` (and the document's own changes that push)
    run inside ``change()``: the guard, if one is set, acts first and afterwards.

    While training runs, the guard (the training session) pushes the training done so far as its
    own "Train N iterations" command before anything else lands on the stack, and starts a new run
    afterwards. An undo then takes back that training together with the command the user sees in
    the Undo menu item (the training went on from that command's result)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.guard: StackGuard | None = None
        self._depth = 0

    @contextmanager
    def change(self) -> Iterator[bool]:
        """One change of the document through the stack: the guard runs once around the outermost
        one. Yields True if the guard pushed a command before it."""
        guard = self.guard if self._depth == 0 else None
        self._depth += 1
        try:
            pushed = bool(guard.before_stack_change()) if guard is not None else False
            yield pushed
        finally:
            self._depth -= 1
            if guard is not None:
                guard.after_stack_change()

    def push(self, command) -> None:  # noqa: D102 - QUndoStack's
        with self.change():
            super().push(command)

    def undo(self) -> None:  # noqa: D102 - QUndoStack's
        with self.change() as pushed:
            if pushed:
                super().undo()  # the training just recorded goes with the command below it
            super().undo()

    def redo(self) -> None:  # noqa: D102 - QUndoStack's
        with self.change():
            super().redo()


@dataclass
class TrainerSnapshot:
    """Everything an update or a training run changes: weights, biases, optimizer, counters, history."""

    network_state: tuple[list[Array], list[Array | None]]
    optimizer_state: list[dict[str, Array]]
    optimizer_steps: int
    iteration: int
    epoch: int
    batch_in_epoch: int
    history: object  # the trainer's History (append-only buffers: keeping the object is enough)
    history_count: int


class Document(QObject):
    """An experiment being looked at and edited; see the module docstring for the signals."""

    structureChanged = Signal()
    valuesChanged = Signal()
    settingsChanged = Signal()
    historyChanged = Signal()
    walkthroughChanged = Signal()
    modifiedChanged = Signal(bool)
    pathChanged = Signal(object)

    def __init__(self, experiment: Experiment, path: Path | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = UndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self.experiment = experiment
        self.trainer = Trainer(experiment)
        self.path: Path | None = Path(path) if path is not None else None
        self._walkthrough: Walkthrough | None = None
        self._position = -1
        self._apply_command = None  # the command that applied the shown walkthrough, if any
        self._previous = None  # (walkthrough, command) of the update finished just before this one
        self._keep_walkthrough = False

    def _on_clean_changed(self, clean: bool) -> None:
        self.modifiedChanged.emit(not clean)

    # ---- the document as a whole -------------------------------------------------------------
    def replace(self, experiment: Experiment, path: Path | None) -> None:
        """Show another experiment (a file opened, a template): fresh trainer, empty undo stack."""
        self.experiment = experiment
        self.trainer = Trainer(experiment)
        self._walkthrough = None
        self._position = -1
        self._apply_command = None
        self._previous = None
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.set_path(path)
        self.structureChanged.emit()
        self.valuesChanged.emit()
        self.historyChanged.emit()
        self.walkthroughChanged.emit()
        self.modifiedChanged.emit(False)

    @property
    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def set_path(self, path: Path | None) -> None:
        self.path = Path(path) if path is not None else None
        self.pathChanged.emit(self.path)

    def mark_saved(self, path: Path) -> None:
        """The document was written to ``path``: it is clean now and belongs to that file."""
        self.undo_stack.setClean()
        self.set_path(path)

    @property
    def display_name(self) -> str:
        return self.path.name if self.path is not None else (self.experiment.name or "untitled")

    # ---- what is shown when no walkthrough is running ----------------------------------------
    @property
    def sample_index(self) -> int:
        """Row of the training data whose values are shown: sample 0 of the next batch."""
        indices = np.arange(self.trainer.n_samples)[self.trainer.batch_indices()]
        return int(indices[0])

    def sample_inputs(self) -> Array:
        return self.experiment.data.inputs[self.sample_index]

    def sample_targets(self) -> Array:
        return self.experiment.data.targets[self.sample_index]

    def forward(self) -> ForwardPass:
        """The engine's forward pass of the shown sample through the current weights."""
        return self.experiment.network.forward(self.sample_inputs())

    def current_loss(self) -> float | None:
        """The last recorded batch loss, or None before the first iteration."""
        history = self.trainer.history
        return float(history.loss[-1]) if history.count else None

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
        the update (one undoable command); going back from there takes it back."""
        w = self.ensure_walkthrough()
        last = len(w.steps) - 1
        position = max(-1, min(position, last))
        if position == self._position:
            return
        if self.applied and position < last:
            self._unapply()
        self._position = position
        if position == last and not self.applied:
            self._apply()
        self.walkthroughChanged.emit()

    def next_walkthrough(self) -> None:
        """Leave a finished (applied) walkthrough: the next batch's update starts, nothing shown yet."""
        self._previous = (self._walkthrough, self._apply_command) if self.applied else None
        self._walkthrough = None
        self._apply_command = None
        self._position = -1
        self.ensure_walkthrough()
        self.walkthroughChanged.emit()

    def can_return(self) -> bool:
        """Nothing of this update shown yet, and the previous update can be shown again as it ended."""
        if self._previous is None or self._position != -1:
            return False
        return self.undo_stack.command(self.undo_stack.index() - 1) is self._previous[1]

    def return_to_previous(self) -> None:
        """Show the update finished just before this one again, at its last step (still applied)."""
        if not self.can_return():
            return
        self._walkthrough, self._apply_command = self._previous
        self._previous = None
        self._position = len(self._walkthrough.steps) - 1
        self.walkthroughChanged.emit()

    def discard_walkthrough(self) -> None:
        """Forget the walkthrough (the network changed under it); the next step recomputes it."""
        self._previous = None
        if self._walkthrough is None and self._position == -1:
            return
        self._walkthrough = None
        self._apply_command = None
        self._position = -1
        self.walkthroughChanged.emit()

    def _apply(self) -> None:
        from .commands import ApplyStateCommand

        w = self._walkthrough
        with self.undo_stack.change():
            before = self.snapshot()
            self.trainer.apply(w)
            command = ApplyStateCommand(self, f"Update {w.iteration + 1}", before, self.snapshot())
            self._apply_command = command
            with self._keeping_walkthrough():
                self.undo_stack.push(command)
                self.valuesChanged.emit()
                self.historyChanged.emit()

    def _unapply(self) -> None:
        command = self._apply_command
        self._apply_command = None
        with self.undo_stack.change(), self._keeping_walkthrough():
            top = self.undo_stack.command(self.undo_stack.index() - 1)
            if top is command:
                self.undo_stack.undo()
            else:  # not on top any more: put the state back without touching the stack
                command.undo()

    @contextmanager
    def _keeping_walkthrough(self) -> Iterator[None]:
        self._keep_walkthrough = True
        try:
            yield
        finally:
            self._keep_walkthrough = False

    # ---- changes, called by the undo commands ------------------------------------------------
    def values_edited(self) -> None:
        """Weights, biases or data were changed in place: drop the walkthrough, tell the views."""
        if not self._keep_walkthrough:
            self.discard_walkthrough()
        self.valuesChanged.emit()

    def value_at(self, where: tuple) -> float:
        """The number at ``where``: ("weight", l, j, k), ("bias", l, j), ("input", row, k) or
        ("target", row, j); ``l`` counts layers as the file does (1 = first after the inputs)."""
        array, index = self._locate(where)
        return float(array[index])

    def set_value_at(self, where: tuple, value: float) -> None:
        """Change one number in place (commands call this; use ``edit_value`` for an undoable edit)."""
        array, index = self._locate(where)
        array[index] = value
        self.values_edited()

    def edit_value(self, where: tuple, value: float) -> None:
        """An undoable edit of one weight, bias, input or target."""
        from .commands import SetValueCommand

        if self.value_at(where) == float(value):
            return
        self.undo_stack.push(SetValueCommand(self, where, float(value)))

    def _locate(self, where: tuple) -> tuple[Array, tuple]:
        kind = where[0]
        net = self.experiment.network
        if kind == "weight":
            _, l, j, k = where
            return net.layers[l - 1].weights, (j, k)
        if kind == "bias":
            _, l, j = where
            biases = net.layers[l - 1].biases
            if biases is None:
                raise KeyError(f"layer {l} has no biases")
            return biases, (j,)
        if kind == "input":
            _, row, k = where
            return self.experiment.data.inputs, (row, k)
        if kind == "target":
            _, row, j = where
            return self.experiment.data.targets, (row, j)
        raise KeyError(f"unknown place {where!r}")

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

    def restore(self, snap: TrainerSnapshot) -> None:
        """Put the trainer back to ``snap`` (used by undo/redo); emits the change signals."""
        t = self.trainer
        t.network.set_state(snap.network_state)
        t.optimizer.state = copy.deepcopy(snap.optimizer_state)
        t.optimizer.steps_taken = snap.optimizer_steps
        t.iteration, t.epoch, t.batch_in_epoch = snap.iteration, snap.epoch, snap.batch_in_epoch
        t.history = snap.history
        t.configure()  # batches are recomputed for the restored epoch
        t.history.count = snap.history_count
        self.values_edited()
        self.historyChanged.emit()

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
        """The trainer state changed since ``before``: record it as one undoable command."""
        from .commands import ApplyStateCommand

        self.undo_stack.push(ApplyStateCommand(self, text, before, self.snapshot()))
        self.values_edited()
        self.historyChanged.emit()
