"""Start the desktop app: ``run(path)`` is what ``backprop-sandbox [FILE]`` calls."""

from __future__ import annotations

import os
import sys


def run(path: str | None = None) -> int:
    """Create the application and the main window (with ``path`` or the lecture example); run it."""
    from PySide6.QtWidgets import QApplication

    from sandbox.gui.common.icons import icon
    from sandbox.gui.window.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("Backprop Sandbox")
    app.setOrganizationDomain("backprop-sandbox.example")
    app.setApplicationName("Backprop Sandbox")
    app.setApplicationDisplayName("Backprop Sandbox")
    app.setWindowIcon(icon("app"))
    window = MainWindow(path)
    window.show()
    status = app.exec()
    return finish(status)


def finish(status: int) -> int:
    """After the event loop: give the worker threads a moment to end. One still busy in a long
    iteration cannot be interrupted; the process then ends at once, without destroying its thread
    (which Qt would answer with an abort)."""
    from sandbox.gui.threads import stop_all

    if stop_all(300):
        return status
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
