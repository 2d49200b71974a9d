"""Training ``resources/networks/digits.json`` headless: this engine's Trainer beside PyTorch, epoch by epoch.

Run with ``python benchmarks/digits_training.py`` (``--epochs N``, default 30; ``--rounds R``, default 3;
``--file`` another softmax cross-entropy network). Both train the same network (64-32-10, tanh, softmax
with cross-entropy) from the same initial weights on the same shuffled mini-batches with the same optimizer
(the file's: Adam, η = 0.01), in float64 on one thread (numpy's BLAS and torch pinned to one thread, as
``benchmarks/engine.py`` does). The engine is timed as ``train`` runs it (``Trainer.run`` with its
per-iteration metrics); PyTorch as a plain training loop. Only the training is timed: the test accuracy
after each epoch is measured outside the clock. Each run is repeated ``--rounds`` times, the two taking
turns, and each keeps its fastest round of every epoch (slower rounds are other processes getting in the
way). It prints a table of the seconds and the test accuracy of each epoch, the epochs per second, the
epoch at which the test accuracy first reaches 95 %, and how far apart the two networks' weights end.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from typing import Any

# one thread for numpy's BLAS as well (must be set before numpy is imported)
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, ROOT)

from sandbox.engine import Experiment, Trainer  # noqa: E402
from sandbox.engine.metrics import accuracy  # noqa: E402
from sandbox.files import load_experiment  # noqa: E402

try:  # noqa: SIM105
    import torch
except ImportError:  # PyTorch is optional
    torch = None

DIGITS = os.path.join(ROOT, "resources", "networks", "digits.json")
#: the test accuracy whose first epoch the summary names
GOAL = 0.95

Run = tuple[list[float], list[float], list[float]]  # per epoch: seconds, test accuracy, training loss


def engine_run(path: str, epochs: int) -> tuple[Run, list[np.ndarray]]:
    """Train with the engine as ``train`` does: each epoch's seconds, test accuracy, training-set loss."""
    trainer = Trainer(load_experiment(path))
    seconds, accuracies, losses = [], [], []
    for _ in range(epochs):
        start = time.perf_counter()
        trainer.run(epochs=1)
        seconds.append(time.perf_counter() - start)
        accuracies.append(float(trainer.accuracy()[1] or 0.0))
        losses.append(float(trainer.evaluate()[0]))
    return (seconds, accuracies, losses), [layer.weights.copy() for layer in trainer.network.layers]


def torch_run(path: str, epochs: int) -> tuple[Run, list[np.ndarray]]:
    """The same training in PyTorch: the file's initial weights, batches (``Batching.epoch_batches``) and
    optimizer, float64, the softmax combined with the cross-entropy as ``torch.nn.functional.cross_entropy``."""
    torch.set_num_threads(1)
    exp = load_experiment(path)
    model, optimizer = _torch_model(exp)
    data = exp.data
    x_all, t_all = torch.from_numpy(data.inputs), torch.from_numpy(data.targets)
    x_test = torch.from_numpy(data.test_inputs)
    n = x_all.shape[0]
    seconds, accuracies, losses = [], [], []
    for epoch in range(epochs):
        batches = [torch.from_numpy(b) for b in exp.batching.epoch_batches(n, epoch)]
        start = time.perf_counter()
        for b in batches:
            optimizer.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(model(x_all[b]), t_all[b])
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)
        with torch.no_grad():
            outputs = torch.softmax(model(x_test), dim=1).numpy()
            losses.append(float(torch.nn.functional.cross_entropy(model(x_all), t_all)))
        accuracies.append(float(accuracy(outputs, data.test_targets, "argmax") or 0.0))
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    return (seconds, accuracies, losses), [lin.weight.detach().numpy().copy() for lin in linears]


def _torch_model(exp: Experiment) -> tuple[Any, Any]:
    """The experiment's network as a ``torch.nn.Sequential`` (logits out) with its weights, and its optimizer."""
    layers = exp.network.layers
    if exp.loss != "cross_entropy" or layers[-1].activation != "softmax":
        raise SystemExit("this benchmark compares softmax cross-entropy networks")
    modules: list[Any] = []
    for layer in layers:
        linear = torch.nn.Linear(layer.fan_in, layer.size, bias=layer.has_bias, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(layer.weights))
            if layer.biases is not None:
                linear.bias.copy_(torch.from_numpy(layer.biases))
        modules.append(linear)
        if layer is not layers[-1]:
            modules.append({"tanh": torch.nn.Tanh(), "relu": torch.nn.ReLU(), "sigmoid": torch.nn.Sigmoid(),
                            "identity": torch.nn.Identity()}[layer.activation])
    model = torch.nn.Sequential(*modules)
    spec = exp.optimizer.build()
    h = spec.hyperparameters()
    reg = exp.regularization
    if reg.active and reg.kind != "l2":
        raise SystemExit(f"this benchmark compares L2 weight decay or none, not {reg.kind}")
    # L2: torch's weight_decay adds λ·w to the gradient, as the engine does; biases are not regularized
    linears = [m for m in modules if isinstance(m, torch.nn.Linear)]
    groups = [{"params": [lin.weight for lin in linears], "weight_decay": reg.strength if reg.active else 0.0},
              {"params": [lin.bias for lin in linears if lin.bias is not None], "weight_decay": 0.0}]
    if spec.name == "adam":
        optimizer = torch.optim.Adam(groups, lr=float(h["learning_rate"]),
                                     betas=(float(h["beta1"]), float(h["beta2"])), eps=float(h["eps"]))
    elif spec.name == "sgd" and not h.get("momentum"):
        optimizer = torch.optim.SGD(groups, lr=float(h["learning_rate"]))
    else:
        raise SystemExit(f"this benchmark compares Adam or plain SGD, not {spec.name} with {h}")
    return model, optimizer


