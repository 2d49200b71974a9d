"""The shipped lecture example loads to the lecture's network and saves back to the same bytes."""

from pathlib import Path

import pytest

from sandbox.engine import Trainer
from sandbox.files import dumps_experiment, load_experiment, loads_experiment

ROOT = Path(__file__).resolve().parents[1]
LECTURE = ROOT / "resources" / "networks" / "lecture17-linear.json"

CONTRACT_EXAMPLE = """{
  "format": "backprop-sandbox.network",
  "version": 1,
  "name": "Lecture 17: simple linear network",
  "description": "free text, optional",
  "layers": [
    {"size": 2, "labels": ["i1", "i2"]},
    {"size": 2, "activation": "identity", "bias": false, "labels": ["h1", "h2"],
     "weights": [[0.11, 0.21], [0.12, 0.08]], "weight_labels": [["w1", "w2"], ["w3", "w4"]]},
    {"size": 1, "activation": "identity", "bias": false, "labels": ["y"],
     "weights": [[0.14, 0.15]], "weight_labels": [["w5", "w6"]]}
  ],
  "loss": {"name": "mse", "reduction": "mean"},
  "optimizer": {"name": "sgd", "learning_rate": 0.05, "momentum": 0.0},
  "batch": {"mode": "single", "shuffle": false, "seed": 0},
  "data": {"inputs": [[2, 3]], "targets": [[1]]}
}"""


def test_the_contract_s_example_loads_as_the_lecture_s_network():
    exp = loads_experiment(CONTRACT_EXAMPLE)
    net = exp.network
    assert net.input_labels == ["i1", "i2"]
    assert [layer.labels for layer in net.layers] == [["h1", "h2"], ["y"]]
    assert net.layers[0].weights.tolist() == [[0.11, 0.21], [0.12, 0.08]]
    assert net.layers[1].weights.tolist() == [[0.14, 0.15]]
    assert net.layers[0].weight_labels == [["w1", "w2"], ["w3", "w4"]]
    assert all(layer.biases is None and layer.activation == "identity" for layer in net.layers)
    assert (exp.loss, exp.reduction, exp.optimizer.name, exp.optimizer.learning_rate) == ("mse", "mean", "sgd", 0.05)
    assert exp.optimizer.options == {"momentum": 0.0}
    assert exp.batching.mode == "single"
    assert exp.data.inputs.tolist() == [[2.0, 3.0]] and exp.data.targets.tolist() == [[1.0]]


def test_the_shipped_lecture_file_is_the_contract_s_example_in_canonical_form():
    shipped = load_experiment(LECTURE)
    contract = loads_experiment(CONTRACT_EXAMPLE)
    contract.description = shipped.description
    assert dumps_experiment(shipped) == dumps_experiment(contract) == LECTURE.read_text(encoding="utf-8")
    assert shipped.name == "Lecture 17: simple linear network"


def test_one_update_of_the_lecture_file_gives_the_lecture_s_numbers():
    trainer = Trainer(load_experiment(LECTURE))
    w = trainer.walkthrough()
    g = w.by_label()
    assert w.values()["y"] == pytest.approx(0.191, abs=1e-15)
    assert (g["w5"], g["w6"], g["w1"]) == pytest.approx((-0.68765, -0.38832, -0.22652), abs=1e-15)
    assert w.outputs_after[0, 0] == pytest.approx(0.2557458, abs=1e-7)
    assert w.loss_after == pytest.approx(0.2769572, abs=1e-7)
