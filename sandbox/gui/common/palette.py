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

#: one colour per layer of weights (layer 1 = into the first hidden layer), the same in the gradient plot's
#: legend and over the network view's layer titles: distinct hues for up to ten layers
LAYER_COLORS = ["#1f77c4", "#f08a24", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                "#bcbd22", "#17becf"]
#: for more layers, a dark-to-light sequence along these stops (viridis): layer 1 darkest, the output
#: lightest (never the palest yellow, which a white plot would swallow)
_SEQUENCE = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")
_SEQUENCE_END = 0.85


def layer_colors(count: int) -> list[str]:
    """The colour of each of ``count`` layers of weights (see ``LAYER_COLORS``), as "#rrggbb"."""
    if count <= len(LAYER_COLORS):
        return LAYER_COLORS[:count]
    return [_along_sequence(_SEQUENCE_END * l / (count - 1)) for l in range(count)]


def layer_color(layer: int, count: int) -> QColor:
    """The colour of layer ``layer`` (1 = the first layer of weights) of a network of ``count``."""
    return QColor(layer_colors(count)[layer - 1])


def _along_sequence(t: float) -> str:
    stops = [QColor(c) for c in _SEQUENCE]
    x = min(max(t, 0.0), 1.0) * (len(stops) - 1)
    i = min(int(x), len(stops) - 2)
    f = x - i
    a, b = stops[i], stops[i + 1]
    mixed = QColor(round(a.red() + (b.red() - a.red()) * f), round(a.green() + (b.green() - a.green()) * f),
                   round(a.blue() + (b.blue() - a.blue()) * f))
    return str(mixed.name())


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
