"""How long stepping through a digits.json update (64-32-10) takes in the window: Step → the step drawn.

    python benchmarks/walkthrough_digits.py [--updates N]

Opens ``resources/networks/digits.json`` in a MainWindow (offscreen, 1400×900, animation "instant", the default
step size: one layer) and times, over ``--updates`` updates (medians and worst): the first Step of an update
(the engine builds the walkthrough, the explanation picks the neuron of largest |∂E/∂z| and writes its
formulas), each later Step (one layer), a click on a neuron in the network view (the explanation follows it),
and Finish Update from the start of an update (every step at once, applied). "Drawn" means the window has
handled the events the action caused and the network view and the explanation have been painted.

Each row is measured twice in the same run: with the explanation following one neuron per big layer (issue 14)
and, as the reference, writing the last six steps of the group as before.

numpy's BLAS runs on one thread (as in benchmarks/engine.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, ROOT)

DIGITS = os.path.join(ROOT, "resources", "networks", "digits.json")
TARGET_MS = 150.0


def measure(updates: int, follow: bool) -> dict[str, list[float]]:
    from PySide6.QtCore import QCoreApplication, QPoint, QPointF, QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    QCoreApplication.setOrganizationName("walkthrough-digits-benchmark")
    from sandbox.gui import MainWindow

    window = MainWindow(DIGITS)
    window.resize(1400, 900)
    window.show()
    for _ in range(20):
        app.processEvents()
    window.player.set_speed("instant")
    panel = window.explanation_panel
    view = window.network_view
    if not follow:
        panel.neuron_choice = None

    def drawn(action: Callable[[], None]) -> float:
        t0 = time.perf_counter()
        action()
        app.processEvents()
        view.viewport().repaint()
        panel.viewport().repaint()
        return time.perf_counter() - t0

    times: dict[str, list[float]] = {"first": [], "later": [], "click": [], "finish": []}
    step = window.actions_.step.trigger
    for _ in range(updates):
        times["first"].append(drawn(step))
        times["later"].append(drawn(step))  # forward layer 2
        for _ in range(3):  # loss, backward layer 2, backward layer 1
            times["later"].append(drawn(step))
        x, y = (float(v) for v in view.layout_.centres[1][len(times["click"]) % 32])
        at = view.mapFromScene(QPointF(x, y))

        def click(at: QPoint = at) -> None:
            QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)

        times["click"].append(drawn(click))
        while not window.document.finished:
            times["later"].append(drawn(step))
        times["finish"].append(drawn(window.actions_.finish_update.trigger))  # the next update, whole
    window.document.undo_stack.setClean()
    window.close()
    app.processEvents()
    return times


def cell(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:6.1f} / {max(values) * 1000:6.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=5)
    args = parser.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"digits.json in the window, one layer a step, {args.updates} updates; median / worst "
          f"(load average {load:.2f} on {os.cpu_count()} cores; target < {TARGET_MS:g} ms)\n")
    rows = [("Step: the update's first step (walkthrough built)", "first"), ("Step: a later layer", "later"),
            ("click on a neuron (explanation follows it)", "click"), ("Finish Update (a whole update)", "finish")]
    results = {follow: measure(args.updates, follow) for follow in (True, False)}
    print(f"| {'Step → drawn':<52} | {'one neuron followed':>21} | {'last six steps (ref.)':>21} |")
    print(f"|{'-' * 54}|{'-' * 23}|{'-' * 23}|")
    for name, key in rows:
        print(f"| {name:<52} | {cell(results[True][key]):>21} | {cell(results[False][key]):>21} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
