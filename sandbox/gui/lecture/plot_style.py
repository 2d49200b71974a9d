"""One look for the views' pyqtgraph plots: white background, dark readable axes, titled axes."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QFont, QGuiApplication
from PySide6.QtWidgets import QWidget

from sandbox.gui.common.formatting import superscript_powers

INK = "#1e293b"
MUTED = "#64748b"
GRID_ALPHA = 0.18
#: the series colours of the views (colour-blind-friendly order)
SERIES = ["#1f77c4", "#d9480f", "#0f9d6b", "#8b3fd9", "#b8860b", "#e377c2"]


def font(point_size: float = 10.0, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(point_size)
    f.setBold(bold)
    return f


def styled_plot(title: str = "", x_label: str = "", y_label: str = "", parent=None,
                font_size: float = 10.0) -> pg.PlotWidget:
    """A PlotWidget with white background, dark axes and labels, light grid, no context menu."""
    plot = pg.PlotWidget(parent=parent, background="w")
    item = plot.getPlotItem()
    item.setMenuEnabled(False)
    item.hideButtons()
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        axis.setPen(pg.mkPen(MUTED))
        axis.setTextPen(pg.mkPen(INK))
        axis.setTickFont(font(font_size - 1))
    item.showGrid(x=True, y=True, alpha=GRID_ALPHA)
    style = {"color": INK, "font-size": f"{font_size}pt"}
    if x_label:
        item.setLabel("bottom", x_label, **style)
    if y_label:
        item.setLabel("left", y_label, **style)
    if title:
        item.setTitle(title, color=INK, size=f"{font_size + 1}pt")
    return plot


def fitting_size(widget: QWidget, width: int, height: int) -> QSize:
    """``width`` × ``height``, or less when the screen's available area is smaller (room for the frame)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(width, height)
    area = screen.availableGeometry()
    return QSize(max(480, min(width, area.width() - 16)), max(360, min(height, area.height() - 48)))


def pen(color: str, width: float = 2.0, dashed: bool = False) -> pg.QtGui.QPen:
    p = pg.mkPen(QColor(color), width=width)
    if dashed:
        p.setStyle(pg.QtCore.Qt.PenStyle.DashLine)
    return p


def legend(plot: pg.PlotWidget, offset=(10, 10), columns: int = 1) -> pg.LegendItem:
    leg = plot.getPlotItem().addLegend(offset=offset, colCount=columns,
                                       brush=pg.mkBrush(255, 255, 255, 220), pen=pg.mkPen("#cbd5e1"),
                                       labelTextColor=INK, labelTextSize="9pt")
    return leg


def log_label(value: float) -> str:
    """A log-axis label: plain between 0.001 and 10⁴ (0.05, 2, 500), else a power of ten with a real
    superscript (10⁻⁵, 2·10⁻⁶, 5·10⁷), never ``1e-05``."""
    if value <= 0:
        return ""
    if 1e-3 <= value < 1e5:
        return f"{value:g}"
    exponent = math.floor(math.log10(value) + 1e-9)
    mantissa = round(value / 10.0 ** exponent, 6)
    power = superscript_powers(f"10^{exponent}".replace("-", "−"))
    return power if mantissa == 1 else f"{mantissa:g}·{power}"


def _sparse_log_strings(values, scale, spacing) -> list[str]:
    """Log-axis labels at 1, 2 and 5 × 10^k only (see ``log_label``)."""
    out = []
    for v in values:
        value = 10.0 ** v
        mantissa = value / 10.0 ** math.floor(v + 1e-9)
        out.append(log_label(value) if min(abs(mantissa - m) for m in (1.0, 2.0, 5.0)) < 1e-6 else "")
    return out


def _is_one_two_five(log_value: float) -> bool:
    mantissa = 10.0 ** (log_value - math.floor(log_value + 1e-9))
    return min(abs(mantissa - m) for m in (1.0, 2.0, 5.0)) < 1e-6


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """About ``count`` round values (steps of 1, 2, 2.5 or 5 × 10^k) between ``low`` and ``high``."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return []
    raw = (high - low) / max(1, count)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * magnitude >= raw * 0.999)
    first = math.ceil(low / step - 1e-9)
    values = []
    k = first
    while k * step <= high * (1 + 1e-12) and len(values) < 4 * count:
        if k * step > 0:
            values.append(round(k * step, 12))
        k += 1
    return values


def log_tick_values(axis: pg.AxisItem):
    """``axis.logTickValues``: pyqtgraph's ticks, labelled at 1, 2 and 5 × 10^k; when fewer than two of
    those fall in the visible range (a loss between 0.6 and 0.75), a few round values instead, all
    labelled, so that a log axis always has numbers."""
    default = pg.AxisItem.logTickValues

    def values(min_value: float, max_value: float, size: float, standard: list) -> list:
        ticks, seen = [], set()
        for spacing, level in default(axis, min_value, max_value, size, standard):
            # pyqtgraph's minor level repeats the decades of the major one: drawn twice, they look bold
            level = [v for v in level if round(v, 9) not in seen]
            seen.update(round(v, 9) for v in level)
            ticks.append((spacing, level))
        inside = [v for _, level in ticks for v in level if min_value <= v <= max_value]
        axis._round_log_ticks = sum(_is_one_two_five(v) for v in inside) < 2
        if not axis._round_log_ticks:
            return ticks
        return [(None, [math.log10(v) for v in nice_ticks(10.0 ** min_value, 10.0 ** max_value, 5)])]

    return values


def log_tick_strings(axis: pg.AxisItem):
    """``axis.logTickStrings``: see ``log_tick_values``."""

    def strings(values, scale, spacing) -> list[str]:
        if getattr(axis, "_round_log_ticks", False):
            return [log_label(float(f"{10.0 ** v:.4g}")) for v in values]
        return _sparse_log_strings(values, scale, spacing)

    return strings


def readable_log_axes(plot: pg.PlotWidget, sides=("left", "bottom")) -> None:
    """Label log axes sparsely (1, 2, 5 per decade) with plain numbers instead of 9·10¹ crowds, and
    with a few round numbers when the range is too short for any of those."""
    for side in sides:
        axis = plot.getPlotItem().getAxis(side)
        axis.enableAutoSIPrefix(False)
        axis.logTickValues = log_tick_values(axis)
        axis.logTickStrings = log_tick_strings(axis)
