"""The edges of the network: ONE item draws every line, grouped by pen, with drawLines; an overlay
item draws what changes often (highlighted edges, pulses, labels, the edge under the mouse).

Colour shows the weight's sign, width its magnitude (in a few width classes, so that a 37,000-edge
network is a couple of dozen drawLines calls). The lines item is cached in device coordinates, so
a redraw that changes no weight (hover, animation, a covered window) is a blit; it is drawn again
only when the weights, the dimming or the zoom change. Labels are drawn only when the network is
small (or for the edge under the mouse); pulses travel along the active edges while a step animates.
The labels of the current step and of the edge under the mouse are drawn last, above the neurons
(``top_labels_item``); on a crowded network the others are compact (one line: name = value).

A dense network keeps its lines as numpy arrays, never as one Python object per edge: its buckets are
arrays of end points (``line_cache.draw_buckets`` hands them to Qt as one block), and a layer pair with
more than ``MAX_DRAWN_PER_LAYER`` edges draws only its strongest ones (the view says so in a caption).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from sandbox.gui.common import palette
from sandbox.gui.network_view.animation import Pulse
from sandbox.gui.network_view.layout import Layout
from sandbox.gui.network_view.line_cache import Buckets, LineCache, draw_buckets
from sandbox.gui.network_view.static_text import draw_text, text_size
from sandbox.gui.network_view.texts import to_html, weight_texts
from sandbox.gui.stepping.view_state import DisplayState

WIDTH_CLASSES = 7
MIN_WIDTH, MAX_WIDTH = 0.7, 7.0
#: networks with more edges draw their lines off the GUI thread (see ``line_cache``)
ASYNC_EDGES = 6000
#: on a crowded network, at most this many labels of the current step are written in full
MAX_FULL_ACTIVE = 4
#: a layer pair with more edges than this draws only this many, the strongest (largest |w|)
MAX_DRAWN_PER_LAYER = 20_000
#: inputs shown as one picture: each first-layer neuron draws only this many lines from it, its strongest
#: (its node's weight image shows all of its weights)
PICTURE_EDGES_PER_NEURON = 3


def _faded(colour: QColor, amount: float) -> QColor:
    """``colour`` mixed into the background (opaque: blending 37,000 lines would be slow)."""
    bg = palette.BACKGROUND
    return QColor(round(bg.red() + (colour.red() - bg.red()) * amount),
                  round(bg.green() + (colour.green() - bg.green()) * amount),
                  round(bg.blue() + (colour.blue() - bg.blue()) * amount))


class EdgeLinesItem(QGraphicsItem):
    """Every edge's line, bucketed by pen (sign × width class). A small network's lines are cached
    by Qt in device coordinates; a dense network's are drawn off the GUI thread (``LineCache``)."""

    def __init__(self, layout: Layout):
        super().__init__()
        self._buckets: Buckets = []
        self._version = 0
        self._antialias = layout.edge_count <= ASYNC_EDGES
        left, top, right, bottom = layout.scene_bounds()
        self._bounds = QRectF(left, top, right - left, bottom - top)
        self.cache: LineCache | None = None
        if layout.edge_count > ASYNC_EDGES:
            self.cache = LineCache(self._antialias)
            self.cache.ready.connect(self._on_ready)
        else:
            self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setZValue(0)

    def set_buckets(self, buckets: Buckets) -> None:
        self._buckets = buckets
        self._version += 1
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self.cache is None or widget is None:  # small network, or a picture being exported: draw
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, self._antialias)
            draw_buckets(painter, self._buckets)
            return
        transform = painter.worldTransform()
        rect = transform.mapRect(self._bounds).toAlignedRect().intersected(widget.rect())
        if rect.isEmpty():
            return
        cache = self.cache
        key = LineCache.key_for(self._version, transform, rect)
        if cache.image is None:
            cache.draw_now(key, self._buckets, transform, rect)
        elif key != cache.key:
            cache.request(key, self._buckets, transform, rect)
        if key == cache.key:  # the picture is exactly what the screen needs: copy it
            painter.save()
            painter.resetTransform()
            painter.drawImage(rect.topLeft(), cache.image)
            painter.restore()
        else:  # meanwhile the last picture, moved (and stretched, after a zoom) to where it belongs
            target = transform.mapRect(cache.scene_rect)
            painter.save()
            painter.resetTransform()
            if abs(target.width() - cache.image.width()) < 1 and abs(target.height() - cache.image.height()) < 1:
                painter.drawImage(target.topLeft().toPoint(), cache.image)
            else:
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
                painter.drawImage(target, cache.image)
            painter.restore()

    def _on_ready(self) -> None:
        try:
            self.update()
        except RuntimeError:  # the item was removed from its scene meanwhile
            pass


