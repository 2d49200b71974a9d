"""The document's undo stack, with one guard that acts around every change of the stack."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoStack


class StackGuard(Protocol):
    """What ``UndoStack`` calls around every change it makes (see ``UndoStack.change``)."""

    def before_stack_change(self, record: bool = True) -> bool:
        """Before the change; True if the guard pushed a command of its own (never when ``record`` is
        False: a redo, which a new command would make impossible)."""

    def after_stack_change(self) -> None:
        """After the change."""


class UndoStack(QUndoStack):
    """A QUndoStack whose ``push``, ``undo`` and ``redo`` (and the document's own changes that push)
    run inside ``change()``: the guard, if one is set, acts first and afterwards.

    While training runs, the guard (the training session) pushes the training done so far as its
    own "Train N iterations" command before anything else lands on the stack, and starts a new run
    afterwards. An undo then takes back that training together with the command the user sees in
    the Undo menu item (the training went on from that command's result). A redo records nothing
    first: it returns to the state after the command it redoes."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.guard: StackGuard | None = None
        self._depth = 0

    @contextmanager
    def change(self, record: bool = True) -> Iterator[bool]:
        """One change of the document through the stack: the guard runs once around the outermost
        one. Yields True if the guard pushed a command before it (``record`` False: it may not)."""
        guard = self.guard if self._depth == 0 else None
        self._depth += 1
        try:
            pushed = bool(guard.before_stack_change(record)) if guard is not None else False
            yield pushed
        finally:
            self._depth -= 1
            if guard is not None:
                guard.after_stack_change()

    def push(self, command: QUndoCommand) -> None:  # noqa: D102 - QUndoStack's
        with self.change():
            super().push(command)

    def undo(self) -> None:  # noqa: D102 - QUndoStack's
        with self.change() as pushed:
            if pushed:
                super().undo()  # the training just recorded goes with the command below it
            super().undo()

    def redo(self) -> None:
        """Redo; while training runs, the training since the last command is not recorded first (a new
        command would clear the redo history): the redo goes back to the state after its command."""
        with self.change(record=False):
            super().redo()
