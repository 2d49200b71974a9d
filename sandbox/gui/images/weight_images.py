"""The "What each neuron looks for" dock (``weightImagesDock``): every first-layer neuron's incoming weights as an
image of the input's rows × columns, larger than in the nodes, on one symmetric colour scale with its bar.

The numbers are the first layer's weight matrix (row j, reshaped: ``colours.weight_images``); the panel only
colours them. It follows the document (an edit, an undo, a training report) at most ``UPDATE_HZ`` times a
second and only while it is visible; a click on an image outlines that neuron in the network view and makes it
the one a walkthrough's explanation follows in that layer.
"""

from __future__ import annotations

import math
import time

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QScrollArea, QToolTip, QWidget

from sandbox.explain.escape import for_terminal
from sandbox.gui.common import palette
from sandbox.gui.common.docks import add_dock
from sandbox.gui.common.formatting import short
from sandbox.gui.images.colours import WEIGHT_LUT, qimage, weight_images, weight_rgb, weight_span
from sandbox.gui.model.document import Document

#: at most this many redraws a second while training reports arrive (as often as the network view follows
#: training, ``document.PROGRESS_HZ``: at 12 a second the dock cost digits.json's training 2 % of its rate)
UPDATE_HZ = 5.0
MARGIN, GAP, LABEL_H, BAR_H = 10, 8, 16, 54
#: the images' side: as big as the dock allows within these bounds (smaller ones scroll into view… never: fit)
MIN_CELL, MAX_CELL = 40, 128


