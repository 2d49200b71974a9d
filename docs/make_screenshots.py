"""Make the README's screenshots of the main window (offscreen, no display needed).

    python docs/make_screenshots.py [--out docs] [--seconds 8]

Writes ``screenshot.png`` (the lecture's network in the middle of its update's backward pass),
``screenshots/window_training_spiral.png`` (spiral.json after training live) and
``screenshots/window_vanishing_sigmoid.png`` (vanishing-sigmoid.json after training), all at
1600×1000; ``screenshots/window_matrix_form.png`` (the lecture's update applied, the explanation in matrix
form), ``screenshots/chain_rule_view.png`` (neuron h1's computation graph, the backward pass walked to ∂E/∂w1)
and ``screenshots/composition_view.png`` (y = f(g(h(x)))), ``screenshots/window_practice.png`` (practice:
Δ asked, a wrong sign answered, the hint) and ``screenshots/exercise_sheet.png`` (the first page of exercise
4172's PDF sheet, when poppler's pdftoppm is installed). Look at them before committing.
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
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import QAbstractButton, QApplication  # noqa: E402


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
        w.findChild(QAction, "fastestAction").trigger()  # trained far in a few seconds (not the default pace)
        w.actions_.train.trigger()
        spin(seconds)
        w.actions_.train.trigger()
        spin(1.0)
        w.grab().save(str(out / "screenshots" / file))
        close(w)
    w = window("lecture17-linear.json")
    w.findChild(QAbstractButton, "matrixToggle").setChecked(True)
    w.actions_.finish_update.trigger()
    spin(1.0)
    w.grab().save(str(out / "screenshots" / "window_matrix_form.png"))
    chain = w.lecture_views.show_chain_rule(1, 0)  # h1
    chain.go_to(5)
    chain.window().resize(1280, 780)
    spin(1.0)
    chain.window().grab().save(str(out / "screenshots" / "chain_rule_view.png"))
    composition = w.lecture_views.show_view("composition")
    composition.window().resize(1100, 620)
    spin(0.5)
    composition.window().grab().save(str(out / "screenshots" / "composition_view.png"))
    close(w)

    w = window("lecture17-linear.json")  # practice: Δ asked, a wrong sign typed, the hint shown
    practice_screenshot(w, out / "screenshots" / "window_practice.png")
    close(w)
    written = ["window_training_spiral.png", "window_vanishing_sigmoid.png", "window_matrix_form.png",
               "chain_rule_view.png", "composition_view.png", "window_practice.png"]
    if exercise_sheet_picture(out / "screenshots" / "exercise_sheet.png"):
        written.append("exercise_sheet.png")
    print("written:", out / "screenshot.png", *(out / "screenshots" / f for f in written))


def practice_screenshot(w, path: Path) -> None:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QLineEdit

    from sandbox.practice.questions import ASK_KINDS

    w.findChild(QAction, "practiceAction").setChecked(True)
    combo = w.practice.bar.ask_combo
    combo.setCurrentIndex(ASK_KINDS.index("output_gradient"))
    combo.activated.emit(ASK_KINDS.index("output_gradient"))
    w.actions_.step.trigger()
    spin(0.3)
    answer = w.findChild(QLineEdit, "practiceAnswer")
    answer.setText("0.809")
    answer.returnPressed.emit()
    spin(1.0)
    w.grab().save(str(path))


def exercise_sheet_picture(path: Path) -> bool:
    """The first page of exercise 4172's PDF sheet as a PNG (needs poppler's pdftoppm; skipped without it)."""
    import shutil
    import subprocess

    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found: exercise_sheet.png not made")
        return False
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "sheet.pdf"
        subprocess.run([sys.executable, "-m", "sandbox", "exercise", "--seed", "4172", "--activation", "logistic",
                        "--format", "pdf", "--out", str(pdf)], check=True)
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(path.with_suffix(""))], check=True)
    return True


if __name__ == "__main__":
    main()
