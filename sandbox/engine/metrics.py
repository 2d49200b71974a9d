"""Classification accuracy: the share of samples whose predicted class is the target's class.

Which rule applies follows from the loss and the training targets (``accuracy_rule``):

- ``"threshold"``: one output trained with binary cross-entropy, or with squared error on targets that are all
  0 or 1 with both classes present (the lecture's single sample with target 1 is a regression, not a
  classifier that is 0 % right): the predicted class is ``y ≥ 0.5``, the target's class ``t ≥ 0.5``;
- ``"argmax"``: several outputs and one-hot targets (softmax cross-entropy, or 0/1 targets with a single
  1 per row): the predicted class is the largest output, the target's the largest target;
- ``None``: regression (targets that are not class labels): accuracy does not apply.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
Rule = Literal["threshold", "argmax"]

#: the output (and target) at or above which a one-output classifier says class 1
THRESHOLD = 0.5


def accuracy_rule(loss: str, targets: Array) -> Rule | None:
    """How accuracy is counted for a network trained with ``loss`` on ``targets`` (None: not a
    classification)."""
    t = np.asarray(targets, dtype=np.float64)
    if t.ndim != 2 or t.shape[0] == 0 or not np.isfinite(t).all():
        return None
    binary = bool(np.all((t == 0.0) | (t == 1.0)))
    if t.shape[1] == 1:
        both = binary and bool(np.any(t == 0.0)) and bool(np.any(t == 1.0))
        return "threshold" if loss == "bce" or both else None
    if loss == "cross_entropy":
        return "argmax"
    one_hot = binary and bool(np.all(t.sum(axis=1) == 1.0))
    return "argmax" if one_hot else None


def predicted_classes(outputs: Array, rule: Rule) -> NDArray[np.int64]:
    """Each sample's class: 0/1 by ``THRESHOLD`` or the index of its largest output."""
    y = np.asarray(outputs, dtype=np.float64)
    classes: NDArray[np.int64]
    if rule == "threshold":
        classes = (y[:, 0] >= THRESHOLD).astype(np.int64)
    else:
        classes = np.argmax(y, axis=1).astype(np.int64)
    return classes


def accuracy(outputs: Array, targets: Array, rule: Rule | None) -> float | None:
    """The share (0 … 1) of samples classified right; None without a rule or without samples."""
    t = np.asarray(targets, dtype=np.float64)
    if rule is None or t.ndim != 2 or t.shape[0] == 0:
        return None
    y = np.asarray(outputs, dtype=np.float64).reshape(t.shape)
    right = predicted_classes(y, rule) == predicted_classes(t, rule)
    return float(np.mean(right))


def format_accuracy(train: float | None, test: float | None) -> str:
    """``Train acc 97.5 %  Test acc 95 %`` (the test part only with test data); "" when accuracy does
    not apply."""
    if train is None:
        return ""
    text = f"Train acc {_percent(train)}"
    if test is not None:
        text += f"  Test acc {_percent(test)}"
    return text


def _percent(share: float) -> str:
    return f"{round(100.0 * share, 1):g} %"
