"""Random small exercises: a network with numbers that are doable by hand, drawn from a seed.

Weights and inputs have one or two decimals, targets likewise (0 or 1 for binary cross-entropy), η is one of
0.05, 0.1, 0.2, 0.5. The hidden layers share one activation; the output is linear for the squared error and
the logistic for binary cross-entropy. The same seed always gives the same exercise. A draw whose update
would be dull or ill-defined (a ReLU's weighted input of exactly 0, every ReLU of a layer off, a zero output
error) is drawn again from the same generator, so the result still depends on the seed alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine import Walkthrough
from ..engine.experiment import Experiment
from ..engine.trainer import Trainer
from ..files.load import experiment_from_document
from ..files.save import experiment_to_dict
from .questions import ASK_KINDS, Question, questions_of

#: the activations an exercise's hidden layers may have (the logistic is ``sigmoid``)
ACTIVATIONS = ("identity", "sigmoid", "tanh", "relu")
ACTIVATION_ALIASES = {"logistic": "sigmoid", "linear": "identity", "ReLU": "relu"}
LOSSES = ("mse", "bce")
LEARNING_RATES = (0.05, 0.1, 0.2, 0.5)
#: an exercise has from 2 to this many layers (inputs included), each of 1 to MAX_SIZE neurons
MAX_LAYERS = 4
MAX_SIZE = 5
#: draws tried before the last is taken as it is
MAX_DRAWS = 100
SHAPE_USAGE = (f"sizes joined by '-', inputs first, such as 2-2-1 or 3-2-2 (2 to {MAX_LAYERS} numbers, "
               f"each from 1 to {MAX_SIZE})")


@dataclass
class Exercise:
    """A network to practise on, its walkthrough and the questions asked of it (``seed`` None: not drawn)."""

    seed: int | None
    shape: str
    activation: str
    loss: str
    ask: str
    experiment: Experiment
    walkthrough: Walkthrough
    questions: list[Question]

    @property
    def title(self) -> str:
        return self.experiment.name


def parse_shape(shape: str) -> list[int]:
    """``"2-2-1"`` → ``[2, 2, 1]``; ValueError with the usage when it is not a shape an exercise can have."""
    parts = shape.strip().split("-")
    try:
        sizes = [int(p) for p in parts]
    except ValueError:
        raise ValueError(f"bad shape {shape!r}: expected {SHAPE_USAGE}") from None
    if not 2 <= len(sizes) <= MAX_LAYERS or any(not 1 <= s <= MAX_SIZE for s in sizes):
        raise ValueError(f"bad shape {shape!r}: expected {SHAPE_USAGE}")
    return sizes


def activation_name(name: str) -> str:
    """The engine's name of an exercise activation (``logistic`` → ``sigmoid``); ValueError when unknown."""
    name = ACTIVATION_ALIASES.get(name, ACTIVATION_ALIASES.get(name.lower(), name.lower()))
    if name not in ACTIVATIONS:
        raise ValueError(f"bad activation {name!r}: expected one of identity, logistic (sigmoid), tanh, relu")
    return name


def _check(loss: str, ask: str) -> None:
    if loss not in LOSSES:
        raise ValueError(f"bad loss {loss!r}: expected mse or bce")
    if ask not in ASK_KINDS:
        raise ValueError(f"bad question kind {ask!r}: expected one of {', '.join(ASK_KINDS)}")


def _labels(sizes: Sequence[int]) -> tuple[list[list[str]], list[list[list[str]]], list[list[str]]]:
    """Neuron labels (i…, h…, y or y…), weight labels w1, w2, … row by row, bias labels b1, b2, …"""
    hidden = iter(range(1, sum(sizes[1:-1]) + 1))
    neurons = [[f"i{k + 1}" for k in range(sizes[0])]]
    neurons += [[f"h{next(hidden)}" for _ in range(n)] for n in sizes[1:-1]]
    neurons.append(["y"] if sizes[-1] == 1 else [f"y{k + 1}" for k in range(sizes[-1])])
    w = iter(range(1, 10_000))
    b = iter(range(1, 10_000))
    weights = [[[f"w{next(w)}" for _ in range(fan_in)] for _ in range(n)] for fan_in, n in zip(sizes, sizes[1:])]
    biases = [[f"b{next(b)}" for _ in range(n)] for n in sizes[1:]]
    return neurons, weights, biases


def _decimals(rng: np.random.Generator, low: int, high: int, scale: int, shape: tuple[int, ...],
              nonzero: bool = True) -> list[Any]:
    """Numbers k/scale with low ≤ k ≤ high (k ≠ 0 if ``nonzero``), as nested lists of floats."""
    choices = [k for k in range(low, high + 1) if k or not nonzero]
    drawn = rng.choice(choices, size=shape)
    return [round(float(k) / scale, 2) for k in drawn.ravel()] if len(shape) == 1 else \
        [[round(float(k) / scale, 2) for k in row] for row in drawn]


