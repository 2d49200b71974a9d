"""Experiments for the live-training tests (built in code, independent of the example files)."""

from __future__ import annotations

import numpy as np

from sandbox.engine import Batching, Experiment, Layer, Network, OptimizerSpec, generate


def spiral_experiment(batching: Batching | None = None, optimizer: OptimizerSpec | None = None,
                      samples: int = 200) -> Experiment:
    """The spiral data set on a 2-8-8-1 tanh network with a sigmoid output and binary cross-entropy."""
    data = generate("spiral", samples=samples, noise=0.0, seed=0, test_fraction=0.2)
    rng = np.random.default_rng(0)
    net = Network(2, [
        Layer(rng.normal(0.0, 0.7, (8, 2)), "tanh", np.zeros(8)),
        Layer(rng.normal(0.0, 0.5, (8, 8)), "tanh", np.zeros(8)),
        Layer(rng.normal(0.0, 0.5, (1, 8)), "sigmoid", np.zeros(1)),
    ])
    return Experiment(net, data, name="spiral", loss="bce",
                      optimizer=optimizer or OptimizerSpec("adam", 0.03),
                      batching=batching or Batching("full"))


def diverging_experiment() -> Experiment:
    """A linear regression with a learning rate far too high: the loss overflows within a few dozen steps."""
    data = generate("plane", samples=50, noise=0.0, seed=1)
    net = Network(2, [Layer([[0.1, 0.2]], "identity", [0.0])])
    data.inputs *= 10.0
    return Experiment(net, data, name="diverging", optimizer=OptimizerSpec("sgd", 50.0),
                      batching=Batching("full"))
