"""The file keys of issue 14: ``layers[0].image`` (inputs that are an image's pixels) and ``data.class_column``
(a column of class numbers read as one-hot targets): validation says where and what, load and save keep them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.files import NetworkFileError, dumps_experiment, load_experiment, loads_experiment, save_experiment
from sandbox.resources import resource_path

ROOT = Path(__file__).resolve().parents[1]


def _problems(doc: dict, base_dir: Path | None = None) -> list[tuple[str, str]]:
    with pytest.raises(NetworkFileError) as e:
        loads_experiment(json.dumps(doc), base_dir)
    return [(p.where, p.what) for p in e.value.problems]


def _network(inputs: int = 4, outputs: int = 3, data: dict | None = None, image: object = None) -> dict:
    first: dict = {"size": inputs}
    if image is not None:
        first["image"] = image
    return {
        "format": "backprop-sandbox.network", "version": 1,
        "layers": [first, {"size": 5, "activation": "tanh"}, {"size": outputs, "activation": "softmax"}],
        "loss": {"name": "cross_entropy"},
        "data": data or {"inputs": [[0.0] * inputs], "targets": [[1.0] + [0.0] * (outputs - 1)]},
    }


# ---- layers[0].image ------------------------------------------------------------------------------

def test_an_image_of_the_input_layer_s_size_is_loaded_as_rows_and_columns():
    exp = loads_experiment(json.dumps(_network(inputs=6, image={"rows": 2, "columns": 3})))
    assert exp.input_image == (2, 3)
    assert loads_experiment(json.dumps(_network(inputs=6))).input_image is None


@pytest.mark.parametrize("image, where, what", [
    ({"rows": 2, "columns": 3}, "layers[0].image",
     "an image of 2 × 3 pixels has 6 pixels, but the input layer has 4 inputs (one per pixel)"),
    ([2, 2], "layers[0].image", "expected an object {…}, got a list"),
    ({"rows": 4}, "layers[0].image", 'missing required key "columns"'),
    ({"rows": 0, "columns": 4}, "layers[0].image.rows", "must be at least 1, got 0"),
    ({"rows": 2.0, "columns": 2}, "layers[0].image.rows", "expected a whole number ≥ 1, got 2.0"),
    ({"rows": 2, "columns": 2, "depth": 3}, "layers[0].image.depth",
     "unknown key (expected one of: rows, columns)"),
])
def test_a_bad_image_is_told_where_and_what(image, where, what):
    assert _problems(_network(inputs=4, image=image)) == [(where, what)]


def test_only_the_input_layer_has_an_image():
    doc = _network(inputs=4)
    doc["layers"][1]["image"] = {"rows": 1, "columns": 5}
    assert _problems(doc) == [("layers[1].image", "only the input layer (layers[0]) can say its inputs are an "
                                                  "image")]
    doc = _network(inputs=4, image={"rows": 2, "columns": 2})
    doc["layers"][0]["imagе"] = doc["layers"][0].pop("image")  # a Cyrillic е: a typo is not ignored
    assert _problems(doc)[0][1].startswith('unknown key (did you mean "image"?)')


def test_the_image_is_saved_while_it_fits_the_input_layer():
    exp = loads_experiment(json.dumps(_network(inputs=6, image={"rows": 3, "columns": 2})))
    assert json.loads(dumps_experiment(exp))["layers"][0]["image"] == {"columns": 2, "rows": 3}
    exp.input_image = (4, 4)  # no longer the input layer's size (an edit elsewhere): not written
    assert "image" not in json.loads(dumps_experiment(exp))["layers"][0]


# ---- data.class_column ----------------------------------------------------------------------------

def _csv_network(folder: Path, csv_text: str, data: dict | None = None, inputs: int = 2, outputs: int = 3) -> dict:
    (folder / "points.csv").write_text(csv_text, encoding="utf-8")
    entry = {"class_column": "c"} if data is None else data
    return _network(inputs=inputs, outputs=outputs, data={"csv": "points.csv", **entry})


def test_a_class_column_becomes_one_hot_targets_over_the_outputs(tmp_path):
    doc = _csv_network(tmp_path, "x1,c,x2\n0.5,2,1\n0.25,0,2\n0,1,3\n1,0,4\n", outputs=4)
    exp = loads_experiment(json.dumps(doc), tmp_path)
    assert exp.data.inputs.tolist() == [[0.5, 1], [0.25, 2], [0, 3], [1, 4]]
    assert exp.data.targets.tolist() == [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0], [1, 0, 0, 0]]  # class 3: none
    doc["data"] = {"csv": "points.csv", "class_column": 1}  # by 0-based number
    assert loads_experiment(json.dumps(doc), tmp_path).data.targets.tolist() == exp.data.targets.tolist()


def test_with_one_output_the_class_is_the_target(tmp_path):
    doc = _csv_network(tmp_path, "x1,x2,c\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n", outputs=1)
    doc["layers"][2]["activation"] = "sigmoid"
    doc["loss"] = {"name": "bce"}
    exp = loads_experiment(json.dumps(doc), tmp_path)
    assert exp.data.targets.tolist() == [[0], [1], [1], [0]]
    (tmp_path / "points.csv").write_text("x1,x2,c\n0,0,2\n", encoding="utf-8")
    assert _problems(doc, tmp_path) == [("data.class_column", 'points.csv, data row 1, column "c": 2 is not a class '
                                                              "number: expected a whole number from 0 to 1 (one "
                                                              "output: class 0 or 1)")]


@pytest.mark.parametrize("cell, shown", [("2.5", "2.5"), ("3", "3"), ("-1", "-1"), ("1e3", "1000")])
def test_a_class_that_is_not_a_whole_number_below_the_outputs_is_told_with_its_row(tmp_path, cell, shown):
    doc = _csv_network(tmp_path, f"x1,x2,c\n0,0,0\n0,1,{cell}\n1,0,1\n")
    assert _problems(doc, tmp_path) == [
        ("data.class_column", f'points.csv, data row 2, column "c": {shown} is not a class number: expected a whole '
                              f"number from 0 to 2 (the network has 3 outputs, one per class)")]


def test_many_bad_classes_are_counted_after_three(tmp_path):
    doc = _csv_network(tmp_path, "x1,x2,c\n" + "0,0,7\n" * 10)
    problems = _problems(doc, tmp_path)
    assert [what.split(":")[0] for _, what in problems[:3]] == [f'points.csv, data row {k}, column "c"'
                                                                for k in (1, 2, 3)]
    assert problems[3] == ("data.class_column", "points.csv: 7 more rows with a class that is not a whole number "
                                                "from 0 to 2")
    assert len(problems) == 4


@pytest.mark.parametrize("data, where, what", [
    ({"class_column": "c", "target_columns": ["c"]}, "data",
     'give either "target_columns" (the targets\' own columns) or "class_column" (one column of class numbers), '
     "not both"),
    ({}, "data", 'missing required key "target_columns" (the columns of the targets), or "class_column" (one column '
                 "of class numbers)"),
    ({"class_column": ["c"]}, "data.class_column", "expected a column name or a 0-based column number, got a list"),
    ({"class_column": -1}, "data.class_column", "expected a column name or a 0-based column number, got -1"),
    ({"class_column": True}, "data.class_column", "expected a column name or a 0-based column number, got true"),
    ({"class_column": "class"}, "data.class_column", 'points.csv has no column "class" (its columns are "x1", "x2", '
                                                     '"c")'),
    ({"class_column": 3}, "data.class_column", "column 3 does not exist: points.csv has 3 columns (numbered from 0)"),
    ({"class_colum": "c"}, "data.class_colum", 'unknown key (did you mean "class_column"?)'),
])
def test_a_bad_class_column_entry_is_told_where_and_what(tmp_path, data, where, what):
    doc = _csv_network(tmp_path, "x1,x2,c\n0,0,0\n0,1,1\n", data=data)
    assert (where, what) in _problems(doc, tmp_path)


def test_the_class_column_is_not_an_input(tmp_path):
    doc = _csv_network(tmp_path, "x1,x2,c\n0,0,0\n", inputs=3)
    assert _problems(doc, tmp_path) == [("data.csv", "points.csv has 2 input columns (besides the class column), but "
                                                     "the network has 3 inputs")]


def test_validate_names_the_file_and_the_row(tmp_path):
    doc = _csv_network(tmp_path, "x1,x2,c\n0,0,0\n0,1,9\n")
    (tmp_path / "net.json").write_text(json.dumps(doc), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "sandbox", "validate", "net.json"], capture_output=True,
                            text=True, encoding="utf-8", cwd=tmp_path, timeout=120)
    assert result.returncode == 1
    assert result.stderr == ('error: net.json: data.class_column: points.csv, data row 2, column "c": 9 is not a '
                             "class number: expected a whole number from 0 to 2 (the network has 3 outputs, one per "
                             "class)\n")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.integers(-3, 6), st.floats(-3, 6, allow_nan=False, width=32)), min_size=1,
                max_size=12))
def test_any_class_column_loads_as_one_hot_or_is_refused_at_its_rows(tmp_path_factory, classes):
    folder = tmp_path_factory.mktemp("classes")
    text = "x1,x2,c\n" + "".join(f"{k},{k / 2},{c!r}\n" for k, c in enumerate(classes))
    doc = _csv_network(folder, text, outputs=4)
    values = np.array([float(repr(c)) for c in classes])
    bad = [k + 1 for k, c in enumerate(values) if not (c == int(c) and 0 <= c <= 3)]
    try:
        exp = loads_experiment(json.dumps(doc), folder)
    except NetworkFileError as e:
        assert bad
        assert all(p.where == "data.class_column" for p in e.problems)
        assert [int(p.what.split("data row ")[1].split(",")[0]) for p in e.problems[:3]] == bad[:3]
    else:
        assert not bad
        np.testing.assert_array_equal(exp.data.targets, np.eye(4)[values.astype(int)])
        np.testing.assert_array_equal(exp.data.inputs[:, 0], np.arange(len(classes)))


# ---- the round trip -------------------------------------------------------------------------------

def test_digits_saved_elsewhere_keeps_its_image_class_column_and_csv(tmp_path):
    exp = load_experiment(resource_path("networks", "digits.json"))
    target = tmp_path / "mine" / "digits.json"
    target.parent.mkdir()
    save_experiment(exp, target)
    saved = json.loads(target.read_text(encoding="utf-8"))
    assert saved["layers"][0]["image"] == {"columns": 8, "rows": 8}
    csv_path = Path(saved["data"].pop("csv"))
    assert saved["data"] == {"class_column": "digit", "seed": 0, "test_fraction": 0.2}
    assert not csv_path.is_absolute() and (target.parent / csv_path).resolve() == resource_path("data",
                                                                                              "digits.csv").resolve()
    again = load_experiment(target)
    assert again.input_image == (8, 8)
    for a, b in ((again.data.inputs, exp.data.inputs), (again.data.test_targets, exp.data.test_targets)):
        np.testing.assert_array_equal(a, b)
    assert dumps_experiment(again, target.parent) == target.read_text(encoding="utf-8")


def test_edited_class_targets_are_saved_as_numbers(tmp_path):
    exp = load_experiment(resource_path("networks", "iris.json"))
    exp.data.targets[0] = [0.0, 1.0, 0.0]  # a target edited in the app: the CSV no longer gives the data
    save_experiment(exp, tmp_path / "edited.json")
    data = json.loads((tmp_path / "edited.json").read_text(encoding="utf-8"))["data"]
    assert "csv" not in data and data["targets"][0] == [0.0, 1.0, 0.0]
