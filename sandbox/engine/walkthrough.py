"""The recorded walkthrough of one gradient-descent update: every number with its formula.

``Walkthrough`` is the single object that the GUI animates and that ``explain`` and every
export render. It is built by ``Trainer.walkthrough`` from the same forward, backward and
optimizer code that plain training runs, then applied with ``Trainer.apply``.

Formulas are plain text in a small grammar the renderers understand: derivatives are
written ``∂A/∂B``, products of numbers as ``(a)(b)(c)``, a true minus sign ``−``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from .network import Backprop, ForwardPass, Layer, Network
from .numbers import factor, fmt, paren
from .regularization import Regularization

if TYPE_CHECKING:
    from .losses import Loss
    from .optimizers import Optimizer

Array = NDArray[np.float64]

#: a chain of more factors than this is written through the intermediate derivative instead
MAX_CHAIN = 4
#: sums with more terms than this are written with an ellipsis
MAX_TERMS = 6
#: each layer writes out at most this many steps of each kind (neurons, gradients, updates); one summary
#: step stands for the rest, so that a network of 500,000 weights gives a walkthrough of a few thousand steps
DETAILED_STEPS = 32

PHASES = ("forward", "loss", "backward", "update")


@dataclass(frozen=True)
class StepText:
    """A step's words: its formula with numbers, the formula in symbols, and an update's lines (one per formula
    of the optimizer)."""

    formula: str
    symbolic: str = ""
    lines: tuple[str, ...] = ()


Terms = tuple[tuple[str, float], ...]


def _no_text() -> StepText:
    return StepText("")


def _no_terms() -> Terms:
    return ()


@dataclass(frozen=True, eq=False)
class Step:
    """One quantity of the update: where it is, its value, and its formula with numbers, written when it is
    first asked for (``write`` makes the text; a big network's walkthrough is ready before any is written).
    A weighted sum's terms (label, number), which the network view animates, come apart from its text."""

    phase: str
    kind: str
    target: str
    value: float
    layer: int | None = None
    neuron: int | None = None
    source: int | None = None
    old: float | None = None
    #: a summary step (kind ``summary``): the kind of the steps it stands for, and how many
    covers: str = ""
    count: int = 0
    write: Callable[[], StepText] = field(default=_no_text, repr=False)
    weigh: Callable[[], Terms] = field(default=_no_terms, repr=False)

    @cached_property
    def text(self) -> StepText:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # as when the numbers were computed:
            return self.write()  # a diverging update writes inf and NaN, without a warning

    @cached_property
    def terms(self) -> Terms:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return self.weigh()

    @property
    def formula(self) -> str:
        return self.text.formula

    @property
    def symbolic(self) -> str:
        return self.text.symbolic

    @property
    def lines(self) -> tuple[str, ...]:
        return self.text.lines

    @property
    def delta(self) -> float | None:
        return None if self.old is None else self.value - self.old

    def _fields(self) -> tuple[Any, ...]:
        return (self.phase, self.kind, self.target, self.value, self.layer, self.neuron, self.source, self.old,
                self.covers, self.count)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Step):
            return NotImplemented
        return self._fields() == other._fields() and self.text == other.text and self.terms == other.terms

    def __hash__(self) -> int:
        return hash(self._fields())

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"phase": self.phase, "kind": self.kind, "target": self.target,
             "formula": self.formula, "value": self.value}
        if self.layer is not None:
            d["layer"] = self.layer
        if self.neuron is not None:
            d["neuron"] = self.neuron
        if self.source is not None:
            d["source"] = self.source
        if self.old is not None:
            d["old"] = self.old
        if self.covers:
            d["covers"], d["count"] = self.covers, self.count
        return d


