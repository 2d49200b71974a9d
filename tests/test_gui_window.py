"""The real main window, driven as a user would: stepping through the lecture's update, stepping
back, editing by double-click, undo, opening a broken file, saving."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import QLabel, QMessageBox  # noqa: E402

from sandbox.engine import Layer, Network  # noqa: E402
from sandbox.gui.common.formatting import short  # noqa: E402

LECTURE_STEPS = 21


pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def dialogs(monkeypatch):
    """Message boxes never block: errors are recorded, "unsaved changes?" answers Discard."""
    shown = {"critical": [], "warning": [], "answer": QMessageBox.StandardButton.Discard}

    def critical(parent, title, text, *args, **kwargs):
        shown["critical"].append((title, text))
        return QMessageBox.StandardButton.Ok

    def warning(parent, title, text, *args, **kwargs):
        shown["warning"].append((title, text))
        return shown["answer"]

    monkeypatch.setattr(QMessageBox, "critical", staticmethod(critical))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    return shown


@pytest.fixture
def window(qtbot, dialogs):
    from sandbox.gui import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.player.set_speed("instant")
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    return w


def action(window, name: str) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def step(window, times: int = 1) -> None:
    for _ in range(times):
        action(window, "stepAction").trigger()


def shown(window) -> dict:
    """Everything the view and the panel show, to compare states exactly."""
    view = window.network_view
    labels = ["i1", "i2", "h1", "h2", "y", "w1", "w2", "w3", "w4", "w5", "w6", "y*", "E"]
    return {
        "text": {lab: view.displayed_text(lab) for lab in labels},
        "grad": {lab: view.displayed_gradient(lab) for lab in labels if lab != "E"},
        "old": {lab: view.displayed_old(lab) for lab in labels if lab.startswith("w")},
        "highlighted": {lab: view.is_highlighted(lab) for lab in labels if lab != "E"},
        "panel": window.explanation_panel.toPlainText(),
        "weights": [layer.weights.copy().tolist() for layer in window.document.experiment.network.layers],
        "iteration": window.document.trainer.iteration,
        "modified": window.isWindowModified(),
    }


# ---- the lecture's update, step by step -----------------------------------------------------------

def test_window_opens_with_the_lecture_network(window):
    view = window.network_view
    assert view.objectName() == "networkView"
    # a shipped example opens as an untitled copy (issue 13): Save asks where
    assert window.document.path is None and window.document.template.name == "lecture17-linear.json"
    assert window.windowTitle().startswith("Lecture 17: simple linear network (example) — untitled")
    assert view.displayed_text("i1") == "2" and view.displayed_text("i2") == "3"
    assert view.displayed_text("w5") == "0.14" and view.displayed_text("y*") == "1"
    assert view.displayed_text("y") == "0.191"  # the engine's forward pass, before any step
    assert view.labels_visible()
    for name in ("openAction", "saveAction", "saveAsAction", "undoAction", "redoAction", "stepAction",
                 "stepBackAction", "finishUpdateAction", "trainAction", "resetAction"):
        assert not action(window, name).icon().isNull(), name
    assert action(window, "trainAction").isCheckable()
    from pyqtgraph import PlotWidget
    assert window.findChild(PlotWidget, "lossPlot") is window.loss_plot
    assert window.findChild(PlotWidget, "gradientPlot") is window.gradient_plot


def test_stepping_through_the_lecture_update(window, tmp_path):
    view, panel = window.network_view, window.explanation_panel
    step(window)  # h1
    assert view.displayed_text("h1") == "0.85" and view.displayed_text("h2") == "" and view.displayed_text("y") == ""
    assert view.is_highlighted("h1") and view.is_highlighted("w1") and view.is_highlighted("w2")
    assert "Forward pass" in panel.toPlainText() and "2·0.11 + 3·0.21" in panel.toPlainText()
    step(window, 2)  # h2, y
    assert [view.displayed_text(x) for x in ("h1", "h2", "y")] == ["0.85", "0.48", "0.191"]
    assert "0.85·0.14 + 0.48·0.15" in panel.toPlainText()
    step(window)  # loss
    assert view.displayed_text("E") == "0.3272" and "0.3272405" in view.tooltip_text("E")
    assert "½(0.191 − 1)²" in panel.toPlainText()
    step(window)  # ∂E/∂y
    assert view.displayed_gradient("y") == "−0.809"
    step(window)  # ∂E/∂w5
    assert view.displayed_gradient("w5") == "−0.6876"
    assert "−0.68765" in view.tooltip_text("w5")
    assert "(−0.809)(0.85)" in panel.toPlainText() and "−0.68765" in panel.toPlainText()
    assert "Backward pass" in panel.toPlainText()
    step(window, 9)  # through ∂E/∂w4, then ∂E/∂i1 and ∂E/∂i2
    assert view.displayed_gradient("h1") == "−0.1133" and view.displayed_gradient("w4") == "−0.364"
    assert window.document.trainer.iteration == 0
    step(window, 6)  # the six updates; the last one applies the update
    assert window.document.position == LECTURE_STEPS - 1 and window.document.applied
    assert view.displayed_text("w5") == "0.1744" and view.displayed_text("w6") == "0.1694"
    assert view.displayed_old("w5") == "0.14" and view.displayed_old("w6") == "0.15"
    assert "0.1743825" in view.tooltip_text("w5") and "0.169416" in view.tooltip_text("w6")
    assert "0.15 − 0.05·0.48·(−0.809)" in panel.toPlainText() and "Update applied" in panel.toPlainText()
    assert window.document.trainer.iteration == 1 and window.isWindowModified()
    assert window.loss_plot.values() == pytest.approx([0.3272405])
    assert [v[0] for v in window.gradient_plot.values()] == pytest.approx(
        [np.sqrt(0.22652**2 + 0.33978**2 + 0.2427**2 + 0.36405**2), np.sqrt(0.68765**2 + 0.38832**2)])
    assert "Iteration <b>1</b>" in window.iteration_label.text()

    out = tmp_path / "after.json"
    assert window.save_file(out)
    data = json.loads(out.read_text(encoding="utf-8"))
    np.testing.assert_allclose(data["layers"][1]["weights"], [[0.121326, 0.226989], [0.132135, 0.0982025]],
                               rtol=0, atol=1e-12)
    np.testing.assert_allclose(data["layers"][2]["weights"], [[0.1743825, 0.169416]], rtol=0, atol=1e-12)
    assert not window.isWindowModified() and window.document.path == out

    step(window)  # the next update begins at once with its first step: h1 with the new weights
    doc = window.document
    assert doc.position == 0 and not doc.applied and doc.walkthrough.iteration == 1
    assert view.displayed_text("h1") == "0.9236" and view.is_highlighted("h1")  # 2·0.1213 + 3·0.227
    assert view.displayed_text("w5") == "0.1744" and view.displayed_old("w5") == ""
    assert "Step <b>1</b> of 21" in window.position_label.text()


def test_step_back_restores_exactly_what_was_shown(window):
    seen = [shown(window)]
    for _ in range(LECTURE_STEPS + 3):  # the whole update, then into the next one
        step(window)
        seen.append(shown(window))
    assert seen[LECTURE_STEPS]["iteration"] == 1 and seen[LECTURE_STEPS + 1]["text"]["h1"] == "0.9236"
    for expected in reversed(seen[:-1]):
        action(window, "stepBackAction").trigger()
        assert shown(window) == expected
    assert not action(window, "stepBackAction").isEnabled()


def test_finish_update_applies_the_rest_at_once(window):
    step(window, 2)
    action(window, "finishUpdateAction").trigger()
    doc = window.document
    assert doc.applied and doc.trainer.iteration == 1
    assert doc.value_at(("weight", 2, 0, 0)) == pytest.approx(0.1743825)
    action(window, "finishUpdateAction").trigger()  # the next update as a whole
    assert doc.trainer.iteration == 2 and window.loss_plot.values() == pytest.approx([0.3272405, 0.2769572],
                                                                                        abs=1e-7)


def test_granularity_phase_shows_a_whole_phase_per_step(window):
    window.player.set_granularity("phase")
    step(window)
    view = window.network_view
    assert window.document.position == 2
    assert [view.displayed_text(x) for x in ("h1", "h2", "y")] == ["0.85", "0.48", "0.191"]
    assert all(view.is_highlighted(x) for x in ("h1", "h2", "y", "w1", "w6"))
    step(window, 2)  # loss, backward
    assert view.displayed_gradient("w1") == "−0.2265" and window.document.position == 14
    action(window, "stepBackAction").trigger()
    assert window.document.position == 3 and view.displayed_gradient("w1") == ""


def test_clicking_an_earlier_step_in_the_panel_jumps_back(window):
    step(window, 6)
    window.explanation_panel.anchorClicked.emit(QUrl("step:1"))
    assert window.document.position == 1
    assert window.network_view.displayed_text("h2") == "0.48" and window.network_view.displayed_text("y") == ""


def test_animation_never_blocks_input(window, qtbot):
    window.player.set_speed("fast")
    view = window.network_view
    step(window)
    assert view.animating
    step(window)  # finishes the running animation at once and takes the next step
    assert window.document.position == 1 and view.displayed_text("h2") == "0.48"
    with qtbot.waitSignal(view.animationFinished, timeout=5000):
        pass
    assert not view.animating


# ---- editing in place ---------------------------------------------------------------------------------

def double_click(qtbot, window, label: str):
    view = window.network_view
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.view_point_of(label))
    assert view.editor is not None, f"no editor opened on {label}"
    return view.editor


def test_double_click_a_weight_edits_it_and_undo_puts_it_back(window, qtbot):
    view = window.network_view
    editor = double_click(qtbot, window, "w5")
    assert editor.text() == "0.14"
    editor.setText("0.5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert view.editor is None
    assert view.displayed_text("w5") == "0.5"
    assert view.displayed_text("y") == "0.497"  # 0.85·0.5 + 0.48·0.15, from the engine
    assert window.isWindowModified() and action(window, "undoAction").isEnabled()
    action(window, "undoAction").trigger()
    assert view.displayed_text("w5") == "0.14" and view.displayed_text("y") == "0.191"
    assert not window.isWindowModified()
    action(window, "redoAction").trigger()
    assert view.displayed_text("y") == "0.497"


def test_editing_during_a_walkthrough_discards_it(window, qtbot):
    step(window, 5)
    editor = double_click(qtbot, window, "i1")
    editor.setText("1")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    doc = window.document
    assert doc.walkthrough is None and doc.position == -1
    assert window.network_view.displayed_text("h1") == "0.74"  # 1·0.11 + 3·0.21
    step(window)
    assert window.network_view.displayed_text("h1") == "0.74"


def test_double_click_the_target_and_a_bad_number(window, qtbot):
    editor = double_click(qtbot, window, "y*")
    editor.setText("not a number")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert window.network_view.editor is editor  # stays open, nothing changed
    assert window.document.value_at(("target", 0, 0)) == 1.0
    view = window.network_view
    assert view.edit_error.startswith("Not a number")  # the reason, shown under the editor
    note = view.findChild(QLabel, "valueEditorError")
    assert note.isVisible() and note.geometry().right() <= view.viewport().width()
    assert editor.geometry().right() <= view.viewport().width()  # the editor is not cut off either
    editor.setText("2")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert window.network_view.displayed_text("y*") == "2" and view.edit_error == ""
    step(window, 4)
    assert window.network_view.displayed_text("E") == "1.636"  # ½(0.191 − 2)²



def test_tiny_numbers_are_written_with_superscript_powers_and_edit_back(window, qtbot):
    view = window.network_view
    editor = double_click(qtbot, window, "w5")
    editor.setText("0.000034567")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert view.displayed_text("w5") == "3.457·10⁻⁵"
    assert "3.4567·10⁻⁵" in view.tooltip_text("w5")
    editor = double_click(qtbot, window, "w5")
    assert editor.text() == "3.4567·10⁻⁵"  # what the window writes, it reads back
    editor.setText("−2×10^-3")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert window.document.value_at(("weight", 2, 0, 0)) == -0.002


def test_status_bar_and_step_list_follow_the_walkthrough(window):
    assert "—" in window.loss_label.text()
    steps = window.explanation_pane.steps
    assert steps.objectName() == "explanationSteps" and not steps.isVisible()
    step(window, 3)
    assert "—" in window.loss_label.text()  # the loss is not known before its step
    step(window)
    assert "0.3272" in window.loss_label.text() and "Step <b>4</b> of 21" in window.position_label.text()
    step(window, LECTURE_STEPS - 4)
    assert steps.isVisible() and "21.  w6 = 0.1694" in steps.toPlainText().replace("\u00a0", " ")
    assert "1.  h1 = 0.85" in steps.toPlainText().replace("\u00a0", " ")
    bar = steps.verticalScrollBar()
    assert bar.value() == bar.maximum()  # the current step is in view
    assert window.explanation_panel.height() < window.explanation_pane.height()
    steps.anchorClicked.emit(QUrl("step:2"))  # a click in the list goes back
    assert window.document.position == 2 and window.network_view.displayed_text("w5") == "0.14"

def test_reset_action_is_undoable(window):
    action(window, "finishUpdateAction").trigger()
    action(window, "resetAction").trigger()
    doc = window.document
    assert doc.value_at(("weight", 2, 0, 0)) == 0.14 and doc.trainer.iteration == 0
    assert window.network_view.displayed_text("w5") == "0.14"
    action(window, "undoAction").trigger()
    assert doc.value_at(("weight", 2, 0, 0)) == pytest.approx(0.1743825)


# ---- files ---------------------------------------------------------------------------------------------

def test_opening_a_broken_file_shows_why_and_changes_nothing(window, qtbot, dialogs, tmp_path):
    editor = double_click(qtbot, window, "w1")
    editor.setText("0.3")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    experiment = window.document.experiment
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"format": "backprop-sandbox.network", "version": 1, "layers": [{"size": 2}],
                                  "bogus": 1}), encoding="utf-8")
    assert window.open_file(broken) is False
    assert len(dialogs["critical"]) == 1
    title, text = dialogs["critical"][0]
    assert "broken.json" in text and "bogus" in text
    assert window.document.experiment is experiment
    assert window.document.value_at(("weight", 1, 0, 0)) == 0.3
    assert window.isWindowModified() and window.document.template.name == "lecture17-linear.json"


def test_a_failed_save_says_why_and_stays_modified(window, qtbot, dialogs, tmp_path):
    action(window, "finishUpdateAction").trigger()
    assert window.save_file(tmp_path / "no such folder" / "x.json") is False
    assert dialogs["critical"] and window.isWindowModified()
    assert window.document.path is None and window.document.template.name == "lecture17-linear.json"


def test_open_file_replaces_the_network_and_remembers_it(window, tmp_path):
    out = tmp_path / "copy.json"
    action(window, "finishUpdateAction").trigger()
    assert window.save_file(out)
    action(window, "resetAction").trigger()
    assert window.open_file(out)
    assert window.network_view.displayed_text("w5") == "0.1744"
    assert not window.isWindowModified() and not window.document.undo_stack.canUndo()
    assert window.recent_files()[0] == str(out.resolve())


def test_unsaved_changes_are_asked_about_on_close(window, dialogs):
    action(window, "finishUpdateAction").trigger()
    dialogs["answer"] = QMessageBox.StandardButton.Cancel
    assert window.close() is False and window.isVisible()
    assert dialogs["warning"]
    dialogs["answer"] = QMessageBox.StandardButton.Discard
    assert window.close() is True


# ---- a big network -------------------------------------------------------------------------------------

def test_a_big_network_hides_labels_and_steps_by_phase(window):
    from sandbox.engine import Dataset, Experiment

    rng = np.random.default_rng(0)
    sizes = [8, 64, 64, 64, 1]
    layers = [Layer(rng.normal(0, 0.3, (b, a)), activation="tanh", biases=np.zeros(b))
              for a, b in zip(sizes[:-1], sizes[1:])]
    experiment = Experiment(Network(8, layers), Dataset(rng.normal(size=(4, 8)), rng.normal(size=(4, 1))))
    window.document.replace(experiment, None)
    view = window.network_view
    assert not view.labels_visible() and window.player.granularity == "phase"
    step(window)
    assert window.document.walkthrough.steps[window.document.position].phase == "forward"
    assert window.document.walkthrough.steps[window.document.position + 1].phase == "loss"
    assert view.place_at(view.scene_point_of("h2_3")) == ("neuron", 2, 2)
    assert view.place_at(view.scene_point_of("w2_3_5"))[0] == "weight"  # some edge crosses there
    assert "w<sub>2,3,5</sub>" in view.tooltip_text("w2_3_5")


def test_a_dense_network_draws_its_lines_off_the_gui_thread(window, qtbot):
    from PySide6.QtCore import QPoint

    from sandbox.engine import Dataset, Experiment
    from sandbox.gui.network_view.line_cache import LineCache, render_lines

    rng = np.random.default_rng(1)
    sizes = [4, 64, 64, 64, 1]
    layers = [Layer(rng.normal(0, 0.3, (b, a)), activation="tanh", biases=np.zeros(b))
              for a, b in zip(sizes[:-1], sizes[1:])]
    window.document.replace(Experiment(Network(4, layers), Dataset(rng.normal(size=(2, 4)),
                                                                   rng.normal(size=(2, 1)))), None)
    view = window.network_view
    lines = view._edges.lines_item
    assert lines.cache is not None and view.layout_.edge_count > 6000
    view.viewport().repaint()
    first = lines.cache.image
    assert first is not None and not first.isNull()  # the first picture is drawn at once
    version = lines._version
    window.document.edit_value(("weight", 2, 0, 0), -5.0)  # the lines change: a new picture is drawn
    view.refresh()  # (a dense network refreshes at most 5 times a second: do it now)
    assert lines._version > version
    view.viewport().repaint()
    cache = lines.cache
    assert not cache.up_to_date  # meanwhile the old picture is shown; the worker delivers the new one
    qtbot.waitUntil(lambda: cache.up_to_date, timeout=5000)
    assert cache.key == LineCache.key_for(lines._version, cache.requested_transform, cache.requested_rect)
    assert cache.image == render_lines(lines._buckets, cache.requested_transform, cache.requested_rect, False)
    assert lines.cache.image != first
    # a hovered edge of a dense network writes its label at a readable size
    edge = view.layout_.edge_index(2, 5, 7)
    view._set_hovered(("weight", 2, 5, 7), QPoint())
    assert view._edges.top_labels() == [edge]


# ---- keys, templates, drops, settings ----------------------------------------------------------------

def test_space_right_and_left_step_through_the_update(window, qtbot):
    view = window.network_view
    window.activateWindow()
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Space)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert window.document.position == 1
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert window.document.position == 0


def test_new_from_template_and_dropping_a_file(window, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF
    from PySide6.QtGui import QDropEvent

    from sandbox.gui.window.main_window import templates

    names = [p.name for p in templates()]
    assert "lecture17-linear.json" in names and len(window.new_menu.actions()) == len(names)
    xor = next(p for p in templates() if p.name == "xor.json")
    assert window.new_from_template(xor)
    assert window.document.path is None and window.document.experiment.network.sizes == [2, 4, 1]
    assert window.network_view.displayed_text("b_h1_1") == "0"

    out = tmp_path / "dropped.json"
    assert window.save_file(out)
    action(window, "resetAction").trigger()
    window.new_from_template(templates()[0])
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(out))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert window.document.path == out and window.document.experiment.network.sizes == [2, 4, 1]


def test_recent_files_and_window_settings_are_remembered(qtbot, dialogs, tmp_path):
    from sandbox.gui import MainWindow

    first = MainWindow()
    qtbot.addWidget(first)
    out = tmp_path / "a.json"
    assert first.save_file(out)
    first.player.set_speed("fast")
    first.show()
    least = first.minimumSizeHint()  # the docks beside the network view set a minimum
    first.resize(max(1100, least.width() + 40), max(760, least.height() + 40))
    size = first.size()
    assert size.width() != 1400
    first.close()
    assert not QSettings().value("window/geometry").isEmpty()
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.recent_files() == [str(out.resolve())]
    assert second.player.speed == "fast" and second.speed_combo.currentText() == "Fast"
    second._fill_recent_menu()
    entries = [a.text() for a in second.recent_menu.actions()]
    assert entries == ["&1  a.json"]
    # the offscreen screen is 800 px wide: a restored window wider than that is narrowed to fit
    assert second.height() == size.height() != 900


def test_label_places_keep_apart_and_crowded_networks_write_compact_labels():
    from sandbox.files import load_experiment
    from sandbox.gui.common.icons import resource_file
    from sandbox.gui.network_view.layout import LABEL_BOX, compute_layout

    lecture = compute_layout(load_experiment(resource_file("networks", "lecture17-linear.json")).network)
    assert lecture.detailed and not lecture.crowded
    w, h = LABEL_BOX
    points = [lecture.label_point(e) for e in range(lecture.edge_count)]
    for a in range(len(points)):
        for b in range(a + 1, len(points)):  # no two label boxes of the lecture overlap
            (xa, ya), (xb, yb) = points[a], points[b]
            assert abs(xa - xb) >= w or abs(ya - yb) >= h, (a, b)
    xor = compute_layout(load_experiment(resource_file("networks", "xor.json")).network)
    assert xor.detailed and xor.crowded


def test_crowded_network_writes_only_the_current_step_in_full(window):
    from sandbox.gui.common.icons import resource_file

    assert window.open_file(resource_file("networks", "xor.json"))
    window.player.set_granularity("edge")
    doc, edges = window.document, window.network_view._edges
    w = doc.ensure_walkthrough()
    first_weight_gradient = next(i for i, s in enumerate(w.steps) if s.kind == "weight_gradient")
    doc.set_position(first_weight_gradient)
    assert len(edges.top_labels()) == 1  # the current edge's label, in full above the others
    window.player.set_granularity("phase")
    doc.set_position(max(i for i, s in enumerate(w.steps) if s.phase == "backward"))
    assert edges.top_labels() == []  # a whole phase of 12 edges: every label compact


# ---- layout on a small screen --------------------------------------------------------------------------------

def test_a_1280x720_window_never_grows_while_stepping(qtbot, dialogs):
    from sandbox.gui import MainWindow
    from sandbox.gui.window.main_window import templates

    w = MainWindow(next(p for p in templates() if p.stem == "spiral"))
    qtbot.addWidget(w)
    w.player.set_speed("instant")
    w.resize(1280, 720)
    w.show()
    qtbot.waitExposed(w)
    # short and narrow: the decision boundary beside the history, the settings a tab beside the explanation
    boundary = w.findChild(type(w.explanation_dock), "decisionBoundaryDock")
    settings = w.findChild(type(w.explanation_dock), "settingsDock")
    assert w.dockWidgetArea(boundary) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert settings in w.tabifiedDockWidgets(w.explanation_dock)
    qtbot.waitUntil(lambda: w.network_view.width() >= 780)  # the docks settle after the first show
    w.player.set_granularity("layer")
    for _ in range(12):
        action(w, "stepAction").trigger()
        assert w.height() == 720 and w.minimumSizeHint().height() <= 720
    pane = w.explanation_pane
    assert pane.steps_heading.isVisible() and pane.steps.isVisible()
    assert w.explanation_panel.height() >= 0.5 * pane.height()  # the formula gets most of the pane
    view = w.network_view
    placed, hint, _ = view.legend_layout()
    assert len(placed) == 4 and hint is not None
    from sandbox.gui.network_view.static_text import text_size
    for x, _y, i in placed:  # no legend entry cut off at the right edge
        assert x + 24 + text_size(view.LEGEND_ITEMS[i][1], 12)[0] <= view.viewport().width()
    w.document.undo_stack.setClean()
    w.close()


def test_default_size_fits_the_available_screen(qtbot, dialogs, monkeypatch):
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QScreen

    from sandbox.gui import MainWindow

    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(0, 0, 1280, 690))
    w = MainWindow()
    qtbot.addWidget(w)
    assert w.width() <= 1280 - 16 and w.height() <= 690 - 48
    assert QRect(0, 0, 1280, 690).contains(w.frameGeometry())
    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(0, 0, 2560, 1400))
    assert (w.default_size().width(), w.default_size().height()) == (1400, 900)


def test_the_group_note_counts_in_the_singular(window):
    window.player.set_granularity("layer")
    doc = window.document
    doc.ensure_walkthrough()
    from sandbox.gui.stepping import explanation_panel

    panel = window.explanation_panel
    panel.group_start = lambda position: 0
    doc.set_position(explanation_panel.MAX_GROUP_SHOWN)  # 7 steps in the group: one not shown
    assert "… 1 more step in this group" in panel.text()
    assert explanation_panel.plural(3, "more step") == "3 more steps"


def test_status_bar_losses_are_the_engine_s_and_never_blank_when_known(window):
    doc = window.document
    train, test = window.training.train_loss_label, window.training.test_loss_label
    assert train.text() == "Train loss <b>0.3272</b>"  # Trainer.evaluate() before any update
    assert test.text() == "Test loss <b>—</b>" and "no test set" in test.toolTip()
    step(window, LECTURE_STEPS)  # the whole update, applied
    w = doc.walkthrough
    assert doc.applied and w.loss_after == pytest.approx(0.2770, abs=1e-4)
    # the network shows y = 0.2557 with the new weights: the loss shown is theirs too
    assert window.loss_label.text() == "Loss <b>0.277</b>"
    assert train.text() == f"Train loss <b>{short(doc.trainer.evaluate()[0])}</b>" == "Train loss <b>0.277</b>"
    action(window, "stepBackAction").trigger()  # before the update again: the loss before it
    assert window.loss_label.text() == "Loss <b>0.3272</b>" and train.text() == "Train loss <b>0.3272</b>"


def test_default_step_size_follows_the_network_s_size(window):
    from sandbox.gui.common.icons import resource_file
    from sandbox.gui.stepping.player import GRANULARITY_TITLES, presses_per_update

    assert window.player.granularity == "edge" and GRANULARITY_TITLES["edge"] == "One formula"
    assert window.open_file(resource_file("networks", "vanishing-sigmoid.json"))
    assert window.player.granularity == "layer" and window.granularity_combo.currentText() == "One layer"
    assert presses_per_update(window.document.experiment.network)["layer"] == 34
    step(window)  # one press: the whole first hidden layer
    doc = window.document
    shown = doc.walkthrough.steps[: doc.position + 1]
    assert {s.layer for s in shown} == {1} and len(shown) == 12  # six neurons, net and activation each


def test_target_box_holds_its_text_and_the_backward_step_keeps_the_value(window):
    from sandbox.gui.network_view.animation import highlights_for
    from sandbox.gui.network_view.static_text import text_size

    view = window.network_view
    view.begin_edit(("target", 0, 0))
    view.editor.setText("−0.05118")
    view.commit_edit()
    box = view._neurons.target_rect(0)
    text_w, _ = text_size("y<sup>*</sup> = −0.05118", 19, True)
    assert box.width() >= text_w + 20 and view.place_at(box.center()) == ("target", 0)
    assert view.scene().sceneRect().contains(box)
    doc = window.document
    w = doc.ensure_walkthrough()
    back_h2 = next(i for i, s in enumerate(w.steps) if s.phase == "backward" and s.target == "h2")
    h = highlights_for(w.steps[back_h2: back_h2 + 1], view.layout_, 2)
    assert (1, 1) in h.new_grads and (1, 1) not in h.new_values  # h2's value stays while ∂E/∂h2 fades in
    y = next(i for i, s in enumerate(w.steps) if s.phase == "forward" and s.target == "y")
    h = highlights_for(w.steps[y: y + 1], view.layout_, 2)
    assert (2, 0) in h.new_values and len(h.pulses) == 2
    for pulse in h.pulses:  # the w·x badges hide while they pass the weight labels
        low, high = pulse.text_hidden
        assert pulse.text and 0.2 < low < high < 0.9


def test_new_from_template_lists_titles_and_the_help_menu(window, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    import sandbox

    titles = [a.text() for a in window.new_menu.actions()]
    assert "Lecture 17: simple linear network" in titles and "lecture17-linear" not in titles
    assert all(not t.endswith(".json") for t in titles)
    help_menu = window.menuBar().findChild(type(window.new_menu), "helpMenu")
    assert help_menu is not None and help_menu.title() == "&Help"
    helper = window.help_menu
    shortcuts = helper.show_shortcuts()
    text = shortcuts.label.text()
    assert "Step" in text and "Space" in text and "Finish Update" in text and shortcuts.isVisible()
    assert not shortcuts.isModal()
    about = helper.show_about()
    assert sandbox.__version__ in about.label.text()
    assert "Double-click" in helper.show_how_to().label.text()
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    assert helper.open_doc("file_format.md") and opened[0].toLocalFile().endswith("docs/file_format.md")


def test_a_deeper_network_still_writes_its_values_and_target_at_the_window_size(window, qtbot):
    """Three hidden layers of eight (spiral + a layer): the columns move closer so that the neurons'
    values and the target stay readable in the fitted view, not just dots and an empty box."""
    from sandbox.files import load_experiment
    from sandbox.gui.common.icons import resource_file
    from sandbox.gui.model.settings_commands import with_layer_sizes

    exp = load_experiment(resource_file("networks", "spiral.json"))
    assert window.open_file(resource_file("networks", "spiral.json"))
    window.document.replace(with_layer_sizes(exp, [8, 8, 8]), None)
    window.network_view.fit_to_window()
    window.network_view.viewport().grab()
    assert window.network_view._neurons._texts_drawn


@pytest.mark.parametrize("change", ["size 13", "size 1", "add layer", "remove bias"])
def test_changing_the_network_s_shape_while_a_step_is_shown(window, change):
    """circle.json, Step, then hidden layer 1 gets 13 neurons (what the settings panel pushes when 13 is
    typed): the view drew the new weights on the old layout's lines first (IndexError in
    ``EdgesItem._bucket``). It now shows the new network; undo shows the old one again."""
    from sandbox.gui.common.icons import resource_file
    from sandbox.gui.model.settings_commands import ExperimentCommand, with_bias, with_layer_sizes

    assert window.open_file(resource_file("networks", "circle.json"))
    doc, view = window.document, window.network_view
    assert doc.experiment.network.sizes == [2, 3, 1]
    step(window)
    assert doc.position >= 0 and view.state.in_walkthrough
    exp = doc.experiment
    new = {"size 13": lambda: with_layer_sizes(exp, [13]), "size 1": lambda: with_layer_sizes(exp, [1]),
           "add layer": lambda: with_layer_sizes(exp, [3, 3]),
           "remove bias": lambda: with_bias(exp, 0, False)}[change]()
    doc.undo_stack.push(ExperimentCommand(doc, "Change the network", new, merge_key="size 0"))
    net = doc.experiment.network
    assert net is new.network and view.layout_.sizes == net.sizes and not view.state.in_walkthrough
    assert view.layout_.edge_count == sum(layer.weights.size for layer in net.layers)
    assert [b is not None for b in view.state.biases[1:]] == [layer.has_bias for layer in net.layers]
    last_hidden = net.layers[0].labels[-1]
    assert view.displayed_text(last_hidden) == short(float(np.ravel(doc.forward().outputs[1])[-1]))
    step(window)  # the new network's walkthrough, drawn on its own layout
    assert view.state.walkthrough is doc.walkthrough and view.state.position == doc.position >= 0
    assert view.is_highlighted(net.layers[0].labels[0])
    window.actions_.undo.trigger()
    assert doc.experiment is exp and view.layout_.sizes == [2, 3, 1] and view.layout_.edge_count == 9
    first = exp.network.layers[0].labels[0]
    assert view.displayed_text(first) == short(float(np.ravel(doc.forward().outputs[1])[0]))


def test_infinite_and_nan_weights_are_drawn_without_numpy_warnings(qapp):
    """A diverging update shows inf and NaN weights: every edge is still drawn (an infinite weight the
    widest, a NaN one the thinnest), the finite ones scaled among themselves, and numpy never warns
    (the scale was inf or NaN: 'invalid value encountered in divide', and those edges were in no pen's bucket)."""
    import warnings

    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QGraphicsScene

    from sandbox.gui.network_view.edges_item import EdgesItem
    from sandbox.gui.network_view.layout import compute_layout
    from sandbox.gui.stepping.view_state import DisplayState

    net = Network(2, [Layer([[np.inf, -np.inf], [np.nan, 0.5]]), Layer([[-2.0, 1e308]])])
    state = DisplayState.blank(net, np.array([1.0, 2.0]), np.array([0.0]))
    layout = compute_layout(net)
    edges = EdgesItem(layout)
    scene = QGraphicsScene()
    for item in (edges.lines_item, edges, edges.top_labels_item):
        scene.addItem(item)
    image = QImage(400, 300, QImage.Format.Format_ARGB32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for active in ({}, {e: "update" for e in range(layout.edge_count)}):
            edges.set_state(state, active)
            painter = QPainter(image)
            scene.render(painter)
            painter.end()
    width_of = {}
    for pen, lines in edges.lines_item._buckets:
        for line in lines:
            e = edges._lines.index(line)
            assert e not in width_of  # one pen per edge
            width_of[e] = pen.widthF()
    edge = {place: layout.edge_index(*place) for place in [(1, 0, 0), (1, 0, 1), (1, 1, 0), (1, 1, 1), (2, 0, 0),
                                                            (2, 0, 1)]}
    assert sorted(width_of) == list(range(layout.edge_count))
    widest, thinnest = max(width_of.values()), min(width_of.values())
    assert width_of[edge[(1, 0, 0)]] == width_of[edge[(1, 0, 1)]] == width_of[edge[(2, 0, 1)]] == widest
    assert width_of[edge[(1, 1, 0)]] == width_of[edge[(1, 1, 1)]] == thinnest  # NaN, and 0.5 of 1e308
