"""Live training of a Document: reports copied in, edits during training sent to the worker, undo."""

from __future__ import annotations

import numpy as np
import pytest

from sandbox.engine import OptimizerSpec, Trainer
from sandbox.gui.model.document import Document
from sandbox.gui.training.session import TrainingSession

from training_support import spiral_experiment


@pytest.fixture
def session(qtbot):
    doc = Document(spiral_experiment())
    s = TrainingSession(doc)
    yield s
    assert s.shutdown(2000)
    if s.controller.thread is not None:
        assert s.controller.thread.isFinished()


def _paused(qtbot, session):
    with qtbot.waitSignal(session.controller.reportReady, timeout=3000, check_params_cb=lambda r: not r.running):
        session.pause()


def test_training_updates_the_document_and_is_one_undoable_command(qtbot, session):
    doc = session.document
    start_weights = doc.experiment.network.state()[0]
    session.start()
    qtbot.waitUntil(lambda: doc.trainer.iteration > 300, timeout=10000)
    _paused(qtbot, session)
    report = session.controller.latest
    assert (doc.trainer.iteration, doc.trainer.epoch) == (report.iteration, report.epoch)
    assert doc.trainer.history.count == report.iteration
    np.testing.assert_array_equal(doc.experiment.network.layers[0].weights, report.weights[0])
    assert doc.undo_stack.count() == 1
    assert doc.undo_stack.text(0) == f"Train {report.iteration} iterations"
    # the document's trainer continues exactly where the worker stopped (optimizer state included)
    expected = Trainer(spiral_experiment())
    expected.run(iterations=report.iteration + 1)
    doc.trainer.step()
    np.testing.assert_allclose(doc.experiment.network.layers[1].weights, expected.network.layers[1].weights,
                               rtol=1e-12, atol=1e-12)
    doc.undo_stack.undo()
    assert doc.trainer.iteration == 0
    np.testing.assert_array_equal(doc.experiment.network.layers[0].weights, start_weights[0])


def test_weight_edit_during_training_reaches_the_worker_and_undo_sends_the_inverse(qtbot, session, in_worker):
    doc = session.document
    # freeze the output layer in both places so the edited weight stays put while training runs
    doc.experiment.network.layers[2].train_weights = False
    session.start()
    qtbot.waitUntil(lambda: doc.trainer.iteration > 20, timeout=5000)
    old = doc.value_at(("weight", 3, 0, 4))
    doc.edit_value(("weight", 3, 0, 4), 2.75)
    assert in_worker(session.controller, lambda t: float(t.network.layers[2].weights[0, 4])) == 2.75
    doc.undo_stack.undo()
    assert in_worker(session.controller, lambda t: float(t.network.layers[2].weights[0, 4])) == old
    assert session.running
    _paused(qtbot, session)
    assert doc.value_at(("weight", 3, 0, 4)) == old


def test_restart_after_a_pause_continues_from_the_document(qtbot, session, in_worker):
    doc = session.document
    doc.experiment.network.layers[0].train_biases = False
    session.start()
    qtbot.waitUntil(lambda: doc.trainer.iteration > 20, timeout=5000)
    _paused(qtbot, session)
    paused_at = doc.trainer.iteration
    doc.edit_value(("bias", 1, 0), -0.5)  # edited while paused: the next run starts from it
    session.start()
    assert in_worker(session.controller, lambda t: float(t.network.layers[0].biases[0])) == -0.5
    assert in_worker(session.controller, lambda t: t.iteration) > paused_at
    _paused(qtbot, session)
    assert doc.trainer.iteration == session.controller.latest.iteration
    assert [doc.undo_stack.text(i).split()[0] for i in range(doc.undo_stack.count())] == ["Train", "Set", "Train"]


# ---- the undo stack while training runs ----------------------------------------------------------

def _texts(doc) -> list[str]:
    stack = doc.undo_stack
    return [stack.text(i).split()[0] for i in range(stack.count())]


def _state(doc):
    t = doc.trainer
    weights, biases = doc.experiment.network.state()
    return t.iteration, t.epoch, weights, biases


def _assert_state(doc, expected) -> None:
    iteration, epoch, weights, biases = _state(doc)
    assert (iteration, epoch) == expected[:2]
    for a, b in zip(weights + biases, expected[2] + expected[3]):
        np.testing.assert_array_equal(a, b)


