"""The lecture's second example: two sigmoid hidden units, a sigmoid output, binary cross-entropy.

Every derivative the lecture writes is computed here by hand from the forward values and
compared, term by term, with the walkthrough's steps and with the backward pass's arrays.
"""

import math

import pytest

from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec, Trainer
from sandbox.engine.numbers import fmt

X = (0.5, -1.0)
ALPHA = [[0.1, -0.2], [0.4, 0.3]]
BETA = [0.7, -0.5]
ETA = 0.1


def sigmoid_experiment(target: float) -> Experiment:
    net = Network(
        2,
        [
            Layer(ALPHA, "sigmoid", labels=["z1", "z2"], preactivation_labels=["a1", "a2"],
                  weight_labels=[["α11", "α12"], ["α21", "α22"]]),
            Layer([BETA], "sigmoid", labels=["y"], preactivation_labels=["b"], weight_labels=[["β1", "β2"]]),
        ],
        ["x1", "x2"],
    )
    return Experiment(net, Dataset([list(X)], [[target]]), name="Lecture 17: sigmoid example", loss="bce",
                      optimizer=OptimizerSpec("sgd", ETA), batching=Batching("single"))


def s(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


def by_hand(target: float) -> dict[str, float]:
    """The lecture's forward and backward pass, written out in plain Python."""
    x1, x2 = X
    h = {}
    h["a1"] = ALPHA[0][0] * x1 + ALPHA[0][1] * x2
    h["a2"] = ALPHA[1][0] * x1 + ALPHA[1][1] * x2
    h["z1"], h["z2"] = s(h["a1"]), s(h["a2"])
    h["b"] = BETA[0] * h["z1"] + BETA[1] * h["z2"]
    y = h["y"] = s(h["b"])
    h["L"] = -target * math.log(y) - (1 - target) * math.log(1 - y)
    h["dL/dy"] = -target / y + (1 - target) / (1 - y)
    h["dL/db"] = h["dL/dy"] * y * (1 - y)
    for i in (1, 2):
        h[f"dL/dβ{i}"] = h["dL/db"] * h[f"z{i}"]
        h[f"dL/dz{i}"] = h["dL/db"] * BETA[i - 1]
    for j in (1, 2):
        z = h[f"z{j}"]
        h[f"dL/da{j}"] = h[f"dL/dz{j}"] * z * (1 - z)
        for k in (1, 2):
            h[f"dL/dα{j}{k}"] = h[f"dL/da{j}"] * X[k - 1]
    return h


def step_value(w, phase: str, target: str) -> float:
    matches = [st for st in w.steps if st.phase == phase and st.target == target]
    assert len(matches) == 1, (phase, target, [st.target for st in w.steps])
    return matches[0].value


@pytest.mark.parametrize("target", [1.0, 0.0])
def test_forward_values_and_loss(target):
    h = by_hand(target)
    w = Trainer(sigmoid_experiment(target)).walkthrough()
    for name in ("a1", "a2", "z1", "z2", "b", "y"):
        assert step_value(w, "forward", name) == pytest.approx(h[name], rel=1e-15, abs=1e-16)
    assert w.forward.preactivations[0][0].tolist() == pytest.approx([h["a1"], h["a2"]], rel=1e-15)
    assert w.forward.outputs[1][0].tolist() == pytest.approx([h["z1"], h["z2"]], rel=1e-15)
    assert w.forward.preactivations[1][0, 0] == pytest.approx(h["b"], rel=1e-15)
    assert w.outputs[0, 0] == pytest.approx(h["y"], rel=1e-15)
    assert w.loss == pytest.approx(h["L"], rel=1e-14)
    assert step_value(w, "loss", "E") == pytest.approx(h["L"], rel=1e-14)


@pytest.mark.parametrize("target", [1.0, 0.0])
def test_every_derivative_of_the_lecture_term_by_term(target):
    h = by_hand(target)
    w = Trainer(sigmoid_experiment(target)).walkthrough()
    bp = w.backprop
    tight = {"rel": 1e-13, "abs": 1e-16}
    # ∂L/∂y = −y*/y + (1 − y*)/(1 − y)
    assert step_value(w, "backward", "y") == pytest.approx(h["dL/dy"], **tight)
    assert bp.output_grads[1][0, 0] == pytest.approx(h["dL/dy"], **tight)
    # ∂L/∂b = ∂L/∂y · y(1 − y)
    assert step_value(w, "backward", "b") == pytest.approx(h["dL/db"], **tight)
    assert bp.preactivation_grads[1][0, 0] == pytest.approx(h["dL/db"], **tight)
    for i in (1, 2):
        # ∂L/∂βi = ∂L/∂b · zi
        assert step_value(w, "backward", f"β{i}") == pytest.approx(h[f"dL/dβ{i}"], **tight)
        assert bp.weight_grads[1][0, i - 1] == pytest.approx(h[f"dL/dβ{i}"], **tight)
        # ∂L/∂zi = ∂L/∂b · βi
        assert step_value(w, "backward", f"z{i}") == pytest.approx(h[f"dL/dz{i}"], **tight)
        assert bp.output_grads[0][0, i - 1] == pytest.approx(h[f"dL/dz{i}"], **tight)
    for j in (1, 2):
        # ∂L/∂aj = ∂L/∂zj · zj(1 − zj)
        assert step_value(w, "backward", f"a{j}") == pytest.approx(h[f"dL/da{j}"], **tight)
        assert bp.preactivation_grads[0][0, j - 1] == pytest.approx(h[f"dL/da{j}"], **tight)
        for k in (1, 2):
            # ∂L/∂αjk = ∂L/∂aj · xk
            assert step_value(w, "backward", f"α{j}{k}") == pytest.approx(h[f"dL/dα{j}{k}"], **tight)
            assert bp.weight_grads[0][j - 1, k - 1] == pytest.approx(h[f"dL/dα{j}{k}"], **tight)
    assert w.by_label() == pytest.approx({f"α{j}{k}": h[f"dL/dα{j}{k}"] for j in (1, 2) for k in (1, 2)}
                                         | {"β1": h["dL/dβ1"], "β2": h["dL/dβ2"]}, **tight)


def test_the_derivatives_are_written_with_the_lecture_s_symbols():
    w = Trainer(sigmoid_experiment(1.0)).walkthrough()
    formulas = {st.target: st.formula for st in w.steps if st.phase == "backward"}
    assert formulas["y"].startswith("∂E/∂y = (−y*/y + (1 − y*)/(1 − y))")
    # sigmoid with cross-entropy: ∂E/∂b is the lecture's Δ = y − y*, and the chain goes on from ∂E/∂b
    assert formulas["b"].startswith("∂E/∂b = ∂E/∂y · ∂y/∂b = (−y*/y + (1 − y*)/(1 − y)) · y(1 − y) = Δ = y − y* = ")
    assert formulas["β1"].startswith("∂E/∂β1 = ∂E/∂b · ∂b/∂β1 = Δ · z1 = ")
    assert formulas["z2"].startswith("∂E/∂z2 = ∂E/∂b · ∂b/∂z2 = Δ · β2 = ")
    assert "z1(1 − z1)" in formulas["a1"]
    assert " · x2 = " in formulas["α12"]
    h = by_hand(1.0)
    # the numbers in each formula are the hand-computed ones
    assert formulas["β1"].endswith(f"({fmt(h['z1'])}) = {fmt(h['dL/dβ1'])}")
    assert formulas["α12"].endswith(f"({fmt(h['z1'] * (1 - h['z1']))})(−1) = {fmt(h['dL/dα12'])}")
    assert formulas["y"].endswith(f" = {fmt(h['dL/dy'])}")


def test_the_update_and_the_new_loss():
    h = by_hand(1.0)
    trainer = Trainer(sigmoid_experiment(1.0))
    w = trainer.walkthrough()
    updates = {st.target: st for st in w.steps if st.phase == "update"}
    old = {"α11": ALPHA[0][0], "α12": ALPHA[0][1], "α21": ALPHA[1][0], "α22": ALPHA[1][1],
           "β1": BETA[0], "β2": BETA[1]}
    for label, value in old.items():
        assert updates[label].old == value
        assert updates[label].value == pytest.approx(value - ETA * h[f"dL/d{label}"], rel=1e-15, abs=1e-17)
    trainer.apply(w)
    assert trainer.network.layers[1].weights[0].tolist() == pytest.approx(
        [BETA[0] - ETA * h["dL/dβ1"], BETA[1] - ETA * h["dL/dβ2"]], rel=1e-15)
    assert w.loss_after < w.loss  # one step of gradient descent lowers the loss here
    new_h = trainer.network.forward([list(X)])
    assert w.outputs_after[0, 0] == new_h.prediction[0, 0]


def test_activation_formulas_write_a_negative_argument_once_in_parentheses():
    w = Trainer(sigmoid_experiment(1.0)).walkthrough()
    z2 = next(st for st in w.steps if st.phase == "forward" and st.target == "z2")
    assert z2.formula == f"z2 = σ(a2) = σ(−0.1) = {fmt(s(-0.1))}"
