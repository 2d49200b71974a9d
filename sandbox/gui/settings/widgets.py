"""Small widgets of the settings panel: number boxes that take what a teacher types, collapsible sections.

``NumberBox`` is a ``QDoubleSpinBox`` that keeps every digit typed (``0.0005``, ``1e-4``, ``3e-10``
stay exactly those numbers: nothing is rounded to a fixed count of decimals), shows numbers in
their shortest form, and steps either linearly (``step``) or along 1-2-5 (…, 0.01, 0.02, 0.05,
0.1, …) for quantities that span decades (learning rates, λ, ε). ``IntBox`` holds whole numbers of
any size (a seed up to 2⁶³ − 1, a schedule's epochs as large as a file may write them: Qt's spin
box stops at 2³¹ − 1). Like ``ComboBox``, both only react to the mouse wheel when they have the
focus, so scrolling the panel never changes a setting by accident, and they report a value only
when typing is finished (Enter, Tab, leaving the box) or an arrow is pressed: no command per
keystroke.

Every widget that turns into a command signals only what the *user* does, never what the program
shows: the number boxes' ``valueEdited`` comes from a step (arrows, wheel, Page Up/Down) or from
typing that is finished with another value than the one shown, never from ``setValue``; a combo box's
``activated`` and a check box's ``clicked`` are Qt's own user-only signals. So a section shows the
document's values with ``setValue``, ``setCurrentIndex`` and ``setChecked``, and nothing echoes back
as a command (no flag, no blocked signals).

``setting_box`` makes the box of a setting of ``sandbox.files.settings_table``: its range is the
setting's (every value a file may hold can be shown and typed), with its steps and its tooltip.
"""

from __future__ import annotations

import math
import re
import sys

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QValidator
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QSizePolicy,
    QStyle,
    QStyleOptionSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sandbox.explain.markup import to_html
from sandbox.files import settings_table as T
from sandbox.gui.common.formatting import parse_number

#: QDoubleSpinBox rounds every value to this many decimals: Qt's largest, which keeps every float64 from
#: 1e-306 to the largest exactly (every bit of what a teacher types, or a file holds)
DECIMALS = 323
#: significant digits shown and kept after stepping (what a person types never has more)
DIGITS = 12
#: the smallest positive number the box keeps (smaller ones are rounded to 0 at ``DECIMALS`` places)
SMALLEST_POSITIVE = sys.float_info.min

#: the beginning of a number still being typed: ``1.``, ``1e-``, ``1.5×10^``, ``2·10⁻`` (``parse_number``
#: reads the finished forms, powers of ten written the way the window writes them included)
_PARTIAL = re.compile(r"^[-+−]?(\d*([.,]\d*)?)?([eE][-+−]?\d*|\s*[·×*xX]\s*(1|10)?(\^[-+−]?\d*|[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]*)?)?$")


def _short_exponent(text: str) -> str:
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def compact(value: float) -> str:
    """``0.0005`` → ``0.0005``, ``1e-05`` → ``1e-5``, ``0.15000000000000002`` → ``0.15`` (the noise of a
    float sum, a few units in the last place, is not shown); a number with more digits than that, such
    as ``0.1234567890123456`` from a file, is shown with all of them."""
    if value == 0:
        return "0"
    text = f"{value:.{DIGITS}g}"
    if abs(float(text) - value) > 4 * math.ulp(value):
        text = repr(float(value))
    return _short_exponent(text)


def clean(value: float) -> float:
    """``value`` with the noise of floating-point stepping removed (12 significant digits)."""
    return float(f"{value:.{DIGITS}g}")


def next_125(value: float, up: bool) -> float:
    """The next number of the 1-2-5 series above (or below) ``value`` (> 0); beyond the largest float
    ``inf``, below the smallest 0."""
    exponent = math.floor(math.log10(value))
    candidates = sorted({clean(float(f"{m}e{e}")) for e in (exponent - 1, exponent, exponent + 1)
                         for m in (1, 2, 5)})
    finite = [c for c in candidates if 0 < c < math.inf]
    if up:
        return next((c for c in finite if c > value * (1 + 1e-9)), math.inf)
    return next((c for c in reversed(finite) if c < value * (1 - 1e-9)), 0.0)


