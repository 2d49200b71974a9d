"""Small widgets of the settings panel: number boxes that take what a teacher types, collapsible sections.

``NumberBox`` is a ``QDoubleSpinBox`` that keeps every digit typed (``0.0005``, ``1e-4``, ``3e-10``
stay exactly those numbers: nothing is rounded to a fixed count of decimals), shows numbers in
their shortest form, and steps either linearly (``step``) or along 1-2-5 (…, 0.01, 0.02, 0.05,
0.1, …) for quantities that span decades (learning rates, λ, ε). Like ``IntBox`` and
``ComboBox``, it only reacts to the mouse wheel when it has the focus, so scrolling the panel
never changes a setting by accident, and it reports a value only when typing is finished
(Enter, Tab, leaving the box) or an arrow is pressed: no command per keystroke.
"""

from __future__ import annotations

import math
import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QValidator
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFrame, QSizePolicy, QSpinBox, QToolButton,
                               QVBoxLayout, QWidget)

from ..formatting import parse_number

#: enough decimals for any value a teacher types (QDoubleSpinBox rounds to this many places)
DECIMALS = 30
#: significant digits shown and kept after stepping (what a person types never has more)
DIGITS = 12

#: the beginning of a number still being typed: ``1.``, ``1e-``, ``1.5×10^``, ``2·10⁻`` (``parse_number``
#: reads the finished forms, powers of ten written the way the window writes them included)
_PARTIAL = re.compile(r"^[-+−]?(\d*([.,]\d*)?)?([eE][-+−]?\d*|\s*[·×*xX]\s*(1|10)?(\^[-+−]?\d*|[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]*)?)?$")


def compact(value: float) -> str:
    """``0.0005`` → ``0.0005``, ``1e-05`` → ``1e-5``, ``0.15000000000000002`` → ``0.15``."""
    if value == 0:
        return "0"
    text = f"{value:.{DIGITS}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def clean(value: float) -> float:
    """``value`` with the noise of floating-point stepping removed (12 significant digits)."""
    return float(f"{value:.{DIGITS}g}")


def next_125(value: float, up: bool) -> float:
    """The next number of the 1-2-5 series above (or below) ``value`` (> 0)."""
    exponent = math.floor(math.log10(value))
    candidates = [m * 10.0 ** e for e in (exponent - 1, exponent, exponent + 1) for m in (1, 2, 5)]
    candidates = sorted(clean(c) for c in candidates)
    if up:
        return next(c for c in candidates if c > value * (1 + 1e-9))
    return next(c for c in reversed(candidates) if c < value * (1 - 1e-9))


class _WheelOnlyWhenFocused:
    """Mix-in: the wheel changes the value only when the box has the keyboard focus."""

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class NumberBox(_WheelOnlyWhenFocused, QDoubleSpinBox):
    """A spin box for real numbers that keeps what is typed; ``log`` steps along 1-2-5."""

    def __init__(self, minimum: float = 0.0, maximum: float = 1e6, step: float | None = None,
                 log: bool = False, smallest: float = 1e-6, parent: QWidget | None = None):
        super().__init__(parent)
        self.log = log
        #: where a 1-2-5 box goes when stepped up from zero (or its minimum)
        self.smallest = smallest
        self.setDecimals(DECIMALS)
        self.setRange(minimum, maximum)
        self.setSingleStep(step if step is not None else 0.1)
        self.setKeyboardTracking(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccelerated(True)
        self.setCorrectionMode(QDoubleSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(64)

    # ---- text ------------------------------------------------------------------------------
    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt's name
        return compact(value)

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt's name
        try:
            return parse_number(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        stripped = text.strip()
        try:
            value = parse_number(stripped)
        except ValueError:
            state = (QValidator.State.Intermediate if _PARTIAL.match(stripped)
                     else QValidator.State.Invalid)
            return state, text, pos
        if self.minimum() <= value <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def fixup(self, text: str) -> str:
        return compact(self.value())

    # ---- stepping -----------------------------------------------------------------------------
    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt's name
        value = self.value()
        if self.log:
            for _ in range(abs(steps)):
                if steps > 0:
                    value = self.smallest if value <= 0 else next_125(value, True)
                else:
                    value = self.minimum() if value <= self.smallest else next_125(value, False)
        else:
            value = clean(value + steps * self.singleStep())
        self.setValue(min(max(value, self.minimum()), self.maximum()))
        self.selectAll()

    def set_quietly(self, value: float) -> None:
        """Show ``value`` without emitting ``valueChanged``."""
        blocked = self.blockSignals(True)
        self.setValue(value)
        self.blockSignals(blocked)


class IntBox(_WheelOnlyWhenFocused, QSpinBox):
    """A spin box for whole numbers that reports only finished values."""

    def __init__(self, minimum: int = 0, maximum: int = 2_000_000_000, parent: QWidget | None = None):
        super().__init__(parent)
        self.setRange(minimum, maximum)
        self.setKeyboardTracking(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccelerated(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(44)

    def set_quietly(self, value: int) -> None:
        blocked = self.blockSignals(True)
        self.setValue(int(value))
        self.blockSignals(blocked)


class ComboBox(_WheelOnlyWhenFocused, QComboBox):
    """A combo box of (text, data) items that ignores the wheel unless focused."""

    def __init__(self, items: list[tuple[str, object]] = (), parent: QWidget | None = None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumContentsLength(6)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for text, data in items:
            self.addItem(text, data)

    def select_data(self, data) -> None:
        """Show the item holding ``data`` without emitting signals."""
        blocked = self.blockSignals(True)
        index = self.findData(data)
        self.setCurrentIndex(index)
        self.blockSignals(blocked)

    def set_item_enabled(self, index: int, enabled: bool, tooltip: str = "") -> None:
        item = self.model().item(index)
        if item is not None:
            item.setEnabled(enabled)
            item.setToolTip(tooltip)


class Section(QWidget):
    """A titled section whose body folds away when its header is clicked."""

    toggled = Signal(bool)

    def __init__(self, title: str, body: QWidget, expanded: bool = True, tooltip: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.header = QToolButton()
        self.header.setText(title)
        self.header.setCheckable(True)
        self.header.setChecked(expanded)
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setAutoRaise(True)
        self.header.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.header.setToolTip(tooltip)
        font = QFont(self.header.font())
        font.setBold(True)
        self.header.setFont(font)
        self.header.setStyleSheet("QToolButton { border: none; padding: 3px 0px; text-align: left; }")
        self.body = body
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(line)
        layout.addWidget(self.header)
        layout.addWidget(body)
        self.header.toggled.connect(self._on_toggled)
        self._on_toggled(expanded)

    @property
    def expanded(self) -> bool:
        return self.header.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        self.header.setChecked(expanded)

    def _on_toggled(self, expanded: bool) -> None:
        self.header.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.body.setVisible(expanded)
        self.toggled.emit(expanded)
