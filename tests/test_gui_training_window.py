"""Live training through the real main window: trainAction, the plots, the status bar, edits while
training, divergence, errors in the worker, closing mid-training, undo (issue 5, "What proves it")."""

from __future__ import annotations

import dataclasses
import sys

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QComboBox, QMenu, QMessageBox  # noqa: E402

from sandbox.gui.common.icons import resource_file  # noqa: E402
from sandbox.gui.model.settings_commands import SettingCommand  # noqa: E402

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def messages(monkeypatch):
    """No dialog ever blocks or shows: training's message boxes are recorded, "unsaved changes?" answers Discard."""
    shown: list[tuple[str, str]] = []

    def show(box):
        shown.append((box.windowTitle(), box.text()))

    monkeypatch.setattr(QMessageBox, "show", show)
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Ok))
    return shown


def open_window(qtbot, name: str, keep: bool = True):
    """A main window on a shipped network, shown; ``keep``: qtbot closes it after the test."""
    from sandbox.gui import MainWindow

    w = MainWindow(resource_file("networks", name))
    w.resize(1400, 900)
    w.show()
    if keep:
        qtbot.addWidget(w)
        qtbot.waitExposed(w)
    return w


@pytest.fixture
def windows(qtbot, messages):
    """Opens windows on shipped networks; closes them at the end and checks their threads ended."""
    opened = []

    def make(name: str):
        w = open_window(qtbot, name)
        opened.append(w)
        return w

    yield make
    for w in opened:
        w.close()
        thread = w.training.session.controller.thread
        assert thread is None or thread.isFinished()


# ---- helpers ------------------------------------------------------------------------------------

def controller(w):
    return w.training.session.controller


def engine_weights(trainer) -> list[np.ndarray]:
    return [layer.weights.copy() for layer in trainer.network.layers]


def start(qtbot, w) -> None:
    w.actions_.train.trigger()
    assert w.actions_.train.isChecked() and w.training.session.running


def pause(qtbot, w):
    """Uncheck trainAction and wait for the worker's report that follows the pause."""
    with qtbot.waitSignal(controller(w).reportReady, timeout=5000, check_params_cb=lambda r: not r.running):
        w.actions_.train.trigger()
    assert not w.actions_.train.isChecked() and not w.training.session.running
    return controller(w).latest


def train_loss(w) -> float:
    latest = w.training.session.latest
    return latest.evaluation[1] if latest is not None and latest.evaluation else float("inf")


def set_learning_rate(w, value: float) -> None:
    """What the settings panel does: an undoable SettingCommand on the document's stack."""
    doc = w.document
    spec = dataclasses.replace(doc.experiment.optimizer, learning_rate=value,
                               options=dict(doc.experiment.optimizer.options))
    doc.undo_stack.push(SettingCommand(doc, "Change the learning rate", {"optimizer": spec}))


# ---- the tests ----------------------------------------------------------------------------------

