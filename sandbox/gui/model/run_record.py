"""What a training run showed beyond the engine's ``History``: the whole training and test sets' losses
(one point per report) and the epoch ends, by iteration.

The record belongs to the trainer's ``History`` object (a weak key: it lives as long as the history
does), so that an undo, which puts a trainer and its history back, also puts back the curves drawn
from them: the plots then show what the document's history holds, batch losses and whole-set losses
alike. The session records every report it copies into the document.
"""

from __future__ import annotations

import weakref

import numpy as np

from sandbox.gui.model.series import Series

#: the most points each record keeps (older ones are thinned, as in the plots)
RECORD_CAP = 20_000
#: the columns of ``RunRecord.evaluations``: train and test loss, their objectives, train and test accuracy
EVALUATION_COLUMNS = 6


class RunRecord:
    """Whole-set losses ``evaluations`` (x: iteration; y: training loss, test loss or nan, then their
    objectives E = L + λR(θ), nan without regularization, then the training and test accuracy, nan when
    the network is not a classifier) and ``epochs`` (x: the iteration an epoch ended after; y: how many
    epochs were done then)."""

    def __init__(self, cap: int = RECORD_CAP):
        self.evaluations = Series(EVALUATION_COLUMNS, cap)
        self.epochs = Series(1, cap)

    def add_report(self, report) -> None:
        """A report copied into the document: what it says from its first iteration on replaces what
        the record held there (training went on from an earlier point after an undo)."""
        after = report.first_iteration + 1
        self.evaluations.truncate_from(after)
        self.epochs.truncate_from(after)
        ends = np.asarray(report.epoch_ends, dtype=np.float64)
        done = report.epoch - np.arange(len(ends) - 1, -1, -1, dtype=np.float64)
        self.epochs.append(ends, done)
        if report.evaluation is not None:
            it, train, test = report.evaluation
            objective = report.evaluation_objective or (float("nan"), float("nan"))
            accuracy = getattr(report, "evaluation_accuracy", None) or (float("nan"), float("nan"))
            self.evaluations.truncate_from(it)
            self.evaluations.append([it], [[train, test, *objective, *accuracy]])


_records: weakref.WeakKeyDictionary[object, RunRecord] = weakref.WeakKeyDictionary()


def record_of(history, create: bool = False) -> RunRecord | None:
    """The record kept with ``history`` (a new one if ``create``, else None when there is none)."""
    record = _records.get(history)
    if record is None and create:
        record = _records[history] = RunRecord()
    return record


def move_record(old_history, new_history) -> None:
    """``new_history`` replaces ``old_history`` (a trimmed copy): the record goes with it."""
    record = _records.get(old_history)
    if record is not None:
        _records[new_history] = record


def saved_history_of(trainer):
    """The history a file saves for ``trainer`` (``Trainer.saved_history``): its batch losses and the whole-set
    evaluations its record holds (training and test loss and accuracy), after what it was loaded with."""
    record = record_of(trainer.history)
    evaluations = None
    if record is not None and record.evaluations.n:
        first = trainer.iteration - trainer.history.count
        x, y = record.evaluations.x, record.evaluations.y
        keep = (x >= first) & (x <= trainer.iteration)
        evaluations = np.column_stack([x[keep], y[keep][:, :2], y[keep][:, 4:6]])
    return trainer.saved_history(evaluations)
