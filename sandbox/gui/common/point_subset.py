"""A bounded, representative subset of a data set's rows for scatter plots.

A plot of a million points costs memory and time per point and shows no more than one of a few
thousand: the views draw at most ``MAX_POINTS`` rows, drawn with a fixed seed (the same rows on every
redraw of the same data), in proportion to each class's share when there are classes (every class
keeps at least one point), and say so in the plot (``caption``).
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray

#: the most points a scatter plot draws
MAX_POINTS = 5000
#: the seed of the rows drawn (fixed: the same data shows the same points)
SUBSET_SEED = 20240610


def subset_indices(count: int, limit: int = MAX_POINTS, classes: Array | None = None,
                   seed: int = SUBSET_SEED) -> Array:
    """Sorted row indices, at most ``limit`` of ``count`` (all of them when ``count <= limit``).
    ``classes``: one integer class per row; each class gets its share of the points (at least one)."""
    if count <= limit:
        return np.arange(count)
    rng = np.random.default_rng(seed)
    if classes is None or len(classes) != count:
        return np.sort(rng.choice(count, size=limit, replace=False))
    values, inverse, counts = np.unique(classes, return_inverse=True, return_counts=True)
    quotas = _quotas(counts, limit)
    order = np.argsort(inverse, kind="stable")  # rows grouped by class, in file order within a class
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    chosen = [order[start + rng.choice(n, size=q, replace=False)]
              for start, n, q in zip(starts, counts, quotas) if q > 0]
    return np.sort(np.concatenate(chosen)) if chosen else np.arange(0)


def _quotas(counts: Array, limit: int) -> Array:
    """Each class's number of points: proportional to its size (largest remainders), at least one."""
    total = int(counts.sum())
    exact = counts * (limit / total)
    quotas = np.minimum(np.maximum(np.floor(exact).astype(np.int64), 1), counts)
    left = limit - int(quotas.sum())
    if left > 0:
        room = counts - quotas
        for i in np.argsort(-(exact - np.floor(exact)), kind="stable"):
            if left <= 0:
                break
            extra = int(min(room[i], left))
            quotas[i] += extra
            left -= extra
    while quotas.sum() > limit:  # more classes than points: the largest give one back
        i = int(np.argmax(quotas))
        quotas[i] -= 1
    return quotas


def class_of(targets: Array, threshold: float) -> Array:
    """Each row's class as the plots colour it: its first target above ``threshold`` (1) or not (0);
    the largest output's index for several outputs."""
    if targets.ndim != 2 or targets.shape[1] == 0:
        return np.zeros(len(targets), dtype=np.int64)
    if targets.shape[1] == 1:
        return (targets[:, 0] > threshold).astype(np.int64)
    return np.argmax(np.nan_to_num(targets, nan=-np.inf), axis=1).astype(np.int64)


def caption(shown: int, total: int, what: str = "points") -> str:
    """``showing 5,000 of 1,000,000 points`` (empty when every point is shown)."""
    if shown >= total:
        return ""
    return f"showing {shown:,} of {total:,} {what}"
