"""What the network view shows at one moment: every number taken from the engine, NaN where the
walkthrough has not reached it yet.

With no walkthrough running, the values are the engine's forward pass of the shown sample. In a
walkthrough, ``DisplayState.at`` replays its steps up to the position, each step putting its
value where it belongs; nothing is computed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sandbox.engine import Network, Step, Walkthrough

Array = np.ndarray
NAN = float("nan")


@dataclass
class DisplayState:
    """Per-layer arrays in the file's layer numbering (index 0 = inputs; None where not defined)."""

    network: Network
    values: list[Array]                 # neuron outputs
    preactivations: list[Array | None]  # z per neuron
    grads: list[Array | None]           # ∂E/∂(neuron output)
    pre_grads: list[Array | None]       # ∂E/∂z
    weights: list[Array | None]         # weights into layer l (None for l = 0)
    weight_grads: list[Array | None]
    weight_old: list[Array | None]      # value before the update where updated, else NaN
    biases: list[Array | None]
    bias_grads: list[Array | None]
    bias_old: list[Array | None]
    targets: Array
    loss: float | None = None
    walkthrough: Walkthrough | None = None
    position: int = -1
    #: the steps just revealed (highlighted and animated)
    active: list[Step] = field(default_factory=list)
    #: practice mode: the next step, asked of the student: lit, its value written "?" (never put in)
    asked: Step | None = None

    @property
    def in_walkthrough(self) -> bool:
        return self.walkthrough is not None and self.position >= 0

    def ask(self, step: Step) -> None:
        """Show ``step`` as the question of practice mode: the only one lit, its value not shown."""
        self.asked = step
        self.active = [step]

    def asked_place(self) -> tuple | None:
        """What the asked step computes, as the texts name it: ("value", l, j), ("grad", l, j),
        ("pre_grad", l, j), ("loss",), ("weight_grad", l, j, k), ("weight", l, j, k), ("bias_grad", l, j),
        ("bias", l, j); None when nothing is asked."""
        step = self.asked
        if step is None:
            return None
        l, j, k, kind = step.layer, step.neuron, step.source, step.kind
        if kind in ("neuron", "preactivation", "activation"):
            return ("value", l, j)
        if kind == "loss":
            return ("loss",)
        if kind in ("output_gradient", "input_gradient"):
            return ("grad", l, j)
        return {"preactivation_gradient": ("pre_grad", l, j), "weight_gradient": ("weight_grad", l, j, k),
                "bias_gradient": ("bias_grad", l, j), "weight_update": ("weight", l, j, k),
                "bias_update": ("bias", l, j)}.get(kind)

    @property
    def phase(self) -> str | None:
        if not self.in_walkthrough:
            return None
        return self.walkthrough.steps[self.position].phase

    # ---- building --------------------------------------------------------------------------
    @classmethod
    def blank(cls, network: Network, inputs: Array, targets: Array) -> DisplayState:
        sizes = network.sizes
        layers = network.layers

        def nan_layers(first: Array | None = None) -> list[Array | None]:
            return [first] + [np.full(n, NAN) for n in sizes[1:]]

        return cls(
            network=network,
            values=[np.asarray(inputs, dtype=float).copy()] + [np.full(n, NAN) for n in sizes[1:]],
            preactivations=nan_layers(),
            grads=nan_layers(np.full(sizes[0], NAN)),
            pre_grads=nan_layers(),
            weights=[None] + [layer.weights.copy() for layer in layers],
            weight_grads=[None] + [np.full(layer.weights.shape, NAN) for layer in layers],
            weight_old=[None] + [np.full(layer.weights.shape, NAN) for layer in layers],
            biases=[None] + [None if layer.biases is None else layer.biases.copy() for layer in layers],
            bias_grads=[None] + [None if layer.biases is None else np.full(layer.size, NAN) for layer in layers],
            bias_old=[None] + [None if layer.biases is None else np.full(layer.size, NAN) for layer in layers],
            targets=np.asarray(targets, dtype=float).copy(),
        )

    @classmethod
    def idle(cls, network: Network, inputs: Array, targets: Array) -> DisplayState:
        """No walkthrough: the weights and the engine's forward pass of one sample."""
        state = cls.blank(network, inputs, targets)
        with np.errstate(all="ignore"):  # weights that overflow show ∞ (as the walkthrough does), no warning
            fp = network.forward(inputs)
        for l in range(1, network.depth + 1):
            state.values[l] = fp.outputs[l][0].copy()
            state.preactivations[l] = fp.preactivations[l - 1][0].copy()
        return state

    @classmethod
    def at(cls, walkthrough: Walkthrough, position: int, active_from: int | None = None) -> DisplayState:
        """The walkthrough shown up to step ``position``; steps after ``active_from`` are the active ones."""
        w = walkthrough
        net = w.network
        s = w.sample
        state = cls.blank(net, w.inputs[s], w.targets[s])
        state.weights = [None] + [a.copy() for a in w.weights_before]
        state.biases = [None] + [None if b is None else b.copy() for b in w.biases_before]
        state.walkthrough = w
        state.position = position
        for step in w.steps[: position + 1]:
            state.apply(step)
        if position >= 0:
            start = position if active_from is None else max(0, active_from + 1)
            state.active = list(w.steps[start: position + 1])
        return state

    def apply(self, step: Step) -> None:
        """Put one step's value where it belongs."""
        l, j, k, v = step.layer, step.neuron, step.source, step.value
        kind = step.kind
        if kind == "neuron":
            self.values[l][j] = v
            self.preactivations[l][j] = v
        elif kind == "preactivation":
            self.preactivations[l][j] = v
        elif kind == "activation":
            self.values[l][j] = v
        elif kind == "loss":
            self.loss = v
        elif kind == "input_gradient":  # ∂E/∂x_k of the shown sample's input k (layer 0)
            self.grads[0][j] = v
        elif kind == "output_gradient":
            self.grads[l][j] = v
            if self.network.layers[l - 1].activation == "identity":
                self.pre_grads[l][j] = v
        elif kind == "preactivation_gradient":
            self.pre_grads[l][j] = v
        elif kind == "weight_gradient":
            self.weight_grads[l][j, k] = v
        elif kind == "bias_gradient":
            self.bias_grads[l][j] = v
        elif kind == "weight_update":
            self.weight_old[l][j, k] = step.old
            self.weights[l][j, k] = v
        elif kind == "bias_update":
            self.bias_old[l][j] = step.old
            self.biases[l][j] = v
        elif kind == "summary":
            self.apply_summary(step)

    def apply_summary(self, step: Step) -> None:
        """A summary step stands for the rest of a layer's steps of one kind: their values, all at once, taken
        from the walkthrough's arrays."""
        w, l = self.walkthrough, step.layer
        if w is None or l is None:
            return
        if step.covers == "input_gradient":  # ∂E/∂x of the shown sample's inputs (layer 0)
            self.grads[0] = np.asarray(w.input_gradients(), dtype=float).copy()
            return
        s, i = w.sample, l - 1
        if step.covers == "neuron":
            self.values[l] = w.forward.outputs[l][s].copy()
            self.preactivations[l] = w.forward.preactivations[i][s].copy()
        elif step.covers == "output_gradient":
            grads = w.backprop.output_grads[i]
            if grads is not None:
                self.grads[l] = grads[s].copy()
            if self.network.layers[i].activation == "identity":
                self.pre_grads[l] = w.backprop.preactivation_grads[i][s].copy()
        elif step.covers == "preactivation_gradient":
            self.pre_grads[l] = w.backprop.preactivation_grads[i][s].copy()
        elif step.covers == "weight_gradient":
            self.weight_grads[l] = w.weight_grads[i].copy()
        elif step.covers == "bias_gradient":
            grads = w.bias_grads[i]
            self.bias_grads[l] = None if grads is None else grads.copy()
        elif step.covers == "update":
            self.weight_old[l] = w.weights_before[i].copy()
            self.weights[l] = w.weights_after[i].copy()
            before, after = w.biases_before[i], w.biases_after[i]
            if before is not None and after is not None:
                self.bias_old[l] = before.copy()
                self.biases[l] = after.copy()
