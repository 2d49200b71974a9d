"""Time per training iteration: this engine, a bare numpy loop doing the same arithmetic, and PyTorch.

Run with ``python benchmarks/engine.py`` (add ``--quick`` for a fast, rougher run). Everything is
float64 on one thread. All three do, per iteration: select the batch, forward pass, loss, backward
pass, plain SGD update. The engine is timed as ``Trainer.step()`` with its per-iteration metrics
(``record_gradients=True``, the default) and without them.

Cases:
  lecture   the lecture's 2-2-1 identity network, MSE, one sample per iteration
  tanh      2-8-8-8-8-8-8-1, tanh hidden layers, sigmoid output with binary cross-entropy,
            200 spiral samples, shuffled mini-batches of 10
  mnist     784-128-64-10, ReLU hidden layers, softmax output with cross-entropy,
            1024 random samples, shuffled mini-batches of 64
"""

from __future__ import annotations

import argparse
import os
import sys
import time

# one thread for numpy's BLAS as well (must be set before numpy is imported)
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from sandbox.engine import (  # noqa: E402
    Batching,
    Dataset,
    Experiment,
    Init,
    Layer,
    Network,
    OptimizerSpec,
    Trainer,
    generate,
)

try:  # noqa: SIM105
    import torch
except ImportError:  # PyTorch is optional
    torch = None


# ---- the three cases, built for the engine ------------------------------------------------------

def lecture_case() -> Experiment:
    net = Network(2, [Layer([[0.11, 0.21], [0.12, 0.08]]), Layer([[0.14, 0.15]])])
    return Experiment(net, Dataset([[2.0, 3.0]], [[1.0]]), loss="mse",
                      optimizer=OptimizerSpec("sgd", 0.05), batching=Batching("single"))


def _layers(sizes: list[int], hidden: str, output: str, seed: int) -> list[Layer]:
    layers = []
    for i in range(1, len(sizes)):
        w = Init("xavier_uniform" if hidden != "relu" else "he_uniform", seed).weights(sizes[i], sizes[i - 1], i)
        act = output if i == len(sizes) - 1 else hidden
        layers.append(Layer(w, act, biases=np.zeros(sizes[i])))
    return layers


def tanh_case() -> Experiment:
    sizes = [2, 8, 8, 8, 8, 8, 8, 1]
    net = Network(2, _layers(sizes, "tanh", "sigmoid", 0))
    data = generate("spiral", samples=200, noise=0.05, seed=0)
    return Experiment(net, data, loss="bce", optimizer=OptimizerSpec("sgd", 0.05),
                      batching=Batching("minibatch", 10, shuffle=True, seed=0))


def mnist_case() -> Experiment:
    sizes = [784, 128, 64, 10]
    net = Network(784, _layers(sizes, "relu", "softmax", 0))
    rng = np.random.default_rng(0)
    n = 1024
    x = rng.uniform(0.0, 1.0, (n, 784))
    t = np.eye(10)[rng.integers(0, 10, n)]
    return Experiment(net, Dataset(x, t), loss="cross_entropy", optimizer=OptimizerSpec("sgd", 0.01),
                      batching=Batching("minibatch", 64, shuffle=True, seed=0))


# ---- a bare numpy loop: the same arithmetic, written out by hand -------------------------------

