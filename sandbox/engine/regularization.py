"""L1 and L2 penalties on weights (never on biases): what they add to each weight's gradient."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Regularization:
    """``kind`` none, l1 (λ·|w|, gradient λ·sign(w)) or l2 (λ/2·w², gradient λ·w)."""

    kind: str = "none"
    strength: float = 0.0

    @property
    def active(self) -> bool:
        return self.kind != "none" and self.strength != 0.0

    def gradient(self, weights: Array) -> Array:
        if self.kind == "l2":
            return self.strength * weights
        if self.kind == "l1":
            return self.strength * np.sign(weights)
        return np.zeros_like(weights)

    def penalty(self, weights: list[Array]) -> float:
        if self.kind == "l2":
            return 0.5 * self.strength * sum(float(np.sum(w * w)) for w in weights)
        if self.kind == "l1":
            return self.strength * sum(float(np.sum(np.abs(w))) for w in weights)
        return 0.0

    def symbol(self, weight: str) -> str:
        return {"l2": f"λ · {weight}", "l1": f"λ · sign({weight})"}.get(self.kind, "0")


REGULARIZATION_KINDS = ("none", "l1", "l2")