class WeightImagesPanel(QWidget):
    """The grid of weight images with the colour bar above it (objectName ``weightImagesPanel``)."""

    #: (layer, neuron): an image was clicked (layer 1 = the first after the inputs)
    neuronClicked = Signal(int, int)

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("weightImagesPanel")
        self.document = document
        self.setMouseTracking(True)
        self.setMinimumSize(200, 160)
        self._images: list[QImage] = []
        self._arrays = np.zeros((0, 0, 0))
        self._span = 1.0
        self._labels: list[str] = []
        self._last = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.refresh)
        self._stale = True
        for signal in (document.structureChanged, document.valuesChanged, document.progressed):
            signal.connect(self.schedule)
        document.reportTaken.connect(lambda _report: self.schedule())
        self.refresh()

    # ---- what is shown -----------------------------------------------------------------------
    def image_shape(self) -> tuple[int, int] | None:
        """(rows, columns) of the input image, or None when the inputs are not one (or there is no layer)."""
        experiment = self.document.experiment
        return experiment.image_shape() if experiment.network.depth >= 1 else None

    def arrays(self) -> np.ndarray:
        """What the images show: (neurons, rows, columns), the first layer's weight rows reshaped."""
        return self._arrays

    def images(self) -> list[QImage]:
        """One image per first-layer neuron, rows × columns pixels."""
        return list(self._images)

    @property
    def span(self) -> float:
        """The colour scale runs from −span (orange) through 0 (white) to +span (blue)."""
        return self._span

    def schedule(self) -> None:
        """Something changed: redraw now, or soon when the last redraw was less than 1/``UPDATE_HZ`` s ago."""
        self._stale = True
        if not self.isVisible():
            return  # drawn when shown
        wait = 1.0 / UPDATE_HZ - (time.monotonic() - self._last)
        if wait <= 0:
            self.refresh()
        elif not self._timer.isActive():
            self._timer.start(max(1, int(wait * 1000)))

    def refresh(self) -> None:
        """The images from the first layer's current weights."""
        self._timer.stop()
        self._last = time.monotonic()
        self._stale = False
        shape = self.image_shape()
        if shape is None:
            self._images, self._arrays, self._labels = [], np.zeros((0, 0, 0)), []
        else:
            layer = self.document.experiment.network.layers[0]
            self._arrays = weight_images(layer.weights, shape)
            self._span = weight_span(layer.weights)
            rgb = weight_rgb(self._arrays, self._span)
            self._images = [qimage(rgb[j]) for j in range(rgb.shape[0])]
            self._labels = [for_terminal(label) for label in layer.labels]
        self._fit_height()
        self.update()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # ---- geometry ------------------------------------------------------------------------------
    def grid(self) -> tuple[int, int]:
        """(columns, cell side) of the grid that shows every image as big as the panel allows (at least
        ``MIN_CELL``: then as many columns as the width takes, and the rest scrolls)."""
        n = max(1, len(self._images))
        width, height = self.width() - 2 * MARGIN, self.height() - BAR_H - MARGIN
        best = (1, 0)
        for columns in range(1, n + 1):
            rows = math.ceil(n / columns)
            cell = min(width / columns - GAP, height / rows - GAP - LABEL_H)
            if cell > best[1]:
                best = (columns, int(cell))
        if best[1] < MIN_CELL:
            return self._narrow_columns(), MIN_CELL
        return best[0], min(MAX_CELL, best[1])

    def _narrow_columns(self) -> int:
        """Columns of ``MIN_CELL`` images that fit the width (at least 1)."""
        return max(1, int((self.width() - 2 * MARGIN + GAP) // (MIN_CELL + GAP)))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        """As tall as the smallest images need at this width (the scroll area around shows the rest)."""
        rows = math.ceil(max(1, len(self._images)) / self._narrow_columns())
        self.setMinimumHeight(BAR_H + rows * (MIN_CELL + GAP + LABEL_H) + MARGIN if self._images else 160)

    def cell_rect(self, j: int) -> QRectF:
        """Where image ``j`` is drawn."""
        columns, cell = self.grid()
        used = columns * (cell + GAP) - GAP
        left = MARGIN + max(0.0, (self.width() - 2 * MARGIN - used) / 2)
        row, column = divmod(j, columns)
        return QRectF(left + column * (cell + GAP), BAR_H + row * (cell + GAP + LABEL_H), cell, cell)

    def neuron_at(self, x: float, y: float) -> int | None:
        """The neuron whose image (or its label) is at (x, y), or None."""
        for j in range(len(self._images)):
            if self.cell_rect(j).adjusted(0, 0, 0, LABEL_H).contains(QPointF(x, y)):
                return j
        return None

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(460, 420)

    # ---- painting ------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), palette.BACKGROUND)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        font = QFont(self.font())
        font.setPointSizeF(max(7.5, font.pointSizeF() * 0.9))
        painter.setFont(font)
        if not self._images:
            painter.setPen(palette.MUTED)
            painter.drawText(self.rect().adjusted(16, 16, -16, -16), Qt.AlignmentFlag.AlignCenter
                             | Qt.TextFlag.TextWordWrap, "Shown for inputs that are an image: a network file whose "
                             "input layer has an \"image\" (rows and columns of pixels).")
            return
        self._paint_bar(painter)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # square cells: 3× faster drawImage (live)
        for j, image in enumerate(self._images):
            rect = self.cell_rect(j)
            painter.drawImage(rect, image)
            painter.setPen(QPen(palette.MUTED, 1.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect)
            painter.setPen(palette.INK)
            label = self._labels[j] if j < len(self._labels) else f"{j + 1}"
            painter.drawText(QRectF(rect.left() - GAP / 2, rect.bottom() + 1, rect.width() + GAP, LABEL_H),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)

    def _paint_bar(self, painter: QPainter) -> None:
        """The colour scale: a bar from −span to +span, its ends and zero labelled, and what it means."""
        rows, columns = self._arrays.shape[1:]
        painter.setPen(palette.INK)
        painter.drawText(QRectF(MARGIN, 4, self.width() - 2 * MARGIN, 16), Qt.AlignmentFlag.AlignLeft,
                         f"Each neuron's {rows * columns} incoming weights as a {rows}×{columns} image")
        bar = QRectF(MARGIN + 70, 24, max(60.0, self.width() - 2 * MARGIN - 140), 10)
        lut = np.ascontiguousarray(WEIGHT_LUT[None, :, :])
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawImage(bar, qimage(lut))
        painter.setPen(QPen(palette.MUTED, 0.8))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(bar)
        painter.drawLine(QPointF(bar.center().x(), bar.bottom()), QPointF(bar.center().x(), bar.bottom() + 3))
        painter.setPen(palette.MUTED)
        low, high = f"−{self._span:.2g}", f"+{self._span:.2g}"
        painter.drawText(QRectF(MARGIN, bar.top() - 4, 66, 18), Qt.AlignmentFlag.AlignRight, low)
        painter.drawText(QRectF(bar.right() + 4, bar.top() - 4, 66, 18), Qt.AlignmentFlag.AlignLeft, high)
        painter.drawText(QRectF(bar.center().x() - 40, bar.bottom() + 2, 80, 16), Qt.AlignmentFlag.AlignHCenter, "0")
        painter.setPen(QColor(palette.NEGATIVE).darker(130))
        painter.drawText(QRectF(bar.left(), bar.bottom() + 2, bar.width() / 2 - 14, 16),
                         Qt.AlignmentFlag.AlignLeft, "negative")
        painter.setPen(QColor(palette.POSITIVE))
        painter.drawText(QRectF(bar.center().x() + 14, bar.bottom() + 2, bar.width() / 2 - 14, 16),
                         Qt.AlignmentFlag.AlignRight, "positive")

    # ---- mouse ---------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        j = self.neuron_at(event.position().x(), event.position().y())
        if j is not None and event.button() == Qt.MouseButton.LeftButton:
            self.neuronClicked.emit(1, j)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        j = self.neuron_at(event.position().x(), event.position().y())
        self.setCursor(Qt.CursorShape.PointingHandCursor if j is not None else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def tooltip_for(self, j: int) -> str:
        """What the mouse over image ``j`` tells."""
        w = self._arrays[j]
        finite = w[np.isfinite(w)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (math.nan, math.nan)
        rows, columns = w.shape
        return (f"{self._labels[j]}: its {rows * columns} incoming weights as a {rows}×{columns} image, from "
                f"{short(low)} to {short(high)} (blue: positive, orange: negative). Click: show it in the network")

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            pos = event.pos()  # type: ignore[attr-defined]
            j = self.neuron_at(pos.x(), pos.y())
            if j is not None:
                QToolTip.showText(event.globalPos(), self.tooltip_for(j), self)  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


class WeightImages:
    """The dock and its rule: shown when a network with image inputs opens, hidden for the others, until the
    user shows or hides it from the View menu."""

    def __init__(self, window: QMainWindow, document: Document, network_view: QWidget | None = None):
        self.window = window
        self.document = document
        self.panel = WeightImagesPanel(document)
        scroll = QScrollArea()
        scroll.setObjectName("weightImagesScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.panel)
        self.dock: QDockWidget = add_dock(window, "What each neuron looks for", "weightImagesDock", scroll,
                                          Qt.DockWidgetArea.RightDockWidgetArea)
        explanation = window.findChild(QDockWidget, "explanationDock")
        if explanation is not None:
            # under the explanation, where the input-plane map is for 2 inputs (the two never both apply). Not
            # tabified with the map: a layout restored with a tab group of one hidden dock left its tab bar
            # drawn over the window's top left corner ("What eac…" over the File menu)
            window.splitDockWidget(explanation, self.dock, Qt.Orientation.Vertical)
        self.dock.hide()
        #: the user showed or hid the dock: it no longer follows the network
        self.chosen = False
        #: the right column was shared out once (``_share_column``)
        self._sized = False
        self.dock.toggleViewAction().triggered.connect(self._on_chosen)
        show_neuron = getattr(network_view, "show_neuron", None)
        if show_neuron is not None:
            self.panel.neuronClicked.connect(show_neuron)
        # the neuron a big layer's explanation follows (``stepping.neuron_choice``), where the window has one
        choice = getattr(getattr(window, "player", None), "neuron_choice", None)
        if choice is not None:
            self.panel.neuronClicked.connect(choice.choose)
        document.structureChanged.connect(self.follow)
        view_menu = getattr(window, "view_menu", None)
        if view_menu is not None:
            view_menu.addAction(self.dock.toggleViewAction())
        self.follow()

    def _on_chosen(self, _checked: bool = False) -> None:
        self.chosen = True

    def follow(self) -> None:
        """Shown for a network whose inputs are an image, hidden otherwise (unless the user chose); its View menu
        entry is greyed out while there is nothing to show and the dock is hidden."""
        self.dock.toggleViewAction().setEnabled(self.panel.image_shape() is not None or not self.dock.isHidden())
        if self.chosen or getattr(getattr(self.window, "presentation", None), "on", False):
            return
        useful = self.panel.image_shape() is not None
        if self.dock.isHidden() == useful:
            self.dock.setVisible(useful)
            if useful:
                self.dock.raise_()
        if useful and not self._sized:
            QTimer.singleShot(0, self._share_column)

    def _share_column(self) -> None:
        """The first time it shows beside the explanation: about half of the right column each (room for the
        images)."""
        window, dock = self.window, self.dock
        explanation = window.findChild(QDockWidget, "explanationDock")
        if (self._sized or explanation is None or not window.isVisible() or dock.isHidden() or dock.isFloating()
                or window.dockWidgetArea(dock) != window.dockWidgetArea(explanation)
                or explanation in window.tabifiedDockWidgets(dock)):
            return
        self._sized = True
        total = explanation.height() + dock.height()
        share = round(total * (0.5 if total >= 760 else 0.42))  # (a short window: the explanation keeps more)
        window.resizeDocks([explanation, dock], [total - share, share], Qt.Orientation.Vertical)


def install_weight_images(window: QMainWindow) -> WeightImages:
    """The dock in ``window`` (a ``MainWindow``: its ``document`` and ``network_view``)."""
    return WeightImages(window, window.document, getattr(window, "network_view", None))  # type: ignore[attr-defined]
