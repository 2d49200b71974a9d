"""How long the first Step of a big network's update takes: the walkthrough's formulas are written when a
step is first shown, not when the walkthrough is built.

Network: 2 inputs, 10 hidden tanh layers of 64, 1 identity output, 200 samples, full batch, plain SGD.
Rows (medians of ``--repeats`` runs), each measured twice in the same run:

* on demand (what the engine does): the formulas are written when a step's text is first asked for;
* everything up front (the reference, as before issue 11): every step's text is written as soon as the
  walkthrough is built (``format_all``).

Columns, from the start of the engine's build: the walkthrough built; its first step's text written; every
step's text written; and in a MainWindow (offscreen) the time from triggering stepAction to the explanation
panel showing the first step.

    python benchmarks/walkthrough_first_step.py [--repeats N]

numpy's BLAS runs on one thread (as in benchmarks/engine.py); set OPENBLAS_NUM_THREADS to measure otherwise.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# one thread for numpy's BLAS (before numpy is imported): on a busy machine OpenBLAS's threads make a 200×64
# forward pass take from 1 to 70 ms, which would drown what is measured here
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402

from sandbox.engine import Dataset, Experiment, Layer, Network, OptimizerSpec, Step, Trainer, Walkthrough  # noqa: E402

DEPTH, WIDTH, SAMPLES = 10, 64, 200


def deep_tanh() -> Experiment:
    """2 inputs, DEPTH tanh layers of WIDTH, one identity output; SAMPLES samples in one full batch."""
    rng = np.random.default_rng(0)
    sizes = [2] + [WIDTH] * DEPTH + [1]
    layers = [Layer(rng.normal(0, 1 / np.sqrt(a), (b, a)), activation="tanh" if i < DEPTH else "identity",
                    biases=np.zeros(b)) for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]))]
    inputs = rng.normal(size=(SAMPLES, 2))
    targets = np.tanh(inputs[:, :1] * inputs[:, 1:])
    return Experiment(Network(2, layers), Dataset(inputs, targets), name=f"2-{WIDTH}×{DEPTH}-1",
                      optimizer=OptimizerSpec("sgd", 0.01))


def text_of(step: Step) -> int:
    """Everything a renderer reads of a step's text (its length, so that nothing is optimised away)."""
    return len(step.formula) + len(step.symbolic) + len(step.terms) + sum(len(line) for line in step.lines)


def format_all(w: Walkthrough) -> int:
    return sum(text_of(s) for s in w.steps)


def ms(seconds: list[float]) -> str:
    return f"{statistics.median(seconds) * 1000:8.1f} ms"


def engine_times(eager: bool, repeats: int) -> dict[str, list[float]]:
    """The engine alone: the walkthrough built; its first step's text ready; every step's text ready (each
    counted from the start of the build)."""
    trainer = Trainer(deep_tanh())
    out: dict[str, list[float]] = {"build": [], "first": [], "all": []}
    for _ in range(repeats):
        t0 = time.perf_counter()
        w = trainer.walkthrough()
        if eager:
            format_all(w)
        t1 = time.perf_counter()
        text_of(w.steps[0])
        t2 = time.perf_counter()
        format_all(w)
        t3 = time.perf_counter()
        out["build"].append(t1 - t0)
        out["first"].append(t2 - t0)
        out["all"].append(t3 - t0)
    return out


def window_times(eager: bool, repeats: int) -> list[float]:
    """stepAction triggered → the explanation panel shows the first step, in a MainWindow."""
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    from sandbox.gui import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    QCoreApplication.setOrganizationName("walkthrough-benchmark")
    original: Callable[..., Any] = Trainer.walkthrough

    def eager_walkthrough(self: Trainer, *args: Any, **kwargs: Any) -> Walkthrough:
        w = original(self, *args, **kwargs)
        format_all(w)
        return w

    if eager:
        Trainer.walkthrough = eager_walkthrough  # type: ignore[method-assign]
    try:
        window = MainWindow()
        window.resize(1400, 900)
        window.show()
        window.player.set_speed("instant")
        times = []
        for _ in range(repeats):
            window.document.replace(deep_tanh(), None)
            for _ in range(5):
                app.processEvents()
            panel = window.explanation_panel
            idle = panel.toPlainText()
            t0 = time.perf_counter()
            window.actions_.step.trigger()
            while panel.toPlainText() == idle:
                app.processEvents()
            times.append(time.perf_counter() - t0)
        window.document.undo_stack.setClean()
        window.close()
        app.processEvents()
        return times
    finally:
        Trainer.walkthrough = original  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    w = Trainer(deep_tanh()).walkthrough()
    print(f"{deep_tanh().name}: {len(w.steps):,} steps, {SAMPLES} samples in one batch "
          f"(load average {load:.2f} on {os.cpu_count()} cores)\n")
    print(f"{'':28} {'build':>11} {'first step':>11} {'all steps':>11} {'window: Step → first step':>27}")
    for eager, name in ((False, "on demand"), (True, "everything up front (ref.)")):
        e = engine_times(eager, args.repeats)
        gui = window_times(eager, args.repeats)
        print(f"{name:28} {ms(e['build'])} {ms(e['first'])} {ms(e['all'])} {ms(gui):>27}")
    print("\nbuild: Trainer.walkthrough (up front: with every step's text written); first step: until steps[0]'s "
          "text is written; all steps: until every step's text is written (both from the start of the build)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