def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def bare_loop(exp: Experiment):
    """A closure doing one iteration per call on copies of the experiment's parameters."""
    ws = [layer.weights.copy() for layer in exp.network.layers]
    bs = [None if layer.biases is None else layer.biases.copy() for layer in exp.network.layers]
    acts = [layer.activation for layer in exp.network.layers]
    x_all, t_all = exp.data.inputs, exp.data.targets
    n = x_all.shape[0]
    batching = exp.batching
    size = batching.batch_size(n)
    lr = exp.optimizer.learning_rate
    loss_name = exp.loss
    state = {"epoch": 0, "batch": 0, "batches": None}

    def batches():
        if batching.shuffle:
            order = np.random.default_rng([batching.seed, state["epoch"]]).permutation(n)
            return [(x_all[order[i:i + size]], t_all[order[i:i + size]]) for i in range(0, n, size)]
        return [(x_all[i:i + size], t_all[i:i + size]) for i in range(0, n, size)]

    def step() -> float:
        if state["batches"] is None:
            state["batches"] = batches()
        x, t = state["batches"][state["batch"]]
        # forward
        outs = [x]
        a = x
        for w, b, act in zip(ws, bs, acts):
            z = a @ w.T
            if b is not None:
                z += b
            if act == "tanh":
                a = np.tanh(z)
            elif act == "relu":
                a = np.maximum(z, 0.0)
            elif act == "sigmoid":
                a = _sigmoid(z)
            elif act == "softmax":
                a = _softmax(z)
            else:
                a = z
            outs.append(a)
        y = a
        m = x.shape[0]
        # loss and its gradient with respect to the output layer's pre-activation
        if loss_name == "mse":
            d = y - t
            loss = 0.5 * float(np.sum(d * d)) / m
            dz = d
        elif loss_name == "bce":
            zl = z
            loss = float(np.sum(t * np.logaddexp(0.0, -zl) + (1.0 - t) * np.logaddexp(0.0, zl))) / m
            dz = y - t
        else:
            zl = z - z.max(axis=1, keepdims=True)
            logp = zl - np.log(np.exp(zl).sum(axis=1, keepdims=True))
            loss = -float(np.sum(t * logp)) / m
            dz = y - t
        # backward and SGD update (gradients of all layers use the old weights)
        scale = 1.0 / m
        grads = []
        for i in range(len(ws) - 1, -1, -1):
            grads.append((i, (dz.T @ outs[i]) * scale, None if bs[i] is None else dz.sum(axis=0) * scale))
            if i > 0:
                da = dz @ ws[i]
                act = acts[i - 1]
                a = outs[i]
                if act == "tanh":
                    dz = da * (1.0 - a * a)
                elif act == "relu":
                    dz = da * (a > 0.0)
                elif act == "sigmoid":
                    dz = da * a * (1.0 - a)
                else:
                    dz = da
        for i, gw, gb in grads:
            ws[i] -= lr * gw
            if gb is not None:
                bs[i] -= lr * gb
        state["batch"] += 1
        if state["batch"] == len(state["batches"]):
            state["batch"] = 0
            state["epoch"] += 1
            state["batches"] = None
        return loss

    return step, ws


# ---- PyTorch: the same network, loss and SGD ----------------------------------------------------

def torch_loop(exp: Experiment):
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    net_layers = []
    for layer in exp.network.layers:
        lin = torch.nn.Linear(layer.fan_in, layer.size, bias=layer.has_bias, dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(layer.weights))
            if layer.has_bias:
                lin.bias.copy_(torch.from_numpy(layer.biases))
        net_layers.append(lin)
        if layer is not exp.network.layers[-1]:
            net_layers.append({"tanh": torch.nn.Tanh(), "relu": torch.nn.ReLU(),
                               "sigmoid": torch.nn.Sigmoid(), "identity": torch.nn.Identity()}[layer.activation])
    model = torch.nn.Sequential(*net_layers)
    opt = torch.optim.SGD(model.parameters(), lr=exp.optimizer.learning_rate)
    x_all = torch.from_numpy(exp.data.inputs)
    t_all = torch.from_numpy(exp.data.targets)
    n = x_all.shape[0]
    batching = exp.batching
    size = batching.batch_size(n)
    loss_name = exp.loss
    state = {"epoch": 0, "batch": 0, "batches": None}

    def batches():
        if batching.shuffle:
            order = torch.from_numpy(np.random.default_rng([batching.seed, state["epoch"]]).permutation(n))
            return [(x_all[order[i:i + size]], t_all[order[i:i + size]]) for i in range(0, n, size)]
        return [(x_all[i:i + size], t_all[i:i + size]) for i in range(0, n, size)]

    def step() -> float:
        if state["batches"] is None:
            state["batches"] = batches()
        x, t = state["batches"][state["batch"]]
        opt.zero_grad(set_to_none=True)
        z = model(x)
        if loss_name == "mse":  # the lecture's ½ Σ (y − y*)², mean over the batch; identity output
            loss = 0.5 * ((z - t) ** 2).sum(dim=1).mean()
        elif loss_name == "bce":  # sigmoid output combined with the loss, as the engine does
            loss = torch.nn.functional.binary_cross_entropy_with_logits(z, t, reduction="sum") / x.shape[0]
        else:  # softmax output combined with cross-entropy
            loss = torch.nn.functional.cross_entropy(z, t)
        loss.backward()
        opt.step()
        state["batch"] += 1
        if state["batch"] == len(state["batches"]):
            state["batch"] = 0
            state["epoch"] += 1
            state["batches"] = None
        return loss.item()

    return step, model


