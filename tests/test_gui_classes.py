"""The Classes dock (issue 14, point 3): the confusion matrix and per-class accuracies equal the engine's
predictions, the gallery shows the misclassified first, and a sample clicked is stepped through without being
applied."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QDockWidget, QMessageBox  # noqa: E402

from sandbox.gui.common.icons import resource_file  # noqa: E402

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    from sandbox.gui import MainWindow

    opened = []

    def make(name: str, iterations: int = 0):
        w = MainWindow(resource_file("networks", name))
        w.resize(1400, 900)
        w.show()
        qtbot.addWidget(w)
        qtbot.waitExposed(w)
        opened.append(w)
        if iterations:
            doc = w.document
            with doc.record_change("Train"):  # part-trained: some digits right, some wrong
                doc.trainer.run(iterations=iterations)
        w.player.set_speed("instant")
        w.classes.panel.refresh()
        return w

    yield make
    for w in opened:
        w.close()


def choose_set(w, which: str) -> None:
    panel = w.classes.panel
    combo = panel.set_combo
    index = combo.findData(which)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # (as a person's choice in the list)
    assert panel.results is not None and panel.results.which == which


def engine_classes(w, which: str) -> tuple[np.ndarray, np.ndarray]:
    """True and predicted class of every sample, one ``Network.forward`` at a time and argmax."""
    data = w.document.experiment.data
    inputs, targets = (data.test_inputs, data.test_targets) if which == "test" else (data.inputs, data.targets)
    net = w.document.experiment.network
    predicted = np.array([int(np.argmax(net.forward(inputs[i:i + 1]).prediction[0])) for i in range(len(inputs))])
    return np.argmax(targets, axis=1), predicted


@pytest.mark.parametrize("which", ["test", "train"])
def test_the_matrix_shown_is_the_engines_predictions(window, which):
    w = window("digits.json", iterations=15)
    choose_set(w, which)
    matrix = w.findChild(QDockWidget, "classesDock").findChild(object, "confusionMatrix")
    assert matrix is w.classes.panel.matrix and matrix.classes == 10
    truth, predicted = engine_classes(w, which)
    assert 0 < np.sum(truth != predicted) < len(truth) / 2  # part-trained: mostly right, some wrong
    for r in range(10):
        for c in range(10):
            count = int(np.sum((truth == r) & (predicted == c)))
            assert matrix.cell_text(r, c) == (str(count) if count or r == c else "")
        right, total = int(np.sum((truth == r) & (predicted == r))), int(np.sum(truth == r))
        assert matrix.accuracy_text(r) == f"{round(100.0 * right / total, 1):g} %"
    right = int(np.sum(truth == predicted))
    noun = "test samples" if which == "test" else "training samples"
    assert matrix.overall_text() == f"Overall {round(100.0 * right / len(truth), 1):g} % right: {right:,} of " \
                                    f"{len(truth):,} {noun}"
    assert [matrix.results.class_names[i] for i in range(10)] == [str(k) for k in range(10)]  # y0 … y9 name 0 … 9


def test_the_gallery_shows_the_misclassified_first_most_sure_first(window):
    w = window("digits.json", iterations=15)
    choose_set(w, "test")
    gallery = w.classes.panel.gallery
    assert gallery.objectName() == "testGallery"
    truth, predicted = engine_classes(w, "test")
    rows = gallery.shown_rows()
    assert len(rows) == 60 and gallery.total == len(truth) == 359
    wrong = int(np.sum(truth != predicted))
    assert all(truth[i] != predicted[i] for i in rows[:wrong]) and all(truth[i] == predicted[i] for i in rows[wrong:])
    net = w.document.experiment.network
    inputs = w.document.experiment.data.test_inputs
    sure = [float(np.max(net.forward(inputs[i:i + 1]).prediction[0])) for i in rows[:wrong]]
    assert sure == sorted(sure, reverse=True)
    # more tiles on request, and the footer says how many
    footer, more = w.classes.panel.footer, w.classes.panel.more_button
    assert footer.text() == "60 of 359 shown" and more.isVisible()
    more.click()
    assert len(gallery.shown_rows()) == 120 and footer.text() == "120 of 359 shown"


def test_a_cell_clicked_shows_only_its_samples(qtbot, window):
    w = window("digits.json", iterations=15)
    choose_set(w, "test")
    panel = w.classes.panel
    matrix, gallery = panel.matrix, panel.gallery
    counts = matrix.results.matrix.copy()
    np.fill_diagonal(counts, 0)
    r, c = np.unravel_index(int(np.argmax(counts)), counts.shape)
    qtbot.mouseClick(matrix, Qt.MouseButton.LeftButton, pos=matrix.cell_rect(int(r), int(c)).center().toPoint())
    truth, predicted = engine_classes(w, "test")
    assert gallery.total == counts[r, c] == int(np.sum((truth == r) & (predicted == c)))
    assert all(truth[i] == r and predicted[i] == c for i in gallery.shown_rows())
    assert panel.all_button.isVisible()
    qtbot.mouseClick(matrix, Qt.MouseButton.LeftButton, pos=matrix.cell_rect(int(r), int(c)).center().toPoint())
    assert gallery.total == 359 and not panel.all_button.isVisible()


def test_a_test_sample_clicked_is_stepped_through_and_never_applied(qtbot, window):
    w = window("digits.json", iterations=15)
    choose_set(w, "test")
    doc, gallery = w.document, w.classes.panel.gallery
    weights = [layer.weights.copy() for layer in doc.experiment.network.layers]
    iteration, stack = doc.trainer.iteration, doc.undo_stack
    commands, index = stack.count(), stack.index()
    k = 4
    row = gallery.shown_rows()[k]
    qtbot.mouseClick(gallery, Qt.MouseButton.LeftButton, pos=gallery.tile_rect(k).center().toPoint())
    walkthrough = doc.walkthrough
    assert walkthrough is not None and not walkthrough.applies and doc.shown_only
    assert walkthrough.source == f"test sample {row + 1}"
    np.testing.assert_array_equal(walkthrough.inputs[0], doc.experiment.data.test_inputs[row])
    np.testing.assert_array_equal(walkthrough.targets[0], doc.experiment.data.test_targets[row])
    assert doc.position >= 0  # its first step is shown
    assert gallery.selected == row
    assert w.position_label.text().startswith(f"Test sample {row + 1} · step <b>")
    # the network view and the explanation show that sample
    state = w.network_view.state
    assert state.walkthrough is walkthrough
    np.testing.assert_array_equal(np.ravel(state.values[0]), doc.experiment.data.test_inputs[row])
    assert f"test sample {row + 1} · shown, not applied" in w.explanation_panel.toHtml()
    # step to its end: nothing changes
    for _ in range(len(walkthrough.steps)):
        if doc.finished:
            break
        w.actions_.step.trigger()
    assert doc.finished and not doc.applied and doc.walkthrough is walkthrough
    assert doc.position == len(walkthrough.steps) - 1
    for layer, before in zip(doc.experiment.network.layers, weights):
        np.testing.assert_array_equal(layer.weights, before)
    assert doc.trainer.iteration == iteration
    assert (stack.count(), stack.index()) == (commands, index)
    assert w.position_label.text() == f"Test sample {row + 1}: the update it would make (not applied)"
    assert "Not applied" in w.explanation_panel.toHtml() and "held out of training" in w.explanation_panel.toHtml()
    # the next Step is the regular next update, which Finish Update applies
    w.actions_.step.trigger()
    regular = doc.walkthrough
    assert regular is not walkthrough and regular.applies and regular.iteration == iteration
    assert doc.position >= 0 and w.position_label.text().startswith("Step <b>")
    assert gallery.selected is None
    w.actions_.finish_update.trigger()
    assert doc.applied and doc.trainer.iteration == iteration + 1 and stack.count() == commands + 1
    assert not np.array_equal(doc.experiment.network.layers[0].weights, weights[0])


def test_finish_update_on_a_sample_shows_its_end_unapplied_then_goes_on(qtbot, window):
    w = window("digits.json", iterations=5)
    doc, gallery = w.document, w.classes.panel.gallery
    iteration = doc.trainer.iteration
    qtbot.mouseClick(gallery, Qt.MouseButton.LeftButton, pos=gallery.tile_rect(0).center().toPoint())
    sample = doc.walkthrough
    w.actions_.finish_update.trigger()
    assert doc.walkthrough is sample and doc.finished and not doc.applied and doc.trainer.iteration == iteration
    w.actions_.finish_update.trigger()  # the next Finish: the regular next update, applied
    assert doc.walkthrough is not sample and doc.applied and doc.trainer.iteration == iteration + 1


def test_an_edit_or_stepping_back_withdraws_the_sample(qtbot, window):
    w = window("digits.json", iterations=5)
    doc, gallery = w.document, w.classes.panel.gallery
    qtbot.mouseClick(gallery, Qt.MouseButton.LeftButton, pos=gallery.tile_rect(0).center().toPoint())
    assert doc.shown_only
    doc.edit_value(("weight", 1, 0, 0), 0.5)
    assert doc.walkthrough is None and gallery.selected is None
    qtbot.mouseClick(gallery, Qt.MouseButton.LeftButton, pos=gallery.tile_rect(1).center().toPoint())
    assert doc.shown_only
    w.actions_.step_back.trigger()  # back from its first step: the sample is left, the next update at hand
    assert doc.walkthrough is None and doc.position == -1
    w.actions_.step.trigger()
    assert doc.walkthrough.applies
    qtbot.mouseClick(gallery, Qt.MouseButton.LeftButton, pos=gallery.tile_rect(2).center().toPoint())
    assert doc.shown_only
    w.actions_.undo.trigger()  # (the weight edit undone: the network changed under the sample)
    assert doc.walkthrough is None and doc.experiment.network.layers[0].weights[0, 0] != 0.5


def test_practice_asks_about_a_sample_and_says_it_is_not_applied(qtbot, window):
    w = window("digits.json", iterations=5)
    doc, gallery = w.document, w.classes.panel.gallery
    w.actions_.practice.setChecked(True)
    iteration, count = doc.trainer.iteration, doc.undo_stack.count()
    qtbot.mouseClick(gallery, Qt.MouseButton.LeftButton, pos=gallery.tile_rect(0).center().toPoint())
    assert doc.shown_only and w.practice.pending is not None  # its first value is asked
    w.actions_.finish_update.trigger()
    assert doc.finished and not doc.applied
    feedback = w.findChild(object, "practiceFeedback").text()
    assert "not applied" in feedback and doc.walkthrough.source.capitalize() in feedback
    assert doc.trainer.iteration == iteration and doc.undo_stack.count() == count


def test_clicking_a_sample_while_training_pauses_it(qtbot, window):
    w = window("digits.json")
    doc, gallery = w.document, w.classes.panel.gallery
    train = w.actions_.train
    train.trigger()
    qtbot.waitUntil(lambda: doc.trainer.iteration >= 30, timeout=20000)
    qtbot.mouseClick(gallery, Qt.MouseButton.LeftButton, pos=gallery.tile_rect(0).center().toPoint())
    assert not train.isChecked() and not w.training.session.running
    assert doc.shown_only and doc.position >= 0
    iteration = doc.trainer.iteration
    w.actions_.finish_update.trigger()
    assert doc.trainer.iteration == iteration and not doc.applied
    train.trigger()  # training again withdraws the sample
    qtbot.waitUntil(lambda: doc.trainer.iteration > iteration + 5, timeout=20000)
    assert not doc.shown_only and gallery.selected is None
    train.trigger()
    qtbot.waitUntil(lambda: not w.training.session.running, timeout=5000)


def test_the_matrix_follows_training_while_visible(qtbot, window):
    w = window("digits.json")
    panel = w.classes.panel
    first = panel.results
    w.actions_.train.trigger()
    qtbot.waitUntil(lambda: panel.results is not first and w.document.trainer.iteration > 0, timeout=20000)
    w.actions_.train.trigger()  # pause
    qtbot.waitUntil(lambda: not w.training.session.running, timeout=5000)
    qtbot.waitUntil(lambda: not panel.timer.isActive(), timeout=5000)
    truth, predicted = engine_classes(w, panel.which)
    np.testing.assert_array_equal(panel.results.predicted, predicted)
    # hidden: nothing computed until it is shown again
    dock = w.findChild(QDockWidget, "classesDock")
    dock.hide()
    shown = panel.results
    w.document.edit_value(("weight", 1, 0, 0), 2.0)
    panel.refresh()
    assert panel.results is shown
    dock.show()
    assert panel.results is not shown
    np.testing.assert_array_equal(panel.results.predicted, engine_classes(w, panel.which)[1])


def test_the_dock_follows_the_network(qtbot, window):
    w = window("digits.json")
    dock = w.findChild(QDockWidget, "classesDock")
    action = w.findChild(object, "classesAction")
    assert dock.isVisible() and action.isEnabled() and action.isChecked()
    w.open_file(resource_file("networks", "lecture17-linear.json"))  # a regression: no classes
    assert not dock.isVisible() and not action.isEnabled()
    w.open_file(resource_file("networks", "spiral.json"))  # two classes: offered, not shown by itself
    assert not dock.isVisible() and action.isEnabled()
    action.trigger()
    assert dock.isVisible()
    panel = w.classes.panel
    panel.refresh()
    assert panel.matrix.classes == 2
    data = w.document.experiment.data
    which = panel.which
    inputs, targets = (data.test_inputs, data.test_targets) if which == "test" else (data.inputs, data.targets)
    y = w.document.experiment.network.forward(inputs).prediction[:, 0]
    truth, predicted = (targets[:, 0] >= 0.5).astype(int), (y >= 0.5).astype(int)
    for r in range(2):
        for c in range(2):
            count = int(np.sum((truth == r) & (predicted == c)))
            assert panel.matrix.cell_text(r, c) == (str(count) if count or r == c else "")


def test_iris_tiles_show_feature_values(qtbot, window):
    w = window("iris.json", iterations=20)
    panel = w.classes.panel
    assert panel.gallery.image is None and panel.matrix.classes == 3
    assert panel.matrix.results.class_names == w.document.experiment.network.layers[-1].labels
    truth, predicted = engine_classes(w, panel.which)
    np.testing.assert_array_equal(panel.results.predicted, predicted)
    qtbot.mouseClick(panel.gallery, Qt.MouseButton.LeftButton, pos=panel.gallery.tile_rect(0).center().toPoint())
    assert w.document.shown_only


def test_the_set_chosen_stays_chosen_where_the_network_has_it(qtbot, window):
    w = window("digits.json")
    panel = w.classes.panel
    assert panel.which == "test" and panel.set_combo.isEnabled()
    w.open_file(resource_file("networks", "lecture17-linear.json"))  # no test set: the training set, not chosen
    assert panel.which == "train" and not panel.set_combo.isEnabled()
    w.open_file(resource_file("networks", "iris.json"))
    assert panel.which == "test"
    choose_set(w, "train")
    w.open_file(resource_file("networks", "digits.json"))
    assert panel.which == "train" and panel.results.which == "train" and panel.results.size == 1438


def test_a_picture_follows_an_input_edited(qtbot, window):
    w = window("digits.json")
    choose_set(w, "train")
    gallery = w.classes.panel.gallery
    row = gallery.shown_rows()[0]
    inputs = w.document.experiment.data.inputs[row]
    k = int(np.argmin(inputs))  # a blank pixel (white) made all ink (black)
    assert gallery.picture(row).pixelColor(k % 8, k // 8).value() == 255
    w.document.edit_value(("input", row, k), 1.0)
    w.classes.panel.refresh()
    assert gallery.picture(row).pixelColor(k % 8, k // 8).value() == 0


@pytest.mark.parametrize("inputs", [4, 64])
def test_other_data_is_no_longer_drawn_as_the_images_pixels(qtbot, window, tmp_path, inputs):
    w = window("digits.json")
    """Data from another CSV (4 columns: the gallery drew 4 numbers as an 8×8 picture, raised inside its paint
    and crashed the process; 64 columns: feature rows drawn and saved as pictures) drops the input image."""
    rng = np.random.default_rng(0)
    rows = 40
    x = rng.uniform(0.0, 1.0, (rows, inputs))
    t = np.eye(10)[np.arange(rows) % 10]
    header = [f"f{k}" for k in range(inputs)] + [f"t{k}" for k in range(10)]
    lines = [",".join(header)] + [",".join(f"{v:g}" for v in row) for row in np.hstack([x, t])]
    (tmp_path / "other.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    section = w.training.settings_panel.dataset
    source = {"csv": str(tmp_path / "other.csv"), "target_columns": header[inputs:], "test_fraction": 0.25,
              "seed": 0}
    assert section._replace(source, "Import", None)
    exp = w.document.experiment
    assert exp.network.input_size == inputs and exp.input_image is None and exp.image_shape() is None
    dock = w.findChild(QDockWidget, "classesDock")
    dock.show()
    gallery = w.classes.panel.gallery
    qtbot.waitUntil(lambda: gallery.results is not None and gallery.results.inputs.shape[1] == inputs)
    assert gallery.image is None
    assert not gallery.grab().isNull()  # the tiles show feature values
    w.document.undo_stack.undo()  # the digits come back, pictures and all
    assert w.document.experiment.image_shape() == (8, 8)
