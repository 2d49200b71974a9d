"""The history plots (pyqtgraph): loss per iteration (``lossPlot``) and the L2 norm of each layer's
weight gradient per iteration, log scale (``gradientPlot``), layer 1 drawn on top (the layer whose
gradient vanishes first lies under the others otherwise), each layer in its colour of
``palette.layer_colors``, the colour over its title in the network view. The widgets and their style live here;
``training/live_plots.py`` feeds their curves (iterations stepped by hand or trained, undo, another
network).

Each plot has its title on the left of its top row and its legend, in one line, on the right of
that row, so the legend never covers a curve; before the first iteration it shows a short hint
over sane, fixed ranges instead of an empty plot with crowded tick labels."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QWidget

from sandbox.gui.common import palette

pg.setConfigOptions(antialias=True, background="w", foreground="#334155")

#: the loss plot's colours: the noisy batch loss in slate, the whole sets in blue and orange
BATCH_LOSS_COLOR = "#64748b"
TRAIN_LOSS_COLOR = "#1f77c4"
TEST_LOSS_COLOR = "#f08a24"
EPOCH_MARK_COLOR = "#0f9d6b"
EMPTY_HINT = "Step through an update or press Train"
#: the empty plots' ranges: iterations 0…10, values 10⁻³…10 on a log axis (0…1 on a linear one)
EMPTY_X = (0.0, 10.0)
EMPTY_LOG_Y = (-3.0, 1.0)


def layer_colors(count: int) -> list[str]:
    """One colour per layer (``palette.layer_colors``): distinct hues for a few layers; for many, a
    dark-to-light sequence (layer 1 dark, the output light) so that no two layers share a colour."""
    return palette.layer_colors(count)


def first_layer_on_top(curves: list) -> None:
    """Z-values for the curves of layers 1, 2, …: layer 1 highest (drawn last, on top of the others),
    the output lowest; all below the empty plot's hint."""
    count = len(curves)
    for l, curve in enumerate(curves):
        curve.setZValue((count - l) / count)


def log_ticks(min_value: float, max_value: float, size: float, standard: list) -> list:
    """Ticks of a log axis (values in decades): 1, 2 and 5 × 10^k labelled when the range spans less
    than two decades (and 3 × 10^k under one decade), only the decades (as pyqtgraph spaces them)
    otherwise; the other minor ticks unlabelled. (pyqtgraph labels every minor tick of a short range:
    "2 3 4 5 6 7 8 9" crowded.)"""
    lo, hi = int(np.floor(min_value)), int(np.ceil(max_value))
    inside = lambda v: min_value <= v <= max_value  # noqa: E731
    decades = [float(v) for v in range(lo, hi + 1) if inside(v)]
    labelled = (2, 3, 5) if max_value - min_value < 1.0 else (2, 5)
    ones_twos_fives = [v + np.log10(m) for v in range(lo, hi) for m in labelled if inside(v + np.log10(m))]
    others = [v + np.log10(m) for v in range(lo, hi) for m in range(2, 10) if m not in labelled
              and inside(v + np.log10(m))]
    if max_value - min_value < 2.0:
        return [(None, sorted(decades + ones_twos_fives)), (None, others)]
    major = [(spacing, values) for spacing, values in standard if spacing is not None and spacing >= 1.0]
    if not major:
        major = [(1.0, decades)]
    minor = others + ones_twos_fives if max_value - min_value < 5.0 else []
    return major[:1] + [(None, minor)]


def _style(plot: pg.PlotWidget, title: str, left: str) -> None:
    item = plot.getPlotItem()
    item.setTitle(f"<span style='font-size:10pt; color:#1e293b'>{title}</span>", justify="left")
    plot.setLabel("bottom", "iteration")
    plot.setLabel("left", left)
    plot.showGrid(x=True, y=True, alpha=0.18)
    plot.setMinimumHeight(170)
    for side in ("left", "bottom"):
        plot.getAxis(side).enableAutoSIPrefix(False)
    tidy_log_axis(plot.getAxis("left"))
    legend = pg.LegendItem(offset=None, horSpacing=14, verSpacing=-4, labelTextSize="8pt",
                           labelTextColor="#334155")
    legend.setParentItem(item)
    legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-6, 1))
    item.legend = legend  # curves plotted with a name join it
    hint = pg.TextItem(EMPTY_HINT, color="#64748b", anchor=(0.5, 0.5))
    hint.setZValue(10)
    item.addItem(hint, ignoreBounds=True)
    hint.hide()
    plot.empty_hint = hint


def tidy_log_axis(axis: pg.AxisItem) -> None:
    """Labels on the first tick level only, chosen by ``log_ticks`` when the axis is logarithmic."""
    axis.logTickValues = log_ticks
    axis.setStyle(maxTextLevel=0)


