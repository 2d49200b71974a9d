"""The lecture's chain rule on y = f(g(h(x))) (objectName ``compositionView``): f, g and h picked from menus,
x from a slider; the values x → u₁ → u₂ → y, the local derivatives on the arrows, dy/dx as their product.

Every number is the engine's ``compose`` (``sandbox.engine.composition``); the view only draws it.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from sandbox.engine.composition import DEFAULT, FUNCTIONS, Composition, compose
from sandbox.engine.numbers import fmt
from sandbox.gui.common import palette
from sandbox.gui.common.formatting import superscript_powers

X_RANGE = 4.0
DEFAULT_X = 0.5
SLIDER_STEPS_PER_UNIT = 100
BOX_W, BOX_H = 140.0, 64.0
WIDTH, HEIGHT = 1040.0, 250.0
MARGIN = 16.0


def _number(value: float) -> str:
    return superscript_powers(fmt(value))


def _font(pixels: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(pixels)
    font.setBold(bold)
    return font


class CompositionCanvas(QWidget):
    """x → u₁ → u₂ → y as boxes; each arrow the function above it and its local derivative below."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("compositionCanvas")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(560, 160)
        self.composition: Composition | None = None

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(int(WIDTH), int(HEIGHT))

    def set_composition(self, c: Composition) -> None:
        self.composition = c
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(self.rect(), palette.BACKGROUND)
        c = self.composition
        if c is None:
            painter.end()
            return
        scale = min(self.width() / WIDTH, self.height() / HEIGHT, 1.5)
        painter.translate((self.width() - WIDTH * scale) / 2, (self.height() - HEIGHT * scale) / 2)
        painter.scale(scale, scale)
        names = ["x", "u₁ = h(x)", "u₂ = g(u₁)", "y = f(u₂)"]
        values = [c.x, c.u1, c.u2, c.y]
        step = (WIDTH - BOX_W - 2 * MARGIN) / 3
        centres = [MARGIN + BOX_W / 2 + i * step for i in range(4)]
        y = 110.0
        functions = [("h", c.h), ("g", c.g), ("f", c.f)]
        arguments = ["x", "u₁", "u₂"]
        derivatives = [("h′(x)", c.dh), ("g′(u₁)", c.dg), ("f′(u₂)", c.df)]
        for i in range(3):
            start, end = QPointF(centres[i] + BOX_W / 2, y), QPointF(centres[i + 1] - BOX_W / 2, y)
            painter.setPen(QPen(palette.INK, 2.0))
            painter.drawLine(start, end)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.INK)
            head = [end, QPointF(end.x() - 12, end.y() - 6), QPointF(end.x() - 12, end.y() + 6)]
            painter.drawPolygon(QPolygonF(head))
            mid = (start.x() + end.x()) / 2
            name, fn = functions[i]
            painter.setFont(_font(14))
            painter.setPen(palette.INK)
            painter.drawText(QRectF(mid - 80, y - 34, 160, 22), Qt.AlignmentFlag.AlignCenter,
                             f"{name}({arguments[i]}) = {fn.of(arguments[i])}")
            symbol, value = derivatives[i]
            painter.setFont(_font(14, True))
            painter.setPen(palette.GRADIENT)
            painter.drawText(QRectF(mid - 80, y + 8, 160, 44),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, f"{symbol}\n= {_number(value)}")
        for centre, name, value in zip(centres, names, values):
            rect = QRectF(centre - BOX_W / 2, y - BOX_H / 2, BOX_W, BOX_H)
            path = QPainterPath()
            path.addRoundedRect(rect, 12, 12)
            painter.setBrush(palette.TARGET_FILL if name.startswith("y") else palette.NEURON_FILL)
            painter.setPen(QPen(palette.INK, 1.4))
            painter.drawPath(path)
            painter.setFont(_font(15, True))
            painter.setPen(palette.INK)
            painter.drawText(QRectF(rect.left(), rect.top() + 4, BOX_W, BOX_H / 2), Qt.AlignmentFlag.AlignCenter, name)
            painter.setFont(_font(15))
            painter.setPen(palette.sign_color(value))
            painter.drawText(QRectF(rect.left(), rect.center().y(), BOX_W, BOX_H / 2 - 4),
                             Qt.AlignmentFlag.AlignCenter, _number(value))
        # the gradient flows back: dy/dx collects one local derivative per arrow
        back_y = y + 90
        painter.setPen(QPen(palette.GRADIENT, 2.0, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(centres[3], y + BOX_H / 2 + 6), QPointF(centres[3], back_y))
        painter.drawLine(QPointF(centres[3], back_y), QPointF(centres[0], back_y))
        painter.drawLine(QPointF(centres[0], back_y), QPointF(centres[0], y + BOX_H / 2 + 6))
        painter.setFont(_font(15, True))
        painter.setPen(palette.GRADIENT)
        text = f"dy/dx = f′(u₂) · g′(u₁) · h′(x) = {_number(c.dydx)}"
        painter.drawText(QRectF(centres[0], back_y + 6, centres[3] - centres[0], 24), Qt.AlignmentFlag.AlignCenter,
                         text)
        painter.end()


class CompositionView(QWidget):
    """Three menus (f, g, h), x, the chain of values and derivatives, and the product dy/dx."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("compositionView")
        self.setWindowTitle("Composition y = f(g(h(x)))")
        self.combos: dict[str, QComboBox] = {}
        row = QHBoxLayout()
        for name, default in zip("fgh", DEFAULT):
            combo = QComboBox()
            combo.setObjectName(f"{name}Combo")
            for key, fn in FUNCTIONS.items():
                formula = fn.of("u")
                combo.addItem(formula if formula == fn.title else f"{formula}   ({fn.title})", key)
            combo.setCurrentIndex(list(FUNCTIONS).index(default))
            combo.setToolTip(f"The function {name}")
            combo.currentIndexChanged.connect(lambda _=0: self.update_values())
            row.addWidget(QLabel(f"{name}(u) ="))
            row.addWidget(combo)
            row.addSpacing(10)
            self.combos[name] = combo
        row.addWidget(QLabel("x ="))
        self.x_spin = QDoubleSpinBox()
        self.x_spin.setObjectName("xSpin")
        self.x_spin.setRange(-X_RANGE, X_RANGE)
        self.x_spin.setDecimals(2)
        self.x_spin.setSingleStep(0.05)
        self.x_spin.setValue(DEFAULT_X)
        self.x_slider = QSlider(Qt.Orientation.Horizontal)
        self.x_slider.setObjectName("xSlider")
        self.x_slider.setRange(int(-X_RANGE * SLIDER_STEPS_PER_UNIT), int(X_RANGE * SLIDER_STEPS_PER_UNIT))
        self.x_slider.setValue(int(DEFAULT_X * SLIDER_STEPS_PER_UNIT))
        self.x_slider.setMinimumWidth(160)
        self.x_slider.valueChanged.connect(lambda v: self.x_spin.setValue(v / SLIDER_STEPS_PER_UNIT))
        self.x_spin.valueChanged.connect(self._x_changed)
        row.addWidget(self.x_spin)
        row.addWidget(self.x_slider, 1)

        self.formula_label = QLabel()
        self.formula_label.setObjectName("compositionFormula")
        self.formula_label.setStyleSheet("font-size: 20px; color: #1e293b; padding: 4px 0;")
        self.canvas = CompositionCanvas()
        self.lines_label = QLabel()
        self.lines_label.setObjectName("compositionLines")
        self.lines_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lines_label.setStyleSheet("font-size: 15px; color: #1e293b;")
        self.product_label = QLabel()
        self.product_label.setObjectName("compositionProduct")
        self.product_label.setWordWrap(True)
        self.product_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.product_label.setStyleSheet("font-size: 16px; font-weight: bold; color: #8b3fd9; padding: 6px;"
                                         " background: #f5f0fd; border: 1px solid #d9c6f5; border-radius: 6px;")
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.formula_label)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.lines_label)
        layout.addWidget(self.product_label)
        self.composition: Composition | None = None
        self.resize(1100, 620)
        self.update_values()

    def _x_changed(self, value: float) -> None:
        slider = int(round(value * SLIDER_STEPS_PER_UNIT))
        if self.x_slider.value() != slider:
            self.x_slider.blockSignals(True)
            self.x_slider.setValue(slider)
            self.x_slider.blockSignals(False)
        self.update_values()

    def choose(self, f: str, g: str, h: str) -> None:
        """Pick the three functions by name (``FUNCTIONS``)."""
        for name, key in zip("fgh", (f, g, h)):
            self.combos[name].setCurrentIndex(list(FUNCTIONS).index(key))

    def update_values(self) -> None:
        f, g, h = (self.combos[name].currentData() for name in "fgh")
        c = compose(f, g, h, self.x_spin.value())
        self.composition = c
        self.formula_label.setText(f"<b>{c.formula()}</b>  with  u₁ = h(x),  u₂ = g(u₁),  y = f(u₂)")
        rows = [f"{name} = {definition} = {_number(value)}" for name, definition, value in c.stages()[1:]]
        rows += [f"{symbol} = {definition} = {_number(value)}" for symbol, definition, value in c.local_derivatives()]
        self.lines_label.setText("<br>".join(superscript_powers(r) for r in rows[:3]) + "<br><br>"
                                 + "<br>".join(superscript_powers(r) for r in rows[3:]))
        self.product_label.setText(superscript_powers(c.product_text()))
        self.canvas.set_composition(c)
