"""Soak test: trains a network in the main window (offscreen) for minutes and watches it.

    python benchmarks/soak.py [--minutes M] [--every SECONDS] [--file NETWORK.json]

Trains ``resources/networks/spiral.json`` (default) with the whole window open for ``--minutes``
(default 10) and prints, every ``--every`` seconds (default 60): the iteration, the process's resident
memory (``VmRSS`` from ``/proc/self/status``), the last x the loss plot draws (its batch-loss curve
and its whole-training-set curve: proof that the plot still advances) and the exceptions so far.
Hooks on ``sys.excepthook`` and ``threading.excepthook`` count every exception that reaches them (an
exception in a Qt slot does: PySide prints it through ``sys.excepthook``); Qt's critical and fatal
messages are counted too. A watchdog thread dumps every thread's stack (``faulthandler``) if the
window's event loop stops for ``STALL_S`` seconds (a deadlock would otherwise just print nothing).

At the end it says whether the run was clean: no exception, the loss plot advanced in every
interval, and the resident memory flat after the first interval (it never rose more than
``RSS_SLACK_MB`` above where it stood at the end of the first interval: the buffers are full by then,
and what moves after is the allocator's and the document's history buffers', which grow to twice
their cap's size and are trimmed by half again; the trend, MiB a minute, is printed too). The exit
status is 0 if so, 1 if not.
"""

from __future__ import annotations

import argparse
import faulthandler
import os
import sys
import tempfile
import threading
import time
import traceback

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

#: resident memory counts as flat if it never rises more than this above its level after the first interval
RSS_SLACK_MB = 24.0
#: the event loop counts as stalled (and every thread's stack is printed) after this long without a tick
STALL_S = 30.0


def rss_mb() -> float:
    """This process's resident set size, from /proc/self/status (VmRSS), in MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


class ExceptionCounter:
    """Counts (and prints the first few of) the exceptions that reach ``sys.excepthook`` or
    ``threading.excepthook``, and Qt's critical and fatal messages."""

    SHOWN = 3

    def __init__(self):
        self.count = 0
        self.qt_errors = 0
        self.first: list[str] = []
        self._lock = threading.Lock()

    def install(self) -> None:
        from PySide6.QtCore import QtMsgType, qInstallMessageHandler

        sys.excepthook = self._on_exception
        threading.excepthook = lambda args: self._on_exception(args.exc_type, args.exc_value, args.exc_traceback)
        bad = {QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg}

        def on_message(kind, _context, text):
            if kind in bad:
                with self._lock:
                    self.qt_errors += 1
                print(f"Qt: {text}", file=sys.stderr)

        self._handler = on_message
        qInstallMessageHandler(on_message)

    def _on_exception(self, kind, value, tb) -> None:
        with self._lock:
            self.count += 1
            if len(self.first) < self.SHOWN:
                text = "".join(traceback.format_exception(kind, value, tb))
                self.first.append(text)
                print(text, file=sys.stderr)


