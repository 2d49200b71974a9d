"""Seeded data sets: the lecture's single sample, TF-Playground-style 2-D problems, a plane.

Every generator returns points in about [−1, 1]² and 0/1 labels (classification) or a real
target (``plane``); ``noise`` is the standard deviation of Gaussian noise added to the
points (to the target for ``plane``). The split into training and test sets is seeded too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

GENERATORS = ("xor", "circle", "gaussians", "spiral", "plane", "lecture")


@dataclass
class Dataset:
    """Training samples and optional test samples, one row each."""

    inputs: Array
    targets: Array
    test_inputs: Array = field(default_factory=lambda: np.zeros((0, 0)))
    test_targets: Array = field(default_factory=lambda: np.zeros((0, 0)))

    def __post_init__(self) -> None:
        self.inputs = np.array(self.inputs, dtype=np.float64, ndmin=2)
        self.targets = np.array(self.targets, dtype=np.float64, ndmin=2)
        self.test_inputs = np.array(self.test_inputs, dtype=np.float64, ndmin=2)
        self.test_targets = np.array(self.test_targets, dtype=np.float64, ndmin=2)
        if self.test_inputs.size == 0:
            self.test_inputs = np.zeros((0, self.inputs.shape[1]))
            self.test_targets = np.zeros((0, self.targets.shape[1]))

    @property
    def n_train(self) -> int:
        return int(self.inputs.shape[0])

    @property
    def n_test(self) -> int:
        return int(self.test_inputs.shape[0])

    @property
    def has_test(self) -> bool:
        return self.n_test > 0


def _labels(n: int, rng: np.random.Generator) -> Array:
    return (np.arange(n) % 2).astype(np.float64)


def _xor(n: int, rng: np.random.Generator) -> tuple[Array, Array]:
    pts = rng.uniform(-1.0, 1.0, (n, 2))
    pts += np.sign(pts) * 0.05  # a small margin around the axes, as TF Playground does
    labels = (pts[:, 0] * pts[:, 1] >= 0).astype(np.float64)
    return pts, labels


def _circle(n: int, rng: np.random.Generator) -> tuple[Array, Array]:
    labels = _labels(n, rng)
    radius = np.where(labels == 1, rng.uniform(0.0, 0.5, n), rng.uniform(0.7, 1.0, n))
    angle = rng.uniform(0.0, 2 * math.pi, n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]), labels


def _gaussians(n: int, rng: np.random.Generator) -> tuple[Array, Array]:
    labels = _labels(n, rng)
    centre = np.where(labels[:, None] == 1, 0.45, -0.45)
    return centre + rng.normal(0.0, 0.2, (n, 2)), labels


def _spiral(n: int, rng: np.random.Generator) -> tuple[Array, Array]:
    labels = _labels(n, rng)
    i = np.arange(n) // 2
    half = max(1, (n + 1) // 2)
    r = i / half
    t = 1.75 * i / half * 2 * math.pi + np.where(labels == 1, 0.0, math.pi)
    return np.column_stack([r * np.sin(t), r * np.cos(t)]), labels


def _plane(n: int, rng: np.random.Generator) -> tuple[Array, Array]:
    pts = rng.uniform(-1.0, 1.0, (n, 2))
    return pts, 0.6 * pts[:, 0] - 0.4 * pts[:, 1]


def generate(name: str, samples: int = 200, noise: float = 0.0, seed: int = 0,
             test_fraction: float = 0.0) -> Dataset:
    """A generated data set; ``test_fraction`` of the samples (seeded) go to the test set."""
    if name == "lecture":
        return Dataset(inputs=np.array([[2.0, 3.0]]), targets=np.array([[1.0]]))
    makers = {"xor": _xor, "circle": _circle, "gaussians": _gaussians, "spiral": _spiral, "plane": _plane}
    if name not in makers:
        raise ValueError(f"unknown generator {name!r}; expected one of {', '.join(GENERATORS)}")
    rng = np.random.default_rng(seed)
    pts, target = makers[name](int(samples), rng)
    if noise:
        if name == "plane":
            target = target + rng.normal(0.0, noise, target.shape)
        else:
            pts = pts + rng.normal(0.0, noise, pts.shape)
    return split(pts, target.reshape(-1, 1), test_fraction, seed)


def split(inputs: Array, targets: Array, test_fraction: float, seed: int = 0) -> Dataset:
    """Split samples into training and test sets, seeded; no split when the fraction is 0."""
    inputs = np.asarray(inputs, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.float64)
    n = inputs.shape[0]
    n_test = int(round(n * float(test_fraction)))
    if n_test <= 0 or n_test >= n:
        return Dataset(inputs, targets)
    order = np.random.default_rng([seed, 1]).permutation(n)
    test, train = np.sort(order[:n_test]), np.sort(order[n_test:])
    return Dataset(inputs[train], targets[train], inputs[test], targets[test])
