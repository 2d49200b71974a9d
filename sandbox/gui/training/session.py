"""Live training of a document: the bridge between the ``Document`` and the training worker.

Starting gives the worker a copy of the document's trainer (counters and optimizer state included).
While training runs, the worker owns the engine state; each report (at most 20 a second) is handed to
``Document.take_report``, which copies it in and tells the views. An edit the user makes meanwhile
changes the document first, as always; the document says what it changed (``Document.edited``: the
engine's typed ``SetValue`` / ``ChangeSettings`` / ``SetLearningRate``, or ``ReplaceState`` for a
whole new state), and the session posts that same edit to the worker, which applies it between two
iterations (a whole new state: the worker takes a fresh copy). Reports made before the worker had
applied the latest edits bring their counters and losses but not their weights; reports about a
trainer the worker no longer holds are dropped (``TrainingController``).

Every training run ends as one undoable command ("Train N iterations"). The session guards the
document's undo stack (``UndoStack.guard``): before the user's command is pushed, undone or redone
while training runs, the training done so far becomes its own command, and a new run begins after
it, so the stack holds everything in the order it happened.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from sandbox.engine.edits import Change, ReplaceState
from sandbox.gui.model.document import Document, TrainerSnapshot
from sandbox.gui.training.controller import TrainingController
from sandbox.gui.training.worker import Divergence, Start, TrainEpoch, TrainingReport

#: how long pausing waits for the worker's report of its paused state (it comes between two
#: iterations: at once, unless an iteration is very long; then the last report stands)
HAND_OVER_MS = 200


class TrainingSession(QObject):
    """Trains ``document`` in a worker thread; see the module docstring."""

    #: training started (True) or stopped/paused (False), whatever the reason
    runningChanged = Signal(bool)
    #: something the user must be told (divergence, an error in the worker), as plain text
    messageRaised = Signal(str, str)  # title, text

    def __init__(self, document: Document, parent: QObject | None = None,
                 controller: TrainingController | None = None):
        super().__init__(parent)
        self.document = document
        self.controller = controller or TrainingController(self)
        self.controller.reportReady.connect(self._on_report)
        self.controller.diverged.connect(self._on_diverged)
        self.controller.errorOccurred.connect(self._on_error)
        document.edited.connect(self._on_edited)
        document.undo_stack.guard = self
        self._running = False
        #: the document's state when this run (or the part of it since the last command) began
        self._run_start: TrainerSnapshot | None = None
        self.last_divergence: Divergence | None = None
        self.last_error: str | None = None

    # ---- the user's commands ---------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._running

    @property
    def latest(self) -> TrainingReport | None:
        """The last report the document took in (None since its state was last replaced)."""
        return self.document.latest_report

    def set_running(self, running: bool) -> None:
        if running:
            self.start()
        else:
            self.pause()

    def start(self) -> None:
        """Train continuously from the document's state."""
        if self._running:
            return
        self._begin(Start())

    def step_epoch(self) -> None:
        """Train to the end of the current epoch in the worker, then pause."""
        if self._running:
            self.controller.step_epoch()
        else:
            self._begin(TrainEpoch())

    def pause(self) -> None:
        """Pause: the worker's state at the pause is taken in (or, if it is in the middle of a very long
        iteration, the last report's), and the run becomes its undoable command."""
        if not self._running:
            return
        self.controller.hand_over(HAND_OVER_MS)  # (its report, if it came, may have ended the run)
        if self._running:
            self._end()

    def pause_and_record(self) -> None:
        """Before the document is replaced or the window closes: training pauses and the run so far
        becomes its "Train N iterations" command, so the document knows it has unsaved changes."""
        self.pause()

    def shutdown(self, timeout_ms: int = 500) -> bool:
        """Stop the worker's thread, waiting for it at most ``timeout_ms``; True if it ended."""
        self._set_running(False)
        self._run_start = None
        if self.document.undo_stack.guard is self:
            self.document.undo_stack.guard = None
        return self.controller.shutdown(timeout_ms)

    # ---- runs ---------------------------------------------------------------------------------
    def _begin(self, command: Start | TrainEpoch) -> None:
        """A run begins: the worker takes a copy of the document's trainer and ``command`` together."""
        self.controller.load(self.document.trainer, then=command)
        self._run_start = self.document.snapshot()
        self._set_running(True)

    def _end(self) -> None:
        """The run ends: reports still on their way are dropped, the run becomes its command."""
        self.controller.forget_reports()
        self.controller.pause()
        self._set_running(False)
        self._record_run()

    def _record_run(self) -> bool:
        """The training since the run (or its last part) began becomes one undoable command; True if
        one was pushed."""
        before, self._run_start = self._run_start, None
        if before is None:
            return False
        done = self.document.trainer.iteration - before.iteration
        if done <= 0:
            return False
        self.document.record_training(f"Train {done} iteration{'s' if done != 1 else ''}", before)
        return True

    def _set_running(self, running: bool) -> None:
        if running != self._running:
            self._running = running
            self.runningChanged.emit(running)

    # ---- the undo stack's guard ---------------------------------------------------------------
    def before_stack_change(self, record: bool = True) -> bool:
        """The user's command is about to be pushed or undone: the training since the run (or its last
        part) began becomes its own command first. True if one was pushed. Before a redo (``record``
        False) nothing is recorded: a new command would clear the redo history."""
        if not self._running:
            return False
        if not record:
            self._run_start = None
            return False
        return self._record_run()

    def after_stack_change(self) -> None:
        """The stack has finished: training goes on from the document, as a new part of the run."""
        if self._running:
            self._run_start = self.document.snapshot()

    # ---- the document changed ------------------------------------------------------------------
    @Slot(object)
    def _on_edited(self, change: Change) -> None:
        """An edit of the document: while training, the worker makes the same one (a whole new state:
        it takes a copy). While paused nothing is sent: the next start copies the document."""
        if not self._running:
            return
        if isinstance(change, ReplaceState):
            self.controller.load(self.document.trainer)
        else:
            self.controller.edit(change)

    # ---- reports ------------------------------------------------------------------------------
    @Slot(object)
    def _on_report(self, report: TrainingReport) -> None:
        if not self._running:
            return
        current = report.edits_applied >= self.controller.edits_posted
        self.document.take_report(report, with_state=current)
        if not report.running:  # the worker paused itself (a target reached, divergence, an error)
            self._end()

    @Slot(object)
    def _on_diverged(self, info: Divergence) -> None:
        self.last_divergence = info
        self.messageRaised.emit(
            "Training diverged",
            f"The loss became {info.loss} in iteration {info.iteration + 1}. Training has been paused and the "
            f"weights put back to their last finite values. The learning rate ({info.learning_rate:g}) is "
            f"probably too high: try a lower one.")

    @Slot(str)
    def _on_error(self, message: str) -> None:
        """The worker failed (and paused): the run ends with what the document holds (a report after
        the failure may never come, or bring a broken state)."""
        self.last_error = message
        if self._running:
            self._end()
        self.messageRaised.emit("Training stopped", message)
