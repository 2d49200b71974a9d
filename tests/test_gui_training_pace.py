"""A watchable default pace (issue 13, point 5): a small network such as the spiral trains at
``WATCHABLE_RATE`` until a speed is chosen, a big one at full speed; Fastest is one click away on the
toolbar."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import QComboBox, QMessageBox, QToolBar  # noqa: E402

from sandbox.gui.common.icons import resource_file  # noqa: E402
from sandbox.gui.training import speed_control  # noqa: E402

pytestmark = [pytest.mark.usefixtures("isolated_settings"), pytest.mark.default_pace]


@pytest.fixture
def window(qtbot, monkeypatch):
    from sandbox.gui import MainWindow

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    w = MainWindow(resource_file("networks", "spiral.json"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def big_network(tmp_path) -> str:
    """A 2-200-1 network: 801 parameters."""
    layers = [{"size": 2}, {"size": 200, "activation": "tanh"}, {"size": 1, "activation": "sigmoid"}]
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"format": "backprop-sandbox.network", "version": 1, "layers": layers,
                                "data": {"generator": "xor", "samples": 100}}), encoding="utf-8")
    return str(path)


def parts(w):
    combo = w.training.settings_panel.findChild(QComboBox, "trainingSpeedCombo")
    fastest = w.findChild(QAction, "fastestAction")
    return combo, fastest, w.training.session.controller


def test_the_spiral_trains_at_the_watchable_pace_by_default(qtbot, window, in_worker):
    assert speed_control.WATCHABLE_RATE == 300.0 and speed_control.SMALL_NETWORK == 500
    assert window.document.experiment.network.parameter_count == 105
    combo, fastest, controller = parts(window)
    assert combo.currentText() == "300 it/s" and controller.speed == 300.0 and not fastest.isChecked()
    window.actions_.train.trigger()
    assert in_worker(controller, lambda t: controller.worker.max_rate) == 300.0
    window.actions_.train.trigger()
    qtbot.waitUntil(lambda: not window.training.session.running, timeout=5000)
    assert QSettings().value(speed_control.SETTINGS_KEY) is None  # a default is not a choice: not remembered


def test_fastest_is_one_click_away_on_the_toolbar_and_unchecked_goes_back_to_the_pace(window):
    combo, fastest, controller = parts(window)
    toolbar = window.findChild(QToolBar, "mainToolBar")
    actions = toolbar.actions()
    assert actions[actions.index(window.actions_.train) + 1] is fastest  # right after Train
    assert fastest.isCheckable() and not fastest.icon().isNull()
    fastest.trigger()
    assert fastest.isChecked() and controller.speed is None and combo.currentText() == "Fastest"
    assert QSettings().value(speed_control.SETTINGS_KEY) is None  # for now: not remembered
    fastest.trigger()
    assert not fastest.isChecked() and controller.speed == 300.0 and combo.currentText() == "300 it/s"
    # the combo's Fastest checks the toolbar's toggle; its other choices uncheck it
    combo.activated.emit(combo.findText("Fastest"))
    assert fastest.isChecked() and controller.speed is None
    combo.activated.emit(combo.findText("30 it/s"))
    assert not fastest.isChecked() and controller.speed == 30.0
    assert float(QSettings().value(speed_control.SETTINGS_KEY)) == 30.0


def test_a_big_network_still_defaults_to_fastest_and_a_chosen_speed_holds_for_every_network(window, tmp_path):
    combo, fastest, controller = parts(window)
    assert window.open_file(big_network(tmp_path))
    assert window.document.experiment.network.parameter_count == 801
    assert controller.speed is None and fastest.isChecked() and combo.currentText() == "Fastest"
    assert window.open_file(resource_file("networks", "xor.json"))  # small again: the watchable pace
    assert controller.speed == 300.0 and not fastest.isChecked()
    combo.activated.emit(combo.findText("100 it/s"))  # chosen: it holds, whatever network comes
    assert window.open_file(big_network(tmp_path))
    assert controller.speed == 100.0 and combo.currentText() == "100 it/s"


def test_a_remembered_choice_wins_over_the_default(qtbot, window):
    from sandbox.gui import MainWindow

    combo, _, _ = parts(window)
    combo.activated.emit(combo.findText("Fastest"))
    other = MainWindow(resource_file("networks", "spiral.json"))
    qtbot.addWidget(other)
    assert other.training.session.controller.speed is None
    assert other.findChild(QAction, "fastestAction").isChecked()


def test_at_fastest_the_window_draws_less_often_and_at_a_pace_as_before(window):
    """Every redraw holds the GIL the worker trains with: at Fastest the plots draw FASTEST_PLOT_HZ frames a
    second and the document tells its progress FASTEST_PROGRESS_HZ times; a set pace brings back the rates."""
    from PySide6.QtCore import QTimer

    from sandbox.gui.model import document
    from sandbox.gui.training import view

    _combo, fastest, _controller = parts(window)
    clock = window.findChild(QTimer, "plotClock")
    groups = len(view.PLOT_GROUPS)
    assert clock.interval() == round(1000 / (view.PLOT_HZ * groups))  # the spiral's watchable pace
    assert window.document.progress_hz == document.PROGRESS_HZ
    fastest.trigger()
    assert clock.interval() == round(1000 / (view.FASTEST_PLOT_HZ * groups)) > round(1000 / (view.PLOT_HZ * groups))
    assert window.document.progress_hz == document.FASTEST_PROGRESS_HZ < document.PROGRESS_HZ
    fastest.trigger()
    assert clock.interval() == round(1000 / (view.PLOT_HZ * groups))
    assert window.document.progress_hz == document.PROGRESS_HZ


def test_the_set_losses_follow_every_evaluation_while_training(qtbot, window):
    """The worker evaluates the whole sets in some reports only (at most EVALUATION_HZ a second): the status bar
    shows the newest evaluation at once, not the one that happened to come with the last counters' update (the
    window showed an early 'Train loss 1.319' beside 'Train acc 98.9 %' after 12 epochs of digits)."""
    from PySide6.QtWidgets import QLabel

    from sandbox.gui.training.view import _number

    label = window.findChild(QLabel, "trainLossLabel")
    seen, stale = [], []

    def check(report) -> None:
        if report.running and report.evaluation is not None:
            seen.append(report.evaluation[1])
            if _number(report.evaluation[1]) not in label.text():
                stale.append((report.evaluation[1], label.text()))

    window.document.reportTaken.connect(check)  # after the training view's own slot
    _combo, fastest, _controller = parts(window)
    fastest.trigger()
    window.actions_.train.trigger()
    qtbot.waitUntil(lambda: len(seen) >= 8, timeout=30000)
    window.actions_.train.trigger()
    assert not stale
