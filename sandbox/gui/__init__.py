"""The desktop app (PySide6 + pyqtgraph). ``MainWindow`` is the main window; ``app.run`` starts it."""

from __future__ import annotations

__all__ = ["MainWindow"]


def __getattr__(name: str):
    if name == "MainWindow":
        from sandbox.gui.window.main_window import MainWindow
        return MainWindow
    raise AttributeError(name)
