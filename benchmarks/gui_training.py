"""Live training in the full main window (offscreen) against the same training headless.

    python benchmarks/gui_training.py [--seconds S] [--rounds N] [--file NETWORK.json]

Trains ``spiral.json`` (default) for a fixed time, headless (``Trainer.run`` in this process) and with
the whole window open, in alternating rounds so that a change in the machine's load hits both alike,
and prints a table: iterations and epochs per second, the share of headless throughput, the event
loop's worst and 99th-percentile gap (a 10 ms ``QTimer`` probe in the GUI thread, as in the tests:
the gap is the time between two of its ticks, so 10 ms is an idle loop) and how often the plots
were redrawn. Targets (issue 5): ≥ 70 % of headless, worst gap < 50 ms, ≥ 25 refreshes a second,
≥ 600 epochs a second on spiral (10× TF Playground's ~60). The machine's load average is printed
too: on a busy machine the window (two threads taking turns) loses more than headless training.
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

PROBE_MS = 10


class Headless:
    """``Trainer.run`` on a fresh copy of the file, in timed slices (in this process, GUI thread)."""

    def __init__(self, path: str):
        self.trainer = Trainer(load_experiment(path))
        self.trainer.run(iterations=200)  # warm-up
        self.iterations = self.epochs = 0
        self.seconds = 0.0

    def run(self, seconds: float) -> None:
        t = self.trainer
        i0, e0 = t.iteration, t.epoch
        start = time.perf_counter()
        deadline = start + seconds
        t.run(iterations=10**12, should_stop=lambda: time.perf_counter() >= deadline)
        self.seconds += time.perf_counter() - start
        self.iterations += t.iteration - i0
        self.epochs += t.epoch - e0


def measure(path: str, seconds: float, rounds: int) -> dict:
    """Rounds of: train headless for ``seconds``, then in the window for ``seconds`` (headless while the
    window's worker is paused, so the two never compete); the machine's load drifts alike for both."""
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
    ticks: list[list[float]] = []
    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setInterval(PROBE_MS)
    probe.timeout.connect(lambda: ticks[-1].append(time.perf_counter()))
    headless = Headless(path)
    gui = {"iterations": 0, "epochs": 0, "seconds": 0.0, "refreshes": 0, "refresh_seconds": 0.0}
    for _ in range(rounds):
        headless.run(seconds)
        window.actions_.train.trigger()
        wait(300)  # the worker's start-up (a fresh copy, the first report) is not what is measured
        ticks.append([])
        probe.start()
        t0 = time.perf_counter()
        r0 = training.refreshes
        n0 = len(reports)
        wait(int(seconds * 1000))
        t1 = time.perf_counter()
        gui["refreshes"] += training.refreshes - r0
        gui["refresh_seconds"] += t1 - t0
        probe.stop()
        window.actions_.train.trigger()
        wait(300)
        inside = [r for r in reports[n0:] if r[0] <= t1]
        first, last = inside[0], inside[-1]
        gui["seconds"] += last[0] - first[0]
        gui["iterations"] += last[1] - first[1]
        gui["epochs"] += last[2] - first[2]
    window.grab().save(os.path.join(tempfile.gettempdir(), "gui_training_benchmark.png"))
    window.document.undo_stack.setClean()
    window.close()
    app.processEvents()
    gaps = np.concatenate([np.diff(np.asarray(t)) for t in ticks]) * 1000.0
    return {
        "headless_iterations_per_second": headless.iterations / headless.seconds,
        "headless_epochs_per_second": headless.epochs / headless.seconds,
        "iterations_per_second": gui["iterations"] / gui["seconds"],
        "epochs_per_second": gui["epochs"] / gui["seconds"],
        "worst_gap_ms": float(gaps.max()),
        "p99_gap_ms": float(np.percentile(gaps, 99)),
        "refreshes_per_second": gui["refreshes"] / gui["refresh_seconds"],
        "worker_waited_for_gui_s": training.session.controller.worker.gui_wait_seconds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="training time of each slice (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="headless/window rounds (default 3)")
    parser.add_argument("--file", default=None, help="network file (default: resources/networks/spiral.json)")
    args = parser.parse_args(argv)
    path = args.file or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "networks",
                                     "spiral.json")
    m = measure(path, args.seconds, args.rounds)
    it_h, ep_h = m["headless_iterations_per_second"], m["headless_epochs_per_second"]
    share = m["iterations_per_second"] / it_h
    rows = [
        ("headless iterations/s", f"{it_h:,.0f}", ""),
        ("headless epochs/s", f"{ep_h:,.0f}", ""),
        ("window iterations/s", f"{m['iterations_per_second']:,.0f}", ""),
        ("window epochs/s", f"{m['epochs_per_second']:,.0f}", "target ≥ 600 " + _ok(m["epochs_per_second"] >= 600)),
        ("window / headless", f"{share:.0%}", "target ≥ 70 % " + _ok(share >= 0.7)),
        ("event loop worst gap", f"{m['worst_gap_ms']:.1f} ms",
         f"target < 50 ms {_ok(m['worst_gap_ms'] < 50)} (probe every {PROBE_MS} ms)"),
        ("event loop 99th pct gap", f"{m['p99_gap_ms']:.1f} ms", ""),
        ("plot refreshes/s", f"{m['refreshes_per_second']:.1f}", "target ≥ 25 " + _ok(m["refreshes_per_second"] >= 25)),
    ]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.path.basename(path)}: {args.rounds} rounds of {args.seconds:g} s headless + {args.seconds:g} s in "
          f"the window; {os.cpu_count()} CPUs, load average {load:.2f}")
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"  {name:<{width}}  {value:>10}  {note}")
    return 0


def _ok(flag: bool) -> str:
    return "ok" if flag else "MISSED"


if __name__ == "__main__":
    sys.exit(main())
