"""Activation functions of the lecture's table, each a pair of function and derivative.

Every derivative is written in terms of the pre-activation ``z`` and, where the lecture
does, the output ``a = f(z)`` (``sigmoid'(z) = a(1 - a)``), so backpropagation reuses the
forward values instead of recomputing them. All are stable for very large ``|z|``.

Binary step: its derivative is 0 everywhere, including at z = 0 where the true derivative
does not exist (the lecture's table writes "?"); we choose 0 there, as every framework does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

DEFAULT_ALPHA = {"prelu": 0.25, "elu": 1.0}


def sigmoid(z: Array) -> Array:
    """Logistic function 1 / (1 + e^-z), without overflow and with full relative precision."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0.0, 1.0, e) / (1.0 + e)


def softplus(z: Array) -> Array:
    """log(1 + e^z), stable: max(z, 0) + log1p(e^-|z|)."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def _identity(z: Array, alpha: float) -> Array:
    return z


def _identity_der(z: Array, a: Array, alpha: float) -> Array:
    return np.ones_like(z)


def _step(z: Array, alpha: float) -> Array:
    return (z >= 0.0).astype(np.float64)


def _step_der(z: Array, a: Array, alpha: float) -> Array:
    return np.zeros_like(z)


def _sigmoid(z: Array, alpha: float) -> Array:
    return sigmoid(z)


def _sigmoid_der(z: Array, a: Array, alpha: float) -> Array:
    return a * (1.0 - a)


def _tanh(z: Array, alpha: float) -> Array:
    return np.tanh(z)


def _tanh_der(z: Array, a: Array, alpha: float) -> Array:
    return 1.0 - a * a


def _arctan(z: Array, alpha: float) -> Array:
    return np.arctan(z)


def _arctan_der(z: Array, a: Array, alpha: float) -> Array:
    return 1.0 / (z * z + 1.0)


def _relu(z: Array, alpha: float) -> Array:
    return np.maximum(z, 0.0)


def _relu_der(z: Array, a: Array, alpha: float) -> Array:
    return (z >= 0.0).astype(np.float64)


def _prelu(z: Array, alpha: float) -> Array:
    return np.where(z >= 0.0, z, alpha * z)


def _prelu_der(z: Array, a: Array, alpha: float) -> Array:
    return np.where(z >= 0.0, 1.0, alpha)


def _elu(z: Array, alpha: float) -> Array:
    return np.where(z >= 0.0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def _elu_der(z: Array, a: Array, alpha: float) -> Array:
    # the lecture's f'(x) = f(x) + alpha for x < 0
    return np.where(z >= 0.0, 1.0, a + alpha)


def _softplus(z: Array, alpha: float) -> Array:
    return softplus(z)


def _softplus_der(z: Array, a: Array, alpha: float) -> Array:
    return sigmoid(z)


def _softmax(z: Array, alpha: float) -> Array:
    shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    a: Array = e / np.sum(e, axis=-1, keepdims=True)
    return a


def _softmax_der(z: Array, a: Array, alpha: float) -> Array:
    """Diagonal of the softmax Jacobian, a_j(1 - a_j); backprop uses the full Jacobian."""
    return a * (1.0 - a)


@dataclass(frozen=True)
class Activation:
    """An activation: its function, its derivative, and how the lecture writes them."""

    name: str
    title: str
    function: Callable[[Array, float], Array]
    derivative: Callable[[Array, Array, float], Array]
    formula: str
    derivative_formula: str
    # derivative written with the neuron's own symbols: {a} output, {z} pre-activation
    derivative_in_terms: str
    uses_alpha: bool = False
    elementwise: bool = True

    def __call__(self, z: Array, alpha: float | None = None) -> Array:
        return self.function(z, self.alpha_or_default(alpha))

    def der(self, z: Array, a: Array, alpha: float | None = None) -> Array:
        return self.derivative(z, a, self.alpha_or_default(alpha))

    def alpha_or_default(self, alpha: float | None) -> float:
        if alpha is None:
            return DEFAULT_ALPHA.get(self.name, 0.0)
        return float(alpha)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in [
        Activation("identity", "Identity", _identity, _identity_der, "f(x) = x", "f'(x) = 1", "1"),
        Activation(
            "binary_step", "Binary step", _step, _step_der,
            "f(x) = 0 for x < 0, 1 for x ≥ 0", "f'(x) = 0 (chosen 0 at x = 0)", "0",
        ),
        Activation(
            "sigmoid", "Logistic (sigmoid)", _sigmoid, _sigmoid_der,
            "f(x) = 1 / (1 + e^(−x))", "f'(x) = f(x)(1 − f(x))", "{a}(1 − {a})",
        ),
        Activation(
            "tanh", "TanH", _tanh, _tanh_der,
            "f(x) = tanh(x) = 2 / (1 + e^(−2x)) − 1", "f'(x) = 1 − f(x)²", "1 − {a}²",
        ),
        Activation(
            "arctan", "ArcTan", _arctan, _arctan_der,
            "f(x) = tan⁻¹(x)", "f'(x) = 1 / (x² + 1)", "1 / ({z}² + 1)",
        ),
        Activation(
            "relu", "ReLU", _relu, _relu_der,
            "f(x) = 0 for x < 0, x for x ≥ 0", "f'(x) = 0 for x < 0, 1 for x ≥ 0", "[{z} ≥ 0]",
        ),
        Activation(
            "prelu", "PReLU", _prelu, _prelu_der,
            "f(x) = αx for x < 0, x for x ≥ 0", "f'(x) = α for x < 0, 1 for x ≥ 0",
            "({z} ≥ 0 ? 1 : α)", uses_alpha=True,
        ),
        Activation(
            "elu", "ELU", _elu, _elu_der,
            "f(x) = α(e^x − 1) for x < 0, x for x ≥ 0", "f'(x) = f(x) + α for x < 0, 1 for x ≥ 0",
            "({z} ≥ 0 ? 1 : {a} + α)", uses_alpha=True,
        ),
        Activation(
            "softplus", "SoftPlus", _softplus, _softplus_der,
            "f(x) = ln(1 + e^x)", "f'(x) = 1 / (1 + e^(−x))", "σ({z})",
        ),
        Activation(
            "softmax", "Softmax", _softmax, _softmax_der,
            "f(x)_j = e^(x_j) / Σ_k e^(x_k)", "∂f_j/∂x_k = f_j(δ_jk − f_k)", "{a}(δ − a)",
            elementwise=False,
        ),
    ]
}

#: the lecture's table, in its order (softmax is not in it)
LECTURE_TABLE = [
    "identity", "binary_step", "sigmoid", "tanh", "arctan", "relu", "prelu", "elu", "softplus",
]


def get_activation(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; expected one of {', '.join(ACTIVATIONS)}") from None
