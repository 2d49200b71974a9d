"""Issue 13, point 7: the derived input features in the settings panel: a checkbox per declared feature
(``settings_table.FEATURES``); a change is one undoable command; the data, the input layer and the file follow."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from sandbox.engine.features import FEATURE_NAMES, labels  # noqa: E402
from sandbox.files import load_experiment, loads_experiment, save_experiment  # noqa: E402
from sandbox.files import settings_table as T  # noqa: E402
from sandbox.gui.model.document import Document  # noqa: E402
from sandbox.gui.settings import SettingsPanel  # noqa: E402
from sandbox.resources import resource_path  # noqa: E402

SPIRAL = resource_path("networks", "spiral.json")


@pytest.fixture
def panel(qtbot):
    doc = Document(load_experiment(SPIRAL), SPIRAL)
    p = SettingsPanel(doc)
    qtbot.addWidget(p)
    for fold in p.folds.values():
        fold.set_expanded(True)
    p.resize(320, 900)
    p.show()
    return p


def test_the_declared_features_are_the_engines():
    assert T.FEATURES.choices == FEATURE_NAMES


def test_checking_features_adds_input_neurons_saves_them_and_undo_takes_them_back(qtbot, panel, tmp_path):
    doc = panel.document
    boxes = panel.dataset.features
    assert list(boxes) == list(FEATURE_NAMES)
    assert [b.text() for b in boxes.values()] == labels(list(FEATURE_NAMES))[2:]
    assert not any(b.isChecked() for b in boxes.values()) and all(b.isEnabled() for b in boxes.values())
    raw = doc.experiment.data.inputs.copy()
    boxes["x1*x2"].click()
    boxes["x1^2"].click()
    exp = doc.experiment
    assert exp.features == ["x1^2", "x1*x2"]  # the declared order, whatever the order of the clicks
    assert exp.network.input_size == 4 and exp.network.input_labels == ["x1", "x2", "x1²", "x1x2"]
    np.testing.assert_array_equal(exp.data.inputs[:, :2], raw)
    np.testing.assert_array_equal(exp.data.inputs[:, 2], raw[:, 0] ** 2)
    np.testing.assert_array_equal(exp.data.inputs[:, 3], raw[:, 0] * raw[:, 1])
    assert exp.data.test_inputs.shape[1] == 4
    assert doc.trainer.network.input_size == 4
    path = tmp_path / "spiral-features.json"
    save_experiment(exp, path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["data"]["features"] == ["x1^2", "x1*x2"] and saved["data"]["generator"] == "spiral"
    again = loads_experiment(path.read_text(encoding="utf-8"))
    np.testing.assert_array_equal(again.data.inputs, exp.data.inputs)

    panel.dataset.regenerate.click()  # new data of the same problem: the features follow
    assert doc.experiment.features == ["x1^2", "x1*x2"] and doc.experiment.data.inputs.shape[1] == 4
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.experiment.features == ["x1*x2"] and boxes["x1*x2"].isChecked() and not boxes["x1^2"].isChecked()
    doc.undo_stack.undo()
    assert doc.experiment.features == [] and doc.experiment.network.input_size == 2
    np.testing.assert_array_equal(doc.experiment.data.inputs, raw)


def test_data_without_two_inputs_cannot_have_features(qtbot):
    from sandbox.engine import Dataset, Experiment, Layer, Network

    rng = np.random.default_rng(1)
    net = Network(3, [Layer(rng.normal(size=(2, 3)), "tanh", np.zeros(2)), Layer(rng.normal(size=(1, 2)))])
    x = rng.normal(size=(5, 3))
    panel = SettingsPanel(Document(Experiment(net, Dataset(x, x[:, :1]), data_source={"inputs": x.tolist(),
                                                                                      "targets": x[:, :1].tolist()})))
    qtbot.addWidget(panel)
    assert not any(b.isEnabled() for b in panel.dataset.features.values())
    assert "Only 2-input data sets can have derived features" in panel.dataset.features_label.toolTip()
