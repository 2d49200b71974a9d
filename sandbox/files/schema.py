"""Format version 1 in data: the keys of the parts of a network file that hold no settings (structure,
numbers, names) and the file's limits. Every setting (its key, kind, range, default) is declared in
``settings_table``.

Parsing the JSON text also lives here: numbers that are not finite (``NaN``, ``Infinity``,
``1e999``), integers too long to be numbers and keys given twice are not refused by the parser
but marked, so that the validator can report each one at its place along with every other problem.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from . import settings_table as T
from .limits import MAX_FILE_BYTES
from .settings_table import MAX_PARAMETERS, MAX_SAMPLES, WHOLE_NUMBER_DIGITS

FORMAT = "backprop-sandbox.network"
VERSION = 1

TOP_KEYS = ("format", "version", "name", "description", "layers", "loss", "optimizer", "schedule",
            "regularization", "batch", "data", "init", "seed", "history")
TOP_REQUIRED = ("format", "version", "layers", "data")
INPUT_LAYER_KEYS = ("size", "labels", "image")
#: ``layers[0].image``: the inputs are an image's pixels, row by row
IMAGE_KEYS = ("rows", "columns")
LAYER_KEYS = (*T.LAYER.all_keys(), "weights", "biases", "labels", "weight_labels", "bias_labels",
              "preactivation_labels", "trainable", "init")
LAYER_REQUIRED = T.LAYER.required()
TRAINABLE_KEYS = T.TRAINABLE.all_keys()
INLINE_KEYS = ("inputs", "targets", "test_inputs", "test_targets")
CSV_KEYS = ("csv", "target_columns", "class_column", *(s.key for s in T.CSV_SETTINGS))
GENERATOR_KEYS = T.GENERATOR.all_keys()
#: the ``name`` of a file that gives none
DEFAULT_NAME = "untitled"

__all__ = ["FORMAT", "VERSION", "MAX_FILE_BYTES", "MAX_PARAMETERS", "MAX_SAMPLES", "TOP_KEYS", "TOP_REQUIRED",
           "INPUT_LAYER_KEYS", "IMAGE_KEYS", "LAYER_KEYS", "LAYER_REQUIRED", "TRAINABLE_KEYS", "INLINE_KEYS",
           "CSV_KEYS", "GENERATOR_KEYS", "DEFAULT_NAME", "BadNumber", "JsonObject", "parse_json", "parse_json_fast"]


# ---- parsing --------------------------------------------------------------------------------

@dataclass(frozen=True)
class BadNumber:
    """A number in the text that is not a finite float64 (NaN, Infinity, 1e999, 10**400)."""

    text: str


class JsonObject(dict[str, Any]):
    """A parsed JSON object that remembers keys it saw more than once."""

    duplicates: tuple[str, ...] = ()


def _pairs(pairs: list[tuple[str, Any]]) -> JsonObject:
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
    if len(text.lstrip("-")) > WHOLE_NUMBER_DIGITS:
        return BadNumber(text[:12] + "…")
    return int(text)


def parse_json(text: str) -> Any:
    """``json.loads`` that never evaluates anything and marks non-finite numbers and duplicate keys.

    Raises ``json.JSONDecodeError`` for text that is not JSON.
    """
    return json.loads(text, parse_float=_float, parse_int=_int, parse_constant=BadNumber,
                      object_pairs_hook=_pairs)


def parse_json_fast(text: str) -> Any:
    """``parse_json`` with floats read in C: a float beyond float64 (``1e999``) is ``inf`` instead of a
    ``BadNumber`` (validation refuses it either way; ``parse_json`` keeps its text for the message)."""
    return json.loads(text, parse_int=_int, parse_constant=BadNumber, object_pairs_hook=_pairs)
