"""A growing x/y series with bounded memory, for the live plots and the record of a training run."""

from __future__ import annotations

import numpy as np

Array = np.ndarray

#: the most points a series keeps
SERIES_CAP = 200_000


class Series:
    """x (iteration, float64) and one or more y columns, growing, with bounded memory."""

    def __init__(self, columns: int = 1, cap: int = SERIES_CAP):
        self.cap = max(16, int(cap))
        self.columns = columns
        self.n = 0
        self._x = np.empty(1024)
        self._y = np.empty((1024, columns))

    @property
    def x(self) -> Array:
        return self._x[: self.n]

    @property
    def y(self) -> Array:
        return self._y[: self.n]

    @property
    def last_x(self) -> float:
        return float(self._x[self.n - 1]) if self.n else -np.inf

    def clear(self) -> None:
        self.n = 0

    def truncate_from(self, x0: float) -> None:
        """Forget every point at x ≥ x0 (training went back to iteration x0)."""
        if self.n and self._x[self.n - 1] >= x0:
            self.n = int(np.searchsorted(self._x[: self.n], x0, side="left"))

    def append(self, x: Array, y: Array) -> None:
        x = np.asarray(x, dtype=np.float64).ravel()
        y = np.asarray(y, dtype=np.float64).reshape(len(x), self.columns)
        k = len(x)
        if k == 0:
            return
        half = self.cap // 2
        if k > half:  # a huge batch: its last part whole, the part before thinned (at most half the cap in all)
            whole = half // 2
            head = k - whole
            step = int(np.ceil(head / (half - whole)))
            x = np.concatenate([x[:head:step], x[head:]])
            y = np.concatenate([y[:head:step], y[head:]])
            k = len(x)
        while self.n + k > self.cap:
            self._decimate_old_half()
        if self.n + k > len(self._x):
            size = max(len(self._x) * 2, self.n + k)
            self._x = np.concatenate([self._x[: self.n], np.empty(size - self.n)])
            self._y = np.concatenate([self._y[: self.n], np.empty((size - self.n, self.columns))])
        self._x[self.n:self.n + k] = x
        self._y[self.n:self.n + k] = y
        self.n += k

    def _decimate_old_half(self) -> None:
        half = (self.n // 2) & ~1  # an even number of old points, averaged in pairs
        if half < 2:
            self.n = 0
            return
        xs = self._x[:half:2].copy()
        ys = 0.5 * (self._y[:half:2] + self._y[1:half:2])
        m = half // 2
        rest = self.n - half
        self._x[:m] = xs
        self._y[:m] = ys
        self._x[m:m + rest] = self._x[half:self.n]
        self._y[m:m + rest] = self._y[half:self.n]
        self.n = m + rest
