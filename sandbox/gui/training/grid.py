"""The network's output sampled over a square grid of the input plane (2-input networks).

The numbers come from ``Network.forward``; nothing is computed here but the grid's coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sandbox.engine import Network

Array = np.ndarray

#: side of the grid
GRID_SIZE = 64
#: the plane the grid covers at least (the generators put their points in about [−1, 1]²), and the
#: margin around the data
GRID_EXTENT = 1.0
GRID_MARGIN = 1.1

_points_cache: dict[tuple[int, tuple], Array] = {}


@dataclass
class GridOutput:
    """Outputs over the grid: row = y (bottom to top), column = x (left to right)."""

    extent: tuple[float, float, float, float]  # x0, x1, y0, y1
    output: Array  # (size, size): the network's first output
    hidden: list[Array] = field(default_factory=list)  # per hidden layer: (neurons, size, size)


def extent_for(inputs: Array | None) -> tuple[float, float, float, float]:
    """A square plane around the data with a 10 % margin (at least [−1, 1]²)."""
    e = GRID_EXTENT
    if inputs is not None and inputs.size:
        finite = inputs[np.isfinite(inputs).all(axis=1)] if inputs.ndim == 2 else inputs
        if finite.size:
            e = max(e, float(np.abs(finite).max()) * GRID_MARGIN)
    return (-e, e, -e, e)


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
                extent: tuple[float, float, float, float] | None = None) -> GridOutput | None:
    """The network's outputs (and every hidden neuron's) over the grid; None unless it has 2 inputs."""
    if network.input_size != 2 or size <= 0:
        return None
    extent = extent or extent_for(None)
    fp = network.forward(grid_points(size, extent))
    output = fp.prediction[:, 0].reshape(size, size).copy()
    hidden = [a.T.reshape(-1, size, size).copy() for a in fp.outputs[1:-1]]
    return GridOutput(extent, output, hidden)
