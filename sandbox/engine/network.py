"""The in-memory feed-forward network: layers of weights and biases, forward and backward pass.

Layer ``l`` computes ``a_l = f_l(z_l)`` with ``z_l = a_{l-1} W_lᵀ + b_l`` for a batch of row
vectors; row ``j`` of ``W_l`` holds the weights into neuron ``j`` (the file format's layout).
Index 0 of ``Network.layers`` is the first layer after the inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .activations import ACTIVATIONS, DEFAULT_ALPHA, get_activation
from .losses import Loss

if TYPE_CHECKING:
    from .flat import FlatLayout

Array = NDArray[np.float64]


@dataclass
class Layer:
    """One fully connected layer and the names of everything in it."""

    weights: Array
    activation: str = "identity"
    biases: Array | None = None
    alpha: float | None = None
    labels: list[str] = field(default_factory=list)
    weight_labels: list[list[str]] = field(default_factory=list)
    bias_labels: list[str] | None = None
    preactivation_labels: list[str] = field(default_factory=list)
    train_weights: bool = True
    train_biases: bool = True

    def __post_init__(self) -> None:
        self.weights = np.array(self.weights, dtype=np.float64, ndmin=2)
        if self.biases is not None:
            self.biases = np.array(self.biases, dtype=np.float64).reshape(self.size)
        get_activation(self.activation)

    @property
    def size(self) -> int:
        return int(self.weights.shape[0])

    @property
    def fan_in(self) -> int:
        return int(self.weights.shape[1])

    @property
    def has_bias(self) -> bool:
        return self.biases is not None

    @property
    def alpha_value(self) -> float:
        """The α actually used (the default of the activation when none is set)."""
        return self.alpha if self.alpha is not None else DEFAULT_ALPHA.get(self.activation, 0.0)

    def copy(self) -> Layer:
        return Layer(
            weights=self.weights.copy(),
            activation=self.activation,
            biases=None if self.biases is None else self.biases.copy(),
            alpha=self.alpha,
            labels=list(self.labels),
            weight_labels=[list(row) for row in self.weight_labels],
            bias_labels=None if self.bias_labels is None else list(self.bias_labels),
            preactivation_labels=list(self.preactivation_labels),
            train_weights=self.train_weights,
            train_biases=self.train_biases,
        )


@dataclass
class ForwardPass:
    """Pre-activations ``z[l]`` and outputs ``a[l]`` of every layer for a batch; ``a[0]`` is the input."""

    inputs: Array
    preactivations: list[Array]
    outputs: list[Array]

    @property
    def prediction(self) -> Array:
        return self.outputs[-1]


@dataclass
class Backprop:
    """Everything the backward pass computes for a batch.

    ``output_grads[l]`` and ``preactivation_grads[l]`` are per sample (dE_s/da, dE_s/dz, the
    sample's own loss, not scaled by the batch reduction); ``weight_grads`` and ``bias_grads``
    are the gradients of the batch loss (mean or sum over the samples).
    """

    per_sample_losses: Array
    loss: float
    output_grads: list[Array | None]
    preactivation_grads: list[Array]
    weight_grads: list[Array]
    bias_grads: list[Array | None]


class Network:
    """A feed-forward network: input size and labels, then the layers."""

    def __init__(self, input_size: int, layers: list[Layer], input_labels: list[str] | None = None):
        self.input_size = int(input_size)
        self.layers = layers
        self.input_labels = list(input_labels) if input_labels else []
        self.fill_default_labels()
        self.check_shapes()

    # ---- structure -------------------------------------------------------------------------
    @property
    def sizes(self) -> list[int]:
        return [self.input_size] + [layer.size for layer in self.layers]

    @property
    def depth(self) -> int:
        return len(self.layers)

    @property
    def parameter_count(self) -> int:
        return sum(layer.weights.size + (layer.size if layer.has_bias else 0) for layer in self.layers)

    def check_shapes(self) -> None:
        fan_in = self.input_size
        for index, layer in enumerate(self.layers, start=1):
            if layer.fan_in != fan_in:
                raise ValueError(f"layer {index}: weights have {layer.fan_in} columns, expected {fan_in}")
            if layer.activation == "softmax" and index != len(self.layers):
                raise ValueError(f"layer {index}: softmax is only allowed on the output layer")
            fan_in = layer.size

    def fill_default_labels(self) -> None:
        """Give every neuron, weight and bias a stable, readable name where none is set."""
        if not self.input_labels:
            self.input_labels = [f"x{k + 1}" for k in range(self.input_size)]
        last = len(self.layers)
        for l, layer in enumerate(self.layers, start=1):
            if not layer.labels:
                if l == last:
                    layer.labels = ["y"] if layer.size == 1 else [f"y{j + 1}" for j in range(layer.size)]
                else:
                    layer.labels = [f"h{l}_{j + 1}" for j in range(layer.size)]
            if not layer.weight_labels:
                layer.weight_labels = [
                    [f"w{l}_{j + 1}_{k + 1}" for k in range(layer.fan_in)] for j in range(layer.size)
                ]
            if layer.has_bias and not layer.bias_labels:
                layer.bias_labels = [f"b_{label}" for label in layer.labels]
            if not layer.preactivation_labels:
                layer.preactivation_labels = [f"net_{label}" for label in layer.labels]

    def neuron_labels(self, layer_index: int) -> list[str]:
        """Labels of layer ``layer_index`` counted as in the file: 0 is the input layer."""
        return self.input_labels if layer_index == 0 else self.layers[layer_index - 1].labels

    def copy(self) -> Network:
        return Network(self.input_size, [layer.copy() for layer in self.layers], list(self.input_labels))

    def parameters(self) -> list[Array]:
        """Weights and biases in a fixed order: W1, b1, W2, b2, … (biases only where present)."""
        params: list[Array] = []
        for layer in self.layers:
            params.append(layer.weights)
            if layer.biases is not None:
                params.append(layer.biases)
        return params

    def state(self) -> tuple[list[Array], list[Array | None]]:
        """Copies of all weights and biases, e.g. to restore after a divergence."""
        return (
            [layer.weights.copy() for layer in self.layers],
            [None if layer.biases is None else layer.biases.copy() for layer in self.layers],
        )

    def set_state(self, state: tuple[list[Array], list[Array | None]]) -> None:
        weights, biases = state
        for layer, w, b in zip(self.layers, weights, biases):
            layer.weights[...] = w
            if layer.biases is not None and b is not None:
                layer.biases[...] = b

    def label_index(self) -> dict[str, tuple[Any, ...]]:
        """Where each label lives: ('input', k), ('neuron', l, j), ('weight', l, j, k), ('bias', l, j)."""
        index: dict[str, tuple[Any, ...]] = {label: ("input", k) for k, label in enumerate(self.input_labels)}
        for l, layer in enumerate(self.layers, start=1):
            for j, label in enumerate(layer.labels):
                index[label] = ("neuron", l, j)
            for j, row in enumerate(layer.weight_labels):
                for k, label in enumerate(row):
                    index[label] = ("weight", l, j, k)
            for j, label in enumerate(layer.bias_labels or []):
                index[label] = ("bias", l, j)
        return index

    # ---- computation -----------------------------------------------------------------------
    def forward(self, inputs: Array) -> ForwardPass:
        """Forward pass of a batch (rows are samples)."""
        a = np.asarray(inputs, dtype=np.float64)
        if a.ndim == 1:
            a = a.reshape(1, -1)
        zs: list[Array] = []
        outs: list[Array] = [a]
        dot = np.dot  # (the hot path: np.dot gives the same numbers as @ with less overhead)
        for layer in self.layers:
            z = dot(a, layer.weights.T)
            if layer.biases is not None:
                z += layer.biases
            name = layer.activation
            if name == "identity":
                a = z
            elif name == "tanh":  # (the commonest ones without a function call: the same numbers)
                a = np.tanh(z)
            elif name == "relu":
                a = np.maximum(z, 0.0)
            else:
                alpha = layer.alpha
                a = ACTIVATIONS[name].function(z, DEFAULT_ALPHA.get(name, 0.0) if alpha is None else alpha)
            zs.append(z)
            outs.append(a)
        return ForwardPass(inputs=outs[0], preactivations=zs, outputs=outs)

    def predict(self, inputs: Array) -> Array:
        return self.forward(inputs).prediction

    def backward(self, fp: ForwardPass, targets: Array, loss: Loss, reduction: str = "mean", *,
                 output_gradients: bool = True, into: FlatLayout | None = None) -> Backprop:
        """Backpropagation of the batch loss through every layer, by the chain rule.

        With ``output_gradients=False`` the output layer's dE/dy is left out (``None``) where the
        loss gives dE/dz directly (sigmoid with bce, softmax with cross-entropy): training does not
        need it, only the walkthrough shows it. With ``into`` (a ``FlatLayout`` of this network)
        the parameter gradients are written into its gradient buffer, scaled for the batch in one
        call, and the returned gradients are its views (overwritten by the next such call).
        """
        t = np.asarray(targets, dtype=np.float64)
        if t.ndim == 1:
            t = t.reshape(1, -1)
        layers = self.layers
        batch = fp.inputs.shape[0]
        last = layers[-1]
        y = fp.outputs[-1]
        per_sample = loss.per_sample(y, t, fp.preactivations[-1], last.activation)
        scale = 1.0 / batch if reduction == "mean" else 1.0
        n = len(layers)
        out_grads: list[Array | None] = [None] * n
        pre_grads: list[Array] = [None] * n  # type: ignore[list-item]
        w_grads: list[Array] = [None] * n  # type: ignore[list-item]
        b_grads: list[Array | None] = [None] * n

        dz = loss.preactivation_gradient(y, t, last.activation)
        da = loss.output_gradient(y, t) if dz is None or output_gradients else None
        outs = fp.outputs
        dot = np.dot
        reduce = np.add.reduce
        multiply = np.multiply
        flat = into is not None
        if into is not None:
            into_w, into_b = into.weight_grads, into.bias_grads
        for i in range(n - 1, -1, -1):
            layer = layers[i]
            if dz is None:
                name = layer.activation
                assert da is not None  # None only before the output layer's dE/dz came from the loss
                if name == "tanh":  # da · (1 − a²), in place (the same numbers)
                    a = outs[i + 1]
                    dz = multiply(a, a)
                    np.subtract(1.0, dz, out=dz)
                    dz *= da
                elif name == "relu":  # da · [z ≥ 0]: a bool factor is the 1.0 or 0.0 of the derivative
                    dz = multiply(da, fp.preactivations[i] >= 0.0)
                else:
                    dz = _preactivation_grad(layer, fp.preactivations[i], outs[i + 1], da)
            out_grads[i] = da
            pre_grads[i] = dz
            if flat:  # scaled below, all at once
                w_grads[i] = dot(dz.T, outs[i], out=into_w[i])
                if layer.biases is not None:
                    b_grads[i] = reduce(dz, 0, out=into_b[i])
            else:
                gw = dot(dz.T, outs[i])
                if scale != 1.0:  # (multiplying by 1 changes nothing: skipped)
                    gw *= scale
                w_grads[i] = gw
                if layer.biases is not None:
                    gb = reduce(dz, 0)
                    if scale != 1.0:
                        gb *= scale
                    b_grads[i] = gb
            if i > 0:
                da = dot(dz, layer.weights)
                dz = None
        if into is not None and scale != 1.0:
            into.gradients_buffer *= scale
        total = float(reduce(per_sample, 0))
        if reduction == "mean":
            total /= batch
        return Backprop(per_sample, total, out_grads, pre_grads, w_grads, b_grads)

    def loss(self, inputs: Array, targets: Array, loss: Loss, reduction: str = "mean") -> float:
        fp = self.forward(inputs)
        t = np.asarray(targets, dtype=np.float64).reshape(fp.prediction.shape)
        per_sample = loss.per_sample(fp.prediction, t, fp.preactivations[-1], self.layers[-1].activation)
        return float(np.mean(per_sample) if reduction == "mean" else np.sum(per_sample))


def _preactivation_grad(layer: Layer, z: Array, a: Array, da: Array) -> Array:
    """dE/dz from dE/da through the layer's activation (the full Jacobian for softmax)."""
    name = layer.activation
    if name == "identity":
        return da
    if name == "softmax":
        dz: Array = a * (da - np.sum(da * a, axis=1, keepdims=True))
        return dz
    alpha = layer.alpha
    return da * ACTIVATIONS[name].derivative(z, a, DEFAULT_ALPHA.get(name, 0.0) if alpha is None else alpha)
