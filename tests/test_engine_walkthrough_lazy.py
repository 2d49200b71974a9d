"""A walkthrough's steps are written on demand: building one writes no text, and any step written alone, in any
order, reads exactly as when every step is written in order."""

from __future__ import annotations

import random
import warnings

import numpy as np
import pytest

from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec, Regularization, Trainer
from sandbox.engine.walkthrough import Step, StepText, Terms, Walkthrough

from conftest import lecture_experiment

CASES = {
    # activation of the hidden layers, output activation, loss, optimizer, batching, sizes
    "lecture": ("identity", "identity", "mse", OptimizerSpec("sgd", 0.05), Batching("single"), [2, 2, 1]),
    "deep column": ("sigmoid", "sigmoid", "bce", OptimizerSpec("sgd", 0.1, {"momentum": 0.9}), Batching("single"),
                    [2, 1, 1, 1, 1, 1, 1]),
    "wide tanh batch": ("tanh", "identity", "mse", OptimizerSpec("adam", 0.01), Batching("full"), [40, 35, 3, 1]),
    "softmax": ("relu", "softmax", "cross_entropy", OptimizerSpec("rmsprop", 0.01), Batching("minibatch", 3),
                [3, 4, 3]),
}


def walkthrough(case: str) -> Walkthrough:
    hidden, output, loss, optimizer, batching, sizes = CASES[case]
    rng = np.random.default_rng(len(case))
    layers = [Layer(rng.normal(0, 1, (b, a)), activation=output if i == len(sizes) - 2 else hidden,
                    biases=rng.normal(0, 1, b) if i % 2 == 0 else None)
              for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]))]
    x = rng.normal(size=(7, sizes[0]))
    t = np.eye(sizes[-1])[rng.integers(0, sizes[-1], 7)] if loss != "mse" else rng.normal(size=(7, sizes[-1]))
    exp = Experiment(Network(sizes[0], layers), Dataset(x, t), loss=loss, optimizer=optimizer, batching=batching,
                     regularization=Regularization("l2", 0.01))
    return Trainer(exp).walkthrough(0, 1 if batching.mode != "single" else 0)


def texts(steps: list[Step]) -> list[tuple[StepText, Terms]]:
    return [(s.text, s.terms) for s in steps]


@pytest.mark.parametrize("case", CASES)
def test_building_writes_no_text(case: str) -> None:
    w = walkthrough(case)
    assert w.steps
    assert not any("text" in vars(s) or "terms" in vars(s) for s in w.steps)  # cached_property: once asked for
    first = w.steps[0]
    assert first.terms  # a weighted sum's terms (the network view animates them) write no formula
    assert "text" not in vars(first)
    assert first.formula
    assert "text" in vars(first)
    assert not any("text" in vars(s) for s in w.steps[1:])


@pytest.mark.parametrize("case", CASES)
def test_any_order_gives_the_same_text(case: str) -> None:
    in_order = texts(walkthrough(case).steps)
    reversed_steps = walkthrough(case).steps
    assert texts(reversed_steps[::-1])[::-1] == in_order
    shuffled = walkthrough(case).steps
    order = list(range(len(shuffled)))
    random.Random(0).shuffle(order)
    by_index = {i: (shuffled[i].text, shuffled[i].terms) for i in order}
    assert [by_index[i] for i in range(len(shuffled))] == in_order
    for i in (len(in_order) - 1, len(in_order) // 2):  # one step alone, in a walkthrough of its own
        alone = walkthrough(case).steps[i]
        assert (alone.text, alone.terms) == in_order[i]


def test_equality_and_dict_use_the_text() -> None:
    a, b = Trainer(lecture_experiment()).walkthrough().steps, Trainer(lecture_experiment()).walkthrough().steps
    assert a == b
    assert [s.to_dict() for s in a] == [s.to_dict() for s in b]
    assert len({*a, *b}) == len(a)
    other = walkthrough("softmax").steps
    assert a[0] != other[0]
    w5 = next(s for s in a if s.target == "w5" and s.phase == "update")
    assert w5.to_dict()["formula"] == "; ".join(w5.lines)
    assert w5.to_dict()["old"] == 0.14


def test_writing_a_diverging_update_warns_of_nothing() -> None:
    """Texts are written after the numbers, outside the trainer's errstate: inf and NaN still write quietly."""
    net = Network(2, [Layer([[1e200, -1e200], [1e300, 1e300]], "tanh", [0.0, 1.0]),
                      Layer([[1e300, -1e300]], "identity")])
    exp = Experiment(net, Dataset([[1e150, 2.0], [3.0, -1e150]], [[1.0], [-1.0]]), batching=Batching("full"),
                     regularization=Regularization("l2", 1e10))
    w = Trainer(exp).walkthrough(sample=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        written = [(s.text, s.terms) for s in w.steps]
    assert any("∞" in text.formula or "NaN" in text.formula for text, _ in written)
