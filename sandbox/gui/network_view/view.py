"""The network view (objectName ``networkView``): zoom, pan, hover, double-click to edit, animation.

It subscribes to the document and redraws from a ``DisplayState``; it never computes numbers.
Read-only accessors (``displayed_text``, ``displayed_gradient``, ``tooltip_text`` …) expose what
is drawn, for tests and for the explanation of what is on screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QEasingCurve, QPoint, QPointF, QRectF, Qt, QTimer, QVariantAnimation, Signal
from PySide6.QtGui import QAction, QColor, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QLabel, QLineEdit, QMenu, QToolTip, QWidget

from sandbox.explain.escape import for_terminal
from sandbox.gui.common import palette
from sandbox.gui.common.formatting import full, parse_number
from sandbox.gui.images.colours import grey_range, grey_rgb, qimage, weight_qimages
from sandbox.gui.model.document import Document
from sandbox.gui.network_view.animation import Highlights, highlights_for
from sandbox.gui.network_view.edges_item import EdgesItem
from sandbox.gui.network_view.layout import Layout, compute_layout
from sandbox.gui.network_view.neuron_maps import map_images
from sandbox.gui.network_view.neurons_item import NeuronsItem
from sandbox.gui.network_view.static_text import draw_text, text_size
from sandbox.gui.network_view.texts import bias_texts, loss_texts, neuron_texts, target_texts, weight_texts
from sandbox.gui.stepping.view_state import DisplayState
from sandbox.gui.training.grid import plane_features

EDGE_PICK_PIXELS = 5.0
EDITOR_WIDTH = 150
BAD_NUMBER = "Not a number: type e.g. 0.25, −1.5 or 2·10⁻³"
DEFERRED_REFRESH_S = 0.2


class NetworkView(QGraphicsView):
    """Draws the document's network; double-click a weight, bias, input or target to change it."""

    animationFinished = Signal()
    editStarted = Signal(object)   # the place being edited
    #: (layer, neuron): open the chain rule of that neuron (layer 1 = first after the inputs)
    chainRuleRequested = Signal(int, int)

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("networkView")
        self.document = document
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setBackgroundBrush(palette.BACKGROUND)
        self.setMouseTracking(True)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setMinimumSize(420, 300)
        #: maps a position to the first step of the group that ends there (the player sets it)
        self.group_start: Callable[[int], int] = lambda position: position
        #: practice mode: the index of the step asked next (shown lit, its value "?"), or None
        self._asked: int | None = None
        self._user_zoomed = False
        self._editor: QLineEdit | None = None
        self._edit_error: QLabel | None = None
        self._editing: tuple | None = None
        self._hovered: tuple | None = None
        self._state: DisplayState | None = None
        self._highlights = Highlights()
        self._animation = QVariantAnimation(self)
        self._animation.setStartValue(0.0)
        self._animation.setEndValue(1.0)
        self._animation.setEasingCurve(QEasingCurve.Type.InOutQuad)
        self._animation.valueChanged.connect(self._on_progress)
        self._animation.finished.connect(self._on_animation_finished)
        self.layout_: Layout | None = None
        self._edges: EdgesItem | None = None
        self._neurons: NeuronsItem | None = None
        #: the network a refresh has already laid out before the document's structureChanged came
        self._early_layout = None
        #: the engine's latest hidden-neuron maps (``set_neuron_maps``), drawn inside the nodes when the toggle is on
        self._hidden_maps: list[np.ndarray] = []
        self.neuron_maps_action = QAction("Neuron Maps", self)
        self.neuron_maps_action.setObjectName("neuronMapsAction")
        self.neuron_maps_action.setCheckable(True)
        self.neuron_maps_action.setStatusTip("Draw each hidden neuron's output over the input plane inside its node"
                                             " (networks with 2 inputs); for inputs that are an image, each first-"
                                             "layer neuron's weights as an image")
        self.neuron_maps_action.toggled.connect(lambda _=False: self._show_neuron_maps())
        #: the maps were switched on by the view for an image network, not by the user (off again for others)
        self._maps_on_by_view = False
        #: the user turned the maps off: an image network does not turn them on again
        self._maps_refused = False
        self.neuron_maps_action.triggered.connect(self._on_maps_chosen)
        self.addAction(self.neuron_maps_action)
        # inputs that are an image (issue 14): one picture of the sample, or the individual input neurons
        self.input_neurons_action = QAction("Show Input Neurons", self)
        self.input_neurons_action.setObjectName("inputNeuronsAction")
        self.input_neurons_action.setCheckable(True)
        self.input_neurons_action.setStatusTip("Draw each pixel of the input image as a neuron of its own instead of"
                                               " one picture of the sample")
        self.input_neurons_action.toggled.connect(lambda _=False: self.rebuild())
        self.addAction(self.input_neurons_action)
        #: the grey scale's ends for the sample's picture (from the data, set on rebuild)
        self._grey = (0.0, 1.0)
        document.structureChanged.connect(self._on_structure_changed)
        self._last_refresh = 0.0
        self._deferred = QTimer(self)
        self._deferred.setSingleShot(True)
        self._deferred.timeout.connect(self.refresh)
        document.valuesChanged.connect(self._on_values_changed)
        document.progressed.connect(self._on_values_changed)
        document.walkthroughChanged.connect(self.refresh)
        document.settingsChanged.connect(self.refresh)
        self.rebuild()

    # ---- building and refreshing -----------------------------------------------------------
    def rebuild(self) -> None:
        """A new network (or shape): lay it out again, new items, fit to the window."""
        self.cancel_edit()
        self.finish_animation()
        scene = self.scene()
        scene.clear()
        experiment = self.document.experiment
        self.layout_ = compute_layout(experiment.network, self.collapsed_image())
        images = self.image_shape() is not None
        self.input_neurons_action.setEnabled(images)
        self.input_neurons_action.setVisible(images)
        if images:
            data = experiment.data
            self._grey = grey_range(np.vstack([data.inputs, data.test_inputs]) if data.n_test else data.inputs)
        self._edges = EdgesItem(self.layout_)
        self._neurons = NeuronsItem(self.layout_)
        scene.addItem(self._edges.lines_item)
        scene.addItem(self._edges)
        scene.addItem(self._neurons)
        scene.addItem(self._edges.top_labels_item)
        left, top, right, bottom = self.layout_.scene_bounds()
        scene.setSceneRect(QRectF(left - 10, top - 10, right - left + 20, bottom - top + 20))
        self._user_zoomed = False
        self._follow_image_maps()
        self._show_neuron_maps()
        self.refresh()
        self.fit_to_window()

    # ---- the hidden neurons' maps inside their nodes ------------------------------------------------
    def set_neuron_maps(self, hidden: list[np.ndarray]) -> None:
        """The engine's maps of every hidden neuron over the input plane (per hidden layer: (neurons, size,
        size), as ``training.grid.GridOutput.hidden``); drawn inside the nodes when ``neuronMapsAction`` is on."""
        self._hidden_maps = list(hidden or [])
        if self.neuron_maps_action.isChecked():
            self._show_neuron_maps()

    def neuron_maps_available(self) -> bool:
        """Whether the network can have maps: 2 raw inputs (with their derived features, if any) and a hidden
        layer; or inputs that are an image (the first layer's weights are the maps)."""
        experiment = self.document.experiment
        if self.image_shape() is not None:
            return True
        return plane_features(experiment) is not None and experiment.network.depth > 1

    # ---- inputs that are an image (issue 14) ----------------------------------------------------------
    def image_shape(self) -> tuple[int, int] | None:
        """(rows, columns) when the inputs are an image's pixels (``Experiment.input_image``), else None."""
        experiment = self.document.experiment
        return experiment.image_shape() if experiment.network.depth >= 1 else None

    def collapsed_image(self) -> tuple[int, int] | None:
        """The image shape when the input column is shown as one picture (``inputNeuronsAction`` off)."""
        return None if self.input_neurons_action.isChecked() else self.image_shape()

    def inputs_collapsed(self) -> bool:
        """Whether the input column is drawn as the sample's picture."""
        return self.layout_ is not None and self.layout_.picture is not None

    def input_picture(self):
        """The picture of the shown sample drawn for the input column (None when the inputs are neurons)."""
        return None if self._neurons is None else self._neurons.picture

    def _on_maps_chosen(self, checked: bool = False) -> None:
        self._maps_on_by_view = False  # the user's choice from now on
        self._maps_refused = not checked

    def _follow_image_maps(self) -> None:
        """Weight images in the first layer's nodes for an image network (the point of showing one), until the
        user turns them off; off again for the next network if the view turned them on."""
        action = self.neuron_maps_action
        if self.image_shape() is not None:
            if not action.isChecked() and not self._maps_refused:
                self._maps_on_by_view = True
                action.setChecked(True)
        elif self._maps_on_by_view:
            self._maps_on_by_view = False
            action.setChecked(False)

    def _show_neuron_maps(self) -> None:
        if self._neurons is None:
            return
        images = {}
        sizes = self.layout_.sizes if self.layout_ is not None else []
        shape = self.image_shape()
        if shape is not None:
            if self.neuron_maps_action.isChecked():
                first = self.document.experiment.network.layers[0].weights
                shown = self._state.weights[1] if self._state is not None else None
                if shown is not None and shown.shape == first.shape:  # as the edges show them (mid-update too)
                    first = shown
                images = {(1, j): image for j, image in enumerate(weight_qimages(first, shape))}
            self._neurons.set_neuron_maps(images, square=True)
            return
        if self.neuron_maps_action.isChecked() and self.neuron_maps_available():
            for k, maps in enumerate(self._hidden_maps[: max(0, len(sizes) - 2)]):
                if len(maps) != sizes[k + 1]:
                    continue  # maps of a network of another shape (the new ones are on their way)
                for j, image in enumerate(map_images(maps)):
                    images[(k + 1, j)] = image
        self._neurons.set_neuron_maps(images)

    def neuron_map_image(self, l: int, j: int):
        """The image drawn inside hidden neuron ``j`` of layer ``l`` (1 = first hidden), or None."""
        return None if self._neurons is None else self._neurons.neuron_map(l, j)

    def _on_structure_changed(self) -> None:
        network, early = self.document.experiment.network, self._early_layout
        self._early_layout = None
        if early is network and self._fits(network):
            return  # a refresh laid this network out already (see ``refresh``)
        self.rebuild()

    def _fits(self, network) -> bool:
        """Whether the items were laid out for a network of this shape (sizes and biases)."""
        layout = self.layout_
        return layout is not None and list(layout.sizes) == list(network.sizes) and [
            c is not None for c in layout.bias_centres[1:]] == [layer.has_bias for layer in network.layers] and (
            layout.image == self.collapsed_image())

    def _on_values_changed(self) -> None:
        """Small networks follow every change at once; a dense one (whose lines take long to draw
        again) at most five times a second, so that live training stays smooth."""
        if self.layout_ is not None and not self.layout_.detailed and self.layout_.edge_count > 6000:
            if time.monotonic() - self._last_refresh < DEFERRED_REFRESH_S:
                if not self._deferred.isActive():
                    self._deferred.start(int(DEFERRED_REFRESH_S * 1000))
                return
        self.refresh()

    def refresh(self) -> None:
        """Redraw from the document's current values and walkthrough position."""
        if self._edges is None:
            return
        doc = self.document
        if not self._fits(doc.experiment.network):
            # the network changed shape and structureChanged is still to come (an experiment swapped
            # in tells first that the walkthrough shown is gone): lay the new one out now
            self.rebuild()
            self._early_layout = doc.experiment.network
            return
        self._deferred.stop()
        self._last_refresh = time.monotonic()
        self.finish_animation(emit=False)
        w = doc.walkthrough
        if w is not None and self._asked is not None and self._asked == doc.position + 1 < len(w.steps):
            state = DisplayState.at(w, doc.position, doc.position)
            state.ask(w.steps[self._asked])
        elif w is not None and doc.position >= 0:
            state = DisplayState.at(w, doc.position, self.group_start(doc.position) - 1)
        else:
            state = DisplayState.idle(doc.experiment.network, doc.sample_inputs(), doc.sample_targets())
        self._state = state
        self._highlights = highlights_for(state.active, self.layout_, doc.experiment.network.depth)
        self._neurons.loss_caption = f"loss: {doc.experiment.loss}"
        self._edges.set_state(state, self._highlights.edges)
        self._edges.set_animation([], 1.0)
        self._neurons.set_state(state, self._highlights)
        self._neurons.set_progress(1.0)
        if self.layout_.picture is not None:
            self._show_picture(state)
        if self.image_shape() is not None and self.neuron_maps_action.isChecked():
            self._show_neuron_maps()  # the first layer's weights, as they are now

    def _show_picture(self, state: DisplayState) -> None:
        """The shown sample's inputs as the input column's picture; lit while the step shown uses the inputs."""
        shape = self.layout_.image
        values = np.asarray(state.values[0], dtype=float)
        self._neurons.set_picture(qimage(grey_rgb(values.reshape(shape), *self._grey)))
        self._neurons.picture_lit = any(
            (s.layer == 1 and s.phase == "forward") or "input_gradient" in (s.kind, getattr(s, "covers", ""))
            for s in state.active)

    @property
    def state(self) -> DisplayState | None:
        """What is shown now."""
        return self._state

    def set_asked(self, index: int | None) -> None:
        """Practice mode: step ``index`` of the walkthrough is asked (lit, its value written "?"), None:
        nothing. Shown only while it is the step after the document's position."""
        if index != self._asked:
            self._asked = index
            self.refresh()

    @property
    def asked(self) -> int | None:
        """The step asked, as ``set_asked`` set it."""
        return self._asked

    # ---- animation ---------------------------------------------------------------------------
    def animate(self, duration_ms: int) -> None:
        """Play the active steps' pulses (instantly when ``duration_ms`` is 0)."""
        if duration_ms <= 0 or not (self._highlights.pulses or self._highlights.edges or self._highlights.neurons):
            return
        self._animation.stop()
        self._animation.setDuration(int(duration_ms))
        self._edges.set_animation(self._highlights.pulses, 0.0)
        self._neurons.set_progress(0.0)
        self._animation.start()

    @property
    def animating(self) -> bool:
        return self._animation.state() == QVariantAnimation.State.Running

    def finish_animation(self, emit: bool = True) -> None:
        """Jump to the end of a running animation at once."""
        if self._animation.state() == QVariantAnimation.State.Running:
            self._animation.stop()
            self._on_animation_finished(emit)

    def _on_progress(self, value) -> None:
        t = float(value)
        self._edges.set_animation(self._highlights.pulses, t)
        self._neurons.set_progress(t)

    def _on_animation_finished(self, emit: bool = True) -> None:
        self._edges.set_animation([], 1.0)
        self._neurons.set_progress(1.0)
        if emit:
            self.animationFinished.emit()

    # ---- zoom and pan --------------------------------------------------------------------------
    def fit_to_window(self) -> None:
        rect = self.scene().sceneRect()
        if rect.isEmpty():
            return
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        self._user_zoomed = False

    def zoom(self, factor: float) -> None:
        current = self.transform().m11()
        factor = max(0.05 / current, min(factor, 8.0 / current))
        self.scale(factor, factor)
        self._user_zoomed = True

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom(1.15 ** steps)
        event.accept()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if not self._user_zoomed:
            self.fit_to_window()

    # ---- what is where -------------------------------------------------------------------------
    def place_at(self, point: QPointF) -> tuple | None:
        """The thing drawn at a scene point: ("neuron", l, j), ("weight", l, j, k), ("bias", l, j),
        ("target", j), or None."""
        layout = self.layout_
        x, y = point.x(), point.y()
        pixel = layout.pixel_at(x, y)
        if pixel is not None:
            return ("neuron", 0, pixel)
        for l, c in enumerate(layout.centres):
            if l == 0 and layout.picture is not None:
                continue
            d = np.hypot(c[:, 0] - x, c[:, 1] - y)
            j = int(np.argmin(d))
            if d[j] <= layout.radius:
                return ("neuron", l, j)
        for l, c in enumerate(layout.bias_centres):
            if c is not None:
                half = layout.radius * 0.3 + 3
                hit = np.flatnonzero((np.abs(c[:, 0] - x) <= half) & (np.abs(c[:, 1] - y) <= half))
                if hit.size:
                    return ("bias", l, int(hit[0]))
        for j in range(len(layout.target_centres)):
            if self._neurons.target_rect(j).contains(QPointF(x, y)):
                return ("target", j)
        e = self._edge_at(x, y)
        if e is not None:
            return ("weight", int(layout.edge_layer[e]), int(layout.edge_j[e]), int(layout.edge_k[e]))
        return None

    def _edge_at(self, x: float, y: float) -> int | None:
        layout = self.layout_
        if layout.edge_count == 0:
            return None
        if layout.detailed:  # the label boxes are targets too
            for e in range(layout.edge_count):
                lx, ly = layout.label_point(e)
                if abs(lx - x) <= 48 and abs(ly - y) <= 14:
                    return e
        drawn = self._edges.drawn if self._edges is not None else None  # only what is drawn can be picked
        p = layout.edges if drawn is None else layout.edges[drawn]
        x1, y1, x2, y2 = p[:, 0], p[:, 1], p[:, 2], p[:, 3]
        dx, dy = x2 - x1, y2 - y1
        length2 = dx * dx + dy * dy
        t = np.clip(((x - x1) * dx + (y - y1) * dy) / np.where(length2 == 0, 1, length2), 0, 1)
        dist = np.hypot(x1 + t * dx - x, y1 + t * dy - y)
        i = int(np.argmin(dist))
        tolerance = EDGE_PICK_PIXELS / max(self.transform().m11(), 1e-6)
        if dist[i] > tolerance:
            return None
        return i if drawn is None else int(drawn[i])

    def editable_place(self, place: tuple | None) -> tuple | None:
        """The document place (for ``Document.edit_value``) of a drawn thing, if it can be edited."""
        if place is None:
            return None
        row = self.document.sample_index
        if place[0] == "neuron":
            return ("input", row, place[2]) if place[1] == 0 else None
        if place[0] == "target":
            return ("target", row, place[1])
        return place  # weight or bias

    def place_of(self, label: str) -> tuple:
        """The drawn thing with a label: "w5" → ("weight", 2, 0, 0), "y*" → ("target", 0)."""
        net = self.document.experiment.network
        if label.endswith("*"):
            return ("target", net.layers[-1].labels.index(label[:-1]))
        where = net.label_index()[label]
        if where[0] == "input":
            return ("neuron", 0, where[1])
        return where

    def scene_point_of(self, label: str) -> QPointF:
        """Where the thing with ``label`` is drawn (the label box of an edge)."""
        place = self.place_of(label)
        layout = self.layout_
        if place[0] == "neuron":
            x, y = layout.centres[place[1]][place[2]]
        elif place[0] == "weight":
            x, y = layout.label_point(layout.edge_index(*place[1:]))
        elif place[0] == "bias":
            x, y = layout.bias_centres[place[1]][place[2]]
        else:
            x, y = layout.target_centres[place[1]]
        return QPointF(float(x), float(y))

    def view_point_of(self, label: str) -> QPoint:
        return self.mapFromScene(self.scene_point_of(label))

    # ---- read-only accessors of what is shown ------------------------------------------------
    def _texts(self, label: str):
        state = self._state
        if label == "E":
            return loss_texts(state)
        place = self.place_of(label)
        if place[0] == "neuron":
            return neuron_texts(state, place[1], place[2])
        if place[0] == "weight":
            return weight_texts(state, *place[1:])
        if place[0] == "bias":
            return bias_texts(state, *place[1:])
        return target_texts(state, place[1])

    def displayed_text(self, label: str) -> str:
        """The value written for ``label`` (neuron, input, weight, bias, "y*" target, "E" loss)."""
        return self._texts(label).value

    def displayed_gradient(self, label: str) -> str:
        """The ∂E/∂label written beside it in the gradient colour ('' when not shown)."""
        return self._texts(label).grad

    def displayed_old(self, label: str) -> str:
        """The value before the update, shown while the update phase changes it ('' otherwise)."""
        return self._texts(label).old

    def tooltip_text(self, label: str) -> str:
        """The tooltip (full precision) of ``label``."""
        return self._texts(label).tooltip

    def is_highlighted(self, label: str) -> bool:
        place = self.place_of(label)
        h = self._highlights
        if place[0] == "neuron":
            return (place[1], place[2]) in h.neurons
        if place[0] == "weight":
            return self.layout_.edge_index(*place[1:]) in h.edges
        if place[0] == "bias":
            return (place[1], place[2]) in h.biases
        return h.targets

    def labels_visible(self) -> bool:
        """Whether every weight is written on its edge (small networks only)."""
        return self.layout_.detailed

    # ---- mouse: hover and double-click ---------------------------------------------------------
    def mousePressEvent(self, event) -> None:  # noqa: N802
        self.finish_animation()  # a click never waits for an animation
        if event.button() == Qt.MouseButton.LeftButton and self.on_expand_link(event.position().toPoint()):
            # "▸ show the 64 input neurons" under the picture, "▸ show as one 8×8 picture" under the neurons
            self.input_neurons_action.setChecked(not self.input_neurons_action.isChecked())
            event.accept()
            return
        super().mousePressEvent(event)

    def on_expand_link(self, at: QPoint) -> bool:
        """Whether ``at`` (view coordinates) is on the collapsed picture's "show the input neurons" line (or, the
        input neurons shown, on the line at the top left that shows the picture again)."""
        collapse = self.collapse_link_rect()
        if collapse is not None:
            return collapse.contains(QPointF(at))
        rect = self._neurons.caption_rect() if self._neurons is not None else None
        return rect is not None and rect.contains(self.mapToScene(at))

    def collapse_link_text(self) -> str:
        """The line that collapses an image network's input neurons into its picture ('' when there is none)."""
        shape = self.image_shape()
        if shape is None or self.inputs_collapsed():
            return ""
        return f"▸ show the {shape[0] * shape[1]} inputs as one {shape[0]}×{shape[1]} picture"

    def collapse_link_rect(self) -> QRectF | None:
        """Where ``collapse_link_text`` is drawn, in the viewport's coordinates (top left, under any caption)."""
        text = self.collapse_link_text()
        if not text:
            return None
        w, h = text_size(text, 12)
        top = 6.0 + (text_size(self.caption_text(), 12)[1] + 8 if self.caption_text() else 0.0)
        return QRectF(8, top, w + 12, h + 6)

    def show_neuron(self, l: int, j: int) -> None:
        """Bring neuron ``j`` of layer ``l`` into sight and outline it (as the mouse over it does)."""
        if self.layout_ is None or not (0 <= l < len(self.layout_.centres)) or not (
                0 <= j < self.layout_.centres[l].shape[0]):
            return
        x, y = (float(v) for v in self.layout_.centres[l][j])
        if not self.mapToScene(self.viewport().rect()).boundingRect().contains(QPointF(x, y)):
            self.centerOn(QPointF(x, y))
        self._hovered = ("neuron", l, j)
        self._edges.set_hovered(None)
        self._neurons.set_hovered(self._hovered)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        super().mouseMoveEvent(event)
        if event.buttons() != Qt.MouseButton.NoButton:
            return
        place = self.place_at(self.mapToScene(event.position().toPoint()))
        self._set_hovered(place, event.globalPosition().toPoint())
        if place is None and self.on_expand_link(event.position().toPoint()):
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)

    def _set_hovered(self, place: tuple | None, global_pos: QPoint) -> None:
        if place == self._hovered:
            return
        self._hovered = place
        edge = None
        if place is not None and place[0] == "weight":
            edge = self.layout_.edge_index(*place[1:])
        self._edges.set_hovered(edge)
        self._neurons.set_hovered(place if place and place[0] != "weight" else None)
        if place is None:
            QToolTip.hideText()
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            return
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        QToolTip.showText(global_pos, self._tooltip_for(place), self)

    def _tooltip_for(self, place: tuple) -> str:
        state = self._state
        if place[0] == "neuron":
            return neuron_texts(state, place[1], place[2]).tooltip
        if place[0] == "weight":
            return weight_texts(state, *place[1:]).tooltip
        if place[0] == "bias":
            return bias_texts(state, *place[1:]).tooltip
        return target_texts(state, place[1]).tooltip

    def leaveEvent(self, event) -> None:  # noqa: N802
        self._set_hovered(None, QPoint())
        super().leaveEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        scene_point = self.mapToScene(event.position().toPoint())
        where = self.editable_place(self.place_at(scene_point))
        if where is None:
            super().mouseDoubleClickEvent(event)
            return
        self.begin_edit(where, event.position().toPoint())
        event.accept()

    # ---- context menu: the chain rule of a neuron ----------------------------------------------
    def chain_rule_neuron(self, place: tuple | None) -> tuple[int, int] | None:
        """The neuron (layer, neuron) whose chain rule a right-click on ``place`` offers: the neuron itself,
        or the one a weight or bias feeds; None for an input, a target or empty space."""
        if place is None:
            return None
        if place[0] == "neuron":
            return (place[1], place[2]) if place[1] >= 1 else None
        if place[0] in ("weight", "bias"):
            return (place[1], place[2])
        return None

    def context_menu_for(self, place: tuple | None) -> QMenu | None:
        """The menu a right-click on ``place`` opens ("Open Chain Rule for h1"), or None."""
        where = self.chain_rule_neuron(place)
        if where is None:
            if place is None and self.neuron_maps_available():  # the background: the view's own toggles
                menu = QMenu(self)
                menu.addAction(self.neuron_maps_action)
                if self.image_shape() is not None:
                    menu.addAction(self.input_neurons_action)
                return menu
            return None
        label = self.document.experiment.network.layers[where[0] - 1].labels[where[1]]
        menu = QMenu(self)
        action = menu.addAction(f"Open Chain Rule for {for_terminal(label).replace('&', '&&')}")
        action.setObjectName("chainRuleForNeuronAction")
        action.setStatusTip("The neuron as its computation graph, the gradient walked back from the loss")
        action.triggered.connect(lambda _=False: self.chainRuleRequested.emit(*where))
        return menu

    def contextMenuEvent(self, event) -> None:  # noqa: N802
        menu = self.context_menu_for(self.place_at(self.mapToScene(event.pos())))
        if menu is None:
            super().contextMenuEvent(event)
            return
        self.finish_animation()
        self.popup(menu, event.globalPos())
        menu.deleteLater()
        event.accept()

    def popup(self, menu: QMenu, at: QPoint) -> None:
        """Show ``menu`` at ``at`` and wait for the choice (tests replace it)."""
        menu.exec(at)

    # ---- editing in place ----------------------------------------------------------------------
    def begin_edit(self, where: tuple, at: QPoint | None = None) -> QLineEdit:
        """Open a small editor over the number at ``where`` (a document place); Return commits,
        Escape cancels. This is what a double-click does."""
        self.cancel_edit()
        self.finish_animation()
        editor = QLineEdit(self.viewport())
        editor.setObjectName("valueEditor")
        editor.setText(full(self.document.value_at(where)))
        editor.selectAll()
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        editor.setStyleSheet("QLineEdit { border: 2px solid #f5b301; border-radius: 5px; padding: 3px 6px;"
                             " background: white; font-size: 14px; }")
        editor.setFixedWidth(EDITOR_WIDTH)
        pos = at if at is not None else self.viewport().rect().center()
        # centred on the number, but never cut off at the view's edges
        viewport = self.viewport().rect()
        editor.move(max(0, min(pos.x() - EDITOR_WIDTH // 2, viewport.width() - EDITOR_WIDTH)),
                    max(0, min(pos.y() - 16, viewport.height() - editor.sizeHint().height())))
        editor.returnPressed.connect(self.commit_edit)
        editor.installEventFilter(self)
        editor.show()
        editor.setFocus()
        self._editor, self._editing = editor, where
        self.editStarted.emit(where)
        return editor

    @property
    def editor(self) -> QLineEdit | None:
        return self._editor

    def commit_edit(self) -> bool:
        """Apply the typed number as an undoable edit; a bad number keeps the editor open."""
        if self._editor is None:
            return False
        try:
            value = parse_number(self._editor.text())
        except ValueError as e:
            self._editor.setStyleSheet(self._editor.styleSheet().replace("#f5b301", "#d62728"))
            self._editor.setToolTip(BAD_NUMBER)
            self._show_edit_error(BAD_NUMBER if "finite" not in str(e) else "Type a finite number: " +
                                  BAD_NUMBER.split(": ", 1)[1])
            return False
        where = self._editing
        self.cancel_edit()
        self.document.edit_value(where, value)
        return True

    def _show_edit_error(self, text: str) -> None:
        """Why the typed text was refused, in a small red note under the editor."""
        if self._edit_error is None:
            self._edit_error = QLabel(self.viewport())
            self._edit_error.setObjectName("valueEditorError")
            self._edit_error.setStyleSheet("QLabel { background: #fdecea; color: #b91c1c; border: 1px solid #d62728;"
                                           " border-radius: 4px; padding: 2px 6px; font-size: 12px; }")
        note, editor = self._edit_error, self._editor
        note.setText(text)
        note.adjustSize()
        width = self.viewport().width()
        x = max(0, min(editor.x() + editor.width() // 2 - note.width() // 2, width - note.width()))
        below = editor.y() + editor.height() + 4
        y = below if below + note.height() <= self.viewport().height() else max(0, editor.y() - note.height() - 4)
        note.move(x, y)
        note.show()
        note.raise_()

    @property
    def edit_error(self) -> str:
        """The reason shown under the editor for a refused number ("" when none)."""
        note = self._edit_error
        return note.text() if note is not None and note.isVisible() else ""

    def cancel_edit(self) -> None:
        if self._edit_error is not None:
            self._edit_error.hide()
        editor, self._editor, self._editing = self._editor, None, None
        if editor is not None:
            editor.removeEventFilter(self)
            editor.hide()
            editor.deleteLater()
            self.setFocus()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self._editor and event.type() == event.Type.ShortcutOverride and event.key() == Qt.Key.Key_Escape:
            event.accept()  # Esc is the editor's (cancel), before any window shortcut (presentation mode's leave)
            return True
        if obj is self._editor and event.type() == event.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self.cancel_edit()
            return True
        if obj is self._editor and event.type() == event.Type.FocusOut:
            self.commit_edit() if self._editor is not None and self._editor.isModified() else self.cancel_edit()
            return False
        return super().eventFilter(obj, event)

    # ---- legend --------------------------------------------------------------------------------
    LEGEND_ITEMS = ((palette.POSITIVE, "positive weight"), (palette.NEGATIVE, "negative weight"),
                    (palette.GRADIENT, "gradient ∂E/∂·"), (palette.UPDATED, "updated value"))
    HINTS = ("wheel: zoom · drag: pan · double-click a number to change it · right-click a neuron: its chain rule",
             "wheel: zoom · drag: pan · double-click a number to change it", "double-click a number to change it")

    def legend_layout(self) -> tuple[list[tuple[float, float, int]], tuple[str, float, float] | None, float]:
        """Where the legend goes in a viewport this wide: ``(x, y, item)`` per colour (the rows flow,
        none cut off), the hint as ``(text, right x, y)`` (beside the last row, above it, or a shorter
        one; None when even that does not fit) and the top of the band behind them."""
        width = float(self.viewport().width())
        margin, row_h = 14.0, 20.0
        widths = [24 + text_size(text, 12)[0] for _, text in self.LEGEND_ITEMS]
        rows: list[list[tuple[float, int]]] = [[]]
        x = margin
        for i, w in enumerate(widths):
            if rows[-1] and x + w > width - margin:
                rows.append([])
                x = margin
            rows[-1].append((x, i))
            x += w + 18
        bottom = float(self.viewport().height() - 16)
        placed = [(x, bottom - (len(rows) - 1 - r) * row_h, i) for r, row in enumerate(rows) for x, i in row]
        top_row_y = bottom - (len(rows) - 1) * row_h
        hint = None
        for text in self.HINTS:
            hint_w = text_size(text, 12)[0]
            if x + hint_w <= width - margin:  # beside the last row
                hint = (text, width - margin, bottom)
                break
            if margin + hint_w <= width - margin:  # on a row of its own, above the legend
                hint = (text, width - margin, top_row_y - row_h)
                break
        top = min(top_row_y, hint[2] if hint else top_row_y) - 14
        return placed, hint, top

    def caption_text(self) -> str:
        """What the lines leave out, when a layer pair has too many to draw ('' when every edge is drawn):
        "showing the 21,400 strongest of 492,100 connections"."""
        drawn = self._edges.drawn if self._edges is not None else None
        if drawn is None or self.layout_ is None:
            return ""
        if self.layout_.picture is not None and self._edges.thinned_beyond_picture() == 0:
            return ""  # only the picture's lines are fewer: its own caption says so
        return f"showing the {drawn.size:,} strongest of {self.layout_.edge_count:,} connections"

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        caption = self.caption_text()
        if caption:  # top left, on a band that keeps it readable over the lines
            w, h = text_size(caption, 12)
            band = QColor(palette.BACKGROUND)
            band.setAlpha(225)
            painter.fillRect(QRectF(8, 6, w + 12, h + 6), band)
            painter.setPen(palette.MUTED)
            draw_text(painter, caption, 14, 9 + h / 2, 12, align="left")
        link = self.collapse_link_rect()
        if link is not None:  # an image network's input neurons: one click back to its picture
            band = QColor(palette.BACKGROUND)
            band.setAlpha(225)
            painter.fillRect(link, band)
            painter.setPen(palette.POSITIVE)
            draw_text(painter, self.collapse_link_text(), link.left() + 6, link.center().y(), 12, align="left")
        placed, hint, top = self.legend_layout()
        width = float(self.viewport().width())
        band = QColor(palette.BACKGROUND)
        band.setAlpha(225)  # the legend stays readable over the lines of a zoomed-in network
        painter.fillRect(QRectF(0, top, width, self.viewport().height() - top), band)
        for x, y, i in placed:
            colour, text = self.LEGEND_ITEMS[i]
            painter.setPen(QPen(colour, 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawLine(QPointF(x, y), QPointF(x + 18, y))
            painter.setPen(palette.MUTED)
            draw_text(painter, text, x + 24, y, 12, align="left")
        if hint is not None:
            painter.setPen(QColor("#94a3b8"))
            draw_text(painter, hint[0], hint[1], hint[2], 12, align="right")
        painter.restore()
