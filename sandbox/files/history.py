"""The optional ``history`` key of a network file: checking it, reading it and writing it.

```
"history": {"iterations": 5789, "epochs": 241,
            "batch_loss": [[1, 0.69], [4, 0.68], …],
            "evaluations": [[0, 0.69, 0.70, 0.5, 0.48], …]}
```

``batch_loss`` rows are ``[iteration, loss]``; ``evaluations`` rows ``[iteration, train loss, test loss,
train accuracy, test accuracy]`` with ``null`` where there is none (no test data, not a classifier). Both
lists hold at most ``MAX_HISTORY_POINTS`` rows, iterations increasing, none beyond ``iterations``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..engine.saved_history import EVALUATION_COLUMNS, MAX_HISTORY_POINTS, SavedHistory
from .checker import Checker, describe, join

HISTORY_KEYS = ("iterations", "epochs", "batch_loss", "evaluations")
#: iterations and epochs: whole numbers that a float64 holds exactly
MAX_COUNT = 2 ** 53


def check_history(c: Checker, value: Any, where: str = "history") -> None:
    """Every problem of a ``history`` entry, each at its place."""
    d = c.obj(value, where, HISTORY_KEYS, ("iterations", "epochs"))
    if d is None:
        return
    iterations = c.integer(d["iterations"], join(where, "iterations"), 0, MAX_COUNT) if "iterations" in d else None
    if "epochs" in d:
        c.integer(d["epochs"], join(where, "epochs"), 0, MAX_COUNT)
    if "batch_loss" in d:
        _check_rows(c, d["batch_loss"], join(where, "batch_loss"), 2, iterations, first=1)
    if "evaluations" in d:
        _check_rows(c, d["evaluations"], join(where, "evaluations"), len(EVALUATION_COLUMNS), iterations, first=0)


def _check_rows(c: Checker, value: Any, where: str, width: int, iterations: int | None, first: int) -> None:
    if not isinstance(value, list):
        c.add(where, f"expected a list of [iteration, …] rows, got {describe(value)}")
        return
    if len(value) > MAX_HISTORY_POINTS:
        c.add(where, f"holds {len(value):,} rows; at most {MAX_HISTORY_POINTS:,} are kept (thin them evenly)")
        return
    previous = first - 1
    for i, row in enumerate(value):
        at = join(where, i)
        if not isinstance(row, list) or len(row) != width:
            c.add(at, f"expected a list of {width} numbers [{', '.join(_names(width))}], got {describe(row)}")
            continue
        it = c.integer(row[0], join(at, 0), first, iterations, "a whole number (the iteration)")
        if it is not None:
            if it <= previous:
                c.add(join(at, 0), f"iterations must increase: {it} comes after {previous}")
            previous = it
        loss = c.number(row[1], join(at, 1))
        if loss is not None and loss < 0:
            c.add(join(at, 1), f"a loss is at least 0, got {row[1]!r}")
        for k in range(2, width):
            if row[k] is None:
                continue
            x = c.number(row[k], join(at, k))
            if x is not None and k >= 3 and not 0.0 <= x <= 1.0:
                c.add(join(at, k), f"an accuracy is between 0 and 1, got {row[k]!r}")
            elif x is not None and x < 0:
                c.add(join(at, k), f"a loss is at least 0, got {row[k]!r}")


def _names(width: int) -> tuple[str, ...]:
    return ("iteration", "loss") if width == 2 else tuple(n.replace("_", " ") for n in EVALUATION_COLUMNS)


def read_history(d: dict[str, Any]) -> SavedHistory:
    """The ``SavedHistory`` of a valid ``history`` entry (``null`` read as NaN)."""
    def rows(key: str, width: int) -> np.ndarray:
        values = [[math.nan if x is None else float(x) for x in row] for row in d.get(key, [])]
        return np.array(values, dtype=np.float64).reshape(-1, width)

    return SavedHistory(int(d["iterations"]), int(d["epochs"]), rows("batch_loss", 2),
                        rows("evaluations", len(EVALUATION_COLUMNS)))


def history_entry(saved: SavedHistory) -> dict[str, Any]:
    """The ``history`` entry of ``saved``: iterations as whole numbers, NaN written as ``null`` (never NaN)."""
    def cell(k: int, x: float) -> int | float | None:
        if not math.isfinite(x):
            return None
        return int(x) if k == 0 else float(x)

    entry: dict[str, Any] = {"iterations": int(saved.iterations), "epochs": int(saved.epochs)}
    batch = [row for row in saved.batch.tolist() if all(math.isfinite(x) for x in row)]
    if batch:
        entry["batch_loss"] = [[cell(k, x) for k, x in enumerate(row)] for row in batch]
    evaluations = [row for row in saved.evaluations.tolist() if math.isfinite(row[0]) and math.isfinite(row[1])]
    if evaluations:
        entry["evaluations"] = [[cell(k, x) for k, x in enumerate(row)] for row in evaluations]
    return entry