@dataclass
class Walkthrough:
    """One whole update on one batch: forward values, loss, gradients, updates, and the result."""

    network: Network
    network_name: str
    batch: int
    sample: int
    batch_indices: list[int]
    epoch: int
    iteration: int
    learning_rate: float
    loss_name: str
    reduction: str
    optimizer_name: str
    inputs: Array
    targets: Array
    forward: ForwardPass
    backprop: Backprop
    weight_grads: list[Array]
    bias_grads: list[Array | None]
    weights_before: list[Array]
    biases_before: list[Array | None]
    weights_after: list[Array]
    biases_after: list[Array | None]
    outputs_after: Array
    loss_after: float
    optimizer_state_after: list[dict[str, Array]]
    optimizer_steps_after: int
    steps: list[Step] = field(default_factory=list)
    #: λR(θ) of the weights before the update (0 without regularization), written by the builder
    penalty: float = 0.0
    #: False for an update shown only (``Trainer.walkthrough_of``: one sample alone), which ``Trainer.apply`` refuses
    applies: bool = True
    #: where the sample comes from when it is not a training batch, e.g. "test sample 17" ("" for a batch)
    source: str = ""
    #: (rows, columns) when the inputs are an image's pixels row by row (``Experiment.input_image``), else None
    input_image: tuple[int, int] | None = None
    #: writes one neuron's steps of a phase (``neuron_steps``); set by the builder
    neuron_writer: Callable[[str, int, int], list[Step]] | None = field(default=None, repr=False, compare=False)

    @property
    def loss(self) -> float:
        """The batch's data loss L (mean or sum of the per-sample losses)."""
        return self.backprop.loss

    @property
    def objective(self) -> float:
        """What the update minimises, E = L + λR(θ): the data loss plus the regularization penalty."""
        return self.loss + self.penalty

    @property
    def outputs(self) -> Array:
        return self.forward.prediction

    def steps_of(self, phase: str) -> list[Step]:
        return [s for s in self.steps if s.phase == phase]

    def neuron_steps(self, phase: str, layer: int, neuron: int) -> list[Step]:
        """The steps of ``phase`` about neuron ``neuron`` of layer ``layer`` (≥ 1): its weighted sum and output, or
        its gradients and those of its incoming weights and bias, or their updates, in the walkthrough's order and
        written out even where the walkthrough summarises them (the steps ``detail=None`` gives)."""
        if self.neuron_writer is not None:
            return self.neuron_writer(phase, layer, neuron)
        return [s for s in self.steps if s.phase == phase and s.layer == layer and s.neuron == neuron]

    def phase_start(self, phase: str) -> int:
        """Index of the first step of ``phase``."""
        return next(i for i, s in enumerate(self.steps) if s.phase == phase)

    def by_label(self) -> dict[str, float]:
        """Gradient of every weight and bias by its label."""
        out: dict[str, float] = {}
        for layer, gw, gb in zip(self.network.layers, self.weight_grads, self.bias_grads):
            for row_labels, row in zip(layer.weight_labels, gw):
                for label, g in zip(row_labels, row):
                    out[label] = float(g)
            if gb is not None:
                for label, g in zip(layer.bias_labels or [], gb):
                    out[label] = float(g)
        return out

    def input_gradients(self) -> Array:
        """∂E/∂x of the shown sample's inputs (its own loss, as ∂E/∂a of every neuron): ∂E/∂x_k = Σ_j ∂E/∂z_j · w_jk
        over the first layer, the gradient the lecture backpropagates "w.r.t. input"."""
        return np.asarray(self.backprop.preactivation_grads[0][self.sample] @ self.weights_before[0], dtype=np.float64)

    def delta(self) -> Array:
        """The output error Δ = y − y* of the shown sample, one number per output (the lecture's Δ)."""
        return np.asarray(self.forward.prediction[self.sample] - self.targets[self.sample], dtype=np.float64)

    def values(self) -> dict[str, float]:
        """Every neuron's output for the shown sample, inputs included, by label."""
        s = self.sample
        out = {label: float(v) for label, v in zip(self.network.input_labels, self.inputs[s])}
        for layer, a in zip(self.network.layers, self.forward.outputs[1:]):
            for label, v in zip(layer.labels, a[s]):
                out[label] = float(v)
        return out

    def preactivations(self) -> dict[str, float]:
        s = self.sample
        return {
            label: float(v)
            for layer, z in zip(self.network.layers, self.forward.preactivations)
            for label, v in zip(layer.labels, z[s])
        }


# ---- building ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Factor:
    """One factor of a chain-rule product: its derivative symbol, its expression, its number."""

    derivative: str
    expression: str
    value: float


def _sum_text(parts: list[str]) -> str:
    if len(parts) > MAX_TERMS:
        return " + ".join(parts[:3]) + " + … + " + parts[-1]
    return " + ".join(parts)


def _shown(n: int) -> list[int]:
    """The indices of the terms of an n-term sum that ``_sum_text`` writes (so that only those are formatted)."""
    return list(range(n)) if n <= MAX_TERMS else [0, 1, 2, n - 1]


def _joined(parts: list[str], n: int) -> str:
    """``_sum_text`` of an n-term sum given only the parts it writes (``_shown(n)``)."""
    if n > MAX_TERMS:
        return " + ".join(parts[:3]) + " + … + " + parts[-1]
    return " + ".join(parts)


def _sum_of(n: int, term: Callable[[int], str]) -> str:
    """``_sum_text`` of the n terms ``term(i)``, formatting only the ones it writes."""
    return _joined([term(i) for i in _shown(n)], n)


def _largest(values: Array) -> float:
    """The value of largest magnitude (NaN first, so that a NaN is never hidden)."""
    flat = np.asarray(values, dtype=np.float64).ravel()
    if not flat.size:
        return 0.0
    nan = np.isnan(flat)
    if nan.any():
        return float("nan")
    return float(flat[int(np.argmax(np.abs(flat)))])


def _product(chain: list[Factor]) -> tuple[str, str, str]:
    return (
        " · ".join(f.derivative for f in chain),
        " · ".join(f.expression for f in chain),
        "".join(factor(f.value) for f in chain),
    )


_T = TypeVar("_T")


def _known(value: _T | None) -> _T:
    """``value``, which the network guarantees is there: a layer with a bias has bias labels, values
    and gradients, and the walkthrough's backward pass keeps every dE/da."""
    assert value is not None
    return value


