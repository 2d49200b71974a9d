"""Opening files at the limits: time and peak RSS of ``load_experiment``, beside ``json.loads`` of the same text.

Run with ``python benchmarks/file_limits.py``. Two files are made in a temporary folder:

  parameters  a network of MAX_PARAMETERS weights and biases, saved by the app (every label written)
  data        a small network with MAX_DATA_NUMBERS inline numbers (MAX_SAMPLES samples of 3 inputs, 1 target)

Each is opened in a fresh process (so that peak RSS is that process's own): ``json.loads`` of its text
(the floor: parsing alone), then ``load_experiment`` (read, parse, check, build).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from sandbox.files import limits as L  # noqa: E402

_PROBE = """
import json, resource, sys, time
t = time.perf_counter()
if sys.argv[1] == "json":
    with open(sys.argv[2], "rb") as f:
        json.loads(f.read())
else:
    from sandbox.files import load_experiment
    t = time.perf_counter()
    load_experiment(sys.argv[2])
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def parameters_file(folder: Path) -> Path:
    """A network of (nearly) MAX_PARAMETERS parameters with every label, as the app saves it."""
    from sandbox.files import load_experiment, save_experiment

    sizes = [100, 700, 600, 14]
    layers: list[dict[str, object]] = [{"size": sizes[0]}]
    layers += [{"size": n, "activation": "tanh"} for n in sizes[1:]]
    doc = {"format": "backprop-sandbox.network", "version": 1, "layers": layers,
           "data": {"inputs": [[0.0] * sizes[0]], "targets": [[0.0] * sizes[-1]]}}
    draft = folder / "draft.json"
    draft.write_text(json.dumps(doc), encoding="utf-8")
    path = folder / "parameters.json"
    save_experiment(load_experiment(draft), path)
    return path


def data_file(folder: Path) -> Path:
    """A 3-2-1 network with MAX_SAMPLES samples: MAX_DATA_NUMBERS inline numbers of 17 significant digits."""
    import numpy as np

    rng = np.random.default_rng(0)
    n = L.MAX_DATA_NUMBERS // 4
    doc = {"format": "backprop-sandbox.network", "version": 1,
           "layers": [{"size": 3}, {"size": 2, "activation": "tanh"}, {"size": 1, "activation": "identity"}],
           "data": {"inputs": rng.normal(size=(n, 3)).tolist(), "targets": rng.normal(size=(n, 1)).tolist()}}
    path = folder / "data.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def measure(what: str, path: Path) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", _PROBE, what, str(path)], check=True, capture_output=True,
                         text=True, cwd=Path(__file__).resolve().parents[1]).stdout.split()
    return float(out[0]), float(out[1])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"{'file':<12} {'MB':>7} {'json.loads s':>13} {'MB RSS':>8} {'load s':>8} {'MB RSS':>8}")
        for name, make in (("parameters", parameters_file), ("data", data_file)):
            path = make(folder)
            size = path.stat().st_size / 2**20
            floor = measure("json", path)
            load = measure("load", path)
            print(f"{name:<12} {size:7.1f} {floor[0]:13.2f} {floor[1]:8.0f} {load[0]:8.2f} {load[1]:8.0f}")


if __name__ == "__main__":
    main()
