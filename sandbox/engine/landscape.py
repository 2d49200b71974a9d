"""The loss over two chosen parameters, and the paths optimizers take on it.

``loss_grid`` evaluates the training-set loss (``Network.loss`` with the experiment's loss and
reduction, plus the regularization penalty when there is one) on an N×M grid of two parameters,
every other parameter held fixed. ``optimizer_paths`` lets the engine's own optimizers (SGD,
SGD with momentum, RMSProp, Adam, AdaGrad) descend that same surface from the same start with the
same learning rate: each step takes the full-batch gradient of the backward pass, keeps only the
two chosen components, and hands them to ``Optimizer.step``. The experiment is never changed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .experiment import Experiment
from .losses import get_loss
from .network import Network
from .optimizers import make_optimizer

Array = NDArray[np.float64]

#: the optimizers a landscape can compare: key -> (title, engine name, extra hyper-parameters)
PATH_OPTIMIZERS: dict[str, tuple[str, str, dict[str, float]]] = {
    "sgd": ("SGD", "sgd", {}),
    "momentum": ("SGD + momentum", "sgd", {"momentum": 0.9}),
    "rmsprop": ("RMSProp", "rmsprop", {}),
    "adam": ("Adam", "adam", {}),
    "adagrad": ("AdaGrad", "adagrad", {}),
}
DEFAULT_PATH_OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")


def parameter_labels(network: Network) -> list[str]:
    """Every weight and bias label in the optimizer's order (W1 row by row, b1, W2, b2, …)."""
    labels: list[str] = []
    for layer in network.layers:
        labels.extend(label for row in layer.weight_labels for label in row)
        labels.extend(layer.bias_labels or [])
    return labels


def locate(network: Network, label: str) -> tuple[Array, tuple[int, ...], bool]:
    """The array holding parameter ``label``, the index into it, and whether it is a weight."""
    where = network.label_index().get(label)
    if where is None or where[0] not in ("weight", "bias"):
        raise KeyError(f"{label!r} is not a weight or bias of this network")
    layer = network.layers[where[1] - 1]
    if where[0] == "weight":
        return layer.weights, (where[2], where[3]), True
    return layer.biases, (where[2],), False


def parameter_value(network: Network, label: str) -> float:
    array, index, _ = locate(network, label)
    return float(array[index])


@dataclass
class LossGrid:
    """``loss[i, j]`` is the loss at ``param_a = a_values[i]``, ``param_b = b_values[j]``."""

    param_a: str
    param_b: str
    a_values: Array
    b_values: Array
    loss: Array
    #: the two parameters' values in the experiment (where the grid was centred by default)
    origin: tuple[float, float]

    @property
    def finite_loss(self) -> Array:
        return self.loss[np.isfinite(self.loss)]


class Cancelled(Exception):
    """A computation stopped because ``should_stop()`` said so."""


def _objective(experiment: Experiment) -> Callable[[Network], float]:
    loss = get_loss(experiment.loss)
    reduction = experiment.reduction
    reg = experiment.regularization
    x, t = experiment.data.inputs, experiment.data.targets

    def value(net: Network) -> float:
        with np.errstate(all="ignore"):
            total = net.loss(x, t, loss, reduction)
            if reg.active:
                total += reg.penalty([layer.weights for layer in net.layers])
        return total

    return value


def default_range(value: float, span: float | None = None) -> tuple[float, float]:
    """A range around a parameter's value: ± max(1, 2|value|) unless ``span`` is given."""
    half = span if span is not None else max(1.0, 2.0 * abs(value))
    return value - half, value + half


