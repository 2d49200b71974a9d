"""∂E/∂x of the walkthrough (its ``input_gradient`` steps and ``input_gradients()``) against PyTorch's autograd on
random networks: the same weights in float64, the same loss of the shown sample, ``x.grad``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec, Trainer

torch = pytest.importorskip("torch")

HIDDEN = ("identity", "sigmoid", "tanh", "relu", "softplus", "arctan")


def torch_input_gradient(net: Network, x: np.ndarray, t: np.ndarray, loss: str) -> np.ndarray:
    """∂E/∂x of one sample's loss, by autograd."""
    a = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    h = a
    functions = {"identity": lambda z: z, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
                 "softplus": torch.nn.functional.softplus, "arctan": torch.atan}
    for layer in net.layers:
        z = torch.tensor(layer.weights) @ h
        if layer.biases is not None:
            z = z + torch.tensor(layer.biases)
        h = functions[layer.activation](z)
    target = torch.tensor(t, dtype=torch.float64)
    if loss == "mse":
        e = 0.5 * torch.sum((h - target) ** 2)
    else:
        e = torch.sum(-target * torch.log(h) - (1 - target) * torch.log(1 - h))
    e.backward()
    assert a.grad is not None
    return a.grad.numpy()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4),
       hidden=st.sampled_from(HIDDEN), loss=st.sampled_from(("mse", "bce")), bias=st.booleans())
def test_input_gradients_equal_autograd(seed: int, sizes: list[int], hidden: str, loss: str, bias: bool) -> None:
    rng = np.random.default_rng(seed)
    layers = []
    for i in range(1, len(sizes)):
        last = i == len(sizes) - 1
        activation = ("sigmoid" if loss == "bce" else "identity") if last else hidden
        layers.append(Layer(rng.normal(0, 0.8, (sizes[i], sizes[i - 1])), activation,
                            rng.normal(0, 0.3, sizes[i]) if bias else None))
    net = Network(sizes[0], layers)
    x = rng.normal(0, 1.5, (3, sizes[0]))
    t = rng.uniform(0.05, 0.95, (3, sizes[-1])) if loss == "bce" else rng.normal(0, 1, (3, sizes[-1]))
    exp = Experiment(net, Dataset(x.tolist(), t.tolist()), loss=loss, optimizer=OptimizerSpec("sgd", 0.1),
                     batching=Batching("full"))
    sample = int(rng.integers(0, 3))
    w = Trainer(exp).walkthrough(sample=sample)
    expected = torch_input_gradient(net, x[sample], t[sample], loss)
    assert w.input_gradients() == pytest.approx(expected, rel=1e-10, abs=1e-13)
    shown = [s.value for s in w.steps if s.kind == "input_gradient"]
    assert shown == pytest.approx(expected, rel=1e-10, abs=1e-13)
