"""Weight initialisation schemes, seeded and reproducible (torch.nn.init's formulas).

A layer's generator is seeded with ``(seed, layer_index)`` so that every layer of a network
initialised from one file-level seed gets its own, repeatable numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

SCHEMES = (
    "zeros", "constant", "uniform", "normal",
    "xavier_uniform", "xavier_normal", "he_uniform", "he_normal",
)


@dataclass(frozen=True)
class Init:
    """An initialisation scheme with its parameters."""

    scheme: str = "xavier_uniform"
    seed: int = 0
    value: float = 0.0
    low: float = -0.1
    high: float = 0.1
    std: float = 0.1

    def weights(self, fan_out: int, fan_in: int, layer_index: int = 0) -> Array:
        """A ``(fan_out, fan_in)`` weight matrix."""
        rng = np.random.default_rng([self.seed, layer_index])
        shape = (fan_out, fan_in)
        s = self.scheme
        if s == "zeros":
            return np.zeros(shape)
        if s == "constant":
            return np.full(shape, float(self.value))
        if s == "uniform":
            return rng.uniform(self.low, self.high, shape)
        if s == "normal":
            return rng.normal(0.0, self.std, shape)
        if s == "xavier_uniform":
            bound = math.sqrt(6.0 / (fan_in + fan_out))
            return rng.uniform(-bound, bound, shape)
        if s == "xavier_normal":
            return rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), shape)
        if s == "he_uniform":
            bound = math.sqrt(6.0 / fan_in)
            return rng.uniform(-bound, bound, shape)
        if s == "he_normal":
            return rng.normal(0.0, math.sqrt(2.0 / fan_in), shape)
        raise ValueError(f"unknown init scheme {s!r}; expected one of {', '.join(SCHEMES)}")

    def describe(self) -> str:
        return {
            "zeros": "w = 0",
            "constant": f"w = {self.value}",
            "uniform": f"w ~ U({self.low}, {self.high})",
            "normal": f"w ~ N(0, {self.std}²)",
            "xavier_uniform": "w ~ U(−√(6/(n_in+n_out)), √(6/(n_in+n_out)))",
            "xavier_normal": "w ~ N(0, 2/(n_in+n_out))",
            "he_uniform": "w ~ U(−√(6/n_in), √(6/n_in))",
            "he_normal": "w ~ N(0, 2/n_in)",
        }[self.scheme]
