"""The gallery of samples: one tile per sample, the misclassified first (``classification.gallery_order``).

A tile shows the sample (its picture when the inputs are an image's pixels, else its feature values), the
predicted and the true class, and the largest class probabilities as small bars; a wrong one has a red frame
and a ✗. Only the first ``PAGE`` tiles (then one more page per "Show more") are laid out, and only those in
view are drawn, so that a test set of hundreds stays quick. Clicking a tile asks for that sample's walkthrough
(``sampleClicked``: its row in the set shown).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from sandbox.gui.classes.matrix_view import RIGHT, WRONG, mix, percent
from sandbox.gui.classes.results import SetResults
from sandbox.gui.common import palette
from sandbox.gui.common.formatting import short
from sandbox.gui.images.colours import grey_range

#: tiles laid out at first, and added by each "Show more"
PAGE = 60
TILE_W, TILE_H = 96.0, 150.0
GAP = 6.0
PICTURE = 52.0
#: class probabilities listed on a tile (the largest), and feature values (the first)
TOP_CLASSES = 3
FEATURE_LINES = 4
SELECTED = QColor("#1f77c4")


def image_of(pixels: NDArray[np.float64], rows: int, columns: int, low: float, high: float) -> QImage:
    """A sample's picture: its inputs row by row (input k = pixel (k // columns, k % columns)), grey from white
    (``low``) to black (``high``), as ink on paper."""
    span = high - low if high > low else 1.0
    ink = np.clip((np.asarray(pixels, dtype=np.float64)[: rows * columns] - low) / span, 0.0, 1.0)
    grey = np.ascontiguousarray(np.round(255.0 * (1.0 - ink)).astype(np.uint8).reshape(rows, columns))
    return QImage(grey.tobytes(), columns, rows, columns, QImage.Format.Format_Grayscale8).copy()


class SampleGallery(QWidget):
    """The tiles of a ``SetResults`` (``set_results``), in a scroll area; see the module docstring."""

    #: a tile was clicked: its sample's row in the set shown
    sampleClicked = Signal(int)
    #: the number of tiles laid out or the samples shown changed (the footer's text)
    layoutChanged = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("testGallery")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.results: SetResults | None = None
        #: the inputs are an image's (rows, columns) of pixels: tiles draw pictures
        self.image: tuple[int, int] | None = None
        self.input_labels: list[str] = []
        #: only the samples of this (true, predicted) cell, when one is chosen in the matrix
        self.cell: tuple[int, int] | None = None
        #: how many tiles are laid out
        self.limit = PAGE
        #: the sample whose walkthrough is shown (its row), outlined
        self.selected: int | None = None
        self._rows: NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._pictures: dict[int, QImage] = {}
        self._picture_key: tuple = ()
        self._range = (0.0, 1.0)
        self._drawn_before: tuple = ()

    # ---- what is shown -------------------------------------------------------------------------
    def set_results(self, results: SetResults | None, image: tuple[int, int] | None = None,
                    input_labels: list[str] | None = None, data_version: int = 0) -> None:
        """Show ``results``' samples in its gallery order; ``image`` (rows, columns) when the inputs are pixels;
        ``data_version`` counts the edits of the data (an input edited in place: its picture is drawn again)."""
        key = (id(results.inputs) if results is not None else None, image, data_version)
        if key != self._picture_key:
            self._pictures.clear()
            self._picture_key = key
            if results is not None and results.size:
                self._range = grey_range(results.inputs)  # the network view's picture's ends
        if results is None or self.results is None or results.which != self.results.which:
            self.limit = PAGE
            self.cell = None
            self.selected = None
        self.results = results
        fits = image is not None and results is not None and image[0] * image[1] == results.inputs.shape[1] > 0
        self.image = image if fits else None
        self.input_labels = list(input_labels or [])
        self._reorder()

    def set_cell(self, cell: tuple[int, int] | None) -> None:
        """Show only the samples of true class ``cell[0]`` predicted as ``cell[1]`` (None: all)."""
        self.cell = cell
        self.limit = PAGE
        self._reorder()

    def show_more(self) -> None:
        """Lay out one more page of tiles."""
        self.limit += PAGE
        self._reorder()

    def _reorder(self) -> None:
        r = self.results
        if r is None:
            self._rows = np.zeros(0, dtype=np.int64)
        else:
            order = r.order
            if self.cell is not None:
                true, predicted = self.cell
                order = order[(r.truth[order] == true) & (r.predicted[order] == predicted)]
            self._rows = order
        height = self.heightForWidth(self.width())
        if height != self.height():
            self.setFixedHeight(height)
        drawn = self._drawn()
        if drawn != self._drawn_before:  # (while training: a repaint only when a tile would look different)
            self._drawn_before = drawn
            self.update()
        self.layoutChanged.emit()

    def _drawn(self) -> tuple:
        """What the tiles show, to the percent: their samples, classes and probabilities, the one selected."""
        r = self.results
        if r is None:
            return ()
        rows = self._rows[: self.limit]
        shares = np.nan_to_num(np.round(100.0 * r.probabilities[rows]), nan=-1.0)
        return (r.which, self._picture_key, rows.tobytes(), shares.tobytes(), r.predicted[rows].tobytes(),
                self.selected, self.width())

    @property
    def total(self) -> int:
        """Samples in the gallery (all of the set, or those of the chosen cell)."""
        return int(len(self._rows))

    def shown_rows(self) -> list[int]:
        """The samples whose tiles are laid out, in order (rows of the set)."""
        return [int(i) for i in self._rows[: self.limit]]

    # ---- geometry ------------------------------------------------------------------------------
    def columns(self, width: float | None = None) -> int:
        width = float(self.width() if width is None else width)
        return max(1, int((width - GAP) // (TILE_W + GAP)))

    def tile_rect(self, k: int) -> QRectF:
        """Where tile ``k`` (0 = first shown) is drawn."""
        columns = self.columns()
        left = max(GAP, (self.width() - columns * (TILE_W + GAP) + GAP) / 2.0)
        row, column = divmod(k, columns)
        return QRectF(left + column * (TILE_W + GAP), GAP + row * (TILE_H + GAP), TILE_W, TILE_H)

    def tile_of(self, sample: int) -> int | None:
        """The tile showing sample ``sample`` (its row in the set), if it is laid out."""
        rows = self.shown_rows()
        return rows.index(sample) if sample in rows else None

    def tile_at(self, point: QPointF) -> int | None:
        for k in range(min(self.limit, self.total)):
            if self.tile_rect(k).contains(point):
                return k
        return None

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        shown = min(self.limit, self.total)
        rows = math.ceil(shown / self.columns(width)) if shown else 0
        return math.ceil(GAP + rows * (TILE_H + GAP))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(round(4 * (TILE_W + GAP) + GAP), self.heightForWidth(round(4 * (TILE_W + GAP) + GAP)))

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        height = self.heightForWidth(self.width())
        if height != self.height():
            self.setFixedHeight(height)

    # ---- drawing -------------------------------------------------------------------------------
    def picture(self, sample: int) -> QImage | None:
        """Sample ``sample``'s picture (made once per data set)."""
        if self.image is None or self.results is None:
            return None
        image = self._pictures.get(sample)
        if image is None:
            rows, columns = self.image
            image = image_of(self.results.inputs[sample], rows, columns, *self._range)
            self._pictures[sample] = image
        return image

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        r = self.results
        if r is None:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        exposed = QRectF(event.rect())
        for k, sample in enumerate(self.shown_rows()):
            rect = self.tile_rect(k)
            if rect.intersects(exposed):
                self._draw_tile(p, rect, r, sample)
        p.end()

    def _draw_tile(self, p: QPainter, rect: QRectF, r: SetResults, sample: int) -> None:
        truth, predicted = int(r.truth[sample]), int(r.predicted[sample])
        wrong = truth != predicted
        selected = sample == self.selected
        font = QFont(self.font())
        small = QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        bold = QFont(font)
        bold.setBold(True)
        metrics = QFontMetricsF(small)
        # the card
        p.setPen(QPen(SELECTED if selected else WRONG if wrong else palette.FAINT, 2.5 if selected or wrong else 1.0))
        p.setBrush(mix(WRONG, 0.07) if wrong else QColor("white"))
        p.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 5, 5)
        x, y, w = rect.x() + 6, rect.y() + 4, rect.width() - 12
        # number and verdict
        p.setFont(small)
        p.setPen(palette.MUTED)
        p.drawText(QRectF(x, y, w, 14), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"#{sample + 1}")
        p.setPen(WRONG if wrong else RIGHT)
        p.setFont(bold)
        p.drawText(QRectF(x, y, w, 14), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                   "✗" if wrong else "✓")
        y += 16
        # the sample
        picture = self.picture(sample)
        area = QRectF(x, y, w, PICTURE)
        if picture is not None:
            rows, columns = self.image or (1, 1)
            scale = min(PICTURE / rows, w / columns)
            size = QRectF(0, 0, columns * scale, rows * scale)
            size.moveCenter(area.center())
            p.save()
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            p.drawImage(size, picture)
            p.restore()
            p.setPen(QPen(palette.FAINT, 1.0))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(size)
        else:
            self._draw_features(p, area, r.inputs[sample], small, metrics)
        y += PICTURE + 3
        # predicted and true class
        names = r.class_names
        p.setFont(bold)
        p.setPen(WRONG if wrong else palette.INK)
        says = f"says {names[predicted]}"
        if QFontMetricsF(bold).horizontalAdvance(says) > w:  # a long class name: the name alone, as it fits
            says = names[predicted]
        p.drawText(QRectF(x, y, w, 16), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   QFontMetricsF(bold).elidedText(says, Qt.TextElideMode.ElideRight, w))
        y += 16
        p.setFont(small)
        p.setPen(palette.INK if wrong else palette.MUTED)
        p.drawText(QRectF(x, y, w, 14), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   metrics.elidedText(f"true {names[truth]}", Qt.TextElideMode.ElideRight, w))
        y += 17
        # the largest probabilities
        probabilities = r.probabilities[sample]
        top = np.argsort(-np.nan_to_num(probabilities, nan=-1.0), kind="stable")[:TOP_CLASSES]
        name_width = min(30.0, max(metrics.horizontalAdvance(names[c]) for c in top) + 4)
        bar_left, bar_width = x + name_width, w - name_width - 30
        for c in top:
            share = float(probabilities[c])
            p.setPen(palette.INK)
            p.drawText(QRectF(x, y, name_width - 2, 13), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       metrics.elidedText(names[c], Qt.TextElideMode.ElideRight, name_width - 3))
            p.fillRect(QRectF(bar_left, y + 3, bar_width, 7), QColor("#eef2f7"))
            if math.isfinite(share):
                colour = RIGHT if c == truth else WRONG if c == predicted else palette.MUTED
                p.fillRect(QRectF(bar_left, y + 3, bar_width * min(max(share, 0.0), 1.0), 7), colour)
            p.setPen(palette.MUTED)
            p.drawText(QRectF(bar_left + bar_width + 2, y, 30, 13),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, _short_percent(share))
            y += 13

    def _draw_features(self, p: QPainter, area: QRectF, values: NDArray[np.float64], font: QFont,
                       metrics: QFontMetricsF) -> None:
        """A sample that is not a picture: its first feature values, one a line, named."""
        p.setFont(font)
        n = len(values)
        lines = min(n, FEATURE_LINES)
        rows = lines + (1 if n > lines else 0)
        line = min(14.0, area.height() / max(rows, 1))
        top = area.y() + (area.height() - rows * line) / 2.0  # (a few values: in the middle of the picture's room)
        for i in range(lines):
            name = self.input_labels[i] if i < len(self.input_labels) else f"x{i + 1}"
            row = QRectF(area.x(), top + i * line, area.width(), line)
            value = short(float(values[i]))
            p.setPen(palette.INK)
            p.drawText(row, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, value)
            p.setPen(palette.MUTED)
            room = area.width() - metrics.horizontalAdvance(value) - 4
            p.drawText(row, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       metrics.elidedText(name, Qt.TextElideMode.ElideRight, room))
        if n > lines:
            p.setPen(palette.MUTED)
            p.drawText(QRectF(area.x(), top + lines * line, area.width(), line),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"… {n - lines} more")

    # ---- the mouse -----------------------------------------------------------------------------
    def tooltip_of(self, sample: int) -> str:
        r = self.results
        if r is None:
            return ""
        names = r.class_names
        truth, predicted = int(r.truth[sample]), int(r.predicted[sample])
        verdict = "right" if truth == predicted else "wrong"
        return (f"{r.source(sample).capitalize()}: true class {names[truth]}, the network says {names[predicted]} "
                f"({percent(float(r.probabilities[sample, predicted]))}), {verdict}. Click to step through the "
                "update this sample alone would make (shown, not applied)")

    def event(self, event) -> bool:  # type: ignore[no-untyped-def]
        if event.type() == event.Type.ToolTip:
            k = self.tile_at(QPointF(event.pos()))
            if k is not None:
                QToolTip.showText(event.globalPos(), self.tooltip_of(self.shown_rows()[k]), self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        k = self.tile_at(event.position())
        if event.button() != Qt.MouseButton.LeftButton or k is None:
            super().mousePressEvent(event)
            return
        self.sampleClicked.emit(self.shown_rows()[k])

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        over = self.tile_at(event.position()) is not None
        self.setCursor(Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)


def _short_percent(share: float) -> str:
    """A probability in a tile's narrow column: "97 %", "<1 %", "—"."""
    if not math.isfinite(share):
        return "—"
    value = 100.0 * share
    if 0.0 < value < 1.0:
        return "<1%"
    return f"{round(value):d}%"