def representable(value: float) -> float:
    """``value`` as a bound of a ``NumberBox``: a positive bound below what it keeps becomes the smallest
    positive number it keeps (it would be rounded to 0 otherwise)."""
    return SMALLEST_POSITIVE if 0 < value < SMALLEST_POSITIVE else value


class _WheelOnlyWhenFocused:
    """Mix-in: the wheel changes the value only when the box has the keyboard focus."""

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


#: the text a number box's size is made for: its bounds may be the largest floats, whose digits would
#: make the panel as wide as they are (longer numbers scroll in the field)
HINT_TEXT = "−0.0012345"


def _spin_box_hint(box: QAbstractSpinBox, text: str, minimum: bool = False) -> QSize:
    """The size Qt gives a spin box whose longest text is ``text`` (its own hints measure its bounds)."""
    option = QStyleOptionSpinBox()
    box.initStyleOption(option)
    edit = box.lineEdit()
    height = (edit.minimumSizeHint() if minimum else edit.sizeHint()).height()
    width = box.fontMetrics().horizontalAdvance(text + " ") + 2  # and the blinking cursor
    return box.style().sizeFromContents(QStyle.ContentsType.CT_SpinBox, option, QSize(width, height), box)


class NumberBox(_WheelOnlyWhenFocused, QDoubleSpinBox):
    """A spin box for real numbers that keeps what is typed; ``log`` steps along 1-2-5.

    ``valueEdited(value)``: the user changed the value (a step, or typing finished with another
    number); ``setValue`` never emits it (``valueChanged`` is Qt's, for every change)."""

    valueEdited = Signal(float)

    def __init__(self, minimum: float = 0.0, maximum: float = 1e6, step: float | None = None,
                 log: bool = False, smallest: float = 1e-6, parent: QWidget | None = None):
        super().__init__(parent)
        self.log = log
        #: where a 1-2-5 box goes when stepped up from zero (or its minimum)
        self.smallest = smallest
        self.setDecimals(DECIMALS)
        self.setRange(representable(minimum), representable(maximum))
        self.setSingleStep(step if step is not None else 0.1)
        self.setKeyboardTracking(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccelerated(True)
        self.setCorrectionMode(QDoubleSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(64)
        #: the value shown when the user began typing (None: not typing); Qt interprets the text before
        #: ``editingFinished``, so the value typed is compared with this one
        self._typed_over: float | None = None
        self.lineEdit().textEdited.connect(self._on_text_edited)
        self.editingFinished.connect(self._on_editing_finished)

    # ---- text ------------------------------------------------------------------------------
    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt's name
        return compact(value)

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt's name
        if text == self.textFromValue(self.value()):
            return self.value()  # the text shown, not edited: the value itself, every digit kept
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

    def setValue(self, value: float) -> None:  # noqa: N802 - Qt's name
        """Show ``value`` (what was being typed is dropped); ``valueEdited`` is not emitted."""
        self._typed_over = None
        super().setValue(value)

    def _on_text_edited(self, _text: str) -> None:
        if self._typed_over is None:
            self._typed_over = self.value()

    def _on_editing_finished(self) -> None:
        before, self._typed_over = self._typed_over, None
        if before is not None and self.value() != before:
            self.valueEdited.emit(self.value())

    # ---- stepping -----------------------------------------------------------------------------
    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt's name
        """A step of the arrows, the wheel or Page Up/Down: the user's edit (``valueEdited``)."""
        before = value = self.value()
        low, high = self.minimum(), self.maximum()
        if self.log:
            for _ in range(abs(steps)):
                if steps > 0:
                    value = self.smallest if value <= 0 else next_125(value, True)
                elif value <= self.smallest and low <= 0:
                    value = low  # from the smallest step down to 0 (off)
                else:
                    value = next_125(value, False)
                value = min(max(value, low), high)  # beyond the largest float: the largest
        else:
            value = min(max(clean(value + steps * self.singleStep()), low), high)
        self.setValue(value)
        self.selectAll()
        if self.value() != before:
            self.valueEdited.emit(self.value())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return _spin_box_hint(self, HINT_TEXT)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return _spin_box_hint(self, HINT_TEXT, minimum=True)


_WHOLE = re.compile(r"^[-+−]?\d*$")


class IntBox(_WheelOnlyWhenFocused, QAbstractSpinBox):
    """A spin box for whole numbers of any size (Python ints) that reports only finished values.

    ``QSpinBox`` holds 32-bit numbers; a seed may be 2⁶³ − 1 and a schedule's epochs larger still.
    The interface is ``QSpinBox``'s: ``value``, ``setValue``, ``valueChanged``, ``setRange``,
    ``setSingleStep``, …; ``valueEdited`` as ``NumberBox``'s: the user's changes only."""

    valueChanged = Signal(object)  # a Python int, however large
    valueEdited = Signal(object)  # the same, when the user changed it (never from ``setValue``)

    def __init__(self, minimum: int = 0, maximum: int = T.LARGEST_WHOLE_NUMBER, parent: QWidget | None = None):
        super().__init__(parent)
        self._minimum = int(minimum)
        self._maximum = max(int(maximum), self._minimum)
        self._value = self._minimum
        self._step = 1
        self.setKeyboardTracking(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccelerated(True)
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(44)
        self.lineEdit().setText(self.textFromValue(self._value))
        self.editingFinished.connect(self._finish)

    # ---- QSpinBox's interface ------------------------------------------------------------------
    def value(self) -> int:
        return self._value

    def setValue(self, value: int) -> None:  # noqa: N802 - Qt's name
        value = min(max(int(value), self._minimum), self._maximum)
        changed = value != self._value
        self._value = value
        text = self.textFromValue(value)
        edit = self.lineEdit()
        if edit.text() != text:
            edit.setText(text)
            if not self.hasFocus():
                edit.setCursorPosition(0)  # a number longer than the field shows its first digits
        self.update()  # the arrows may have become enabled or disabled
        if changed:
            self.valueChanged.emit(value)

    def minimum(self) -> int:
        return self._minimum

    def maximum(self) -> int:
        return self._maximum

    def setRange(self, minimum: int, maximum: int) -> None:  # noqa: N802 - Qt's name
        self._minimum = int(minimum)
        self._maximum = max(int(maximum), self._minimum)
        self.updateGeometry()
        self.setValue(self._value)

    def setMinimum(self, minimum: int) -> None:  # noqa: N802 - Qt's name
        self.setRange(minimum, max(self._maximum, int(minimum)))

    def setMaximum(self, maximum: int) -> None:  # noqa: N802 - Qt's name
        self.setRange(min(self._minimum, int(maximum)), maximum)

    def singleStep(self) -> int:  # noqa: N802 - Qt's name
        return self._step

    def setSingleStep(self, step: int) -> None:  # noqa: N802 - Qt's name
        self._step = max(1, int(step))

    # ---- text ------------------------------------------------------------------------------------
    def textFromValue(self, value: int) -> str:  # noqa: N802 - Qt's name
        return str(value)

    def valueFromText(self, text: str) -> int:  # noqa: N802 - Qt's name
        cleaned = text.strip().replace("−", "-").replace(",", "").replace(" ", "").replace("_", "")
        return int(cleaned)

    def validate(self, text: str, pos: int):
        stripped = text.strip().replace(",", "").replace(" ", "").replace("_", "")
        if not _WHOLE.match(stripped):
            return QValidator.State.Invalid, text, pos
        try:
            value = self.valueFromText(stripped)
        except ValueError:  # empty, or a sign alone: still being typed
            return QValidator.State.Intermediate, text, pos
        if len(stripped.lstrip("+-−")) > max(len(str(abs(self._minimum))), len(str(abs(self._maximum)))):
            return QValidator.State.Invalid, text, pos
        if self._minimum <= value <= self._maximum:
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def fixup(self, text: str) -> str:
        return self.textFromValue(self._value)

    def _finish(self) -> None:
        """Typing is finished (Enter, leaving the box): take the number typed, or show the value again."""
        text = self.lineEdit().text()
        try:
            value = self.valueFromText(text)
        except ValueError:
            value = None
        if value is not None and self._minimum <= value <= self._maximum and value != self._value:
            self.setValue(value)
            self.valueEdited.emit(self._value)  # the user's number (the same one again is no edit)
        elif text != self.textFromValue(self._value):
            self.lineEdit().setText(self.textFromValue(self._value))

    # ---- stepping ----------------------------------------------------------------------------------
    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt's name
        """A step of the arrows, the wheel or Page Up/Down: the user's edit (``valueEdited``)."""
        before = self._value
        self.setValue(self._value + steps * self._step)
        self.selectAll()
        if self._value != before:
            self.valueEdited.emit(self._value)

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:  # noqa: N802 - Qt's name
        if self.isReadOnly():
            return QAbstractSpinBox.StepEnabledFlag.StepNone
        flags = QAbstractSpinBox.StepEnabledFlag.StepNone
        if self._value < self._maximum:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        if self._value > self._minimum:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        return flags

    # ---- size ------------------------------------------------------------------------------------------
    def _digits(self) -> str:
        """Digits as many as the bounds have, at most 10 (longer numbers scroll in the field)."""
        return "0" * min(10, max(len(str(self._minimum)), len(str(self._maximum))))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return _spin_box_hint(self, self._digits())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return _spin_box_hint(self, self._digits(), minimum=True)


# ---- the boxes of declared settings --------------------------------------------------------------------

def setting_tip(setting: T.Setting, extra: str = "") -> str:
    """A setting's tooltip: its help, formulas rendered (η<sub>e</sub>), as rich text so that it wraps."""
    return f"<p>{to_html(setting.help)}{(' ' + extra) if extra else ''}</p>"


def setting_label(setting: T.Setting) -> str:
    """A setting's label in the panel, its symbol rendered (η<sub>min</sub>)."""
    return to_html(setting.title)


def setting_box(setting: T.Setting) -> NumberBox | IntBox:
    """The spin box of a number setting: every value the file format accepts, and nothing else."""
    lowest, highest = setting.lowest(), setting.highest()
    if setting.kind == "int":
        whole = IntBox(-T.LARGEST_WHOLE_NUMBER if lowest is None else int(lowest),
                       T.LARGEST_WHOLE_NUMBER if highest is None else int(highest))
        if setting.step is not None:
            whole.setSingleStep(int(setting.step))
        return whole
    if setting.kind != "float":
        raise ValueError(f"{setting.key} is a {setting.kind} setting, not a number")
    return NumberBox(-T.LARGEST_NUMBER if lowest is None else float(lowest),
                     T.LARGEST_NUMBER if highest is None else float(highest),
                     step=setting.step, log=setting.log,
                     smallest=setting.smallest if setting.smallest is not None else 1e-6)


class ComboBox(_WheelOnlyWhenFocused, QComboBox):
    """A combo box of (text, data) items that ignores the wheel unless focused.

    Sections connect ``activated`` (the user's choice), never ``currentIndexChanged``."""

    def __init__(self, items: list[tuple[str, object]] = (), parent: QWidget | None = None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumContentsLength(6)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for text, data in items:
            self.addItem(text, data)

    def select_data(self, data) -> None:
        """Show the item holding ``data`` (no ``activated``: that is the user's choice only)."""
        self.setCurrentIndex(self.findData(data))

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
