"""The network's output sampled over a square grid of the input plane (2-input networks).

The numbers come from ``Network.forward``; nothing is computed here but the grid's coordinates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sandbox.engine import Experiment, Network
from sandbox.engine.features import raw_inputs, with_features

Array = np.ndarray

#: side of the grid of the network's output (the decision boundary's heatmap)
GRID_SIZE = 64
#: side of the grids of the hidden neurons' small maps, and how often they are computed while training
HIDDEN_GRID_SIZE = 32
HIDDEN_MAPS_HZ = 5.0
#: the plane the grid covers at least (the generators put their points in about [−1, 1]²), and the
#: margin around the data
GRID_EXTENT = 1.0
GRID_MARGIN = 1.15  # a sample at the largest coordinate stays a whole dot inside the smallest plot
#: the largest plane drawn (the files allow data up to 1e15; a range of ±1e300 still plots)
GRID_EXTENT_MAX = 1e300

#: the most numbers one forward pass over grid points may hold (points × neurons): beyond it the hidden maps are
#: left out and the output map is computed in chunks (a network of 120,000 neurons would need 5 GB at once)
MAX_GRID_VALUES = 4_000_000

_points_cache: dict[tuple[int, tuple], Array] = {}


@dataclass
class GridOutput:
    """Outputs over the grid: row = y (bottom to top), column = x (left to right)."""

    extent: tuple[float, float, float, float]  # x0, x1, y0, y1
    output: Array  # (size, size): the network's first output
    hidden: list[Array] = field(default_factory=list)  # per hidden layer: (neurons, size, size)

    def discretized(self, threshold: float, low: float, high: float) -> Array:
        """The output snapped to two classes ("discretize output"): ``high`` where it is ≥ ``threshold``,
        else ``low``; a NaN output stays NaN."""
        return discretize(self.output, threshold, low, high)


def discretize(output: Array, threshold: float, low: float, high: float) -> Array:
    """``high`` where ``output`` ≥ ``threshold``, ``low`` elsewhere, NaN where it is NaN (the class each
    grid point is given, as ``sandbox.engine.metrics`` counts a prediction's class)."""
    out = np.asarray(output, dtype=np.float64)
    snapped: Array = np.where(out >= threshold, high, low)
    snapped[np.isnan(out)] = np.nan
    return snapped


def extent_for(inputs: Array | None) -> tuple[float, float, float, float]:
    """A square plane around the data with a 15 % margin (at least [−1, 1]²)."""
    e = GRID_EXTENT
    if inputs is not None and inputs.size:
        finite = inputs[np.isfinite(inputs).all(axis=1)] if inputs.ndim == 2 else inputs
        if finite.size:
            e = max(e, float(np.abs(finite).max()) * GRID_MARGIN)
    e = min(e, GRID_EXTENT_MAX) if np.isfinite(e) else GRID_EXTENT_MAX  # a plot range stays finite
    return (-e, e, -e, e)


def plane_features(experiment: Experiment) -> list[str] | None:
    """The derived features of an experiment whose inputs are the plane (x1, x2, then its features, as
    ``engine.features`` appends them); None when its raw inputs are not 2."""
    features = list(experiment.features)
    return features if experiment.network.input_size - len(features) == 2 else None


def plane_extent(experiment: Experiment) -> tuple[float, float, float, float]:
    """The plane around the experiment's raw inputs (x1, x2), training and test."""
    data = experiment.data
    return extent_for(raw_inputs(np.vstack([data.inputs, data.test_inputs]), experiment.features))


def grid_points(size: int, extent: tuple[float, float, float, float]) -> Array:
    key = (size, extent)
    points = _points_cache.get(key)
    if points is None:
        x0, x1, y0, y1 = extent
        xx, yy = np.meshgrid(np.linspace(x0, x1, size), np.linspace(y0, y1, size))
        points = np.column_stack([xx.ravel(), yy.ravel()])
        if len(_points_cache) > 8:
            _points_cache.clear()
        _points_cache[key] = points
    return points


def grid_output(network: Network, size: int = GRID_SIZE,
                extent: tuple[float, float, float, float] | None = None,
                hidden_size: int = HIDDEN_GRID_SIZE, features: Sequence[str] = ()) -> GridOutput | None:
    """The network's first output over a ``size``² grid and every hidden neuron's over a ``hidden_size``²
    one (none if 0), in one forward pass; None unless the network has 2 inputs (and the derived ``features``,
    computed for the grid points by ``engine.features`` as for the data)."""
    if network.input_size != 2 + len(features) or size <= 0:
        return None
    extent = extent or extent_for(None)
    n = size * size
    neurons = sum(network.sizes[1:])
    if hidden_size > 0 and (n + hidden_size ** 2) * neurons > MAX_GRID_VALUES:
        hidden_size = 0  # thousands of neurons: no small maps (too many to draw, too much to hold)
    points = grid_points(size, extent)
    if features:
        points = with_features(points, features)
    if hidden_size == 0 and n * neurons > MAX_GRID_VALUES:
        return GridOutput(extent, _output_in_chunks(network, points, size, neurons))
    if hidden_size > 0 and hidden_size != size:
        points = np.vstack([points, with_features(grid_points(hidden_size, extent), features)])
    with np.errstate(all="ignore"):  # outputs that overflow are ∞ on the map (drawn as its extreme), no warning
        fp = network.forward(points)
    output = fp.prediction[:n, 0].reshape(size, size).copy()
    hidden = []
    if hidden_size > 0:
        rows = slice(0, n) if hidden_size == size else slice(n, None)
        hidden = [a[rows].T.reshape(-1, hidden_size, hidden_size).copy() for a in fp.outputs[1:-1]]
    return GridOutput(extent, output, hidden)


def _output_in_chunks(network: Network, points: Array, size: int, neurons: int) -> Array:
    """The first output over the grid, a few rows of points at a time (each pass within ``MAX_GRID_VALUES``)."""
    chunk = max(1, MAX_GRID_VALUES // neurons)
    with np.errstate(all="ignore"):
        parts = [network.forward(points[i:i + chunk]).prediction[:, 0] for i in range(0, len(points), chunk)]
    return np.concatenate(parts).reshape(size, size)
