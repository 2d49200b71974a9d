"""Numerical gradients by central differences, to check backpropagation against."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from .losses import get_loss
from .network import Network

Array = NDArray[np.float64]


def central_difference(f: Callable[[], float], x: Array, h: float = 1e-6) -> Array:
    """∂f/∂x for every element of ``x`` (modified in place and restored): (f(x+h) − f(x−h)) / 2h."""
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        up = f()
        x[i] = old - h
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * h)
    return grad


def numerical_gradients(network: Network, inputs: Array, targets: Array, loss: str = "mse",
                        reduction: str = "mean", h: float = 1e-6) -> tuple[list[Array], list[Array | None]]:
    """Central-difference gradients of the batch loss for every weight and bias of ``network``."""
    loss_fn = get_loss(loss)

    def f() -> float:
        return network.loss(inputs, targets, loss_fn, reduction)

    weights = [central_difference(f, layer.weights, h) for layer in network.layers]
    biases = [None if layer.biases is None else central_difference(f, layer.biases, h) for layer in network.layers]
    return weights, biases
