"""How fast the window trains digits.json (64-32-10, softmax cross-entropy) against the same training headless.

    python benchmarks/window_digits.py [--seconds S] [--rounds N] [--file NETWORK.json] [--hide DOCKS] [--busy]

Opens ``resources/networks/digits.json`` in the main window (offscreen, 1600×1000, the default docks shown:
network view, loss and gradient plots, explanation, settings, status bar with losses and accuracy, and
whatever other docks the window opens with), checks Fastest on the toolbar, and trains it for ``--seconds``
at a time; between two slices the same file trains headless (``Trainer.run`` on its own copy, in this process,
while the window's worker is paused), so a change in the machine's load hits both alike. Prints one table:
iterations and epochs a second headless and in the window, the window's share of the headless rate (target
≥ 80 %), and where the worker's time went (iterations, reports with their whole-set evaluation, waiting for
the window to take a report), the share of a core the GUI thread used, and reports and plot frames a second.

``--hide classesDock,weightImagesDock`` closes those docks first (what they cost the training shows as the
difference). numpy's BLAS runs on one thread (as in benchmarks/engine.py). ``--busy`` keeps the machine's other core
occupied by a busy process, so that the window's two threads (GUI and worker) share one core.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, ROOT)

from gui_training import Headless, count_slice  # noqa: E402  (this folder's benchmark of the spiral: the same reference)

TARGET = 0.80
DIGITS = os.path.join(ROOT, "resources", "networks", "digits.json")


def measure(path: str, seconds: float, rounds: int, hide: tuple[str, ...] = ()) -> dict:
    from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QTimer
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QApplication, QDockWidget

    app = QApplication.instance() or QApplication(sys.argv[:1])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    QCoreApplication.setOrganizationName("window-digits-benchmark")
    from sandbox.gui import MainWindow

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    window = MainWindow(path)
    window.resize(1600, 1000)
    window.show()
    wait(500)
    for name in hide:
        dock = window.findChild(QDockWidget, name)
        if dock is not None:
            dock.close()
    wait(200)
    fastest = window.findChild(QAction, "fastestAction")
    if fastest is not None:
        fastest.setChecked(True)
    docks = sorted(d.objectName() for d in window.findChildren(QDockWidget) if d.isVisible())
    training = window.training
    controller = training.session.controller
    reports: list[tuple[float, int, int]] = []
    controller.reportReady.connect(
        lambda r: reports.append((time.perf_counter(), r.iteration, r.epoch)) if r.running else None)
    headless = Headless(path)
    gui = {"iterations": 0, "epochs": 0, "seconds": 0.0, "reports": 0, "frames": 0, "wall": 0.0, "cpu": 0.0,
           "report_s": 0.0, "wait_s": 0.0}
    for _ in range(rounds):
        headless.run(seconds)
        window.actions_.train.trigger()
        wait(300)  # the worker's start (a fresh copy, the first report) is not what is measured
        worker = controller.worker
        t0, c0 = time.perf_counter(), time.thread_time()
        r0, f0 = training.refreshes, training.loss_curves.updates
        s0, w0 = worker.report_seconds, worker.gui_wait_seconds
        n0 = len(reports)
        wait(int(seconds * 1000))
        t1, c1 = time.perf_counter(), time.thread_time()
        gui["reports"] += training.refreshes - r0
        gui["frames"] += training.loss_curves.updates - f0
        gui["report_s"] += worker.report_seconds - s0
        gui["wait_s"] += worker.gui_wait_seconds - w0
        gui["wall"] += t1 - t0
        gui["cpu"] += c1 - c0
        window.actions_.train.trigger()
        wait(300)
        count_slice(gui, reports, n0, t0, t1, seconds)
    shot = os.path.join(tempfile.gettempdir(), "window_digits_benchmark.png")
    window.grab().save(shot)
    window.document.undo_stack.setClean()
    window.close()
    app.processEvents()
    return {"headless": (headless.iterations / headless.seconds, headless.epochs / headless.seconds),
            "window": (gui["iterations"] / gui["seconds"], gui["epochs"] / gui["seconds"]),
            "reports_per_second": gui["reports"] / gui["wall"], "frames_per_second": gui["frames"] / gui["wall"],
            "gui_cpu": gui["cpu"] / gui["wall"], "report_share": gui["report_s"] / gui["wall"],
            "wait_share": gui["wait_s"] / gui["wall"], "docks": docks, "screenshot": shot,
            "fastest": fastest is not None and fastest.isChecked()}


def percent(share: float) -> str:
    return f"{100 * share:.0f} %"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="training time of each slice (default 2)")
    parser.add_argument("--rounds", type=int, default=5, help="headless/window rounds (default 5)")
    parser.add_argument("--file", default=DIGITS, help="network file (default: resources/networks/digits.json)")
    parser.add_argument("--hide", default="", help="dock objectNames to close first, comma-separated")
    parser.add_argument("--busy", action="store_true", help="keep the other core busy with another process")
    args = parser.parse_args(argv)
    busy = None
    if args.busy:
        busy = subprocess.Popen([sys.executable, "-c", "while True: pass"], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        m = measure(args.file, args.seconds, args.rounds, tuple(n for n in args.hide.split(",") if n))
    finally:
        if busy is not None:
            busy.kill()
            busy.wait(5)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    (hi, he), (wi, we) = m["headless"], m["window"]
    share = wi / hi
    print(f"{os.path.basename(args.file)}: {args.rounds} rounds of {args.seconds:g} s headless + {args.seconds:g} s "
          f"in the window (offscreen, Fastest {'on' if m['fastest'] else 'NOT FOUND'}); {os.cpu_count()} CPUs, "
          f"{'a busy process on the other core' if busy else 'no busy process'}, load average {load:.2f}")
    print(f"docks shown: {', '.join(m['docks'])}\n")
    rows = [("", "headless", "window", "window / headless"),
            ("iterations/s", f"{hi:,.0f}", f"{wi:,.0f}",
             f"{percent(share)} (target ≥ {percent(TARGET)}: {'ok' if share >= TARGET else 'MISSED'})"),
            ("epochs/s", f"{he:,.1f}", f"{we:,.1f}", percent(we / he) if he else "—")]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for i, row in enumerate(rows):
        print("| " + " | ".join(f"{c:<{widths[k]}}" if k in (0, 3) else f"{c:>{widths[k]}}"
                                for k, c in enumerate(row)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    print(f"\nthe worker's wall time: reports (copies and whole-set evaluation) {percent(m['report_share'])}, "
          f"waiting for the window to take a report {percent(m['wait_share'])}, the rest iterations")
    print(f"the GUI thread used {percent(m['gui_cpu'])} of a core; {m['reports_per_second']:.1f} reports and "
          f"{m['frames_per_second']:.1f} loss-plot frames a second (screenshot: {m['screenshot']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
