"""How the walkthrough writes numbers and samples: a negative number after an operator is in parentheses
("2.077424 − (−0.978)", never "− −"), samples of a batch are counted from 1 as people count, and the loss of
several outputs is written as what ``Loss.per_sample`` computes (½Σₖ for squared error)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from sandbox.engine import (
    Batching,
    Dataset,
    Experiment,
    Layer,
    Network,
    OptimizerSpec,
    Regularization,
    Trainer,
)
from sandbox.engine.walkthrough import Walkthrough

#: an operator followed by a negative number without parentheses: "− −0.9", "+ −2", "·−3", "/−1"
BARE_NEGATIVE = re.compile(r"[−+·/] ?−\d")


def experiment(loss: str, output: str, n_out: int, batching: str, seed: int = 0,
               regularization: Regularization | None = None, optimizer: str = "sgd") -> Experiment:
    rng = np.random.default_rng(seed)
    net = Network(2, [Layer(rng.normal(size=(3, 2)), "tanh", rng.normal(size=3)),
                      Layer(rng.normal(size=(n_out, 3)), output, rng.normal(size=n_out))])
    x = rng.normal(size=(4, 2))
    if loss == "mse":
        t = -rng.uniform(0.1, 2.0, size=(4, n_out))  # negative targets
    elif loss == "bce":
        t = rng.integers(0, 2, size=(4, n_out)).astype(float)
    else:
        t = np.eye(n_out)[rng.integers(0, n_out, 4)]
    return Experiment(net, Dataset(x, t), loss=loss, batching=Batching(batching),
                      optimizer=OptimizerSpec(optimizer, 0.1), regularization=regularization or Regularization())


def texts(w: Walkthrough) -> list[str]:
    return [text for s in w.steps for text in (s.formula, s.symbolic, *s.lines)]


@pytest.mark.parametrize("loss, output, n_out", [("mse", "identity", 1), ("mse", "identity", 3), ("mse", "tanh", 2),
                                                 ("bce", "sigmoid", 2), ("cross_entropy", "softmax", 3)])
@pytest.mark.parametrize("batching", ["single", "full"])
@pytest.mark.parametrize("regularization", [None, Regularization("l1", 0.01)])
def test_no_operator_is_followed_by_a_bare_negative_number(loss: str, output: str, n_out: int, batching: str,
                                                           regularization: Regularization | None) -> None:
    for seed in range(3):
        w = Trainer(experiment(loss, output, n_out, batching, seed, regularization)).walkthrough(sample=0)
        bad = [text for text in texts(w) if BARE_NEGATIVE.search(text)]
        assert not bad


def test_a_negative_target_is_in_parentheses() -> None:
    net = Network(1, [Layer([[1.0]], biases=[1.077424])])
    w = Trainer(Experiment(net, Dataset([[1.0]], [[-0.978]]), optimizer=OptimizerSpec("sgd", 0.1))).walkthrough()
    loss = next(s for s in w.steps if s.kind == "loss")
    assert loss.formula == "E = ½(y − y*)² = ½(2.077424 − (−0.978))² = 4.667808"
    dy = next(s for s in w.steps if s.kind == "output_gradient")
    assert dy.formula == "∂E/∂y = Δ = y − y* = 2.077424 − (−0.978) = 3.055424"


def test_samples_of_a_batch_are_counted_from_1() -> None:
    w = Trainer(experiment("mse", "identity", 1, "full")).walkthrough(sample=0)
    loss = next(s for s in w.steps if s.kind == "loss")
    assert loss.formula.startswith("E_1 = ½(y − y*)² = ")
    assert next(s for s in w.steps if s.kind == "preactivation").formula.endswith(" (sample 1)")
    gradient = next(s for s in w.steps if s.kind == "weight_gradient")
    assert "; sample 1: " in gradient.formula
    third = Trainer(experiment("mse", "identity", 1, "full")).walkthrough(sample=2)
    assert next(s for s in third.steps if s.kind == "loss").formula.startswith("E_3 = ")
    assert "; sample 3: " in next(s for s in third.steps if s.kind == "weight_gradient").formula
    assert not any("(sample 0)" in text or "sample 0:" in text for text in texts(w) + texts(third))


def test_squared_error_of_several_outputs_is_half_the_sum() -> None:
    w = Trainer(experiment("mse", "identity", 2, "single")).walkthrough()
    loss = next(s for s in w.steps if s.kind == "loss")
    y, t = w.outputs[0], w.targets[0]
    assert loss.symbolic == "E = ½Σₖ(yₖ − yₖ*)²"
    assert loss.formula.startswith("E = ½Σₖ(yₖ − yₖ*)² = ½[(y1 − y1*)² + (y2 − y2*)²] = ½[(")
    assert loss.value == pytest.approx(0.5 * np.sum((y - t) ** 2), rel=1e-15)  # what per_sample computes


def test_cross_entropies_of_several_outputs_are_written_as_sums() -> None:
    w = Trainer(experiment("bce", "sigmoid", 2, "single")).walkthrough()
    loss = next(s for s in w.steps if s.kind == "loss")
    assert loss.symbolic == "E = Σₖ[−yₖ* log(yₖ) − (1 − yₖ*) log(1 − yₖ)]"
    assert "] + [" in loss.formula and "+ −" not in loss.formula
    w = Trainer(experiment("cross_entropy", "softmax", 3, "single")).walkthrough()
    loss = next(s for s in w.steps if s.kind == "loss")
    assert loss.formula.startswith("E = −Σₖ yₖ* log(yₖ) = −(y1* log(y1) + y2* log(y2) + y3* log(y3)) = −(")


def test_softmax_targets_that_do_not_sum_to_1_are_not_delta() -> None:
    """softmax with cross-entropy gives ∂E/∂z = y·Σₖyₖ* − y*: Δ = y − y* only for targets summing to 1."""
    net = Network(2, [Layer([[0.1, 0.2], [0.3, -0.4]], "softmax")])
    exp = Experiment(net, Dataset([[1.0, 2.0]], [[0.5, 0.2]]), loss="cross_entropy")
    w = Trainer(exp).walkthrough()
    dz = next(s for s in w.steps if s.kind == "preactivation_gradient")
    assert "Δ" not in dz.formula and "Δ" not in "".join(texts(w))
    y = w.outputs[0]
    assert dz.value == pytest.approx(y[0] * 0.7 - 0.5, rel=1e-14)
