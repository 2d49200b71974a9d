"""f and f′ of every activation in the lecture's table, side by side, with the largest f′ marked.

Backpropagation multiplies one f′ per layer, so the largest f′ says how fast a gradient can shrink:
at most ¼ per logistic layer, (¼)^L after L layers; tanh's f′ is 1 only at z = 0, so its cards also show
the bound once every |z| ≥ 1. A spin box sets L; each card shows the bounds. Curves, the exact maxima
(``Activation.largest_derivative``) and bounds all come from ``sandbox.engine.curves``.
"""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sandbox.engine.activations import ACTIVATIONS, LECTURE_TABLE
from sandbox.engine.curves import AWAY, ActivationCurve, activation_curve, chain_bound, derivative_at
from sandbox.explain.markup import to_html
from sandbox.gui.common.formatting import short
from sandbox.gui.lecture.image_export import save_widget_png
from sandbox.gui.lecture.plot_style import INK, MUTED, fitting_size, font, pen, styled_plot
from sandbox.gui.lecture.save_picture import save_picture_button

F_COLOR = "#1f77c4"
DF_COLOR = "#8b3fd9"
MAX_COLOR = "#d9480f"

#: α slider ranges (in hundredths) for the activations that have an α
ALPHA_RANGES = {"prelu": (0, 100), "elu": (10, 300)}


_FRACTIONS = {0.25: "¼", 0.5: "½", 0.75: "¾"}
PLOT_MIN_HEIGHT = 80
HEADER_TEXT_WIDTH = 760


def nice(value: float) -> str:
    """The lecture's way of writing a largest derivative: ¼ for the logistic, else 4 digits."""
    for exact, text in _FRACTIONS.items():
        if abs(value - exact) < 1e-12:
            return text
    return short(value)


