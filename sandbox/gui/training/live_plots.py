"""Live curves for the window's ``lossPlot`` and ``gradientPlot`` (pyqtgraph PlotWidgets).

The plot widgets belong to the window; these classes add their curves to them and feed them from
training reports (≤ 20 a second) and from the document's history (walkthrough updates, undo).
Data live in growing float64 buffers; once a series holds ``cap`` points its older half is
halved in resolution (pairs averaged), so memory stays bounded however long training runs, while
the recent past keeps every iteration.

A report only appends to the buffers and marks the curves ``dirty``: the curves are drawn on the
training view's own clock (``redraw``, ``view.PLOT_HZ``), whatever the report rate. A history
(undo, a walkthrough update) is drawn at once. Each redraw hands pyqtgraph at most two points per
bin of about three pixels (``peak_decimate``: each bin's lowest and highest value), with thin,
aliased pens on long curves, so a frame costs about a millisecond a plot however long the run.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem

from sandbox.engine import Trainer
from sandbox.gui.model.run_record import record_of
from sandbox.gui.model.series import SERIES_CAP, Series
from sandbox.gui.training.plots import (
    BATCH_LOSS_COLOR,
    EPOCH_MARK_COLOR,
    TEST_LOSS_COLOR,
    TRAIN_LOSS_COLOR,
    layer_colors,
    set_empty,
    set_legend_columns,
    tidy_log_axis,
)
from sandbox.gui.training.worker import TrainingReport

Array = np.ndarray

#: a log axis cannot show 0: losses and norms are drawn at least this high
FLOOR = 1e-300
#: the y axis shows at most this many decades below the largest value in view: a loss of 1e-30 or
#: 1e-300 (a network that fits exactly) is zero for the eye, and would squeeze the rest into a strip
SHOWN_DECADES = 12.0


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
    if item.legend is None:  # a plain PlotWidget: its legend in the title row, as the window's plots
        legend = pg.LegendItem(offset=None, horSpacing=14, verSpacing=-4, labelTextSize="8pt")
        legend.setParentItem(item)
        legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-6, 1))
        item.legend = legend
        if item.titleLabel.text == "":
            item.setTitle(" ")
        tidy_log_axis(item.getAxis("left"))
    cache_axes(item)
    return item


def cache_axes(item: pg.PlotItem) -> None:
    """Draw the axes (and their grid lines, which cover the whole plot) from a cached pixmap: a curve
    update then repaints the curve, not every tick label again (~3 ms an axis)."""
    for axis in item.axes.values():
        axis["item"].setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


#: above this many points a curve is drawn with a 1-pixel pen: Qt draws wide antialiased zig-zags
#: hundreds of times slower (a noisy 10k-point curve: ~1 s with width 2, ~4 ms with width 1)
THIN_ABOVE = 150


def _fit_pen(curve: pg.PlotDataItem, n: int, width: float, thin_above: int = THIN_ABOVE,
             dense_alpha: int = 255) -> None:
    """A thin, aliased pen for a long curve (its points are a pixel apart anyway), the given width
    and antialiasing for a short one (changed only when it changes). ``dense_alpha`` fades a long,
    noisy curve so that smoother ones drawn over it stand out."""
    dense = n > thin_above
    want = 1.0 if dense else width
    alpha = dense_alpha if dense else 255
    pen = curve.opts.get("pen")
    pen = pg.mkPen(pen) if pen is not None else pg.mkPen("k")
    if pen.widthF() != want or pen.color().alpha() != alpha:
        pen.setWidthF(want)
        color = pen.color()
        color.setAlpha(alpha)
        pen.setColor(color)
        curve.setPen(pen)
    if curve.opts.get("antialias") != (not dense):
        curve.opts["antialias"] = not dense
        curve.curve.opts["antialias"] = not dense


def _fit_symbol(curve: pg.PlotDataItem, dots: bool) -> None:
    """Dots on a short curve (a few updates stepped by hand), none on a long one; set only on change
    (setting a symbol rebuilds the curve's scatter item)."""
    want = "o" if dots else None
    if curve.opts.get("symbol") != want:
        curve.setSymbol(want)


def _positive(y: Array, floor: float = FLOOR) -> Array:
    """``y`` drawable on a log axis: at least ``floor`` (zero, nan and values far below the rest)."""
    floor = max(floor, FLOOR)
    return np.maximum(np.nan_to_num(y, nan=floor, posinf=1e300), floor)


def _in_view(x: Array, x0: float, x1: float) -> tuple[int, int]:
    """The index range of the points of ``x`` (sorted) in [x0, x1], and one more on each side (the
    curve runs on to the plot's edge)."""
    i0 = max(0, int(np.searchsorted(x, x0, side="left")) - 1)
    i1 = min(len(x), int(np.searchsorted(x, x1, side="right")) + 1)
    return i0, i1


def peak_decimate(x: Array, y: Array, x0: float, x1: float, bins: int) -> tuple[Array, Array]:
    """The points of ``x``/``y`` (x sorted) in [x0, x1], at most ``2 * bins`` of them: each bin keeps
    its lowest and its highest value, so spikes stay visible (what pyqtgraph's 'peak' mode does,
    done once here in numpy so that drawing never sees more than a few thousand points).

    ``y`` has one value per point (shape (n,)) or several columns (shape (n, c): the whole training
    and test sets' losses); each column keeps its own lowest and highest value of each bin, at the
    same x, and the result has ``y``'s shape but fewer rows. NaN is ignored (a bin of NaN only stays NaN)."""
    i0, i1 = _in_view(x, x0, x1)
    x, y = x[i0:i1], y[i0:i1]
    n = len(x)
    if n <= 2 * bins:  # copies: the curve keeps what it is given, the series' buffers change
        return x.copy(), y.copy()
    k = int(np.ceil(n / bins))
    m = n // k
    ys = y[: m * k].reshape((m, k) + y.shape[1:])
    lo, hi = np.fmin.reduce(ys, axis=1), np.fmax.reduce(ys, axis=1)
    xo = np.empty(2 * m)  # each bin's low at its first x, its high at its last: the curve ends at the data's end
    xo[0::2], xo[1::2] = x[: m * k: k], x[k - 1: m * k: k]
    yo = np.empty((2 * m,) + y.shape[1:])
    yo[0::2], yo[1::2] = lo, hi
    if m * k < n:  # the last, partial bin: its points as they are
        xo = np.concatenate([xo, x[m * k:]])
        yo = np.concatenate([yo, y[m * k:]])
    return xo, yo


class RangeFollower:
    """Keeps a live plot's view on all its data, in steps, so the axes are redrawn only now and then.

    Once the user pans or zooms, the view stays where they put it; the plot's auto-range button
    ("A") makes it follow the data again.
    """

    def __init__(self, item: pg.PlotItem):
        self.item = item
        self.view: pg.ViewBox = item.getViewBox()
        self.follow = True
        self._range: tuple | None = None
        self._setting = False
        self.view.disableAutoRange()
        self.view.sigRangeChangedManually.connect(self._on_manual)
        self.view.sigStateChanged.connect(self._on_state)

    def _on_manual(self, *_args) -> None:
        self.follow = False

    def _on_state(self, *_args) -> None:
        if self._setting:
            return
        auto = self.view.state.get("autoRange", [False, False])
        if auto[0] or auto[1]:  # the "A" button: follow the data again (we do the ranging)
            self._setting = True
            try:
                self.view.disableAutoRange()
            finally:
                self._setting = False
            self.follow = True
            self._range = None

    def visible_x(self, x_max: float, x_min: float = 0.0) -> tuple[float, float]:
        """The x range in view: from ``x_min`` (the iteration the data start after) to the last point
        while following the data, else where the user put it."""
        if self.follow:
            return x_min, max(x_max, x_min + 1.0)
        (x0, x1), _ = self.view.viewRange()
        return x0, x1

    def forget(self) -> None:
        """The next update sets the range afresh (after the plot showed something else)."""
        self._range = None

    def update(self, x_max: float, y_min: float, y_max: float, x_min: float = 0.0) -> None:
        """``y`` in the plot's own units (log10 for a log axis); the x axis runs from ``x_min`` (where
        the data start: 0, or the iteration of a change of the network's shape) on.

        The range changes in steps and with hysteresis (it grows at once to take new data in, and
        shrinks only once the data fill less than about half of it), so the axes, which are costly
        to redraw, change only now and then while training runs. At most ``SHOWN_DECADES`` decades
        below the largest value are shown."""
        if not self.follow or not (np.isfinite(y_min) and np.isfinite(y_max)):
            return
        y_min = max(y_min, y_max - SHOWN_DECADES)
        x0 = float(x_min)
        x1 = x0 + _nice_ceiling(max(x_max - x0, 1.0))
        y0, y1 = np.floor(y_min * 2) / 2, np.ceil(y_max * 2) / 2  # half decades
        if y1 - y0 < 1.0:  # at least a decade: a few readable labels, and room around the curve
            pad = 0.5 * (1.0 - (y1 - y0))
            y0, y1 = y0 - pad, y1 + pad
        old = self._range
        if old is not None:
            _, _, o0, o1 = old
            keep_low = o0 <= y_min and y0 - o0 <= 1.0
            keep_high = o1 >= y_max and o1 - y1 <= 1.0
            # a growing range grows half a decade further than it must (the next step comes later)
            y0 = o0 if keep_low else (y0 - 0.5 if y0 < o0 else y0)
            y1 = o1 if keep_high else (y1 + 0.5 if y1 > o1 else y1)
        wanted = (x0, x1, y0, y1)
        if wanted != self._range:
            self._range = wanted
            self._setting = True
            try:
                self.view.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.02)
                # the new transform now, not in the next paint (which would then paint twice)
                self.view.updateMatrix()
            finally:
                self._setting = False


