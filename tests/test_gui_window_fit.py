"""Issue 13, points 2 and 3: the window fits a classroom's screens (the lecture's result and the applied
update readable without scrolling at 1280×720 … 1920×1080; the new prediction and loss beside the old in
the graph; Step brings the explanation to the front; the flat input-plane map out of the way of a
1-sample network) and presentation mode (bigger text, fewer docks, one key back)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMessageBox

SIZES = [(1280, 720), (1366, 768), (1440, 900), (1920, 1080)]

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture(autouse=True)
def dialogs(monkeypatch):
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))


def make_window(qtbot, width: int = 1400, height: int = 900, path=None):
    from sandbox.gui import MainWindow

    w = MainWindow(path)
    qtbot.addWidget(w)
    w.player.set_speed("instant")
    w.resize(width, height)
    w.show()
    qtbot.waitExposed(w)
    return w


def action(window, name: str) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def dock(window, name: str) -> QDockWidget:
    found = window.findChild(QDockWidget, name)
    assert found is not None, name
    return found


def to_the_end(window) -> None:
    """Step through the lecture's first update until it is applied."""
    for _ in range(21):
        action(window, "stepAction").trigger()
    assert window.document.applied


# ---- the new prediction and loss beside the old ones --------------------------------------------------

def test_after_the_update_the_graph_shows_the_new_prediction_and_loss_beside_the_old(qtbot):
    w = make_window(qtbot)
    view, doc = w.network_view, w.document
    for _ in range(20):
        action(w, "stepAction").trigger()
    assert not doc.applied
    assert (view.displayed_text("y"), view.displayed_old("y")) == ("0.191", "")
    assert (view.displayed_text("E"), view.displayed_old("E")) == ("0.3272", "")
    action(w, "stepAction").trigger()  # the last step: the update is applied
    wt = doc.walkthrough
    assert doc.applied and float(wt.outputs_after[0][0]) == pytest.approx(0.2557, abs=5e-5)
    assert (view.displayed_old("y"), view.displayed_text("y")) == ("0.191", "0.2557")
    assert (view.displayed_old("E"), view.displayed_text("E")) == ("0.3272", "0.277")
    assert "0.2557" in view.tooltip_text("y") and "after the update" in view.tooltip_text("E")
    # hidden neurons keep their values (the engine gives the new outputs, not new hidden values)
    assert view.displayed_old("h1") == "" and view.displayed_text("h1") == "0.85"
    action(w, "stepBackAction").trigger()  # taken back: the old values alone again
    assert (view.displayed_text("y"), view.displayed_old("y")) == ("0.191", "")
    assert (view.displayed_text("E"), view.displayed_old("E")) == ("0.3272", "")
    action(w, "stepAction").trigger()
    action(w, "stepAction").trigger()  # the next update begins: nothing "after" any more
    assert view.displayed_old("y") == "" and view.displayed_old("E") == ""
    doc.undo_stack.setClean()
