"""What the Classes dock shows of one data set, all from the engine: outputs, matrix, accuracies, order.

``set_results`` runs the network over the whole training or test set (``Network.predict``) and hands the
outputs to ``engine.classification`` and ``engine.metrics``; nothing here computes a number of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sandbox.engine import Experiment
from sandbox.engine.classification import (
    class_names as engine_class_names,
)
from sandbox.engine.classification import (
    class_probabilities,
    confusion_matrix,
    gallery_order,
    per_class_accuracy,
    true_classes,
)
from sandbox.engine.metrics import Rule, accuracy, accuracy_rule, predicted_classes

Array = NDArray[np.float64]

#: the two sets the dock can show, as the switch names them
SETS = ("test", "train")
SET_TITLES = {"test": "Test set", "train": "Training set"}
#: a sample's source as people say it (counted from 1): "test sample 17"
SOURCE_NAMES = {"test": "test sample", "train": "training sample"}


@dataclass
class SetResults:
    """One set's classification by the network now: per sample its true and predicted class and its class
    probabilities; the confusion matrix, each class's accuracy, the overall accuracy, the gallery's order."""

    which: str
    rule: Rule
    class_names: list[str]
    inputs: Array
    targets: Array
    outputs: Array
    truth: NDArray[np.int64]
    predicted: NDArray[np.int64]
    probabilities: Array
    matrix: NDArray[np.int64]
    class_accuracy: Array
    overall: float | None
    order: NDArray[np.int64]

    @property
    def size(self) -> int:
        return int(self.inputs.shape[0])

    def source(self, index: int) -> str:
        """Where sample ``index`` (0-based row of this set) comes from, as people count: "test sample 17"."""
        return f"{SOURCE_NAMES[self.which]} {index + 1}"


def classifier_rule(experiment: Experiment) -> Rule | None:
    """How the network's outputs are read as classes (``metrics.accuracy_rule``); None: not a classifier."""
    return accuracy_rule(experiment.loss, experiment.data.targets)


def class_names(experiment: Experiment, rule: Rule) -> list[str]:
    """The classes' names (``engine.classification.class_names``): the output layer's labels, "0" … "9" for
    digits' ``y0`` … ``y9``, or "0" and "1" for one thresholded output."""
    return engine_class_names(experiment.network.layers[-1].labels, rule)


def class_count(experiment: Experiment) -> int:
    """How many classes the network tells apart (0: not a classifier)."""
    rule = classifier_rule(experiment)
    if rule is None:
        return 0
    return 2 if rule == "threshold" else experiment.network.layers[-1].size


def available_sets(experiment: Experiment) -> list[str]:
    """The sets that have samples: the test set first (when there is one), then the training set."""
    data = experiment.data
    return [s for s in SETS if (data.n_test if s == "test" else data.n_train) > 0]


def set_results(experiment: Experiment, which: str) -> SetResults | None:
    """The network's classification of the training (``"train"``) or test (``"test"``) set now; None when it is
    not a classifier or the set is empty."""
    rule = classifier_rule(experiment)
    data = experiment.data
    inputs, targets = (data.test_inputs, data.test_targets) if which == "test" else (data.inputs, data.targets)
    if rule is None or inputs.shape[0] == 0:
        return None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        outputs = experiment.network.predict(inputs)
    matrix = confusion_matrix(outputs, targets, rule)
    return SetResults(
        which=which, rule=rule, class_names=class_names(experiment, rule), inputs=inputs, targets=targets,
        outputs=outputs, truth=true_classes(targets, rule), predicted=predicted_classes(outputs, rule),
        probabilities=class_probabilities(outputs, rule), matrix=matrix, class_accuracy=per_class_accuracy(matrix),
        overall=accuracy(outputs, targets, rule), order=gallery_order(outputs, targets, rule))
