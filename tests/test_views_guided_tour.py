"""Guided tour: a few steps, each a shipped example file; Back/Next; open signals carry the path."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.gui.lecture.guided_tour import TOUR, VIEW_BUTTONS, GuidedTour


@pytest.fixture
def tour(qtbot):
    t = GuidedTour()
    qtbot.addWidget(t)
    return t


def test_steps_are_example_files_that_load():
    from sandbox.files import load_experiment

    assert 5 <= len(TOUR) <= 8
    assert TOUR[0].file == "lecture17-linear.json"
    files = [s.file for s in TOUR]
    for name in ("lecture17-logistic.json", "vanishing-sigmoid.json", "vanishing-tanh.json", "vanishing-relu.json",
                 "momentum.json"):
        assert name in files
    assert files.index("vanishing-sigmoid.json") < files.index("momentum.json")
    for step in TOUR:
        assert step.path.is_file(), step.path
        load_experiment(step.path)  # raises if the file is invalid
        assert step.text and step.try_this
        assert step.view is None or step.view in VIEW_BUTTONS


def test_next_back_and_buttons(tour, qtbot):
    assert tour.index == 0 and not tour.back_button.isEnabled() and tour.next_button.isEnabled()
    assert tour.title.text() == TOUR[0].title
    assert tour.counter.text() == f"Guided tour · step 1 of {len(TOUR)}"
    with qtbot.waitSignal(tour.stepChanged) as blocker:
        qtbot.mouseClick(tour.next_button, qtbot_left())
    assert blocker.args == [1] and tour.title.text() == TOUR[1].title
    tour.back()
    assert tour.index == 0
    for _ in range(20):
        tour.next()
    assert tour.index == len(TOUR) - 1 and not tour.next_button.isEnabled()
    assert tour.back_button.isEnabled()


def test_open_example_emits_the_path(tour, qtbot):
    tour.go_to(3)
    with qtbot.waitSignal(tour.openExample) as blocker:
        tour.open_button.click()
    path = blocker.args[0]
    assert isinstance(path, Path) and path.name == TOUR[3].file and path.is_file()


def test_view_button_only_where_a_view_belongs(tour, qtbot):
    for i, step in enumerate(TOUR):
        tour.go_to(i)
        assert tour.view_button.isVisibleTo(tour) == (step.view is not None)
    i = next(k for k, s in enumerate(TOUR) if s.view == "landscape")
    tour.go_to(i)
    with qtbot.waitSignal(tour.openView) as blocker:
        tour.view_button.click()
    assert blocker.args == ["landscape"]


def qtbot_left():
    from PySide6.QtCore import Qt
    return Qt.MouseButton.LeftButton
