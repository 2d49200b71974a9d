"""Decision boundary (or regression surface) of a 2-input network, as TF Playground draws it.

A heatmap of the network's first output over the input plane, orange for low and blue for high,
with the training points (white outline) and the test points (dark outline) on it, and a row of
small maps, one per hidden neuron, below. While training, the numbers arrive with the worker's
reports (computed there by ``Network.forward`` on a grid); otherwise the view asks the engine
itself, on the document's current weights. Nothing here computes a network value.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from sandbox.engine import Experiment

from .training.grid import GridOutput, extent_for, grid_output

#: TF Playground's colours: orange for negative / class 0, blue for positive / class 1
ORANGE = "#f59322"
BLUE = "#0877bd"
HIDDEN_MAP_SIZE = 44
HIDDEN_GRID = 32


def _colormap() -> pg.ColorMap:
    return pg.ColorMap([0.0, 0.5, 1.0], [QColor(ORANGE), QColor("#e8eaeb"), QColor(BLUE)])


def _lut() -> np.ndarray:
    return _colormap().getLookupTable(0.0, 1.0, 256, alpha=False)


def output_levels(experiment: Experiment) -> tuple[float, float]:
    """The output range the colours span: (0, 1) for 0/1 targets, else symmetric around 0."""
    targets = experiment.data.targets
    finite = targets[np.isfinite(targets)] if targets.size else targets
    if finite.size and finite.min() >= 0.0 and finite.max() <= 1.0:
        return 0.0, 1.0
    m = float(np.abs(finite).max()) if finite.size else 1.0
    return -max(m, 1e-9), max(m, 1e-9)


class DecisionBoundaryView(QWidget):
    """The heatmap, the data points and the hidden neurons' small maps (see the module docstring)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("decisionBoundary")
        self.plot = pg.PlotWidget(background="w")
        self.plot.setObjectName("decisionBoundaryPlot")
        self.plot.setAspectLocked(True)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        item = self.plot.getPlotItem()
        item.setLabel("bottom", "x₁")
        item.setLabel("left", "x₂")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(_lut())
        self.plot.addItem(self.image)
        self.train_points = pg.ScatterPlotItem(size=7, pen=pg.mkPen("w", width=1.2))
        self.test_points = pg.ScatterPlotItem(size=7, pen=pg.mkPen("#1e293b", width=1.2))
        self.plot.addItem(self.train_points)
        self.plot.addItem(self.test_points)
        self.message = QLabel("The decision boundary is drawn for networks with two inputs.")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.hidden_strip = QWidget()
        self.hidden_layout = QVBoxLayout(self.hidden_strip)
        self.hidden_layout.setContentsMargins(2, 2, 2, 2)
        self.hidden_layout.setSpacing(2)
        scroll = QScrollArea()
        scroll.setWidget(self.hidden_strip)
        scroll.setWidgetResizable(True)
        scroll.setMaximumHeight(2 * (HIDDEN_MAP_SIZE + 24) + 8)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.hidden_scroll = scroll
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.message)
        layout.addWidget(scroll)
        self._hidden_images: list[list[pg.ImageItem]] = []
        self._levels = (0.0, 1.0)
        self._experiment: Experiment | None = None
        self.updates = 0
        self.message.hide()

    # ---- what to show -------------------------------------------------------------------------
    def set_experiment(self, experiment: Experiment) -> None:
        """Data points, colour range and hidden maps for ``experiment``; the heatmap from its weights."""
        self._experiment = experiment
        two_d = experiment.network.input_size == 2
        self.plot.setVisible(two_d)
        self.hidden_scroll.setVisible(two_d)
        self.message.setVisible(not two_d)
        if not two_d:
            return
        self._levels = output_levels(experiment)
        data = experiment.data
        self._set_points(self.train_points, data.inputs, data.targets)
        self._set_points(self.test_points, data.test_inputs, data.test_targets)
        self._build_hidden(experiment)
        self.refresh_from_engine()
        x0, x1, y0, y1 = extent_for(np.vstack([data.inputs, data.test_inputs]))
        self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)

    def refresh_from_engine(self) -> None:
        """Ask the engine for the outputs over the grid with the experiment's current weights."""
        exp = self._experiment
        if exp is None or exp.network.input_size != 2:
            return
        data = exp.data
        extent = extent_for(np.vstack([data.inputs, data.test_inputs]))
        self.show_grid(grid_output(exp.network, 64, extent))
        self.show_hidden(grid_output(exp.network, HIDDEN_GRID, extent))

    def show_grid(self, grid: GridOutput | None) -> None:
        if grid is None:
            return
        x0, x1, y0, y1 = grid.extent
        lo, hi = self._levels
        self.image.setImage(np.nan_to_num(grid.output, nan=0.5 * (lo + hi)), levels=(lo, hi), autoLevels=False)
        self.image.setRect(x0, y0, x1 - x0, y1 - y0)
        self.updates += 1

    def show_hidden(self, grid: GridOutput | None) -> None:
        """Each hidden neuron's output over the plane (tanh-like ranges coloured from −1 to 1)."""
        if grid is None:
            return
        for maps, images in zip(grid.hidden, self._hidden_images):
            for values, image in zip(maps, images):
                lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
                span = max(abs(lo), abs(hi), 1e-9)
                levels = (0.0, span) if lo >= 0 else (-span, span)
                image.setImage(np.nan_to_num(values), levels=levels, autoLevels=False)

    # ---- pieces -------------------------------------------------------------------------------
    def _set_points(self, scatter: pg.ScatterPlotItem, inputs: np.ndarray, targets: np.ndarray) -> None:
        if inputs.size == 0 or inputs.shape[1] != 2:
            scatter.setData([], [])
            return
        lo, hi = self._levels
        t = targets[:, 0] if targets.ndim == 2 and targets.shape[1] else np.zeros(len(inputs))
        mid = 0.5 * (lo + hi)
        brushes = [pg.mkBrush(BLUE if v > mid else ORANGE) for v in t]
        scatter.setData(inputs[:, 0], inputs[:, 1], brush=brushes)

    def _build_hidden(self, experiment: Experiment) -> None:
        while self.hidden_layout.count():
            item = self.hidden_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self._hidden_images = []
        lut = _lut()
        for l, layer in enumerate(experiment.network.layers[:-1], start=1):
            row = QWidget()
            row_layout = QHBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 0)
            row_layout.setSpacing(3)
            title = QLabel(f"layer {l}")
            title.setFixedWidth(44)
            row_layout.addWidget(title)
            images = []
            for j, label in enumerate(layer.labels):
                view = pg.GraphicsLayoutWidget()
                view.setFixedSize(HIDDEN_MAP_SIZE, HIDDEN_MAP_SIZE)
                view.setBackground("w")
                view.ci.setContentsMargins(0, 0, 0, 0)
                box = view.addViewBox(lockAspect=True, enableMouse=False)
                box.setMenuEnabled(False)
                image = pg.ImageItem(axisOrder="row-major")
                image.setLookupTable(lut)
                box.addItem(image)
                view.setToolTip(f"output of {label} over the input plane")
                row_layout.addWidget(view)
                images.append(image)
            row_layout.addStretch(1)
            self.hidden_layout.addWidget(row)
            self._hidden_images.append(images)
        self.hidden_scroll.setVisible(bool(self._hidden_images) and experiment.network.input_size == 2)
