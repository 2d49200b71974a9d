"""One neuron of a walkthrough as its computation graph: the chain rule opened up.

For neuron ``j`` of layer ``l`` and the walkthrough's shown sample, the graph has a node for each
product ``x_k·w_k`` (with its two leaves, the input ``x_k`` and the weight ``w_k``), the sum, ``+ b``,
the activation and the loss ``E``. Each edge carries its local derivative (∂ consumer / ∂ source) and
each node its running product: the gradient ∂E/∂node accumulated from the loss back to it, one edge
at a time (``edges`` is in that backward order).

Every value comes from the walkthrough's arrays; every local derivative from the engine's own
activation and loss derivatives (``activations.py``, ``losses.py``); every running product is the
product of the local derivatives on the path, and equals the walkthrough's gradient of the same
quantity for the shown sample (``check``). A hidden neuron's path on to the loss is one edge whose
"local" derivative is the walkthrough's ∂E/∂a of that neuron (the sum over the layer above).

``E`` is the shown sample's own loss: for a batch of several samples the walkthrough's weight and
bias gradients are the mean (or sum) over the batch, given beside as ``batch``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from .activations import ACTIVATIONS
from .losses import get_loss
from .numbers import fmt, paren
from .walkthrough import Walkthrough

Array = NDArray[np.float64]

_T = TypeVar("_T")


def _known(value: _T | None) -> _T:
    """``value``, which the network guarantees is there (a layer with a bias has its labels and values;
    the walkthrough keeps every ∂E/∂a)."""
    assert value is not None
    return value


#: at most this many products are drawn one by one; the rest is one "… more terms" node
MAX_PRODUCTS = 6


@dataclass(frozen=True)
class GraphNode:
    """A quantity of the neuron's computation for the shown sample."""

    key: str
    kind: str          # input, weight, bias, product, rest, sum, preactivation, activation, loss
    label: str         # as the lecture writes it: "i1", "w1", "i1·w1", "net_h1", "h1", "E"
    expression: str    # how it is computed: "i1·w1 + i2·w2", "σ(net_h1)"; "" for a leaf
    value: float
    gradient: float    # the running product ∂E/∂(this node)
    #: the walkthrough's own number for ∂E/∂(this node) of the shown sample (None where it has none)
    check: float | None = None
    #: for a weight or bias: the walkthrough's gradient of the whole batch (what the update uses)
    batch: float | None = None
    #: for an input: ∂E/∂x over every path (every neuron it feeds), from the walkthrough
    all_paths: float | None = None

    @property
    def derivative(self) -> str:
        """The running product's symbol: ∂E/∂w1, ∂E/∂(i1·w1)."""
        name = f"({self.label})" if any(c in self.label for c in "·+ ") else self.label
        return f"∂E/∂{name}"


@dataclass(frozen=True)
class GraphEdge:
    """From ``source`` to the node that uses it (``target``), with the local derivative ∂target/∂source."""

    source: str
    target: str
    local: float
    #: the local derivative in symbols: "w1", "1", "h1(1 − h1)", "y − y*"
    expression: str
    #: the symbol of the local derivative: ∂(i1·w1)/∂i1
    symbol: str
    #: the path on to the loss summarised as one derivative (a hidden neuron's ∂E/∂a)
    summary: bool = False


@dataclass
class ComputationGraph:
    """A neuron's computation graph for the walkthrough's shown sample."""

    layer: int
    neuron: int
    label: str
    sample: int               # index in the batch (0-based, the JSON's)
    data_row: int             # row of the training data (0-based)
    batch_size: int
    reduction: str
    nodes: list[GraphNode]    # forward order: leaves, products, sum, + b, activation, E
    edges: list[GraphEdge]    # backward order: from the loss back to the inputs and weights
    notes: list[str] = field(default_factory=list)

    def node(self, key: str) -> GraphNode:
        return next(n for n in self.nodes if n.key == key)

    def reached(self, position: int) -> set[str]:
        """The nodes whose running product is known after ``position`` edges of the backward pass
        (0: only the loss, ∂E/∂E = 1)."""
        keys = {"E"}
        for edge in self.edges[:max(0, position)]:
            keys.add(edge.source)
        return keys

    def step_text(self, position: int) -> str:
        """The chain-rule product of backward step ``position`` (1-based: the edge just walked)."""
        if position <= 0:
            return f"∂E/∂E = 1: the backward pass starts at the loss E = {fmt(self.node('E').value)}"
        edge = self.edges[position - 1]
        src, dst = self.node(edge.source), self.node(edge.target)
        if edge.summary:
            return (f"{src.derivative} = {edge.expression} = {fmt(edge.local)} "
                    f"(the path from {src.label} on to the loss, from the walkthrough)")
        if dst.key == "E":
            return f"{src.derivative} = {edge.expression} = {fmt(src.gradient)}"
        return (f"{src.derivative} = {dst.derivative} · {edge.symbol} = {paren(dst.gradient)} · "
                f"{paren(edge.local)} = {fmt(src.gradient)}")


