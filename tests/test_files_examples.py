"""Every shipped example loads, validates, saves back to its own bytes, and does what its description says."""

import json
from pathlib import Path

import numpy as np
import pytest

from sandbox.engine import Trainer
from sandbox.files import dumps_experiment, load_experiment
from sandbox.resources import resource_path

NETWORKS = Path(__file__).resolve().parents[1] / "resources" / "networks"
EXAMPLES = ["lecture17-linear.json", "lecture17-logistic.json", "xor.json", "spiral.json", "circle.json",
            "regression-plane.json", "vanishing-sigmoid.json", "vanishing-tanh.json", "vanishing-relu.json",
            "momentum.json", "digits.json", "iris.json"]


def test_every_example_is_shipped():
    assert sorted(p.name for p in NETWORKS.glob("*.json")) == sorted(EXAMPLES)


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_saves_back_to_its_own_bytes(name):
    path = NETWORKS / name
    exp = load_experiment(path)
    assert dumps_experiment(exp) == path.read_text(encoding="utf-8")
    assert exp.description and exp.name
    assert resource_path("networks", name).read_bytes() == path.read_bytes()


def _accuracy(exp) -> float:
    p = exp.network.predict(exp.data.test_inputs)
    return float(np.mean((p > 0.5) == (exp.data.test_targets > 0.5)))


@pytest.mark.parametrize("name, epochs, accuracy", [("xor.json", 100, 0.95), ("circle.json", 100, 0.95),
                                                    ("spiral.json", 200, 0.9)])
def test_classification_examples_learn(name, epochs, accuracy):
    exp = load_experiment(NETWORKS / name)
    assert _accuracy(exp) < 0.8
    Trainer(exp).run(epochs=epochs)
    assert _accuracy(exp) >= accuracy


def test_the_plane_is_fitted():
    exp = load_experiment(NETWORKS / "regression-plane.json")
    Trainer(exp).run(epochs=50)
    layer = exp.network.layers[0]
    assert layer.weights[0] == pytest.approx([0.6, -0.4], abs=0.03)
    assert abs(layer.biases[0]) < 0.03


def test_the_logistic_example_is_the_lecture_s_network():
    exp = load_experiment(NETWORKS / "lecture17-logistic.json")
    net = exp.network
    assert net.input_labels == ["x1", "x2"]
    assert [l.labels for l in net.layers] == [["z1", "z2"], ["y"]]
    assert [l.preactivation_labels for l in net.layers] == [["a1", "a2"], ["b"]]
    assert net.layers[0].weight_labels == [["α11", "α12"], ["α21", "α22"]]
    assert net.layers[1].weight_labels == [["β1", "β2"]]
    assert exp.loss == "bce" and all(l.activation == "sigmoid" and l.biases is None for l in net.layers)
    w = Trainer(exp).walkthrough()
    db = next(s for s in w.steps if s.phase == "backward" and s.target == "b")
    y = w.values()["y"]
    assert db.value == pytest.approx(y - 1.0, abs=1e-15)  # ∂E/∂b = y − y*
    assert w.loss_after < w.loss


def test_vanishing_gradients_with_sigmoid_milder_with_tanh_and_not_with_relu():
    first_over_last = {}
    for act in ("sigmoid", "tanh", "relu"):
        exp = load_experiment(NETWORKS / f"vanishing-{act}.json")
        assert exp.network.depth == 11 and all(l.activation == act for l in exp.network.layers[:-1])
        assert exp.network.layers[-1].activation == "sigmoid"
        trainer = Trainer(exp)
        trainer.run(epochs=1)
        norms = trainer.history.weight_grad_norms.mean(axis=0)
        first_over_last[act] = norms[0] / norms[-1]
    files = {a: json.loads((NETWORKS / f"vanishing-{a}.json").read_text(encoding="utf-8"))
             for a in ("sigmoid", "tanh", "relu")}
    for a, file in files.items():  # the same network, data and settings: only the hidden activation differs
        for layer in file["layers"][1:-1]:
            assert layer.pop("activation") == a
        del file["name"], file["description"]
    assert files["sigmoid"] == files["tanh"] == files["relu"]
    assert first_over_last["sigmoid"] < 1e-4
    assert first_over_last["relu"] > 0.1
    assert first_over_last["relu"] / first_over_last["sigmoid"] > 1e3
    # tanh: "about 10 times smaller in the first epoch" (its description), far from the sigmoid's 100 000
    assert 0.03 < first_over_last["tanh"] < 0.3
    assert first_over_last["tanh"] / first_over_last["sigmoid"] > 1e3


def test_the_tanh_network_vanishes_by_one_to_two_orders_of_magnitude_and_learns():
    exp = load_experiment(NETWORKS / "vanishing-tanh.json")
    trainer = Trainer(exp)
    trainer.run(epochs=4)
    g = trainer.history.weight_grad_norms
    later = g[len(g) // 4:].mean(axis=0)  # after the first epoch: "about 60 times"
    assert 1e-2 < later[0] / later[-1] < 1e-1
    assert _accuracy(exp) >= 0.95


def _steep_flips_and_loss(exp, iterations=100):
    trainer = Trainer(exp)
    w1 = [exp.network.layers[0].weights[0, 0]]
    for _ in range(iterations):
        trainer.step()
        w1.append(exp.network.layers[0].weights[0, 0])
    steps = np.diff(w1)[:51]
    flips = float(np.mean(np.sign(steps[1:]) != np.sign(steps[:-1])))
    return flips, float(trainer.history.loss[-1])


def test_momentum_crosses_the_valley_smoothly_where_plain_sgd_zig_zags():
    exp = load_experiment(NETWORKS / "momentum.json")
    x = exp.data.inputs
    curvature = np.mean(x ** 2, axis=0)
    assert curvature[0] / curvature[1] > 50  # much steeper along w1
    with_momentum = _steep_flips_and_loss(exp.copy())
    plain = exp.copy()
    plain.optimizer.options["momentum"] = 0.0
    plain.optimizer.learning_rate = exp.optimizer.learning_rate / (1 - 0.9)
    without = _steep_flips_and_loss(plain)
    assert exp.optimizer.options == {"momentum": 0.9}
    assert without[0] == 1.0  # w1's update changes sign at every iteration
    assert with_momentum[0] < 0.2
    assert with_momentum[1] < 0.005 < without[1]