def loss_grid(experiment: Experiment, param_a: str, param_b: str,
              a_range: tuple[float, float] | None = None, b_range: tuple[float, float] | None = None,
              resolution: int | tuple[int, int] = 60,
              should_stop: Callable[[], bool] | None = None,
              progress: Callable[[int, int], None] | None = None) -> LossGrid:
    """The loss over a grid of two parameters, the rest fixed at the experiment's values.

    One copy of the network is made; the two parameters are set in place for every grid point.
    ``should_stop()`` is checked once per grid row (raises ``Cancelled``); ``progress(done, total)``
    is called after every row.
    """
    if param_a == param_b:
        raise ValueError("choose two different parameters")
    net = experiment.network.copy()
    arr_a, idx_a, _ = locate(net, param_a)
    arr_b, idx_b, _ = locate(net, param_b)
    origin = (float(arr_a[idx_a]), float(arr_b[idx_b]))
    na, nb = (resolution, resolution) if isinstance(resolution, int) else resolution
    a_values = np.linspace(*(a_range or default_range(origin[0])), int(na))
    b_values = np.linspace(*(b_range or default_range(origin[1])), int(nb))
    value = _objective(experiment)
    loss = np.empty((len(a_values), len(b_values)))
    for i, a in enumerate(a_values):
        if should_stop is not None and should_stop():
            raise Cancelled()
        arr_a[idx_a] = a
        for j, b in enumerate(b_values):
            arr_b[idx_b] = b
            loss[i, j] = value(net)
        if progress is not None:
            progress(i + 1, len(a_values))
    return LossGrid(param_a, param_b, a_values, b_values, loss, origin)


@dataclass
class OptimizerPath:
    """Where one optimizer went: ``points[k]`` are the two parameters after k steps (k = 0 is the start)."""

    key: str
    title: str
    points: Array
    losses: Array
    #: True when the loss became NaN or infinite and the path was cut there
    diverged: bool = False


def restricted_gradient(experiment: Experiment, network: Network, labels: tuple[str, str]) -> tuple[Array, float]:
    """The full-batch gradient's components for the two parameters (weights regularized), and the loss."""
    loss = get_loss(experiment.loss)
    data = experiment.data
    with np.errstate(all="ignore"):
        bp = network.backward(network.forward(data.inputs), data.targets, loss, experiment.reduction)
    grads = []
    reg = experiment.regularization
    for label in labels:
        where = network.label_index()[label]
        l = where[1] - 1
        if where[0] == "weight":
            g = bp.weight_grads[l][where[2], where[3]]
            if reg.active:
                g = g + reg.gradient(network.layers[l].weights)[where[2], where[3]]
        else:
            g = bp.bias_grads[l][where[2]]
        grads.append(float(g))
    total = bp.loss
    if reg.active:
        total += reg.penalty([layer.weights for layer in network.layers])
    return np.array(grads), total


def optimizer_paths(experiment: Experiment, param_a: str, param_b: str,
                    optimizers: tuple[str, ...] | list[str] = DEFAULT_PATH_OPTIMIZERS, steps: int = 50,
                    learning_rate: float | None = None, momentum: float = 0.9,
                    start: tuple[float, float] | None = None,
                    sgd_learning_rate: float | None = None) -> dict[str, OptimizerPath]:
    """Run each optimizer for ``steps`` steps on only the two parameters, from the same start.

    The start is the experiment's current values of the two (or ``start``); the learning rate is
    the experiment's (or ``learning_rate``); ``momentum`` is γ of "SGD + momentum".
    ``sgd_learning_rate`` gives plain SGD a learning rate of its own (e.g. ``effective_step``).
    """
    lr = experiment.optimizer.learning_rate if learning_rate is None else float(learning_rate)
    labels = (param_a, param_b)
    paths: dict[str, OptimizerPath] = {}
    for key in optimizers:
        title, name, extra = PATH_OPTIMIZERS[key]
        options = dict(extra)
        if key == "momentum":
            options["momentum"] = momentum
        own_lr = lr
        if key == "sgd" and sgd_learning_rate is not None:
            own_lr = float(sgd_learning_rate)
            title = f"{title} (η = {own_lr:.4g})"
        opt = make_optimizer(name, learning_rate=own_lr, **options)
        net = experiment.network.copy()
        arr_a, idx_a, _ = locate(net, param_a)
        arr_b, idx_b, _ = locate(net, param_b)
        if start is not None:
            arr_a[idx_a], arr_b[idx_b] = start
        theta = np.array([arr_a[idx_a], arr_b[idx_b]], dtype=np.float64)
        points = [theta.copy()]
        losses = []
        diverged = False
        for _ in range(steps):
            grad, loss = restricted_gradient(experiment, net, labels)
            losses.append(loss)
            if not (math.isfinite(loss) and np.all(np.isfinite(grad))):
                diverged = True
                break
            opt.step([theta], [grad], [True], own_lr)
            arr_a[idx_a], arr_b[idx_b] = theta
            points.append(theta.copy())
        else:
            _, loss = restricted_gradient(experiment, net, labels)
            losses.append(loss)
            diverged = not math.isfinite(loss)
        pts = np.array(points)
        paths[key] = OptimizerPath(key, title, pts, np.array(losses[: len(pts)]), diverged)
    return paths


