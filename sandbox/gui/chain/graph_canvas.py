"""Draws a neuron's computation graph: rounded boxes with values, edges labelled with their local
derivative, and under each node the running product ∂E/∂node once the backward pass has reached it.

It only draws what the engine's ``ComputationGraph`` holds (formatted with the engine's ``fmt``);
``position`` is how many edges of the backward pass have been walked (0: only ∂E/∂E = 1).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from sandbox.engine.computation_graph import ComputationGraph, GraphEdge, GraphNode
from sandbox.engine.numbers import fmt
from sandbox.explain.escape import for_terminal
from sandbox.gui.chain.graph_layout import COLUMN_GAP, NODE_H, NODE_W, Box, GraphLayout, layout_graph
from sandbox.gui.common import palette
from sandbox.gui.common.formatting import superscript_powers

#: largest magnification of the graph in a big window (a small graph is not blown up without end)
MAX_SCALE = 1.6
#: a tall graph (a neuron with many inputs) is never drawn smaller than this: the view scrolls instead
MIN_SCALE = 0.8
FILLS = {"input": palette.INPUT_FILL, "weight": QColor("#eaf2fb"), "bias": QColor("#eaf2fb"),
         "loss": palette.TARGET_FILL}


def number(value: float) -> str:
    """The engine's way of writing a number (7 significant digits), powers of ten as superscripts."""
    return superscript_powers(fmt(value))


def gradient_text(node: GraphNode, neuron: str = "") -> str:
    """What is written under a reached node: ∂E/∂w1 = −0.22652; an input that feeds other neurons too says that
    this is its path through ``neuron`` only (∂E/∂i1 via h1 = …), not the whole ∂E/∂i1."""
    via = f" via {for_terminal(neuron)}" if (neuron and node.kind == "input" and node.all_paths is not None
                                             and not math.isclose(node.all_paths, node.gradient, rel_tol=1e-12)) else ""
    return f"{for_terminal(node.derivative)}{via} = {number(node.gradient)}"


#: a local derivative's expression longer than this is written by its symbol on the edge (∂E/∂y, not the
#: whole of −y*/y + (1 − y*)/(1 − y)); the explanation under the graph writes it out
MAX_EDGE_EXPRESSION = 14


def local_text(edge: GraphEdge) -> str:
    """What is written on an edge: its local derivative, e.g. "w1 = 0.11", "h1(1 − h1) = 0.2275", "1"."""
    expression = edge.expression.split(" = ")[0]
    if len(expression) > MAX_EDGE_EXPRESSION:
        expression = edge.symbol
    expression = for_terminal(expression)
    value = number(edge.local)
    return value if expression == value else f"{expression} = {value}"


