"""Loss landscape of two chosen parameters with the paths of SGD, SGD + momentum, RMSProp and Adam.

The paths and the loss grid come from ``sandbox.engine.landscape`` and are computed in a worker
thread (``Background``); the view only draws them: a heat map with contour lines, and each
optimizer's path growing step by step (QTimer, speed adjustable) from the same start with the same
learning rate. With an elongated valley (``momentum.json``) it shows the lecture's "SGD without
momentum / with momentum" pictures: SGD zig-zags across the valley, momentum damps the zig-zag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sandbox.engine import Experiment
from sandbox.engine.landscape import (
    DEFAULT_PATH_OPTIMIZERS,
    LossGrid,
    OptimizerPath,
    contour_levels,
    effective_step,
    loss_grid,
    optimizer_paths,
    parameter_labels,
    ranges_around,
    shading,
)
from sandbox.explain.markup import to_html
from sandbox.gui.common.formatting import short
from sandbox.gui.lecture.background import Background
from sandbox.gui.lecture.image_export import save_plot_png
from sandbox.gui.lecture.plot_style import INK, MUTED, fitting_size, font, legend, pen, styled_plot
from sandbox.gui.lecture.save_picture import save_picture_button

PATH_COLORS = {"sgd": "#d9480f", "momentum": "#0b7a53", "rmsprop": "#7b2fc9", "adam": "#111827", "adagrad": "#b8860b"}
#: heat map: low loss pale, high loss a deeper blue
HEAT = pg.ColorMap([0.0, 0.4, 0.75, 1.0], ["#ffffff", "#eaf2fa", "#c3dbef", "#8fb8de"])
CONTOUR_PEN = pg.mkPen("#7d8fa3", width=1)


@dataclass
class LandscapeResult:
    param_a: str
    param_b: str
    learning_rate: float
    momentum: float
    paths: dict[str, OptimizerPath]
    grid: LossGrid
    levels: np.ndarray
    shade: np.ndarray


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def subscripted(label: str) -> str:
    """A label as plain text with a numeric index in subscript digits: ``w1_1_2`` → ``w₁,₁,₂``
    (labels whose index is not made of digits stay as they are)."""
    html = to_html(label)
    plain = re.sub(r"<sub>([0-9,]*)</sub>", lambda m: m.group(1).translate(_SUBSCRIPTS), html)
    return label if "<" in plain or "&" in plain else plain


def compute_landscape(experiment: Experiment, param_a: str, param_b: str, steps: int, learning_rate: float,
                      momentum: float, resolution: int, should_stop=lambda: False,
                      aspect: float | None = None, sgd_effective_step: bool = False) -> LandscapeResult:
    """Everything the view draws, from the engine (runs in the worker thread)."""
    sgd_lr = effective_step(learning_rate, momentum) if sgd_effective_step else None
    paths = optimizer_paths(experiment, param_a, param_b, DEFAULT_PATH_OPTIMIZERS, steps, learning_rate, momentum,
                            sgd_learning_rate=sgd_lr)
    start = tuple(paths[DEFAULT_PATH_OPTIMIZERS[0]].points[0])
    a_range, b_range = ranges_around(paths, start, aspect=aspect)
    grid = loss_grid(experiment, param_a, param_b, a_range, b_range, resolution, should_stop=should_stop)
    return LandscapeResult(param_a, param_b, learning_rate, momentum, paths, grid, contour_levels(grid),
                           shading(grid))


#: the plot's aspect may change this much (relative) before the surface is computed again to fill it
ASPECT_TOLERANCE = 0.04


def _same_paths(old: LandscapeResult, new: LandscapeResult) -> bool:
    """The same optimizer paths (only the grid around them differs)."""
    return (old.paths.keys() == new.paths.keys()
            and all(np.array_equal(old.paths[k].points, new.paths[k].points) for k in old.paths)
            and all(old.paths[k].title == new.paths[k].title for k in old.paths))


class LandscapeView(QWidget):
    """Pick two parameters; see the loss surface and four optimizers descending it."""

    #: a new landscape has been drawn (its first frame)
    resultReady = Signal()
    #: the animation reached the last step
    animationFinished = Signal()

    def __init__(self, experiment: Experiment, parent: QWidget | None = None, steps: int = 60,
                 resolution: int = 70, param_a: str | None = None, param_b: str | None = None,
                 autoplay: bool = True):
        super().__init__(parent)
        self.setObjectName("landscapeView")
        self.setWindowTitle("Loss landscape and optimizer paths")
        self.experiment = experiment.copy()
        self.resolution = resolution
        self.autoplay = autoplay
        self.result: LandscapeResult | None = None
        self.frame = 0
        self.error: str | None = None
        self._job = 0
        self._closed = False
        #: the plot's width / height the surface's grid was computed for (same scale on both axes)
        self._computed_aspect: float | None = None

        self.worker = Background(self, "landscape worker")
        self.worker.finished.connect(self._on_result)
        self.worker.failed.connect(self._on_failed)

        labels = parameter_labels(self.experiment.network)
        self.combo_a = QComboBox()
        self.combo_a.setObjectName("paramACombo")
        self.combo_b = QComboBox()
        self.combo_b.setObjectName("paramBCombo")
        for combo in (self.combo_a, self.combo_b):
            for label in labels:  # shown as w₁,₁,₂; the label itself is the item's data
                combo.addItem(subscripted(label), label)
            combo.setMinimumWidth(90)
        self.combo_a.setCurrentIndex(self.combo_a.findData(param_a or labels[0]))
        self.combo_b.setCurrentIndex(self.combo_b.findData(param_b or labels[min(1, len(labels) - 1)]))

        self.lr_spin = QDoubleSpinBox()
        self.lr_spin.setObjectName("learningRateSpin")
        self.lr_spin.setDecimals(4)
        self.lr_spin.setRange(0.0001, 10.0)
        self.lr_spin.setSingleStep(0.01)
        self.lr_spin.setValue(self.experiment.optimizer.learning_rate)
        self.momentum_spin = QDoubleSpinBox()
        self.momentum_spin.setObjectName("momentumSpin")
        self.momentum_spin.setDecimals(2)
        self.momentum_spin.setRange(0.0, 0.99)
        self.momentum_spin.setSingleStep(0.05)
        self.momentum_spin.setValue(float(self.experiment.optimizer.options.get("momentum") or 0.9))
        self.steps_spin = QSpinBox()
        self.steps_spin.setObjectName("stepsSpin")
        self.steps_spin.setRange(1, 1000)
        self.steps_spin.setValue(steps)

        self.play_button = QPushButton("Pause")
        self.play_button.setObjectName("playButton")
        self.play_button.setCheckable(True)
        self.play_button.clicked.connect(self._toggle_play)
        self.restart_button = QPushButton("Restart")
        self.restart_button.setObjectName("restartButton")
        self.restart_button.clicked.connect(self.restart_animation)
        self.end_button = QPushButton("Show all")
        self.end_button.setObjectName("showAllButton")
        self.end_button.clicked.connect(self.show_all)
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setObjectName("speedSlider")
        self.speed_slider.setRange(1, 60)
        self.speed_slider.setValue(12)
        self.speed_slider.valueChanged.connect(self._speed_changed)
        self.speed_label = QLabel()
        self.equal_axes = QCheckBox("Same scale on both axes")
        self.equal_axes.setObjectName("equalAxesCheck")
        self.equal_axes.setChecked(True)
        self.equal_axes.toggled.connect(self._aspect_changed)
        self.effective_check = QCheckBox("Plain SGD at η/(1 − γ)")
        self.effective_check.setObjectName("effectiveStepCheck")
        self.effective_check.setToolTip("Gives plain SGD the step size momentum reaches on a steady slope: "
                                        "in a narrow valley it then zig-zags from wall to wall, as in the "
                                        "lecture's \"SGD without momentum\" picture.")
        self.effective_check.toggled.connect(self._settings_changed)

        # ---- plot ----------------------------------------------------------------------------
        self.plot = styled_plot(font_size=10.5)
        self.plot.setObjectName("landscapePlot")
        self.image = pg.ImageItem()
        self.image.setColorMap(HEAT)
        self.image.setZValue(-10)
        self.plot.addItem(self.image)
        self.contours: list[pg.IsocurveItem] = []
        self.legend = legend(self.plot, offset=(-10, 10))
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.heads: dict[str, pg.ScatterPlotItem] = {}
        for key in DEFAULT_PATH_OPTIMIZERS:
            color = PATH_COLORS[key]
            curve = self.plot.plot([], [], pen=pen(color, 2.2), symbol="o", symbolSize=5,
                                   symbolBrush=pg.mkBrush(color), symbolPen=pg.mkPen(color), name=key)
            curve.setZValue(5)
            self.curves[key] = curve
            head = pg.ScatterPlotItem(size=12, brush=pg.mkBrush(color), pen=pg.mkPen("w", width=1.5))
            head.setZValue(6)
            self.plot.addItem(head)
            self.heads[key] = head
        self.start_marker = pg.ScatterPlotItem(size=16, symbol="star", brush=pg.mkBrush("#f5b301"),
                                               pen=pg.mkPen("#5a4500", width=1))
        self.start_marker.setZValue(7)
        self.plot.addItem(self.start_marker)

        # ---- side panel ------------------------------------------------------------------------
        self.status = QLabel("")
        self.status.setObjectName("landscapeStatus")
        self.status.setWordWrap(True)
        self.status.setStyleSheet(f"color: {MUTED};")
        self.table = QLabel()
        self.table.setObjectName("landscapeTable")
        self.table.setTextFormat(Qt.TextFormat.RichText)
        self.table.setFont(font(10))
        explanation = QLabel(
            "All four start at the ★ with the same learning rate η; each step uses the full-batch gradient "
            "with respect to the two chosen parameters, the others fixed. Momentum (v = γv + η∇E, θ = θ − v) "
            "averages out the back-and-forth across a narrow valley and builds up speed along it; RMSProp "
            "and Adam rescale each direction by the size of its gradients. Tick “Plain SGD at η/(1 − γ)” to "
            "see the lecture's zig-zag of SGD without momentum at the same effective step.")
        explanation.setWordWrap(True)
        explanation.setFont(font(9.5))
        explanation.setStyleSheet(f"color: {INK};")
        explanation.setObjectName("landscapeExplanation")
        self.explanation = explanation
        # the explanation scrolls when the window is short; nothing of the panel is cut off
        explanation_scroll = QScrollArea()
        explanation_scroll.setObjectName("landscapeExplanationScroll")
        explanation_scroll.setWidget(explanation)
        explanation_scroll.setWidgetResizable(True)
        explanation_scroll.setFrameShape(QFrame.Shape.NoFrame)
        explanation_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        explanation_scroll.setMinimumHeight(60)
        explanation_scroll.viewport().setAutoFillBackground(False)
        explanation.setAutoFillBackground(False)
        self.explanation_scroll = explanation_scroll

        form = QFormLayout()
        form.addRow("Parameter on x:", self.combo_a)
        form.addRow("Parameter on y:", self.combo_b)
        form.addRow("Learning rate η:", self.lr_spin)
        form.addRow("Momentum γ:", self.momentum_spin)
        form.addRow("Steps:", self.steps_spin)
        buttons = QHBoxLayout()
        buttons.addWidget(self.play_button)
        buttons.addWidget(self.restart_button)
        buttons.addWidget(self.end_button)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(save_picture_button(self, self.save_picture, "loss-landscape"))
        speed = QHBoxLayout()
        speed.addWidget(QLabel("Speed:"))
        speed.addWidget(self.speed_slider, 1)
        speed.addWidget(self.speed_label)

        side = QVBoxLayout()
        side.addLayout(form)
        side.addLayout(buttons)
        side.addLayout(speed)
        side.addWidget(self.equal_axes)
        side.addWidget(self.effective_check)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet("color: #dbe2ea;")
        side.addWidget(line)
        side.addWidget(self.table)
        side.addWidget(explanation_scroll, 1)
        side.addWidget(self.status)
        side.addLayout(save_row)
        side_host = QWidget()
        side_host.setLayout(side)
        side_host.setFixedWidth(300)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(self.plot, 1)
        layout.addWidget(side_host)

        self.timer = QTimer(self)
        self.timer.timeout.connect(self.advance)
        self._speed_changed(self.speed_slider.value())
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.recompute)
        for combo in (self.combo_a, self.combo_b):
            combo.currentIndexChanged.connect(self._settings_changed)
        for spin in (self.lr_spin, self.momentum_spin, self.steps_spin):
            spin.valueChanged.connect(self._settings_changed)
        # a new aspect (resized window) with the same scale on both axes: a grid that fills it again
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(250)
        self._refit.timeout.connect(lambda: self.recompute(keep_animation=True))
        self.plot.getPlotItem().getViewBox().sigResized.connect(self._plot_resized)
        self._set_titles(self.param_a, self.param_b, self.lr_spin.value(), self.momentum_spin.value())
        self.resize(fitting_size(self, 1150, 720))
        # computed once the event loop runs: a view shown right away knows its real aspect by then
        # (computing now, at a guessed aspect, meant a second computation and a restart on show)
        QTimer.singleShot(0, self, self._first_compute)

    # ---- computing -----------------------------------------------------------------------------
    @property
    def param_a(self) -> str:
        return self.combo_a.currentData()

    @property
    def param_b(self) -> str:
        return self.combo_b.currentData()

    def set_parameters(self, param_a: str, param_b: str) -> None:
        """Choose the two parameters (by label) and recompute."""
        for combo in (self.combo_a, self.combo_b):
            combo.blockSignals(True)
        self.combo_a.setCurrentIndex(self.combo_a.findData(param_a))
        self.combo_b.setCurrentIndex(self.combo_b.findData(param_b))
        for combo in (self.combo_a, self.combo_b):
            combo.blockSignals(False)
        self.recompute()

    def _settings_changed(self, *_args) -> None:
        self._debounce.start()

    def _first_compute(self) -> None:
        if not self._closed and self.result is None and self._job == 0:
            self.recompute()

    def _plot_resized(self, *_args) -> None:
        if self._closed or self.result is None or not self.equal_axes.isChecked() or self._job == 0:
            return
        aspect = self._plot_aspect()
        if self._computed_aspect is None or abs(aspect / self._computed_aspect - 1.0) > ASPECT_TOLERANCE:
            self._refit.start()

    def recompute(self, keep_animation: bool = False) -> None:
        """Ask the worker for the paths and the grid of the current settings (any older job stops).
        ``keep_animation``: the same paths are expected (only the surface's extent changes), the
        animation goes on where it is."""
        self._debounce.stop()
        self._refit.stop()
        if self._closed:
            return
        if not keep_animation:
            self.timer.stop()
        a, b = self.param_a, self.param_b
        if a == b:
            self.status.setText("Choose two different parameters.")
            return
        exp = self.experiment
        steps, lr, gamma = self.steps_spin.value(), self.lr_spin.value(), self.momentum_spin.value()
        res = self.resolution
        aspect = self._plot_aspect() if self.equal_axes.isChecked() else None
        effective = self.effective_check.isChecked()
        self._computed_aspect = aspect
        if not keep_animation:
            self.status.setText(f"Computing the loss over {a} and {b} ({res} × {res} grid)…")
        self._job = self.worker.submit(
            lambda should_stop: compute_landscape(exp, a, b, steps, lr, gamma, res, should_stop, aspect, effective))

    def _plot_aspect(self) -> float:
        """Width / height of the plot's data area in pixels (a typical one before the first show)."""
        rect = self.plot.getPlotItem().getViewBox().sceneBoundingRect()
        if rect.width() < 50 or rect.height() < 50 or not self.isVisible():
            return 1.4
        return rect.width() / rect.height()

    @property
    def busy(self) -> bool:
        return self.worker.busy

    def _on_failed(self, _job: int, message: str) -> None:
        self.error = message
        self.status.setText("Could not compute the landscape: " + message.splitlines()[0])

    def _on_result(self, job: int, result: LandscapeResult) -> None:
        if job != self._job:
            return
        same_paths = self.result is not None and _same_paths(self.result, result)
        self.result = result
        self.error = None
        self._draw_surface(result)
        if not same_paths:  # (else only the surface's extent changed: the animation goes on)
            self.frame = 0
        self._draw_frame()
        g = result.grid
        self.status.setText(
            f"Loss over {to_html(g.param_a)} ∈ [{short(g.a_values[0])}, {short(g.a_values[-1])}] and "
            f"{to_html(g.param_b)} ∈ "
            f"[{short(g.b_values[0])}, {short(g.b_values[-1])}], {len(g.a_values)} × {len(g.b_values)} grid, "
            "every other parameter fixed.")
        if same_paths:
            return
        self.resultReady.emit()
        if self.autoplay:
            self.play()

    # ---- drawing ---------------------------------------------------------------------------------
    def _draw_surface(self, r: LandscapeResult) -> None:
        g = r.grid
        da = (g.a_values[-1] - g.a_values[0]) / max(1, len(g.a_values) - 1)
        db = (g.b_values[-1] - g.b_values[0]) / max(1, len(g.b_values) - 1)
        shade = np.nan_to_num(r.shade, nan=float(np.nanmax(r.shade)) if np.isfinite(r.shade).any() else 0.0)
        self.image.setImage(shade, autoLevels=True)
        self.image.setRect(QRectF(g.a_values[0] - da / 2, g.b_values[0] - db / 2,
                                  da * len(g.a_values), db * len(g.b_values)))
        for iso in self.contours:
            iso.setParentItem(None)
            self.plot.removeItem(iso)
        self.contours = []
        loss = np.where(np.isfinite(g.loss), g.loss, np.nanmax(np.where(np.isfinite(g.loss), g.loss, np.nan)))
        for level in r.levels:
            iso = pg.IsocurveItem(data=loss, level=float(level), pen=CONTOUR_PEN)
            iso.setParentItem(self.image)
            iso.setZValue(1)
            self.contours.append(iso)
        self._set_titles(g.param_a, g.param_b, r.learning_rate, r.momentum)
        self._aspect_changed(self.equal_axes.isChecked())
        start = r.paths[DEFAULT_PATH_OPTIMIZERS[0]].points[0]
        self.start_marker.setData([start[0]], [start[1]])
        self.legend.clear()
        for key, path in r.paths.items():
            self.legend.addItem(self.curves[key], path.title)

    def _set_titles(self, param_a: str, param_b: str, learning_rate: float, momentum: float) -> None:
        """Axis labels and title (set before the first result too: the plot's shape is final then)."""
        item = self.plot.getPlotItem()
        style = {"color": INK, "font-size": "11pt"}
        item.setLabel("bottom", to_html(param_a), **style)
        item.setLabel("left", to_html(param_b), **style)
        item.setTitle(f"Loss E({to_html(param_a)}, {to_html(param_b)}) — η = {short(learning_rate)}, "
                      f"γ = {short(momentum)}", color=INK, size="12pt")

    def _aspect_changed(self, equal: bool) -> None:
        """Same scale on both axes shows a narrow valley as narrow as it is."""
        self.plot.getPlotItem().setAspectLocked(equal, ratio=1.0)
        if self.result is None:
            return
        if equal and self.sender() is self.equal_axes:
            self.recompute(keep_animation=True)  # a grid that fills the picture at this aspect
        g = self.result.grid
        self.plot.getPlotItem().getViewBox().setRange(
            xRange=(g.a_values[0], g.a_values[-1]), yRange=(g.b_values[0], g.b_values[-1]), padding=0.02)

    @property
    def last_frame(self) -> int:
        if self.result is None:
            return 0
        return max(len(p.points) for p in self.result.paths.values()) - 1

    def _draw_frame(self) -> None:
        r = self.result
        if r is None:
            return
        rows = []
        for key, path in r.paths.items():
            k = min(self.frame, len(path.points) - 1)
            pts = path.points[: k + 1]
            self.curves[key].setData(pts[:, 0], pts[:, 1])
            self.heads[key].setData([pts[-1, 0]], [pts[-1, 1]])
            color = PATH_COLORS[key]
            note = " (diverged)" if path.diverged and k == len(path.points) - 1 else ""
            rows.append(f"<tr><td><span style='color:{color}; font-size:14pt'>●</span></td>"
                        f"<td style='padding-right:8px'><b>{path.title}</b></td>"
                        f"<td>E = {to_html(short(path.losses[k]))}{note}</td></tr>")
        self.table.setText(f"<p style='margin:0'>Step <b>{min(self.frame, self.last_frame)}</b> of "
                           f"{self.last_frame}</p><table cellspacing='2'>{''.join(rows)}</table>")

    # ---- animation -------------------------------------------------------------------------------
    def drawn_path(self, key: str) -> np.ndarray:
        """The points of optimizer ``key``'s path as currently drawn (n × 2)."""
        x, y = self.curves[key].getData()
        if x is None:
            return np.zeros((0, 2))
        return np.column_stack([x, y])

    def play(self) -> None:
        if self.frame >= self.last_frame:
            self.frame = 0
            self._draw_frame()
        self.timer.start()
        self.play_button.setChecked(False)
        self.play_button.setText("Pause")

    def pause(self) -> None:
        self.timer.stop()
        self.play_button.setChecked(True)
        self.play_button.setText("Play")

    def _toggle_play(self) -> None:
        if self.timer.isActive():
            self.pause()
        else:
            self.play()

    def advance(self) -> None:
        """One animation step: every path grows by one optimizer step."""
        if self.frame >= self.last_frame:
            self.pause()
            self.animationFinished.emit()
            return
        self.frame += 1
        self._draw_frame()
        if self.frame >= self.last_frame:
            self.pause()
            self.animationFinished.emit()

    def restart_animation(self) -> None:
        self.frame = 0
        self._draw_frame()
        self.play()

    def show_all(self) -> None:
        self.frame = self.last_frame
        self._draw_frame()
        self.pause()

    def _speed_changed(self, steps_per_second: int) -> None:
        self.timer.setInterval(max(1, round(1000 / steps_per_second)))
        self.speed_label.setText(f"{steps_per_second} steps/s")

    def save_picture(self, path: Path) -> Path:
        """The plot (surface, paths and legend) as PNG, twice the on-screen width."""
        return save_plot_png(self.plot, path, width=max(800, 2 * self.plot.width()))

    # ---- lifetime --------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop the animation and the worker thread and wait for it."""
        self._closed = True
        self.timer.stop()
        self._debounce.stop()
        self._refit.stop()
        self.worker.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
