"""Stepping through the walkthrough: granularity (edge, neuron, layer, phase), animation speed,
step forward and back, finish the update. Animations never block: a step during an animation
finishes it at once and takes the next step."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication

from sandbox.engine import Network, Step, Walkthrough
from sandbox.gui.model.document import Document
from sandbox.gui.network_view import NetworkView
from sandbox.gui.stepping.neuron_choice import NeuronChoice

GRANULARITIES = ("edge", "neuron", "layer", "phase")
#: "edge" steps one formula at a time: one weight's gradient or update, but a neuron's whole sum in
#: the forward pass (the name says so; the key stays "edge" for settings and scripts)
GRANULARITY_TITLES = {"edge": "One formula", "neuron": "One neuron", "layer": "One layer", "phase": "One phase"}
#: the default step size is the finest one that takes at most this many Step presses per update
MAX_DEFAULT_PRESSES = 60
#: and a network with more parameters than this steps a whole phase at a time
PHASE_PARAMETERS = 6000
SPEEDS = {"instant": 0, "fast": 350, "normal": 750, "slow": 1500}
#: networks with more parameters than this show a busy cursor while the engine writes the walkthrough
BUSY_PARAMETERS = 3000


@contextmanager
def _busy(active: bool) -> Iterator[None]:
    if active:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        if active:
            QApplication.restoreOverrideCursor()


def presses_per_update(network: Network) -> dict[str, int]:
    """About how many Step presses one update takes at each step size (from the network's shape:
    a formula per neuron and per parameter, forward, backward and update; a neuron about four
    times; a layer three times)."""
    neurons = sum(layer.size for layer in network.layers)
    layers = len(network.layers)
    return {"edge": 2 * network.parameter_count + 3 * neurons, "neuron": 4 * neurons + 1,
            "layer": 3 * layers + 1, "phase": 4}


def default_granularity(network: Network) -> str:
    """The finest step size that gets through an update in at most ``MAX_DEFAULT_PRESSES`` presses:
    one formula at a time for the lecture's networks, one layer at a time for a deep one, a phase
    at a time for a big one."""
    if network.parameter_count > PHASE_PARAMETERS:
        return "phase"
    presses = presses_per_update(network)
    return next((g for g in GRANULARITIES if presses[g] <= MAX_DEFAULT_PRESSES), "phase")


def _key(step: Step, index: int, granularity: str):
    if granularity == "edge":
        return index
    if granularity == "phase":
        return step.phase
    if granularity == "layer":
        return (step.phase, step.layer)
    neuron = step.neuron if step.kind not in ("loss",) else None
    return (step.phase, step.layer, neuron, step.kind in ("weight_gradient", "bias_gradient"))


class WalkthroughPlayer(QObject):
    """Moves the document's walkthrough position group by group and asks the view to animate."""

    granularityChanged = Signal(str)
    speedChanged = Signal(str)

    def __init__(self, document: Document, view: NetworkView, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.view = view
        self.granularity = default_granularity(document.experiment.network)
        self.speed = "normal"
        view.group_start = self.group_start
        #: the neuron of each big layer the explanation follows (clicked in the view; view state)
        self.neuron_choice = NeuronChoice(document, view, self)
        document.structureChanged.connect(self._on_structure)

    def _on_structure(self) -> None:
        self.set_granularity(default_granularity(self.document.experiment.network))

    # ---- settings ------------------------------------------------------------------------------
    def set_granularity(self, granularity: str) -> None:
        if granularity not in GRANULARITIES:
            raise ValueError(f"unknown granularity {granularity!r}")
        if granularity != self.granularity:
            self.granularity = granularity
            self.view.refresh()
            self.granularityChanged.emit(granularity)

    def set_speed(self, speed: str) -> None:
        if speed not in SPEEDS:
            raise ValueError(f"unknown speed {speed!r}")
        if speed != self.speed:
            self.speed = speed
            self.speedChanged.emit(speed)

    @property
    def duration_ms(self) -> int:
        return SPEEDS[self.speed]

    # ---- groups of steps -----------------------------------------------------------------------
    def group_end(self, first: int) -> int:
        """The last step of the group that starts at step ``first``."""
        steps = self.document.walkthrough.steps
        key = _key(steps[first], first, self.granularity)
        end = first
        while end + 1 < len(steps) and _key(steps[end + 1], end + 1, self.granularity) == key:
            end += 1
        return end

    def group_start(self, last: int) -> int:
        """The first step of the group that ends at step ``last``."""
        w = self.document.walkthrough
        if w is None or last < 0:
            return max(last, 0)
        steps = w.steps
        key = _key(steps[last], last, self.granularity)
        start = last
        while start - 1 >= 0 and _key(steps[start - 1], start - 1, self.granularity) == key:
            start -= 1
        return start

    # ---- moving ----------------------------------------------------------------------------------
    def can_step_back(self) -> bool:
        doc = self.document
        return (doc.walkthrough is not None and doc.position >= 0) or doc.can_return()

    def step(self) -> None:
        """Show the next group of steps; after the applied last step (or a chosen sample's last, shown only),
        the next update's first group (a press always shows something new)."""
        self.view.finish_animation()
        doc = self.document
        if doc.finished:
            slow = doc.experiment.network.parameter_count > BUSY_PARAMETERS
            with _busy(slow):
                doc.next_walkthrough()
        self._ensure_walkthrough()
        doc.set_position(self.group_end(doc.position + 1))
        self.view.animate(self.duration_ms)

    def step_back(self) -> None:
        """Show exactly what was shown one step before."""
        self.view.finish_animation()
        doc = self.document
        if not self.can_step_back():
            return
        if doc.position < 0:  # back into the update that just ended
            doc.return_to_previous()
            return
        sample = doc.shown_only  # (back from a chosen sample's first group: the next update is at hand again)
        doc.set_position(self.group_start(doc.position) - 1)
        if doc.position < 0 and not sample and doc.can_return():  # from the next update's first group: one press back
            doc.return_to_previous()

    def finish_update(self) -> None:
        """Show every remaining step of this update at once and apply it."""
        self.view.finish_animation()
        doc = self.document
        if doc.finished:
            doc.next_walkthrough()
        w = self._ensure_walkthrough()
        doc.set_position(len(w.steps) - 1)

    def show_through(self, position: int, animate: bool = True) -> None:
        """Show the walkthrough up to step ``position`` (practice mode: the steps passed through, or the
        step just answered) and play the pulses of the group shown last."""
        self.view.finish_animation()
        self._ensure_walkthrough()
        self.document.set_position(position)
        if animate:
            self.view.animate(self.duration_ms)

    def ensure_walkthrough(self) -> Walkthrough:
        """The walkthrough of the update being stepped through (the engine writes it when first needed)."""
        return self._ensure_walkthrough()

    def _ensure_walkthrough(self) -> Walkthrough:
        doc = self.document
        slow = doc.walkthrough is None and doc.experiment.network.parameter_count > BUSY_PARAMETERS
        with _busy(slow):
            return doc.ensure_walkthrough()

    def jump_to(self, position: int) -> None:
        """Show the walkthrough up to step ``position`` (an earlier step clicked in the list)."""
        self.view.finish_animation()
        self.document.set_position(position)
