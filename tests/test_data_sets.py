"""The shipped data sets (resources/data): the documented shapes, classes and values; the example networks
that read them split them as their files say and learn them."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sandbox.engine import Trainer
from sandbox.files import load_experiment
from sandbox.resources import resource_path

ROOT = Path(__file__).resolve().parents[1]


def _table(name: str) -> tuple[list[str], np.ndarray]:
    with open(resource_path("data", name), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], np.array(rows[1:], dtype=np.float64)


def test_digits_are_1797_images_of_8_by_8_pixels_in_sixteenths_and_ten_classes():
    header, values = _table("digits.csv")
    assert header == [f"p{k}" for k in range(1, 65)] + ["digit"]
    assert values.shape == (1797, 65)
    pixels, digits = values[:, :64], values[:, 64]
    assert set(np.unique(pixels * 16)) <= set(range(17))  # k/16, written exactly
    assert pixels.min() == 0 and pixels.max() == 1
    counts = np.bincount(digits.astype(int))
    assert counts.tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]  # every digit, 174 to 183 times
    assert np.array_equal(digits, digits.astype(int))
    # the first image is a 0: ink round the edge of its middle, none in its centre
    zero = pixels[0].reshape(8, 8)
    assert digits[0] == 0 and zero[3:5, 3:5].sum() == 0 and zero[2:6, 1:3].sum() > 3


def test_the_digits_csv_writes_every_pixel_short():
    text = resource_path("data", "digits.csv").read_text(encoding="utf-8")
    cells = {cell for line in text.splitlines()[1:] for cell in line.split(",")}
    assert {"0", "1", "0.0625", "0.5", "0.9375"} <= cells
    assert not any(cell.endswith(".0") or cell.endswith("0") and "." in cell for cell in cells)


def test_iris_is_150_flowers_4_measurements_3_species_of_50():
    header, values = _table("iris.csv")
    assert header == ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]
    assert values.shape == (150, 5)
    assert np.bincount(values[:, 4].astype(int)).tolist() == [50, 50, 50]
    assert values[:, :4].min() == 0.1 and values[:, :4].max() == 7.9  # cm
    # Fisher's values (the UCI file differs in these two rows)
    assert values[34].tolist() == [4.9, 3.1, 1.5, 0.2, 0] and values[37].tolist() == [4.9, 3.6, 1.4, 0.1, 0]


def test_the_data_readme_states_source_and_licence():
    text = resource_path("data", "README.md").read_text(encoding="utf-8")
    for needed in ("CC BY 4.0", "10.24432/C50P49", "10.24432/C56C76", "Alpaydin", "Fisher", "divided by 16"):
        assert needed in text


@pytest.mark.parametrize("name, csv_name, shape, test, image, labels", [
    ("digits.json", "digits.csv", (64, 32, 10), 359, (8, 8), [f"y{k}" for k in range(10)]),
    ("iris.json", "iris.csv", (4, 8, 3), 30, None, ["setosa", "versicolor", "virginica"]),
])
def test_the_examples_hold_out_a_fifth_and_read_the_class_column_as_one_hot(name, csv_name, shape, test, image,
                                                                          labels):
    exp = load_experiment(resource_path("networks", name))
    net = exp.network
    assert (net.input_size, *(layer.size for layer in net.layers)) == shape
    assert net.layers[-1].activation == "softmax" and exp.loss == "cross_entropy"
    assert net.layers[-1].labels == labels
    assert exp.input_image == image
    _, values = _table(csv_name)
    n, classes = len(values), shape[-1]
    data = exp.data
    assert len(data.test_inputs) == test and len(data.inputs) == n - test
    for targets in (data.targets, data.test_targets):
        assert targets.shape[1] == classes
        assert set(np.unique(targets)) == {0.0, 1.0} and np.all(targets.sum(axis=1) == 1)
    # the split is a partition of the file's rows, each with its own class as the one-hot target
    rows = np.concatenate([np.column_stack([data.inputs, data.targets.argmax(axis=1)]),
                           np.column_stack([data.test_inputs, data.test_targets.argmax(axis=1)])])
    assert sorted(map(tuple, rows.tolist())) == sorted(map(tuple, values.tolist()))
    assert len(np.unique(data.test_targets.argmax(axis=1))) == classes  # every class is in the test set


def _printed_accuracy(stdout: str) -> float:
    line = next(line for line in stdout.splitlines() if line.startswith("test accuracy: "))
    return float(line.split(": ")[1])


def test_train_on_digits_reaches_a_clear_accuracy_in_three_epochs():
    """With the file's seeds the run is the same every time: 93.9 % of the 359 test digits after 3 epochs
    (30 epochs, in benchmarks/ and the README: about 97 %)."""
    result = subprocess.run([sys.executable, "-m", "sandbox", "train", str(ROOT / "resources" / "networks" /
                                                                            "digits.json"), "--epochs", "3"],
                            capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    assert _printed_accuracy(result.stdout) >= 0.93


def test_iris_learns_to_at_least_90_percent_of_the_test_flowers():
    exp = load_experiment(resource_path("networks", "iris.json"))
    trainer = Trainer(exp)
    trainer.run(epochs=20)
    train, test = trainer.accuracy()
    assert test is not None and test >= 0.9 and train >= 0.9


def test_digits_does_what_its_description_says():
    """'One epoch (45 updates) gets about 9 in 10 test digits right, 30 epochs about 97 %' (the issue asks
    ≥ 95 % within 30 epochs)."""
    exp = load_experiment(resource_path("networks", "digits.json"))
    assert "One epoch (45 updates) gets about 9 in 10 test digits right, 30 epochs about 97 %" in exp.description
    trainer = Trainer(exp)
    trainer.run(epochs=1)
    assert trainer.iteration == 45
    assert trainer.accuracy()[1] == pytest.approx(0.9, abs=0.01)  # 323 of 359: 0.8997
    trainer.run(epochs=29)
    assert trainer.accuracy()[1] == pytest.approx(0.97, abs=0.01)  # 349 of 359: 0.9721
