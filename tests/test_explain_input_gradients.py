"""``explain --format json`` gives ∂E/∂x of the shown sample's inputs (``gradients.inputs``) and the lecture's
output error Δ = y − y* (``delta``), as CONTRACTS.md asks: the lecture's numbers, and central differences on
random networks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec, Trainer, get_loss
from sandbox.explain.render import to_json
from sandbox.files import load_experiment
from sandbox.resources import resource_path


def test_the_lecture_s_input_gradients_and_delta():
    w = Trainer(load_experiment(resource_path("networks", "lecture17-linear.json"))).walkthrough()
    data = to_json(w)
    # ∂E/∂i1 = Δ·w5·w1 + Δ·w6·w3 = (−0.809)(0.14)(0.11) + (−0.809)(0.15)(0.12); ∂E/∂i2 with w2 and w4
    assert data["gradients"]["inputs"] == pytest.approx([-0.809 * (0.14 * 0.11 + 0.15 * 0.12),
                                                         -0.809 * (0.14 * 0.21 + 0.15 * 0.08)], abs=1e-15)
    assert data["gradients"]["inputs"] == pytest.approx([-0.0270206, -0.0334926], abs=1e-12)
    assert data["delta"] == pytest.approx([-0.809], abs=1e-15)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["tanh", "sigmoid", "softplus", "identity"]),
       st.sampled_from([("mse", "identity"), ("bce", "sigmoid"), ("cross_entropy", "softmax")]),
       st.integers(1, 4))
def test_input_gradients_equal_central_differences(seed, hidden, loss_out, batch):
    loss, out = loss_out
    rng = np.random.default_rng(seed)
    n_in, n_hidden, n_out = 3, 4, 2
    net = Network(n_in, [Layer(rng.normal(size=(n_hidden, n_in)), hidden, rng.normal(size=n_hidden)),
                         Layer(rng.normal(size=(n_out, n_hidden)), out, rng.normal(size=n_out))])
    x = rng.normal(size=(batch, n_in))
    t = rng.uniform(0.05, 0.95, size=(batch, n_out))
    if loss == "cross_entropy":
        t = t / t.sum(axis=1, keepdims=True)
    exp = Experiment(net, Dataset(x, t), loss=loss, optimizer=OptimizerSpec("sgd", 0.1), batching=Batching("full"))
    sample = int(rng.integers(batch))
    w = Trainer(exp).walkthrough(sample=sample)
    grads = w.input_gradients()
    h = 1e-6
    for k in range(n_in):
        up, down = x[sample].copy(), x[sample].copy()
        up[k] += h
        down[k] -= h
        f, target = get_loss(loss), t[sample][None, :]
        numeric = (net.loss(up[None, :], target, f) - net.loss(down[None, :], target, f)) / (2 * h)
        assert grads[k] == pytest.approx(numeric, rel=1e-6, abs=1e-8)
    np.testing.assert_array_equal(w.delta(), w.outputs[sample] - t[sample])
