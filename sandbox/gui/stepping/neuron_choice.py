"""Which neuron of a big layer the explanation follows (a view setting, not part of the experiment).

A layer step of a big network (64-32-10) shows the formulas of one neuron per layer and sums up the rest
(``explanation_panel``). The neuron is the one the user chose: clicked in the network view (a click that does
not drag; on a weight or a bias: the neuron it feeds), or whose chain rule was opened from its context menu.
Until one is chosen in a layer, it is the neuron with the largest |∂E/∂z| of the update, read from the
walkthrough's steps; nothing is computed here. The choice stays from step to step and update to update, and
is forgotten when the network's shape changes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal

from sandbox.engine import Step, Walkthrough
from sandbox.gui.model.document import Document
from sandbox.gui.network_view import NetworkView

#: a press and release farther apart than this (pixels, Manhattan) is a drag, not a click
CLICK_SLOP = 4


def gradient_step(steps: list[Step]) -> Step | None:
    """A neuron's ∂E/∂z step among its backward steps (∂E/∂a for an identity neuron, whose z is its output)."""
    for kind in ("preactivation_gradient", "output_gradient"):
        for step in steps:
            if step.kind == kind:
                return step
    return None


def largest_gradient_neuron(w: Walkthrough, layer: int) -> int:
    """The neuron of ``layer`` with the largest |∂E/∂z| in the walkthrough ``w`` (the first of equal ones)."""
    size = w.network.layers[layer - 1].size
    best, best_value = 0, -1.0
    for j in range(size):
        step = gradient_step(w.neuron_steps("backward", layer, j))
        value = abs(step.value) if step is not None else -1.0
        if value > best_value:  # (NaN never wins)
            best, best_value = j, value
    return best


class NeuronChoice(QObject):
    """The neuron chosen in each layer (see the module docstring); ``changed`` when the user chooses one."""

    changed = Signal()

    def __init__(self, document: Document, view: NetworkView, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.view = view
        #: layer → neuron, as the user chose them
        self.chosen: dict[int, int] = {}
        self._press: QPoint | None = None
        self._defaults: tuple[Walkthrough, dict[int, int]] | None = None
        view.viewport().installEventFilter(self)
        view.chainRuleRequested.connect(self.choose)
        document.structureChanged.connect(self.clear)

    def choose(self, layer: int, neuron: int) -> None:
        """Follow neuron ``neuron`` of layer ``layer`` (1 = the first after the inputs)."""
        net = self.document.experiment.network
        if not (1 <= layer <= net.depth and 0 <= neuron < net.layers[layer - 1].size):
            return
        if self.chosen.get(layer) != neuron:
            self.chosen[layer] = neuron
            self.changed.emit()

    def clear(self) -> None:
        self.chosen.clear()
        self._defaults = None

    def neuron(self, w: Walkthrough, layer: int) -> tuple[int, bool]:
        """The neuron followed in ``layer`` of the update ``w``, and whether the user chose it."""
        size = w.network.layers[layer - 1].size
        chosen = self.chosen.get(layer)
        if chosen is not None and chosen < size:
            return chosen, True
        if self._defaults is None or self._defaults[0] is not w:
            self._defaults = (w, {})
        defaults = self._defaults[1]
        if layer not in defaults:
            defaults[layer] = largest_gradient_neuron(w, layer)
        return defaults[layer], False

    # ---- clicks in the network view --------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
        elif kind == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            pressed, self._press = self._press, None
            at = event.position().toPoint()
            if pressed is not None and (at - pressed).manhattanLength() <= CLICK_SLOP:
                self.clicked_at(at)
        return False  # the view handles the click as before (panning, the picture's link)

    def clicked_at(self, at: QPoint) -> None:
        """A click at ``at`` (viewport coordinates): the neuron there (or the one a weight or bias there feeds)
        becomes the chosen one of its layer."""
        view = self.view
        if view.layout_ is None:
            return
        where = view.chain_rule_neuron(view.place_at(view.mapToScene(at)))
        if where is not None:
            self.choose(*where)