def set_legend_columns(plot: pg.PlotWidget) -> None:
    """Every legend entry in one row (the legend sits in the title row, right of the title)."""
    item = getattr(plot, "plotItem", None)  # None while pyqtgraph is still building the widget
    legend = item.legend if item is not None else None
    if legend is not None and legend.items:
        count = len(legend.items)
        legend.setColumnCount(count)
        combo = getattr(plot, "quantity_combo", None)  # the loss plot's switch, in the title's place
        if combo is not None and not combo.isHidden() and count > 1:
            legend.layout.activate()
            if legend.boundingRect().width() > plot.width() - combo.geometry().right() - 16:
                legend.setColumnCount((count + 1) // 2)  # two rows rather than under the switch
    fit_title(plot)


def fit_title(plot: pg.PlotWidget) -> None:
    """Hide the title when the plot is too narrow for it and the legend side by side (the legend,
    the axis label and the dock's title still say what the plot shows)."""
    item = getattr(plot, "plotItem", None)  # None while pyqtgraph is still building the widget
    if item is None:
        return
    legend, label = item.legend, item.titleLabel
    if legend is None or label is None or label.item is None:
        return
    needed = label.item.boundingRect().width() + legend.boundingRect().width() + 40
    label.item.setVisible(needed <= item.width())


def set_empty(plot: pg.PlotWidget, empty: bool) -> None:
    """Before any iteration: fixed, sane ranges and a hint instead of an empty plot."""
    hint = getattr(plot, "empty_hint", None)
    if hint is None or (not empty and not hint.isVisible()):
        return
    hint.setVisible(empty)
    if empty:
        item = plot.getPlotItem()
        log_y = bool(item.getAxis("left").logMode)
        y0, y1 = EMPTY_LOG_Y if log_y else (0.0, 1.0)
        item.getViewBox().setRange(xRange=EMPTY_X, yRange=(y0, y1), padding=0.0)
        hint.setPos(0.5 * (EMPTY_X[0] + EMPTY_X[1]), 0.5 * (y0 + y1))


class HistoryPlot(pg.PlotWidget):
    """A plot of the history dock: keeps its title and legend from overlapping when resized."""

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        set_legend_columns(self)


LOSS_TITLE = "Loss per iteration"
#: the switch's choices while regularization is on: (text, quantity); short, since the legend shares the row (the
#: left axis names the quantity in full)
QUANTITY_CHOICES = (("E = L + λR(θ)", "objective"), ("L (data)", "loss"))


class LossPlot(HistoryPlot):
    """Batch loss per iteration. While regularization is on, a small switch in the title's place
    (``lossQuantityCombo``) chooses the data loss L or the objective E = L + λR(θ); the left axis
    says which is shown (set by ``live_plots.LossCurves``)."""

    quantityChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lossPlot")
        _style(self, LOSS_TITLE, "data loss L")
        color = QColor(BATCH_LOSS_COLOR)
        self.curve = self.plot([], [], pen=pg.mkPen(color, width=2), symbol="o", symbolSize=6,
                               symbolBrush=color, symbolPen=None, name="batch loss")
        self.quantity_combo = QComboBox(self)
        self.quantity_combo.setObjectName("lossQuantityCombo")
        for text, quantity in QUANTITY_CHOICES:
            self.quantity_combo.addItem(text, quantity)
        self.quantity_combo.setToolTip("With regularization, gradient descent minimises the objective "
                                       "E = L + λR(θ);\nthe data loss L leaves the penalty λR(θ) out.")
        self.quantity_combo.setStyleSheet("QComboBox { font-size: 9pt; }")
        self.quantity_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.quantity_combo.currentIndexChanged.connect(
            lambda _i: self.quantityChanged.emit(self.quantity_combo.currentData()))
        self.quantity_combo.move(6, 3)
        self.quantity_combo.hide()
        set_legend_columns(self)
        set_empty(self, True)

    def set_regularized(self, active: bool) -> None:
        """The switch (in the title's place) only while regularization is on."""
        self.quantity_combo.setVisible(active)
        self.quantity_combo.adjustSize()
        self.getPlotItem().setTitle(" " if active else
                                    f"<span style='font-size:10pt; color:#1e293b'>{LOSS_TITLE}</span>",
                                    justify="left")
        set_legend_columns(self)

    def set_quantity(self, quantity: str) -> None:
        index = self.quantity_combo.findData(quantity)
        if index >= 0 and index != self.quantity_combo.currentIndex():
            self.quantity_combo.setCurrentIndex(index)

    def quantity_shown(self) -> str:
        """The left axis's text: what the curves are ("data loss L" or "objective E = L + λR(θ)")."""
        return str(self.getPlotItem().getAxis("left").labelText)

    def values(self) -> np.ndarray:
        """The batch losses drawn (decimated on long runs)."""
        y = self.curve.yData
        return np.zeros(0) if y is None else np.asarray(y)


class GradientPlot(HistoryPlot):
    """‖∂E/∂W‖ of each layer per iteration, log y axis, one colour per layer, with a legend."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("gradientPlot")
        _style(self, "Gradient size per layer", "‖∂E/∂W‖")
        self.setLogMode(y=True)
        self.legend = self.getPlotItem().legend
        self.curves: list[pg.PlotDataItem] = []
        set_empty(self, True)

    def set_layers(self, count: int) -> None:
        if count == len(self.curves):
            return
        for curve in self.curves:
            self.removeItem(curve)
        self.legend.clear()
        self.curves = []
        # the legend has one line: with many layers it names a few of them (first, some between, the
        # output); the light-to-dark sequence of colours shows where the others sit
        named = set(range(count)) if count <= 5 else {int(round(i)) for i in np.linspace(0, count - 1, 5)}
        for l, colour in enumerate(layer_colors(count)):
            last = l == count - 1
            name = ("output" if count > 5 else f"layer {l + 1} (output)") if last else f"layer {l + 1}"
            if count > 3 and not last:
                name = name if l == 0 else str(l + 1)
            self.curves.append(self.plot([], [], pen=pg.mkPen(colour, width=2), name=name if l in named else None,
                                         symbol="o", symbolSize=5, symbolBrush=colour, symbolPen=None))
        first_layer_on_top(self.curves)
        set_legend_columns(self)

    def values(self) -> list[np.ndarray]:
        """Each layer's gradient norms drawn (decimated on long runs)."""
        return [np.zeros(0) if c.yData is None else np.asarray(c.yData) for c in self.curves]
