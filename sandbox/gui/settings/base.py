"""What every section of the settings panel shares: its panel, the document, compact forms with tooltips."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

if TYPE_CHECKING:
    from sandbox.engine import Experiment
    from sandbox.gui.model.document import Document
    from sandbox.gui.settings.panel import SettingsPanel


class SettingsSection(QWidget):
    """One section of the panel: builds its widgets, shows the document's values in ``refresh``, and
    turns the user's edits into commands through the panel: its widgets' user-only signals
    (``activated``, ``clicked``, ``valueEdited``), never those that showing a value emits."""

    title = ""
    tooltip = ""
    expanded = True

    def __init__(self, panel: SettingsPanel):
        super().__init__()
        self.panel = panel

    @property
    def document(self) -> Document:
        return self.panel.document

    @property
    def experiment(self) -> Experiment:
        return self.panel.document.experiment

    def refresh(self) -> None:
        """Show the document's values (setting a widget's value is never taken for the user's edit)."""

    def refresh_counters(self) -> None:
        """The iteration or epoch changed (training); cheap updates only."""


def form(parent: QWidget | None = None) -> QFormLayout:
    """A compact two-column form that fits a narrow dock."""
    layout = QFormLayout(parent)
    layout.setContentsMargins(SECTION_INDENT, 0, 2, 8)
    layout.setHorizontalSpacing(8)
    layout.setVerticalSpacing(4)
    layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    layout.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return layout


#: left indent of a section's body under its header
SECTION_INDENT = 8
#: the longest label of the panel: every form's first column is this wide, so the fields line up
LONGEST_LABEL = "Learning rate η"


def label_width(label: QLabel) -> int:
    return label.fontMetrics().horizontalAdvance(LONGEST_LABEL) + 4


def add_row(layout: QFormLayout, label: str, field: QWidget, tip: str = "") -> QLabel:
    """A labelled row; the label and the field share the tooltip."""
    text = QLabel(label)
    text.setMinimumWidth(label_width(text))
    text.setToolTip(tip)
    field.setToolTip(tip)
    text.setBuddy(field)
    layout.addRow(text, field)
    return text


def hint(text: str = "") -> QLabel:
    """Small grey explanatory text that wraps."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setStyleSheet("color: #64748b;")
    font = label.font()
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * 0.92)
    label.setFont(font)
    return label
