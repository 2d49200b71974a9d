"""Dock widgets made alike: movable, floatable and (unless told otherwise) closable."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget


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
