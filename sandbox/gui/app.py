"""Start the desktop app: ``run(path)`` is what ``backprop-sandbox [FILE]`` calls."""

from __future__ import annotations

import sys


def run(path: str | None = None) -> int:
    """Create the application and the main window (with ``path`` or the lecture example); run it."""
    from PySide6.QtWidgets import QApplication

    from .icons import icon
    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("Backprop Sandbox")
    app.setOrganizationDomain("backprop-sandbox.example")
    app.setApplicationName("Backprop Sandbox")
    app.setApplicationDisplayName("Backprop Sandbox")
    app.setWindowIcon(icon("app"))
    window = MainWindow(path)
    window.show()
    return app.exec()
