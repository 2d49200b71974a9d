"""Whether an experiment, however it was made (a file, the window, code), can be saved and opened again: the
limits of ``limits.py`` and the rule for text, each problem at its place in the file that would be written.

``save`` refuses an experiment with problems before writing anything; the window refuses an edit that would
make one, so that nothing the app lets you build is refused when you open it again.
"""

from __future__ import annotations

import numpy as np

from ..engine import Experiment
from . import limits as L
from .checker import quoted
from .errors import Problem
from .text_rules import TextKind, text_problem


def limit_problems(exp: Experiment) -> list[Problem]:
    """Every way the experiment's structure or data is beyond the file's limits, at its place."""
    net = exp.network
    problems: list[Problem] = []
    if net.depth + 1 > L.MAX_LAYERS:
        problems.append(Problem("layers", f"the network would have {net.depth + 1} layers; at most {L.MAX_LAYERS} "
                                          f"are supported (the input layer included)"))
    for i, size in enumerate(net.sizes):
        if size > L.MAX_LAYER_SIZE:
            problems.append(Problem(f"layers[{i}].size", f"{size:,} neurons; at most {L.MAX_LAYER_SIZE:,} are "
                                                         f"supported in a layer"))
    count = sum(layer.weights.size + (0 if layer.biases is None else layer.biases.size) for layer in net.layers)
    if count > L.MAX_PARAMETERS:
        problems.append(Problem("layers", f"the network would have {count:,} weights and biases; at most "
                                          f"{L.MAX_PARAMETERS:,} are supported"))
    for i, layer in enumerate(net.layers, start=1):
        if layer.activation == "softmax" and layer.size == 1:
            problems.append(Problem(f"layers[{i}].activation", "softmax of a single neuron always outputs 1, so "
                                                               "nothing can be learned"))
    data = exp.data
    arrays = [a for a in (data.inputs, data.targets, data.test_inputs, data.test_targets) if a is not None]
    samples = data.inputs.shape[0] + (0 if data.test_inputs is None else data.test_inputs.shape[0])
    if samples > L.MAX_SAMPLES:
        problems.append(Problem("data", f"{samples:,} samples; at most {L.MAX_SAMPLES:,} are supported"))
    numbers = sum(a.size for a in arrays)
    if numbers > L.MAX_DATA_NUMBERS:
        problems.append(Problem("data", f"{numbers:,} numbers; at most {L.MAX_DATA_NUMBERS:,} are supported"))
    if any(a.size and not np.all(np.abs(a) <= L.MAX_DATA_MAGNITUDE) for a in arrays):
        problems.append(Problem("data", "a value is not finite or larger than 10¹⁵ in magnitude"))
    one_pass = one_pass_problem(samples, sum(net.sizes[1:]))
    if one_pass is not None:
        problems.append(Problem("data", one_pass))
    schedule = exp.schedule
    floor = None if schedule is None or schedule.name != "cosine" else \
        cosine_floor_problem(schedule.min_lr, exp.optimizer.learning_rate)
    if floor is not None:
        problems.append(Problem("schedule.min_lr", floor))
    return problems


def one_pass_problem(samples: int, neurons: int) -> str | None:
    """What is wrong when one pass over ``samples`` through ``neurons`` (after the input) holds too many values."""
    if samples * neurons <= L.MAX_ACTIVATIONS:
        return None
    return (f"{samples:,} samples times the {neurons:,} neurons after the input make {samples * neurons:,} values "
            f"in one pass over the data; at most {L.MAX_ACTIVATIONS:,} are supported")


def cosine_floor_problem(min_lr: float, learning_rate: float) -> str | None:
    """Cosine annealing goes from η down to η_min: an η_min above η would raise the rate instead."""
    if min_lr <= learning_rate:
        return None
    return (f"{min_lr!r} is above the learning rate ({learning_rate!r}): cosine annealing goes from η down to "
            f"η_min, so η_min must be at most η")


def text_problems(exp: Experiment) -> list[Problem]:
    """Every text of the experiment that breaks the rule for text, at its place in the file that would be
    written (``layers[1].labels[0]: …``)."""
    net = exp.network
    texts: list[tuple[str, str, TextKind]] = [("name", exp.name, "name"),
                                              ("description", exp.description, "description")]
    texts += [(f"layers[0].labels[{k}]", label, "label") for k, label in enumerate(net.input_labels)]
    for i, layer in enumerate(net.layers, start=1):
        where = f"layers[{i}]"
        texts += [(f"{where}.labels[{k}]", label, "label") for k, label in enumerate(layer.labels)]
        texts += [(f"{where}.weight_labels[{j}][{k}]", label, "label")
                  for j, row in enumerate(layer.weight_labels) for k, label in enumerate(row)]
        texts += [(f"{where}.bias_labels[{k}]", label, "label") for k, label in enumerate(layer.bias_labels or [])]
        if list(layer.preactivation_labels) != [f"net_{label}" for label in layer.labels]:  # written (not generated)
            texts += [(f"{where}.preactivation_labels[{k}]", label, "label")
                      for k, label in enumerate(layer.preactivation_labels)]
    csv_path = (exp.data_source or {}).get("csv")
    if isinstance(csv_path, str):
        texts.append(("data.csv", csv_path, "path"))
    problems = []
    for where, value, kind in texts:
        problem = text_problem(value, kind) if isinstance(value, str) else f"expected text, got {type(value).__name__}"
        if problem is not None:
            problems.append(Problem(where, f"{quoted(value)} {problem}" if kind == "label" else problem))
    return problems


def saving_problems(exp: Experiment) -> list[Problem]:
    """Everything that stops the experiment from being saved as a file that opens again."""
    return limit_problems(exp) + text_problems(exp)
