"""Classification accuracy (sandbox.engine.metrics, Trainer.accuracy, ``train`` and ``train --log``)."""

import json
from pathlib import Path

import numpy as np
import pytest

from sandbox import cli
from sandbox.engine import Dataset, Experiment, Layer, Network, Trainer
from sandbox.engine.metrics import accuracy, accuracy_rule, format_accuracy
from sandbox.files import load_experiment

NETWORKS = Path(__file__).resolve().parents[1] / "resources" / "networks"


def test_threshold_rule_on_a_tiny_set_by_hand():
    y = np.array([[0.9], [0.5], [0.49], [0.1]])
    t = np.array([[1.0], [0.0], [0.0], [1.0]])
    assert accuracy_rule("bce", t) == "threshold"
    # 0.9 ≥ 0.5 → 1 right; 0.5 ≥ 0.5 → 1 wrong; 0.49 → 0 right; 0.1 → 0 wrong: 2 of 4
    assert accuracy(y, t, "threshold") == 0.5


def test_argmax_rule_on_a_tiny_set_by_hand():
    y = np.array([[0.2, 0.7, 0.1], [0.5, 0.3, 0.2], [0.1, 0.1, 0.8]])
    t = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    assert accuracy_rule("cross_entropy", t) == "argmax"
    assert accuracy_rule("mse", t) == "argmax"  # one-hot targets under squared error
    assert accuracy(y, t, "argmax") == pytest.approx(2 / 3)


def test_regression_has_no_accuracy():
    t = np.array([[0.3], [1.7], [-0.2]])
    assert accuracy_rule("mse", t) is None
    assert accuracy_rule("mse", np.array([[0.2, 0.8], [1.0, 0.0]])) is None
    assert accuracy(np.zeros((3, 1)), t, None) is None
    assert format_accuracy(None, None) == ""


def test_mse_on_binary_labels_is_a_classifier():
    assert accuracy_rule("mse", np.array([[0.0], [1.0], [1.0]])) == "threshold"


def test_the_lecture_s_single_target_is_a_regression():
    """One sample with target 1 under squared error (the lecture's network): no classes to tell apart, so no
    accuracy (it was shown as 'Train acc 0 %'); binary cross-entropy is a classifier whatever its targets."""
    assert accuracy_rule("mse", np.array([[1.0]])) is None
    assert accuracy_rule("mse", np.array([[1.0], [1.0]])) is None
    assert accuracy_rule("bce", np.array([[1.0]])) == "threshold"


def test_format_accuracy():
    assert format_accuracy(0.975, 0.95) == "Train acc 97.5 %  Test acc 95 %"
    assert format_accuracy(2 / 3, None) == "Train acc 66.7 %"


def _tiny_experiment() -> Experiment:
    net = Network(2, [Layer(np.array([[1.0, -1.0]]), "sigmoid", np.array([0.0]))])
    data = Dataset(np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0], [0.0, 3.0]]), np.array([[1.0], [0.0], [0.0], [0.0]]),
                   np.array([[1.0, 2.0], [3.0, 0.0]]), np.array([[0.0], [0.0]]))
    return Experiment(net, data, loss="bce")


def test_trainer_accuracy_by_hand():
    # z = x1 − x2: 1, −1, 1, −3 → classes 1, 0, 1, 0 against 1, 0, 0, 0: 3 of 4; test z = −1, 3 → 0, 1: 1 of 2
    assert Trainer(_tiny_experiment()).accuracy() == (0.75, 0.5)


def test_trainer_accuracy_matches_the_engines_predictions():
    trainer = Trainer(load_experiment(NETWORKS / "spiral.json"))
    trainer.run(epochs=3)
    data = trainer.experiment.data
    y = trainer.network.predict(data.inputs)
    expected = float(np.mean((y[:, 0] >= 0.5) == (data.targets[:, 0] >= 0.5)))
    y_test = trainer.network.predict(data.test_inputs)
    expected_test = float(np.mean((y_test[:, 0] >= 0.5) == (data.test_targets[:, 0] >= 0.5)))
    assert trainer.accuracy() == (expected, expected_test)


def test_regression_trainer_has_no_accuracy():
    assert Trainer(load_experiment(NETWORKS / "regression-plane.json")).accuracy() == (None, None)


def _train(capsys, *args: str) -> tuple[int, list[str]]:
    status = cli.main(["train", *args])
    return status, capsys.readouterr().out.splitlines()


def test_train_prints_accuracy_and_logs_it(capsys, tmp_path):
    log = tmp_path / "log.jsonl"
    status, lines = _train(capsys, str(NETWORKS / "spiral.json"), "--epochs", "3", "--log", str(log))
    assert status == 0
    trainer = Trainer(load_experiment(NETWORKS / "spiral.json"))
    trainer.run(epochs=3)
    train_acc, test_acc = trainer.accuracy()
    assert train_acc is not None and test_acc is not None
    assert f"train accuracy: {train_acc:.4g}" in lines
    assert f"test accuracy: {test_acc:.4g}" in lines
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert records[-1]["train_accuracy"] == train_acc
    assert records[-1]["test_accuracy"] == test_acc
    assert all(0.0 <= r["train_accuracy"] <= 1.0 for r in records)


def test_regression_train_prints_and_logs_no_accuracy(capsys, tmp_path):
    log = tmp_path / "log.jsonl"
    status, lines = _train(capsys, str(NETWORKS / "regression-plane.json"), "--epochs", "2", "--log", str(log))
    assert status == 0
    assert not any("accuracy" in line for line in lines)
    assert all("train_accuracy" not in json.loads(line) for line in log.read_text().splitlines())
