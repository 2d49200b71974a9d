"""Many classes: the confusion matrix, each class's accuracy, the class probabilities and the gallery's order.

Every class here is the one ``metrics.predicted_classes`` gives (the threshold rule's 0/1, or the index of
the largest output), so these numbers agree with the accuracy the trainer reports. Classes count from 0,
as the output layer's neurons do; a matrix's row is the true class, its column the predicted one.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .metrics import Rule, predicted_classes

Array = NDArray[np.float64]


def class_count(outputs: Array, rule: Rule) -> int:
    """How many classes the outputs tell apart: 2 for the threshold rule, else one per output."""
    return 2 if rule == "threshold" else int(np.asarray(outputs).shape[1])


def true_classes(targets: Array, rule: Rule) -> NDArray[np.int64]:
    """Each sample's true class, read from its target by the same rule as the prediction."""
    return predicted_classes(np.asarray(targets, dtype=np.float64), rule)


def confusion_matrix(outputs: Array, targets: Array, rule: Rule) -> NDArray[np.int64]:
    """K×K counts of samples: row = true class, column = predicted class (K: ``class_count``)."""
    y = np.asarray(outputs, dtype=np.float64)
    k = class_count(y, rule)
    if y.shape[0] == 0:
        return np.zeros((k, k), dtype=np.int64)
    truth = true_classes(np.asarray(targets, dtype=np.float64).reshape(y.shape), rule)
    predicted = predicted_classes(y, rule)
    counts = np.bincount(truth * k + predicted, minlength=k * k)
    return np.asarray(counts.reshape(k, k), dtype=np.int64)


def per_class_accuracy(matrix: NDArray[np.int64]) -> Array:
    """Each true class's share of samples classified right (its recall); nan for a class without samples."""
    m = np.asarray(matrix, dtype=np.float64)
    totals = m.sum(axis=1)
    right = np.diag(m)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(totals > 0, right / np.where(totals > 0, totals, 1.0), np.nan)
    return np.asarray(shares, dtype=np.float64)


def class_probabilities(outputs: Array, rule: Rule) -> Array:
    """Each sample's probability of each class: the (softmax) outputs as they are, or [1 − y, y] for the
    threshold rule's one output y."""
    y = np.asarray(outputs, dtype=np.float64)
    if rule == "threshold":
        return np.column_stack([1.0 - y[:, 0], y[:, 0]])
    return y.copy()


def gallery_order(outputs: Array, targets: Array, rule: Rule) -> NDArray[np.int64]:
    """Sample indices for a gallery: the misclassified first, most confidently wrong first; then the right
    ones, least confident first (confidence: the probability of the predicted class; ties by index)."""
    y = np.asarray(outputs, dtype=np.float64)
    n = y.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    predicted = predicted_classes(y, rule)
    truth = true_classes(np.asarray(targets, dtype=np.float64).reshape(y.shape), rule)
    confidence = class_probabilities(y, rule)[np.arange(n), predicted]
    confidence = np.nan_to_num(confidence, nan=-np.inf)
    wrong = predicted != truth
    # the wrong ones by falling confidence, then the right ones by rising confidence (lexsort: last key first)
    key = np.where(wrong, -confidence, confidence)
    order = np.lexsort((np.arange(n), key, ~wrong))
    return np.asarray(order, dtype=np.int64)


def class_names(output_labels: list[str], rule: Rule) -> list[str]:
    """The classes' names for people: "0" and "1" for one thresholded output; else the output labels, without
    a prefix they all share when what follows it numbers the classes 0, 1, … in order (``y0``…``y9`` name the
    digits 0…9: the matrix reads "7", not "y7")."""
    if rule == "threshold":
        return ["0", "1"]
    labels = list(output_labels)
    prefix = _common_prefix(labels)
    if prefix and all(label[len(prefix):] == str(k) for k, label in enumerate(labels)):
        return [label[len(prefix):] for label in labels]
    return labels


def _common_prefix(labels: list[str]) -> str:
    if not labels:
        return ""
    first, last = min(labels), max(labels)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n] and not first[n].isdigit():
        n += 1
    return first[:n]
