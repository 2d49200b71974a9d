"""How long the network view takes, offscreen: building it for a network, refreshing it after every
weight changed, and how responsive the window stays while such a network trains.

Networks: the lecture network, 2-8-8-1 (the reference), 2-100-100-1 and 2-700-700-1 (about 490,000
weights, near the format's 500,000 limit). Prints medians; the worst event-loop gap while training is
measured with a 10 ms timer in a MainWindow, 2-8-8-1 beside 2-700-700-1 in the same run.

    python benchmarks/view.py [--repeats N] [--train-seconds S]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from sandbox.engine import Dataset, Experiment, Layer, Network  # noqa: E402

WIDTH, HEIGHT = 1000, 700
PROBE_MS = 10


def lecture() -> Experiment:
    from sandbox.files import load_experiment
    from sandbox.gui.common.icons import resource_file

    return load_experiment(resource_file("networks", "lecture17-linear.json"))


def two_hidden(width: int, samples: int = 200) -> Experiment:
    """A 2-width-width-1 tanh network on random two-dimensional data."""
    rng = np.random.default_rng(0)
    sizes = [2, width, width, 1]
    net = Network(2, [Layer(rng.normal(0, 1 / np.sqrt(a), (b, a)), activation="tanh", biases=np.zeros(b))
                      for a, b in zip(sizes[:-1], sizes[1:])])
    inputs = rng.normal(size=(samples, 2))
    targets = np.tanh(inputs[:, :1] * inputs[:, 1:])
    return Experiment(net, Dataset(inputs, targets), name=f"2-{width}-{width}-1")


NETWORKS = {"lecture 2-2-1": lecture, "2-8-8-1": lambda: two_hidden(8), "2-100-100-1": lambda: two_hidden(100),
            "2-700-700-1": lambda: two_hidden(700)}


def repaint(view) -> None:
    """What the screen does: the viewport paints itself (synchronously, offscreen)."""
    view.viewport().repaint()


def lines_cache(view):
    return view._edges.lines_item.cache  # None: the lines are cached by Qt (small network)


def wait_for_lines(view) -> None:
    """Until the worker thread's newest picture of the lines is on screen (dense networks)."""
    cache = lines_cache(view)
    if cache is None:
        return
    while not cache.up_to_date:
        QApplication.processEvents()
        cache.wait()
        QApplication.processEvents()
    repaint(view)


def time_draw(view, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        view.viewport().update()
        start = time.perf_counter()
        repaint(view)
        times.append((time.perf_counter() - start) * 1000)
    return times


def time_export(view, repeats: int) -> list[float]:
    """A picture of the whole view (Export as PNG): every line drawn on the spot."""
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)
    times = []
    for _ in range(repeats):
        image.fill(0)
        painter = QPainter(image)
        start = time.perf_counter()
        view.render(painter)
        painter.end()
        times.append((time.perf_counter() - start) * 1000)
    return times


def time_change(document, view, repeats: int) -> tuple[list[float], list[float], list[float]]:
    """Every weight changes (as after an update or a training report): the GUI thread's refresh and
    repaint, and the time until the new lines are on the screen (drawn by the worker thread on a
    dense network, meanwhile the previous picture is shown)."""
    gui, cpu, ready = [], [], []
    for _ in range(repeats):
        for layer in document.experiment.network.layers:
            layer.weights *= -1.0
        start, start_cpu = time.perf_counter(), time.thread_time()
        view.refresh()  # what a change does (on a dense network at most 5 times a second)
        repaint(view)
        gui.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        wait_for_lines(view)
        ready.append((time.perf_counter() - start) * 1000)
    return gui, cpu, ready


