"""What the active steps light up: edges, neurons, pulses travelling along edges.

A forward step sends one pulse along each incoming edge, carrying that edge's term w·x (from the
step's ``terms``); backward steps send pulses from right to left; update steps make the edges grow
from their old width to the new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sandbox.engine import Step
from sandbox.gui.common.formatting import short
from sandbox.gui.network_view.layout import Layout

MAX_PULSES = 400
#: beyond this many edges in one step nothing is singled out (the whole phase is lit)
MAX_ACTIVE_EDGES = 600


@dataclass(frozen=True)
class Pulse:
    start: tuple[float, float]
    end: tuple[float, float]
    text: str = ""
    backward: bool = False
    #: the part of the way (fractions of it) where the badge with ``text`` is hidden: while the pulse
    #: passes its edge's weight label, so that the badge never covers that label
    text_hidden: tuple[float, float] = (1.0, 1.0)


@dataclass
class Highlights:
    edges: dict[int, str] = field(default_factory=dict)   # edge -> forward | backward | update
    neurons: set[tuple[int, int]] = field(default_factory=set)
    biases: set[tuple[int, int]] = field(default_factory=set)
    targets: bool = False
    pulses: list[Pulse] = field(default_factory=list)
    #: neurons whose value, or whose gradient, the active steps compute (those fade in)
    new_values: set[tuple[int, int]] = field(default_factory=set)
    new_grads: set[tuple[int, int]] = field(default_factory=set)


#: half a weight label's width along its edge plus the badge's, in scene units
LABEL_HALF_LENGTH = 80.0


def highlights_for(steps: list[Step], layout: Layout, depth: int) -> Highlights:
    h = Highlights()
    sizes = layout.sizes

    def edge(l: int, j: int, k: int, kind: str, text: str = "") -> None:
        if len(h.edges) >= MAX_ACTIVE_EDGES and len(h.pulses) >= MAX_PULSES:
            return
        e = layout.edge_index(l, j, k)
        h.edges[e] = kind
        if kind != "update" and len(h.pulses) < MAX_PULSES:
            x1, y1, x2, y2 = (float(v) for v in layout.edges[e])
            if kind == "backward":
                h.pulses.append(Pulse((x2, y2), (x1, y1), text, True))
            else:
                hidden = (1.0, 1.0)
                if text and layout.detailed:
                    length = max(float(np.hypot(x2 - x1, y2 - y1)), 1.0)
                    t, half = float(layout.label_t[e]), LABEL_HALF_LENGTH / length
                    hidden = (t - half, t + half)
                h.pulses.append(Pulse((x1, y1), (x2, y2), text, False, hidden))

    for step in steps:
        l, j, k, kind = step.layer, step.neuron, step.source, step.kind
        if kind in ("neuron", "preactivation"):
            h.neurons.add((l, j))
            h.new_values.add((l, j))
            for src in range(sizes[l - 1]):
                value = step.terms[src][1] if src < len(step.terms) else None
                edge(l, j, src, "forward", short(value) if value is not None else "")
            if len(step.terms) > sizes[l - 1]:
                h.biases.add((l, j))
        elif kind == "activation":
            h.neurons.add((l, j))
            h.new_values.add((l, j))
        elif kind == "loss":
            h.targets = True
            h.neurons.update((depth, i) for i in range(sizes[depth]))
        elif kind == "input_gradient":  # ∂E/∂x_k: back from every neuron of the first layer to input k
            h.neurons.add((l, j))
            h.new_grads.add((l, j))
            for i in range(sizes[1]):
                edge(1, i, j, "backward")
        elif kind == "summary" and step.covers == "input_gradient":
            h.neurons.update((0, k) for k in range(sizes[0]))
            h.new_grads.update((0, k) for k in range(sizes[0]))
        elif kind == "output_gradient":
            h.neurons.add((l, j))
            h.new_grads.add((l, j))
            if l == depth:
                h.targets = True
                if len(h.pulses) < MAX_PULSES:
                    tx, ty = (float(v) for v in layout.target_centres[j])
                    cx, cy = (float(v) for v in layout.centres[l][j])
                    h.pulses.append(Pulse((tx - 40, ty), (cx + layout.radius, cy), "", True))
            else:
                for i in range(sizes[l + 1]):
                    edge(l + 1, i, j, "backward")
        elif kind == "preactivation_gradient":
            h.neurons.add((l, j))
            h.new_grads.add((l, j))
        elif kind == "weight_gradient":
            edge(l, j, k, "backward")
        elif kind == "bias_gradient":
            h.biases.add((l, j))
        elif kind == "weight_update":
            edge(l, j, k, "update")
        elif kind == "bias_update":
            h.biases.add((l, j))
    if len(h.edges) >= MAX_ACTIVE_EDGES:
        h.edges.clear()
        h.pulses = h.pulses[:MAX_PULSES]
    return h
