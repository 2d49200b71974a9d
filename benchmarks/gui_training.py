"""Live training in the full main window (offscreen) against the same training headless.

    python benchmarks/gui_training.py [--seconds S] [--file NETWORK.json]

Trains ``spiral.json`` (default) for a fixed time, headless (``Trainer.run`` in this process, before
and after the window, averaged) and with the whole window open, and prints a table: iterations and
epochs per second, the share of headless throughput, the event loop's worst and 99th-percentile gap
(a 5 ms ``QTimer`` probe in the GUI thread: the gap is the time between two of its ticks, so 5 ms is
an idle loop) and how often the plots were redrawn. Targets (issue 5): ≥ 70 % of headless, worst
gap < 50 ms, ≥ 25 refreshes a second, ≥ 600 epochs a second on spiral (10× TF Playground's ~60).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# one thread for numpy's BLAS, as the app's users mostly have it on small networks
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from sandbox.engine import Trainer  # noqa: E402
from sandbox.files import load_experiment  # noqa: E402

PROBE_MS = 5


def headless(path: str, seconds: float) -> tuple[float, float]:
    """Iterations and epochs per second of ``Trainer.run`` on a fresh copy of the file."""
    trainer = Trainer(load_experiment(path))
    trainer.run(iterations=200)  # warm-up
    start = time.perf_counter()
    i0, e0 = trainer.iteration, trainer.epoch
    deadline = start + seconds
    trainer.run(iterations=10**12, should_stop=lambda: time.perf_counter() >= deadline)
    elapsed = time.perf_counter() - start
    return (trainer.iteration - i0) / elapsed, (trainer.epoch - e0) / elapsed


def windowed(path: str, seconds: float) -> dict:
    """Train in the main window for ``seconds``; measure speed, event-loop gaps and plot refreshes."""
    from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    QCoreApplication.setOrganizationName("gui-training-benchmark")
    from sandbox.gui import MainWindow

    window = MainWindow(path)
    window.resize(1600, 1000)
    window.show()

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    wait(500)
    training = window.training
    reports: list[tuple[float, int, int]] = []
    training.session.reportApplied.connect(
        lambda r: reports.append((time.perf_counter(), r.iteration, r.epoch)) if r.running else None)
    ticks: list[float] = []
    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setInterval(PROBE_MS)
    probe.timeout.connect(lambda: ticks.append(time.perf_counter()))
    window.actions_.train.trigger()
    wait(300)  # the worker's start-up (first report, thread start) is not what is measured
    probe.start()
    t0 = time.perf_counter()
    r0 = training.refreshes
    n0 = len(reports)
    wait(int(seconds * 1000))
    t1 = time.perf_counter()
    r1 = training.refreshes
    probe.stop()
    window.actions_.train.trigger()
    wait(300)
    window.grab().save(os.path.join(tempfile.gettempdir(), "gui_training_benchmark.png"))
    window.document.undo_stack.setClean()
    window.close()
    app.processEvents()
    inside = [r for r in reports[n0:] if r[0] <= t1]
    first, last = inside[0], inside[-1]
    span = last[0] - first[0]
    gaps = np.diff(np.asarray(ticks)) * 1000.0
    return {
        "iterations_per_second": (last[1] - first[1]) / span,
        "epochs_per_second": (last[2] - first[2]) / span,
        "worst_gap_ms": float(gaps.max()) if len(gaps) else float("nan"),
        "p99_gap_ms": float(np.percentile(gaps, 99)) if len(gaps) else float("nan"),
        "refreshes_per_second": (r1 - r0) / (t1 - t0),
        "worker_waited_for_gui_s": training.session.controller.worker.gui_wait_seconds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="training time of each run (default 5)")
    parser.add_argument("--file", default=None, help="network file (default: resources/networks/spiral.json)")
    args = parser.parse_args(argv)
    path = args.file or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "networks",
                                     "spiral.json")
    before = headless(path, args.seconds)
    gui = windowed(path, args.seconds)
    after = headless(path, args.seconds)
    it_h = (before[0] + after[0]) / 2
    ep_h = (before[1] + after[1]) / 2
    share = gui["iterations_per_second"] / it_h
    rows = [
        ("headless iterations/s", f"{it_h:,.0f}", f"(before {before[0]:,.0f}, after {after[0]:,.0f})"),
        ("headless epochs/s", f"{ep_h:,.0f}", ""),
        ("window iterations/s", f"{gui['iterations_per_second']:,.0f}", ""),
        ("window epochs/s", f"{gui['epochs_per_second']:,.0f}", "target ≥ 600 " + _ok(gui["epochs_per_second"] >= 600)),
        ("window / headless", f"{share:.0%}", "target ≥ 70 % " + _ok(share >= 0.7)),
        ("event loop worst gap", f"{gui['worst_gap_ms']:.1f} ms",
         f"target < 50 ms {_ok(gui['worst_gap_ms'] < 50)} (probe every {PROBE_MS} ms)"),
        ("event loop 99th pct gap", f"{gui['p99_gap_ms']:.1f} ms", ""),
        ("plot refreshes/s", f"{gui['refreshes_per_second']:.1f}", "target ≥ 25 " + _ok(gui["refreshes_per_second"] >= 25)),
    ]
    print(f"{os.path.basename(path)}, {args.seconds:g} s per run, {os.cpu_count()} CPUs")
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"  {name:<{width}}  {value:>10}  {note}")
    return 0


def _ok(flag: bool) -> str:
    return "ok" if flag else "MISSED"


if __name__ == "__main__":
    sys.exit(main())