def test_spiral_learns_live_and_counters_agree_with_the_engine(qtbot, windows, in_worker):
    """(How smoothly the window runs meanwhile, its event loop's gaps, is measured by
    benchmarks/gui_training.py, not asserted here.)"""
    w = windows("spiral.json")
    doc = w.document
    initial = [layer.weights.copy() for layer in doc.experiment.network.layers]
    first_loss = doc.trainer.evaluate()[0]
    assert first_loss > 0.6  # ~ln 2: the untrained network guesses
    start(qtbot, w)
    # learning: the loss on the whole training set falls to well under half of where it started
    qtbot.waitUntil(lambda: train_loss(w) < 0.25, timeout=30000)
    report = pause(qtbot, w)
    assert w.actions_.train.text() == "&Train"

    # the engine, the document, the report and the status bar tell the same story
    it, ep, engine_state = in_worker(controller(w), lambda t: (t.iteration, t.epoch, engine_weights(t)))
    assert it > 1000 and ep == it // 24  # 240 training samples in minibatches of 10
    assert (doc.trainer.iteration, doc.trainer.epoch) == (report.iteration, report.epoch) == (it, ep)
    for mine, theirs in zip(doc.experiment.network.layers, engine_state):
        np.testing.assert_array_equal(mine.weights, theirs)
    assert doc.trainer.history.count == it
    assert w.iteration_label.text() == f"Iteration <b>{it}</b>"
    assert w.epoch_label.text() == f"Epoch <b>{ep}</b>"
    assert "Train loss" in w.training.train_loss_label.text()
    assert w.training.speed_label.text() == "Paused"

    # the plots hold every iteration; their last x is the engine's iteration
    loss = w.training.loss_curves
    assert loss.batch.n == it and loss.batch.last_x == it
    assert loss.evaluation.n >= 1 and loss.evaluation.last_x == it  # (one per report: as many as came)
    assert loss.evaluation.y[-1, 0] == pytest.approx(report.evaluation[1]) and loss.evaluation.y[-1, 0] < 0.3
    x, y = w.loss_plot.curve.xData, w.loss_plot.curve.yData
    assert x[-1] == it and len(y) > 100 and np.isfinite(y).all()
    tx, ty = loss.train_curve.xData, loss.train_curve.yData
    assert tx[-1] == it and ty[-1] < ty[0]
    grads = w.training.gradient_curves
    assert grads.series.n == it and grads.series.last_x == it
    assert len(w.gradient_plot.curves) == 3
    for curve in w.gradient_plot.curves:
        gx, gy = curve.xData, curve.yData
        assert gx[-1] == it and np.all(gy[np.isfinite(gy)] > 0)

    # the whole run is one undoable command
    stack = doc.undo_stack
    assert stack.count() == 1 and stack.text(0) == f"Train {it} iterations"
    stack.undo()
    assert (doc.trainer.iteration, doc.trainer.epoch) == (0, 0)
    for mine, start_weights in zip(doc.experiment.network.layers, initial):
        np.testing.assert_array_equal(mine.weights, start_weights)
    assert loss.batch.n == 0 and grads.series.n == 0
    assert w.iteration_label.text() == "Iteration <b>0</b>"
    stack.redo()
    assert doc.trainer.iteration == it and loss.batch.n == it
    np.testing.assert_array_equal(doc.experiment.network.layers[0].weights, engine_state[0])


def test_learning_rate_and_weight_edits_reach_the_worker_while_it_trains(qtbot, windows, in_worker):
    w = windows("spiral.json")
    doc = w.document
    start(qtbot, w)
    qtbot.waitUntil(lambda: doc.trainer.iteration > 50, timeout=5000)

    # a learning rate of 0 through the undo stack: the engine's optimizer has it at once, and no
    # weight moves any more although iterations go on
    set_learning_rate(w, 0.0)
    assert doc.experiment.optimizer.learning_rate == 0.0
    assert in_worker(controller(w), lambda t: (t.optimizer.learning_rate, t.experiment.optimizer.learning_rate)) \
        == (0.0, 0.0)
    it1, frozen = in_worker(controller(w), lambda t: (t.iteration, engine_weights(t)))

    # a weight edited as a double-click does it (the in-place editor, then Return)
    view = w.network_view
    editor = view.begin_edit(("weight", 3, 0, 4))
    editor.setText("2.75")
    assert view.commit_edit()
    assert doc.value_at(("weight", 3, 0, 4)) == 2.75
    qtbot.waitUntil(lambda: in_worker(controller(w), lambda t: t.iteration) > it1 + 200, timeout=10000)
    it2, later = in_worker(controller(w), lambda t: (t.iteration, engine_weights(t)))
    assert it2 > it1 + 200
    assert later[2][0, 4] == 2.75
    frozen[2][0, 4] = 2.75
    for a, b in zip(frozen, later):
        np.testing.assert_array_equal(a, b)

    # a learning rate again: the weights move again
    set_learning_rate(w, 0.02)
    assert in_worker(controller(w), lambda t: t.optimizer.learning_rate) == 0.02
    it3, before = in_worker(controller(w), lambda t: (t.iteration, engine_weights(t)))
    qtbot.waitUntil(lambda: in_worker(controller(w), lambda t: t.iteration) > it3 + 50, timeout=10000)
    after = in_worker(controller(w), engine_weights)
    assert not np.array_equal(before[0], after[0])
    assert w.training.session.running
    pause(qtbot, w)
    assert doc.experiment.optimizer.learning_rate == 0.02
    texts = [doc.undo_stack.text(i) for i in range(doc.undo_stack.count())]
    assert "Change the learning rate" in texts and any(t.startswith("Train ") for t in texts)


