"""The confusion matrix, drawn: rows the true class, columns the predicted one, each class's accuracy beside its
row and the overall accuracy below.

Each cell shows its count and is shaded by its share of the row (the true class's samples): the diagonal (right)
in green with a darker outline, the rest (wrong) in red, so a row's colour says where that class's samples went.
Clicking a cell asks for its samples (``cellClicked``: the gallery shows only them); clicking it again shows all.
The numbers are the engine's (``SetResults``); the texts drawn are ``cell_text``, ``accuracy_text`` and
``overall_text``, which the tests read.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from sandbox.gui.classes.results import SetResults
from sandbox.gui.common import palette

#: a cell's side (pixels): as large as the width allows, within these
CELL_MIN, CELL_MAX = 20.0, 64.0
#: room for the axis titles, the column labels, the accuracy column and the overall line
AXIS_TITLE = 16.0
HEADER = 18.0
ACCURACY_GAP = 8.0
ACCURACY_WIDTH = 50.0
FOOTER = 24.0
MARGIN = 4.0
ROW_LABEL_MAX = 72.0
#: the shades of right (diagonal) and wrong (elsewhere) cells, mixed into white by the share of the row
RIGHT = QColor("#15803d")
WRONG = QColor("#dc2626")
EMPTY = QColor("#f8fafc")
GRID = QColor("#e2e8f0")
#: shades darker than this share get white numbers
DARK_SHARE = 0.55


def percent(share: float | None) -> str:
    """``0.9722`` → ``97.2 %``; "—" for an unknown share (a class without samples)."""
    if share is None or not math.isfinite(share):
        return "—"
    return f"{round(100.0 * share, 1):g} %"


def mix(colour: QColor, amount: float) -> QColor:
    """``colour`` mixed into white: 0 white, 1 the colour itself."""
    a = min(max(amount, 0.0), 1.0)
    return QColor(round(255 + (colour.red() - 255) * a), round(255 + (colour.green() - 255) * a),
                  round(255 + (colour.blue() - 255) * a))


class ConfusionMatrixView(QWidget):
    """The matrix of a ``SetResults`` (``set_results``); empty until it has one."""

    #: (true class, predicted class) clicked: its samples asked for; (−1, −1): all samples again
    cellClicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("confusionMatrix")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.results: SetResults | None = None
        #: the cell whose samples the gallery shows, if any
        self.chosen: tuple[int, int] | None = None
        self._label_width: tuple[object, float] = (None, 0.0)
        self._grid_of: tuple[object, tuple[QPointF, float]] = (None, (QPointF(), 0.0))

    # ---- what is shown ---------------------------------------------------------------------------
    def set_results(self, results: SetResults | None) -> None:
        """Show ``results`` (None: nothing); a chosen cell stays chosen while its set is shown."""
        if results is None or self.results is None or results.which != self.results.which or \
                results.matrix.shape != self.results.matrix.shape:
            self.chosen = None
        before = self.results
        resized = results is None or before is None or results.class_names != before.class_names
        self.results = results
        if resized:  # (only then: a new geometry lays the whole window out again)
            self.updateGeometry()
        if resized or results is None or before is None or results.which != before.which or \
                not np.array_equal(results.matrix, before.matrix):  # (while training: mostly the same counts)
            self.update()

    @property
    def classes(self) -> int:
        return 0 if self.results is None else int(self.results.matrix.shape[0])

    def cell_text(self, row: int, column: int) -> str:
        """The number drawn in a cell: its count ("" for none, so that the mistakes stand out)."""
        assert self.results is not None
        count = int(self.results.matrix[row, column])
        return str(count) if count or row == column else ""

    def accuracy_text(self, row: int) -> str:
        """The accuracy beside row ``row``: the share of that true class classified right."""
        assert self.results is not None
        return percent(float(self.results.class_accuracy[row]))

    def overall_text(self) -> str:
        """The line below the matrix: the overall accuracy and of how many samples."""
        r = self.results
        if r is None:
            return ""
        noun = "test samples" if r.which == "test" else "training samples"
        right = int(r.matrix.trace())
        return f"Overall {percent(r.overall)} right: {right:,} of {r.size:,} {noun}"

    def share(self, row: int, column: int) -> float:
        """A cell's count as a share of its row (the true class's samples), which its shade shows."""
        assert self.results is not None
        total = int(self.results.matrix[row].sum())
        return int(self.results.matrix[row, column]) / total if total else 0.0

    # ---- geometry --------------------------------------------------------------------------------------
    def _row_label_width(self) -> float:
        names = tuple(self.results.class_names) if self.results is not None else ()
        key = (names, self.font().key())
        if self._label_width[0] != key:  # (measured once per set of names, not per cell drawn)
            metrics = QFontMetricsF(self.font())
            widest = max((metrics.horizontalAdvance(name) for name in names), default=0.0)
            self._label_width = (key, min(ROW_LABEL_MAX, widest + 8.0) if names else 0.0)
        return self._label_width[1]

    def cell_size(self, width: float | None = None) -> float:
        k = max(self.classes, 1)
        width = float(self.width() if width is None else width)
        free = width - 2 * MARGIN - AXIS_TITLE - self._row_label_width() - ACCURACY_GAP - ACCURACY_WIDTH
        return max(CELL_MIN, min(CELL_MAX, free / k))

    def _origin(self) -> QPointF:
        """The top-left corner of the cells, the matrix centred in the width."""
        k, cell = self.classes, self.cell_size()
        used = AXIS_TITLE + self._row_label_width() + k * cell + ACCURACY_GAP + ACCURACY_WIDTH
        left = max(MARGIN, (self.width() - used) / 2.0)
        return QPointF(left + AXIS_TITLE + self._row_label_width(), MARGIN + AXIS_TITLE + HEADER)

    def _grid(self) -> tuple[QPointF, float]:
        """The cells' top-left corner and side, worked out once per width and set of classes."""
        key = (self.width(), tuple(self.results.class_names) if self.results is not None else (), self.font().key())
        if self._grid_of[0] != key:
            self._grid_of = (key, (self._origin(), self.cell_size()))
        return self._grid_of[1]

    def cell_rect(self, row: int, column: int) -> QRectF:
        """Where a cell is drawn (widget coordinates)."""
        o, cell = self._grid()
        return QRectF(o.x() + column * cell, o.y() + row * cell, cell, cell)

    def cell_at(self, point: QPointF) -> tuple[int, int] | None:
        """The (true, predicted) cell under ``point``, if any."""
        k = self.classes
        if k == 0:
            return None
        o, cell = self._grid()
        column = math.floor((point.x() - o.x()) / cell)
        row = math.floor((point.y() - o.y()) / cell)
        return (row, column) if 0 <= row < k and 0 <= column < k else None

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        if self.classes == 0:
            return 0
        return math.ceil(2 * MARGIN + AXIS_TITLE + HEADER + self.classes * self.cell_size(width) + FOOTER)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        width = 360
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        k = max(self.classes, 1)
        width = round(2 * MARGIN + AXIS_TITLE + self._row_label_width() + k * CELL_MIN + ACCURACY_GAP + ACCURACY_WIDTH)
        return QSize(width, self.heightForWidth(width))

    # ---- drawing ---------------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        r = self.results
        if r is None:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        k = self.classes
        o, cell = self._grid()
        font = QFont(self.font())
        small = QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        bold = QFont(font)
        bold.setBold(True)
        metrics = QFontMetricsF(small)
        label_width = self._row_label_width()
        # axis titles
        p.setPen(palette.MUTED)
        p.setFont(small)
        p.drawText(QRectF(o.x(), MARGIN, k * cell, AXIS_TITLE), Qt.AlignmentFlag.AlignCenter, "predicted class →")
        p.drawText(QRectF(o.x() + k * cell + ACCURACY_GAP, MARGIN, ACCURACY_WIDTH + 20, AXIS_TITLE),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "right")
        p.save()
        p.translate(o.x() - label_width - AXIS_TITLE / 2.0, o.y() + k * cell / 2.0)
        p.rotate(-90)
        p.drawText(QRectF(-k * cell / 2.0, -AXIS_TITLE / 2.0, k * cell, AXIS_TITLE), Qt.AlignmentFlag.AlignCenter,
                   "← true class" if k > 2 else "true")
        p.restore()
        # class names: over the columns, before the rows
        p.setPen(palette.INK)
        for i, name in enumerate(r.class_names):
            column = QRectF(o.x() + i * cell, o.y() - HEADER, cell, HEADER)
            p.drawText(column, Qt.AlignmentFlag.AlignCenter,
                       metrics.elidedText(name, Qt.TextElideMode.ElideRight, cell - 2))
            row = QRectF(o.x() - label_width, o.y() + i * cell, label_width - 6, cell)
            p.drawText(row, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       metrics.elidedText(name, Qt.TextElideMode.ElideRight, label_width - 6))
        # the cells
        count_font = QFont(font if cell >= 26 else small)
        for i in range(k):
            for j in range(k):
                rect = self.cell_rect(i, j)
                share = self.share(i, j)
                count = int(r.matrix[i, j])
                base = RIGHT if i == j else WRONG
                fill = mix(base, 0.12 + 0.88 * share) if count else EMPTY
                p.fillRect(rect, fill)
                p.setPen(QPen(GRID, 1.0))
                p.drawRect(rect)
                text = self.cell_text(i, j)
                if text:
                    p.setFont(bold if i == j else count_font)
                    p.setPen(QColor("white") if count and 0.12 + 0.88 * share > DARK_SHARE else palette.INK)
                    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        # the diagonal's outline: the right answers, whatever their count
        p.setPen(QPen(RIGHT.darker(130), 1.6))
        p.setBrush(Qt.BrushStyle.NoBrush)
        for i in range(k):
            p.drawRect(self.cell_rect(i, i).adjusted(1, 1, -1, -1))
        if self.chosen is not None:
            p.setPen(QPen(palette.HIGHLIGHT, 3.0))
            p.drawRect(self.cell_rect(*self.chosen).adjusted(1.5, 1.5, -1.5, -1.5))
        # each class's accuracy, coloured as its diagonal cell
        for i in range(k):
            rect = QRectF(o.x() + k * cell + ACCURACY_GAP, o.y() + i * cell, ACCURACY_WIDTH + 20, cell)
            share = float(r.class_accuracy[i])
            p.setFont(small)
            p.setPen(RIGHT.darker(120) if math.isfinite(share) and share >= 0.9 else
                     WRONG if math.isfinite(share) and share < 0.7 else palette.INK)
            p.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.accuracy_text(i))
        # overall
        p.setFont(font)
        p.setPen(palette.INK)
        footer = QRectF(MARGIN, o.y() + k * cell + 4, self.width() - 2 * MARGIN, FOOTER - 4)
        p.drawText(footer, Qt.AlignmentFlag.AlignCenter, self.overall_text())
        p.end()

    # ---- the mouse -------------------------------------------------------------------------------------
    def tooltip_at(self, point: QPointF) -> str:
        """What a cell holds, in words: "True 3, predicted 8: 4 of the 36 test samples of 3 (11.1 %)"."""
        cell = self.cell_at(point)
        r = self.results
        if cell is None or r is None:
            return ""
        i, j = cell
        names = r.class_names
        total = int(r.matrix[i].sum())
        noun = "test samples" if r.which == "test" else "training samples"
        text = (f"True {names[i]}, predicted {names[j]}: {int(r.matrix[i, j]):,} of the {total:,} {noun} of "
                f"{names[i]} ({percent(self.share(i, j))})")
        if r.matrix[i, j]:
            text += ". Click to show only them in the gallery" if self.chosen != cell else \
                ". Click again to show every sample"
        return text

    def event(self, event) -> bool:  # type: ignore[no-untyped-def]
        if event.type() == event.Type.ToolTip:
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        cell = self.cell_at(event.position())
        if event.button() != Qt.MouseButton.LeftButton or cell is None or self.results is None:
            super().mousePressEvent(event)
            return
        if cell == self.chosen or not self.results.matrix[cell]:
            self.chosen = None
            self.cellClicked.emit(-1, -1)
        else:
            self.chosen = cell
            self.cellClicked.emit(*cell)
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        cell = self.cell_at(event.position())
        clickable = cell is not None and self.results is not None and bool(self.results.matrix[cell])
        self.setCursor(Qt.CursorShape.PointingHandCursor if clickable else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)
