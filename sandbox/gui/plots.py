"""The history plots (pyqtgraph): loss per iteration (``lossPlot``) and the L2 norm of each layer's
weight gradient per iteration, log scale (``gradientPlot``). Both are fed from ``trainer.history``
by ``set_history``; the training view may call it as often as it likes (≤ ~30×/s)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from .palette import LAYER_COLORS

pg.setConfigOptions(antialias=True, background="w", foreground="#334155")


def _style(plot: pg.PlotWidget, title: str, left: str) -> None:
    plot.setTitle(f"<span style='font-size:11pt; color:#1e293b'>{title}</span>")
    plot.setLabel("bottom", "iteration")
    plot.setLabel("left", left)
    plot.showGrid(x=True, y=True, alpha=0.18)
    plot.setMinimumHeight(170)
    for side in ("left", "bottom"):
        plot.getAxis(side).enableAutoSIPrefix(False)


def _x_range(plot: pg.PlotWidget, n: int) -> None:
    """A few iterations: show a fixed stretch (1..10) so one point does not fill the plot."""
    if n < 10:
        plot.setXRange(0.5, 10.5, padding=0)
    else:
        plot.enableAutoRange(axis="x")


class LossPlot(pg.PlotWidget):
    """Batch loss per iteration."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lossPlot")
        _style(self, "Loss per iteration", "E")
        self.curve = self.plot([], [], pen=pg.mkPen("#d9480f", width=2), symbol="o", symbolSize=6,
                               symbolBrush="#d9480f", symbolPen=None)

    def set_history(self, losses: np.ndarray) -> None:
        losses = np.asarray(losses, dtype=float)
        x = np.arange(1, losses.size + 1)
        self.curve.setData(x, losses)
        self.curve.setSymbol("o" if losses.size <= 200 else None)
        _x_range(self, losses.size)
        if losses.size and np.all(np.isfinite(losses)) and losses.size < 10:
            self.setYRange(0, float(losses.max()) * 1.15 or 1.0, padding=0)
        else:
            self.enableAutoRange(axis="y")

    def values(self) -> np.ndarray:
        """The plotted losses (for tests)."""
        y = self.curve.yData
        return np.zeros(0) if y is None else np.asarray(y)


class GradientPlot(pg.PlotWidget):
    """‖∂E/∂W‖ of each layer per iteration, log y axis, one colour per layer, with a legend."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("gradientPlot")
        _style(self, "Gradient size per layer", "‖∂E/∂W‖")
        self.setLogMode(y=True)
        self.legend = self.addLegend(offset=(-10, 10), labelTextSize="9pt")
        self.curves: list[pg.PlotDataItem] = []

    def set_layers(self, count: int) -> None:
        if count == len(self.curves):
            return
        for curve in self.curves:
            self.removeItem(curve)
        self.legend.clear()
        self.curves = []
        for l in range(count):
            colour = LAYER_COLORS[l % len(LAYER_COLORS)]
            name = f"layer {l + 1}" + (" (output)" if l == count - 1 else "")
            self.curves.append(self.plot([], [], pen=pg.mkPen(colour, width=2), name=name, symbol="o",
                                         symbolSize=5, symbolBrush=colour, symbolPen=None))

    def set_history(self, norms: np.ndarray) -> None:
        """``norms`` has shape (iterations, layers)."""
        norms = np.asarray(norms, dtype=float)
        self.set_layers(norms.shape[1] if norms.ndim == 2 else 0)
        x = np.arange(1, norms.shape[0] + 1)
        for l, curve in enumerate(self.curves):
            y = norms[:, l].copy()
            y[~(y > 0)] = np.nan  # a zero gradient has no place on a log axis
            curve.setData(x, y, connect="finite")
            curve.setSymbol("o" if y.size <= 200 else None)
        _x_range(self, norms.shape[0])

    def values(self) -> list[np.ndarray]:
        return [np.zeros(0) if c.yData is None else np.asarray(c.yData) for c in self.curves]