def measure(name: str, experiment: Experiment, repeats: int) -> dict:
    from sandbox.gui.model.document import Document
    from sandbox.gui.network_view import NetworkView

    start = time.perf_counter()
    document = Document(experiment)
    view = NetworkView(document)
    view.resize(WIDTH, HEIGHT)
    view.show()
    QApplication.processEvents()
    view.fit_to_window()
    repaint(view)
    build_ms = (time.perf_counter() - start) * 1000
    edges = view.layout_.edge_count
    idle = time_draw(view, repeats)
    gui, cpu, ready = time_change(document, view, repeats)
    export = time_export(view, max(3, repeats // 3))
    start = time.perf_counter()
    document.set_position(0)  # a walkthrough begins: highlights and dimming
    refresh_ms = (time.perf_counter() - start) * 1000
    stepping = time_draw(view, repeats)
    view.grab().save(os.path.join(tempfile.gettempdir(), f"view_{name.split()[-1]}.png"))
    view.close()
    return {"network": name, "edges": edges, "build": build_ms, "idle": statistics.median(idle),
            "changed": statistics.median(gui), "changed_max": max(gui), "changed_cpu": statistics.median(cpu),
            "ready": statistics.median(ready), "export": statistics.median(export),
            "stepping": statistics.median(stepping), "refresh": refresh_ms}


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def measure_training(name: str, experiment: Experiment, seconds: float) -> dict:
    """Train ``experiment`` in a MainWindow for ``seconds``: the worst and 99th-percentile gap between
    the ticks of a 10 ms timer (the GUI thread's longest stall), and the network view's refreshes."""
    from sandbox.gui import MainWindow

    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    window.document.replace(experiment, None)
    wait(300)
    view = window.network_view
    refreshes = [0]
    window.document.progressed.connect(lambda: refreshes.__setitem__(0, refreshes[0] + 1))
    ticks: list[float] = []
    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setInterval(PROBE_MS)
    probe.timeout.connect(lambda: ticks.append(time.perf_counter()))
    window.actions_.train.trigger()
    wait(300)  # the worker's start-up is not what is measured
    probe.start()
    i0 = window.document.trainer.iteration
    wait(int(seconds * 1000))
    probe.stop()
    iterations = window.document.trainer.iteration - i0
    window.actions_.train.trigger()
    wait(300)
    window.grab().save(os.path.join(tempfile.gettempdir(), f"view_training_{name}.png"))
    caption = view.caption_text() if hasattr(view, "caption_text") else ""
    window.document.undo_stack.setClean()
    window.close()
    QApplication.processEvents()
    gaps = np.diff(np.asarray(ticks)) * 1000.0
    return {"network": name, "worst_gap": float(gaps.max()), "p99_gap": float(np.percentile(gaps, 99)),
            "progressed": refreshes[0] / seconds, "iterations": iterations / seconds, "caption": caption}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--train-seconds", type=float, default=10.0, help="0: no training measurement")
    parser.add_argument("--networks", nargs="*", default=list(NETWORKS))
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    QCoreApplication.setOrganizationName("view-benchmark")
    rows = [measure(name, NETWORKS[name](), args.repeats) for name in args.networks]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"network view, {WIDTH}x{HEIGHT} offscreen, median of {args.repeats} repaints of the viewport "
          f"(load average {load:.2f} on {os.cpu_count()} cores)")
    print("build: a Document and its view made and painted once; redraw: nothing changed (hover, animation")
    print("  frame, exposed window); weights changed: all weights new, the GUI thread's refresh + repaint, median,")
    print("  worst, and the GUI thread's CPU time (a dense network shows its previous lines meanwhile); new lines")
    print("  shown: until the worker thread's new lines are on screen; stepping: repaint with a step highlighted;")
    print("  export: a picture with every line drawn on the spot; walkthrough start: the first Step.")
    header = ("network", "edges", "build", "redraw", "changed", "worst", "(CPU)", "lines shown", "stepping",
              "export", "walkthrough")
    print(f"{header[0]:<14} {header[1]:>7} {header[2]:>8} {header[3]:>7} {header[4]:>8} {header[5]:>7} "
          f"{header[6]:>7} {header[7]:>11} {header[8]:>8} {header[9]:>7} {header[10]:>11}   (ms)")
    for r in rows:
        print(f"{r['network']:<14} {r['edges']:>7} {r['build']:>8.0f} {r['idle']:>7.2f} {r['changed']:>8.1f} "
              f"{r['changed_max']:>7.1f} {r['changed_cpu']:>7.1f} {r['ready']:>11.1f} {r['stepping']:>8.2f} "
              f"{r['export']:>7.1f} {r['refresh']:>11.1f}")
    if args.train_seconds > 0:
        trained = [measure_training(name, NETWORKS[name](), args.train_seconds)
                   for name in ("2-8-8-1", "2-700-700-1")]
        print(f"\ntraining in a 1600x1000 MainWindow for {args.train_seconds:g} s: gaps between the ticks of a "
              f"{PROBE_MS} ms timer (the GUI thread's longest stall), refreshes the view was asked for")
        print(f"{'network':<14} {'worst gap':>10} {'p99 gap':>8} {'progressed/s':>13} {'iterations/s':>13}  caption")
        for r in trained:
            print(f"{r['network']:<14} {r['worst_gap']:>10.0f} {r['p99_gap']:>8.0f} {r['progressed']:>13.1f} "
                  f"{r['iterations']:>13.0f}  {r['caption']}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