def _font(pixels: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(pixels)
    font.setBold(bold)
    return font


class GraphCanvas(QWidget):
    """The graph, scaled to fit the widget."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("chainRuleCanvas")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(480, 300)
        self.graph: ComputationGraph | None = None
        self.layout_: GraphLayout | None = None
        self.position = 0
        #: 0 → 1 while the pulse of the last walked edge travels backward along it
        self.pulse = 1.0

    def sizeHint(self) -> QSize:  # noqa: N802
        if self.layout_ is None:
            return QSize(900, 520)
        return QSize(int(self.layout_.width), int(self.layout_.height))

    def set_graph(self, graph: ComputationGraph | None, position: int) -> None:
        self.graph = graph
        self.layout_ = layout_graph(graph) if graph is not None else None
        if self.layout_ is not None:
            self.setMinimumSize(int(self.layout_.width * MIN_SCALE), int(self.layout_.height * MIN_SCALE))
        self.position = position
        self.pulse = 1.0
        self.updateGeometry()
        self.update()

    def set_position(self, position: int, pulse: float = 1.0) -> None:
        self.position, self.pulse = position, pulse
        self.update()

    def set_pulse(self, pulse: float) -> None:
        self.pulse = pulse
        self.update()

    # ---- what is shown (for tests and the view's text) --------------------------------------------
    def displayed_gradient(self, key: str) -> str:
        """The running product written under node ``key`` ('' while the backward pass has not reached it)."""
        if self.graph is None or key not in self.graph.reached(self.position):
            return ""
        return gradient_text(self.graph.node(key), self.graph.label)

    def displayed_local(self, index: int) -> str:
        """The local derivative written on edge ``index`` (backward order)."""
        assert self.graph is not None
        return local_text(self.graph.edges[index])

    # ---- painting -------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(self.rect(), palette.BACKGROUND)
        graph, layout = self.graph, self.layout_
        if graph is None or layout is None:
            painter.end()
            return
        scale = min(self.width() / layout.width, self.height() / layout.height, MAX_SCALE)
        painter.translate((self.width() - layout.width * scale) / 2, (self.height() - layout.height * scale) / 2)
        painter.scale(scale, scale)
        reached = graph.reached(self.position)
        current = self.position - 1
        for i, edge in enumerate(graph.edges):
            self._draw_edge(painter, layout, edge, walked=i < self.position, current=i == current)
        for i, edge in enumerate(graph.edges):
            self._draw_edge_label(painter, layout, edge, walked=i < self.position, current=i == current)
        just_reached = graph.edges[current].source if current >= 0 else "E"
        for node in graph.nodes:
            self._draw_node(painter, layout.boxes[node.key], node, node.key in reached, node.key == just_reached)
        painter.end()

    @staticmethod
    def _ends(layout: GraphLayout, edge: GraphEdge) -> tuple[QPointF, QPointF]:
        a, b = layout.boxes[edge.source], layout.boxes[edge.target]
        return QPointF(a.right, a.y), QPointF(b.left, b.y)

    def _draw_edge(self, painter: QPainter, layout: GraphLayout, edge: GraphEdge, walked: bool,
                   current: bool) -> None:
        start, end = self._ends(layout, edge)
        colour = palette.HIGHLIGHT if current else palette.GRADIENT if walked else palette.FAINT
        pen = QPen(colour, 4.0 if current else 2.2 if walked else 1.6)
        if edge.summary:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawLine(start, end)
        # the arrow head points forward (the way the value flows)
        direction = end - start
        length = max((direction.x() ** 2 + direction.y() ** 2) ** 0.5, 1e-9)
        ux, uy = direction.x() / length, direction.y() / length
        tip = end
        head = QPolygonF([tip, QPointF(tip.x() - 11 * ux - 5 * uy, tip.y() - 11 * uy + 5 * ux),
                          QPointF(tip.x() - 11 * ux + 5 * uy, tip.y() - 11 * uy - 5 * ux)])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(head)
        if current and self.pulse < 1.0:  # the gradient travels backward: from the target to the source
            t = self.pulse
            point = QPointF(end.x() + (start.x() - end.x()) * t, end.y() + (start.y() - end.y()) * t)
            painter.setBrush(palette.GRADIENT)
            painter.drawEllipse(point, 7, 7)

    def _draw_edge_label(self, painter: QPainter, layout: GraphLayout, edge: GraphEdge, walked: bool,
                         current: bool) -> None:
        start, end = self._ends(layout, edge)
        target = layout.boxes[edge.target]
        # labels of edges that meet at one node are spread along their edges, not piled up at it
        t = 0.5 if target.x - layout.boxes[edge.source].x < NODE_W * 2 else 0.42
        if edge.summary or edge.target == "E":
            t = 0.5
        x, y = start.x() + (end.x() - start.x()) * t, start.y() + (end.y() - start.y()) * t
        text = local_text(edge)
        font = _font(13, current)
        metrics = QFontMetricsF(font)
        if metrics.horizontalAdvance(text) + 12 > COLUMN_GAP - 6 and " = " in text:  # expression over value
            text = text.replace(" = ", "\n= ", 1)
        lines = text.split("\n")
        w = max(metrics.horizontalAdvance(line) for line in lines) + 12
        h = metrics.height() * len(lines) + 4
        rect = QRectF(x - w / 2, y - h / 2, w, h)
        path = QPainterPath()
        path.addRoundedRect(rect, 6, 6)
        painter.setPen(QPen(palette.HIGHLIGHT if current else palette.FAINT, 1.5 if current else 1.0))
        painter.setBrush(QColor("#fffbeb") if current else QColor("#ffffff"))
        painter.drawPath(path)
        painter.setFont(font)
        painter.setPen(palette.INK if walked or current else palette.MUTED)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _draw_node(self, painter: QPainter, box: Box, node: GraphNode, reached: bool, just_reached: bool) -> None:
        rect = QRectF(box.left, box.top, NODE_W, NODE_H)
        path = QPainterPath()
        path.addRoundedRect(rect, 12, 12)
        painter.setBrush(FILLS.get(node.kind, palette.NEURON_FILL))
        border = palette.HIGHLIGHT if just_reached else palette.INK
        painter.setPen(QPen(border, 3.0 if just_reached else 1.4))
        painter.drawPath(path)
        painter.setFont(_font(15, True))
        painter.setPen(palette.INK)
        painter.drawText(QRectF(rect.left(), rect.top() + 3, NODE_W, NODE_H / 2),
                         Qt.AlignmentFlag.AlignCenter, for_terminal(node.label))
        painter.setFont(_font(14))
        painter.setPen(palette.sign_color(node.value))
        painter.drawText(QRectF(rect.left(), rect.center().y(), NODE_W, NODE_H / 2 - 3),
                         Qt.AlignmentFlag.AlignCenter, number(node.value))
        if node.expression and node.kind not in ("product", "rest"):
            caption = for_terminal(node.expression)
            if node.kind in ("sum", "preactivation", "activation", "loss"):
                caption = f"{for_terminal(node.label)} = {caption}"
            font = _font(12)
            room = NODE_W + COLUMN_GAP - 12
            caption = QFontMetricsF(font).elidedText(caption, Qt.TextElideMode.ElideMiddle, room)
            painter.setFont(font)
            painter.setPen(palette.MUTED)
            painter.drawText(QRectF(box.x - room / 2, rect.top() - 24, room, 20), Qt.AlignmentFlag.AlignCenter,
                             caption)
        if reached:
            font = _font(13, True)
            text = gradient_text(node, self.graph.label)
            if QFontMetricsF(font).horizontalAdvance(text) > NODE_W + 16:  # symbol over value, within the box's width
                text = text.replace(" = ", "\n= ", 1)
            painter.setFont(font)
            painter.setPen(palette.GRADIENT)
            painter.drawText(QRectF(box.x - 110, rect.bottom() + 3, 220, 40),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text)
