"""Saving writes the data the way the file gave it only while that still gives the same numbers;
a CSV path is written relative to the folder the file is saved in."""

import json

import numpy as np

from sandbox.files import load_experiment, save_experiment
from sandbox.resources import resource_path

CSV = "x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n"


def _network_with_csv(folder, csv_name="points.csv"):
    (folder / csv_name).write_text(CSV, encoding="utf-8")
    doc = json.loads(resource_path("networks", "xor.json").read_text(encoding="utf-8"))
    doc["data"] = {"csv": csv_name, "target_columns": ["y"]}
    path = folder / "net.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_csv_path_is_rewritten_relative_to_the_new_folder(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "elsewhere" / "deeper").mkdir(parents=True)
    exp = load_experiment(_network_with_csv(tmp_path / "data"))
    assert exp.data.inputs.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]

    save_experiment(exp, tmp_path / "data" / "same-folder.json")
    assert json.loads((tmp_path / "data" / "same-folder.json").read_text())["data"]["csv"] == "points.csv"

    target = tmp_path / "elsewhere" / "deeper" / "copy.json"
    save_experiment(exp, target)
    assert json.loads(target.read_text())["data"] == {"csv": "../../data/points.csv", "target_columns": ["y"]}
    again = load_experiment(target)
    np.testing.assert_array_equal(again.data.inputs, exp.data.inputs)
    np.testing.assert_array_equal(again.data.targets, exp.data.targets)


def test_an_absolute_csv_path_from_the_app_is_written_relative(tmp_path):
    exp = load_experiment(_network_with_csv(tmp_path))
    exp.data_source = {**exp.data_source, "csv": str(tmp_path / "points.csv")}
    save_experiment(exp, tmp_path / "out.json")
    assert json.loads((tmp_path / "out.json").read_text())["data"]["csv"] == "points.csv"


def test_edited_generated_data_is_written_as_numbers(tmp_path):
    exp = load_experiment(resource_path("networks", "spiral.json"))
    assert "generator" in exp.data_source
    save_experiment(exp, tmp_path / "unchanged.json")
    assert "generator" in json.loads((tmp_path / "unchanged.json").read_text())["data"]

    exp.data.targets[3, 0] = 1.0 - exp.data.targets[3, 0]  # a target edited in the app
    save_experiment(exp, tmp_path / "edited.json")
    data = json.loads((tmp_path / "edited.json").read_text())["data"]
    assert "generator" not in data
    assert data["targets"][3] == [exp.data.targets[3, 0]]
    again = load_experiment(tmp_path / "edited.json")
    np.testing.assert_array_equal(again.data.targets, exp.data.targets)
    np.testing.assert_array_equal(again.data.test_inputs, exp.data.test_inputs)


def test_a_changed_csv_file_is_not_trusted_on_save(tmp_path):
    path = _network_with_csv(tmp_path)
    exp = load_experiment(path)
    (tmp_path / "points.csv").write_text(CSV.replace("1,1,0", "1,1,1"), encoding="utf-8")
    save_experiment(exp, tmp_path / "out.json")
    data = json.loads((tmp_path / "out.json").read_text())["data"]
    assert "csv" not in data and data["targets"] == [[0.0], [1.0], [1.0], [0.0]]