class Watchdog:
    """A thread that prints every thread's stack once if ``beat`` is not called for ``STALL_S`` seconds."""

    def __init__(self):
        self.last = time.monotonic()
        self.stalls = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="soak-watchdog", daemon=True)
        self._thread.start()

    def beat(self) -> None:
        self.last = time.monotonic()

    def _watch(self) -> None:
        stalled = False
        while not self._stop.wait(1.0):
            late = time.monotonic() - self.last
            if late > STALL_S and not stalled:
                stalled = True
                self.stalls += 1
                print(f"\nthe event loop has not ticked for {late:.0f} s: every thread's stack", file=sys.stderr)
                faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
            elif late <= STALL_S:
                stalled = False

    def stop(self) -> None:
        self._stop.set()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to train (default 10)")
    parser.add_argument("--every", type=float, default=60.0, help="seconds between two lines (default 60)")
    parser.add_argument("--file", default=None, help="network file (default: resources/networks/spiral.json)")
    args = parser.parse_args(argv)
    path = args.file or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "networks",
                                     "spiral.json")

    from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    errors = ExceptionCounter()
    errors.install()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    QCoreApplication.setOrganizationName("soak-benchmark")
    from sandbox.gui import MainWindow

    window = MainWindow(path)
    window.resize(1600, 1000)
    window.show()

    def wait(seconds: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(max(1, int(seconds * 1000)), loop.quit)
        loop.exec()

    def last_x(curve) -> float:
        x = curve.xData
        return float(x[-1]) if x is not None and len(x) else float("nan")

    watchdog = Watchdog()
    heartbeat = QTimer()
    heartbeat.setInterval(1000)
    heartbeat.timeout.connect(watchdog.beat)
    heartbeat.start()
    wait(0.5)
    trainer = lambda: window.document.trainer  # noqa: E731 (the document may swap its trainer)
    print(f"{os.path.basename(path)} in the window for {args.minutes:g} min; a line every {args.every:g} s "
          f"(RSS at start {rss_mb():.1f} MiB)")
    header = f"{'time':>7} {'iteration':>12} {'it/s':>8} {'RSS MiB':>9} {'loss plot last x':>17} " \
             f"{'train set last x':>17} {'exceptions':>10}"
    print(header)
    window.actions_.train.trigger()
    started = time.perf_counter()
    total = args.minutes * 60.0
    lines = max(1, int(np.ceil(total / args.every - 1e-9)))
    rows = []
    last_time, last_iteration = started, trainer().iteration
    for k in range(1, lines + 1):
        wait(started + min(k * args.every, total) - time.perf_counter())
        now = time.perf_counter()
        iteration = trainer().iteration
        row = (now - started, iteration, (iteration - last_iteration) / max(now - last_time, 1e-9), rss_mb(),
               last_x(window.loss_plot.curve), last_x(window.training.loss_curves.train_curve),
               errors.count + errors.qt_errors)
        rows.append(row)
        last_time, last_iteration = now, iteration
        t, it, rate, rss, plot_x, train_x, exc = row
        print(f"{t / 60:6.2f}m {it:>12,} {rate:>8,.0f} {rss:>9.1f} {plot_x:>17,.0f} {train_x:>17,.0f} {exc:>10}",
              flush=True)
    window.actions_.train.trigger()  # pause
    wait(0.5)
    window.document.undo_stack.setClean()
    window.close()
    app.processEvents()
    heartbeat.stop()
    watchdog.stop()

    advanced = all(b[4] > a[4] and b[5] > a[5] for a, b in zip(rows, rows[1:])) and len(rows) > 0
    if len(rows) >= 2:
        base = rows[0][3]
        growth = max(r[3] for r in rows[1:]) - base
        flat = growth <= RSS_SLACK_MB
        later = np.array([(r[0] / 60.0, r[3]) for r in rows[1:]])
        trend = float(np.polyfit(later[:, 0], later[:, 1], 1)[0]) if len(later) >= 2 else float("nan")
        memory = (f"RSS {'flat' if flat else 'NOT flat'} after the first interval: {base:.1f} MiB then, at most "
                  f"{base + growth:.1f} MiB after ({growth:+.1f} MiB; trend {trend:+.2f} MiB a minute)")
    else:
        flat, memory = True, "RSS: too short a run to tell (fewer than two intervals)"
    clean = errors.count == 0 and errors.qt_errors == 0 and watchdog.stalls == 0
    failed = errors.count or errors.qt_errors
    print(f"exceptions: {f'{errors.count} exception(s), {errors.qt_errors} Qt error(s)' if failed else 'no exception'}"
          f" reached sys.excepthook / threading.excepthook")
    if watchdog.stalls:
        print(f"the event loop stalled for more than {STALL_S:g} s {watchdog.stalls} time(s) (stacks above)")
    print(memory)
    print(f"loss plot {'advanced in every interval' if advanced else 'did NOT advance in every interval'}")
    return 0 if clean and flat and advanced else 1


if __name__ == "__main__":
    sys.exit(main())