def test_a_learning_rate_far_too_high_pauses_training_with_a_message(qtbot, windows, messages, in_worker):
    w = windows("regression-plane.json")
    doc = w.document
    start(qtbot, w)
    qtbot.waitUntil(lambda: doc.trainer.iteration > 5, timeout=5000)
    with qtbot.waitSignal(w.training.session.messageRaised, timeout=10000):
        set_learning_rate(w, 1e6)
    info = w.training.session.last_divergence
    assert info is not None and info.learning_rate == 1e6
    qtbot.waitUntil(lambda: not w.actions_.train.isChecked(), timeout=3000)
    assert not w.training.session.running
    title, text = messages[-1]
    assert title == "Training diverged"
    # the message counts iterations from 1 (info.iteration counts the updates done before, from 0)
    assert f"iteration {info.iteration + 1}" in text and "learning rate" in text and "too high" in text
    assert f"iteration {info.iteration + 1}" in w.statusBar().currentMessage()
    # the weights went back to their last finite values, in the worker and in the document
    state = in_worker(controller(w), lambda t: [p.copy() for p in t.network.parameters()])
    assert all(np.isfinite(p).all() for p in state)
    qtbot.waitUntil(lambda: doc.trainer.iteration == controller(w).latest.iteration, timeout=3000)
    assert all(np.isfinite(p).all() for p in doc.experiment.network.parameters())
    assert np.isfinite(doc.current_loss())


def test_an_exception_in_the_worker_reaches_the_window_and_training_can_go_on(qtbot, windows, messages):
    w = windows("spiral.json")
    doc = w.document
    start(qtbot, w)
    qtbot.waitUntil(lambda: doc.trainer.iteration > 20, timeout=5000)

    def boom():
        raise RuntimeError("injected failure in the training loop")

    with qtbot.waitSignal(w.training.session.messageRaised, timeout=5000):
        controller(w).apply(lambda trainer: setattr(trainer, "step", boom))
    title, text = messages[-1]
    assert title == "Training stopped" and "RuntimeError: injected failure in the training loop" in text
    qtbot.waitUntil(lambda: not w.actions_.train.isChecked(), timeout=3000)
    assert not w.training.session.running and doc.undo_stack.text(0).startswith("Train ")  # the run is kept
    assert controller(w).thread.isRunning()  # the worker survived
    stopped_at = doc.trainer.iteration
    # the app keeps running: training starts again from the document and goes on
    start(qtbot, w)
    qtbot.waitUntil(lambda: doc.trainer.iteration > stopped_at + 100, timeout=10000)
    pause(qtbot, w)
    assert len(messages) == 1


def test_closing_the_window_while_training_ends_the_thread_every_time(qtbot, messages, qtlog):
    deleted = []
    for _ in range(20):
        w = open_window(qtbot, "spiral.json", keep=False)
        w.destroyed.connect(lambda *_: deleted.append(True))
        start(qtbot, w)
        qtbot.waitUntil(lambda w=w: w.training.session.latest is not None and w.training.session.latest.iteration > 0,
                        timeout=5000)
        thread = controller(w).thread
        assert thread.isRunning()
        assert w.close()
        assert thread.isFinished()
        w.deleteLater()
    qtbot.waitUntil(lambda: len(deleted) == 20, timeout=5000)
    problems = [r.message for r in qtlog.records if "QThread" in r.message or "Destroyed" in r.message]
    assert problems == []


