"""The training worker's timing, which the tests do not assert (they must pass on a busy machine).

    python benchmarks/worker_timing.py [--no-busy]

Prints one table: reports a second at full speed (target ≤ 20), iterations a second at set speeds
against the speed asked for, the speed the reports state at 100 it/s (steady: within ±6 %), how long
a pause and a shutdown take, and how long closing takes while the worker is inside an iteration of
5 s (it must return within 0.5 s; the thread ends by itself afterwards). By default a busy process
keeps the other core occupied (``--no-busy`` leaves it out).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))

from PySide6.QtCore import QCoreApplication, QEventLoop  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from sandbox.gui.training import TrainingController  # noqa: E402

from training_support import spiral_experiment  # noqa: E402


def spin(seconds: float) -> None:
    """Run the event loop for ``seconds``."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


def until(condition, timeout: float = 10.0) -> float:
    """Run the event loop until ``condition()``; the seconds it took."""
    began = time.perf_counter()
    while not condition():
        if time.perf_counter() - began > timeout:
            raise TimeoutError
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
    return time.perf_counter() - began


def report_rate() -> tuple[float, float]:
    c = TrainingController()
    times: list[float] = []
    c.reportReady.connect(lambda r: r.running and times.append(time.perf_counter()))
    c.load(spiral_experiment())
    c.start()
    spin(3.0)
    c.pause()
    iterations = c.latest.iteration
    c.shutdown(1000)
    return (len(times) - 1) / (times[-1] - times[0]), iterations / 3.0


def paced(rate: float, seconds: float = 3.0) -> tuple[float, float]:
    """Iterations a second at a set ``rate``, and the last speed a report stated."""
    c = TrainingController()
    c.set_speed(rate)
    c.load(spiral_experiment())
    c.start()
    until(lambda: c.latest is not None and c.latest.iteration > 0)
    first, began = c.latest.iteration, time.perf_counter()
    spin(seconds)
    done = c.latest.iteration - first
    stated = c.latest.iterations_per_second
    c.shutdown(1000)
    return done / (time.perf_counter() - began), stated


def pause_and_shutdown() -> tuple[float, float]:
    c = TrainingController()
    c.load(spiral_experiment())
    c.start()
    until(lambda: c.latest is not None and c.latest.iteration > 100)
    began = time.perf_counter()
    c.pause()
    pause = until(lambda: not c.latest.running) if c.latest.running else time.perf_counter() - began
    c.start()
    spin(0.3)
    began = time.perf_counter()
    c.shutdown(1000)
    return pause, time.perf_counter() - began


def close_mid_iteration() -> tuple[float, float]:
    """Shutdown while the worker is inside a 5 s iteration: how long it blocks, and when the thread ends."""
    c = TrainingController()
    c.load(spiral_experiment())
    c.start()
    until(lambda: c.latest is not None)
    entered = threading.Event()

    def slow(trainer):
        step = trainer.step

        def held():
            entered.set()
            time.sleep(5.0)
            return step()
        trainer.step = held

    c.apply(slow)
    entered.wait(5)
    began = time.perf_counter()
    c.shutdown(250)
    blocked = time.perf_counter() - began
    thread = c.thread
    ended = until(thread.isFinished, timeout=20) + blocked
    return blocked, ended


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-busy", action="store_true", help="leave the other core idle")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])  # noqa: F841 - the event loop's application
    busy = None if args.no_busy else subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        reports, full = report_rate()
        rows = [("reports a second at full speed", f"{reports:.1f}", "≤ 20"),
                ("iterations a second at full speed", f"{full:,.0f}", "")]
        for rate in (20.0, 100.0, 200.0):
            measured, stated = paced(rate)
            rows.append((f"iterations a second at a set {rate:g}", f"{measured:.1f} (reports say {stated:.1f})",
                         f"{rate:g} ± 15 %"))
        pause, shutdown = pause_and_shutdown()
        rows.append(("pause: until its report arrives", f"{pause * 1000:.1f} ms", ""))
        rows.append(("shutdown while training", f"{shutdown * 1000:.1f} ms", "< 500 ms"))
        blocked, ended = close_mid_iteration()
        rows.append(("shutdown inside a 5 s iteration: blocks", f"{blocked * 1000:.1f} ms", "< 500 ms"))
        rows.append(("… and the thread ends after", f"{ended:.2f} s", "≈ 5 s"))
    finally:
        if busy is not None:
            busy.kill()
    print(f"\nTraining worker timing ({'other core busy' if busy else 'other core idle'})\n")
    print("| measure | value | target |\n|---|---|---|")
    for name, value, target in rows:
        print(f"| {name} | {value} | {target} |")


if __name__ == "__main__":
    main()
