"""Decision boundary (or a regression's output) of a 2-input network, as TF Playground draws it.

A square heatmap of the network's first output over the input plane (its range fits the data),
orange for low and blue for high, with the training points (white outline) and the test points
(dark outline) on it, a legend that says which is which, and small maps, one per hidden neuron, beside
it in a wide dock or below it in a tall one, as large as the space allows. Two view settings above the
plot (not experiment data: nothing is saved or undone): "Show test data" and "Discretize output" (the
colours snapped to the two classes at the middle of the output range, 0.5 for 0/1 targets: the
thresholding is ``GridOutput.discretized``'s). While training, the numbers arrive with the worker's
reports (computed there by ``Network.forward`` on a grid); otherwise the view asks the engine
itself, on the document's current weights. Nothing here computes a network value.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QCheckBox, QGraphicsItem, QHBoxLayout, QLabel, QSizePolicy, QWidget

from sandbox.engine import Experiment
from sandbox.gui.common.point_subset import MAX_POINTS, caption, class_of, subset_indices
from sandbox.gui.training.grid import GRID_SIZE, GridOutput, grid_output, plane_extent, plane_features
from sandbox.gui.training.live_plots import cache_axes

#: TF Playground's colours: orange for negative / class 0, blue for positive / class 1
ORANGE = "#f59322"
BLUE = "#0877bd"
#: the hidden neurons' maps: at most this large, at least this small (pixels)
HIDDEN_MAP_SIZE = 56
HIDDEN_MAP_MIN = 12
HIDDEN_MAP_GAP = 3
HIDDEN_LABEL_WIDTH = 30
#: the data points' diameter (pixels), smaller when there are more than ``CROWDED_POINTS`` of them
POINT_SIZE = 7
CROWDED_POINT_SIZE = 5
CROWDED_POINTS = 1000
#: the outlines that tell training points (white) from test points (dark), in the plot and its legend
TRAIN_OUTLINE = "w"
TEST_OUTLINE = "#1e293b"
#: height of the row of view settings above the plot (pixels)
CONTROLS_HEIGHT = 24


def _colormap() -> pg.ColorMap:
    return pg.ColorMap([0.0, 0.5, 1.0], [QColor(ORANGE), QColor("#e8eaeb"), QColor(BLUE)])


def _lut() -> np.ndarray:
    return _colormap().getLookupTable(0.0, 1.0, 256, alpha=False)


#: what the dock shows: classes (a boundary between them) or a regression's output
CLASSIFIER_TITLE = "Decision boundary"
REGRESSION_TITLE = "Output over the input plane"


def is_classifier(experiment: Experiment) -> bool:
    """A network that tells classes apart: a cross-entropy loss, or outputs squashed to (0, 1) (or a
    step) fitted to 0/1 targets. Anything else (an identity output, other targets) is a regression."""
    if experiment.loss in ("bce", "cross_entropy"):
        return True
    targets = experiment.data.targets
    squashed = experiment.network.layers[-1].activation in ("sigmoid", "softmax", "binary_step")
    return squashed and targets.size > 0 and bool(np.isin(targets, (0.0, 1.0)).all())


def view_title(experiment: Experiment) -> str:
    """The dock's title: "Decision boundary" for a classifier, else "Output over the input plane"."""
    return CLASSIFIER_TITLE if is_classifier(experiment) else REGRESSION_TITLE


def output_levels(experiment: Experiment) -> tuple[float, float]:
    """The output range the colours span: (0, 1) for 0/1 targets, else symmetric around 0."""
    targets = experiment.data.targets
    finite = targets[np.isfinite(targets)] if targets.size else targets
    if finite.size and finite.min() >= 0.0 and finite.max() <= 1.0:
        return 0.0, 1.0
    m = float(np.abs(finite).max()) if finite.size else 1.0
    return -max(m, 1e-9), max(m, 1e-9)


