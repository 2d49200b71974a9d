"""A growing x/y series with bounded memory, for the live plots and the record of a training run."""

from __future__ import annotations

import numpy as np

Array = np.ndarray

#: the most points a series keeps
SERIES_CAP = 200_000


class Series:
    """x (iteration, float64) and one or more y columns, growing, with bounded memory.

    Each column is stored contiguously (``y`` is a transposed view, shape (n, columns)): a plot
    decimates one column of 200,000 points in a tenth of a millisecond, a row-major copy would take
    ten times that."""

    def __init__(self, columns: int = 1, cap: int = SERIES_CAP):
        self.cap = max(16, int(cap))
        self.columns = columns
        self.n = 0
        self._x = np.empty(1024)
        self._y = np.empty((columns, 1024))

    @property
    def x(self) -> Array:
        return self._x[: self.n]

    @property
    def y(self) -> Array:
        """Shape (n, columns); ``y[:, c]`` is contiguous."""
        return self._y[:, : self.n].T

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
            size = min(max(len(self._x) * 2, self.n + k), self.cap)  # (never more than the cap)
            self._x = np.concatenate([self._x[: self.n], np.empty(size - self.n)])
            y_new = np.empty((self.columns, size))
            y_new[:, : self.n] = self._y[:, : self.n]
            self._y = y_new
        self._x[self.n:self.n + k] = x
        self._y[:, self.n:self.n + k] = y.T
        self.n += k

    def _decimate_old_half(self) -> None:
        half = (self.n // 2) & ~1  # an even number of old points, averaged in pairs
        if half < 2:
            self.n = 0
            return
        xs = self._x[:half:2].copy()
        a, b = self._y[:, :half:2], self._y[:, 1:half:2]
        with np.errstate(invalid="ignore"):  # a pair with one NaN (no value there) keeps the other
            ys = np.where(np.isnan(a), b, np.where(np.isnan(b), a, 0.5 * (a + b)))
        m = half // 2
        rest = self.n - half
        self._x[:m] = xs
        self._y[:, :m] = ys
        self._x[m:m + rest] = self._x[half:self.n]
        self._y[:, m:m + rest] = self._y[:, half:self.n]
        self.n = m + rest
