"""The training history a network file keeps (its optional ``history`` key), bounded and thinned.

``SavedHistory`` holds the iterations and epochs done when the file was saved, at most
``MAX_HISTORY_POINTS`` batch losses (iteration, loss) and as many whole-set evaluations (iteration,
training loss, test loss, training accuracy, test accuracy; NaN where there is none), evenly thinned
from the run's own numbers. A trainer made for an experiment with one goes on counting from there
(``Trainer``), and the loss plot shows the points again before the new ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

#: the most batch-loss points, and the most evaluations, a file keeps
MAX_HISTORY_POINTS = 2_000
#: columns of ``SavedHistory.evaluations``
EVALUATION_COLUMNS = ("iteration", "train_loss", "test_loss", "train_accuracy", "test_accuracy")


def _empty(columns: int) -> Array:
    return np.zeros((0, columns))


@dataclass
class SavedHistory:
    """Iterations and epochs done, and the thinned points (see the module docstring)."""

    iterations: int = 0
    epochs: int = 0
    #: (n, 2): iteration (counted from 1: the loss of update k is at k), batch loss
    batch: Array = field(default_factory=lambda: _empty(2))
    #: (m, 5): iteration (0: the starting weights), train loss, test loss, train and test accuracy (NaN: none)
    evaluations: Array = field(default_factory=lambda: _empty(len(EVALUATION_COLUMNS)))

    @property
    def is_empty(self) -> bool:
        return self.iterations == 0 and not len(self.batch) and not len(self.evaluations)


def thin(rows: Array, cap: int = MAX_HISTORY_POINTS) -> Array:
    """At most ``cap`` rows, evenly spaced in iteration (column 0), the first and the last always kept: a history
    saved, trained on and saved again keeps its early part as densely as its late part (spaced by row count, each
    save thinned the older sessions again)."""
    n = len(rows)
    if n <= cap:
        return rows
    wanted = np.linspace(rows[0, 0], rows[-1, 0], cap)
    keep = np.unique(np.searchsorted(rows[:, 0], wanted).clip(0, n - 1))
    thinned: Array = rows[keep]
    return thinned


def combine(before: SavedHistory | None, iterations: int, epochs: int, batch: Array,
            evaluations: Array) -> SavedHistory:
    """``before`` (points of an earlier file, if any) followed by this run's ``batch`` and ``evaluations``
    rows (only those after what ``before`` holds), thinned to the cap."""
    batch = np.asarray(batch, dtype=np.float64).reshape(-1, 2)
    evaluations = np.asarray(evaluations, dtype=np.float64).reshape(-1, len(EVALUATION_COLUMNS))
    if before is not None:
        b0 = before.batch[before.batch[:, 0] <= (batch[0, 0] - 1 if len(batch) else iterations)]
        e0 = before.evaluations[before.evaluations[:, 0] < (evaluations[0, 0] if len(evaluations) else iterations + 1)]
        batch = np.vstack([b0, batch]) if len(b0) else batch
        evaluations = np.vstack([e0, evaluations]) if len(e0) else evaluations
    batch = batch[np.isfinite(batch).all(axis=1)] if len(batch) else _empty(2)  # a NaN loss is not kept
    evaluations = evaluations[np.isfinite(evaluations[:, :2]).all(axis=1)] if len(evaluations) else \
        _empty(len(EVALUATION_COLUMNS))
    return SavedHistory(int(iterations), int(epochs), thin(np.asarray(batch, dtype=np.float64)),
                        thin(np.asarray(evaluations, dtype=np.float64)))
