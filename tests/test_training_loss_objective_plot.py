"""The loss plot with regularization: it shows the objective E = L + λR(θ) or the data loss L, says which on
its axis, and a switch in its title row chooses; without regularization it shows the data loss, labelled."""

from __future__ import annotations

import copy

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QComboBox, QMessageBox  # noqa: E402

from sandbox.engine import Regularization, Trainer  # noqa: E402
from sandbox.gui.common.icons import resource_file  # noqa: E402
from sandbox.gui.model.settings_commands import SettingCommand  # noqa: E402

pytestmark = pytest.mark.usefixtures("isolated_settings")

OBJECTIVE, DATA_LOSS = "objective E = L + λR(θ)", "data loss L"


@pytest.fixture
def window(qtbot, monkeypatch):
    from sandbox.gui import MainWindow

    monkeypatch.setattr(QMessageBox, "show", lambda box: None)
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    w = MainWindow(resource_file("networks", "xor.json"))
    w.resize(1400, 900)
    w.show()
    qtbot.addWidget(w)
    qtbot.waitExposed(w)
    yield w
    w.close()


def train_epochs(qtbot, w, epochs: int) -> None:
    session, doc = w.training.session, w.document
    target = doc.trainer.iteration + epochs * doc.trainer.batches_per_epoch
    for _ in range(epochs):
        session.step_epoch()
        qtbot.waitUntil(lambda: not session.running, timeout=10000)
    assert doc.trainer.iteration == target


def test_the_loss_plot_shows_the_objective_or_the_data_loss_and_says_which(qtbot, window):
    w, doc, plot = window, window.document, window.loss_plot
    combo = plot.findChild(QComboBox, "lossQuantityCombo")
    assert combo is not None and not combo.isVisible() and plot.quantity_shown() == DATA_LOSS
    start = copy.deepcopy(doc.experiment)

    lam = 0.01
    doc.undo_stack.push(SettingCommand(doc, "Set regularization", {"regularization": Regularization("l2", lam)}))
    assert combo.isVisible() and plot.quantity_shown() == OBJECTIVE  # what gradient descent minimises
    train_epochs(qtbot, w, 2)

    # the engine's objective of each update: L of the batch + λ/2·‖W‖² of the weights it started from
    start.regularization = Regularization("l2", lam)
    replay = Trainer(start)
    expected = []
    for _ in range(doc.trainer.iteration):
        before = [layer.weights.copy() for layer in replay.network.layers]
        loss = replay.step()
        expected.append(loss + lam / 2 * sum(float((b**2).sum()) for b in before))
    history = doc.trainer.history
    np.testing.assert_allclose(history.objective, expected, rtol=1e-12)
    np.testing.assert_allclose(plot.values(), expected, rtol=1e-12)  # (32 points: drawn as they are)
    curves = w.training.loss_curves
    train, _ = doc.trainer.evaluate()
    penalty = lam / 2 * sum(float((layer.weights**2).sum()) for layer in doc.experiment.network.layers)
    assert curves.train_curve.yData[-1] == pytest.approx(train + penalty, rel=1e-12)

    combo.setCurrentIndex(combo.findData("loss"))  # the switch: the data loss
    assert plot.quantity_shown() == DATA_LOSS
    np.testing.assert_allclose(plot.values(), history.loss, rtol=0)
    assert curves.train_curve.yData[-1] == pytest.approx(train, rel=1e-12)
    assert (history.objective > history.loss).all()

    combo.setCurrentIndex(combo.findData("objective"))
    while doc.experiment.regularization.active:  # the training, then the regularization: off again
        doc.undo_stack.undo()
    # the data loss, and no switch
    assert not combo.isVisible() and plot.quantity_shown() == DATA_LOSS
    train_epochs(qtbot, w, 1)
    np.testing.assert_allclose(plot.values(), doc.trainer.history.loss, rtol=0)


def test_the_legend_is_never_under_the_switch(qtbot, window):
    """The switch takes the title's place at the left of the title row; a legend too wide for the rest of the row
    goes to two rows (at 1920×1080 digits' four entries did not fit: 'batch loss' was under the switch)."""
    w, doc, plot = window, window.document, window.loss_plot
    combo = plot.findChild(QComboBox, "lossQuantityCombo")
    doc.undo_stack.push(SettingCommand(doc, "Set regularization", {"regularization": Regularization("l2", 0.01)}))
    train_epochs(qtbot, w, 1)  # the training and test set's curves and the epoch marks join the legend
    legend = plot.getPlotItem().legend
    assert len(legend.items) == 4
    for width in (900, 520, 440):
        plot.setFixedWidth(width)
        qtbot.waitUntil(lambda w=width: plot.width() == w)
        legend.layout.activate()
        left = legend.mapRectToScene(legend.boundingRect()).left()
        assert left >= combo.geometry().right(), width
    assert legend.columnCount < 4  # the narrowest needed two rows
