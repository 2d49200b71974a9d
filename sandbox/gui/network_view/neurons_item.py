"""Neurons, biases, targets, the loss and the column headings, drawn by one graphics item."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from sandbox.gui.common import palette
from sandbox.gui.network_view.animation import Highlights
from sandbox.gui.network_view.layout import Layout
from sandbox.gui.network_view.static_text import draw_text, text_size
from sandbox.gui.network_view.texts import bias_texts, loss_texts, neuron_texts, target_texts, to_html
from sandbox.gui.stepping.view_state import DisplayState

TARGET_W, TARGET_H = 110.0, 50.0
TARGET_PX = 19  # the target's text, in a big layout
BIAS_SIDE = 0.3  # half the side of a bias square, in radii
MAX_FULL_BIASES = 4  # on a crowded network, biases of the current step written in full


def changed_text(value: str, old: str, room: bool) -> str:
    """A value written as "old → new" once an update has changed it (the new one in the updated colour;
    only the new one where there is no room), else as it is."""
    if not old:
        return value
    new = f"<b style='color:{palette.UPDATED.name()}'>{value}</b>"
    return f"<span style='color:#64748b'>{old}&nbsp;→</span>&nbsp;{new}" if room else new


class NeuronsItem(QGraphicsItem):
    def __init__(self, layout: Layout):
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self._layout = layout
        self._state: DisplayState | None = None
        self._highlights = Highlights()
        self._progress = 1.0
        self._hovered: tuple | None = None
        self._value_scale = 1.0
        self.loss_caption = ""
        self._groups: list | None = None
        self._points: list[list[QPointF]] | None = None
        self._bias_points: list[list[QPointF] | None] = []
        self._texts_drawn = True
        #: (layer, neuron) → its output over the input plane, drawn inside the node (``set_neuron_maps``)
        self._maps: dict[tuple[int, int], QImage] = {}
        #: the maps are images of weights (inputs that are images): drawn pixel-crisp in a rounded square
        self._square_maps = False
        #: the shown sample's picture, drawn in place of the input column when the layout collapses it
        self._picture: QImage | None = None
        #: the picture is part of the step shown (a forward step into the first layer, ∂E/∂x)
        self.picture_lit = False
        # redrawn only when values, highlights or the zoom change: a hover elsewhere is a blit
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        left, top, right, bottom = layout.scene_bounds()
        self._bounds = QRectF(left, top, right - left, bottom - top)
        self.setZValue(1)

    def set_state(self, state: DisplayState, highlights: Highlights) -> None:
        self._state = state
        self._highlights = highlights
        known = [np.abs(v[~np.isnan(v)]) for v in state.values[1:]]
        known = [k for k in known if k.size]
        self._value_scale = float(max(k.max() for k in known)) if known else 1.0
        self._value_scale = self._value_scale or 1.0
        self._groups = None  # built on the first paint without texts
        self.update()

    def set_neuron_maps(self, maps: dict[tuple[int, int], QImage], square: bool = False) -> None:
        """Images of the hidden neurons' outputs over the input plane, drawn inside their nodes (empty: none);
        ``square``: images of weights, drawn pixel-crisp filling a rounded square."""
        self._maps = dict(maps)
        self._square_maps = square
        self.update()

    def set_picture(self, picture: QImage | None) -> None:
        """The shown sample's inputs as an image (the layout's ``picture`` says where)."""
        self._picture = picture
        self.update()

    @property
    def picture(self) -> QImage | None:
        return self._picture

    def caption_rect(self) -> QRectF | None:
        """Where the picture's "show the input neurons" line is (a click there expands the inputs)."""
        box = self._layout.picture
        if box is None:
            return None
        px = self._caption_px()
        return QRectF(box[0] - 20, box[3] + px * 1.9, box[2] - box[0] + 40, px * 1.6)

    def _caption_px(self) -> float:
        return 21.0 if self._layout.radius >= 18 else 17.0

    def neuron_map(self, l: int, j: int) -> QImage | None:
        """The image drawn inside neuron ``j`` of layer ``l``, if any."""
        return self._maps.get((l, j))

    def _paint_map(self, painter: QPainter, l: int, j: int, x: float, y: float) -> None:
        """Neuron (l, j)'s map clipped to its circle (TF Playground's small heatmap inside the node)."""
        image = self._maps.get((l, j))
        if image is None:
            return
        r = self._layout.radius
        path = QPainterPath()
        if self._square_maps:
            path.addRoundedRect(QRectF(x - r, y - r, 2 * r, 2 * r), r * 0.3, r * 0.3)
        else:
            path.addEllipse(QPointF(x, y), r, r)
        painter.save()
        painter.setClipPath(path)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, not self._square_maps)
        painter.drawImage(QRectF(x - r, y - r, 2 * r, 2 * r), image)
        painter.restore()
        if self._square_maps:  # a thin outline: white pixels at the edge still end somewhere
            painter.save()
            painter.setBrush(Qt.BrushStyle.NoBrush)
            hovered = self._hovered == ("neuron", l, j)
            painter.setPen(QPen(palette.HIGHLIGHT if hovered else palette.MUTED, 2.0 if hovered else 0.8))
            painter.drawPath(path)
            painter.restore()

    def _paint_picture(self, painter: QPainter) -> None:
        """The collapsed input column: the sample's picture, pixel-crisp, framed (amber while the step shown uses
        it), the hovered pixel outlined, and a caption under it."""
        layout, box = self._layout, self._layout.picture
        if box is None or layout.image is None:
            return
        rect = QRectF(box[0], box[1], box[2] - box[0], box[3] - box[1])
        px = self._caption_px()
        link = self.caption_rect()
        if link is not None:  # on a band: the lines from the picture pass under the caption
            band = QColor(palette.BACKGROUND)
            band.setAlpha(235)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(band)
            painter.drawRoundedRect(QRectF(link.left(), rect.bottom() + px * 0.3, link.width(),
                                           link.bottom() - rect.bottom() - px * 0.1), 4, 4)
        if self._picture is not None:
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            painter.drawImage(rect, self._picture)
            painter.restore()
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self.picture_lit:
            glow = QColor(palette.HIGHLIGHT).lighter(135)  # opaque: the lines under it do not show through
            painter.setPen(QPen(glow, layout.pixel * 0.35))
            pad = layout.pixel * 0.2
            painter.drawRect(rect.adjusted(-pad, -pad, pad, pad))
        painter.setPen(QPen(palette.HIGHLIGHT if self.picture_lit else palette.INK, 1.5))
        painter.drawRect(rect)
        hovered = self._hovered
        if hovered and hovered[0] == "neuron" and hovered[1] == 0:
            side = layout.pixel
            x, y = (float(v) for v in layout.centres[0][hovered[2]])
            painter.setPen(QPen(palette.HIGHLIGHT, max(2.0, side * 0.1)))
            painter.drawRect(QRectF(x - side / 2, y - side / 2, side, side))
        rows, columns = layout.image
        cx = rect.center().x()
        painter.setPen(palette.MUTED)
        draw_text(painter, f"input: {rows}×{columns} image, {rows * columns} pixels", cx, rect.bottom() + px * 1.1,
                  px - 2)
        if link is not None:
            painter.setPen(palette.POSITIVE)
            draw_text(painter, f"▸ show the {rows * columns} input neurons", cx, link.center().y(), px - 2)

    def set_progress(self, progress: float) -> None:
        """Animation progress: new values fade in (only drawn when texts are)."""
        self._progress = progress
        if self._texts_drawn:
            self.update()

    def set_hovered(self, place: tuple | None) -> None:
        if place != self._hovered:
            self._hovered = place
            self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._bounds

    def target_rect(self, j: int) -> QRectF:
        """Target box ``j``: its left edge fixed, as wide as its text needs (at least the usual width),
        so that "y* = −0.05118" stays inside it."""
        layout = self._layout
        big = layout.radius >= 18
        w, h = (TARGET_W, TARGET_H) if big else (56.0, 20.0)
        x, y = (float(v) for v in layout.target_centres[j])
        left = x - w / 2
        if self._state is not None:
            texts = target_texts(self._state, j)
            text_w, _ = text_size(f"{to_html(texts.label)} = {texts.value}", TARGET_PX if big else 10, True)
            w = max(w, text_w + (28 if big else 12))
        return QRectF(left, y - h / 2, w, h)

    # ---- painting ------------------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        state = self._state
        if state is None:
            return
        layout = self._layout
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        with_text = layout.radius * lod >= 11
        self._texts_drawn = with_text
        if (21 if layout.radius >= 18 else 13) * lod >= 7:  # headings only where they can be read
            self._paint_headers(painter)
        self._paint_targets(painter, with_text)
        collapsed = layout.picture is not None
        if collapsed:
            self._paint_picture(painter)
        if with_text:
            for l, centres in enumerate(layout.centres):
                if l == 0 and collapsed:
                    continue
                for j in range(centres.shape[0]):
                    self._paint_neuron(painter, l, j, centres[j], with_text)
        else:
            self._paint_neurons_fast(painter)
        if with_text:
            for l, centres in enumerate(layout.bias_centres):
                if centres is not None:
                    for j in range(centres.shape[0]):
                        self._paint_bias(painter, l, j, centres[j], layout.detailed)

    def _paint_headers(self, painter: QPainter) -> None:
        layout, net = self._layout, self._state.network
        y = layout.top - layout.radius - (62 if layout.detailed else 40)
        big = 21 if layout.radius >= 18 else 13
        for l, x in enumerate(layout.column_x):
            if l == 0:
                title, sub = "Input", f"{layout.sizes[0]} values"
                if layout.picture is not None and layout.image is not None:
                    title, sub = "Input image", f"{layout.image[0]}×{layout.image[1]} pixels"
                    y0 = min(y, layout.picture[1] - 40)
                    painter.setPen(palette.INK)
                    draw_text(painter, title, x, y0 - 10, big, True)
                    painter.setPen(palette.MUTED)
                    draw_text(painter, sub, x, y0 + 10, big - 3)
                    continue
            else:
                layer = net.layers[l - 1]
                title = "Output" if l == net.depth else f"Hidden layer {l}"
                sub = layer.activation + ("" if layer.has_bias else " · no bias")
            painter.setPen(palette.INK)
            draw_text(painter, title, x, y - 10, big, True)
            painter.setPen(palette.MUTED)
            draw_text(painter, sub, x, y + 10, big - 3)
            if l > 0:  # the layer's colour, as in the gradient plot's legend (issue 13)
                line = big * 0.2
                yy = y + 10 + big * 0.55 + line + 1
                painter.setPen(QPen(palette.layer_color(l, net.depth), line, Qt.PenStyle.SolidLine,
                                    Qt.PenCapStyle.RoundCap))
                painter.drawLine(QPointF(x - big * 1.2, yy), QPointF(x + big * 1.2, yy))
        tx = float(layout.target_centres[0, 0])
        painter.setPen(palette.INK)
        draw_text(painter, "Target", tx, y - 10, big, True)
        painter.setPen(palette.MUTED)
        draw_text(painter, self.loss_caption, tx, y + 10, big - 3)

    def _paint_neurons_fast(self, painter: QPainter) -> None:
        """Zoomed out: circles only, drawn as wide round points, a few drawPoints calls per fill colour
        (hundreds of neurons, no Python loop over them while painting)."""
        layout = self._layout
        r = layout.radius
        if self._points is None:  # the layout never changes: its points are made once
            self._points = [[QPointF(x, y) for x, y in c.tolist()] for c in layout.centres]
            self._bias_points = [None if c is None else [QPointF(x, y) for x, y in c.tolist()]
                                 for c in layout.bias_centres]
        if self._groups is None:
            self._groups = self._fast_groups()
        collapsed = layout.picture is not None
        if self._highlights.neurons:  # a glow ring around the active neurons, under them
            glow = [self._points[l][j] for l, j in list(self._highlights.neurons)[:2000] if not (collapsed and l == 0)]
            painter.setPen(QPen(palette.HIGHLIGHT, r * 2.7, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawPoints(glow)
        for (kind, level), points in self._groups:
            cap = Qt.PenCapStyle.SquareCap if kind == "bias" else Qt.PenCapStyle.RoundCap
            size = r * BIAS_SIDE * 2 if kind == "bias" else 2 * r
            if kind == "input":
                fill, edge, width = palette.INPUT_FILL, palette.INK, 1.2
            elif kind == "unknown":
                fill, edge, width = palette.NEURON_FILL, palette.FAINT, 1.2
            elif kind == "bias":
                fill, edge, width = (QColor("white") if level == 0 else palette.sign_color(level)), palette.INK, 0.8
            else:
                sign = -1.0 if kind == "neg" else 1.0
                fill, edge, width = palette.tint(sign * (level + 0.5) / 9, 1.0), palette.INK, 1.2
            painter.setPen(QPen(edge, size + width, Qt.PenStyle.SolidLine, cap))
            painter.drawPoints(points)
            painter.setPen(QPen(fill, size - width, Qt.PenStyle.SolidLine, cap))
            painter.drawPoints(points)
        for (l, j) in self._maps:
            x, y = layout.centres[l][j]
            self._paint_map(painter, l, j, float(x), float(y))
        if self._hovered and self._hovered[0] == "neuron" and not (collapsed and self._hovered[1] == 0):
            x, y = layout.centres[self._hovered[1]][self._hovered[2]]
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(palette.HIGHLIGHT, 3.0))
            painter.drawEllipse(QPointF(float(x), float(y)), r, r)

    def _fast_groups(self) -> list[tuple[tuple, list[QPointF]]]:
        """The neurons' and biases' points grouped by fill (sign and size of the value)."""
        state = self._state
        groups: list[tuple[tuple, list[QPointF]]] = []
        merged: dict[tuple, list[QPointF]] = {}
        for l, points in enumerate(self._points):
            if l == 0:
                if self._layout.picture is None:  # (a collapsed input column is the picture)
                    merged.setdefault(("input", 0), []).extend(points)
                continue
            values = np.asarray(state.values[l], dtype=float)
            unknown = np.isnan(values)
            levels = np.minimum(8, (np.abs(np.where(unknown, 0.0, values)) / self._value_scale * 8.999).astype(int))
            codes = np.where(unknown, -100, np.where(values < 0, -1 - levels, levels))
            for code in np.unique(codes).tolist():
                key = ("unknown", 0) if code == -100 else ("neg", -1 - code) if code < 0 else ("pos", code)
                merged.setdefault(key, []).extend(points[i] for i in np.flatnonzero(codes == code).tolist())
        for l, points in enumerate(self._bias_points):
            if points is None:
                continue
            signs = np.sign(np.asarray(state.biases[l], dtype=float)).astype(int)
            for sign in np.unique(signs).tolist():
                merged.setdefault(("bias", sign), []).extend(points[i] for i in np.flatnonzero(signs == sign).tolist())
        groups.extend(merged.items())
        return groups

    def _paint_neuron(self, painter: QPainter, l: int, j: int, c: np.ndarray, with_text: bool) -> None:
        layout, state = self._layout, self._state
        r = layout.radius
        x, y = float(c[0]), float(c[1])
        value = float(state.values[l][j])
        known = not math.isnan(value)
        active = (l, j) in self._highlights.neurons
        if active:
            glow = QColor(palette.HIGHLIGHT)
            glow.setAlpha(150)
            painter.setPen(QPen(glow, max(3.0, r * 0.22)))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QPointF(x, y), r + r * 0.16, r + r * 0.16)
        if l == 0:
            fill = palette.INPUT_FILL
        elif known:
            fill = palette.tint(value, self._value_scale)
        else:
            fill = palette.NEURON_FILL
        pen = QPen(palette.INK if known else palette.FAINT, 2.0 if r >= 18 else 1.2)
        if not known:
            pen.setStyle(Qt.PenStyle.DashLine)
        if self._hovered == ("neuron", l, j):
            pen = QPen(palette.HIGHLIGHT, 3.0)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawEllipse(QPointF(x, y), r, r)
        if (l, j) in self._maps:
            self._paint_map(painter, l, j, x, y)
            if not self._square_maps:
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(QPointF(x, y), r, r)  # the outline over the map
        if not with_text:
            return
        texts = neuron_texts(state, l, j)
        label_px = 22 if r >= 28 else 12 if r >= 18 else 9
        mapped = (l, j) in self._maps
        if mapped and r >= 28:  # a big node: the label readable over the map on a pale plate
            w, h = text_size(to_html(texts.label), label_px, True)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 255, 255, 190))
            painter.drawRoundedRect(QRectF(x - w / 2 - 2, y - h / 2, w + 4, h), 3, 3)
        painter.setPen(palette.INK if known or l == 0 else palette.MUTED)
        if not mapped or r >= 28:  # a small node shows its whole map (its name is in the tooltip)
            draw_text(painter, to_html(texts.label), x, y, label_px, True)
        value_px = 21 if r >= 28 else 12
        # the columns of an image network stand close (a node's height apart): its numbers go beside the node
        beside = self._layout.picture is not None and r < 18
        value_at = (x + r + 4, y - (5 if texts.grad else 0)) if beside else (x, y + r + value_px * 0.9)
        align = "left" if beside else "center"
        if beside and (texts.value or texts.grad):
            self._paint_plate(painter, texts, x + r + 2, y, value_px)
        if texts.value:
            # only what this step computes fades in: a neuron's value in the forward pass, its
            # gradient in the backward pass (the value stays while the backward pulse travels)
            fading = (l, j) in self._highlights.new_values and self._progress < 1.0
            if fading:
                painter.setOpacity(max(0.0, self._progress * 1.4 - 0.4))
            painter.setPen(palette.INK)
            draw_text(painter, changed_text(texts.value, texts.old, r >= 28), *value_at, value_px, True, align=align)
            painter.setOpacity(1.0)
        elif l > 0:
            painter.setPen(palette.FAINT)
            draw_text(painter, "?", *value_at, value_px, True, align=align)
        if texts.grad:
            if (l, j) in self._highlights.new_grads and self._progress < 1.0:
                painter.setOpacity(max(0.0, self._progress * 1.4 - 0.4))
            painter.setPen(palette.GRADIENT)
            name = to_html(texts.grad_label or texts.label)
            grad = f"∂E/∂{name} = {texts.grad}" if r >= 28 else texts.grad
            grad_at = (x + r + 4, y + 6) if beside else (x, y + r + value_px * 2.05)
            draw_text(painter, grad, *grad_at, value_px - 3, True, align=align)
            painter.setOpacity(1.0)

    def _paint_plate(self, painter: QPainter, texts, left: float, y: float, px: float) -> None:
        """A pale plate behind the numbers written beside a node, over the lines that pass there."""
        width = max(text_size(texts.value or "?", px, True)[0], text_size(texts.grad, px - 3, True)[0]
                    if texts.grad else 0.0) + 5
        height = px * (2.1 if texts.grad else 1.2)
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(251, 252, 254, 215))
        painter.drawRoundedRect(QRectF(left, y - height / 2, width, height), 3, 3)
        painter.restore()

    def _paint_bias(self, painter: QPainter, l: int, j: int, c: np.ndarray, with_text: bool) -> None:
        state = self._state
        side = self._layout.radius * BIAS_SIDE * 2
        x, y = float(c[0]), float(c[1])
        texts = bias_texts(state, l, j)
        b = float(state.biases[l][j])
        active = (l, j) in self._highlights.biases
        hovered = self._hovered == ("bias", l, j)
        if self._layout.detailed:
            painter.setPen(QPen(palette.MUTED, 1.2))
            neuron_top = float(self._layout.centres[l][j][1]) - self._layout.radius
            painter.drawLine(QPointF(x, y + side / 2), QPointF(x, neuron_top))
        painter.setPen(QPen(palette.HIGHLIGHT if (active or hovered) else palette.INK, 2.5 if active else 1.2))
        painter.setBrush(palette.sign_color(b) if b != 0 else QColor("white"))
        painter.drawRoundedRect(QRectF(x - side / 2, y - side / 2, side, side), 3, 3)
        if with_text:
            # crowded: the old value and ∂E/∂b only for the current step's few biases and the hovered one
            full = (not self._layout.crowded or hovered
                    or (active and len(self._highlights.biases) <= MAX_FULL_BIASES))
            name = to_html(texts.label)
            text = f"{name} = {texts.value}"
            if texts.old and full:
                text = (f"{name} = <span style='color:#64748b'>{texts.old}&nbsp;→</span>&nbsp;"
                        f"<b style='color:#0f9d6b'>{texts.value}</b>")
            elif texts.old:
                text = f"{name} = <b style='color:#0f9d6b'>{texts.value}</b>"
            painter.setPen(palette.INK)
            left = x + side / 2 + 6
            if texts.grad and full:
                draw_text(painter, text, left, y - 9, 17, False, align="left")
                painter.setPen(palette.GRADIENT)
                draw_text(painter, f"∂E/∂{name} = {texts.grad}", left, y + 10, 15, False, align="left")
            else:
                draw_text(painter, text, left, y, 17, False, align="left")

    def _paint_targets(self, painter: QPainter, with_text: bool) -> None:
        layout, state = self._layout, self._state
        depth = state.network.depth
        big = layout.radius >= 18
        h = TARGET_H if big else 20.0
        boxes = [self.target_rect(j) for j in range(len(layout.target_centres))]
        for j, c in enumerate(layout.target_centres):
            box = boxes[j]
            y = float(c[1])
            ox, oy = (float(v) for v in layout.centres[depth][j])
            dash = QPen(palette.MUTED, 1.4, Qt.PenStyle.DashLine)
            painter.setPen(dash)
            painter.drawLine(QPointF(ox + layout.radius + 4, oy), QPointF(box.left(), y))
            active = self._highlights.targets
            hovered = self._hovered == ("target", j)
            painter.setPen(QPen(palette.HIGHLIGHT if (active or hovered) else QColor("#d9a441"),
                                3.0 if active else 1.5))
            painter.setBrush(palette.TARGET_FILL)
            if not with_text:  # too small to read: a marker where the target is, not an empty box
                r = min(box.height(), box.width()) / 2
                painter.drawEllipse(QPointF(box.left() + r, y), r, r)
                continue
            painter.drawRoundedRect(box, 8, 8)
            if with_text:
                texts = target_texts(state, j)
                painter.setPen(palette.INK)
                draw_text(painter, f"{to_html(texts.label)} = {texts.value}", box.center().x(), y,
                          TARGET_PX if big else 10, True)
        loss = loss_texts(state)
        if loss.value and with_text:
            x = sum(b.center().x() for b in boxes) / len(boxes)
            y = float(layout.target_centres[-1, 1]) + h / 2 + (26 if big else 16)
            if loss.old:  # "E = old → new" one line lower, clear of the output's own "old → new"
                y += 26 if big else 14
            painter.setPen(palette.PHASE_COLORS["loss"])
            text = changed_text(loss.value, loss.old, big)
            draw_text(painter, f"{loss.label} = {text}", x, y, 22 if big else 12, True)