def test_an_edit_during_training_lands_between_two_runs_and_undo_everything_gives_the_file(qtbot, session):
    doc = session.document
    initial = _state(doc)
    session.start()
    qtbot.waitUntil(lambda: doc.trainer.iteration > 100, timeout=5000)
    doc.edit_value(("weight", 3, 0, 4), 2.75)
    edited_at = doc.trainer.iteration
    qtbot.waitUntil(lambda: doc.trainer.iteration > edited_at + 100, timeout=5000)
    _paused(qtbot, session)
    assert _texts(doc) == ["Train", "Set", "Train"]
    assert doc.undo_stack.text(0) == f"Train {edited_at} iterations"
    trained = _state(doc)
    stack = doc.undo_stack
    while stack.canUndo():
        stack.undo()
    assert stack.isClean()
    _assert_state(doc, initial)
    while stack.canRedo():
        stack.redo()
    _assert_state(doc, trained)


def test_a_new_layer_during_training_keeps_the_run_before_it(qtbot, session, in_worker):
    from sandbox.gui.model.settings_commands import ExperimentCommand, with_layer_sizes

    doc = session.document
    initial = _state(doc)
    session.start()
    qtbot.waitUntil(lambda: doc.trainer.iteration > 100, timeout=5000)
    bigger = with_layer_sizes(doc.experiment, [8, 8, 8])
    doc.undo_stack.push(ExperimentCommand(doc, "Add hidden layer 3", bigger))
    changed_at = doc.trainer.iteration
    assert in_worker(session.controller, lambda t: t.network.depth) == 4
    qtbot.waitUntil(lambda: doc.trainer.iteration > changed_at + 100, timeout=5000)
    _paused(qtbot, session)
    assert _texts(doc) == ["Train", "Add", "Train"]
    trained = _state(doc)
    stack = doc.undo_stack
    while stack.canUndo():
        stack.undo()
    assert stack.isClean() and doc.experiment.network.depth == 3
    _assert_state(doc, initial)
    while stack.canRedo():
        stack.redo()
    assert doc.experiment.network.depth == 4
    _assert_state(doc, trained)


def test_undo_while_training_takes_back_the_last_command_with_the_training_since(qtbot, session, in_worker):
    doc = session.document
    session.start()
    qtbot.waitUntil(lambda: doc.trainer.iteration > 100, timeout=5000)
    old = doc.value_at(("weight", 3, 0, 4))
    doc.edit_value(("weight", 3, 0, 4), 2.75)
    edited_at = doc.trainer.iteration
    qtbot.waitUntil(lambda: doc.trainer.iteration > edited_at + 50, timeout=5000)
    doc.undo_stack.undo()  # the menu says "Undo Set w…": the edit goes, and the training after it
    assert session.running
    assert doc.trainer.iteration == edited_at and doc.value_at(("weight", 3, 0, 4)) == old
    assert doc.undo_stack.index() == 1 and _texts(doc) == ["Train", "Set", "Train"]
    assert in_worker(session.controller, lambda t: float(t.network.layers[2].weights[0, 4])) == old
    _paused(qtbot, session)
    assert _texts(doc) == ["Train", "Train"] and doc.trainer.iteration > edited_at


class _Reports:
    """Counts the reports the worker emits (in its thread) against those the controller has handled."""

    def __init__(self, controller):
        from PySide6.QtCore import Qt

        self.controller = controller
        self.emitted: list = []
        controller.worker.report.connect(self.emitted.append, Qt.ConnectionType.DirectConnection)
        self.handled_before = controller.reports + controller.stale_reports

    def pause_report_handled(self) -> bool:
        c = self.controller
        emitted = list(self.emitted)
        return any(not r.running for r in emitted) and c.reports + c.stale_reports - self.handled_before >= len(emitted)


