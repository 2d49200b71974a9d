"""Make the README's screenshots of the main window (offscreen, no display needed).

    python docs/make_screenshots.py [--out docs] [--seconds 8]

Writes ``screenshot.png`` (the lecture's network in the middle of its update's backward pass),
``screenshots/window_training_spiral.png`` (spiral.json after training live) and
``screenshots/window_vanishing_sigmoid.png`` (vanishing-sigmoid.json after training), all at
1600×1000. Look at them before committing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)


def window(name: str):
    from sandbox.gui import MainWindow
    from sandbox.gui.common.icons import resource_file

    w = MainWindow(resource_file("networks", name))
    w.resize(1600, 1000)
    w.show()
    spin(0.5)
    return w


def close(w) -> None:
    w.document.undo_stack.setClean()  # nothing to ask about
    w.close()
    spin(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent))
    parser.add_argument("--seconds", type=float, default=8.0, help="how long the spiral trains")
    args = parser.parse_args()
    out = Path(args.out)
    (out / "screenshots").mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])  # noqa: F841 - the application of the windows
    # a settings file of its own: no layout remembered from an earlier window, none left behind
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())

    w = window("lecture17-linear.json")
    for _ in range(14):  # forward pass, loss, into the backward pass
        w.actions_.step.trigger()
        spin(0.05)
    spin(1.0)
    w.grab().save(str(out / "screenshot.png"))
    close(w)

    for name, seconds, file in (("spiral.json", args.seconds, "window_training_spiral.png"),
                                ("vanishing-sigmoid.json", 4.0, "window_vanishing_sigmoid.png")):
        w = window(name)
        w.actions_.train.trigger()
        spin(seconds)
        w.actions_.train.trigger()
        spin(1.0)
        w.grab().save(str(out / "screenshots" / file))
        close(w)
    print("written:", out / "screenshot.png", out / "screenshots" / "window_training_spiral.png",
          out / "screenshots" / "window_vanishing_sigmoid.png")


if __name__ == "__main__":
    main()
