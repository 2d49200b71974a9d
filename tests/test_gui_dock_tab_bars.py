"""No stray dock tab bar: a window opened with a remembered layout whose tab group (Settings with Classes) has a
hidden dock showed that group's old tab bar over its top left corner, a "Settings" tab over the File menu."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QMessageBox, QTabBar  # noqa: E402

from sandbox.resources import resource_path  # noqa: E402

pytestmark = pytest.mark.usefixtures("isolated_settings")


def shown_tab_bars(window) -> list[list[str]]:
    """The tabs of each tab bar a user sees (Qt parks an unused one shown but outside the window)."""
    bars = window.findChildren(QTabBar)
    return sorted([bar.tabText(i) for i in range(bar.count())] for bar in bars
                  if bar.isVisible() and bar.geometry().intersects(window.rect()))


def open_window(qtbot, name: str):
    from sandbox.gui import MainWindow

    w = MainWindow(resource_path("networks", name))
    qtbot.addWidget(w)
    w.resize(1600, 1000)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_a_remembered_layout_leaves_no_tab_bar_of_fewer_than_two_tabs(qtbot, monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    first = open_window(qtbot, "digits.json")
    qtbot.waitUntil(lambda: shown_tab_bars(first) == [["Settings", "Classes"]])
    first.close()  # remembers its layout
    second = open_window(qtbot, "digits.json")
    qtbot.waitUntil(lambda: shown_tab_bars(second) == [["Settings", "Classes"]])
    assert second.open_file(resource_path("networks", "lecture17-linear.json"))  # the Classes dock hides
    qtbot.waitUntil(lambda: shown_tab_bars(second) == [])
    assert second.open_file(resource_path("networks", "digits.json"))  # and shows again, with its tabs
    qtbot.waitUntil(lambda: shown_tab_bars(second) == [["Settings", "Classes"]])


def current_tabs(window) -> list[str]:
    bars = [bar for bar in window.findChildren(QTabBar) if bar.isVisible() and bar.count() > 1
            and bar.geometry().intersects(window.rect())]
    return [bar.tabText(bar.currentIndex()) for bar in bars]


def test_a_first_window_on_digits_shows_its_classes_in_front_of_the_settings(qtbot, monkeypatch):
    """The Classes dock is tabified with Settings while hidden, then shown for digits before the window is: a
    raise then left Settings in front (what a first-time user saw instead of the confusion matrix)."""
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    w = open_window(qtbot, "digits.json")
    qtbot.waitUntil(lambda: current_tabs(w) == ["Classes"])
