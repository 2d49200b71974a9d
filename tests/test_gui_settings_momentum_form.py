"""The settings panel's momentum form (SGD): a combo box made from the declaration, enabled with momentum, one
undoable command that reaches the trainer (its state afresh: another kind of memory) and the file."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402

from sandbox.engine import OptimizerSpec  # noqa: E402
from sandbox.files import load_experiment  # noqa: E402
from sandbox.files.save import dumps_experiment  # noqa: E402
from sandbox.gui.model.document import Document  # noqa: E402
from sandbox.gui.settings import SettingsPanel  # noqa: E402
from sandbox.resources import resource_path  # noqa: E402

MOMENTUM = resource_path("networks", "momentum.json")


@pytest.fixture
def panel(qtbot):
    doc = Document(load_experiment(MOMENTUM), MOMENTUM)
    p = SettingsPanel(doc)
    qtbot.addWidget(p)
    for fold in p.folds.values():
        fold.set_expanded(True)
    p.resize(320, 900)
    p.show()
    return p


def _choose(combo, data) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def test_the_momentum_form_is_a_combo_box_enabled_with_momentum(qtbot, panel):
    doc = panel.document
    form = panel.optimizer.options["momentum_form"]
    assert form.objectName() == "optimizer_sgd_momentum_form"
    assert [form.itemData(i) for i in range(form.count())] == ["lecture", "pytorch"]
    assert form.currentData() == "lecture" and form.isEnabled()
    assert panel.optimizer.form.labelForField(form).text().startswith("Momentum form")
    assert "b = γb + ∇E" in form.itemData(1, Qt.ItemDataRole.ToolTipRole)
    trainer = doc.trainer
    trainer.step()
    assert "velocity" in trainer.optimizer.state[0]

    _choose(form, "pytorch")
    assert doc.experiment.optimizer.options == {"momentum": 0.9, "momentum_form": "pytorch"}
    assert doc.undo_stack.undoText() == "Set momentum form"
    assert doc.trainer.optimizer.momentum_form == "pytorch"
    doc.trainer.step()
    assert list(doc.trainer.optimizer.state[0]) == ["momentum_buffer"]
    assert json.loads(dumps_experiment(doc.experiment))["optimizer"]["momentum_form"] == "pytorch"

    _choose(form, "lecture")  # the default again: not written to the file
    assert doc.experiment.optimizer.options == {"momentum": 0.9}
    assert "momentum_form" not in json.loads(dumps_experiment(doc.experiment))["optimizer"]
    _choose(form, "pytorch")
    doc.undo_stack.undo()
    assert doc.experiment.optimizer.options == {"momentum": 0.9} and form.currentData() == "lecture"
    doc.undo_stack.redo()
    assert doc.experiment.optimizer.options["momentum_form"] == "pytorch" and form.currentData() == "pytorch"

    panel.set_setting("Set momentum γ", {"optimizer": OptimizerSpec("sgd", 0.145, {"momentum_form": "pytorch"})})
    assert not form.isEnabled() and not panel.optimizer.form.labelForField(form).isEnabled()
    assert form.currentData() == "pytorch"
