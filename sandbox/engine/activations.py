"""Activation functions of the lecture's table, each a pair of function and derivative.

Every derivative is written in terms of the pre-activation ``z`` and, where the lecture
does, the output ``a = f(z)`` (``sigmoid'(z) = a(1 - a)``), so backpropagation reuses the
forward values instead of recomputing them. All are stable for very large ``|z|``.

Binary step: its derivative is 0 for every z ≠ 0; at z = 0 it does not exist (the lecture's
table writes "?"). We choose 0 there too, so no gradient ever passes a step. That is our choice,
not a shared convention: PyTorch's ``torch.heaviside`` has no derivative at all (autograd raises
"derivative for aten::heaviside is not implemented"), and a comparison such as ``(z >= 0).float()``
leaves the graph, which also lets no gradient through.

Each activation also declares its largest derivative exactly (``largest_derivative``): the
supremum of f′ over all z, where it is reached (or approached), for the vanishing-gradient bound.
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
class LargestDerivative:
    """The supremum of f′ over every z: ``value``, reached at z = ``at``; or, when no z reaches it,
    approached as ``limit`` says ("x → ∞", "x → 0⁻"), ``at`` then being that limit point."""

    value: float
    at: float
    limit: str = ""

    @property
    def attained(self) -> bool:
        return not self.limit


def _one_at_zero(alpha: float) -> LargestDerivative:
    return LargestDerivative(1.0, 0.0)


def _step_largest(alpha: float) -> LargestDerivative:
    return LargestDerivative(0.0, 0.0)


def _quarter_at_zero(alpha: float) -> LargestDerivative:
    return LargestDerivative(0.25, 0.0)  # a(1 − a) is largest at a = ½, i.e. z = 0


def _prelu_largest(alpha: float) -> LargestDerivative:
    # f′ = α for every z < 0 (z = −1 stands for them), 1 for z ≥ 0
    return LargestDerivative(alpha, -1.0) if alpha > 1.0 else LargestDerivative(1.0, 0.0)


def _elu_largest(alpha: float) -> LargestDerivative:
    # f′ = α·e^z for z < 0: below α, tending to α as z → 0⁻; f′ = 1 for z ≥ 0
    return LargestDerivative(alpha, 0.0, "x → 0⁻") if alpha > 1.0 else LargestDerivative(1.0, 0.0)


def _softplus_largest(alpha: float) -> LargestDerivative:
    return LargestDerivative(1.0, float("inf"), "x → ∞")  # σ(z) < 1, tending to 1


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
    #: the supremum of f′ for a given α, worked out by hand (a grid would miss a limit such as ELU's α)
    largest: Callable[[float], LargestDerivative]
    uses_alpha: bool = False
    elementwise: bool = True
    #: f′ is largest at z = 0 only and falls off on both sides (the logistic, tanh, arctan)
    peaked: bool = False

    def __call__(self, z: Array, alpha: float | None = None) -> Array:
        return self.function(z, self.alpha_or_default(alpha))

    def der(self, z: Array, a: Array, alpha: float | None = None) -> Array:
        return self.derivative(z, a, self.alpha_or_default(alpha))

    def largest_derivative(self, alpha: float | None = None) -> LargestDerivative:
        """The supremum of f′ over every z, where it is reached or approached."""
        return self.largest(self.alpha_or_default(alpha))

    def max_derivative(self, alpha: float | None = None) -> float:
        """sup f′ (the factor that bounds how much one layer can pass a gradient on)."""
        return self.largest_derivative(alpha).value

    def alpha_or_default(self, alpha: float | None) -> float:
        if alpha is None:
            return DEFAULT_ALPHA.get(self.name, 0.0)
        return float(alpha)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in [
        Activation("identity", "Identity", _identity, _identity_der, "f(x) = x", "f'(x) = 1", "1",
                   _one_at_zero),
        Activation(
            "binary_step", "Binary step", _step, _step_der,
            "f(x) = 0 for x < 0, 1 for x ≥ 0", "f'(x) = 0 (chosen 0 at x = 0)", "0", _step_largest,
        ),
        Activation(
            "sigmoid", "Logistic (sigmoid)", _sigmoid, _sigmoid_der,
            "f(x) = 1 / (1 + e^(−x))", "f'(x) = f(x)(1 − f(x))", "{a}(1 − {a})",
            _quarter_at_zero, peaked=True,
        ),
        Activation(
            "tanh", "TanH", _tanh, _tanh_der,
            "f(x) = tanh(x) = 2 / (1 + e^(−2x)) − 1", "f'(x) = 1 − f(x)²", "1 − {a}²",
            _one_at_zero, peaked=True,
        ),
        Activation(
            "arctan", "ArcTan", _arctan, _arctan_der,
            "f(x) = tan⁻¹(x)", "f'(x) = 1 / (x² + 1)", "1 / ({z}² + 1)",
            _one_at_zero, peaked=True,
        ),
        Activation(
            "relu", "ReLU", _relu, _relu_der,
            "f(x) = 0 for x < 0, x for x ≥ 0", "f'(x) = 0 for x < 0, 1 for x ≥ 0", "[{z} ≥ 0]",
            _one_at_zero,
        ),
        Activation(
            "prelu", "PReLU", _prelu, _prelu_der,
            "f(x) = αx for x < 0, x for x ≥ 0", "f'(x) = α for x < 0, 1 for x ≥ 0",
            "({z} ≥ 0 ? 1 : α)", _prelu_largest, uses_alpha=True,
        ),
        Activation(
            "elu", "ELU", _elu, _elu_der,
            "f(x) = α(e^x − 1) for x < 0, x for x ≥ 0", "f'(x) = f(x) + α for x < 0, 1 for x ≥ 0",
            "({z} ≥ 0 ? 1 : {a} + α)", _elu_largest, uses_alpha=True,
        ),
        Activation(
            "softplus", "SoftPlus", _softplus, _softplus_der,
            "f(x) = ln(1 + e^x)", "f'(x) = 1 / (1 + e^(−x))", "σ({z})",
            _softplus_largest,
        ),
        Activation(
            "softmax", "Softmax", _softmax, _softmax_der,
            "f(x)_j = e^(x_j) / Σ_k e^(x_k)", "∂f_j/∂x_k = f_j(δ_jk − f_k)", "{a}(δ − a)",
            _quarter_at_zero,
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
