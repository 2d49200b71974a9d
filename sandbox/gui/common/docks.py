"""Dock widgets made alike: movable, floatable and (unless told otherwise) closable."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar, QWidget
from shiboken6 import isValid


def add_dock(window: QMainWindow, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea,
             closable: bool = True) -> QDockWidget:
    """A dock named ``name`` (its objectName, which the remembered layout uses) holding ``widget``,
    added to ``window`` in ``area``."""
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setWidget(widget)
    features = QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable
    if closable:
        features |= QDockWidget.DockWidgetFeature.DockWidgetClosable
    dock.setFeatures(features)
    window.addDockWidget(area, dock)
    return dock


def hide_stray_tab_bars(window: QMainWindow) -> int:
    """Hides the window's dock tab bars that show fewer than two tabs; returns how many.

    A tab group shows its tab bar only while two or more of its docks are shown. After ``restoreState`` with a
    tab group of which a dock was then hidden (the Classes dock with Settings, a network of other kinds), Qt
    left that group's old tab bar shown over the window's top left corner: a "Settings" tab over the File menu.
    """
    stray = [bar for bar in window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
             if bar.count() < 2 and bar.isVisible()]
    for bar in stray:
        bar.hide()
    return len(stray)


def sweep_tab_bars_on_changes(window: QMainWindow) -> None:
    """``hide_stray_tab_bars`` once the event loop is back, whenever one of the window's docks is shown or
    hidden (and now)."""
    def sweep(_visible: bool = False) -> None:
        if isValid(window):  # (docks say they hide while the window is being deleted)
            QTimer.singleShot(0, window, lambda: hide_stray_tab_bars(window))

    for dock in window.findChildren(QDockWidget):
        dock.visibilityChanged.connect(sweep)
    sweep()