def neuron_choices(w: Walkthrough) -> list[tuple[int, int, str]]:
    """Every neuron that has a computation graph: (layer, neuron, label), layer 1 first."""
    return [(l, j, label) for l, layer in enumerate(w.network.layers, start=1) for j, label in enumerate(layer.labels)]


def computation_graph(w: Walkthrough, layer: int, neuron: int) -> ComputationGraph:
    """The computation graph of neuron ``neuron`` of layer ``layer`` (1 = first after the inputs)."""
    return _Builder(w, layer, neuron).build()


class _Builder:
    def __init__(self, w: Walkthrough, l: int, j: int):
        net = w.network
        if not 1 <= l <= net.depth or not 0 <= j < net.layers[l - 1].size:
            raise IndexError(f"no neuron {j} in layer {l}")
        self.w, self.l, self.j, self.s = w, l, j, w.sample
        self.layer = net.layers[l - 1]
        self.last = l == net.depth
        self.nodes: dict[str, GraphNode] = {}
        self.edges: list[GraphEdge] = []
        self.notes: list[str] = []

    # ---- the quantities ---------------------------------------------------------------------
    def build(self) -> ComputationGraph:
        w, l, j, s, layer = self.w, self.l, self.j, self.s, self.layer
        label = layer.labels[j]
        a_prev = w.forward.outputs[l - 1][s]
        sources = w.network.neuron_labels(l - 1)
        weights = w.weights_before[l - 1][j]
        z = float(w.forward.preactivations[l - 1][s, j])
        a = float(w.forward.outputs[l][s, j])
        identity = layer.activation == "identity"
        softmax = layer.activation == "softmax"
        pre = label if identity else layer.preactivation_labels[j]
        has_bias = layer.has_bias
        bias = float(_known(w.biases_before[l - 1])[j]) if has_bias else 0.0
        bias_label = _known(layer.bias_labels)[j] if has_bias else "b"
        # the sum of the products: the pre-activation itself when there is no bias
        sum_key = "sum" if has_bias else "z"
        shown = min(layer.fan_in, MAX_PRODUCTS if layer.fan_in > MAX_PRODUCTS + 1 else layer.fan_in)
        products = [f"{sources[k]}·{layer.weight_labels[j][k]}" for k in range(shown)]
        rest = layer.fan_in - shown
        sum_expression = " + ".join(products) + (f" + … ({rest} more)" if rest else "")

        # forward nodes (gradients filled in on the way back)
        loss_value = float(w.backprop.per_sample_losses[s])
        self.add("E", "loss", "E", self.loss_expression(), loss_value)
        if not identity and not softmax:
            self.add("a", "activation", label, self.activation_expression(pre), a)
        pre_kind = "preactivation" if not identity else "activation"
        if has_bias:
            self.add("z", pre_kind, pre, f"Σ + {bias_label}", z)
            self.add("sum", "sum", "Σ", sum_expression, float(np.dot(a_prev, weights)))
            self.add("b", "bias", bias_label, "", bias)
        else:
            self.add("z", pre_kind, pre, sum_expression, z)

        # backward: from the loss to the neuron's output
        top = "a" if not identity else "z"
        if softmax:
            top = "z"
            dz_walk = float(w.backprop.preactivation_grads[l - 1][s, j])
            self.edge("z", "E", dz_walk, self.softmax_expression(label), f"∂E/∂{pre}", summary=True)
            self.notes.append(f"{label} = softmax({pre}) = {fmt(a)}. Softmax couples every output (each yᵢ "
                              f"depends on every zⱼ): the path from {pre} to E is the walkthrough's ∂E/∂{pre}.")
        elif self.last:
            local, expr = self.loss_derivative(label)
            self.edge(top, "E", local, expr, f"∂E/∂{label}")
        else:
            dz_above = w.backprop.preactivation_grads[l][s]
            above = w.network.layers[l]
            da = float(_known(w.backprop.output_grads[l - 1])[s, j])
            terms = [f"∂E/∂{self.pre_label(l + 1, i)}·{above.weight_labels[i][j]}" for i in range(min(above.size, 3))]
            expr = " + ".join(terms) + (" + …" if above.size > 3 else "")
            nums = " + ".join(f"{paren(dz_above[i])}·{paren(above.weights[i, j])}"
                              for i in range(min(above.size, 3))) + (" + …" if above.size > 3 else "")
            self.edge(top, "E", da, f"{expr} = {nums}", f"∂E/∂{label}", summary=True)
            self.notes.append(f"{label} is a hidden neuron: its path on to the loss goes through layer {l + 1}; "
                              f"the walkthrough's ∂E/∂{label} sums it over every neuron there.")
        if not identity and not softmax:
            act = ACTIVATIONS[layer.activation]
            local = float(act.der(np.array([z]), np.array([a]), layer.alpha_value)[0])
            expr = act.derivative_in_terms.format(a=label, z=pre)
            self.edge("z", "a", local, expr, f"∂{label}/∂{pre}")
            if self.combined():
                delta = float(w.delta()[j])
                self.notes.append(f"σ and binary cross-entropy together: ∂E/∂{pre} = {label} − {label}* = Δ = "
                                  f"{fmt(delta)} (the walkthrough computes it so, stably).")
        if has_bias:
            self.edge("sum", "z", 1.0, "1", f"∂{pre}/∂Σ")
            self.edge("b", "z", 1.0, "1", f"∂{pre}/∂{bias_label}")

        # the products and their leaves
        for k in range(shown):
            p = f"p{k + 1}"
            self.add(p, "product", products[k], f"{fmt(a_prev[k])}·{paren(weights[k])}", float(a_prev[k] * weights[k]))
        if rest:
            rest_value = float(np.dot(a_prev[shown:], weights[shown:]))
            self.add("rest", "rest", f"… {rest} more", f"{sources[shown]}·{layer.weight_labels[j][shown]} + …",
                     rest_value)
        for k in range(shown):
            self.edge(f"p{k + 1}", sum_key, 1.0, "1", f"∂{self.sum_label(pre)}/∂({products[k]})")
        if rest:
            self.edge("rest", sum_key, 1.0, "1", f"∂{self.sum_label(pre)}/∂(…)")
        for k in range(shown):
            x_label, w_label = sources[k], layer.weight_labels[j][k]
            self.add(f"x{k + 1}", "input", x_label, "", float(a_prev[k]))
            self.add(f"w{k + 1}", "weight", w_label, "", float(weights[k]))
            self.edge(f"x{k + 1}", f"p{k + 1}", float(weights[k]), w_label, f"∂({products[k]})/∂{x_label}")
            self.edge(f"w{k + 1}", f"p{k + 1}", float(a_prev[k]), x_label, f"∂({products[k]})/∂{w_label}")

        if w.batch_indices and len(w.batch_indices) > 1:
            how = "mean" if w.reduction == "mean" else "sum"
            self.notes.append(f"E is sample {w.batch_indices[s] + 1}'s own loss. The update uses the {how} of "
                              f"∂E/∂w over the batch of {len(w.batch_indices)} samples.")
        return ComputationGraph(l, j, label, s, int(w.batch_indices[s]) if w.batch_indices else s,
                                len(w.batch_indices) or 1, w.reduction, self.ordered(), self.edges, self.notes)

    # ---- gradients ----------------------------------------------------------------------------
    def add(self, key: str, kind: str, label: str, expression: str, value: float) -> None:
        self.nodes[key] = GraphNode(key, kind, label, expression, value, 1.0 if key == "E" else float("nan"))

    def edge(self, source: str, target: str, local: float, expression: str, symbol: str,
             summary: bool = False) -> None:
        """Walk one edge backward: the source's running product is the target's times the local derivative."""
        self.edges.append(GraphEdge(source, target, float(local), expression, symbol, summary))
        gradient = self.nodes[target].gradient * float(local)
        node = self.nodes[source]
        self.nodes[source] = GraphNode(node.key, node.kind, node.label, node.expression, node.value, gradient,
                                       *self.checks(source))

    def checks(self, key: str) -> tuple[float | None, float | None, float | None]:
        """(check, batch, all_paths) of a node: the walkthrough's numbers for the same gradient."""
        w, l, j, s = self.w, self.l, self.j, self.s
        dz = w.backprop.preactivation_grads[l - 1]
        if key == "a":
            return float(w.backprop.output_grads[l - 1][s, j]), None, None  # type: ignore[index]
        if key in ("z", "sum") or key.startswith("p") or key == "rest":
            return float(dz[s, j]), None, None
        if key == "b":
            return float(dz[s, j]), float(_known(w.bias_grads[l - 1])[j]), None
        k = int(key[1:]) - 1
        if key.startswith("w"):
            per_sample = float(dz[s, j] * w.forward.outputs[l - 1][s, k])
            return per_sample, float(w.weight_grads[l - 1][j, k]), None
        # an input: this neuron's share, and every neuron's (the walkthrough's ∂E/∂x or ∂E/∂a below)
        share = float(dz[s, j] * w.weights_before[l - 1][j, k])
        if l == 1:
            return share, None, float(w.input_gradients()[k])
        return share, None, float(_known(w.backprop.output_grads[l - 2])[s, k])

    def ordered(self) -> list[GraphNode]:
        order = [k for k in self.nodes if k[0] in "xw" and k[1:].isdigit()]
        order.sort(key=lambda k: (int(k[1:]), k[0] == "w"))
        order += sorted((k for k in self.nodes if k.startswith("p")), key=lambda k: int(k[1:]))
        order += [k for k in ("rest", "sum", "b", "z", "a", "E") if k in self.nodes]
        return [self.nodes[k] for k in order]

    # ---- how the lecture writes them ------------------------------------------------------------
    def pre_label(self, l: int, i: int) -> str:
        layer = self.w.network.layers[l - 1]
        return layer.labels[i] if layer.activation == "identity" else layer.preactivation_labels[i]

    def sum_label(self, pre: str) -> str:
        return "Σ" if self.layer.has_bias else pre

    def combined(self) -> bool:
        return self.last and self.w.loss_name == "bce" and self.layer.activation == "sigmoid"

    def activation_expression(self, pre: str) -> str:
        name = self.layer.activation
        alpha = fmt(self.layer.alpha_value)
        return {
            "binary_step": f"step({pre})", "sigmoid": f"σ({pre})", "tanh": f"tanh({pre})",
            "arctan": f"arctan({pre})", "relu": f"max(0, {pre})", "prelu": f"PReLU_{alpha}({pre})",
            "elu": f"ELU_{alpha}({pre})", "softplus": f"ln(1 + e^{pre})", "softmax": f"softmax({pre})",
        }.get(name, pre)

    def loss_expression(self) -> str:
        name = self.w.loss_name
        outputs = self.w.network.layers[-1].labels
        label = outputs[0]
        if name == "mse":
            return f"½({label} − {label}*)²" if len(outputs) == 1 else "½Σ(y − y*)²"
        if name == "bce":
            return f"−{label}* log {label} − (1 − {label}*) log(1 − {label})" if len(outputs) == 1 else \
                "−Σ[y* log y + (1 − y*) log(1 − y)]"
        return "−Σ y* log y"

    def loss_derivative(self, label: str) -> tuple[float, str]:
        """∂E/∂y of the output neuron from the loss's own derivative, and how the lecture writes it."""
        w, s, j = self.w, self.s, self.j
        y = w.forward.prediction[s:s + 1]
        t = w.targets[s:s + 1]
        value = float(get_loss(w.loss_name).output_gradient(y, t)[0, j])
        if w.loss_name == "mse":
            delta = "Δ" if len(w.network.layers[-1].labels) == 1 else f"Δ_{label}"
            return value, f"{delta} = {label} − {label}* = {fmt(y[0, j])} − {paren(t[0, j])}"
        yj, tj = fmt(y[0, j]), fmt(t[0, j])
        if w.loss_name == "bce":
            return value, f"−{label}*/{label} + (1 − {label}*)/(1 − {label}) = −{tj}/{yj} + (1 − {tj})/(1 − {yj})"
        return value, f"−{label}*/{label} = −{tj}/{yj}"

    def softmax_expression(self, label: str) -> str:
        if self.w.loss_name == "cross_entropy":
            return f"{label} − {label}*"
        return f"{label}(∂E/∂{label} − Σₖ ∂E/∂yₖ·yₖ)"