class WalkthroughBuilder:
    """Makes the steps of a walkthrough from the numbers the trainer computed: each step's value at once, its
    text when it is first asked for (any step, in any order, gives the same text)."""

    def __init__(self, w: Walkthrough, loss: Loss, regularization: Regularization, optimizer: Optimizer,
                 trainable: list[tuple[bool, bool]], optimizer_state_before: list[dict[str, Array]],
                 detail: int | None = DETAILED_STEPS):
        self.w = w
        #: each layer writes out at most this many steps of each kind (None: every step, nothing summarised)
        self.cap = sys.maxsize if detail is None else max(0, int(detail))
        self.net = w.network
        self.loss = loss
        self.reg = regularization
        self.opt = optimizer
        self.trainable = trainable
        self.state_before = optimizer_state_before
        self.s = w.sample
        self.batch = w.inputs.shape[0]
        self._out_chains: dict[tuple[int, int], list[Factor]] = {}
        self._pre_chains: dict[tuple[int, int], list[Factor]] = {}
        w.penalty = regularization.penalty(w.weights_before) if regularization.active else 0.0
        w.neuron_writer = self.neuron_steps

    # names ---------------------------------------------------------------------------------
    def neuron(self, l: int, j: int) -> str:
        return self.net.neuron_labels(l)[j]

    def pre(self, l: int, j: int) -> str:
        """The pre-activation's symbol: the neuron's own label when the activation is identity."""
        layer = self.net.layers[l - 1]
        return layer.labels[j] if layer.activation == "identity" else layer.preactivation_labels[j]

    def output_value(self, l: int, j: int) -> float:
        return float(self.w.forward.outputs[l][self.s, j])

    def sample_note(self) -> str:
        """Which sample of the batch a formula's numbers are, counted from 1 as people count (or where a sample
        shown on its own comes from, e.g. " (test sample 17)")."""
        if self.w.source:
            return f" ({self.w.source})"
        return f" (sample {self.s + 1})" if self.batch > 1 else ""

    def delta_name(self, j: int) -> str:
        """The lecture's name of output j's error y − y*: Δ, or Δ_y1, Δ_y2, … for several outputs."""
        out = self.net.layers[-1]
        return "Δ" if out.size == 1 else f"Δ_{out.labels[j]}"

    def combined(self, l: int) -> bool:
        """Layer l is the output and its activation and the loss give ∂E/∂z = y − y* (sigmoid with binary
        cross-entropy, softmax with cross-entropy): Δ is the gradient of the weighted sum."""
        activation = self.net.layers[l - 1].activation
        if l != self.net.depth:
            return False
        if self.loss.name == "bce":
            return activation == "sigmoid"
        # softmax with cross-entropy gives y·Σₖyₖ* − y*: y − y* for targets that sum to 1 (one class, or shares)
        return self.loss.name == "cross_entropy" and activation == "softmax" and \
            abs(float(np.sum(self.w.targets[self.s])) - 1.0) <= 1e-12

    def delta_text(self, j: int) -> str:
        """``Δ = y − y* = 0.191 − 1 = −0.809`` without its value: the output's error and its numbers."""
        label = self.net.layers[-1].labels[j]
        y = float(self.w.forward.prediction[self.s, j])
        t = float(self.w.targets[self.s, j])
        return f"{self.delta_name(j)} = {label} − {label}* = {fmt(y)} − {paren(t)}"

    # steps ---------------------------------------------------------------------------------
    def build(self) -> list[Step]:
        steps: list[Step] = []
        cap = self.cap
        for l in range(1, self.net.depth + 1):
            size = self.net.layers[l - 1].size
            for j in range(min(size, cap)):
                steps.extend(self.forward_steps(l, j))
            if size > cap:
                steps.append(self.summary("forward", "neuron", l, size - cap))
        steps.append(self.loss_step())
        for l in range(self.net.depth, 0, -1):
            layer = self.net.layers[l - 1]
            shown = min(layer.size, cap)
            for j in range(shown):
                steps.append(self.output_grad_step(l, j))
            if layer.size > cap:
                steps.append(self.summary("backward", "output_gradient", l, layer.size - cap))
            if layer.activation != "identity":
                for j in range(shown):
                    steps.append(self.preactivation_grad_step(l, j))
                if layer.size > cap:
                    steps.append(self.summary("backward", "preactivation_gradient", l, layer.size - cap))
            weights = layer.size * layer.fan_in
            for n in range(min(weights, cap)):
                steps.append(self.weight_grad_step(l, *divmod(n, layer.fan_in)))
            if weights > cap:
                steps.append(self.summary("backward", "weight_gradient", l, weights - cap))
            if layer.has_bias:
                for j in range(shown):
                    steps.append(self.bias_grad_step(l, j))
                if layer.size > cap:
                    steps.append(self.summary("backward", "bias_gradient", l, layer.size - cap))
        inputs = self.w.input_gradients()
        for x in range(min(self.net.input_size, cap)):
            steps.append(Step("backward", "input_gradient", self.neuron(0, x), float(inputs[x]), 0, x,
                              write=partial(self.input_grad_text, x, float(inputs[x]))))
        if self.net.input_size > cap:
            steps.append(self.summary("backward", "input_gradient", 0, self.net.input_size - cap))
        for l in range(1, self.net.depth + 1):
            layer = self.net.layers[l - 1]
            sources: list[int | None] = [*range(layer.fan_in), *([None] if layer.has_bias else [])]
            written = 0
            for j in range(layer.size):
                for k in sources:
                    if written == cap:
                        break
                    steps.append(self.update_step(l, j, k))
                    written += 1
            total = layer.size * len(sources)
            if total > cap:
                steps.append(self.summary("update", "update", l, total - cap))
        return steps

    def neuron_steps(self, phase: str, l: int, j: int) -> list[Step]:
        """Every step of ``phase`` about neuron j of layer l ≥ 1, as ``build`` writes them when nothing is capped."""
        layer = self.net.layers[l - 1]
        if phase == "forward":
            return self.forward_steps(l, j)
        if phase == "backward":
            steps = [self.output_grad_step(l, j)]
            if layer.activation != "identity":
                steps.append(self.preactivation_grad_step(l, j))
            steps.extend(self.weight_grad_step(l, j, k) for k in range(layer.fan_in))
            if layer.has_bias:
                steps.append(self.bias_grad_step(l, j))
            return steps
        if phase == "update":
            return [self.update_step(l, j, k) for k in [*range(layer.fan_in), *([None] if layer.has_bias else [])]]
        return []

    def summary(self, phase: str, covers: str, l: int, count: int) -> Step:
        """One step for the ``count`` steps of kind ``covers`` of layer ``l`` that are not written out: what each
        is, and the one of largest magnitude (its ``value``)."""
        layer = self.net.layers[l - 1]
        s, cap = self.s, self.cap
        if covers == "input_gradient":
            values = self.w.input_gradients()[cap:]
        elif phase == "forward":
            values = self.w.forward.outputs[l][s, cap:]
        elif covers == "output_gradient":
            values = _known(self.w.backprop.output_grads[l - 1])[s, cap:]
        elif covers == "preactivation_gradient":
            values = self.w.backprop.preactivation_grads[l - 1][s, cap:]
        elif covers == "weight_gradient":
            values = self.w.weight_grads[l - 1].ravel()[cap:]
        elif covers == "bias_gradient":
            values = _known(self.w.bias_grads[l - 1])[cap:]
        else:
            after = [self.w.weights_after[l - 1]]
            before = [self.w.weights_before[l - 1]]
            if layer.has_bias:
                after.append(_known(self.w.biases_after[l - 1])[:, None])
                before.append(_known(self.w.biases_before[l - 1])[:, None])
            values = (np.hstack(after) - np.hstack(before)).ravel()[cap:]
        largest = _largest(values)
        return Step(phase, "summary", f"layer {l}", largest, l, covers=covers, count=count,
                    write=partial(self.summary_text, phase, covers, l, count, largest))

    def summary_text(self, phase: str, covers: str, l: int, count: int, largest: float) -> StepText:
        labels = self.net.neuron_labels(l)
        cap = self.cap
        first_neuron = labels[cap] if cap < len(labels) else labels[-1]
        if covers == "input_gradient":
            what = f"∂E/∂(input) ({first_neuron} to {labels[-1]}), each as above"
        elif phase == "forward":
            what = f"neurons of layer {l} ({first_neuron} to {labels[-1]}), each computed as above"
        elif covers == "output_gradient":
            what = f"∂E/∂(output) of layer {l} ({first_neuron} to {labels[-1]}), each as above"
        elif covers == "preactivation_gradient":
            what = f"∂E/∂(weighted sum) of layer {l}, each as above"
        elif covers == "weight_gradient":
            what = f"weight gradients of layer {l}, each ∂E/∂w = ∂E/∂(weighted sum) · (its input)"
        elif covers == "bias_gradient":
            what = f"bias gradients of layer {l}, each ∂E/∂b = ∂E/∂(weighted sum)"
        else:
            what = f"updates of layer {l}'s weights and biases, each by the same rule as above"
        formula = f"… and {count:,} more {what}: the largest change is {fmt(largest)}" if phase == "update" else \
            f"… and {count:,} more {what}: the largest is {fmt(largest)}"
        return StepText(formula)

    def forward_steps(self, l: int, j: int) -> list[Step]:
        layer = self.net.layers[l - 1]
        z = float(self.w.forward.preactivations[l - 1][self.s, j])
        pre = self.pre(l, j)
        write, weigh = partial(self.weighted_sum_text, l, j), partial(self.weighted_sum_terms, l, j)
        if layer.activation == "identity":
            return [Step("forward", "neuron", pre, z, l, j, write=write, weigh=weigh)]
        label = layer.labels[j]
        return [
            Step("forward", "preactivation", pre, z, l, j, write=write, weigh=weigh),
            Step("forward", "activation", label, self.output_value(l, j), l, j,
                 write=partial(self.activation_text, l, j)),
        ]

    def weighted_sum_terms(self, l: int, j: int) -> Terms:
        """The terms of neuron j's weighted sum: each weight's product with its input, then the bias."""
        layer = self.net.layers[l - 1]
        products = self.w.forward.outputs[l - 1][self.s] * layer.weights[j]
        terms = list(zip(layer.weight_labels[j], products.tolist()))
        if layer.has_bias:
            terms.append((_known(layer.bias_labels)[j], float(_known(layer.biases)[j])))
        return tuple(terms)

    def weighted_sum_text(self, l: int, j: int) -> StepText:
        layer = self.net.layers[l - 1]
        s = self.s
        src = self.net.neuron_labels(l - 1)
        a_prev = self.w.forward.outputs[l - 1][s]
        w = layer.weights[j]
        n = layer.fan_in + (1 if layer.has_bias else 0)
        sym = [f"{src[k]}·{layer.weight_labels[j][k]}" if k < layer.fan_in else _known(layer.bias_labels)[j]
               for k in _shown(n)]
        num = [f"{paren(a_prev[k])}·{paren(w[k])}" if k < layer.fan_in else paren(_known(layer.biases)[j])
               for k in _shown(n)]
        z = float(self.w.forward.preactivations[l - 1][s, j])
        symbolic = f"{self.pre(l, j)} = {_joined(sym, n)}"
        formula = f"{symbolic} = {_joined(num, n)} = {fmt(z)}"
        return StepText(formula + self.sample_note(), symbolic)

    def activation_text(self, l: int, j: int) -> StepText:
        layer = self.net.layers[l - 1]
        z = float(self.w.forward.preactivations[l - 1][self.s, j])
        a = self.output_value(l, j)
        label = layer.labels[j]
        fn = _function_text(layer.activation, self.pre(l, j), j, layer.alpha_value)
        # a function's own parentheses hold its argument: σ(−0.1), not σ((−0.1)); e^(−0.1) keeps them
        arg = paren(z) if layer.activation == "softplus" else fmt(z)
        fn_num = _function_text(layer.activation, arg, j, layer.alpha_value)
        return StepText(f"{label} = {fn} = {fn_num} = {fmt(a)}", f"{label} = {fn}")

    def loss_step(self) -> Step:
        return Step("loss", "loss", "E", self.w.objective, self.net.depth, None, write=self.loss_text)

    def loss_text(self) -> StepText:
        s = self.s
        head, expanded, numbers = self.sample_loss_text()
        derivation = f"{head} = {expanded} = {numbers}" if expanded else f"{head} = {numbers}"
        sample_loss = float(self.w.backprop.per_sample_losses[s])
        if self.reg.active:
            return self.objective_text(head, derivation, numbers, sample_loss)
        if self.batch == 1:
            formula = f"E = {derivation} = {fmt(sample_loss)}"
        else:
            how = f"(1/{self.batch}) Σₛ Eₛ" if self.w.reduction == "mean" else "Σₛ Eₛ"
            formula = (f"E_{s + 1} = {derivation} = {fmt(sample_loss)}; "
                       f"E = {how} = {fmt(self.w.loss)}")
        return StepText(formula, f"E = {head}")

    def sample_loss_text(self) -> tuple[str, str, str]:
        """The shown sample's loss: in symbols (a sum over k for several outputs), written out output by output
        ("" for one output), and with its numbers. What ``Loss.per_sample`` computes: squared error
        ½Σₖ(yₖ − yₖ*)², binary cross-entropy summed over the outputs, cross-entropy −Σₖ yₖ* log(yₖ)."""
        out_labels = self.net.layers[-1].labels
        y = self.w.forward.prediction[self.s]
        t = self.w.targets[self.s]
        several = len(y) > 1
        if self.loss.name == "mse":
            sym_terms = [f"({lab} − {lab}*)²" for lab in out_labels]
            num_terms = [f"({fmt(y[j])} − {paren(t[j])})²" for j in range(len(y))]
            if not several:
                return f"½{sym_terms[0]}", "", f"½{num_terms[0]}"
            return "½Σₖ(yₖ − yₖ*)²", f"½[{_sum_text(sym_terms)}]", f"½[{_sum_text(num_terms)}]"
        if self.loss.name == "bce":
            sym_terms = [f"−{lab}* log({lab}) − (1 − {lab}*) log(1 − {lab})" for lab in out_labels]
            num_terms = [f"−{paren(t[j])}·log({fmt(y[j])}) − (1 − {paren(t[j])})·log(1 − {paren(y[j])})"
                         for j in range(len(y))]
            if not several:
                return sym_terms[0], "", num_terms[0]
            return ("Σₖ[−yₖ* log(yₖ) − (1 − yₖ*) log(1 − yₖ)]", _sum_text([f"[{x}]" for x in sym_terms]),
                    _sum_text([f"[{x}]" for x in num_terms]))
        sym_terms = [f"{lab}* log({lab})" for lab in out_labels]
        num_terms = [f"{paren(t[j])}·log({fmt(y[j])})" for j in range(len(y))]
        expanded, numbers = f"−({_sum_text(sym_terms)})", f"−({_sum_text(num_terms)})"
        return ("−Σₖ yₖ* log(yₖ)", expanded, numbers) if several else (expanded, "", numbers)

    def objective_text(self, head: str, derivation: str, numbers: str, sample_loss: float) -> StepText:
        """With regularization the update minimises E = L + λR(θ), R(θ) = ½Σw² (L2) or Σ|w| (L1) over the weights
        before the update (never the biases), whose gradient is the + λ·w or + λ·sign(w) of each weight's."""
        strength = self.reg.strength
        r_sym = "½Σw²" if self.reg.kind == "l2" else "Σ|w|"
        r_value = Regularization(self.reg.kind, 1.0).penalty(self.w.weights_before)
        loss, penalty = self.w.loss, self.w.penalty
        total = f"{fmt(loss)} + {paren(penalty)} = {fmt(self.w.objective)}"
        if self.batch == 1:
            title = f"E = L + λR(θ) = {head} + λ·{r_sym}"
            return StepText(f"{title} = {numbers} + {paren(strength)}·{paren(r_value)} = {total}", title)
        how = f"(1/{self.batch}) Σₛ Lₛ" if self.w.reduction == "mean" else "Σₛ Lₛ"
        title = f"E = L + λR(θ) = {how} + λ·{r_sym}"
        formula = (f"L_{self.s + 1} = {derivation} = {fmt(sample_loss)}; L = {how} = {fmt(loss)}; "
                   f"{title} = {fmt(loss)} + {paren(strength)}·{paren(r_value)} = {total}")
        return StepText(formula, title)

    # the chain rule's products, each made once when a step's text first needs it -----------------------
    def out_chain(self, l: int, j: int) -> list[Factor]:
        """The factors of ∂E/∂a for neuron j of layer l (one factor, ∂E/∂a itself, where the product would
        be longer than ``MAX_CHAIN`` or the layer above has several neurons)."""
        key = (l, j)
        if key not in self._out_chains:
            label = self.neuron(l, j)
            value = float(_known(self.w.backprop.output_grads[l - 1])[self.s, j])
            d = f"∂E/∂{label}"
            if l == self.net.depth:
                if self.loss.name == "mse":
                    chain = [Factor(d, self.delta_name(j), value)]
                else:
                    y = float(self.w.forward.prediction[self.s, j])
                    t = float(self.w.targets[self.s, j])
                    chain = [Factor(d, _loss_gradient_text(self.loss.name, label, y, t)[0], value)]
            elif self.net.layers[l].size == 1:
                above = self.net.layers[l]
                if (l + 1, 0) not in self._pre_chains:
                    self._warm(l + 1)
                chain = self.pre_chain(l + 1, 0) + [
                    Factor(f"∂{self.pre(l + 1, 0)}/∂{label}", above.weight_labels[0][j], float(above.weights[0, j]))]
                chain = self.fit(chain, d, value)
            else:
                chain = [Factor(d, d, value)]
            self._out_chains[key] = chain
        return self._out_chains[key]

    def pre_chain(self, l: int, j: int) -> list[Factor]:
        """The factors of ∂E/∂z for neuron j of layer l."""
        key = (l, j)
        if key not in self._pre_chains:
            layer = self.net.layers[l - 1]
            if layer.activation == "identity":
                chain = self.out_chain(l, j)
            else:
                value = float(self.w.backprop.preactivation_grads[l - 1][self.s, j])
                d = f"∂E/∂{layer.preactivation_labels[j]}"
                if self.combined(l):
                    chain = [Factor(d, self.delta_name(j), value)]
                elif layer.activation == "softmax":
                    chain = [Factor(d, d, value)]
                else:
                    label, pre = layer.labels[j], layer.preactivation_labels[j]
                    z = float(self.w.forward.preactivations[l - 1][self.s, j])
                    local = float(layer_derivative(layer, z, self.output_value(l, j)))
                    local_expr = layer_derivative_text(layer.activation, label, pre)
                    chain = self.fit(self.out_chain(l, j) + [Factor(f"∂{label}/∂{pre}", local_expr, local)], d, value)
            self._pre_chains[key] = chain
        return self._pre_chains[key]

    def _warm(self, l: int) -> None:
        """Make the chains of the single neurons from the output down to layer ``l`` top down, so that a long
        column of one-neuron layers never recurses deeply."""
        for m in range(self.net.depth, l - 1, -1):
            if self.net.layers[m - 1].size == 1 and (m, 0) not in self._pre_chains:
                self.pre_chain(m, 0)

    def output_grad_step(self, l: int, j: int) -> Step:
        """∂E/∂a for neuron j of layer l: from the loss, or summed over the layer above."""
        value = float(_known(self.w.backprop.output_grads[l - 1])[self.s, j])
        return Step("backward", "output_gradient", self.neuron(l, j), value, l, j,
                    write=partial(self.output_grad_text, l, j, value))

    def output_grad_text(self, l: int, j: int, value: float) -> StepText:
        label = self.neuron(l, j)
        s = self.s
        d = f"∂E/∂{label}"
        if l == self.net.depth and self.loss.name == "mse":
            formula = f"{d} = {self.delta_text(j)} = {fmt(value)}"
            return StepText(formula + self.sample_note(), f"{d} = {self.delta_name(j)}")
        if l == self.net.depth:
            y = float(self.w.forward.prediction[s, j])
            t = float(self.w.targets[s, j])
            expr, nums = _loss_gradient_text(self.loss.name, label, y, t)
            formula = f"{d} = {expr} = {nums} = {fmt(value)}"
        elif self.net.layers[l].size == 1:
            chain = self.out_chain(l, j)
            symbolic, expr, nums = _product(chain)
            if len(chain) == 1:
                formula = f"{d} = {fmt(value)}"
            else:
                formula = f"{d} = {symbolic} = {expr} = {nums} = {fmt(value)}"
        else:
            above = self.net.layers[l]
            dz = self.w.backprop.preactivation_grads[l][s]
            sym = _sum_of(above.size, lambda i: f"∂E/∂{self.pre(l + 1, i)} · {above.weight_labels[i][j]}")
            num = _sum_of(above.size, lambda i: f"{factor(dz[i])}{factor(above.weights[i, j])}")
            formula = f"{d} = {sym} = {num} = {fmt(value)}"
        return StepText(formula + self.sample_note(), d)

    def input_grad_text(self, k: int, value: float) -> StepText:
        """∂E/∂x_k, what the lecture backpropagates "w.r.t. input": Σⱼ ∂E/∂zⱼ · ∂zⱼ/∂x_k = Σⱼ ∂E/∂zⱼ · wⱼₖ over the
        first layer (as a chain-rule product when it has one neuron)."""
        label = self.neuron(0, k)
        d = f"∂E/∂{label}"
        first = self.net.layers[0]
        if first.size == 1:
            chain = self.fit(self.pre_chain(1, 0) + [
                Factor(f"∂{self.pre(1, 0)}/∂{label}", first.weight_labels[0][k], float(first.weights[0, k]))], d, value)
            symbolic, expr, nums = _product(chain)
            formula = f"{d} = {fmt(value)}" if len(chain) == 1 else \
                f"{d} = {symbolic} = {expr} = {nums} = {fmt(value)}"
            return StepText(formula + self.sample_note(), d if len(chain) == 1 else f"{d} = {symbolic}")
        dz = self.w.backprop.preactivation_grads[0][self.s]
        sym = _sum_of(first.size, lambda j: f"∂E/∂{self.pre(1, j)} · {first.weight_labels[j][k]}")
        num = _sum_of(first.size, lambda j: f"{factor(dz[j])}{factor(first.weights[j, k])}")
        return StepText(f"{d} = {sym} = {num} = {fmt(value)}" + self.sample_note(), f"{d} = {sym}")

    def preactivation_grad_step(self, l: int, j: int) -> Step:
        layer = self.net.layers[l - 1]
        value = float(self.w.backprop.preactivation_grads[l - 1][self.s, j])
        return Step("backward", "preactivation_gradient", layer.preactivation_labels[j], value, l, j,
                    write=partial(self.preactivation_grad_text, l, j, value))

    def preactivation_grad_text(self, l: int, j: int, value: float) -> StepText:
        layer = self.net.layers[l - 1]
        label, pre = layer.labels[j], layer.preactivation_labels[j]
        d = f"∂E/∂{pre}"
        if self.combined(l):
            # the loss's gradient times the activation's is y − y*: written so, and computed so (stably)
            if layer.activation == "softmax":
                formula = f"{d} = {self.delta_text(j)} = {fmt(value)} (softmax and cross-entropy combined)"
            else:
                local = layer_derivative_text(layer.activation, label, pre)
                symbolic, expr, _ = _product(self.out_chain(l, j) + [Factor(f"∂{label}/∂{pre}", local, 0.0)])
                formula = f"{d} = {symbolic} = {expr} = {self.delta_text(j)} = {fmt(value)}"
            return StepText(formula + self.sample_note(), f"{d} = {self.delta_name(j)}")
        if layer.activation == "softmax":
            formula = f"{d} = {label}(∂E/∂{label} − Σₖ ∂E/∂yₖ · yₖ) = {fmt(value)}"
        else:
            symbolic, expr, nums = _product(self.pre_chain(l, j))
            formula = f"{d} = {symbolic} = {expr} = {nums} = {fmt(value)}"
        return StepText(formula + self.sample_note(), d)

    def fit(self, chain: list[Factor], derivative: str, value: float) -> list[Factor]:
        return chain if len(chain) <= MAX_CHAIN else [Factor(derivative, derivative, value)]

    def weight_grad_step(self, l: int, j: int, k: int) -> Step:
        layer = self.net.layers[l - 1]
        value = float(self.w.weight_grads[l - 1][j, k])
        return Step("backward", "weight_gradient", layer.weight_labels[j][k], value, l, j, k,
                    write=partial(self.weight_grad_text, l, j, k, value))

    def weight_grad_text(self, l: int, j: int, k: int, value: float) -> StepText:
        layer = self.net.layers[l - 1]
        w_label = layer.weight_labels[j][k]
        src = self.net.neuron_labels(l - 1)[k]
        a = self.w.forward.outputs[l - 1][:, k]
        chain = self.pre_chain(l, j) + [Factor(f"∂{self.pre(l, j)}/∂{w_label}", src, float(a[self.s]))]
        dz = self.w.backprop.preactivation_grads[l - 1][:, j]
        reg_symbol, reg = "", 0.0
        if self.reg.active:
            reg_symbol = self.reg.symbol(w_label)
            reg = float(self.reg.gradient(layer.weights[j:j + 1, k])[0])
        return self.gradient_text(w_label, chain, dz * a, value, reg_symbol, reg)

    def bias_grad_step(self, l: int, j: int) -> Step:
        layer = self.net.layers[l - 1]
        value = float(_known(self.w.bias_grads[l - 1])[j])
        return Step("backward", "bias_gradient", _known(layer.bias_labels)[j], value, l, j, None,
                    write=partial(self.bias_grad_text, l, j, value))

    def bias_grad_text(self, l: int, j: int, value: float) -> StepText:
        b_label = _known(self.net.layers[l - 1].bias_labels)[j]
        chain = self.pre_chain(l, j) + [Factor(f"∂{self.pre(l, j)}/∂{b_label}", "1", 1.0)]
        dz = self.w.backprop.preactivation_grads[l - 1][:, j]
        return self.gradient_text(b_label, chain, dz, value, "", 0.0)

    def gradient_text(self, label: str, chain: list[Factor], per_sample: Array, value: float,
                      reg_symbol: str, reg: float) -> StepText:
        """∂E/∂θ as the chain-rule product, over the batch when it has several samples."""
        d = f"∂E/∂{label}"
        symbolic, expr, nums = _product(chain)
        reg_sym = f" + {reg_symbol}" if reg_symbol else ""
        reg_num = f" + {paren(reg)}" if reg_symbol else ""
        if self.batch == 1:
            formula = f"{d} = {symbolic}{reg_sym} = {expr}{reg_sym} = {nums}{reg_num} = {fmt(value)}"
        else:
            how = f"(1/{self.batch}) Σₛ" if self.w.reduction == "mean" else "Σₛ"
            sample_terms = _sum_of(len(per_sample), lambda i: factor(per_sample[i]))
            formula = (f"{d} = {how} {symbolic}{reg_sym} = {how} {expr}{reg_sym} = "
                       f"{how} [{sample_terms}]{reg_num} = {fmt(value)}; "
                       f"sample {self.s + 1}: {nums} = {fmt(per_sample[self.s])}")
        return StepText(formula, f"{d} = {symbolic}{reg_sym}")

    def update_step(self, l: int, j: int, k: int | None) -> Step:
        layer = self.net.layers[l - 1]
        i = l - 1
        if k is None:
            label = _known(layer.bias_labels)[j]
            old = float(_known(self.w.biases_before[i])[j])
            new = float(_known(self.w.biases_after[i])[j])
            kind = "bias_update"
        else:
            label = layer.weight_labels[j][k]
            old = float(self.w.weights_before[i][j, k])
            new = float(self.w.weights_after[i][j, k])
            kind = "weight_update"
        return Step("update", kind, label, new, l, j, k, old=old,
                    write=partial(self.update_text, l, j, k, label, old, new))

    def update_text(self, l: int, j: int, k: int | None, label: str, old: float, new: float) -> StepText:
        i = l - 1
        where: tuple[int, ...]
        if k is None:
            grad = float(_known(self.w.bias_grads[i])[j])
            on = self.trainable[i][1]
            param_index, where = self.param_index(i, bias=True), (j,)
        else:
            grad = float(self.w.weight_grads[i][j, k])
            on = self.trainable[i][0]
            param_index, where = self.param_index(i, bias=False), (j, k)
        delta_line = self.delta_update(l, j, k, label, old, new, grad) if on else None
        if not on:
            lines = [f"{label} is frozen: it keeps {fmt(old)}"]
        elif delta_line is not None:
            return StepText(delta_line, delta_line.split(" = ")[0], lines=(delta_line,))
        else:
            before = {n: float(a[where]) for n, a in self.state_before[param_index].items()} \
                if param_index < len(self.state_before) else {}
            after = {n: float(a[where]) for n, a in self.w.optimizer_state_after[param_index].items()}
            lines = self.opt.describe(label, old, grad, new, before, after, self.w.learning_rate)
        parts = lines[-1].split(" = ")  # a frozen parameter's line has no " = "
        return StepText("; ".join(lines), " = ".join(parts[:2]), lines=tuple(lines))

    def delta_update(self, l: int, j: int, k: int | None, label: str, old: float, new: float,
                     grad: float) -> str | None:
        """Plain SGD on one sample, as the lecture writes it: the step is η times the chain rule's factors with
        Δ last, ``w5 ← w5 − η·h1·Δ = 0.14 − 0.05·0.85·(−0.809) = 0.14 + 0.0343825 = 0.1743825``; None where the
        gradient is not such a product (another optimizer, a batch, a regularized weight, a chain written
        through an intermediate derivative)."""
        from .optimizers import SGD

        plain = isinstance(self.opt, SGD) and not self.opt.momentum
        if not plain or self.batch != 1 or (k is not None and self.reg.active):
            return None
        chain = self.pre_chain(l, j)
        if not chain[0].expression.startswith("Δ"):
            return None
        factors = list(reversed(chain[1:]))
        if k is not None:
            source = self.net.neuron_labels(l - 1)[k]
            factors.insert(0, Factor("", source, float(self.w.forward.outputs[l - 1][self.s, k])))
        factors.append(chain[0])
        lr = self.w.learning_rate
        step = lr * grad
        sign = "−" if step >= 0 or math.isnan(step) else "+"
        return (f"{label} ← {label} − η·{'·'.join(f.expression for f in factors)} = "
                f"{fmt(old)} − {paren(lr)}·{'·'.join(paren(f.value) for f in factors)} = "
                f"{fmt(old)} {sign} {fmt(abs(step))} = {fmt(new)}")

    def param_index(self, layer_index: int, bias: bool) -> int:
        n = 0
        for layer in self.net.layers[:layer_index]:
            n += 2 if layer.has_bias else 1
        return n + (1 if bias else 0)


