"""Derived input features (TF Playground's x₁², x₂², x₁x₂, sin x₁, sin x₂) as extra input neurons.

A data set of two raw inputs (x1, x2) may declare features (``data.features`` in a file); their columns are
appended to the raw inputs, in the order declared, for training, test and grid points alike, and the network's
input layer has one neuron per column (x1, x2, then one per feature). Pure numpy: no Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from .datasets import Dataset

Array = NDArray[np.float64]

#: every feature's name in a file → (its input neuron's label, how it is computed from the raw inputs)
FEATURES: dict[str, tuple[str, Callable[[Array], Array]]] = {
    "x1^2": ("x1²", lambda x: x[:, 0] ** 2),
    "x2^2": ("x2²", lambda x: x[:, 1] ** 2),
    "x1*x2": ("x1x2", lambda x: x[:, 0] * x[:, 1]),
    "sin(x1)": ("sin(x1)", lambda x: np.sin(x[:, 0])),
    "sin(x2)": ("sin(x2)", lambda x: np.sin(x[:, 1])),
}
FEATURE_NAMES: tuple[str, ...] = tuple(FEATURES)
#: the raw inputs the features are computed from
RAW_INPUTS = 2
RAW_LABELS = ("x1", "x2")
#: each feature as a formula of the raw inputs ``x1`` and ``x2`` (the exports write these)
FORMULAS: dict[str, str] = {"x1^2": "x1 * x1", "x2^2": "x2 * x2", "x1*x2": "x1 * x2", "sin(x1)": "sin(x1)",
                            "sin(x2)": "sin(x2)"}


def labels(features: Sequence[str]) -> list[str]:
    """The input neurons' labels: x1, x2, then each feature's (``x1²``, ``x1x2``, ``sin(x1)``)."""
    return [*RAW_LABELS, *(FEATURES[f][0] for f in features)]


def problems(features: object, raw_inputs: int | None) -> list[tuple[str, str]]:
    """What is wrong with a ``data.features`` value, as (where, what): not a list, an unknown or repeated name,
    or data without exactly 2 raw inputs (``raw_inputs``: the input layer's size less the features; None when
    unknown)."""
    where = "data.features"
    if not isinstance(features, list):
        return [(where, f"expected a list of feature names ({', '.join(FEATURE_NAMES)}), got "
                        f"{type(features).__name__}")]
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, name in enumerate(features):
        if not isinstance(name, str) or name not in FEATURES:
            found.append((f"{where}[{i}]", f"unknown feature {_shown(name)}; the features are "
                                           f"{', '.join(FEATURE_NAMES)}"))
        elif name in seen:
            found.append((f"{where}[{i}]", f"{name!r} is named twice"))
        else:
            seen.add(name)
    if features and raw_inputs is not None and raw_inputs != RAW_INPUTS:
        count = len(features)
        found.append((where, f"derived features are computed from 2 inputs (x1, x2), so only 2-input data sets can "
                             f"have features: with {count} feature{'s' if count != 1 else ''} the input layer needs "
                             f"{RAW_INPUTS + count} neurons (x1, x2 and one per feature), it has {raw_inputs + count}"))
    return found


def _shown(value: object, most: int = 40) -> str:
    """A value as a message quotes it: its repr (control characters escaped), at most ``most`` characters."""
    text = repr(value)
    return text if len(text) <= most else text[: most - 1] + "…"


def with_features(inputs: Array, features: Sequence[str]) -> Array:
    """The raw inputs (n, 2) with one column per feature appended, in order: (n, 2 + len(features))."""
    inputs = np.asarray(inputs, dtype=np.float64)
    if not features:
        return inputs
    raw = inputs.reshape(-1, RAW_INPUTS)
    columns = [FEATURES[f][1](raw) for f in features]
    return np.column_stack([raw, *columns])


def raw_inputs(inputs: Array, features: Sequence[str]) -> Array:
    """The raw inputs (the first 2 columns) of inputs with features appended."""
    inputs = np.asarray(inputs, dtype=np.float64)
    return inputs[:, :RAW_INPUTS] if features else inputs


def apply(data: Dataset, features: Sequence[str]) -> Dataset:
    """The data set with the features appended to its training and test inputs."""
    if not features:
        return data
    test = with_features(data.test_inputs, features) if data.has_test else data.test_inputs
    return Dataset(with_features(data.inputs, features), data.targets, test, data.test_targets)


def strip(data: Dataset, features: Sequence[str]) -> Dataset:
    """The data set without its feature columns (the raw inputs a file keeps)."""
    if not features:
        return data
    test = raw_inputs(data.test_inputs, features) if data.has_test else data.test_inputs
    return Dataset(raw_inputs(data.inputs, features), data.targets, test, data.test_targets)
