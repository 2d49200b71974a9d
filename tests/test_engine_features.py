"""Issue 13, point 7: derived input features (x₁², x₂², x₁x₂, sin x₁, sin x₂) as extra input neurons: the engine's
columns against hand-computed values, the file's ``data.features`` (validated, round-tripped byte for byte), the
walkthrough showing the feature inputs."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from sandbox.engine import Dataset, Trainer
from sandbox.engine.features import FEATURE_NAMES, apply, labels, problems, strip, with_features
from sandbox.files import NetworkFileError, dumps_experiment, loads_experiment
from sandbox.gui.common.icons import resource_file


def test_feature_columns_against_hand_computed_values():
    x = np.array([[2.0, 3.0], [-0.5, 0.25]])
    got = with_features(x, ["x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"])
    assert got.shape == (2, 7)
    np.testing.assert_array_equal(got[:, :2], x)  # the raw inputs first, unchanged
    assert got[0, 2:].tolist() == [4.0, 9.0, 6.0, math.sin(2.0), math.sin(3.0)]
    assert got[1, 2:].tolist() == [0.25, 0.0625, -0.125, math.sin(-0.5), math.sin(0.25)]
    # in the order declared
    assert with_features(x, ["sin(x2)", "x1^2"])[0, 2:].tolist() == [math.sin(3.0), 4.0]
    assert labels(["x1^2", "x1*x2", "sin(x1)"]) == ["x1", "x2", "x1²", "x1x2", "sin(x1)"]
    data = Dataset(x, [[1.0], [0.0]], x[:1] * 2, [[1.0]])
    expanded = apply(data, ["x1*x2"])
    assert expanded.inputs[:, 2].tolist() == [6.0, -0.125] and expanded.test_inputs[:, 2].tolist() == [24.0]
    back = strip(expanded, ["x1*x2"])
    np.testing.assert_array_equal(back.inputs, x)
    np.testing.assert_array_equal(back.test_inputs, x[:1] * 2)


def test_feature_names_are_checked_with_where_and_what():
    assert problems(["x1^2", "sin(x2)"], 2) == []
    assert problems(["x3^2"], 2) == [("data.features[0]", "unknown feature 'x3^2'; the features are "
                                                          + ", ".join(FEATURE_NAMES))]
    assert problems(["x1^2", "x1^2"], 2) == [("data.features[1]", "'x1^2' is named twice")]
    assert problems("x1^2", 2)[0][0] == "data.features"
    (where, what), = problems(["x" * 500 + "\x07"], 2)  # quoted short, control characters escaped
    assert where == "data.features[0]" and len(what) < 200 and "\x07" not in what
    assert problems([{"a": 1}], 2)[0][1].startswith("unknown feature {'a': 1}")
    (where, what), = problems(["x1^2"], 3)
    assert where == "data.features" and "only 2-input data sets can have features" in what
    # a hand-added list without a wider input layer: the layer's size is what is wrong, and the message says so
    (where, what), = problems(["x1^2", "x2^2"], 0)
    assert what.endswith("with 2 features the input layer needs 4 neurons (x1, x2 and one per feature), it has 2")


def spiral_with_features(features: list[str]) -> dict:
    doc = json.loads(resource_file("networks", "spiral.json").read_text(encoding="utf-8"))
    doc["data"]["features"] = features
    first = doc["layers"][1]
    doc["layers"][0] = {"size": 2 + len(features)}
    first.pop("weights", None)
    first.pop("weight_labels", None)
    return doc


def test_a_file_with_features_loads_trains_and_round_trips_byte_for_byte():
    doc = spiral_with_features(["x1^2", "x1*x2", "sin(x1)"])
    exp = loads_experiment(json.dumps(doc))
    assert exp.features == ["x1^2", "x1*x2", "sin(x1)"]
    assert exp.network.input_size == 5
    assert exp.network.input_labels == ["x1", "x2", "x1²", "x1x2", "sin(x1)"]
    x = exp.data.inputs
    np.testing.assert_allclose(x[:, 2:], np.column_stack([x[:, 0] ** 2, x[:, 0] * x[:, 1], np.sin(x[:, 0])]))
    assert exp.data.test_inputs.shape[1] == 5
    text = dumps_experiment(exp)
    saved = json.loads(text)
    assert saved["data"]["features"] == ["x1^2", "x1*x2", "sin(x1)"]
    assert saved["data"]["generator"] == "spiral"  # the source of the raw inputs, not the expanded numbers
    assert saved["layers"][0] == {"labels": ["x1", "x2", "x1²", "x1x2", "sin(x1)"], "size": 5}
    again = loads_experiment(text)
    assert dumps_experiment(again) == text
    np.testing.assert_array_equal(again.data.inputs, exp.data.inputs)
    Trainer(again).run(iterations=5)  # trains with 5 inputs


def test_inline_data_with_features_keeps_the_raw_numbers_in_the_file():
    doc = {"format": "backprop-sandbox.network", "version": 1, "name": "tiny",
           "layers": [{"size": 3}, {"size": 1, "activation": "sigmoid", "weights": [[0.1, 0.2, 0.3]]}],
           "data": {"inputs": [[2.0, 3.0], [1.0, -1.0]], "targets": [[1.0], [0.0]], "features": ["x1*x2"]}}
    exp = loads_experiment(json.dumps(doc))
    assert exp.data.inputs.tolist() == [[2.0, 3.0, 6.0], [1.0, -1.0, -1.0]]
    text = dumps_experiment(exp)
    assert json.loads(text)["data"]["inputs"] == [[2.0, 3.0], [1.0, -1.0]]
    assert dumps_experiment(loads_experiment(text)) == text


@pytest.mark.parametrize("features, inputs, where, words", [
    (["x1^3"], 3, "data.features[0]", "unknown feature 'x1^3'"),
    (["x1^2"], 4, "data.features", "only 2-input data sets can have features"),
])
def test_bad_features_are_refused_with_where_and_what(features, inputs, where, words):
    doc = {"format": "backprop-sandbox.network", "version": 1,
           "layers": [{"size": inputs}, {"size": 1, "activation": "sigmoid"}],
           "data": {"inputs": [[0.0] * (inputs - 1)], "targets": [[1.0]], "features": features}}
    with pytest.raises(NetworkFileError) as e:
        loads_experiment(json.dumps(doc))
    assert any(p.where == where and words in p.what for p in e.value.problems), e.value.problems


def test_the_walkthrough_shows_the_feature_inputs():
    exp = loads_experiment(json.dumps(spiral_with_features(["x1^2", "sin(x2)"])))
    w = Trainer(exp).walkthrough()
    values = w.values()
    x1, x2 = values["x1"], values["x2"]
    assert values["x1²"] == pytest.approx(x1 * x1) and values["sin(x2)"] == pytest.approx(math.sin(x2))
    assert w.inputs.shape[1] == 4 and w.network.input_labels == ["x1", "x2", "x1²", "sin(x2)"]
    np.testing.assert_allclose(w.inputs[:, 2:], np.column_stack([w.inputs[:, 0] ** 2, np.sin(w.inputs[:, 1])]))
