"""Opening the largest files ``validate`` accepts: headless load against the window's open.

    python benchmarks/open_largest.py [--keep DIR] [--train] [CASE ...]

Generates one file per case (issue 10, point 2) in a temporary folder (or DIR) and prints a table:
the file's size, ``load_experiment``'s time and peak RSS (the reference: what the data alone cost),
and ``MainWindow().open_file(path)`` followed by 20 ``processEvents`` (time and peak RSS), each in a
subprocess of its own. ``--train`` also starts training in the window after opening (Train action)
and waits for 3 reports, timing that too. The targets: every open ≤ 5 s and ≤ 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

CASES: dict[str, str] = {
    "a": "2-8-7-1 tanh, xor generator, 1,000,000 samples (16,000,000 values a pass: the limit)",
    "b": "2-700-700-1 (493,501 parameters), weights and labels saved, xor 10,000 samples",
    "c": "64 layers: 2-32×62-1, xor 8,000 samples",
    "d": "4096-100-10 (410,710 parameters), 3 inline samples",
    "e1": "2-8-1, inline data 1,000,000 × 3 numbers",
    "e2": "39-16-1, inline data 100,000 × 40 numbers",
    "f": "name of 200 characters, description of 20,000",
}


def _layers(sizes: list[int], activation: str = "tanh") -> list[dict]:
    return [{"size": sizes[0]}] + [{"size": s, "activation": activation} for s in sizes[1:]]


def _doc(sizes: list[int], data: dict, **extra: object) -> dict:
    return {"format": "backprop-sandbox.network", "version": 1, "layers": _layers(sizes), "data": data, **extra}


def _write_json(path: Path, doc: dict) -> None:
    path.write_text(json.dumps(doc), encoding="utf-8")


def _saved(path: Path, doc: dict) -> None:
    """The file as the app saves it: every weight and label written out (``save_experiment``)."""
    from sandbox.files import loads_experiment, save_experiment

    save_experiment(loads_experiment(json.dumps(doc)), path)


def _inline(samples: int, n_in: int, n_out: int) -> dict:
    import numpy as np

    rng = np.random.default_rng(0)
    x = np.round(rng.uniform(-1, 1, (samples, n_in)), 3)
    t = (x[:, :n_out] > 0).astype(int)
    return {"inputs": x.tolist(), "targets": t.tolist()}


def make(case: str, folder: Path) -> Path:
    """Write the file of ``case`` into ``folder``."""
    path = folder / f"case_{case}.json"
    xor = {"generator": "xor", "samples": 10_000}
    makers: dict[str, Callable[[], None]] = {
        "a": lambda: _write_json(path, _doc([2, 8, 7, 1], {"generator": "xor", "samples": 1_000_000})),
        "b": lambda: _saved(path, _doc([2, 700, 700, 1], xor)),
        "c": lambda: _write_json(path, _doc([2] + [32] * 62 + [1], {"generator": "xor", "samples": 8_000})),
        "d": lambda: _write_json(path, _doc([4096, 100, 10], _inline(3, 4096, 10))),
        "e1": lambda: _write_json(path, _doc([2, 8, 1], _inline(1_000_000, 2, 1))),
        "e2": lambda: _write_json(path, _doc([39, 16, 1], _inline(100_000, 39, 1))),
        "f": lambda: _write_json(path, _doc([2, 4, 1], xor, name="N" * 200,
                                            description=("A long description. " * 1000)[:20_000])),
    }
    makers[case]()
    return path


#: the peak RSS of this process alone (VmHWM; ru_maxrss would carry the parent's peak over an exec)
_PEAK = "int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]) / 1024"

_LOAD = """
import sys, time
t = time.perf_counter()
from sandbox.files import load_experiment
load_experiment(sys.argv[1])
print(time.perf_counter() - t, PEAK)
""".replace("PEAK", _PEAK)

_WINDOW = """
import os, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication
app = QApplication([])
from sandbox.gui import MainWindow
w = MainWindow(); w.show(); app.processEvents()
t = time.perf_counter()
ok = w.open_file(sys.argv[1])
for _ in range(20):
    app.processEvents()
opened = time.perf_counter() - t
rss = PEAK
train = float("nan")
if ok and sys.argv[2] == "1":
    reports = []
    w.document.reportTaken.connect(lambda r: reports.append(r))
    t = time.perf_counter()
    w.actions_.train.trigger()
    while len(reports) < 3 and time.perf_counter() - t < 60:
        app.processEvents()
        time.sleep(0.005)
    train = time.perf_counter() - t if len(reports) >= 3 else float("inf")
    w.actions_.train.trigger()
    for _ in range(20):
        app.processEvents()
print(int(ok), opened, rss, train, PEAK)
w.training.shutdown(250)
os._exit(0)
""".replace("PEAK", _PEAK)


def _run(script: str, *args: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}")
    return [float(v) for v in out.stdout.split()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", default=list(CASES), help="cases to run (default: all)")
    parser.add_argument("--keep", help="write the files into this folder and keep them")
    parser.add_argument("--train", action="store_true", help="also time the first 3 training reports")
    args = parser.parse_args(argv)
    holder = None if args.keep else tempfile.TemporaryDirectory()
    folder = Path(args.keep or holder.name)  # type: ignore[union-attr]
    folder.mkdir(parents=True, exist_ok=True)
    header = f"{'case':4} {'file MB':>8} {'load s':>7} {'load MB':>8} {'open s':>7} {'open MB':>8}"
    if args.train:
        header += f" {'3 reports s':>11} {'peak MB':>8}"
    print(header + "  what")
    for case in args.cases:
        path = make(case, folder)
        size = path.stat().st_size / 2**20
        load_s, load_mb = _run(_LOAD, str(path))
        try:
            ok, open_s, open_mb, train_s, peak_mb = _run(_WINDOW, str(path), "1" if args.train else "0")
            row = f"{case:4} {size:8.1f} {load_s:7.2f} {load_mb:8.0f} {open_s:7.2f} {open_mb:8.0f}"
            if not ok:
                row += " (refused)"
            if args.train:
                row += f" {train_s:11.2f} {peak_mb:8.0f}"
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            row = f"{case:4} {size:8.1f} {load_s:7.2f} {load_mb:8.0f}  window failed: {e}"
        print(f"{row}  {CASES[case]}", flush=True)
        if not args.keep:
            path.unlink()
    if holder is not None:
        holder.cleanup()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main())