# ---- timing -------------------------------------------------------------------------------------

def time_per_iteration(steps: dict, iterations: int, repeats: int) -> dict:
    """Best over ``repeats`` rounds of the mean time of one call over ``iterations`` calls, in seconds.

    The variants take turns within every round, so that a busy machine slows them all alike, and
    each keeps its fastest round: slower rounds are other processes getting in the way (as
    ``timeit`` advises), and on a shared machine the median moves by tens of percent between runs.
    """
    for step in steps.values():  # warm up
        for _ in range(max(3, iterations // 10)):
            step()
    times: dict = {name: [] for name in steps}
    for _ in range(repeats):
        for name, step in steps.items():
            start = time.perf_counter()
            for _ in range(iterations):
                step()
            times[name].append((time.perf_counter() - start) / iterations)
    return {name: min(t) for name, t in times.items()}


def largest_differences(make) -> tuple[float, float | None]:
    """Largest weight difference after 50 iterations: engine against the bare loop and against PyTorch."""
    exp = make()
    trainer = Trainer(exp, record_gradients=False)
    bare_step, bare_ws = bare_loop(make())
    torch_step, model = torch_loop(make()) if torch is not None else (None, None)
    for _ in range(50):
        trainer.step()
        bare_step()
        if torch_step is not None:
            torch_step()
    layers = exp.network.layers
    bare = max(float(np.max(np.abs(layer.weights - w))) for layer, w in zip(layers, bare_ws))
    if model is None:
        return bare, None
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    theirs = max(float(np.max(np.abs(layer.weights - lin.weight.detach().numpy())))
                 for layer, lin in zip(layers, linears))
    return bare, theirs


def fmt_time(seconds: float) -> str:
    us = seconds * 1e6
    return f"{us:8.1f} µs" if us < 10000 else f"{us / 1000:8.2f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer iterations and repeats")
    args = parser.parse_args(argv)
    cases = [
        ("2-2-1 lecture, 1 sample", lecture_case, 4000),
        ("2-8x6-1 tanh, batch 10", tanh_case, 2000),
        ("784-128-64-10, batch 64", mnist_case, 200),
    ]
    repeats = 3 if args.quick else 9
    print(f"numpy {np.__version__}" + (f", torch {torch.__version__}" if torch else ", torch not installed")
          + "; float64, one thread; time per iteration, best of "
          + f"{repeats} rounds")
    header = (f"| {'case':<24} | {'engine':>11} | {'engine, no metrics':>18} | {'bare numpy':>11} | "
              f"{'PyTorch':>11} | {'engine/bare':>11} | {'no metrics/bare':>15} | {'torch/engine':>12} |")
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    notes = []
    for title, make, iterations in cases:
        if args.quick:
            iterations = max(50, iterations // 4)
        bare_diff, torch_diff = largest_differences(make)
        notes.append(f"{title}: after 50 iterations the weights of the bare loop differ by {bare_diff:.1e}"
                     + ("" if torch_diff is None else f", PyTorch's by {torch_diff:.1e}"))
        steps = {"engine": Trainer(make()).step, "fast": Trainer(make(), record_gradients=False).step,
                 "bare": bare_loop(make())[0]}
        if torch is not None:
            steps["torch"] = torch_loop(make())[0]
        t = time_per_iteration(steps, iterations, repeats)
        engine, engine_fast, bare = t["engine"], t["fast"], t["bare"]
        if torch is not None:
            torch_text, ratio = fmt_time(t["torch"]), f"{t['torch'] / engine:11.1f}×"
        else:
            torch_text, ratio = f"{'—':>11}", f"{'—':>12}"
        print(f"| {title:<24} | {fmt_time(engine)} | {fmt_time(engine_fast):>18} | {fmt_time(bare)} | "
              f"{torch_text} | {engine / bare:10.2f}× | {engine_fast / bare:14.2f}× | {ratio:>12} |", flush=True)
    print()
    for note in notes:
        print(note)
    if hasattr(os, "getloadavg"):
        print(f"load average during the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
