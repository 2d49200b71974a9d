"""All weights and biases in one contiguous array, and their gradients in another.

Training a small network is dominated by numpy's cost per call, not by arithmetic. When every
parameter is a view into one array (W1, b1, W2, b2, …) and backpropagation writes every
gradient into views of a second array of the same layout, the batch scaling, plain SGD's
update and the gradient norms each take one numpy call for the whole network instead of one
per array. Every number is the same as with separate arrays: the operations are elementwise,
or sums over each parameter's own block.

``FlatLayout(network)`` moves the network's parameters into its buffer (the layers' arrays
become views; their values are unchanged). ``valid_for(network)`` tells whether that still
holds: a layer whose arrays were replaced (an edit, a copy) needs a new layout.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .network import Network

Array = NDArray[np.float64]


class FlatLayout:
    """One buffer for the parameters, one for the gradients, and per-layer views into both."""

    def __init__(self, network: Network):
        layers = network.layers
        sizes: list[int] = []
        for layer in layers:
            sizes.append(layer.weights.size)
            if layer.biases is not None:
                sizes.append(layer.size)
        total = sum(sizes)
        self.parameters_buffer = params = np.empty(total)
        self.gradients_buffer = grads = np.empty(total)
        self.layers = list(layers)
        self.weights: list[Array] = []
        self.biases: list[Array | None] = []
        self.weight_grads: list[Array] = []
        self.bias_grads: list[Array | None] = []
        #: parameters and gradients in the optimizer's order (W1, b1, W2, …), and where each starts
        self.params: list[Array] = []
        self.grads: list[Array] = []
        offset = 0
        for layer in layers:
            n = layer.weights.size
            w = params[offset:offset + n].reshape(layer.weights.shape)
            w[...] = layer.weights
            gw = grads[offset:offset + n].reshape(layer.weights.shape)
            layer.weights = w
            self.weights.append(w)
            self.weight_grads.append(gw)
            self.params.append(w)
            self.grads.append(gw)
            offset += n
            if layer.biases is None:
                self.biases.append(None)
                self.bias_grads.append(None)
                continue
            n = layer.size
            b = params[offset:offset + n]
            b[...] = layer.biases
            gb = grads[offset:offset + n]
            layer.biases = b
            self.biases.append(b)
            self.bias_grads.append(gb)
            self.params.append(b)
            self.grads.append(gb)
            offset += n
        self.sizes = tuple(sizes)
        self.starts = np.cumsum((0,) + self.sizes[:-1])
        # where each block's norm goes in a history row (weights first, then biases)
        depth = len(layers)
        columns = []
        for l, bias in enumerate(self.biases):
            columns.append(l)
            if bias is not None:
                columns.append(depth + l)
        self.history_columns = np.array(columns, dtype=np.intp)

    def valid_for(self, network: Network) -> bool:
        """True while the network's layers still use this layout's views (nothing replaced)."""
        layers = network.layers
        if len(layers) != len(self.layers) or self.weights[0].base is not self.parameters_buffer:
            return False
        for layer, mine, w, b in zip(layers, self.layers, self.weights, self.biases):
            if layer is not mine or layer.weights is not w or layer.biases is not b:
                return False
        return True

    def split(self, buffer: Array) -> tuple[list[Array], list[Array | None]]:
        """Per-layer weights and biases as views into ``buffer`` (a copy of the parameter buffer)."""
        weights: list[Array] = []
        biases: list[Array | None] = []
        offset = 0
        for w, b in zip(self.weights, self.biases):
            n = w.size
            weights.append(buffer[offset:offset + n].reshape(w.shape))
            offset += n
            if b is None:
                biases.append(None)
            else:
                biases.append(buffer[offset:offset + b.size])
                offset += b.size
        return weights, biases

    def trainable(self) -> list[bool]:
        """The layers' current trainable flags, in the optimizer's order (they may change at any time)."""
        flags: list[bool] = []
        for layer in self.layers:
            flags.append(layer.train_weights)
            if layer.biases is not None:
                flags.append(layer.train_biases)
        return flags
