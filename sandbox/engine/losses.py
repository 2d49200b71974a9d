"""Loss functions, per sample, with their derivatives.

``per_sample`` gives one loss per sample (shape ``(B,)``); ``output_gradient`` gives
dE_s/dy for each sample and output; ``preactivation_gradient`` gives dE_s/dz of the output
layer directly when the output activation and the loss combine into a stable closed form
(sigmoid with binary cross-entropy, softmax with cross-entropy), else ``None``.
A batch's loss is the mean or the sum of the per-sample losses (``reduction``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

#: torch.nn.BCELoss clamps log terms at -100 and the gradient's denominator at 1e-12
LOG_FLOOR = -100.0
BCE_GRAD_EPS = 1e-12


@dataclass(frozen=True)
class Loss:
    """Base class: a named loss and how the lecture writes it."""

    name: str = ""
    title: str = ""
    formula: str = ""
    output_gradient_formula: str = ""

    def per_sample(self, y: Array, t: Array, z: Array, output_activation: str) -> Array:
        raise NotImplementedError

    def output_gradient(self, y: Array, t: Array) -> Array:
        raise NotImplementedError

    def preactivation_gradient(self, y: Array, t: Array, output_activation: str) -> Array | None:
        return None


@dataclass(frozen=True)
class MeanSquaredError(Loss):
    name: str = "mse"
    title: str = "Mean squared error"
    formula: str = "E = ½ Σ (y − y*)²"
    output_gradient_formula: str = "y − y*"

    def per_sample(self, y: Array, t: Array, z: Array, output_activation: str) -> Array:
        d = y - t
        if d.shape[1] == 1:  # one output: its square is the sum (the same number, fewer calls)
            return 0.5 * (d * d).reshape(-1)
        losses: Array = 0.5 * np.einsum("ij,ij->i", d, d)
        return losses

    def output_gradient(self, y: Array, t: Array) -> Array:
        return y - t


@dataclass(frozen=True)
class BinaryCrossEntropy(Loss):
    name: str = "bce"
    title: str = "Binary cross-entropy"
    formula: str = "E = −y* log(y) − (1 − y*) log(1 − y)"
    output_gradient_formula: str = "−y*/y + (1 − y*)/(1 − y)"

    def per_sample(self, y: Array, t: Array, z: Array, output_activation: str) -> Array:
        if output_activation == "sigmoid":
            # −t log σ(z) − (1 − t) log(1 − σ(z)) = t·softplus(−z) + (1 − t)·softplus(z)
            #   = max(z, 0) − t·z + log1p(e^−|z|), never overflowing (in place: fewer numpy calls)
            tail = np.abs(z)
            np.negative(tail, out=tail)
            np.exp(tail, out=tail)
            np.log1p(tail, out=tail)
            losses = np.maximum(z, 0.0)
            losses -= t * z
            losses += tail
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                log_y = np.maximum(np.log(y), LOG_FLOOR)
                log_1my = np.maximum(np.log1p(-y), LOG_FLOOR)
            losses = -(t * log_y + (1.0 - t) * log_1my)
        summed: Array = np.add.reduce(losses, 1)
        return summed

    def output_gradient(self, y: Array, t: Array) -> Array:
        return (y - t) / np.maximum(y * (1.0 - y), BCE_GRAD_EPS)

    def preactivation_gradient(self, y: Array, t: Array, output_activation: str) -> Array | None:
        if output_activation == "sigmoid":
            return y - t
        return None


@dataclass(frozen=True)
class SoftmaxCrossEntropy(Loss):
    name: str = "cross_entropy"
    title: str = "Cross-entropy (softmax)"
    formula: str = "E = −Σ y* log(y)"
    output_gradient_formula: str = "−y*/y"

    def per_sample(self, y: Array, t: Array, z: Array, output_activation: str) -> Array:
        if output_activation == "softmax":
            shifted = z - np.max(z, axis=1, keepdims=True)
            log_y = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        else:
            with np.errstate(divide="ignore"):
                log_y = np.maximum(np.log(y), LOG_FLOOR)
        losses: Array = -np.sum(t * log_y, axis=1)
        return losses

    def output_gradient(self, y: Array, t: Array) -> Array:
        return -t / np.maximum(y, BCE_GRAD_EPS)

    def preactivation_gradient(self, y: Array, t: Array, output_activation: str) -> Array | None:
        if output_activation == "softmax":
            grad: Array = y * np.sum(t, axis=1, keepdims=True) - t
            return grad
        return None


LOSSES: dict[str, Loss] = {
    loss.name: loss for loss in (MeanSquaredError(), BinaryCrossEntropy(), SoftmaxCrossEntropy())
}
REDUCTIONS = ("mean", "sum")


def get_loss(name: str) -> Loss:
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; expected one of {', '.join(LOSSES)}") from None


def reduce_losses(per_sample: Array, reduction: str) -> float:
    """The batch loss: mean or sum of the per-sample losses."""
    return float(np.mean(per_sample) if reduction == "mean" else np.sum(per_sample))
