"""Older versions go through the explicit upgrade chain; a made-up version 0 stands in for them."""

import json
from pathlib import Path

import pytest

from sandbox.files import UPGRADES, VERSION, NetworkFileError, dumps_experiment, loads_experiment, upgrade_0_to_1

LECTURE = Path(__file__).resolve().parents[1] / "resources" / "networks" / "lecture17-linear.json"

#: the lecture's network as version 0 wrote it (see sandbox/files/upgrade.py for what version 0 was)
VERSION_0 = """{
  "format": "backprop-sandbox.network",
  "version": 0,
  "title": "Lecture 17: simple linear network",
  "layers": [
    {"units": 2, "labels": ["i1", "i2"]},
    {"units": 2, "activation": "identity", "use_bias": false, "labels": ["h1", "h2"],
     "W": [[0.11, 0.21], [0.12, 0.08]], "weight_labels": [["w1", "w2"], ["w3", "w4"]]},
    {"units": 1, "activation": "identity", "use_bias": false, "labels": ["y"],
     "W": [[0.14, 0.15]], "weight_labels": [["w5", "w6"]]}
  ],
  "loss": "mse",
  "optimizer": "sgd",
  "learning_rate": 0.05,
  "momentum": 0.0,
  "batch": {"mode": "single", "shuffle": false, "seed": 0},
  "data": {"inputs": [[2, 3]], "targets": [[1]]}
}"""


def test_the_chain_reaches_the_current_version():
    assert VERSION == 1
    assert sorted(UPGRADES) == list(range(VERSION))


def test_a_version_0_file_loads_as_the_current_lecture_file():
    old = loads_experiment(VERSION_0)
    current = loads_experiment(LECTURE.read_text(encoding="utf-8"))
    old.description = current.description
    assert dumps_experiment(old) == dumps_experiment(current)


def test_the_upgrade_step_renames_and_leaves_the_input_alone():
    doc = json.loads(VERSION_0)
    up = upgrade_0_to_1(doc)
    assert doc["version"] == 0 and "title" in doc  # the input is not changed
    assert up["version"] == 1 and up["name"] == "Lecture 17: simple linear network"
    assert up["layers"][1] == {"size": 2, "activation": "identity", "bias": False, "labels": ["h1", "h2"],
                               "weights": [[0.11, 0.21], [0.12, 0.08]], "weight_labels": [["w1", "w2"], ["w3", "w4"]]}
    assert up["optimizer"] == {"name": "sgd", "learning_rate": 0.05, "momentum": 0.0}
    assert up["loss"] == {"name": "mse", "reduction": "mean"}


def test_problems_of_an_upgraded_file_are_still_reported_at_their_place():
    doc = json.loads(VERSION_0)
    doc["layers"][1]["W"][0] = [0.11]
    with pytest.raises(NetworkFileError) as info:
        loads_experiment(json.dumps(doc))
    assert [str(p) for p in info.value.problems] == ["layers[1].weights[0]: expected 2 numbers, got 1"]


@pytest.mark.parametrize("version, message", [
    (2, "version: this file has format version 2, which is newer than this program understands (it reads up to "
        "version 1); update backprop-sandbox to open it"),
    (-1, "version: format version -1 is not known (known: 0 to 1)"),
    ("1", 'version: expected a whole number, got a string ("1")'),
])
def test_unknown_versions_are_refused(version, message):
    doc = json.loads(VERSION_0)
    doc["version"] = version
    with pytest.raises(NetworkFileError) as info:
        loads_experiment(json.dumps(doc))
    assert [str(p) for p in info.value.problems] == [message]