class TopLabelsItem(QGraphicsItem):
    """Drawn above everything: the labels of the current step and of the edge under the mouse, and
    the pulses travelling along the active edges."""

    def __init__(self, owner: EdgesItem, bounds: QRectF):
        super().__init__()
        self._owner = owner
        self._bounds = bounds
        self.setZValue(2)

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for e in self._owner.top_labels():
            self._owner.paint_label(painter, e, full=True)
        self._owner.paint_pulses(painter, option)  # the travelling values pass over every label


class EdgesItem(QGraphicsItem):
    """The overlay: highlighted edges, pulses, weight labels, the hovered edge. Owns the lines item."""

    def __init__(self, layout: Layout):
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.setAcceptHoverEvents(False)
        self._layout = layout
        self._dense = layout.edge_count > ASYNC_EDGES
        #: a small network's lines as QLineF objects (its buckets hold them); a dense one has none
        self._lines = [] if self._dense else [QLineF(*row) for row in layout.edges.tolist()]
        #: the edges drawn (None: all of them; a dense network's strongest per layer pair otherwise)
        self.drawn: np.ndarray | None = None
        self.lines_item = EdgeLinesItem(layout)
        self._bucket_key = None
        self._state: DisplayState | None = None
        self._active: dict[int, str] = {}     # edge -> "forward" | "backward" | "update"
        self._pulses: list[Pulse] = []
        self._progress = 1.0
        self._hovered: int | None = None
        self._scale_max = 1.0
        left, top, right, bottom = layout.scene_bounds()
        self._bounds = QRectF(left, top, right - left, bottom - top)
        self.top_labels_item = TopLabelsItem(self, self._bounds)
        self.setZValue(0.5)

    # ---- state ---------------------------------------------------------------------------------
    def set_state(self, state: DisplayState, active_edges: dict[int, str]) -> None:
        self._state = state
        self._active = active_edges
        weights = (np.concatenate([w.ravel() for w in state.weights[1:]]) if self._layout.edge_count
                   else np.zeros(0))
        finite = np.abs(weights[np.isfinite(weights)])  # a diverged update leaves inf or NaN weights
        self._scale_max = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
        dim = bool(active_edges)
        key = (weights.tobytes(), dim)
        if key != self._bucket_key:  # the lines change only when the weights or the dimming do
            self._bucket_key = key
            if not self._dense:
                self.drawn = self.strongest(weights)
            self.lines_item.set_buckets(self._dense_buckets(weights, dim) if self._dense
                                        else self._bucket(weights, dim))
        self.update()
        self.top_labels_item.update()

    def top_labels(self) -> list[int]:
        """The edges whose labels are written in full above everything: the current step's (on a
        crowded network only when there are few) and then the one under the mouse."""
        out: list[int] = []
        if self._state is not None and self._layout.detailed and self._active:
            if not self._layout.crowded or len(self._active) <= MAX_FULL_ACTIVE:
                out = [e for e in self._active if e != self._hovered]
        if self._hovered is not None and self._state is not None:
            out.append(self._hovered)
        return out

    def _relative(self, weights: np.ndarray) -> np.ndarray:
        """|w| over the largest finite |w|, within [0, 1]: an infinite weight counts as the largest,
        a NaN one (a diverged update) as zero."""
        with np.errstate(invalid="ignore", over="ignore"):
            ratio = np.abs(weights) / self._scale_max
        return np.clip(np.nan_to_num(ratio, nan=0.0, posinf=1.0), 0.0, 1.0)

    def _width_for(self, magnitude: np.ndarray) -> np.ndarray:
        return MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * np.sqrt(self._relative(magnitude))

    def _pen(self, width_class: int, negative: bool, dim: bool) -> QPen:
        """The pen of a bucket: the sign's colour, faded by the dimming (and, on a dense network, by
        weakness, so that the strong edges stand out), and the width class's width."""
        dense = not self._layout.detailed
        strength = 0.3 if dim else (0.2 + 0.7 * (width_class + 1) / WIDTH_CLASSES if dense else 0.85)
        colour = _faded(palette.NEGATIVE if negative else palette.POSITIVE, strength)
        pen = QPen(colour, MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * (width_class + 0.5) / WIDTH_CLASSES)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        return pen

    def _classes(self, weights: np.ndarray) -> np.ndarray:
        return np.minimum((np.sqrt(self._relative(weights)) * WIDTH_CLASSES).astype(int), WIDTH_CLASSES - 1)

    def _bucket(self, weights: np.ndarray, dim: bool) -> Buckets:
        if weights.size == 0:
            return []
        classes = self._classes(weights)
        negative = weights < 0
        shown = np.ones(weights.size, bool)
        if self.drawn is not None:  # (inputs collapsed into a picture: only some of its lines)
            shown = np.zeros(weights.size, bool)
            shown[self.drawn] = True
        buckets: Buckets = []
        lines = self._lines
        for c in range(WIDTH_CLASSES):  # thin first: the strongest edges end up on top, whatever their sign
            for neg in (False, True):
                idx = np.flatnonzero((classes == c) & (negative == neg) & shown)
                if idx.size == 0:
                    continue
                buckets.append((self._pen(c, neg, dim), [lines[i] for i in idx.tolist()]))
        return buckets

    def strongest(self, weights: np.ndarray) -> np.ndarray | None:
        """The edges a dense network draws: of each layer pair with more than ``MAX_DRAWN_PER_LAYER``
        edges, the ``MAX_DRAWN_PER_LAYER`` of largest |w| (an infinite one counts as the largest, a NaN
        one as zero); every edge of the others. None when that is every edge."""
        offsets = self._layout.edge_offsets[1:] + [self._layout.edge_count]
        picture = self._layout.picture is not None and len(offsets) > 1
        if max(b - a for a, b in zip(offsets[:-1], offsets[1:])) <= MAX_DRAWN_PER_LAYER and not picture:
            return None
        magnitude = self._relative(weights)
        parts = []
        for start, end in zip(offsets[:-1], offsets[1:]):
            if picture and start == offsets[0]:  # from the picture: each neuron's strongest few
                parts.append(self._strongest_per_neuron(magnitude[start:end]) + start)
            elif end - start <= MAX_DRAWN_PER_LAYER:
                parts.append(np.arange(start, end))
            else:
                top = np.argpartition(magnitude[start:end], end - start - MAX_DRAWN_PER_LAYER)
                parts.append(np.sort(top[end - start - MAX_DRAWN_PER_LAYER:]) + start)
        return np.concatenate(parts)

    def thinned_beyond_picture(self) -> int:
        """How many edges are left out other than the collapsed picture's (0: only those, or none)."""
        offsets = self._layout.edge_offsets[1:] + [self._layout.edge_count]
        return sum(max(0, (b - a) - MAX_DRAWN_PER_LAYER) for a, b in zip(offsets[1:-1], offsets[2:]))

    def _strongest_per_neuron(self, magnitude: np.ndarray) -> np.ndarray:
        """The first layer's edges from a collapsed picture that are drawn: each neuron's
        ``PICTURE_EDGES_PER_NEURON`` of largest |w| (indices within the layer, in order)."""
        n_in = self._layout.sizes[0]
        keep = min(PICTURE_EDGES_PER_NEURON, n_in)
        rows = magnitude.reshape(-1, n_in)
        top = np.argpartition(rows, n_in - keep, axis=1)[:, n_in - keep:]
        return np.sort((top + np.arange(rows.shape[0])[:, None] * n_in).ravel())

    def _dense_buckets(self, weights: np.ndarray, dim: bool) -> Buckets:
        """The buckets of a dense network, with numpy only: arrays of end points, thin first."""
        self.drawn = self.strongest(weights)
        drawn = np.arange(weights.size) if self.drawn is None else self.drawn
        w = weights[drawn]
        key = self._classes(w) * 2 + (w < 0)
        order = np.argsort(key, kind="stable")
        bounds = np.searchsorted(key[order], np.arange(2 * WIDTH_CLASSES + 1))
        points = self._layout.edges[drawn[order]]
        buckets: Buckets = []
        for b in range(2 * WIDTH_CLASSES):
            if bounds[b + 1] > bounds[b]:
                buckets.append((self._pen(b // 2, bool(b % 2), dim), points[bounds[b]:bounds[b + 1]]))
        return buckets

    def line(self, e: int) -> QLineF:
        """The line of edge ``e``."""
        return self._lines[e] if self._lines else QLineF(*self._layout.edges[e].tolist())

    def set_animation(self, pulses: list[Pulse], progress: float) -> None:
        self._pulses = pulses
        self._progress = progress
        self.update()
        self.top_labels_item.update()

    def paint_pulses(self, painter: QPainter, option: QStyleOptionGraphicsItem) -> None:
        if self._pulses and self._state is not None:
            self._paint_pulses(painter, option.levelOfDetailFromTransform(painter.worldTransform()))

    def set_hovered(self, edge: int | None) -> None:
        if edge != self._hovered:
            self._hovered = edge
            self.update()
            self.top_labels_item.update()

    # ---- QGraphicsItem -----------------------------------------------------------------------
    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self._state is None:
            return
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if self._active:
            self._paint_active(painter)
        if self._layout.detailed:
            on_top = set(self.top_labels())
            full = not self._layout.crowded
            for e in range(self._layout.edge_count):
                if e not in on_top:
                    self.paint_label(painter, e, full)
        if self._hovered is not None:  # a dark outline keeps it visible among thousands of lines
            scale = 1.0 / max(lod, 1e-3)
            if not self._layout.detailed:
                painter.setPen(QPen(palette.INK, 5.0 * scale, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
                painter.drawLine(self.line(self._hovered))
            width = (3.0 if not self._layout.detailed else 2.0) * scale
            painter.setPen(QPen(palette.HIGHLIGHT, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawLine(self.line(self._hovered))

    def _paint_active(self, painter: QPainter) -> None:
        if not self._layout.detailed:
            self._paint_active_batched(painter)
            return
        layout, state = self._layout, self._state
        glow = QColor(palette.HIGHLIGHT)
        glow.setAlpha(110)
        for e, kind in self._active.items():
            l, j, k = int(layout.edge_layer[e]), int(layout.edge_j[e]), int(layout.edge_k[e])
            w = float(state.weights[l][j, k])
            width = float(self._width_for(np.array([abs(w)]))[0])
            if kind == "update" and self._progress < 1.0:  # the line grows from the old width
                old = float(state.weight_old[l][j, k])
                if not math.isnan(old):
                    old_width = float(self._width_for(np.array([abs(old)]))[0])
                    width = old_width + (width - old_width) * self._progress
            painter.setPen(QPen(glow, width + 8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawLine(self.line(e))
            painter.setPen(QPen(palette.sign_color(w), width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
            painter.drawLine(self.line(e))

    def _paint_active_batched(self, painter: QPainter) -> None:
        """Many highlighted edges: a glow and the sign colours, three drawLines calls in all."""
        layout, state = self._layout, self._state
        positive, negative = [], []
        for e in self._active:
            l, j, k = int(layout.edge_layer[e]), int(layout.edge_j[e]), int(layout.edge_k[e])
            (negative if state.weights[l][j, k] < 0 else positive).append(self.line(e))
        glow = QPen(_faded(palette.HIGHLIGHT, 0.6), 6.0)
        glow.setCosmetic(True)
        painter.setPen(glow)
        painter.drawLines(positive + negative)
        for colour, lines in ((palette.POSITIVE, positive), (palette.NEGATIVE, negative)):
            pen = QPen(colour, 2.0)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawLines(lines)

    def _paint_pulses(self, painter: QPainter, lod: float) -> None:
        t = self._progress
        small = self._layout.detailed
        for pulse in self._pulses:
            x1, y1, x2, y2 = pulse.start + pulse.end
            x, y = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
            colour = palette.GRADIENT if pulse.backward else palette.INK
            r = 7.0 if small else 4.0
            painter.setPen(QPen(QColor("white"), 2))
            painter.setBrush(colour)
            painter.drawEllipse(QPointF(x, y), r, r)
            if pulse.text and small and not pulse.text_hidden[0] < t < pulse.text_hidden[1]:
                w, h = text_size(pulse.text, 16, True)
                rect = QRectF(x - w / 2 - 6, y - r - h - 6, w + 12, h + 4)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colour)
                painter.drawRoundedRect(rect, 6, 6)
                painter.setPen(QColor("white"))
                draw_text(painter, pulse.text, x, rect.center().y(), 16, True)

    def paint_label(self, painter: QPainter, e: int, full: bool = True) -> None:
        """The label box of edge ``e``: name = value, and in full the old value → new value and
        ∂E/∂w beneath; compact: one line, the new value in the update colour."""
        layout, state = self._layout, self._state
        l, j, k = int(layout.edge_layer[e]), int(layout.edge_j[e]), int(layout.edge_k[e])
        texts = weight_texts(state, l, j, k)
        x, y = layout.label_point(e)
        name = to_html(texts.label)
        if texts.old and full:
            main = (f"{name} = <span style='color:#64748b'>{texts.old}&nbsp;→</span>&nbsp;"
                    f"<b style='color:#0f9d6b'>{texts.value}</b>")
        elif texts.old:
            main = f"{name} = <b style='color:#0f9d6b'>{texts.value}</b>"
        else:
            main = f"{name} = {texts.value}"
        big, small = 18, 16
        readable = layout.detailed
        if not readable:  # a dense network's hovered edge: written at a fixed size on the screen
            point = painter.worldTransform().map(QPointF(x, y))
            painter.save()
            painter.resetTransform()
            x, y = point.x(), point.y() - 26
            big, small = 14, 13
        lines = [(main, big)]
        if texts.grad and full:
            lines.append((f"<span style='color:#8b3fd9'>∂E/∂{name} = {texts.grad}</span>", small))
        sizes = [text_size(html, px) for html, px in lines]
        width = max(w for w, _ in sizes) + 12
        height = sum(h for _, h in sizes) + 6
        rect = QRectF(x - width / 2, y - height / 2, width, height)
        active = e in self._active
        painter.setPen(QPen(palette.HIGHLIGHT if active else QColor("#d5dce6"), 1.6 if active else 1.0))
        painter.setBrush(QColor(255, 255, 255, 235))
        painter.drawRoundedRect(rect, 6, 6)
        painter.setPen(palette.INK)
        top = rect.top() + 3
        for (html, px), (_, h) in zip(lines, sizes):
            draw_text(painter, html, x, top + h / 2, px)
            top += h
        if not readable:
            painter.restore()
