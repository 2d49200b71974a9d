"""Stepping through the walkthrough: granularity (edge, neuron, layer, phase), animation speed,
step forward and back, finish the update. Animations never block: a step during an animation
finishes it at once and takes the next step."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication

from sandbox.engine import Step

from .document import Document
from .network_view import NetworkView

GRANULARITIES = ("edge", "neuron", "layer", "phase")
GRANULARITY_TITLES = {"edge": "One edge", "neuron": "One neuron", "layer": "One layer", "phase": "One phase"}
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


def default_granularity(edge_count: int) -> str:
    """Per-edge stepping on a big network is useless: the default grows with the network."""
    if edge_count <= 60:
        return "edge"
    if edge_count <= 600:
        return "neuron"
    if edge_count <= 6000:
        return "layer"
    return "phase"


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
        self.granularity = default_granularity(document.experiment.network.parameter_count)
        self.speed = "normal"
        view.group_start = self.group_start
        document.structureChanged.connect(self._on_structure)

    def _on_structure(self) -> None:
        self.set_granularity(default_granularity(self.document.experiment.network.parameter_count))

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
        """Show the next group of steps; after the applied last step, start the next update."""
        self.view.finish_animation()
        doc = self.document
        if doc.applied:
            doc.next_walkthrough()
            return
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
        doc.set_position(self.group_start(doc.position) - 1)

    def finish_update(self) -> None:
        """Show every remaining step of this update at once and apply it."""
        self.view.finish_animation()
        doc = self.document
        if doc.applied:
            doc.next_walkthrough()
        w = self._ensure_walkthrough()
        doc.set_position(len(w.steps) - 1)

    def _ensure_walkthrough(self):
        doc = self.document
        slow = doc.walkthrough is None and doc.experiment.network.parameter_count > BUSY_PARAMETERS
        with _busy(slow):
            return doc.ensure_walkthrough()

    def jump_to(self, position: int) -> None:
        """Show the walkthrough up to step ``position`` (an earlier step clicked in the list)."""
        self.view.finish_animation()
        self.document.set_position(position)