def test_a_report_still_on_its_way_after_a_pause_never_lands_on_another_document(qtbot, session, in_worker):
    doc = session.document
    session.start()
    qtbot.waitUntil(lambda: doc.trainer.iteration > 100, timeout=5000)
    reports = _Reports(session.controller)
    session.pause()
    other = spiral_experiment(optimizer=OptimizerSpec("sgd", 0.5))  # the same shapes
    for layer in other.network.layers:
        layer.weights[...] = 0.125
    doc.replace(other, None)  # another file, opened at once: the report after the pause is on its way
    qtbot.waitUntil(reports.pause_report_handled, timeout=5000)
    assert doc.trainer.iteration == 0 and doc.trainer.history.count == 0
    assert all((layer.weights == 0.125).all() for layer in doc.experiment.network.layers)
    assert doc.undo_stack.count() == 0 and doc.undo_stack.isClean()
    session.start()  # trains the document's network, not the one before
    assert in_worker(session.controller, lambda t: (t.optimizer.name, t.experiment.optimizer.learning_rate)) == \
        ("sgd", 0.5)
    qtbot.waitUntil(lambda: doc.trainer.iteration > 20, timeout=5000)
    _paused(qtbot, session)
    assert _texts(doc) == ["Train"] and doc.undo_stack.text(0) == f"Train {doc.trainer.iteration} iterations"


def test_an_edit_right_after_a_pause_is_not_overwritten_by_the_pause_report(qtbot, session):
    doc = session.document
    session.start()
    qtbot.waitUntil(lambda: doc.trainer.iteration > 100, timeout=5000)
    reports = _Reports(session.controller)
    session.pause()
    doc.edit_value(("weight", 3, 0, 4), 2.75)  # before the report that follows the pause arrives
    paused_at = doc.trainer.iteration
    qtbot.waitUntil(reports.pause_report_handled, timeout=5000)
    assert doc.value_at(("weight", 3, 0, 4)) == 2.75 and doc.trainer.iteration == paused_at
    assert _texts(doc) == ["Train", "Set"]
    stack = doc.undo_stack
    stack.undo()
    stack.undo()
    assert stack.isClean() and doc.trainer.iteration == 0


@pytest.fixture
def minibatch_session(qtbot):
    from sandbox.engine import Batching

    s = TrainingSession(Document(spiral_experiment(batching=Batching("minibatch", 10), samples=300)))
    yield s
    assert s.shutdown(2000)


def test_a_report_made_before_the_batches_changed_never_names_a_missing_batch(qtbot, minibatch_session):
    """A report sent under the old settings (24 batches an epoch) arriving after a switch to full batch
    (1 batch) must not put the document's trainer on batch 20 of 1."""
    import dataclasses

    from sandbox.engine import Batching
    from sandbox.gui.model.settings_commands import SettingCommand

    session = minibatch_session
    doc = session.document
    session.start()
    qtbot.waitUntil(lambda: session.latest is not None and doc.trainer.iteration > 30, timeout=5000)
    old = session.latest
    doc.undo_stack.push(SettingCommand(doc, "Batches", {"batching": Batching("full")}))
    assert doc.trainer.batches_per_epoch == 1
    late = dataclasses.replace(old, iteration=doc.trainer.iteration + 1, batch_in_epoch=20,
                               batches_per_epoch=24, losses=old.losses[:0],
                               weight_grad_norms=old.weight_grad_norms[:0], epoch_ends=[])
    session.controller.reportReady.emit(late)
    assert doc.trainer.iteration == late.iteration
    assert doc.trainer.batch_in_epoch == 0
    assert 0 <= doc.sample_index < doc.experiment.data.n_train  # (raised IndexError before)
    doc.progressed.emit()  # every view that shows the next sample redraws without an error


def test_a_report_made_before_an_edit_brings_its_counters_but_never_its_weights(qtbot, session, in_worker):
    """A report the worker sent before it applied the user's edit (still on its way when the edit was
    made) must not put the old weight back in the document, not even for a moment."""
    import dataclasses

    doc = session.document
    doc.experiment.network.layers[2].train_weights = False  # the edited weight stays put in the worker
    session.start()
    qtbot.waitUntil(lambda: session.latest is not None and doc.trainer.iteration > 20, timeout=5000)
    before_edit = session.latest
    doc.edit_value(("weight", 3, 0, 4), 2.75)
    late = dataclasses.replace(before_edit, iteration=doc.trainer.iteration + 3, losses=before_edit.losses[:0],
                               weight_grad_norms=before_edit.weight_grad_norms[:0], epoch_ends=[], evaluation=None)
    assert late.edits_applied == 0 < session.controller.edits_posted == 1
    session.controller.reportReady.emit(late)
    assert doc.value_at(("weight", 3, 0, 4)) == 2.75 and doc.trainer.iteration == late.iteration
    # the worker's own reports from then on include the edit
    qtbot.waitUntil(lambda: session.latest.edits_applied == 1, timeout=5000)
    assert doc.value_at(("weight", 3, 0, 4)) == 2.75
    assert in_worker(session.controller, lambda t: float(t.network.layers[2].weights[0, 4])) == 2.75
    _paused(qtbot, session)
    assert doc.value_at(("weight", 3, 0, 4)) == 2.75


