"""A big layer's step in the explanation: the formulas of the one neuron followed, the rest in a line.

A layer (or phase) step of a 64-32-10 network reveals hundreds of steps at once. ``layer_blocks`` cuts a group
of steps into its layers; a block with more steps than the panel writes out, about several neurons, is written
by ``neuron_block_html``: the followed neuron's own steps (``Walkthrough.neuron_steps``: its weighted sum and
output, or its gradients, or its updates; of its incoming weights the first and the largest), then one line for
the other neurons of the layer with the largest of their values. Every number is a step's, written by the
engine.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from sandbox.engine import Step, Walkthrough
from sandbox.explain.markup import to_html
from sandbox.gui.common.formatting import short
from sandbox.gui.stepping.neuron_choice import gradient_step

#: steps of one of a neuron's incoming weights (or their updates): the first is written out, the others summed up
WEIGHT_KINDS = ("weight_gradient", "weight_update")


def layer_blocks(group: list[Step]) -> list[list[Step]]:
    """The group's steps in runs of the same phase and layer, in order."""
    blocks: list[list[Step]] = []
    for step in group:
        if blocks and (blocks[-1][-1].phase, blocks[-1][-1].layer) == (step.phase, step.layer):
            blocks[-1].append(step)
        else:
            blocks.append([step])
    return blocks


def follows_neuron(block: list[Step], limit: int) -> bool:
    """Whether a block is written as one neuron and the rest: more than ``limit`` steps of a layer after the
    inputs, about more than one of its neurons (not one neuron's own group, not the loss)."""
    first = block[0]
    if first.phase not in ("forward", "backward", "update") or first.layer is None or first.layer < 1:
        return False
    return len(block) > limit and len({s.neuron for s in block}) > 1  # (a summary's None: other neurons)


def _magnitude(step: Step) -> float:
    """How big a step's number is for "the largest": an update's change, else its value (NaN: smallest)."""
    value = step.delta if step.kind in ("weight_update", "bias_update") else step.value
    value = abs(value) if value is not None else -1.0
    return value if value == value else -1.0


def _largest(steps: list[Step]) -> Step | None:
    return max(steps, key=_magnitude, default=None)


def _value_text(step: Step) -> str:
    """``∂E/∂w1_5_3 = −0.0123`` (a gradient), ``h1_7 = 0.93``, ``w1_5_3: 0.12 → 0.13`` (an update)."""
    if step.kind in ("weight_update", "bias_update") and step.old is not None:
        return f"{to_html(step.target)}: {html.escape(short(step.old))} → {html.escape(short(step.value))}"
    name = f"∂E/∂{step.target}" if step.phase == "backward" else step.target
    return f"{to_html(name)} = {html.escape(short(step.value))}"


def _key_step(w: Walkthrough, phase: str, layer: int, j: int) -> list[Step]:
    """The steps of neuron j that stand for it in the line about the other neurons: its output, its ∂E/∂z, or
    its parameters' updates."""
    steps = w.neuron_steps(phase, layer, j)
    if phase == "forward":
        return steps[-1:]
    if phase == "backward":
        step = gradient_step(steps)
        return [] if step is None else [step]
    return steps


def neuron_block_html(w: Walkthrough, block: list[Step], neuron: int, chosen: bool,
                      step_html: Callable[[Step], str]) -> str:
    """The followed neuron's formulas and one line for the rest of its layer (see the module docstring)."""
    phase, layer = block[0].phase, block[0].layer
    assert layer is not None
    net_layer = w.network.layers[layer - 1]
    label = net_layer.labels[neuron]
    kinds = {s.covers if s.kind == "summary" else s.kind for s in block}
    if "update" in kinds:
        kinds |= {"weight_update", "bias_update"}
    own = [s for s in w.neuron_steps(phase, layer, neuron) if s.kind in kinds]
    why = "chosen" if chosen else ("the largest |∂E/∂z| in this layer" if net_layer.size > 1 else "")
    parts = [f"<p class='note'>Layer {layer}, neuron <b>{to_html(label)}</b>{f' ({why})' if why else ''}: "
             f"click another neuron in the network to follow it.</p>"]
    weights = [s for s in own if s.kind in WEIGHT_KINDS]
    largest_weight = _largest(weights)
    for step in own:
        if step.kind not in WEIGHT_KINDS:
            parts.append(step_html(step))
        elif step is largest_weight:  # of its incoming weights the one that changes most, then the others in a line
            parts.append(step_html(step))
            if len(weights) > 1:
                biggest, what = ("gradient", "gradients: each the same product, with its own input") \
                    if phase == "backward" else ("change", "updates: each by the same rule")
                parts.append(f"<p class='muted'>(its incoming weight of the largest {biggest}; the "
                             f"{len(weights) - 1:,} other incoming weight {what})</p>")
    others = [j for j in range(net_layer.size) if j != neuron]
    if others:
        candidates = [s for j in others for s in _key_step(w, phase, layer, j)]
        largest = _largest(candidates)
        measure = {"forward": "|output|", "backward": "|∂E/∂z|", "update": "change"}[phase]
        what = "the same formulas, each with its own weights" if phase != "update" else \
            "their weights and biases updated by the same rule"
        noun = "neuron" if len(others) == 1 else "neurons"
        parts.append(f"<p class='note'>The other {len(others):,} {noun} of layer {layer}: {what}; the largest "
                     f"{measure}: {_value_text(largest) if largest is not None else '—'}.</p><hr>")
    return "".join(parts)
