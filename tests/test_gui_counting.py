"""One counting convention in the window: counters say how many are done (after update 1 they read 1), and
whatever is named by its number (update, batch, epoch, sample, iteration of a divergence) counts from 1."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from sandbox.files import load_experiment  # noqa: E402
from sandbox.gui.common.icons import resource_file  # noqa: E402


def test_the_progress_box_counts_what_is_done_and_names_what_comes_next_from_1(qtbot):
    from sandbox.gui.model.document import Document
    from sandbox.gui.settings import SettingsPanel

    doc = Document(load_experiment(resource_file("networks", "xor.json")), None)
    panel = SettingsPanel(doc)
    qtbot.addWidget(panel)
    counters = panel.counters
    counters.show_counters(0, 0, 0)
    assert counters.iteration_label.text() == "0" and counters.epoch_label.text() == "0"
    assert counters.epoch_label.toolTip().endswith("0 epochs completed; next: batch 1 of 16 in epoch 1.")
    counters.show_counters(17, 1, 1)  # 17 updates done: the second batch of the second epoch comes next
    assert counters.iteration_label.text() == "17" and counters.epoch_label.text() == "1"
    assert counters.epoch_label.toolTip().endswith("1 epoch completed; next: batch 2 of 16 in epoch 2.")


def test_a_divergence_names_its_iteration_from_1(qtbot):
    from sandbox.gui.model.document import Document
    from sandbox.gui.training.session import TrainingSession
    from sandbox.gui.training.worker import Divergence

    doc = Document(load_experiment(resource_file("networks", "lecture17-linear.json")), None)
    session = TrainingSession(doc)
    told: list[tuple[str, str]] = []
    session.messageRaised.connect(lambda title, text: told.append((title, text)))
    session._on_diverged(Divergence(4, float("inf"), 50.0, ""))  # the loss of the update after 4 done
    assert told and told[0][0] == "Training diverged" and "The loss became inf in iteration 5." in told[0][1]
    session.shutdown()


def test_the_thinned_epoch_ticks_are_named_with_english_ordinals():
    from sandbox.gui.training.live_plots import ordinal

    assert [ordinal(n) for n in (1, 2, 3, 5, 10, 11, 12, 13, 20, 21, 22, 50, 100, 101, 111)] == [
        "1st", "2nd", "3rd", "5th", "10th", "11th", "12th", "13th", "20th", "21st", "22nd", "50th", "100th", "101st",
        "111th"]
