"""``train``'s printout: the training-set data loss in full precision (the value the exported PyTorch script
ends with, ``loss <value>``), and with regularization the penalty and the objective E = L + λR(θ), named."""

import json
from pathlib import Path

import pytest

from sandbox import cli
from sandbox.engine import DivergenceError, Trainer
from sandbox.files import load_experiment

NETWORKS = Path(__file__).resolve().parents[1] / "resources" / "networks"


def _train(capsys, *args: str) -> tuple[int, list[str], str]:
    status = cli.main(["train", *args])
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err


def _trained(path: Path, epochs: int) -> Trainer:
    trainer = Trainer(load_experiment(path))
    trainer.run(epochs=epochs)
    return trainer


def test_train_prints_the_training_set_loss_in_full_precision(capsys):
    src = NETWORKS / "xor.json"
    status, lines, _ = _train(capsys, str(src), "--epochs", "12")
    assert status == 0
    trainer = _trained(src, 12)
    train, test = trainer.evaluate()
    assert lines[1] == f"train loss: {float(train)!r}"  # every digit: the float itself reads back
    assert float(lines[1].removeprefix("train loss: ")) == train
    assert lines[2] == f"test loss: {float(test)!r}"
    assert not any(line.startswith(("penalty", "train objective")) for line in lines)


def test_with_regularization_train_prints_the_penalty_and_the_objective(capsys, tmp_path):
    doc = json.loads((NETWORKS / "xor.json").read_text(encoding="utf-8"))
    doc["regularization"] = {"kind": "l2", "strength": 0.01}
    src, log = tmp_path / "l2.json", tmp_path / "log.jsonl"
    src.write_text(json.dumps(doc), encoding="utf-8")
    status, lines, err = _train(capsys, str(src), "--epochs", "5", "--log", str(log))
    assert status == 0
    trainer = _trained(src, 5)
    train = float(trainer.evaluate()[0])
    penalty = 0.005 * sum(float((layer.weights ** 2).sum()) for layer in trainer.network.layers)
    assert lines[1] == f"train loss: {train!r}"  # still the data loss L
    assert lines[3].startswith("penalty: ") and "λR(θ)" in lines[3] and "L2 with λ = 0.01" in lines[3]
    assert float(lines[3].split()[1]) == pytest.approx(penalty, rel=1e-14)
    assert lines[4].startswith("train objective: ") and "E = L + λR(θ)" in lines[4]
    assert float(lines[4].split()[2]) == pytest.approx(train + penalty, rel=1e-14)
    assert "objective E" in err  # the progress names it too
    last = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    assert last["train_loss"] == train and last["penalty"] == pytest.approx(penalty, rel=1e-14)
    assert last["train_objective"] == pytest.approx(train + penalty, rel=1e-14)


def test_divergence_names_the_iteration_counted_from_1(capsys, tmp_path):
    doc = json.loads((NETWORKS / "lecture17-linear.json").read_text(encoding="utf-8"))
    doc["optimizer"]["learning_rate"] = 50.0
    src = tmp_path / "fast.json"
    src.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DivergenceError) as caught:
        Trainer(load_experiment(src)).run(epochs=1000)
    status, _, err = _train(capsys, str(src), "--epochs", "1000")
    assert status == 1
    assert f"diverged at iteration {caught.value.iteration + 1}: " in err.splitlines()[-1]