def _nice_ceiling(x: float) -> float:
    """The next of 1, 1.5, 2, 3, 4, 5, 7 × 10^k at or above x (at least 10): the axes are redrawn
    only at these steps (each costs a few milliseconds), and at most a third of the plot stays empty."""
    x = max(float(x), 10.0)
    e = 10.0 ** np.floor(np.log10(x))
    for m in (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.0, 10.0):
        if m * e >= x:
            return m * e
    return 10 * e


def _log_span(*arrays: Array) -> tuple[float, float]:
    lo, hi = np.inf, -np.inf
    for a in arrays:
        a = a[np.isfinite(a) & (a > 0)] if len(a) else a
        if len(a):
            lo, hi = min(lo, float(a.min())), max(hi, float(a.max()))
    if not np.isfinite(lo):
        return np.nan, np.nan
    return np.log10(lo), np.log10(hi)


def _bins(plot: pg.PlotWidget) -> int:
    """A third of the plot's width: each bin gives a low and a high point, about a point every
    1.5 pixels (as dense as the eye can tell a noisy curve apart, and a third cheaper to draw)."""
    return max(100, int(plot.width()) // 3)


#: what the loss plot shows: the data loss L, or (with regularization) the objective E = L + λR(θ)
QUANTITY_LABELS = {"loss": "data loss L", "objective": "objective E = L + λR(θ)"}


class LossCurves:
    """Batch loss per iteration, the whole training and test sets' loss, and the epochs (ticks along the
    bottom of the plot). With regularization the plot shows the data loss L or the objective
    E = L + λR(θ) (``quantity``, a view setting; the plot's axis says which); without, the data loss."""

    def __init__(self, plot: pg.PlotWidget, cap: int = SERIES_CAP):
        self.plot = plot
        self.item = _prepare(plot, "loss")
        self.batch = Series(1, cap)
        self.evaluation = Series(2, max(16, cap // 10))
        #: the same iterations' objectives E = L + λR(θ) (the losses themselves without regularization)
        self.batch_objective = Series(1, cap)
        self.evaluation_objective = Series(2, max(16, cap // 10))
        self.regularized = False
        #: shown while regularized: "objective" or "loss"
        self.quantity = "objective"
        changed = getattr(plot, "quantityChanged", None)
        if changed is not None:  # the window's plot has the switch
            changed.connect(self.set_quantity)
        #: x: the iteration an epoch ended after; y: the epochs done then
        self.epochs = Series(1, max(16, cap // 10))
        self.batches_per_epoch = 1
        # the window's own curve (if it has one) shows the batch loss, so that what it reports stays true
        own = getattr(plot, "curve", None)
        self.batch_curve = own if own is not None else self.item.plot(name="batch loss",
                                                                      pen=_pen(BATCH_LOSS_COLOR, 1.5))
        legend = self.item.legend
        if own is not None and legend is not None and not any(sample.item is own for sample, _ in legend.items):
            legend.addItem(own, "batch loss")
        self.train_curve = self.item.plot(name="training set", pen=_pen(TRAIN_LOSS_COLOR, 2.0))
        self.test_curve = self.item.plot(name="test set", pen=_pen(TEST_LOSS_COLOR, 2.0))
        # the epochs: short vertical ticks standing on the bottom of the plot, as on a ruler
        self.epoch_marks = self.item.plot(name=EPOCH_LEGEND, pen=None, symbol="|", symbolSize=EPOCH_TICK_PX,
                                          symbolPen=pg.mkPen(QColor(EPOCH_MARK_COLOR), width=1.5),
                                          symbolBrush=None)
        self.epoch_step = 1  # every epoch_step-th epoch is marked
        self._marks_key: tuple | None = None
        set_legend_columns(plot)
        for curve in (self.batch_curve, self.train_curve, self.test_curve):
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
        self.range = RangeFollower(self.item)
        self.range.view.sigYRangeChanged.connect(lambda *_: self._place_epoch_marks())
        self.updates = 0
        #: data arrived that the curves do not show yet (drawn by the next ``redraw``)
        self.dirty = False
        self._show_label()

    @property
    def shows_objective(self) -> bool:
        """Whether the curves are the objective E = L + λR(θ) (else the data loss L)."""
        return self.regularized and self.quantity == "objective"

    def set_regularized(self, active: bool) -> None:
        """Regularization on or off: the switch between L and E is offered only while it is on."""
        own = getattr(self.plot, "set_regularized", None)
        if own is not None:
            own(active)
        if active != self.regularized:
            self.regularized = active
            self._show_label()
            self.redraw()

    def set_quantity(self, quantity: str) -> None:
        """Show the data loss (``"loss"``) or the objective (``"objective"``) while regularized."""
        own = getattr(self.plot, "set_quantity", None)
        if own is not None:
            own(quantity)
        if quantity != self.quantity:
            self.quantity = quantity
            self._show_label()
            self.redraw()

    def _show_label(self) -> None:
        self.item.setLabel("left", QUANTITY_LABELS["objective" if self.shows_objective else "loss"])

    def _series(self) -> tuple[Series, ...]:
        return (self.batch, self.evaluation, self.epochs, self.batch_objective, self.evaluation_objective)

    def clear(self) -> None:
        for s in self._series():
            s.clear()
        self.redraw()

    def add_report(self, report: TrainingReport) -> None:
        first = report.first_iteration
        for s in self._series():
            s.truncate_from(first + 1)
        n = len(report.losses)
        # the loss of update k (counted from 0) is drawn at x = k + 1, as the window's plot does
        x = np.arange(first + 1, first + n + 1, dtype=np.float64)
        self.batch.append(x, report.losses)
        objectives = getattr(report, "objectives", None)  # (a report of before regularization has none)
        self.batch_objective.append(x, report.losses if objectives is None else objectives)
        if report.evaluation is not None:
            it, train, test = report.evaluation
            objective = getattr(report, "evaluation_objective", None) or (train, test)
            for series, values in ((self.evaluation, (train, test)), (self.evaluation_objective, objective)):
                series.truncate_from(it)
                series.append([it], [list(values)])
        self.batches_per_epoch = report.batches_per_epoch
        ends, done = epoch_ends(report)
        self.epochs.append(ends, done)
        self.dirty = True  # drawn on the view's clock (``redraw``), not per report

    def load_history(self, trainer: Trainer) -> None:
        """Show the trainer's own history (after an undo, a walkthrough update, another network): its
        batch losses, and the whole sets' losses and epochs recorded with it while it trained."""
        history = trainer.history
        first = trainer.iteration - history.count
        for s in (self.batch, self.batch_objective):
            s.truncate_from(first + 1)
        for s in (self.evaluation, self.epochs, self.evaluation_objective):
            s.truncate_from(first)
        saved = getattr(history, "saved", None)  # issue 13: the history saved with the file, before this one
        if saved is not None:
            for rows, series, previous in ((saved.batch, (self.batch, self.batch_objective), self.batch.last_x),
                                           (saved.evaluations, (self.evaluation, self.evaluation_objective),
                                            self.evaluation.last_x)):
                rows = rows[(rows[:, 0] > previous) & (rows[:, 0] <= first)]
                for s in series:
                    s.append(rows[:, 0], rows[:, 1:s.columns + 1])
        x = np.arange(first + 1, trainer.iteration + 1, dtype=np.float64)
        self.batch.append(x, history.loss)
        self.batch_objective.append(x, history.objective)
        record = record_of(history)
        if record is not None:
            # (a whole-set loss at x = first is that of the weights this history starts from)
            keep = (record.evaluations.x >= first) & (record.evaluations.x <= trainer.iteration)
            x, y = record.evaluations.x[keep], record.evaluations.y[keep]
            self.evaluation.append(x, y[:, :2])
            # the objectives (nan where the record has none: recorded without regularization)
            self.evaluation_objective.append(x, y[:, 2:4] if y.shape[1] >= 4 else np.full((len(x), 2), np.nan))
            keep = (record.epochs.x >= first) & (record.epochs.x <= trainer.iteration)
            self.epochs.append(record.epochs.x[keep], record.epochs.y[keep])
        self.batches_per_epoch = trainer.batches_per_epoch
        self.redraw()

    def redraw(self) -> None:
        self.dirty = False
        b, e = (self.batch_objective, self.evaluation_objective) if self.shows_objective else (
            self.batch, self.evaluation)
        empty = b.n == 0 and e.n == 0
        set_empty(self.plot, empty)
        if empty:
            self.range.forget()
        last = max(b.last_x, e.last_x, 1.0)
        start = self.start_x()
        x0, x1 = self.range.visible_x(last, start)
        bins = _bins(self.plot)
        bx, by = peak_decimate(b.x, b.y[:, 0], x0, x1, bins)
        ex, ey = peak_decimate(e.x, e.y, x0, x1, bins) if e.n else (e.x, e.y)
        ey = ey.reshape(-1, 2)
        low, high = _log_span(by, ey.ravel())
        # values far below the largest (1e-30 and less: an exact fit) lie along the bottom of the plot
        floor = 10.0 ** (high - SHOWN_DECADES) if np.isfinite(high) else FLOOR
        _fit_pen(self.batch_curve, b.n, 2.0, dense_alpha=150)
        self.batch_curve.setData(bx, _positive(by, floor))
        _fit_symbol(self.batch_curve, b.n <= 200)
        # the whole sets' losses: wide and smooth while short, a thin aliased pen (opaque, over the faded
        # batch loss) once long (a wide antialiased pen costs as much to draw as all the other curves)
        _fit_pen(self.train_curve, len(ex), 2.0)
        _fit_pen(self.test_curve, len(ex), 2.0)
        self.train_curve.setData(ex, _positive(ey[:, 0], floor))
        test = ey[:, 1]
        if len(ex) and np.isfinite(test).any():
            self.test_curve.setData(ex, _positive(test, floor))
        else:
            self.test_curve.setData([], [])
        self.range.update(last, low, high, x_min=start)
        self._draw_epoch_marks(x0, x1)
        self.updates += 1

    def start_x(self) -> float:
        """The iteration the data start after (0, or where the network last changed shape)."""
        firsts = [s.x[0] for s in (self.batch, self.evaluation) if s.n]
        return max(0.0, float(min(firsts)) - 1.0) if firsts else 0.0

    def _draw_epoch_marks(self, x0: float, x1: float) -> None:
        """A tick at the end of every epoch in view; when they would crowd (closer than
        ``EPOCH_TICK_GAP_PX``), at every 2nd, 5th, 10th, 20th… epoch, so they stay evenly spaced (and
        change only now and then: a scatter plot is costly to rebuild). None in full-batch mode, where
        every iteration is an epoch."""
        ends, done = self.epochs.x, self.epochs.y[:, 0]
        step = 1
        if self.batches_per_epoch > 1 and len(ends) and self.batch.n:
            inside = (ends >= x0) & (ends <= x1)
            ends, done = ends[inside], done[inside]
            most = max(1, int(self.plot.width()) // EPOCH_TICK_GAP_PX)
            while len(ends) / step > most:
                step = _next_step(step)
            keep = np.mod(done, step) == 0
            ends, done = ends[keep], done[keep]
        else:
            ends = ends[:0]
        if step != self.epoch_step:
            self.epoch_step = step
            _rename(self.plot, self.epoch_marks, EPOCH_LEGEND if step == 1 else f"every {ordinal(step)} epoch")
        key = (len(ends), float(ends[0]) if len(ends) else 0.0, float(ends[-1]) if len(ends) else 0.0)
        if key == self._marks_key:
            return
        self._marks_key = key
        self._marks_x = ends
        self._place_epoch_marks(force=True)

    def _place_epoch_marks(self, force: bool = False) -> None:
        """The ticks stand on the bottom of the view, wherever the y range is."""
        ends = getattr(self, "_marks_x", None)
        if ends is None or (not force and not len(ends)):
            return
        if not len(ends):
            self.epoch_marks.setData([], [])
            return
        (_, _), (y0, y1) = self.range.view.viewRange()
        height = max(float(self.range.view.height()), 1.0)
        y = y0 + (y1 - y0) * (0.5 * EPOCH_TICK_PX + 1) / height  # in log units: the tick's middle
        self.epoch_marks.setData(ends, np.full(len(ends), 10.0 ** y))


#: the epoch ticks: height in pixels, closest spacing in pixels, legend name
EPOCH_TICK_PX = 9
EPOCH_TICK_GAP_PX = 16
EPOCH_LEGEND = "epoch"


def epoch_ends(report: TrainingReport) -> tuple[Array, Array]:
    """The iterations after which an epoch ended (since the last report), and the epochs done then."""
    ends = np.asarray(report.epoch_ends, dtype=np.float64)
    done = report.epoch - np.arange(len(ends) - 1, -1, -1, dtype=np.float64)
    return ends, done


def ordinal(n: int) -> str:
    """2nd, 3rd, 5th, 11th, 21st, 50th …"""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _next_step(step: int) -> int:
    """1, 2, 5, 10, 20, 50, …"""
    decade = 10 ** int(np.floor(np.log10(step)))
    lead = step // decade
    return (2 if lead == 1 else 5 if lead == 2 else 10) * decade


def _rename(plot: pg.PlotWidget, item, name: str) -> None:
    """The legend's text for ``item`` (the legend stays in one row)."""
    legend = plot.getPlotItem().legend
    if legend is None:
        return
    for sample, label in legend.items:
        if sample.item is item:
            label.setText(name)
            break
    set_legend_columns(plot)


class GradientCurves:
    """The norm of each layer's weight gradient per iteration, log scale, one colour per layer."""

    def __init__(self, plot: pg.PlotWidget, cap: int = SERIES_CAP):
        self.plot = plot
        self.item = _prepare(plot, "‖∂E/∂W‖")
        self.cap = cap
        self.series = Series(1, cap)
        self.curves: list[pg.PlotDataItem] = []
        self.range = RangeFollower(self.item)
        self.updates = 0
        #: data arrived that the curves do not show yet (drawn by the next ``redraw``)
        self.dirty = False

    def set_layers(self, names: list[str]) -> None:
        """One curve per layer (``names`` as the legend shows them); the data start over."""
        own = getattr(self.plot, "set_layers", None)
        if own is not None and hasattr(self.plot, "curves"):
            own(len(names))  # the window's plot makes (and names) the curves itself
            self.curves = list(self.plot.curves)
        elif [c.name() for c in self.curves] != names:
            for curve in self.curves:
                self.item.removeItem(curve)
            self.curves = [self.item.plot(name=name, pen=_pen(colour, 1.5))
                           for name, colour in zip(names, layer_colors(len(names)))]
            set_legend_columns(self.plot)
        for curve in self.curves:
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
        if self.series.columns != len(names):
            self.series = Series(len(names), self.cap)

    def clear(self) -> None:
        self.series.clear()
        self.redraw()

    def add_report(self, report: TrainingReport) -> None:
        norms = report.weight_grad_norms
        if norms.ndim != 2 or norms.shape[1] != self.series.columns:
            return
        first = report.first_iteration
        self.series.truncate_from(first + 1)
        self.series.append(np.arange(first + 1, first + len(norms) + 1, dtype=np.float64), _drawable(norms))
        self.dirty = True  # drawn on the view's clock (``redraw``), not per report

    def load_history(self, trainer: Trainer) -> None:
        history = trainer.history
        norms = history.weight_grad_norms
        if norms.shape[1] != self.series.columns:
            return
        first = trainer.iteration - history.count
        self.series.truncate_from(first + 1)
        self.series.append(np.arange(first + 1, trainer.iteration + 1, dtype=np.float64), _drawable(norms))
        self.redraw()

    def redraw(self) -> None:
        self.dirty = False
        s = self.series
        set_empty(self.plot, s.n == 0)
        if s.n == 0:
            self.range.forget()
        start = max(0.0, float(s.x[0]) - 1.0) if s.n else 0.0
        x0, x1 = self.range.visible_x(max(s.last_x, 1.0), start)
        bins = _bins(self.plot)
        # every layer at once (each column is contiguous: no copy), one low and high per bin each
        x, y = peak_decimate(s.x, s.y[:, : len(self.curves)], x0, x1, bins)
        y = _drawable(y)  # (whatever was put in the series directly)
        shown = [(x, y[:, l]) for l in range(y.shape[1])]
        low, high = _log_span(*(y for _, y in shown))
        # norms far below the largest lie along the bottom of the plot
        floor = 10.0 ** (high - SHOWN_DECADES) if np.isfinite(high) else FLOOR
        for curve, (x, y) in zip(self.curves, shown):
            if not np.isfinite(y).any():  # nothing to draw (pyqtgraph would warn of an all-NaN slice)
                x, y = x[:0], y[:0]
            _fit_pen(curve, s.n, 2.0)
            y = np.maximum(y, floor)  # (nan stays nan: a gap, drawn by the slower "finite" path only if needed)
            curve.setData(x, y, connect="all" if np.isfinite(y).all() else "finite")
            _fit_symbol(curve, s.n <= 200)
        self.range.update(max(s.last_x, 1.0), low, high, x_min=start)
        self.updates += 1


def _drawable(norms: Array) -> Array:
    """Gradient norms with NaN for zero (a frozen layer's, or no gradient yet): a log axis has no place
    for them, and a bin's lowest norm is then its lowest positive one."""
    norms = np.array(norms, dtype=np.float64)
    norms[~(norms > 0)] = np.nan
    return norms


def layer_names(network) -> list[str]:
    """Legend names: "layer 1 (h1…)" with the file's numbering (0 is the input layer)."""
    names = []
    last = network.depth
    for l, layer in enumerate(network.layers, start=1):
        kind = "output" if l == last else "hidden"
        names.append(f"layer {l} ({kind}, {layer.activation})")
    return names