def _document(seed: int, sizes: list[int], activation: str, loss: str, biases: bool,
              rng: np.random.Generator) -> dict[str, Any]:
    neurons, weight_labels, bias_labels = _labels(sizes)
    layers: list[dict[str, Any]] = [{"size": sizes[0], "labels": neurons[0]}]
    for i, (fan_in, n) in enumerate(zip(sizes, sizes[1:])):
        output = i == len(sizes) - 2
        layer: dict[str, Any] = {
            "size": n,
            "activation": ("identity" if loss == "mse" else "sigmoid") if output else activation,
            "bias": biases,
            "labels": neurons[i + 1],
            "weight_labels": weight_labels[i],
            "weights": _decimals(rng, -90, 90, 100, (n, fan_in)),
        }
        if biases:
            layer["bias_labels"] = bias_labels[i]
            layer["biases"] = _decimals(rng, -50, 50, 100, (n,))
        layers.append(layer)
    inputs = _decimals(rng, -20, 30, 10, (1, sizes[0]))
    if loss == "bce":
        targets = [[float(rng.integers(0, 2)) for _ in range(sizes[-1])]]
    else:
        targets = _decimals(rng, -10, 20, 10, (1, sizes[-1]), nonzero=False)
    shape = "-".join(map(str, sizes))
    title = {"sigmoid": "logistic", "identity": "identity", "tanh": "tanh", "relu": "ReLU"}[activation]
    loss_title = "½ squared error" if loss == "mse" else "binary cross-entropy"
    return {
        "format": "backprop-sandbox.network",
        "version": 1,
        "name": f"Exercise {seed}",
        "description": f"A practice network drawn from seed {seed}: shape {shape}, {title} hidden activation, "
                       f"{loss_title}, one update of plain gradient descent on one sample "
                       f"(backprop-sandbox exercise --seed {seed}).",
        "layers": layers,
        "loss": {"name": loss, "reduction": "mean"},
        "optimizer": {"name": "sgd", "learning_rate": float(rng.choice(LEARNING_RATES))},
        "batch": {"mode": "single", "shuffle": False},
        "data": {"inputs": inputs, "targets": targets},
    }


def _acceptable(w: Walkthrough, activation: str) -> bool:
    values = [s.value for s in w.steps]
    if not all(np.isfinite(values)):
        return False
    if activation == "relu":
        for z in w.forward.preactivations[:-1]:
            if np.any(z == 0.0) or not np.any(z > 0.0):
                return False
    output_error = w.backprop.preactivation_grads[-1]
    return bool(np.all(np.abs(output_error) > 1e-3))


def make_exercise(seed: int, shape: str = "2-2-1", activation: str = "identity", loss: str = "mse",
                  ask: str = "all", biases: bool = False) -> Exercise:
    """The exercise of ``seed``: the same arguments always give the same network, numbers and questions."""
    sizes = parse_shape(shape)
    activation = activation_name(activation)
    _check(loss, ask)
    rng = np.random.default_rng([seed, 1_726])  # the second word: a fixed salt, so seed 0 is not numpy's own
    experiment: Experiment | None = None
    walkthrough: Walkthrough | None = None
    for _ in range(MAX_DRAWS):
        doc = _document(seed, sizes, activation, loss, biases, rng)
        experiment = experiment_from_document(doc, source=f"exercise {seed}")
        walkthrough = Trainer(experiment.copy()).walkthrough()
        if _acceptable(walkthrough, activation):
            break
    assert experiment is not None and walkthrough is not None
    return Exercise(seed, "-".join(map(str, sizes)), activation, loss, ask, experiment, walkthrough,
                    questions_of(walkthrough, ask))


def exercise_from(experiment: Experiment, ask: str = "all") -> Exercise:
    """An exercise on a given network (the window's current one): its next update's walkthrough."""
    _check(experiment.loss if experiment.loss in LOSSES else "mse", ask)
    net = experiment.network
    shape = "-".join(str(n) for n in [net.input_size] + [layer.size for layer in net.layers])
    activations = {layer.activation for layer in net.layers[:-1]} or {net.layers[-1].activation}
    walkthrough = Trainer(experiment.copy()).walkthrough()
    return Exercise(None, shape, ", ".join(sorted(activations)), experiment.loss, ask, experiment, walkthrough,
                    questions_of(walkthrough, ask))


def network_document(ex: Exercise) -> dict[str, Any]:
    """The exercise's network as a network file object (as ``sandbox.files.save`` writes it)."""
    return experiment_to_dict(ex.experiment)
