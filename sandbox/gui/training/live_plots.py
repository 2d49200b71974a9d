"""Live curves for the window's ``lossPlot`` and ``gradientPlot`` (pyqtgraph PlotWidgets).

The plot widgets belong to the window; these classes add their curves to them and feed them from
training reports (≤ ~30 a second) and from the document's history (walkthrough updates, undo).
Data live in growing float64 buffers; once a series holds ``cap`` points its older half is
halved in resolution (pairs averaged), so memory stays bounded however long training runs, while
the recent past keeps every iteration. ``setClipToView`` and peak downsampling keep drawing fast.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from sandbox.engine import Trainer

from ..palette import LAYER_COLORS
from .worker import TrainingReport

Array = np.ndarray

#: the most points a series keeps
SERIES_CAP = 200_000
#: a log axis cannot show 0: losses and norms are drawn at least this high
FLOOR = 1e-300


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
        if k > self.cap // 2:  # a huge batch: keep its last part only (decimated)
            step = int(np.ceil(k / (self.cap // 2)))
            x, y = x[::step], y[::step]
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


def _pen(color: str, width: float = 1.5, alpha: int = 255) -> pg.mkPen:
    c = QColor(color)
    c.setAlpha(alpha)
    return pg.mkPen(c, width=width)


def _prepare(plot: pg.PlotWidget, left: str, bottom: str = "iteration") -> pg.PlotItem:
    item = plot.getPlotItem()
    item.setClipToView(True)
    item.setDownsampling(auto=True, mode="peak")
    item.setLogMode(x=False, y=True)
    item.showGrid(x=True, y=True, alpha=0.2)
    item.setLabel("left", left)
    item.setLabel("bottom", bottom)
    if item.legend is None:
        item.addLegend(offset=(-10, 10), labelTextSize="8pt")
    return item


def _positive(y: Array) -> Array:
    return np.maximum(np.nan_to_num(y, nan=FLOOR, posinf=1e300), FLOOR)


class LossCurves:
    """Batch loss per iteration, the whole training and test sets' loss, and the epoch ends."""

    def __init__(self, plot: pg.PlotWidget, cap: int = SERIES_CAP):
        self.plot = plot
        self.item = _prepare(plot, "loss")
        self.batch = Series(1, cap)
        self.evaluation = Series(2, max(16, cap // 10))
        self.epochs = Series(1, max(16, cap // 10))
        self.batches_per_epoch = 1
        self.batch_curve = self.item.plot(name="batch loss", pen=_pen("#94a3b8", 1.0))
        self.train_curve = self.item.plot(name="training set", pen=_pen("#1f77c4", 2.0))
        self.test_curve = self.item.plot(name="test set", pen=_pen("#f08a24", 2.0))
        self.epoch_marks = self.item.plot(name="epoch end", pen=None, symbol="t1", symbolSize=6,
                                          symbolPen=None, symbolBrush=QColor("#0f9d6b"))
        for curve in (self.batch_curve, self.train_curve, self.test_curve):
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
        self.updates = 0

    def clear(self) -> None:
        for s in (self.batch, self.evaluation, self.epochs):
            s.clear()
        self.redraw()

    def add_report(self, report: TrainingReport) -> None:
        first = report.first_iteration
        if first < self.batch.last_x + 1:
            for s in (self.batch, self.evaluation, self.epochs):
                s.truncate_from(first)
        n = len(report.losses)
        self.batch.append(np.arange(first, first + n, dtype=np.float64), report.losses)
        if report.evaluation is not None:
            it, train, test = report.evaluation
            self.evaluation.truncate_from(it)
            self.evaluation.append([it], [[train, test]])
        self.batches_per_epoch = report.batches_per_epoch
        if report.batches_per_epoch > 1 and report.epoch_ends:
            ends = np.asarray(report.epoch_ends, dtype=np.float64)
            self.epochs.append(ends, ends)
        self.redraw()

    def load_history(self, trainer: Trainer) -> None:
        """Show the trainer's own history (after an undo, a walkthrough update, another network)."""
        history = trainer.history
        first = trainer.iteration - history.count
        for s in (self.batch, self.evaluation, self.epochs):
            s.truncate_from(first)
        self.batch.append(np.arange(first, trainer.iteration, dtype=np.float64), history.loss)
        self.batches_per_epoch = trainer.batches_per_epoch
        self.redraw()

    def redraw(self) -> None:
        b = self.batch
        self.batch_curve.setData(b.x, _positive(b.y[:, 0]))
        e = self.evaluation
        self.train_curve.setData(e.x, _positive(e.y[:, 0]))
        test = e.y[:, 1]
        if e.n and np.isfinite(test).any():
            self.test_curve.setData(e.x, _positive(test))
        else:
            self.test_curve.setData([], [])
        if self.batches_per_epoch > 1 and self.epochs.n and b.n:
            ex = self.epochs.x
            idx = np.clip(np.searchsorted(b.x, ex - 1), 0, b.n - 1)
            self.epoch_marks.setData(ex, _positive(b.y[idx, 0]))
        else:
            self.epoch_marks.setData([], [])
        self.updates += 1


class GradientCurves:
    """The norm of each layer's weight gradient per iteration, log scale, one colour per layer."""

    def __init__(self, plot: pg.PlotWidget, cap: int = SERIES_CAP):
        self.plot = plot
        self.item = _prepare(plot, "‖∂E/∂W‖")
        self.cap = cap
        self.series = Series(1, cap)
        self.curves: list[pg.PlotDataItem] = []
        self.updates = 0

    def set_layers(self, names: list[str]) -> None:
        """One curve per layer (``names`` as the legend shows them); the data start over."""
        if [c.name() for c in self.curves] == names:
            return
        for curve in self.curves:
            self.item.removeItem(curve)
        self.curves = []
        for l, name in enumerate(names):
            curve = self.item.plot(name=name, pen=_pen(LAYER_COLORS[l % len(LAYER_COLORS)], 1.5))
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
            self.curves.append(curve)
        self.series = Series(len(names), self.cap)

    def clear(self) -> None:
        self.series.clear()
        self.redraw()

    def add_report(self, report: TrainingReport) -> None:
        norms = report.weight_grad_norms
        if norms.ndim != 2 or norms.shape[1] != self.series.columns:
            return
        first = report.first_iteration
        self.series.truncate_from(first)
        self.series.append(np.arange(first, first + len(norms), dtype=np.float64), norms)
        self.redraw()

    def load_history(self, trainer: Trainer) -> None:
        history = trainer.history
        norms = history.weight_grad_norms
        if norms.shape[1] != self.series.columns:
            return
        first = trainer.iteration - history.count
        self.series.truncate_from(first)
        self.series.append(np.arange(first, trainer.iteration, dtype=np.float64), norms)
        self.redraw()

    def redraw(self) -> None:
        s = self.series
        for l, curve in enumerate(self.curves):
            curve.setData(s.x, _positive(s.y[:, l]))
        self.updates += 1


def layer_names(network) -> list[str]:
    """Legend names: "layer 1 (h1…)" with the file's numbering (0 is the input layer)."""
    names = []
    last = network.depth
    for l, layer in enumerate(network.layers, start=1):
        kind = "output" if l == last else "hidden"
        names.append(f"layer {l} ({kind}, {layer.activation})")
    return names
