"""The window's colours: one place, so the view, the legend and the plots agree."""

from __future__ import annotations

from PySide6.QtGui import QColor

POSITIVE = QColor("#1f77c4")      # weights and values above zero (blue, as TF Playground)
NEGATIVE = QColor("#f08a24")      # below zero (orange)
GRADIENT = QColor("#8b3fd9")      # ∂E/∂· values and backward pulses (violet)
UPDATED = QColor("#0f9d6b")       # new values after an update (green)
HIGHLIGHT = QColor("#f5b301")     # the step being shown (amber)
INK = QColor("#1e293b")           # text
MUTED = QColor("#64748b")         # secondary text
FAINT = QColor("#cbd5e1")         # unknown values, outlines of things not reached yet
BACKGROUND = QColor("#fbfcfe")
NEURON_FILL = QColor("#ffffff")
INPUT_FILL = QColor("#eef2f7")
TARGET_FILL = QColor("#fff7e6")

PHASE_COLORS = {
    "forward": QColor("#1f77c4"),
    "loss": QColor("#d9480f"),
    "backward": GRADIENT,
    "update": UPDATED,
}

PHASE_TITLES = {
    "forward": "Forward pass",
    "loss": "Loss",
    "backward": "Backward pass",
    "update": "Update",
}

LAYER_COLORS = ["#1f77c4", "#f08a24", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                "#bcbd22", "#17becf"]


def sign_color(value: float) -> QColor:
    return NEGATIVE if value < 0 else POSITIVE


def tint(value: float, scale: float, strength: float = 0.45) -> QColor:
    """A pale fill for a neuron: the sign's colour mixed into white by the value's size."""
    base = sign_color(value)
    amount = 0.0 if scale <= 0 else min(1.0, abs(value) / scale) * strength
    return QColor(
        round(255 + (base.red() - 255) * amount),
        round(255 + (base.green() - 255) * amount),
        round(255 + (base.blue() - 255) * amount),
    )