def effective_step(learning_rate: float, momentum: float) -> float:
    """η/(1 − γ): the step momentum settles to on a constant gradient (v → γv + η∇ has fixed point
    η∇/(1 − γ)), so plain SGD with this learning rate moves as fast on a gentle slope."""
    return learning_rate / (1.0 - momentum)


def ranges_around(paths: dict[str, OptimizerPath], origin: tuple[float, float],
                  margin: float = 0.2, minimum: float = 0.5, limit: float = 50.0,
                  aspect: float | None = None) -> tuple[tuple[float, float], tuple[float, float]]:
    """Grid ranges that hold the start and every (finite) path point, with a margin on each side.

    Each axis spans at least ``minimum`` and extends at most ``limit`` away from the start, so one
    runaway path cannot flatten the picture. With ``aspect`` (width / height of the picture, both
    axes at the same scale) the shorter range is widened so the grid fills the picture.
    """
    pts = [np.asarray(origin, dtype=np.float64).reshape(1, 2)]
    pts += [p.points[np.all(np.isfinite(p.points), axis=1)] for p in paths.values()]
    allp = np.concatenate(pts)
    allp = np.clip(allp, np.array(origin) - limit, np.array(origin) + limit)
    out = []
    for axis in range(2):
        lo, hi = float(allp[:, axis].min()), float(allp[:, axis].max())
        span = max(hi - lo, minimum)
        mid = (lo + hi) / 2.0
        out.append([mid, span * (0.5 + margin)])
    if aspect is not None and aspect > 0:
        (_, half_a), (_, half_b) = out
        if half_a / half_b < aspect:
            out[0][1] = half_b * aspect
        else:
            out[1][1] = half_a / aspect
    (ma, ha), (mb, hb) = out
    return (ma - ha, ma + ha), (mb - hb, mb + hb)


def contour_levels(grid: LossGrid, count: int = 12) -> Array:
    """Loss values for contour lines, spaced geometrically above the grid's minimum (dense near the
    valley floor, sparse on the walls), like the lecture's pictures."""
    finite = grid.finite_loss
    if finite.size == 0:
        return np.zeros(0)
    low, high = float(finite.min()), float(np.quantile(finite, 0.98))
    if not high > low:
        return np.array([low])
    span = high - low
    fractions = np.geomspace(1e-3, 1.0, count)
    return low + span * fractions


def shading(grid: LossGrid) -> Array:
    """The heat map's values: log10 of the loss above the grid minimum (NaN where the loss is not finite)."""
    finite = grid.finite_loss
    if finite.size == 0:
        return np.full_like(grid.loss, np.nan)
    low = float(finite.min())
    span = max(float(finite.max()) - low, 1e-300)
    with np.errstate(all="ignore"):
        out = np.log10(grid.loss - low + 1e-4 * span)
    out[~np.isfinite(grid.loss)] = np.nan
    return out


def elongated_bowl(learning_rate: float = 0.15, momentum: float = 0.6) -> Experiment:
    """The lecture's "SGD without / with momentum" setting in code: linear regression y = w1·x1 + w2·x2
    whose loss is a long narrow valley along w1 (curvature 0.6 along, 12 across), started on its wall."""
    from .batching import Batching
    from .datasets import Dataset
    from .experiment import OptimizerSpec
    from .network import Layer

    a, b = math.sqrt(1.2), math.sqrt(24.0)
    x = np.array([[a, 0.0], [-a, 0.0], [0.0, b], [0.0, -b]])
    w_star = np.array([2.0, 1.0])
    net = Network(2, [Layer(np.array([[-2.5, 0.55]]), "identity", None, labels=["y"], weight_labels=[["w1", "w2"]])],
                  ["x1", "x2"])
    return Experiment(net, Dataset(x, (x @ w_star).reshape(-1, 1)), name="Elongated bowl (momentum)",
                      description="Linear regression whose loss is a narrow valley: SGD zig-zags across it.",
                      optimizer=OptimizerSpec("sgd", learning_rate, {"momentum": momentum}),
                      batching=Batching("full"))
