"""Undoable edits of a document: one number changed, or a whole trainer state (update, training, reset).

Each command says what it changes and calls the document method that makes that change; the
document tells the views and the training worker (``Document.edited``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from sandbox.engine import Walkthrough
from sandbox.engine.edits import Place
from sandbox.engine.numbers import fmt

if TYPE_CHECKING:
    from sandbox.gui.model.document import Document, TrainerSnapshot

_SET_VALUE_ID = 4001


def describe_place(document: Document, where: Place) -> str:
    """A person's name for a place: the weight's label, "input i1", "target y*"."""
    net = document.experiment.network
    kind = where[0]
    if kind == "weight":
        _, l, j, k = where
        return net.layers[l - 1].weight_labels[j][k]
    if kind == "bias":
        _, l, j = where
        return (net.layers[l - 1].bias_labels or [f"b{j + 1}"])[j]
    if kind == "input":
        return f"input {net.input_labels[where[2]]}"
    return f"target {net.layers[-1].labels[where[2]]}*"


class SetValueCommand(QUndoCommand):
    """Set one weight, bias, input or target; consecutive edits of the same number merge."""

    def __init__(self, document: Document, where: Place, value: float):
        super().__init__()
        self.document = document
        self.where = tuple(where)
        self.old = document.value_at(self.where)
        self.new = float(value)
        self._update_text()

    def _update_text(self) -> None:
        name = describe_place(self.document, self.where)
        self.setText(f"Set {name} to {fmt(self.new)}")

    def id(self) -> int:  # noqa: A003 - Qt's name
        return _SET_VALUE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, SetValueCommand) or other.where != self.where:
            return False
        self.new = other.new
        self._update_text()
        return True

    def redo(self) -> None:
        self.document.set_value(self.where, self.new)

    def undo(self) -> None:
        self.document.set_value(self.where, self.old)


class StateCommand(QUndoCommand):
    """A change of the whole trainer state (a training run, a reset), already done when pushed:
    redo puts ``after`` back, undo puts ``before`` back."""

    def __init__(self, document: Document, text: str, before: TrainerSnapshot, after: TrainerSnapshot):
        super().__init__(text)
        self.document = document
        self.before = before
        self.after = after
        self._done = True  # the change has already happened when the command is pushed

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.document.restore(self.after)

    def undo(self) -> None:
        self.document.restore(self.before)


class UpdateCommand(StateCommand):
    """One gradient-descent update stepped through and applied: undo and redo show its walkthrough
    again (at the step before the last, or at the last, applied)."""

    def __init__(self, document: Document, text: str, before: TrainerSnapshot, after: TrainerSnapshot,
                 walkthrough: Walkthrough):
        super().__init__(document, text, before, after)
        self.walkthrough = walkthrough

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.document.restore(self.after, update=self, applied=True)

    def undo(self) -> None:
        self.document.restore(self.before, update=self, applied=False)