def best_of(runs: list[Run]) -> Run:
    """Each epoch's fastest round; the accuracies and losses of the first (every round computes the same)."""
    seconds = [min(r[0][e] for r in runs) for e in range(len(runs[0][0]))]
    return seconds, runs[0][1], runs[0][2]


def first_reaching(accuracies: list[float], goal: float = GOAL) -> str:
    """The epoch (counted from 1) whose test accuracy first reaches ``goal``, or "not reached"."""
    return next((str(e + 1) for e, a in enumerate(accuracies) if a >= goal), "not reached")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", default=DIGITS, help="the network to train (digits.json)")
    parser.add_argument("--epochs", type=int, default=30, help="epochs to train (30)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each, taking turns; the fastest counts (3)")
    args = parser.parse_args(argv)
    exp = load_experiment(args.file)
    runs: dict[str, list[Run]] = {"engine": [], "torch": []}
    weights: dict[str, list[np.ndarray]] = {}
    makers: dict[str, Callable[[str, int], tuple[Run, list[np.ndarray]]]] = {"engine": engine_run}
    if torch is not None:
        makers["torch"] = torch_run
    for _ in range(max(1, args.rounds)):
        for name, make in makers.items():
            run, weights[name] = make(args.file, args.epochs)
            runs[name].append(run)
    engine = best_of(runs["engine"])
    theirs = best_of(runs["torch"]) if torch is not None else None
    data = exp.data
    print(f"{exp.name}: {data.n_train} training and {data.n_test} test samples, "
          f"{Trainer(exp).batches_per_epoch} updates per epoch; {exp.optimizer.name}, "
          f"η = {exp.optimizer.learning_rate:g}")
    print(f"numpy {np.__version__}" + (f", torch {torch.__version__}" if torch else ", torch not installed")
          + f"; float64, one thread; seconds of training per epoch, fastest of {max(1, args.rounds)} rounds")
    print()
    header = (f"| {'epoch':>5} | {'engine s':>9} | {'engine test acc':>15} | {'engine train loss':>17} | "
              f"{'PyTorch s':>9} | {'PyTorch test acc':>16} | {'PyTorch train loss':>18} |")
    print(header)
    print("|" + "|".join("-" * len(c) for c in header.split("|")[1:-1]) + "|")
    for e in range(args.epochs):
        row = (f"| {e + 1:>5} | {engine[0][e]:9.4f} | {100 * engine[1][e]:13.1f} % | {engine[2][e]:17.6f} | ")
        if theirs is not None:
            row += f"{theirs[0][e]:9.4f} | {100 * theirs[1][e]:14.1f} % | {theirs[2][e]:18.6f} |"
        else:
            row += f"{'—':>9} | {'—':>16} | {'—':>18} |"
        print(row)
    print()
    total = sum(engine[0])
    print(f"engine:  {args.epochs / total:7.1f} epochs/s ({total:.3f} s for {args.epochs} epochs); "
          f"test accuracy first ≥ {100 * GOAL:g} % at epoch {first_reaching(engine[1])}; "
          f"final {100 * engine[1][-1]:.1f} %")
    if theirs is not None:
        their_total = sum(theirs[0])
        print(f"PyTorch: {args.epochs / their_total:7.1f} epochs/s ({their_total:.3f} s for {args.epochs} epochs); "
              f"test accuracy first ≥ {100 * GOAL:g} % at epoch {first_reaching(theirs[1])}; "
              f"final {100 * theirs[1][-1]:.1f} %")
        print(f"the engine trains {their_total / total:.2f}× as fast as PyTorch on this network")
        apart = max(float(np.max(np.abs(a - b))) for a, b in zip(weights["engine"], weights["torch"]))
        print(f"after {args.epochs} epochs the two networks' weights differ by at most {apart:.1e}")
    if hasattr(os, "getloadavg"):
        print(f"load average during the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