@pytest.mark.parametrize("name, vanishes", [("vanishing-sigmoid.json", True), ("vanishing-relu.json", False)])
def test_gradient_plot_shows_vanishing_gradients_with_sigmoid_and_not_with_relu(qtbot, windows, name, vanishes):
    w = windows(name)
    start(qtbot, w)
    qtbot.waitUntil(lambda: w.document.trainer.iteration >= 200, timeout=20000)
    pause(qtbot, w)
    curves = w.gradient_plot.curves
    assert len(curves) == 11
    medians = []
    for curve in curves:  # what is drawn: ‖∂E/∂W‖ per iteration of each layer
        y = np.asarray(curve.yData)
        y = y[np.isfinite(y)]
        assert len(y) >= 100
        medians.append(float(np.median(y)))
    first, last = medians[0], medians[-1]
    if vanishes:  # the first layer's gradients are orders of magnitude below the output layer's
        assert first < 1e-3 * last
        assert medians == sorted(medians)
    else:
        assert first > 1e-2 * last
        assert min(medians) > 1e-2 * max(medians)


def test_the_switch_interval_is_short_while_any_window_trains_and_put_back_after(qtbot, messages):
    from sandbox.gui.training.view import GUI_SWITCH_INTERVAL

    normal = sys.getswitchinterval()
    assert normal != GUI_SWITCH_INTERVAL
    first = open_window(qtbot, "spiral.json", keep=False)
    second = None
    try:
        start(qtbot, first)
        assert sys.getswitchinterval() == GUI_SWITCH_INTERVAL
        second = open_window(qtbot, "xor.json", keep=False)  # built while the first one trains
        start(qtbot, second)
        pause(qtbot, second)
        assert sys.getswitchinterval() == GUI_SWITCH_INTERVAL  # the first one still trains
        assert first.close()  # closed mid-training
        assert sys.getswitchinterval() == normal
        start(qtbot, second)
        assert sys.getswitchinterval() == GUI_SWITCH_INTERVAL
        pause(qtbot, second)
        assert sys.getswitchinterval() == normal
        start(qtbot, second)
        assert second.close()
        assert sys.getswitchinterval() == normal
    finally:
        for w in (first, second):
            if w is not None:
                w.close()
        sys.setswitchinterval(normal)


def test_reinitialize_while_training_starts_afresh_and_the_undo_action_takes_it_back(qtbot, windows):
    w = windows("spiral.json")
    doc = w.document
    start(qtbot, w)
    qtbot.waitUntil(lambda: doc.trainer.iteration > 200, timeout=10000)
    before = doc.trainer.iteration
    late = controller(w).latest
    w.training.settings_panel.init.reinitialize()  # the weights drawn afresh while training runs
    assert doc.trainer.iteration == 0
    controller(w)._on_report(late)  # a report of the run before, arriving late (as a queued signal may)
    assert doc.trainer.iteration == 0 and doc.trainer.history.count == 0
    qtbot.waitUntil(lambda: doc.trainer.iteration > 100, timeout=10000)
    t = doc.trainer
    assert t.iteration == t.history.count  # the history of the new run only
    loss = w.training.loss_curves
    assert loss.batch.x[0] == 1 and loss.batch.last_x == t.iteration
    # the Undo action, while training runs: the re-initialization goes, with the training after it
    assert w.actions_.undo.text() == "&Undo Re-initialize weights"
    w.actions_.undo.trigger()
    stack = doc.undo_stack
    assert [stack.text(i).split()[0] for i in range(stack.count())] == ["Train", "Re-initialize", "Train"]
    assert stack.index() == 1 and doc.trainer.iteration == before
    qtbot.waitUntil(lambda: doc.trainer.iteration > before + 100, timeout=10000)
    pause(qtbot, w)
    while stack.canUndo():
        w.actions_.undo.trigger()
    assert stack.isClean() and doc.trainer.iteration == 0 and loss.batch.n == 0


@pytest.fixture
def answers(monkeypatch):
    """"Unsaved changes?" is answered from this list (first answer first); every question is recorded."""
    box = {"answers": [], "asked": []}

    def warning(parent, title, text, *args, **kwargs):
        box["asked"].append(text)
        return box["answers"].pop(0) if box["answers"] else QMessageBox.StandardButton.Discard

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    return box


