"""Presentation mode (``presentationAction``, View menu, F5 or Ctrl+Shift+P; Esc leaves it): for a projector at
the back of a lecture hall. Every text bigger (the window's font, the explanation's, the loss plot's; the network
fills the room the hidden docks leave, and its texts grow with it), only the network, the explanation and the loss
plot shown. Leaving puts back exactly what was there: the dock layout (``saveState``/``restoreState``), the
fonts, the plots and the toolbar's icons.

A view setting of the window, never part of the experiment (not undoable, not saved in the file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyqtgraph as pg
from PySide6.QtCore import QByteArray, QEvent, QObject, QSize, Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut, QTransform
from PySide6.QtWidgets import QApplication, QDockWidget

if TYPE_CHECKING:
    from sandbox.gui.window.main_window import MainWindow

#: how much bigger everything is written
SCALE = 1.5
#: the toolbar's icons (less than the text: the toolbar keeps Train and Reset in view at 1280 px)
ICON_SCALE = 1.25
#: the explanation's share of the window's width, and the loss plot's of its height
EXPLANATION_SHARE = 0.33
HISTORY_SHARE = 0.22


@dataclass
class _Saved:
    """What presentation mode changed, as it was before."""

    state: QByteArray
    font: QFont
    font_set: bool
    icon_size: QSize
    gradient_visible: bool
    #: the network view's zoom when the user had zoomed (else None: it fits the window again)
    view_transform: QTransform | None
    explanation_scale: float
    #: per plot axis: its tick font and its label's font
    axes: list[tuple[pg.AxisItem, QFont | None, QFont]] = field(default_factory=list)
    #: per text of the plot (title, legend): its text and options
    labels: list[tuple[pg.LabelItem, str, dict[str, Any]]] = field(default_factory=list)
    #: the experiment shown on entering (another opened while presenting decides its own input-plane map)
    experiment: object = None


def _scaled_points(text: str, scale: float) -> str:
    """``font-size:10pt`` → ``font-size:15pt`` (the plot's titles are written as HTML with a size)."""
    return re.sub(r"font-size:\s*(\d+(?:\.\d+)?)pt",
                  lambda m: f"font-size:{round(float(m.group(1)) * scale, 1):g}pt", text)


class Presentation(QObject):
    """Presentation mode of ``window``: on and off with ``presentationAction`` (checkable), off with Esc."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.action = window.actions_.presentation
        self._saved: _Saved | None = None
        self.leave_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
        self.leave_shortcut.setObjectName("leavePresentationShortcut")
        self.leave_shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.leave_shortcut.setEnabled(False)
        self.leave_shortcut.activated.connect(lambda: self.action.setChecked(False))
        self.action.toggled.connect(self.set_on)

    @property
    def on(self) -> bool:
        return self._saved is not None

    def set_on(self, on: bool) -> None:
        if on == self.on:
            return
        if on:
            self._enter()
        else:
            self._leave()
        if self.action.isChecked() != on:
            self.action.setChecked(on)
        self.leave_shortcut.setEnabled(on)

    # ---- on ----------------------------------------------------------------------------------------
    def _enter(self) -> None:
        w = self.window
        toolbar = w.main_toolbar
        saved = _Saved(w.saveState(), QFont(w.font()), w.testAttribute(Qt.WidgetAttribute.WA_SetFont),
                       QSize(toolbar.iconSize()), w.gradient_plot.isVisibleTo(w.gradient_plot.parentWidget()),
                       QTransform(w.network_view.transform())
                       if getattr(w.network_view, "_user_zoomed", False) else None,
                       w.explanation_pane.text_scale, experiment=w.document.experiment)
        self._saved = saved
        font = QFont(w.font())
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * SCALE)
        else:
            font.setPixelSize(round(font.pixelSize() * SCALE))
        w.setFont(font)
        toolbar.setIconSize(saved.icon_size * ICON_SCALE)
        w.explanation_pane.set_text_scale(SCALE)
        self._scale_plot(w.loss_plot, saved)
        w.gradient_plot.hide()
        for dock in w.findChildren(QDockWidget):
            if dock is w.explanation_dock or dock is w.history_dock:
                dock.show()
            else:
                dock.hide()
        w.explanation_dock.raise_()
        w.resizeDocks([w.explanation_dock], [round(w.width() * EXPLANATION_SHARE)], Qt.Orientation.Horizontal)
        w.resizeDocks([w.history_dock], [round(w.height() * HISTORY_SHARE)], Qt.Orientation.Vertical)
        w.network_view.fit_to_window()
        w.statusBar().showMessage("Esc: leave presentation", 6000)

    def _scale_plot(self, plot: pg.PlotWidget, saved: _Saved) -> None:
        item = plot.getPlotItem()
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            tick = axis.style.get("tickFont")
            label = QFont(axis.label.font())
            saved.axes.append((axis, QFont(tick) if tick is not None else None, label))
            bigger = QFont(tick if tick is not None else plot.font())
            bigger.setPointSizeF(max(bigger.pointSizeF(), 8.0) * SCALE)
            axis.setTickFont(bigger)
            label_font = QFont(label)
            label_font.setPointSizeF(max(label.pointSizeF(), 8.0) * SCALE)
            axis.label.setFont(label_font)
            axis.resizeEvent()
        for label in [i for i in plot.scene().items() if isinstance(i, pg.LabelItem)]:
            opts = dict(label.opts)
            saved.labels.append((label, label.text, opts))
            size = opts.get("size")
            new = dict(opts)
            if isinstance(size, str) and size.endswith("pt"):
                new["size"] = f"{float(size[:-2]) * SCALE:g}pt"
            label.setText(_scaled_points(label.text, SCALE), **new)

    # ---- off ---------------------------------------------------------------------------------------
    def _leave(self) -> None:
        w, saved = self.window, self._saved
        assert saved is not None
        self._saved = None
        if saved.font_set:
            w.setFont(saved.font)
        else:  # the font inherited again, as before
            w.setFont(QFont())
            w.setAttribute(Qt.WidgetAttribute.WA_SetFont, False)
        w.main_toolbar.setIconSize(saved.icon_size)
        w.explanation_pane.set_text_scale(saved.explanation_scale)
        for axis, tick, label_font in saved.axes:
            axis.setTickFont(tick)
            axis.label.setFont(label_font)
            axis.resizeEvent()
        for label, text, opts in saved.labels:
            label.setText(text, **opts)
        w.gradient_plot.setVisible(saved.gradient_visible)
        # the smaller toolbar and status bar laid out first, then the docks where they were, settled now
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        w.restoreState(saved.state)
        if w.document.experiment is not saved.experiment:  # another network was opened while presenting:
            w._follow_map_use()  # it decides its own input-plane map, not the layout of before
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        if saved.view_transform is not None:
            w.network_view.setTransform(saved.view_transform)
            w.network_view.zoom(1.0)  # (marks it zoomed by the user again: it keeps this zoom on resizes)
        else:
            w.network_view.fit_to_window()
