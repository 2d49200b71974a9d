"""Live training of a Document: reports copied in, edits during training sent to the worker, undo."""

from __future__ import annotations

import numpy as np
import pytest

from sandbox.engine import Trainer
from sandbox.gui.document import Document
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


def _engine_value(qtbot, session, read):
    """Read something from the worker's own trainer, between two iterations."""
    box = []
    session.controller.apply(lambda trainer: box.append(read(trainer)))
    qtbot.waitUntil(lambda: bool(box), timeout=3000)
    return box[0]


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


def test_weight_edit_during_training_reaches_the_worker_and_undo_sends_the_inverse(qtbot, session):
    doc = session.document
    # freeze the output layer in both places so the edited weight stays put while training runs
    doc.experiment.network.layers[2].train_weights = False
    session.start()
    qtbot.waitUntil(lambda: doc.trainer.iteration > 20, timeout=5000)
    old = doc.value_at(("weight", 3, 0, 4))
    doc.edit_value(("weight", 3, 0, 4), 2.75)
    assert _engine_value(qtbot, session, lambda t: float(t.network.layers[2].weights[0, 4])) == 2.75
    doc.undo_stack.undo()
    assert _engine_value(qtbot, session, lambda t: float(t.network.layers[2].weights[0, 4])) == old
    assert session.running
    _paused(qtbot, session)
    assert doc.value_at(("weight", 3, 0, 4)) == old


def test_restart_after_a_pause_continues_from_the_document(qtbot, session):
    doc = session.document
    doc.experiment.network.layers[0].train_biases = False
    session.start()
    qtbot.waitUntil(lambda: doc.trainer.iteration > 20, timeout=5000)
    _paused(qtbot, session)
    paused_at = doc.trainer.iteration
    doc.edit_value(("bias", 1, 0), -0.5)  # edited while paused: the next run starts from it
    session.start()
    assert _engine_value(qtbot, session, lambda t: float(t.network.layers[0].biases[0])) == -0.5
    assert _engine_value(qtbot, session, lambda t: t.iteration) > paused_at
    _paused(qtbot, session)
    assert doc.trainer.iteration == session.controller.latest.iteration
    assert [doc.undo_stack.text(i).split()[0] for i in range(doc.undo_stack.count())] == ["Train", "Set", "Train"]