class ActivationCard(QFrame):
    """One activation: title, plot of f and f′, its formulas, an α slider where it has one."""

    alphaChanged = Signal(str, float)

    def __init__(self, name: str, layers: int = 10, parent: QWidget | None = None):
        super().__init__(parent)
        self.name = name
        self.activation = ACTIVATIONS[name]
        self.layers = layers
        self.setObjectName(f"activationCard_{name}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(f"#activationCard_{name} {{ background: white; border: 1px solid #dbe2ea;"
                           " border-radius: 6px; }")
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 8, 6)
        box.setSpacing(3)
        title = QLabel(self.activation.title)
        title.setFont(font(11.5, bold=True))
        title.setStyleSheet(f"color: {INK};")
        title_row = QHBoxLayout()
        title_row.setSpacing(8)
        title_row.addWidget(title)
        title_row.addStretch(1)
        box.addLayout(title_row)

        self.plot = styled_plot(font_size=9)
        self.plot.setMinimumHeight(PLOT_MIN_HEIGHT)
        self.plot.setMaximumHeight(300)
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.plot.setMouseEnabled(False, False)
        self.curve_f = self.plot.plot([], [], pen=pen(F_COLOR, 2.2), name="f(x)")
        self.curve_df = self.plot.plot([], [], pen=pen(DF_COLOR, 2.2, dashed=True), name="f′(x)")
        self.marker = pg.ScatterPlotItem(size=10, brush=pg.mkBrush(MAX_COLOR), pen=pg.mkPen("w", width=1.5))
        self.marker.setZValue(10)
        self.plot.addItem(self.marker)
        self.marker_label = pg.TextItem(color=MAX_COLOR, anchor=(0.5, 1.25))
        self.marker_label.setFont(font(9, bold=True))
        self.plot.addItem(self.marker_label)
        box.addWidget(self.plot, 1)

        self.formula_label = QLabel()
        self.formula_label.setTextFormat(Qt.TextFormat.RichText)
        # one line each, no word wrap: a wrapped label's height depends on its width, which the grid
        # misjudged when squeezed (the formulas then covered the plot's axis numbers)
        self.formula_label.setWordWrap(False)
        self.formula_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.formula_label.setFont(font(9.5))
        self.formula_label.setText(
            f"<span style='color:{F_COLOR}'>{to_html(self.activation.formula)}</span><br>"
            f"<span style='color:{DF_COLOR}'>"
            f"{to_html(self.activation.derivative_formula.replace(chr(39), '′'))}</span>")
        box.addWidget(self.formula_label)

        self.alpha_slider: QSlider | None = None
        self.alpha_label: QLabel | None = None
        if name in ALPHA_RANGES:  # in the title row: every card keeps the same height
            row = title_row
            self.alpha_label = QLabel()
            self.alpha_label.setFont(font(9.5))
            self.alpha_label.setMinimumWidth(58)
            self.alpha_slider = QSlider(Qt.Orientation.Horizontal)
            self.alpha_slider.setObjectName(f"alphaSlider_{name}")
            lo, hi = ALPHA_RANGES[name]
            self.alpha_slider.setRange(lo, hi)
            self.alpha_slider.setValue(round(self.activation.alpha_or_default(None) * 100))
            self.alpha_slider.valueChanged.connect(self._slider_moved)
            self.alpha_slider.setMaximumWidth(220)
            row.addWidget(self.alpha_label)
            row.addWidget(self.alpha_slider, 2)

        self.bound_label = QLabel()
        self.bound_label.setFont(font(9.5))
        self.bound_label.setStyleSheet(f"color: {MUTED};")
        self.bound_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)  # as the formulas
        box.addWidget(self.bound_label)
        self.curve: ActivationCurve | None = None
        self._marker_y = 0.0
        self.plot.getPlotItem().getViewBox().sigResized.connect(lambda _box: self._fit_y_range())
        self.refresh()

    @property
    def alpha(self) -> float | None:
        return None if self.alpha_slider is None else self.alpha_slider.value() / 100.0

    def set_alpha(self, alpha: float) -> None:
        if self.alpha_slider is not None:
            self.alpha_slider.setValue(round(alpha * 100))

    def set_layers(self, layers: int) -> None:
        self.layers = layers
        self._update_bound()

    def _slider_moved(self, _value: int) -> None:
        self.refresh()
        self.alphaChanged.emit(self.name, self.alpha)

    def refresh(self) -> None:
        c = activation_curve(self.name, self.alpha)
        self.curve = c
        self.curve_f.setData(c.x, c.f)
        self.curve_df.setData(c.x, c.df)
        y = c.marker_y
        self.marker.setData([c.argmax_x], [y])
        # filled where some x reaches the largest f′; open where it is only approached (ELU's α as x → 0⁻)
        self.marker.setBrush(pg.mkBrush(MAX_COLOR if c.attained else "w"))
        self.marker.setPen(pg.mkPen("w" if c.attained else MAX_COLOR, width=1.5 if c.attained else 2.0))
        if c.max_df == 0.0:
            self.marker_label.setText("f′ = 0 everywhere")
        elif c.attained:
            self.marker_label.setText(f"max f′ = {nice(c.max_df)}")
        else:
            self.marker_label.setText(f"f′ → {nice(c.max_df)} as {c.limit}")
        # keep the label inside the plot near the edges
        x_anchor = 0.5 if abs(c.argmax_x) < 3.5 else (1.0 if c.argmax_x > 0 else 0.0)
        self.marker_label.setAnchor((x_anchor, 1.25))
        self.marker_label.setPos(c.argmax_x, y)
        self.plot.setXRange(float(c.x[0]), float(c.x[-1]), padding=0.02)
        self._marker_y = y
        self._fit_y_range()
        if self.alpha_label is not None:
            self.alpha_label.setText(f"α = {short(c.alpha)}")
        self._update_bound()

    def _fit_y_range(self) -> None:
        """The curves, with room above them for the marker's label (about 30 px, whatever the plot's
        height), and above the marker when it is the highest point."""
        c = self.curve
        if c is None:
            return
        low = min(float(c.f.min()), float(c.df.min()))
        high = max(float(c.f.max()), float(c.df.max()))
        span = max(high - low, 1e-9)
        view_h = self.plot.getPlotItem().getViewBox().height()
        room = 0.3 if view_h <= 0 else min(1.2, max(0.3, 34.0 / max(view_h - 34.0, 1.0)))
        top = max(high + 0.16 * span, self._marker_y + room * span)
        self.plot.setYRange(low - 0.05 * span, top, padding=0)

    def _update_bound(self) -> None:
        c = self.curve
        if c is None:
            return
        n = self.layers
        text = (f"{n} layers: ∏ f′ ≤ ({nice(c.max_df)})<sup>{n}</sup> = "
                f"<b>{to_html(short(chain_bound(c.max_df, n)))}</b>")
        if c.away_df is not None:  # the largest f′ is at z = 0 only: away from 0 the product shrinks faster
            text += f"; |z| ≥ {short(AWAY)}: ≤ <b>{to_html(short(chain_bound(c.away_df, n)))}</b>"
        self.bound_label.setText(text)
        self.bound_label.setToolTip(
            f"f′ reaches {nice(c.max_df)} only at z = 0. Where a layer's z is {short(AWAY)} or more away from 0 "
            f"its factor is at most {short(c.away_df)}, and {n} such factors at most "
            f"({short(c.away_df)})^{n} = {short(chain_bound(c.away_df, n))}" if c.away_df is not None else "")


