"""The explanation pane's matrixToggle: the lecture's matrix slide of the update (``matrix_text``) in the panel's
place, a view setting that stays from step to step and never touches the undo stack."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QToolButton  # noqa: E402

from sandbox.files import load_experiment  # noqa: E402
from sandbox.gui.common.icons import resource_file  # noqa: E402


@pytest.fixture
def pane(qtbot):
    from sandbox.gui.model.document import Document
    from sandbox.gui.stepping.explanation_panel import ExplanationPane

    doc = Document(load_experiment(resource_file("networks", "lecture17-linear.json")), None)
    widget = ExplanationPane(doc)
    qtbot.addWidget(widget)
    widget.resize(620, 760)
    widget.show()
    return widget


def test_the_matrix_toggle_shows_the_lecture_s_slide_and_stays_from_step_to_step(pane):
    from sandbox.explain.matrix import matrix_text

    doc, panel = pane.panel.doc, pane.panel
    toggle = pane.findChild(QToolButton, "matrixToggle")
    assert toggle is pane.matrix_toggle and toggle.isCheckable() and not toggle.isChecked()
    w = doc.ensure_walkthrough()
    last = len(w.steps) - 1
    doc.set_position(last)  # the whole update, applied
    w6_formula = w.steps[last].symbolic  # the last step's formula, as the panel writes it
    assert w.steps[last].target == "w6" and w6_formula in panel.text()
    commands = doc.undo_stack.count()

    toggle.click()
    text = panel.text()
    assert "Matrix form of update 1" in text and w6_formula not in text
    for line in matrix_text(w).splitlines():  # every line of the slide, as it is written
        assert line.strip() in text, line
    assert "0.1743825" in text and "−0.0343825" in text and "0.0982025" in text  # the lecture's numbers
    assert "Update applied" in text
    assert doc.undo_stack.count() == commands  # a view setting: nothing to undo

    doc.set_position(last - 4)  # back into the update phase: still the matrix form
    assert toggle.isChecked() and "Matrix form of update 1" in panel.text()
    assert "Update applied" not in panel.text()
    assert not pane.steps.isVisibleTo(pane) and not pane.steps_heading.isVisibleTo(pane)  # the matrices' room


    toggle.click()  # off: the step's formula again
    assert not panel.matrix_form and "Matrix form" not in panel.text() and w.steps[last - 4].symbolic in panel.text()
    assert w.steps[last - 4].target == "w2" and pane.steps.isVisibleTo(pane)
    assert pane.steps.toPlainText().strip().endswith(f"{last - 3}.  w2 = 0.227")  # the list as before


def test_before_an_update_the_matrix_form_says_when_it_comes(pane):
    pane.matrix_toggle.click()
    assert "Ready" in pane.panel.text() and "once you step into an update" in pane.panel.text()
    doc = pane.panel.doc
    doc.ensure_walkthrough()
    doc.set_position(0)
    assert "Matrix form of update 1" in pane.panel.text()
