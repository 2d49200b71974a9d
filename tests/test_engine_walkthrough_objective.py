"""With regularization the walkthrough writes what the update minimises, E = L + λR(θ) with R(θ) = ½Σw² (L2) or
Σ|w| (L1) of the weights before the update: the lecture network's numbers by hand, and the gradients' + λ·w agree
with central differences of that E."""

from __future__ import annotations

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
    get_loss,
)
from sandbox.engine.walkthrough import Step, Walkthrough

from conftest import lecture_experiment

#: the lecture's weights w1 … w6
WEIGHTS = [0.11, 0.21, 0.12, 0.08, 0.14, 0.15]


def loss_step(w: Walkthrough) -> Step:
    return next(s for s in w.steps if s.kind == "loss")


def lecture(kind: str, strength: float, batching: str = "single") -> Walkthrough:
    exp = lecture_experiment()
    exp.regularization = Regularization(kind, strength)
    if batching != "single":
        exp.data = Dataset([[2.0, 3.0], [1.0, -1.0]], [[1.0], [-0.978]])
        exp.batching = Batching(batching)
    return Trainer(exp).walkthrough()


def test_l2_the_lecture_s_objective() -> None:
    w = lecture("l2", 0.1)
    r = 0.5 * sum(x * x for x in WEIGHTS)  # ½Σw² = ½ · 0.1191
    assert r == pytest.approx(0.05955, abs=1e-15)
    assert w.penalty == pytest.approx(0.1 * r, abs=1e-15)
    assert w.loss == pytest.approx(0.5 * 0.809 ** 2, abs=1e-15)  # the data loss L, as before
    assert w.objective == w.loss + w.penalty
    step = loss_step(w)
    assert step.value == w.objective  # the step's E is the objective
    assert step.symbolic == "E = L + λR(θ) = ½(y − y*)² + λ·½Σw²"
    assert step.formula == ("E = L + λR(θ) = ½(y − y*)² + λ·½Σw² = ½(0.191 − 1)² + 0.1·0.05955 = "
                            "0.3272405 + 0.005955 = 0.3331955")


def test_l1_the_lecture_s_objective() -> None:
    w = lecture("l1", 0.1)
    assert w.penalty == pytest.approx(0.1 * sum(WEIGHTS), abs=1e-15)
    assert loss_step(w).formula == ("E = L + λR(θ) = ½(y − y*)² + λ·Σ|w| = ½(0.191 − 1)² + 0.1·0.81 = "
                                    "0.3272405 + 0.081 = 0.4082405")


def test_a_batch_writes_the_data_loss_then_the_objective() -> None:
    w = lecture("l2", 0.01, "full")
    step = loss_step(w)
    assert step.symbolic == "E = L + λR(θ) = (1/2) Σₛ Lₛ + λ·½Σw²"
    parts = step.formula.split("; ")
    assert parts[0].startswith("L_") and parts[0].endswith(" = 0.3272405")
    assert parts[1] == f"L = (1/2) Σₛ Lₛ = {w.loss:.7g}"
    assert parts[2].startswith("E = L + λR(θ) = (1/2) Σₛ Lₛ + λ·½Σw² = ")
    assert parts[2].endswith(f" + 0.0005955 = {w.objective:.7g}")


def test_without_regularization_nothing_changes() -> None:
    w = Trainer(lecture_experiment()).walkthrough()
    assert w.penalty == 0.0 and w.objective == w.loss
    assert loss_step(w).formula == "E = ½(y − y*)² = ½(0.191 − 1)² = 0.3272405"
    assert loss_step(w).value == w.loss


@pytest.mark.parametrize("kind", ["l1", "l2"])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_the_gradient_is_the_objective_s(kind: str, reduction: str) -> None:
    """∂E/∂w with its + λ·w (or λ·sign(w)) is the central difference of E = L + λR(θ), and ∂E/∂b has none."""
    rng = np.random.default_rng(7)
    net = Network(3, [Layer(rng.normal(size=(4, 3)), "tanh", rng.normal(size=4)),
                      Layer(rng.normal(size=(2, 4)), "identity", rng.normal(size=2))])
    x, t = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    reg = Regularization(kind, 0.03)
    exp = Experiment(net, Dataset(x, t), optimizer=OptimizerSpec("sgd", 0.1), regularization=reg,
                     reduction=reduction, batching=Batching("full"))
    w = Trainer(exp).walkthrough()
    loss = get_loss("mse")

    def objective(n: Network) -> float:
        return n.loss(x, t, loss, reduction) + reg.penalty([layer.weights for layer in n.layers])

    assert w.objective == pytest.approx(objective(net), rel=1e-15)
    h = 1e-6
    for label, (layer, where, is_bias) in {"w1_2_3": (0, (1, 2), False), "w2_1_4": (1, (0, 3), False),
                                           "b_h1_3": (0, (2,), True)}.items():
        values = []
        for sign in (1, -1):
            n = net.copy()
            array = n.layers[layer].biases if is_bias else n.layers[layer].weights
            array[where] += sign * h
            values.append(objective(n))
        numeric = (values[0] - values[1]) / (2 * h)
        step = next(s for s in w.steps if s.phase == "backward" and s.target == label)
        assert step.value == pytest.approx(numeric, rel=1e-6, abs=1e-9)
        assert ("λ" in step.formula) != is_bias