def test_closing_mid_iteration_returns_and_the_thread_ends_by_itself(qtbot, session, in_worker):
    """An iteration that takes long (a huge network): shutdown returns without waiting for it, the
    thread is kept alive (never destroyed while it runs) and ends as soon as the iteration does."""
    import threading

    from sandbox.gui import threads

    entered, release = threading.Event(), threading.Event()

    def slow(trainer):
        step = trainer.step

        def held_step():
            entered.set()
            release.wait(30)
            return step()
        trainer.step = held_step

    session.start()
    qtbot.waitUntil(lambda: session.latest is not None, timeout=5000)
    in_worker(session.controller, slow)
    qtbot.waitUntil(entered.is_set, timeout=5000)
    thread = session.controller.thread
    assert not session.shutdown(100)  # it did not end: the worker is inside its iteration
    assert thread.isRunning() and any(t.thread is thread for t in threads.running_threads())
    release.set()
    qtbot.waitUntil(thread.isFinished, timeout=5000)
    qtbot.waitUntil(lambda: not threads.running_threads(), timeout=5000)


def test_the_app_exits_cleanly_while_a_worker_is_inside_a_long_iteration(tmp_path):
    """Quitting while the training thread cannot stop (an iteration of minutes): the process ends with
    the app's status, without Qt's abort for a thread destroyed while running."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        import os, sys, threading
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from sandbox.gui.app import finish
        from sandbox.gui.model.document import Document
        from sandbox.gui.training.session import TrainingSession
        sys.path.insert(0, sys.argv[1])
        from training_support import spiral_experiment
        session = TrainingSession(Document(spiral_experiment()))
        never = threading.Event()
        def slow(trainer):
            trainer.step = lambda: never.wait(600)
        session.start()
        session.controller.apply(slow)
        def quit_when_stuck():
            session.shutdown(100)
            app.quit()
        QTimer.singleShot(500, quit_when_stuck)
        finish(app.exec())
        print("finish returned", flush=True)
    """)
    tests = str(__import__("pathlib").Path(__file__).parent)
    done = subprocess.run([sys.executable, "-c", script, tests], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Destroyed while thread" not in done.stderr and "finish returned" not in done.stdout


def test_an_edit_while_training_is_sent_as_itself_and_the_worker_goes_on(qtbot, session, in_worker):
    """The run so far becomes "Train N iterations" before the edit lands, without reloading the worker
    (no copy of the document's older state replaces what the worker trained since its last report)."""
    doc = session.document
    session.start()
    qtbot.waitUntil(lambda: session.latest is not None and doc.trainer.iteration > 20, timeout=5000)
    generation = session.controller.generation
    doc.edit_value(("weight", 3, 0, 4), 2.75)
    assert session.controller.generation == generation and session.controller.edits_posted == 1
    assert [doc.undo_stack.text(i) for i in range(doc.undo_stack.count())][-1] == "Set w3_1_5 to 2.75"
    assert doc.undo_stack.text(0).startswith("Train ")
    qtbot.waitUntil(lambda: session.latest.edits_applied == 1, timeout=5000)
    _paused(qtbot, session)


def test_redo_while_training_brings_the_command_back(qtbot, session):
    """Undo by mistake while training, then Redo: the command comes back (recording the training since
    the undo first would have cleared the redo history)."""
    doc = session.document
    session.start()
    qtbot.waitUntil(lambda: session.latest is not None and doc.trainer.iteration > 20, timeout=5000)
    old = doc.value_at(("weight", 3, 0, 4))
    doc.edit_value(("weight", 3, 0, 4), 2.75)
    doc.undo_stack.undo()
    assert doc.value_at(("weight", 3, 0, 4)) == old and doc.undo_stack.canRedo()
    qtbot.waitUntil(lambda: session.latest is not None and session.latest.iteration > doc.undo_stack.count(),
                    timeout=5000)
    doc.undo_stack.redo()
    assert doc.undo_stack.undoText() == "Set w3_1_5 to 2.75"
    assert session.running
    _paused(qtbot, session)
