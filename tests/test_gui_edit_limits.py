"""An edit in the window that would make a network a file cannot hold is refused with the reason, nothing changes
(the document, its undo stack, the widgets), so that whatever the window builds saves and opens again."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from test_gui_settings_panel import SPIRAL, _type  # noqa: E402

from sandbox.files import load_experiment  # noqa: E402
from sandbox.gui.model.document import Document  # noqa: E402
from sandbox.gui.settings import SettingsPanel  # noqa: E402


@pytest.fixture
def panel(qtbot):
    doc = Document(load_experiment(SPIRAL), SPIRAL)
    p = SettingsPanel(doc)
    qtbot.addWidget(p)
    for fold in p.folds.values():
        fold.set_expanded(True)
    p.resize(300, 900)
    p.show()
    return p


def test_a_million_samples_with_a_wide_layer_is_refused_and_nothing_changes(qtbot, panel):
    doc = panel.document
    problems: list[tuple[str, str]] = []
    doc.problem.connect(lambda title, text: problems.append((title, text)))
    _type(qtbot, panel.dataset.samples, "1000000")  # 2-8-8-1: 8,000,000 values a pass, allowed
    assert doc.experiment.data_source["samples"] == 1_000_000 and not problems
    experiment, count = doc.experiment, doc.undo_stack.count()
    row = panel.architecture.rows[0]
    _type(qtbot, row.size, "17")  # 17,000,000 values a pass: more than a file may hold
    assert doc.experiment is experiment and doc.undo_stack.count() == count
    assert row.size.value() == 8
    assert problems == [("Change not made", "Set neurons of hidden layer 1: not made, a network file could not "
                                            "hold it: 1,000,000 samples times the 17 neurons of the widest layer "
                                            "make 17,000,000 values in one pass over the data; at most 16,000,000 "
                                            "are supported")]
    _type(qtbot, row.size, "16")  # exactly the limit: made
    assert doc.experiment.network.layers[0].size == 16 and doc.undo_stack.count() == count + 1
