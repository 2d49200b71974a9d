"""The lecture's Δ = y − y* in the walkthrough: the output error named, every gradient built on it written with it,
and plain SGD's update on one sample written as the slide's product η·…·Δ (its −0.034, −0.019, −0.011, −0.017,
−0.012, −0.018)."""

from __future__ import annotations

import numpy as np
import pytest

from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec, Regularization, Trainer
from sandbox.engine.walkthrough import Step, Walkthrough
from sandbox.files import load_experiment
from sandbox.gui.common.icons import resource_file

from conftest import lecture_experiment


def step(w: Walkthrough, phase: str, target: str) -> Step:
    return next(s for s in w.steps if s.phase == phase and s.target == target)


def test_the_lecture_s_delta() -> None:
    w = Trainer(lecture_experiment()).walkthrough()
    dy = step(w, "backward", "y")
    assert dy.formula == "∂E/∂y = Δ = y − y* = 0.191 − 1 = −0.809"
    assert dy.symbolic == "∂E/∂y = Δ"
    assert dy.value == pytest.approx(-0.809, abs=1e-15)
    assert w.delta().tolist() == pytest.approx([-0.809], abs=1e-15)


def test_every_gradient_of_the_lecture_is_written_with_delta() -> None:
    w = Trainer(lecture_experiment()).walkthrough()
    expected = {
        "w5": "∂E/∂w5 = ∂E/∂y · ∂y/∂w5 = Δ · h1 = (−0.809)(0.85) = −0.68765",
        "w6": "∂E/∂w6 = ∂E/∂y · ∂y/∂w6 = Δ · h2 = (−0.809)(0.48) = −0.38832",
        "h1": "∂E/∂h1 = ∂E/∂y · ∂y/∂h1 = Δ · w5 = (−0.809)(0.14) = −0.11326",
        "h2": "∂E/∂h2 = ∂E/∂y · ∂y/∂h2 = Δ · w6 = (−0.809)(0.15) = −0.12135",
        "w1": "∂E/∂w1 = ∂E/∂y · ∂y/∂h1 · ∂h1/∂w1 = Δ · w5 · i1 = (−0.809)(0.14)(2) = −0.22652",
        "w2": "∂E/∂w2 = ∂E/∂y · ∂y/∂h1 · ∂h1/∂w2 = Δ · w5 · i2 = (−0.809)(0.14)(3) = −0.33978",
        "w3": "∂E/∂w3 = ∂E/∂y · ∂y/∂h2 · ∂h2/∂w3 = Δ · w6 · i1 = (−0.809)(0.15)(2) = −0.2427",
        "w4": "∂E/∂w4 = ∂E/∂y · ∂y/∂h2 · ∂h2/∂w4 = Δ · w6 · i2 = (−0.809)(0.15)(3) = −0.36405",
    }
    assert {label: step(w, "backward", label).formula for label in expected} == expected


#: the lecture's update slide: each weight's η·(its factors)·Δ, to the slide's three decimals
SLIDE = {"w5": -0.034, "w6": -0.019, "w1": -0.011, "w3": -0.012, "w2": -0.017, "w4": -0.018}


def test_the_updates_are_the_slide_s_products() -> None:
    w = Trainer(lecture_experiment()).walkthrough()
    lines = {label: step(w, "update", label).formula for label in SLIDE}
    assert lines == {
        "w5": "w5 ← w5 − η·h1·Δ = 0.14 − 0.05·0.85·(−0.809) = 0.14 + 0.0343825 = 0.1743825",
        "w6": "w6 ← w6 − η·h2·Δ = 0.15 − 0.05·0.48·(−0.809) = 0.15 + 0.019416 = 0.169416",
        "w1": "w1 ← w1 − η·i1·w5·Δ = 0.11 − 0.05·2·0.14·(−0.809) = 0.11 + 0.011326 = 0.121326",
        "w2": "w2 ← w2 − η·i2·w5·Δ = 0.21 − 0.05·3·0.14·(−0.809) = 0.21 + 0.016989 = 0.226989",
        "w3": "w3 ← w3 − η·i1·w6·Δ = 0.12 − 0.05·2·0.15·(−0.809) = 0.12 + 0.012135 = 0.132135",
        "w4": "w4 ← w4 − η·i2·w6·Δ = 0.08 − 0.05·3·0.15·(−0.809) = 0.08 + 0.0182025 = 0.0982025",
    }
    assert step(w, "update", "w5").symbolic == "w5 ← w5 − η·h1·Δ"
    assert step(w, "update", "w5").lines == (lines["w5"],)
    values = w.values()
    delta = float(w.delta()[0])
    factors = {"w5": values["h1"], "w6": values["h2"], "w1": values["i1"] * 0.14, "w2": values["i2"] * 0.14,
               "w3": values["i1"] * 0.15, "w4": values["i2"] * 0.15}
    for label, slide in SLIDE.items():
        s = step(w, "update", label)
        product = w.learning_rate * factors[label] * delta  # η·…·Δ as the slide multiplies it
        assert round(product, 3) == slide
        assert s.old - s.value == pytest.approx(product, abs=1e-15)  # θ ← θ − η·…·Δ
        printed = s.formula.split(" = ")[1].split(" − ", 1)[1]  # "0.05·0.85·(−0.809)"
        assert float(np.prod([float(f.strip("()").replace("−", "-")) for f in printed.split("·")])) == \
            pytest.approx(product, abs=1e-15)


