"""A walkthrough's texts are written when first asked for, possibly long after ``Trainer.apply`` changed the
trainer's weights in place (the window shows a step's formula after Finish Update, or on Step Back): they are
written from the walkthrough's own copies, so they read the numbers of before the update, whenever asked."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec, Regularization, Trainer
from sandbox.engine.walkthrough import Step

from conftest import lecture_experiment

CASES = {
    "lecture": None,
    "sigmoid momentum l2 batch": ("sigmoid", "sigmoid", "bce", OptimizerSpec("sgd", 0.5, {"momentum": 0.9}),
                                  Batching("full"), Regularization("l2", 0.1)),
    "tanh adam single": ("tanh", "identity", "mse", OptimizerSpec("adam", 0.1), Batching("single"),
                         Regularization("l1", 0.05)),
}


def trainer(case: str) -> Trainer:
    spec = CASES[case]
    if spec is None:
        return Trainer(lecture_experiment())
    hidden, output, loss, optimizer, batching, reg = spec
    rng = np.random.default_rng(3)
    layers = [Layer(rng.normal(0, 1, (3, 2)), hidden, rng.normal(0, 1, 3)),
              Layer(rng.normal(0, 1, (1, 3)), output, rng.normal(0, 1, 1))]
    x = rng.normal(size=(4, 2))
    t = rng.integers(0, 2, (4, 1)).astype(float)
    exp = Experiment(Network(2, layers), Dataset(x, t), loss=loss, optimizer=optimizer, batching=batching,
                     regularization=reg)
    return Trainer(exp)


def written(steps: list[Step]) -> list[tuple[object, object]]:
    return [(s.text, s.terms) for s in steps]


@pytest.mark.parametrize("case", CASES)
def test_texts_read_after_apply_are_those_of_before_the_update(case: str) -> None:
    expected = written(trainer(case).walkthrough().steps)  # every text written before anything changed
    t = trainer(case)
    w = t.walkthrough()
    weights = [layer.weights.copy() for layer in t.network.layers]
    t.apply(w)
    for _ in range(3):
        t.step()
    assert not all(np.array_equal(a, layer.weights) for a, layer in zip(weights, t.network.layers))
    assert written(w.steps) == expected


def test_the_lecture_s_first_formula_after_apply() -> None:
    t = trainer("lecture")
    w = t.walkthrough()
    t.apply(w)
    assert t.network.layers[1].weights[0, 0] == pytest.approx(0.1743825)
    assert w.steps[0].formula == "h1 = i1·w1 + i2·w2 = 2·0.11 + 3·0.21 = 0.85"
    assert w.steps[0].terms == (("w1", 0.22), ("w2", 0.63))


@pytest.mark.parametrize("how", [copy.deepcopy, lambda w: pickle.loads(pickle.dumps(w))])
def test_a_copied_walkthrough_writes_the_same_texts(how) -> None:
    expected = written(trainer("sigmoid momentum l2 batch").walkthrough().steps)
    assert written(how(trainer("sigmoid momentum l2 batch").walkthrough()).steps) == expected