# ---- formula pieces -----------------------------------------------------------------------

def _function_text(activation: str, arg: str, j: int, alpha: float) -> str:
    return {
        "identity": arg,
        "binary_step": f"step({arg})",
        "sigmoid": f"σ({arg})",
        "tanh": f"tanh({arg})",
        "arctan": f"arctan({arg})",
        "relu": f"max(0, {arg})",
        "prelu": f"PReLU_{fmt(alpha)}({arg})",
        "elu": f"ELU_{fmt(alpha)}({arg})",
        "softplus": f"ln(1 + e^{arg})",
        "softmax": f"softmax({arg})",
    }[activation]


def layer_derivative(layer: Layer, z: float, a: float) -> float:
    from .activations import ACTIVATIONS
    act = ACTIVATIONS[layer.activation]
    return float(act.derivative(np.array([z]), np.array([a]), layer.alpha_value)[0])


def layer_derivative_text(activation: str, label: str, pre: str) -> str:
    return {
        "identity": "1",
        "binary_step": "0",
        "sigmoid": f"{label}(1 − {label})",
        "tanh": f"(1 − {label}²)",
        "arctan": f"1/({pre}² + 1)",
        "relu": f"[{pre} ≥ 0]",
        "prelu": f"({pre} ≥ 0 ? 1 : α)",
        "elu": f"({pre} ≥ 0 ? 1 : {label} + α)",
        "softplus": f"σ({pre})",
        "softmax": f"{label}(1 − {label})",
    }[activation]


def _loss_gradient_text(loss: str, label: str, y: float, t: float) -> tuple[str, str]:
    if loss == "mse":
        return f"({label} − {label}*)", f"{fmt(y)} − {paren(t)}"
    if loss == "bce":
        return (f"(−{label}*/{label} + (1 − {label}*)/(1 − {label}))",
                f"−{paren(t)}/{paren(y)} + (1 − {paren(t)})/(1 − {paren(y)})")
    return f"(−{label}*/{label})", f"−{paren(t)}/{paren(y)}"
