"""Screenshots of the lecture network after the last step of its update at the window sizes a classroom
meets (docs/screenshots/sizes/<w>x<h>.png), and presentation mode at 1920×1080.

    QT_QPA_PLATFORM=offscreen python docs/make_size_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

SIZES = ((1280, 720), (1366, 768), (1440, 900), (1920, 1080))
OUT = Path(__file__).resolve().parent / "screenshots" / "sizes"


def settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def lecture_window(app: QApplication, width: int, height: int):
    """A fresh window (no remembered layout) on the lecture network at ``width`` × ``height``, its first
    update stepped to the end."""
    from sandbox.gui import MainWindow

    w = MainWindow()
    w.player.set_speed("instant")
    w.resize(width, height)
    w.show()
    settle(app)
    step = w.actions_.step
    while not (w.document.walkthrough is not None and w.document.applied):
        step.trigger()
        settle(app)
    settle(app)
    return w


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    OUT.mkdir(parents=True, exist_ok=True)
    for width, height in SIZES:  # each a first start: no layout remembered from another size
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
        w = lecture_window(app, width, height)
        w.grab().save(str(OUT / f"{width}x{height}.png"))
        if (width, height) == (1920, 1080) and w.findChild(type(w.actions_.step), "presentationAction"):
            w.findChild(type(w.actions_.step), "presentationAction").setChecked(True)
            settle(app)
            w.grab().save(str(OUT / "presentation_1920x1080.png"))
            w.findChild(type(w.actions_.step), "presentationAction").setChecked(False)
        w.document.undo_stack.setClean()
        w.close()
        settle(app)
    print(f"saved in {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