class HiddenMaps(QWidget):
    """Every hidden neuron's output over the input plane: one small map per neuron, layer after layer
    (a layer's maps wrap onto several rows when that makes them larger), "L1", "L2"… on the left.

    One widget paints all maps from QImages (cheap enough to follow training live)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("hiddenMaps")
        self._rows: list[tuple[str, list[str]]] = []
        self._images: list[list[QImage | None]] = []
        self._lut = _lut().astype(np.uint8)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_layers(self, rows: list[tuple[str, list[str]]]) -> None:
        self._rows = rows
        self._images = [[None] * len(labels) for _, labels in rows]
        self.setToolTip("Output of every hidden neuron over the input plane (orange low, blue high);"
                        " one row of maps per hidden layer")
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        widest = min(max((len(labels) for _, labels in self._rows), default=0), 8)
        step = 36 + HIDDEN_MAP_GAP
        return QSize(HIDDEN_LABEL_WIDTH + widest * step, len(self._rows) * step)

    def layout_for(self, width: float, height: float) -> tuple[int, float]:
        """(maps per row, map size) that make the maps as large as ``width`` × ``height`` allows."""
        counts = [len(labels) for _, labels in self._rows]
        if not counts:
            return 1, 0.0
        best = (max(counts), 0.0)
        for per_row in range(1, max(counts) + 1):
            rows = sum(-(-n // per_row) for n in counts)
            size = min((width - HIDDEN_LABEL_WIDTH) / per_row, height / rows) - HIDDEN_MAP_GAP
            if size > best[1] + 0.5:
                best = (per_row, size)
        per_row, size = best
        return per_row, float(min(HIDDEN_MAP_SIZE, max(HIDDEN_MAP_MIN, size)))

    def map_rects(self) -> list[list[QRectF]]:
        """Where each neuron's map is drawn (row per layer, as ``set_layers`` gave them)."""
        per_row, size = self.layout_for(self.width(), self.height())
        step = size + HIDDEN_MAP_GAP
        columns = min(per_row, max((len(labels) for _, labels in self._rows), default=0))
        left = max(0.0, (self.width() - HIDDEN_LABEL_WIDTH - columns * step) / 2)  # centred
        rects, y = [], 0.0
        for _, labels in self._rows:
            layer = []
            for j in range(len(labels)):
                r, c = divmod(j, per_row)
                layer.append(QRectF(left + HIDDEN_LABEL_WIDTH + c * step, y + r * step, size, size))
            rects.append(layer)
            y += -(-len(labels) // per_row) * step
        return rects

    def set_maps(self, hidden: list[np.ndarray]) -> None:
        for l, maps in enumerate(hidden[: len(self._images)]):
            count = min(len(maps), len(self._images[l]))
            if count:
                self._images[l][:count] = self._layer_images(np.asarray(maps[:count]))
        self.update()

    def _layer_images(self, maps: np.ndarray) -> list[QImage]:
        """One image per map of a layer's (neurons, size, size) outputs, coloured all at once: each map
        spans its own range (0 … max for sigmoid-like outputs, symmetric around 0 for tanh-like ones)."""
        finite = np.nan_to_num(maps)
        lo, hi = finite.min(axis=(1, 2)), finite.max(axis=(1, 2))
        span = np.maximum(np.maximum(np.abs(lo), np.abs(hi)), 1e-12)[:, None, None]
        scaled = np.where((lo >= 0)[:, None, None], finite / span, 0.5 + 0.5 * finite / span)
        index = np.clip((scaled * 255).astype(np.int32), 0, 255)
        rgb = np.ascontiguousarray(self._lut[index[:, ::-1]])  # row 0 at the top: largest x₂
        _, h, w = index.shape
        return [QImage(rgb[j].data, w, h, 3 * w, QImage.Format.Format_RGB888).copy() for j in range(len(rgb))]

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        text = QColor("#475569")
        frame = QPen(QColor("#cbd5e1"))
        for l, (layer_rects, images) in enumerate(zip(self.map_rects(), self._images)):
            if not layer_rects:
                continue
            first = layer_rects[0]
            painter.setPen(text)
            painter.drawText(QRectF(first.left() - HIDDEN_LABEL_WIDTH, first.top(), HIDDEN_LABEL_WIDTH - 4,
                                    first.height()),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, f"L{l + 1}")
            painter.setPen(frame)
            for rect, image in zip(layer_rects, images):
                if image is not None:
                    painter.drawImage(rect, image)
                painter.drawRect(rect)
        painter.end()


class DecisionBoundaryView(QWidget):
    """The heatmap, the data points and the hidden neurons' small maps (see the module docstring)."""

    #: the hidden neurons' maps just shown (``GridOutput.hidden``), for the network view's nodes (issue 13)
    hiddenMapsShown = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("decisionBoundary")
        self.plot = pg.PlotWidget(self, background="w")
        self.plot.setObjectName("decisionBoundaryPlot")
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)  # the view always shows the whole data plane
        item = self.plot.getPlotItem()
        item.getViewBox().setDefaultPadding(0.0)
        for side in ("left", "bottom"):
            item.getAxis(side).setTickDensity(0.6)
        item.setLabel("bottom", "x₁")
        item.setLabel("left", "x₂")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(_lut())
        self.plot.addItem(self.image)
        self.train_points = pg.ScatterPlotItem(size=POINT_SIZE, pen=pg.mkPen(TRAIN_OUTLINE, width=1.2))
        self.test_points = pg.ScatterPlotItem(size=POINT_SIZE, pen=pg.mkPen(TEST_OUTLINE, width=1.2))
        self.plot.addItem(self.train_points)
        self.plot.addItem(self.test_points)
        self._build_legend(item)
        self._build_controls()
        # the points and the axes change only with the data: drawn from cached pixmaps while the
        # heatmap under them follows training
        for points in (self.train_points, self.test_points):
            points.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        cache_axes(item)
        self.message = QLabel("The decision boundary is drawn for networks with two inputs.", self)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.hidden_maps = HiddenMaps(self)
        self.setMinimumSize(240, 200)
        self._levels = (0.0, 1.0)
        #: the last grid shown (drawn again, snapped or not, when "Discretize output" changes)
        self._grid: GridOutput | None = None
        self._brushes = (pg.mkBrush(ORANGE), pg.mkBrush(BLUE))
        #: "showing 5,000 of 1,000,000 points" when the plot draws a sample of the data, else ""
        self.points_caption = ""
        self._experiment: Experiment | None = None
        self.updates = 0
        self.message.hide()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(460, 280)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._place()

    def _place(self) -> None:
        """The view settings on top; a square plot under them; the hidden maps beside it (wide) or below
        it (tall)."""
        w, h = self.width(), self.height()
        self.message.setGeometry(0, 0, w, h)
        top = CONTROLS_HEIGHT if self.controls.isVisibleTo(self) else 0
        self.controls.setGeometry(0, 0, w, top)
        h -= top
        maps = self.hidden_maps.isVisibleTo(self) if self.plot.isVisibleTo(self) else False
        if not maps:
            side = min(w, h)
            self.plot.setGeometry((w - side) // 2, top, side, side)
            return
        gap = 8
        if w >= 1.2 * h:  # wide: maps on the right
            side = int(min(h, 0.62 * w))
            self.plot.setGeometry(0, top, side, side)
            self.hidden_maps.setGeometry(side + gap, top + 4, w - side - gap, h - 4)
        else:  # tall: maps below
            side = int(min(w, 0.62 * h))
            self.plot.setGeometry((w - side) // 2, top, side, side)
            self.hidden_maps.setGeometry(0, top + side + gap, w, h - side - gap)

    # ---- what to show -------------------------------------------------------------------------
    def set_experiment(self, experiment: Experiment) -> None:
        """Data points, colour range and hidden maps for ``experiment``; the heatmap from its weights."""
        self._experiment = experiment
        self._grid = None  # (another network's grid is not drawn again)
        two_d = plane_features(experiment) is not None  # 2 raw inputs (and their derived features)
        self.plot.setVisible(two_d)
        self.hidden_maps.setVisible(two_d)
        self.controls.setVisible(two_d)
        self.message.setVisible(not two_d)
        if not two_d:
            return
        self._levels = output_levels(experiment)
        data = experiment.data
        n_train, n_test = len(data.inputs), len(data.test_inputs)
        train_limit = n_train if n_train + n_test <= MAX_POINTS else round(MAX_POINTS * n_train / (n_train + n_test))
        shown = self._set_points(self.train_points, data.inputs, data.targets, train_limit)
        shown += self._set_points(self.test_points, data.test_inputs, data.test_targets, MAX_POINTS - train_limit)
        self._show_caption(caption(shown, n_train + n_test))
        self.show_test_check.setEnabled(n_test > 0)
        self.show_test_check.setToolTip("Draw the test points (dark outline) on the map" if n_test else
                                        "This network's data has no test set")
        classifier = is_classifier(experiment)
        self.discretize_check.setEnabled(classifier)
        self.discretize_check.setToolTip(
            f"Colour each point of the plane by its class: the output ≥ {self.threshold:g} or below"
            if classifier else "Only a classifier's output has two classes to snap to")
        self._follow_toggles()
        self._build_hidden(experiment)
        self.refresh_from_engine()
        x0, x1, y0, y1 = plane_extent(experiment)
        self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)
        self._place()

    def refresh_from_engine(self) -> None:
        """Ask the engine for the outputs over the grid with the experiment's current weights."""
        exp = self._experiment
        features = None if exp is None else plane_features(exp)
        if exp is None or features is None:
            return
        grid = grid_output(exp.network, GRID_SIZE, plane_extent(exp), features=features)
        self.show_grid(grid)
        self.show_hidden(grid)

    @property
    def threshold(self) -> float:
        """Where the two classes meet: the middle of the output range (0.5 for 0/1 targets)."""
        lo, hi = self._levels
        return 0.5 * (lo + hi)

    @property
    def discretizing(self) -> bool:
        return self.discretize_check.isChecked() and self.discretize_check.isEnabled()

    def show_grid(self, grid: GridOutput | None) -> None:
        if grid is None:
            return
        self._grid = grid
        x0, x1, y0, y1 = grid.extent
        lo, hi = self._levels
        output = grid.discretized(self.threshold, lo, hi) if self.discretizing else grid.output
        # an output of ±∞ or 1e300 is the colour's end: pyqtgraph rescales without overflowing
        shown = np.clip(np.nan_to_num(output, nan=0.5 * (lo + hi), posinf=hi, neginf=lo), lo, hi)
        self.image.setImage(shown, levels=(lo, hi), autoLevels=False)
        self.image.setRect(x0, y0, x1 - x0, y1 - y0)
        self.updates += 1

    def show_hidden(self, grid: GridOutput | None) -> None:
        """Each hidden neuron's output over the plane (while training, the worker sends these maps only
        every so often: ``training.grid.HIDDEN_MAPS_HZ``)."""
        if grid is None or not grid.hidden:
            return
        self.hidden_maps.set_maps(grid.hidden)
        self.hiddenMapsShown.emit(grid.hidden)

    # ---- view settings and legend -------------------------------------------------------------
    def _build_controls(self) -> None:
        self.controls = QWidget(self)
        self.controls.setObjectName("decisionBoundaryControls")
        row = QHBoxLayout(self.controls)
        row.setContentsMargins(4, 0, 4, 0)
        row.setSpacing(12)
        self.show_test_check = QCheckBox("Show test data")
        self.show_test_check.setObjectName("showTestDataCheck")
        self.show_test_check.setChecked(True)
        self.discretize_check = QCheckBox("Discretize output")
        self.discretize_check.setObjectName("discretizeOutputCheck")
        for check in (self.show_test_check, self.discretize_check):
            row.addWidget(check)
            check.toggled.connect(self._follow_toggles)
        row.addStretch(1)

    def _build_legend(self, item: pg.PlotItem) -> None:
        """Which dots are training and which are test data: the outline tells (a neutral fill here; on the
        map the fill is the point's class colour). Two legends built once, one shown: with the test data
        entry and without it (pyqtgraph's legends are safer built than edited)."""
        fill = pg.mkBrush("#64748b")
        self.train_sample = pg.ScatterPlotItem(size=POINT_SIZE + 1, pen=pg.mkPen(TRAIN_OUTLINE, width=1.6), brush=fill)
        self.test_sample = pg.ScatterPlotItem(size=POINT_SIZE + 1, pen=pg.mkPen(TEST_OUTLINE, width=1.6), brush=fill)
        legends = []
        for entries in ([(self.train_sample, "training data"), (self.test_sample, "test data")],
                        [(self.train_sample, "training data")]):
            legend = pg.LegendItem(offset=(-4, 4), brush=pg.mkBrush(203, 213, 225, 225), pen=pg.mkPen("#94a3b8"),
                                   labelTextColor="#1e293b", labelTextSize="8pt", verSpacing=-6)
            legend.setParentItem(item.getViewBox())
            legend.setZValue(20)
            for sample, text in entries:
                legend.addItem(sample, text)
            legends.append(legend)
        #: the legend with both entries, and the one for the training data alone (no test data, or hidden)
        self.legend, self.train_legend = legends
        self.train_legend.hide()

    def legend_labels(self) -> list[str]:
        """The entries of the legend shown, top to bottom."""
        shown = self.legend if self.legend.isVisible() else self.train_legend
        return [label.text for _, label in shown.items] if shown.isVisible() else []

    def _follow_toggles(self, *_args) -> None:
        """Show or hide the test points and their legend entry; draw the map snapped or not."""
        exp = self._experiment
        has_test = exp is not None and len(exp.data.test_inputs) > 0
        show_test = has_test and self.show_test_check.isChecked()
        self.test_points.setVisible(show_test)
        self.legend.setVisible(show_test)
        self.train_legend.setVisible(not show_test)
        if self._grid is not None:
            self.show_grid(self._grid)

    # ---- pieces -------------------------------------------------------------------------------
    def _set_points(self, scatter: pg.ScatterPlotItem, inputs: np.ndarray, targets: np.ndarray,
                    limit: int) -> int:
        """Draw at most ``limit`` of the rows (a fixed sample, each class in its share); how many."""
        if inputs.size == 0 or inputs.ndim != 2 or inputs.shape[1] != 2 or limit <= 0:
            scatter.setData([], [])
            return 0
        lo, hi = self._levels
        classes = class_of(targets, 0.5 * (lo + hi)) if len(targets) == len(inputs) \
            else np.zeros(len(inputs), dtype=np.int64)
        rows = subset_indices(len(inputs), limit, classes)
        shown = classes[rows]
        brushes = np.where(shown > 0, self._brushes[1], self._brushes[0]) if shown.size else []
        size = POINT_SIZE if len(rows) <= CROWDED_POINTS else CROWDED_POINT_SIZE  # many: smaller dots
        scatter.setData(inputs[rows, 0], inputs[rows, 1], brush=brushes, size=size)
        return len(rows)

    def _show_caption(self, text: str) -> None:
        """Say when the plot shows a sample of the points (``point_subset.caption``), in its title."""
        self.points_caption = text
        item = self.plot.getPlotItem()
        if text:
            item.setTitle(text, size="8pt", color="#475569")
        else:
            item.setTitle(None)
        self.plot.setToolTip(f"The plot {text}: a fixed sample drawn from each class in its share." if text else "")

    def _build_hidden(self, experiment: Experiment) -> None:
        rows = [(f"layer {l}", list(layer.labels)) for l, layer in enumerate(experiment.network.layers[:-1], start=1)]
        self.hidden_maps.set_layers(rows)
        self.hidden_maps.setVisible(bool(rows) and plane_features(experiment) is not None)
        self._place()
