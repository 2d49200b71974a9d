"""Learning-rate schedules, applied per epoch, equal to torch.optim.lr_scheduler's closed forms."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    """``name`` is one of constant, step, exponential, cosine; the other fields are its parameters."""

    name: str = "constant"
    step_epochs: int = 1
    gamma: float = 0.1
    epochs: int = 100
    min_lr: float = 0.0

    def learning_rate(self, base: float, epoch: int) -> float:
        """The learning rate during epoch ``epoch`` (0-based) for a base rate ``base``."""
        if self.name == "constant":
            return base
        if self.name == "step":
            return base * _power(self.gamma, epoch // max(1, self.step_epochs))
        if self.name == "exponential":
            return base * _power(self.gamma, epoch)
        if self.name == "cosine":
            return self.min_lr + (base - self.min_lr) * (1.0 + math.cos(math.pi * epoch / max(1, self.epochs))) / 2.0
        raise ValueError(f"unknown schedule {self.name!r}")

    def formula(self) -> str:
        return {
            "constant": "η_e = η",
            "step": f"η_e = η · γ^⌊e/{self.step_epochs}⌋",
            "exponential": "η_e = η · γ^e",
            "cosine": f"η_e = η_min + (η − η_min)(1 + cos(π e / {self.epochs})) / 2",
        }[self.name]


def _power(gamma: float, k: int) -> float:
    """γ^k as a float: 0 when it underflows, infinity when it overflows (files allow only γ ≤ 1; code may not)."""
    try:
        return float(gamma) ** k
    except OverflowError:
        return math.inf


SCHEDULE_NAMES = ("constant", "step", "exponential", "cosine")
