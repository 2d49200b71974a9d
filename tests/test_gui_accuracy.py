"""Classification accuracy in the window's status bar and in the training run's record (issue 13, point 6)."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QMessageBox  # noqa: E402

from sandbox.engine.metrics import format_accuracy  # noqa: E402
from sandbox.gui.common.icons import resource_file  # noqa: E402
from sandbox.gui.model.run_record import record_of  # noqa: E402

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    from sandbox.gui import MainWindow

    opened = []

    def make(name: str):
        w = MainWindow(resource_file("networks", name))
        w.resize(1400, 900)
        w.show()
        qtbot.addWidget(w)
        qtbot.waitExposed(w)
        opened.append(w)
        return w

    yield make
    for w in opened:
        w.close()


def test_status_bar_shows_the_engines_accuracy(window):
    w = window("spiral.json")
    label = w.accuracy_label
    train, test = w.document.trainer.accuracy()
    assert train is not None and test is not None
    assert label.isVisible()
    assert label.text() == format_accuracy(train, test)
    assert label.text().startswith("Train acc ") and "  Test acc " in label.text()


def test_status_bar_shows_no_accuracy_for_regression(window):
    w = window("regression-plane.json")
    assert w.accuracy_label.text() == ""
    assert not w.accuracy_label.isVisible()


def test_training_reports_accuracy_into_the_status_bar_and_the_record(qtbot, window):
    w = window("spiral.json")
    session = w.training.session
    session.step_epoch()  # one epoch in the worker, then a pause: its report is evaluated
    qtbot.waitUntil(lambda: not session.running and w.document.trainer.epoch == 1, timeout=10000)
    report = w.document.latest_report
    assert report.evaluation_accuracy is not None
    train, test = w.document.trainer.accuracy()  # the document's trainer now holds the worker's weights
    assert report.evaluation_accuracy == (train, test)
    assert w.accuracy_label.text() == format_accuracy(train, test)
    record = record_of(w.document.trainer.history)
    assert record is not None and record.evaluations.n >= 1
    last = record.evaluations.y[-1]
    assert (last[4], last[5]) == (train, test)
    assert math.isnan(last[2]) and np.isfinite(last[:2]).all()  # (no regularization: no objective)


def test_the_loss_history_is_saved_and_shown_again_when_reopened(qtbot, window, tmp_path):
    w = window("xor.json")
    session = w.training.session
    for epochs in (1, 2):
        session.step_epoch()
        qtbot.waitUntil(lambda e=epochs: not session.running and w.document.trainer.epoch == e, timeout=10000)
    curves = w.training.loss_curves
    before = (curves.batch.x.copy(), curves.batch.y.copy(), curves.evaluation.x.copy(), curves.evaluation.y.copy())
    assert len(before[0]) == w.document.trainer.iteration == 32 and len(before[2]) >= 2
    path = tmp_path / "trained.json"
    assert w.save_file(path)
    assert w.document.experiment.history is None  # (the trainer keeps it; the file has it)
    assert w.open_file(path)
    trainer = w.document.trainer
    assert (trainer.iteration, trainer.epoch) == (32, 2)  # training goes on counting from there
    after = (curves.batch.x, curves.batch.y, curves.evaluation.x, curves.evaluation.y)
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)
    # the saved evaluations carry the engine's accuracy beside the losses
    saved = trainer.history.saved
    assert saved is not None and not np.isnan(saved.evaluations[-1, 3])
