"""Older file versions are brought up to the current one by an explicit chain of upgrade steps.

``UPGRADES[v]`` turns a version-``v`` document into a version-``v + 1`` one; loading applies the
steps one after another until the document has the current ``version``, then validates it.
Each step only renames and reshapes what it recognises and leaves everything else alone, so
that the validator can still report any problem of the upgraded document.

Version 0 (made up: no released file ever had it; it exists to exercise the mechanism and
documents what an upgrade step looks like) differed from version 1 in these ways:

* the top level had ``"title"`` instead of ``"name"``;
* layers had ``"units"`` instead of ``"size"`` and ``"W"``/``"b"`` instead of ``"weights"``/``"biases"``,
  and ``"use_bias"`` instead of ``"bias"``;
* the optimizer was a plain name (``"optimizer": "sgd"``) with ``"learning_rate"`` and ``"momentum"``
  at the top level;
* the loss was a plain name (``"loss": "mse"``), always averaged over the batch.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from . import schema as S
from .errors import Problem
from .nesting import nesting_problem
from .validate import describe


def upgrade_0_to_1(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 0 → 1: see the module's docstring for what changed. The input is left alone: what changes is
    copied (shallow copies only, which never recurse however deep the document nests)."""
    doc = copy.copy(doc)  # a JsonObject keeps the keys it saw twice
    if "title" in doc and "name" not in doc:
        doc["name"] = doc.pop("title")
    layers = doc.get("layers")
    if isinstance(layers, list):
        layers = doc["layers"] = [copy.copy(layer) if isinstance(layer, dict) else layer for layer in layers]
        for layer in layers:
            if isinstance(layer, dict):
                for old, new in (("units", "size"), ("W", "weights"), ("b", "biases"), ("use_bias", "bias")):
                    if old in layer and new not in layer:
                        layer[new] = layer.pop(old)
    if isinstance(doc.get("optimizer"), str):
        optimizer = {"name": doc["optimizer"]}
        for key in ("learning_rate", "momentum"):
            if key in doc:
                optimizer[key] = doc.pop(key)
        doc["optimizer"] = optimizer
    if isinstance(doc.get("loss"), str):
        doc["loss"] = {"name": doc["loss"], "reduction": "mean"}
    doc["version"] = 1
    return doc


#: version -> the step that turns it into the next version
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: upgrade_0_to_1}


def upgrade(doc: Any) -> tuple[Any, list[Problem]]:
    """The document brought to the current version, or the problems that stop that (a document nested deeper
    than ``MAX_NESTING`` is refused first, before any step sees it)."""
    too_deep = nesting_problem(doc)
    if too_deep is not None:
        return doc, [too_deep]
    if not isinstance(doc, dict) or "version" not in doc:
        return doc, []  # the validator says what is missing
    version = doc["version"]
    if not isinstance(version, int) or isinstance(version, bool):
        return doc, [Problem("version", f"expected a whole number, got {describe(version)}")]
    if version > S.VERSION:
        return doc, [Problem("version", f"this file has format version {version}, which is newer than this "
                                        f"program understands (it reads up to version {S.VERSION}); "
                                        f"update backprop-sandbox to open it")]
    while version < S.VERSION:
        step = UPGRADES.get(version)
        if step is None:
            return doc, [Problem("version", f"format version {version} is not known (known: "
                                            f"{', '.join(str(v) for v in sorted(UPGRADES))} to {S.VERSION})")]
        doc = step(doc)
        if doc.get("version") != version + 1:
            raise AssertionError(f"upgrade step from version {version} did not produce version {version + 1}")
        version += 1
    return doc, []