class ActivationView(QWidget):
    """All activations of the lecture's table in a 3 × 3 grid, with a layer-count control."""

    def __init__(self, parent: QWidget | None = None, layers: int = 10):
        super().__init__(parent)
        self.setObjectName("activationView")
        self.setWindowTitle("Activation functions and their derivatives")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 10)
        header = QHBoxLayout()
        text = QLabel(
            "<b>Derivatives of activation functions.</b> Backpropagation multiplies one f′ per layer: "
            "the logistic's is at most ¼, so the gradient can shrink like (¼)<sup>L</sup> — the <i>vanishing "
            "gradient</i>. Same problem for tanh: its f′ is 1 only at z = 0 "
            f"({derivative_at('tanh', 1.0):.2f} at |z| = 1). "
            "ReLU's f′ is 0 or 1. "
            f"<span style='color:{F_COLOR}'>━ f(x)</span> &nbsp; <span style='color:{DF_COLOR}'>┅ f′(x)</span>"
            f" &nbsp; <span style='color:{MAX_COLOR}'>● largest f′</span>")
        text.setWordWrap(True)
        text.setFont(font(10.5))
        text.setStyleSheet(f"color: {INK};")
        # the window's minimum height ignores how many lines a wrapped label needs: reserve the lines
        # it takes in a window about 1000 px wide, so that the cards keep their own minimum below it
        text.setMinimumHeight(text.heightForWidth(HEADER_TEXT_WIDTH))
        header.addWidget(text, 1)
        header.addWidget(QLabel("Layers L:"))
        self.layers_spin = QSpinBox()
        self.layers_spin.setObjectName("layersSpin")
        self.layers_spin.setRange(1, 50)
        self.layers_spin.setValue(layers)
        self.layers_spin.valueChanged.connect(self._set_layers)
        header.addWidget(self.layers_spin)
        header.addWidget(save_picture_button(self, self.save_picture, "activation-functions"))
        outer.addLayout(header)

        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setSpacing(10)
        grid.setContentsMargins(0, 0, 0, 0)
        self.cards: dict[str, ActivationCard] = {}
        for k, name in enumerate(LECTURE_TABLE):
            card = ActivationCard(name, layers)
            card.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            self.cards[name] = card
            grid.addWidget(card, k // 3, k % 3)
        for r in range(3):
            grid.setRowStretch(r, 1)
        outer.addWidget(grid_host, 1)
        self.resize(fitting_size(self, 1180, 900))

    def save_picture(self, path: Path) -> Path:
        """The whole view as shown, as PNG."""
        return save_widget_png(self, path)

    def _set_layers(self, layers: int) -> None:
        for card in self.cards.values():
            card.set_layers(layers)
