"""Start the desktop app: ``run(path)`` is what ``backprop-sandbox [FILE]`` calls."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication


def run(path: str | None = None) -> int:
    """Create the application and the main window (with ``path`` or the lecture example); run it."""
    from PySide6.QtWidgets import QApplication

    from sandbox.gui.common.icons import icon
    from sandbox.gui.window.main_window import MainWindow

    app = QApplication.instance() or start_application(sys.argv[:1])
    app.setOrganizationName("Backprop Sandbox")
    app.setOrganizationDomain("backprop-sandbox.example")
    app.setApplicationName("Backprop Sandbox")
    app.setApplicationDisplayName("Backprop Sandbox")
    app.setWindowIcon(icon("app"))
    window = MainWindow(path)
    window.show()
    status = app.exec()
    return finish(status)


def start_application(argv: list[str]) -> QApplication:
    """``QApplication(argv)``, but should Qt still find that its platform cannot start (``sandbox.qt_check`` looked
    first), one paragraph and exit status 1 instead of Qt's abort and core dump."""
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    said: list[str] = []  # Qt's warnings while it starts: printed after it started, or as part of the paragraph

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        category = context.category if context.category and context.category != "default" else ""
        said.append(f"{category}: {message}" if category else message)
        if kind != QtMsgType.QtFatalMsg:
            return
        text = "; ".join(" ".join(m.split("\n\n")[0].split()).rstrip(".") for m in said)
        print(f"error: the desktop app cannot start: Qt could not start its platform (Qt said: {text}). "
              f"'backprop-sandbox doctor' says what is missing; the headless commands (explain, train, validate, "
              f"export, exercise) work without a window.", file=sys.stderr)
        sys.stderr.flush()
        os._exit(1)

    qInstallMessageHandler(handler)
    try:
        app = QApplication(argv)
    finally:
        qInstallMessageHandler(None)
    for message in said:
        print(message, file=sys.stderr)
    return app


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