def test_the_logistic_lecture_s_delta_is_the_gradient_of_the_weighted_sum() -> None:
    w = Trainer(load_experiment(resource_file("networks", "lecture17-logistic.json"))).walkthrough()
    db = step(w, "backward", "b")
    y = w.values()["y"]
    assert db.formula == ("∂E/∂b = ∂E/∂y · ∂y/∂b = (−y*/y + (1 − y*)/(1 − y)) · y(1 − y) = Δ = y − y* = "
                          "0.5128521 − 1 = −0.4871479")
    assert db.value == pytest.approx(y - 1.0, abs=1e-15)
    assert step(w, "backward", "β1").formula == \
        "∂E/∂β1 = ∂E/∂b · ∂b/∂β1 = Δ · z1 = (−0.4871479)(0.5866176) = −0.2857695"
    assert step(w, "update", "β1").formula == \
        "β1 ← β1 − η·z1·Δ = 0.7 − 0.5·0.5866176·(−0.4871479) = 0.7 + 0.1428848 = 0.8428848"
    assert step(w, "update", "α11").formula.startswith("α11 ← α11 − η·x1·z1(1 − z1)·β1·Δ = 0.5 − 0.5·1·0.2424974·0.7·")


def two_outputs(loss: str, output: str, optimizer: OptimizerSpec | None = None, batching: str = "single",
                regularization: Regularization | None = None) -> Walkthrough:
    net = Network(2, [Layer([[0.1, 0.2], [0.3, -0.4]], activation="identity", biases=[0.0, 0.1]),
                      Layer([[0.5, -0.6], [0.7, 0.2]], activation=output, biases=[0.05, -0.05])])
    targets = [[1.0, 0.0], [0.0, 1.0]] if loss != "mse" else [[0.5, -0.978], [1.0, 2.0]]
    exp = Experiment(net, Dataset([[1.0, 2.0], [0.5, -1.0]], targets), loss=loss,
                     optimizer=optimizer or OptimizerSpec("sgd", 0.1), batching=Batching(batching),
                     regularization=regularization or Regularization())
    return Trainer(exp).walkthrough()


def test_several_outputs_name_one_delta_each() -> None:
    w = two_outputs("mse", "identity")
    y, t = w.values(), w.targets[0]
    for j, label in enumerate(("y1", "y2")):
        s = step(w, "backward", label)
        assert s.formula.startswith(f"∂E/∂{label} = Δ_{label} = {label} − {label}* = ")
        assert s.value == pytest.approx(y[label] - t[j], abs=1e-15)
    assert "= Δ_y2 · h1_1 = " in step(w, "backward", "w2_2_1").formula
    assert step(w, "update", "w2_2_1").formula.startswith("w2_2_1 ← w2_2_1 − η·h1_1·Δ_y2 = ")
    assert step(w, "update", "b_y1").formula.startswith("b_y1 ← b_y1 − η·Δ_y1 = ")


def test_softmax_with_cross_entropy_names_delta_at_the_weighted_sum() -> None:
    w = two_outputs("cross_entropy", "softmax")
    y = w.values()
    s = step(w, "backward", "net_y1")
    assert s.formula.startswith(f"∂E/∂net_y1 = Δ_y1 = y1 − y1* = {y['y1']:.7g} − 1 = ")
    assert s.formula.endswith("(softmax and cross-entropy combined)")
    assert s.value == pytest.approx(y["y1"] - 1.0, abs=1e-15)
    assert step(w, "update", "w2_1_1").formula.startswith("w2_1_1 ← w2_1_1 − η·h1_1·Δ_y1 = ")


@pytest.mark.parametrize("kwargs", [
    {"optimizer": OptimizerSpec("sgd", 0.1, {"momentum": 0.9})},
    {"optimizer": OptimizerSpec("adam", 0.01)},
    {"batching": "full"},
])
def test_other_updates_keep_the_optimizer_s_formula(kwargs: dict) -> None:
    w = two_outputs("mse", "identity", **kwargs)
    for s in w.steps_of("update"):
        assert "←" not in s.formula
        assert "Δ" not in s.formula


def test_a_regularized_weight_keeps_the_gradient_and_a_bias_the_product() -> None:
    w = two_outputs("mse", "identity", regularization=Regularization("l2", 0.01))
    assert step(w, "update", "w2_1_1").formula.startswith("w2_1_1 = w2_1_1 − η · ∂E/∂w2_1_1 = ")
    assert step(w, "update", "b_y1").formula.startswith("b_y1 ← b_y1 − η·Δ_y1 = ")
