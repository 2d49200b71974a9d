"""Batches as the lecture defines them: iterations within epochs, sampling without replacement.

``full``: the whole training set each iteration (one iteration per epoch); ``single``: one
sample per iteration; ``minibatch``: ``size`` samples per iteration, the last batch of an
epoch smaller when the size does not divide the data. With ``shuffle`` each epoch visits the
samples in a new random order drawn from ``(seed, epoch)``; without, in file order. Either
way every epoch covers every sample exactly once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
#: sample indices
Indices = NDArray[np.intp]

BATCH_MODES = ("full", "single", "minibatch")


@dataclass(frozen=True)
class Batching:
    mode: str = "full"
    size: int = 1
    shuffle: bool = False
    seed: int = 0

    def batch_size(self, n_samples: int) -> int:
        if self.mode == "full":
            return max(1, n_samples)
        if self.mode == "single":
            return 1
        return max(1, min(int(self.size), n_samples))

    def batches_per_epoch(self, n_samples: int) -> int:
        return max(1, math.ceil(n_samples / self.batch_size(n_samples)))

    def epoch_order(self, n_samples: int, epoch: int) -> Indices:
        if self.shuffle:
            return np.random.default_rng([self.seed, epoch]).permutation(n_samples)
        return np.arange(n_samples)

    def epoch_batches(self, n_samples: int, epoch: int) -> list[Indices]:
        """The index sets K_j of every iteration j of epoch ``epoch``."""
        order = self.epoch_order(n_samples, epoch)
        size = self.batch_size(n_samples)
        return [order[i:i + size] for i in range(0, n_samples, size)] or [order]