def _worker_is_still(qtbot, w, in_worker) -> bool:
    """Two round trips to the worker see the same iteration: it trains no more."""
    first = in_worker(controller(w), lambda t: t.iteration)
    return in_worker(controller(w), lambda t: t.iteration) == first


def test_opening_another_file_while_training_records_the_run_asks_and_does_not_train_the_new_one(
        qtbot, windows, answers, in_worker, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    w = windows("spiral.json")
    doc = w.document
    assert not doc.is_modified
    start(qtbot, w)
    qtbot.waitUntil(lambda: doc.trainer.iteration > 200, timeout=10000)
    chosen = str(resource_file("networks", "xor.json"))
    dialogs = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: dialogs.append(a) or (chosen, "")))
    # File ▸ Open, answered Cancel: training has paused, the run is on the undo stack, nothing opened
    answers["answers"] = [QMessageBox.StandardButton.Cancel]
    assert not w.open_dialog()
    assert len(answers["asked"]) == 1 and dialogs == []
    assert not w.training.session.running and not w.actions_.train.isChecked()
    latest = controller(w).latest
    assert not latest.running and doc.trainer.iteration == latest.iteration  # the worker's last state
    assert doc.is_modified and doc.undo_stack.text(0) == f"Train {latest.iteration} iterations"
    assert doc.template.name == "spiral.json"
    # again, answered Discard: the other file opens, and stays untrained
    answers["answers"] = [QMessageBox.StandardButton.Discard]
    assert w.open_dialog()
    assert doc.template.name == "xor.json" and doc.trainer.iteration == 0 and not doc.is_modified
    assert not w.training.session.running and not w.actions_.train.isChecked()
    assert _worker_is_still(qtbot, w, in_worker) and doc.trainer.iteration == 0
    # New from Template while the new file trains: asked again (the run is something to lose)
    start(qtbot, w)
    qtbot.waitUntil(lambda: doc.trainer.iteration > 50, timeout=10000)
    answers["answers"] = [QMessageBox.StandardButton.Discard]
    assert w.new_from_template(resource_file("networks", "circle.json"))
    assert len(answers["asked"]) == 3 and doc.trainer.iteration == 0 and not w.training.session.running
    assert doc.path is None and doc.template.name == "circle.json"  # an untitled copy of the example
    assert _worker_is_still(qtbot, w, in_worker) and doc.trainer.iteration == 0


def test_closing_while_a_clean_file_trains_asks_first(qtbot, windows, answers):
    w = windows("xor.json")
    start(qtbot, w)
    qtbot.waitUntil(lambda: w.document.trainer.iteration > 50, timeout=10000)
    assert not w.document.is_modified  # (the run is not on the stack until it ends)
    answers["answers"] = [QMessageBox.StandardButton.Cancel]
    assert not w.close()
    assert len(answers["asked"]) == 1 and w.isVisible() and w.document.is_modified
    assert not w.training.session.running
    answers["answers"] = [QMessageBox.StandardButton.Discard]
    assert w.close()
    assert len(answers["asked"]) == 2


def test_the_training_speed_is_set_in_the_panel_or_the_menu_and_remembered(qtbot, windows, in_worker):
    from sandbox.gui.training.speed_control import SETTINGS_KEY

    w = windows("xor.json")
    combo = w.training.settings_panel.findChild(QComboBox, "trainingSpeedCombo")
    assert combo is not None and combo.currentData() is None  # full speed at first
    index = combo.findText("10 it/s")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    menu = w.findChild(QMenu, "trainingSpeedMenu")
    update_menu = next(m for m in w.actions_.train.associatedObjects() if isinstance(m, QMenu))
    assert menu.menuAction() in update_menu.actions()  # Update ▸ Training Speed, after Train
    assert [a.text() for a in menu.actions() if a.isChecked()] == ["10 iterations a second"]
    start(qtbot, w)
    assert in_worker(controller(w), lambda t: controller(w).worker.max_rate) == 10.0
    pause(qtbot, w)
    assert float(QSettings().value(SETTINGS_KEY)) == 10.0
    other = windows("spiral.json")  # a new window trains at the remembered speed
    other_combo = other.training.settings_panel.findChild(QComboBox, "trainingSpeedCombo")
    assert other_combo.currentText() == "10 it/s" and other.training.session.controller.speed == 10.0
    full = next(a for a in other.findChild(QMenu, "trainingSpeedMenu").actions() if a.text() == "Full speed")
    full.trigger()
    assert other_combo.currentText() == "Fastest" and other.training.session.controller.speed is None
    assert float(QSettings().value(SETTINGS_KEY)) == 0.0


