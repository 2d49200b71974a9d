"""How long the network view takes to draw, offscreen: the lecture network and a 10 × 64 network
(about 37,000 edges). Repaints the view several times and prints the medians.

    python benchmarks/view.py [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtGui import QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from sandbox.engine import Dataset, Experiment, Layer, Network  # noqa: E402

WIDTH, HEIGHT = 1000, 700


def lecture() -> Experiment:
    from sandbox.files import load_experiment
    from sandbox.gui.common.icons import resource_file

    return load_experiment(resource_file("networks", "lecture17-linear.json"))


def big(layers: int = 10, width: int = 64, inputs: int = 64) -> Experiment:
    rng = np.random.default_rng(0)
    sizes = [inputs] + [width] * (layers - 1) + [1]
    net = Network(inputs, [Layer(rng.normal(0, 1 / np.sqrt(a), (b, a)), activation="tanh", biases=np.zeros(b))
                           for a, b in zip(sizes[:-1], sizes[1:])])
    return Experiment(net, Dataset(rng.normal(size=(8, inputs)), rng.normal(size=(8, 1))), name="10 x 64")


def repaint(view) -> None:
    """What the screen does: the viewport paints itself (synchronously, offscreen)."""
    view.viewport().repaint()


def lines_cache(view):
    return view._edges.lines_item.cache  # None: the lines are cached by Qt (small network)


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
        cache = lines_cache(view)
        if cache is not None:
            while not cache.up_to_date:
                QApplication.processEvents()
                cache.wait()
                QApplication.processEvents()
            repaint(view)
        ready.append((time.perf_counter() - start) * 1000)
    return gui, cpu, ready


def measure(name: str, experiment: Experiment, repeats: int) -> dict:
    from sandbox.gui.model.document import Document
    from sandbox.gui.network_view import NetworkView

    document = Document(experiment)
    view = NetworkView(document)
    view.resize(WIDTH, HEIGHT)
    view.show()
    QApplication.processEvents()
    view.fit_to_window()
    repaint(view)
    edges = view.layout_.edge_count
    idle = time_draw(view, repeats)
    gui, cpu, ready = time_change(document, view, repeats)
    export = time_export(view, max(3, repeats // 3))
    start = time.perf_counter()
    document.set_position(0)  # a walkthrough begins: highlights and dimming
    refresh_ms = (time.perf_counter() - start) * 1000
    stepping = time_draw(view, repeats)
    view.close()
    return {"network": name, "edges": edges, "idle": statistics.median(idle), "changed": statistics.median(gui),
            "changed_cpu": statistics.median(cpu),
            "ready": statistics.median(ready), "export": statistics.median(export),
            "stepping": statistics.median(stepping), "refresh": refresh_ms}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    rows = [measure("lecture 2-2-1", lecture(), args.repeats), measure("10 layers x 64", big(), args.repeats)]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"network view, {WIDTH}x{HEIGHT} offscreen, median of {args.repeats} repaints of the viewport "
          f"(load average {load:.2f} on {os.cpu_count()} cores)")
    print("redraw: nothing changed (hover, animation frame, exposed window);")
    print("weights changed: all weights new, the GUI thread's refresh + repaint, wall time and the GUI thread's")
    print("  CPU time (a dense network shows its previous lines meanwhile); new lines shown: until the worker")
    print("  thread's new lines are on screen; stepping: repaint with a step highlighted;")
    print("export: a picture with every line drawn on the spot; walkthrough start: the engine computing the")
    print("  walkthrough of the update (first Step).")
    header = ("network", "edges", "redraw", "weights changed", "(GUI CPU)", "new lines shown", "stepping",
              "export", "walkthrough start")
    print(f"{header[0]:<16} {header[1]:>7} {header[2]:>8} {header[3]:>16} {header[4]:>10} {header[5]:>16} "
          f"{header[6]:>9} {header[7]:>8} {header[8]:>18}   (ms)")
    for r in rows:
        print(f"{r['network']:<16} {r['edges']:>7} {r['idle']:>8.2f} {r['changed']:>16.2f} {r['changed_cpu']:>10.2f} "
              f"{r['ready']:>16.2f} {r['stepping']:>9.2f} {r['export']:>8.1f} {r['refresh']:>18.1f}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
