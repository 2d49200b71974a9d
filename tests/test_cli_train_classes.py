"""``train`` on a classifier of more than 2 classes prints each class's accuracy and what its misclassified
samples were taken for, from the trained network's own predictions."""

from pathlib import Path

import numpy as np
import pytest

from sandbox import cli
from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec
from sandbox.engine.classification import confusion_matrix
from sandbox.files import load_experiment, save_experiment

ROOT = Path(__file__).resolve().parents[1]


def _classifier(path: Path, test: bool = True) -> Path:
    rng = np.random.default_rng(21)
    net = Network(4, [Layer(rng.normal(scale=0.5, size=(6, 4)), "tanh", biases=np.zeros(6)),
                      Layer(rng.normal(scale=0.5, size=(4, 6)), "softmax", biases=np.zeros(4))])
    net.layers[-1].labels = ["cat", "dog", "owl", "eel"]
    x = rng.normal(size=(60, 4))
    classes = np.argmax(x + rng.normal(scale=0.8, size=x.shape), axis=1)  # noisy: some stay wrong
    cut = 40 if test else 60
    data = Dataset(x[:cut], np.eye(4)[classes[:cut]], x[cut:], np.eye(4)[classes[cut:]])
    exp = Experiment(network=net, data=data, name="animals", loss="cross_entropy", optimizer=OptimizerSpec("sgd", 0.3),
                     batching=Batching("minibatch", size=8))
    save_experiment(exp, str(path))
    return path


@pytest.mark.parametrize("test", [True, False])
def test_the_lines_are_the_trained_networks_confusion_matrix(capsys, tmp_path, test):
    src, out = _classifier(tmp_path / "animals.json", test), tmp_path / "trained.json"
    assert cli.main(["train", str(src), "--epochs", "5", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    which = "test" if test else "train"
    start = lines.index(f"{which} accuracy by class:")
    assert lines[start - 1].startswith("test accuracy: ")
    exp = load_experiment(str(out))
    data = exp.data
    x, t = (data.test_inputs, data.test_targets) if test else (data.inputs, data.targets)
    m = confusion_matrix(exp.network.predict(x), t, "argmax")
    names = ["cat", "dog", "owl", "eel"]
    for k, name in enumerate(names):
        line = lines[start + 1 + k]
        total, right = int(m[k].sum()), int(m[k, k])
        assert line.startswith(f"  {name}: {right / total:.4g} ({right} of {total} right")
        wrong = sorted(((int(n), c) for c, n in enumerate(m[k]) if c != k and n), key=lambda nc: (-nc[0], nc[1]))
        if wrong:
            assert f"; {wrong[0][0]} taken for {names[wrong[0][1]]}" in line
        else:
            assert line.endswith(" right)")
    assert any(int(m[k].sum()) != int(m[k, k]) for k in range(4))  # the check above saw a mistake


def test_a_two_class_or_regression_network_prints_no_class_lines(capsys):
    for name in ("xor.json", "regression-plane.json"):
        assert cli.main(["train", str(ROOT / "resources" / "networks" / name), "--epochs", "1"]) == 0
        assert "accuracy by class" not in capsys.readouterr().out


def test_digits_classes_are_named_by_their_digit(capsys):
    assert cli.main(["train", str(ROOT / "resources" / "networks" / "digits.json"), "--epochs", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    start = lines.index("test accuracy by class:")
    assert [line.split(":")[0] for line in lines[start + 1:start + 11]] == [f"  class {k}" for k in range(10)]
