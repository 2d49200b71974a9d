"""Format version 1 in data: the keys each part of a network file may have, names, defaults, limits.

Parsing the JSON text also lives here: numbers that are not finite (``NaN``, ``Infinity``,
``1e999``), integers too long to be numbers and keys given twice are not refused by the parser
but marked, so that the validator can report each one at its place along with every other problem.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from ..engine import (ACTIVATIONS, BATCH_MODES, GENERATORS, LOSSES, OPTIMIZERS, REDUCTIONS, SCHEDULE_NAMES,
                      SCHEMES)

FORMAT = "backprop-sandbox.network"
VERSION = 1

#: refuse files larger than this before reading them
MAX_FILE_BYTES = 50 * 1024 * 1024
#: refuse networks with more weights and biases than this before allocating them
MAX_PARAMETERS = 10_000_000
#: refuse generated or CSV data sets with more samples than this
MAX_SAMPLES = 1_000_000

TOP_KEYS = ("format", "version", "name", "description", "layers", "loss", "optimizer", "schedule",
            "regularization", "batch", "data", "init", "seed")
TOP_REQUIRED = ("format", "version", "layers", "data")
INPUT_LAYER_KEYS = ("size", "labels")
LAYER_KEYS = ("size", "activation", "alpha", "bias", "weights", "biases", "labels", "weight_labels",
              "bias_labels", "preactivation_labels", "trainable", "init")
LAYER_REQUIRED = ("size", "activation")
TRAINABLE_KEYS = ("weights", "biases")

ACTIVATION_NAMES = tuple(ACTIVATIONS)
LOSS_NAMES = tuple(LOSSES)
REDUCTION_NAMES = tuple(REDUCTIONS)
OPTIMIZER_NAMES = tuple(OPTIMIZERS)
#: every optimizer's options besides ``name`` and ``learning_rate``: option -> kind
OPTIMIZER_OPTIONS: dict[str, dict[str, str]] = {
    "sgd": {"momentum": "fraction", "nesterov": "bool"},
    "adagrad": {"eps": "positive"},
    "rmsprop": {"alpha": "fraction", "eps": "positive", "momentum": "fraction"},
    "adam": {"beta1": "fraction", "beta2": "fraction", "eps": "positive"},
}
INIT_SCHEMES = tuple(SCHEMES)
#: parameters of each init scheme besides ``scheme`` and ``seed``
INIT_PARAMETERS: dict[str, tuple[str, ...]] = {
    "zeros": (), "constant": ("value",), "uniform": ("low", "high"), "normal": ("std",),
    "xavier_uniform": (), "xavier_normal": (), "he_uniform": (), "he_normal": (),
}
SCHEDULES = tuple(SCHEDULE_NAMES)
#: required parameters of each schedule besides ``name``: key -> kind
SCHEDULE_PARAMETERS: dict[str, dict[str, str]] = {
    "constant": {},
    "step": {"step_epochs": "count", "gamma": "positive"},
    "exponential": {"gamma": "positive"},
    "cosine": {"epochs": "count", "min_lr": "nonnegative"},
}
REGULARIZATION_KINDS = ("none", "l1", "l2")
BATCH_NAMES = tuple(BATCH_MODES)
GENERATOR_NAMES = tuple(GENERATORS)
GENERATOR_KEYS = ("generator", "samples", "noise", "seed", "test_fraction")
INLINE_KEYS = ("inputs", "targets", "test_inputs", "test_targets")
CSV_KEYS = ("csv", "target_columns", "test_fraction", "seed")

#: defaults of optional keys, as written in docs/file_format.md (a missing seed: the file-level ``seed``, else 0)
DEFAULTS = {
    "name": "untitled",
    "description": "",
    "loss": {"name": "mse", "reduction": "mean"},
    "optimizer": {"name": "sgd"},  # learning_rate: torch.optim's default of the optimizer
    "batch": {"mode": "full", "shuffle": False, "seed": 0},
    "regularization": {"kind": "none", "strength": 0.0},
    "init": {"scheme": "xavier_uniform", "seed": 0},
    "layer.bias": True,
    "layer.trainable": {"weights": True, "biases": True},
    "generator": {"samples": 200, "noise": 0.0, "seed": 0, "test_fraction": 0.0},
}


# ---- parsing --------------------------------------------------------------------------------

@dataclass(frozen=True)
class BadNumber:
    """A number in the text that is not a finite float64 (NaN, Infinity, 1e999, 10**400)."""

    text: str


class JsonObject(dict):
    """A parsed JSON object that remembers keys it saw more than once."""

    duplicates: tuple[str, ...] = ()


def _pairs(pairs: list[tuple[str, object]]) -> JsonObject:
    obj = JsonObject()
    seen: list[str] = []
    for key, value in pairs:
        if key in obj:
            seen.append(key)
        obj[key] = value
    if seen:
        obj.duplicates = tuple(seen)
    return obj


def _float(text: str) -> float | BadNumber:
    value = float(text)
    return value if math.isfinite(value) else BadNumber(text)


def _int(text: str) -> int | BadNumber:
    if len(text.lstrip("-")) > 300:
        return BadNumber(text[:12] + "…")
    return int(text)


def parse_json(text: str):
    """``json.loads`` that never evaluates anything and marks non-finite numbers and duplicate keys.

    Raises ``json.JSONDecodeError`` for text that is not JSON.
    """
    return json.loads(text, parse_float=_float, parse_int=_int, parse_constant=BadNumber,
                      object_pairs_hook=_pairs)
