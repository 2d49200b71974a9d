"""The shipped data sets in the window: digits.json and iris.json open as templates with their image and class
column; the settings panel's data section names the class column and a new test fraction keeps one-hot targets."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402

from sandbox.files import load_experiment  # noqa: E402
from sandbox.gui.model.document import Document  # noqa: E402
from sandbox.gui.settings import SettingsPanel  # noqa: E402
from sandbox.resources import resource_path  # noqa: E402

DIGITS = resource_path("networks", "digits.json")
IRIS = resource_path("networks", "iris.json")


def test_the_data_set_examples_open_in_the_window(qtbot):
    from sandbox.gui import MainWindow

    window = MainWindow(IRIS)
    qtbot.addWidget(window)
    assert window.document.experiment.network.layers[-1].labels == ["setosa", "versicolor", "virginica"]
    assert window.open_file(DIGITS)
    exp = window.document.experiment
    assert window.document.path is None and window.document.template == DIGITS  # an untitled copy
    assert exp.input_image == (8, 8) and exp.data.targets.shape == (1438, 10)


def test_the_data_section_names_the_class_column_and_a_new_test_fraction_keeps_one_hot_targets(qtbot):
    doc = Document(load_experiment(DIGITS), DIGITS)
    panel = SettingsPanel(doc)
    qtbot.addWidget(panel)
    for fold in panel.folds.values():
        fold.set_expanded(True)
    panel.show()
    data = panel.dataset
    assert "from digits.csv, targets: one per class of column digit" in data.counts.text()
    data.test_fraction.setFocus()
    data.test_fraction.lineEdit().selectAll()
    qtbot.keyClicks(data.test_fraction.lineEdit(), "0.5")
    qtbot.keyClick(data.test_fraction.lineEdit(), Qt.Key.Key_Return)
    exp = doc.experiment
    assert exp.data_source == {"csv": "../data/digits.csv", "class_column": "digit", "test_fraction": 0.5, "seed": 0}
    assert (exp.data.n_train, exp.data.n_test) == (899, 898)
    assert exp.data.targets.shape == (899, 10) and np.all(exp.data.test_targets.sum(axis=1) == 1)
    assert exp.input_image == (8, 8)