def test_undoing_a_data_change_brings_back_every_curve_of_the_run_before(qtbot, windows):
    w = windows("spiral.json")
    doc, loss = w.document, w.training.loss_curves
    start(qtbot, w)
    qtbot.waitUntil(lambda: doc.trainer.iteration > 500 and loss.evaluation.n >= 3 and loss.epochs.n >= 3,
                    timeout=10000)
    pause(qtbot, w)
    shown = {name: (s.x.copy(), s.y.copy()) for name, s in
             (("batch", loss.batch), ("sets", loss.evaluation), ("epochs", loss.epochs))}
    samples = w.training.settings_panel.dataset.samples
    samples.setValue(100)
    samples.valueEdited.emit(100)  # the user's edit: new data, the plots start over
    assert loss.evaluation.n == 0 and doc.undo_stack.count() == 2
    start(qtbot, w)
    qtbot.waitUntil(lambda: loss.evaluation.n >= 2, timeout=10000)
    pause(qtbot, w)
    w.actions_.undo.trigger()  # the training on the new data
    w.actions_.undo.trigger()  # the new data
    assert doc.experiment.data.n_train == 240
    for name, s in (("batch", loss.batch), ("sets", loss.evaluation), ("epochs", loss.epochs)):
        np.testing.assert_array_equal(s.x, shown[name][0], err_msg=name)
        np.testing.assert_array_equal(s.y, shown[name][1], err_msg=name)
    assert len(loss.train_curve.xData) > 0 and len(loss.test_curve.xData) > 0
    w.actions_.undo.trigger()  # the first run: nothing left to show
    assert loss.batch.n == 0 and loss.evaluation.n == 0 and loss.epochs.n == 0


def test_every_counter_on_screen_shows_the_same_iteration_while_training(qtbot, windows):
    """The status bar, the settings' counters and the explanation ("next: update N + 1") read the
    document at the same moments (``Document.progressed``): at every report, whether it was told to
    them or not, they agree with each other, and when told they show the document's counters."""
    import re

    w = windows("spiral.json")
    doc = w.document
    counters = w.training.settings_panel.counters
    seen = []

    def shown():
        status = int(re.fullmatch(r"Iteration <b>(\d+)</b>", w.iteration_label.text()).group(1))
        status_epoch = int(re.fullmatch(r"Epoch <b>(\d+)</b>", w.epoch_label.text()).group(1))
        return (status, status_epoch, counters.iteration_label.text(), counters.epoch_label.text(),
                w.explanation_panel.toPlainText())

    doc.reportTaken.connect(lambda report: seen.append(("report",) + shown()))
    doc.progressed.connect(lambda: seen.append(("told", doc.trainer.iteration, doc.trainer.epoch) + shown()))
    start(qtbot, w)
    qtbot.waitUntil(lambda: sum(s[0] == "told" for s in seen) >= 3, timeout=20000)
    pause(qtbot, w)
    assert sum(s[0] == "report" for s in seen) >= sum(s[0] == "told" for s in seen) >= 3
    for entry in seen:
        status, status_epoch, iteration, epoch, explanation = entry[-5:]
        assert (iteration, epoch) == (str(status), str(status_epoch))
        assert f"next: update {status + 1} " in explanation
        if entry[0] == "told":
            assert (status, status_epoch) == entry[1:3]
