"""Issue 13, points 2 and 3: the window fits a classroom's screens (the lecture's result and the applied
update readable without scrolling at 1280×720 … 1920×1080; the new prediction and loss beside the old in
the graph; Step brings the explanation to the front; the flat input-plane map out of the way of a
1-sample network) and presentation mode (bigger text, fewer docks, one key back)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDockWidget, QMessageBox

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


# ---- the lecture's result readable without scrolling at a classroom's window sizes ------------------------

@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_result_line_and_the_applied_update_are_readable_without_scrolling(qtbot, size):
    w = make_window(qtbot, *size)
    assert (w.width(), w.height()) == size
    to_the_end(w)
    qtbot.waitUntil(lambda: w.explanation_panel.verticalScrollBar().maximum() == 0)
    panel = w.explanation_panel
    text = panel.text()
    assert "= 0.169416" in text  # the last formula's result line
    assert "Update applied." in text and "y = 0.2557" in text and "from 0.3272 to 0.277" in text
    assert panel.isVisible() and not w.explanation_dock.visibleRegion().isEmpty()  # in front of its tabs
    # the whole text lies inside the panel's viewport: nothing below the fold
    assert panel.document().size().height() <= panel.viewport().height()
    assert panel.height() >= 150  # room for the formula and the summary, not a 120 px sliver
    # and the graph shows the update's effect
    view = w.network_view
    assert (view.displayed_old("y"), view.displayed_text("y")) == ("0.191", "0.2557")
    assert (view.displayed_old("E"), view.displayed_text("E")) == ("0.3272", "0.277")
    w.document.undo_stack.setClean()


# ---- Step brings the explanation to the front --------------------------------------------------------------

@pytest.mark.parametrize("name", ["stepAction", "stepBackAction", "finishUpdateAction"])
def test_step_brings_the_explanation_tab_to_the_front(qtbot, name):
    w = make_window(qtbot, 1280, 720)
    settings = dock(w, "settingsDock")
    assert settings in w.tabifiedDockWidgets(w.explanation_dock)  # they share the right column
    action(w, "stepAction").trigger()
    action(w, "stepAction").trigger()
    settings.raise_()  # Settings in front: the explanation's tab behind it shows nothing
    qtbot.waitUntil(lambda: w.explanation_dock.visibleRegion().isEmpty())
    assert not settings.visibleRegion().isEmpty()
    action(w, name).trigger()
    qtbot.waitUntil(lambda: not w.explanation_dock.visibleRegion().isEmpty())
    assert settings.visibleRegion().isEmpty()
    w.document.undo_stack.setClean()


# ---- the input-plane map where it helps ---------------------------------------------------------------------

def test_the_input_plane_map_is_hidden_for_the_lecture_and_shown_for_the_spiral(qtbot, tmp_path):
    from sandbox.gui.window.main_window import templates

    w = make_window(qtbot, 1440, 900)
    boundary = dock(w, "decisionBoundaryDock")
    assert w.document.experiment.data.n_train == 1
    assert not w.map_is_useful() and not boundary.isVisible()
    toggle = boundary.toggleViewAction()
    assert toggle in w.view_menu.actions() and not toggle.isChecked()
    spiral = next(p for p in templates() if p.stem == "spiral")
    assert w.open_file(spiral)
    assert w.map_is_useful()
    qtbot.waitUntil(boundary.isVisible)
    # the user's choice in the View menu sticks: hidden, it stays hidden for the next 2-D network too
    toggle.trigger()
    assert not boundary.isVisible()
    assert w.open_file(spiral)
    assert not boundary.isVisible()
    w.document.undo_stack.setClean()


def test_a_layout_remembered_from_the_lecture_does_not_hide_the_spiral_s_map(qtbot):
    """The lecture's window hides the map and remembers its layout on closing; the next window, opened on the
    spiral, shows the map all the same (the remembered layout is restored first, the map rule after it)."""
    from sandbox.gui.window.main_window import templates

    lecture = make_window(qtbot, 1440, 900)
    assert not dock(lecture, "decisionBoundaryDock").isVisible()
    lecture.save_settings()
    lecture.close()
    spiral = make_window(qtbot, 1440, 900, next(p for p in templates() if p.stem == "spiral"))
    qtbot.waitUntil(dock(spiral, "decisionBoundaryDock").isVisible)


def test_a_network_with_three_inputs_hides_the_map(qtbot, tmp_path):
    from sandbox.engine import Dataset, Experiment, Layer, Network
    from sandbox.files import save_experiment

    net = Network(3, [Layer([[0.1, 0.2, 0.3]])])
    path = tmp_path / "three.json"
    save_experiment(Experiment(net, Dataset([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]], [[1.0], [0.0]])), path)
    w = make_window(qtbot, 1440, 900, path)
    assert not w.map_is_useful() and not dock(w, "decisionBoundaryDock").isVisible()
    w.document.undo_stack.setClean()


# ---- presentation mode -----------------------------------------------------------------------------------------

def fonts(w) -> dict:
    """Every size presentation mode changes, to compare before and after exactly."""
    pane = w.explanation_pane
    axes = {side: w.loss_plot.getPlotItem().getAxis(side) for side in ("left", "bottom")}
    return {
        "window": w.font().toString(),
        "window set": w.testAttribute(Qt.WidgetAttribute.WA_SetFont),
        "status": w.statusBar().font().toString(),
        "panel css": w.explanation_panel.document().defaultStyleSheet(),
        "panel font": w.explanation_panel.document().defaultFont().toString(),
        "steps font": pane.steps.document().defaultFont().toString(),
        "heading": pane.steps_heading.styleSheet(),
        "toggle": pane.matrix_toggle.styleSheet(),
        "ticks": {k: (a.style["tickFont"].toString() if a.style["tickFont"] is not None else None)
                  for k, a in axes.items()},
        "labels": {k: a.label.font().toString() for k, a in axes.items()},
        "icons": w.main_toolbar.iconSize().toTuple(),
    }


def geo(w):
    return {d.objectName(): d.geometry().getRect() for d in w.findChildren(QDockWidget) if d.isVisible()}


def visible_docks(w) -> set[str]:
    return {d.objectName() for d in w.findChildren(QDockWidget) if d.isVisible()}


def test_presentation_mode_scales_up_hides_the_rest_and_one_key_restores_everything(qtbot):
    w = make_window(qtbot, 1920, 1080, None)
    presentation = action(w, "presentationAction")
    assert presentation.isCheckable() and presentation in w.view_menu.actions()
    keys = [k.toString() for k in presentation.shortcuts()]
    assert keys == ["F5", "Ctrl+Shift+P"]
    # no other action of the window answers those keys (practice is Ctrl+P)
    others = {k.toString() for a in w.findChildren(QAction) if a is not presentation for k in a.shortcuts()}
    assert not others & set(keys) and "Ctrl+P" in others
    for _ in range(4):
        action(w, "stepAction").trigger()
    dock(w, "decisionBoundaryDock").show()  # a layout of the user's own: the map shown too
    QApplication.processEvents()  # (its place in the layout settled before it is remembered)
    before_state, before_fonts, before_docks = w.saveState(), fonts(w), visible_docks(w)
    before_geo = geo(w)
    assert {"settingsDock", "decisionBoundaryDock", "explanationDock", "historyDock"} <= before_docks
    base = w.font().pointSizeF()

    presentation.trigger()
    assert w.presentation.on and presentation.isChecked()
    assert visible_docks(w) == {"explanationDock", "historyDock"}
    assert w.loss_plot.isVisible() and not w.gradient_plot.isVisible()
    assert w.font().pointSizeF() == pytest.approx(1.5 * base)
    assert w.statusBar().font().pointSizeF() == pytest.approx(1.5 * base)
    assert "font-size: 28px" in w.explanation_panel.document().defaultStyleSheet()  # the formula: 19 → 28 px
    assert w.explanation_panel.document().defaultFont().pointSizeF() == pytest.approx(
        1.5 * w.explanation_panel.font().pointSizeF())
    assert w.loss_plot.getPlotItem().getAxis("left").style["tickFont"].pointSizeF() >= 12
    assert w.main_toolbar.iconSize().width() > before_fonts["icons"][0]
    assert "= 0.3272405" in w.explanation_panel.text()  # the same step (the loss), bigger

    # Esc leaves it: the layout, the fonts and the plots exactly as before
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    w.network_view.setFocus()
    qtbot.keyClick(w.network_view, Qt.Key.Key_Escape)
    assert not w.presentation.on and not presentation.isChecked()
    assert w.saveState() == before_state and geo(w) == before_geo
    assert fonts(w) == before_fonts
    assert visible_docks(w) == before_docks
    assert w.gradient_plot.isVisible()
    # Esc does nothing more once it is off; F5 (the action's key) toggles it on and off again
    assert not w.presentation.leave_shortcut.isEnabled()
    qtbot.keyClick(w.network_view, Qt.Key.Key_F5)
    assert w.presentation.on and w.presentation.leave_shortcut.isEnabled()
    qtbot.keyClick(w.network_view, Qt.Key.Key_F5)
    assert not w.presentation.on
    assert w.saveState() == before_state and fonts(w) == before_fonts
    w.document.undo_stack.setClean()


def test_presentation_mode_keeps_a_user_s_zoom_and_ignores_the_map_rule(qtbot):
    w = make_window(qtbot, 1440, 900)
    view = w.network_view
    view.zoom(1.25)
    zoomed = view.transform().m11()
    presentation = action(w, "presentationAction")
    presentation.trigger()
    assert not dock(w, "decisionBoundaryDock").isVisible()
    presentation.trigger()
    assert view.transform().m11() == pytest.approx(zoomed)
    w.document.undo_stack.setClean()


def test_a_2_input_network_opened_while_presenting_shows_its_map_after_leaving(qtbot):
    from sandbox.gui.window.main_window import templates

    w = make_window(qtbot, 1440, 900)  # the lecture: no map
    presentation = action(w, "presentationAction")
    presentation.trigger()
    assert w.open_file(next(p for p in templates() if p.stem == "spiral"))
    assert not dock(w, "decisionBoundaryDock").isVisible()  # presenting: the map stays hidden
    presentation.trigger()
    qtbot.waitUntil(dock(w, "decisionBoundaryDock").isVisible)  # the spiral's map, not the lecture's layout
    w.document.undo_stack.setClean()


def test_esc_in_a_weight_editor_cancels_the_edit_and_stays_in_presentation_mode(qtbot):
    w = make_window(qtbot, 1440, 900)
    action(w, "presentationAction").trigger()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    editor = w.network_view.begin_edit(("weight", 2, 0, 0))  # w5
    editor.setFocus()
    qtbot.keyClicks(editor, "9")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert w.presentation.on  # the key was the editor's
    assert not editor.isVisible() and w.document.experiment.network.layers[1].weights[0, 0] == 0.14
    qtbot.keyClick(w.network_view, Qt.Key.Key_Escape)  # the next Esc leaves presentation mode
    assert not w.presentation.on
    w.document.undo_stack.setClean()


def test_closing_in_presentation_mode_remembers_the_layout_of_before(qtbot):
    from PySide6.QtCore import QSettings

    w = make_window(qtbot, 1440, 900)
    QApplication.processEvents()  # (the first arrangement settled)
    before = w.saveState()
    action(w, "presentationAction").trigger()
    assert w.presentation.on
    w.close()
    assert not w.presentation.on
    assert QSettings().value("window/state") == before
