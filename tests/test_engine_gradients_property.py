"""Property: backpropagation equals central differences for random networks, losses and batches."""

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec, Trainer, get_loss
from sandbox.engine.gradcheck import numerical_gradients

SMOOTH = ["identity", "sigmoid", "tanh", "arctan", "softplus"]
KINKED = ["relu", "prelu", "elu"]
HIDDEN = SMOOTH + KINKED


@st.composite
def problems(draw):
    depth = draw(st.integers(1, 5))
    sizes = [draw(st.integers(1, 6)) for _ in range(depth + 1)]
    loss = draw(st.sampled_from(["mse", "mse", "bce", "cross_entropy"]))
    hidden = [draw(st.sampled_from(HIDDEN)) for _ in range(depth - 1)]
    if loss == "bce":
        output = "sigmoid"
    elif loss == "cross_entropy":
        output = "softmax"
    else:
        output = draw(st.sampled_from(HIDDEN + ["softmax"]))
    activations = hidden + [output]
    biases = [draw(st.booleans()) for _ in range(depth)]
    alphas = [draw(st.sampled_from([None, 0.1, 1.5])) for _ in range(depth)]
    batch = draw(st.integers(1, 5))
    reduction = draw(st.sampled_from(["mean", "sum"]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    layers = []
    for i in range(depth):
        act = activations[i]
        alpha = alphas[i] if act in ("prelu", "elu") else None
        w = rng.normal(0.0, 1.2 / np.sqrt(sizes[i]), (sizes[i + 1], sizes[i]))
        b = rng.normal(0.0, 0.5, sizes[i + 1]) if biases[i] else None
        layers.append(Layer(w, act, biases=b, alpha=alpha))
    net = Network(sizes[0], layers)
    x = rng.normal(0.0, 1.0, (batch, sizes[0]))
    if loss == "mse":
        t = rng.normal(0.0, 1.0, (batch, sizes[-1]))
    elif loss == "bce":
        t = rng.uniform(0.0, 1.0, (batch, sizes[-1]))
    else:
        t = np.eye(sizes[-1])[rng.integers(0, sizes[-1], batch)]
    return net, x, t, loss, reduction


def away_from_kinks(net: Network, x: np.ndarray) -> bool:
    fp = net.forward(x)
    return all(layer.activation not in KINKED or np.min(np.abs(z)) > 1e-3
               for layer, z in zip(net.layers, fp.preactivations))


def assert_close(analytic, numeric, scale):
    for a, n in zip(analytic, numeric):
        if a is None or n is None:
            assert a is None and n is None
            continue
        np.testing.assert_allclose(a, n, rtol=1e-6, atol=1e-8 * scale)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_backprop_equals_central_differences(problem):
    net, x, t, loss, reduction = problem
    assume(away_from_kinks(net, x))
    fn = get_loss(loss)
    bp = net.backward(net.forward(x), t, fn, reduction)
    num_w, num_b = numerical_gradients(net, x, t, loss, reduction)
    scale = max(1.0, abs(bp.loss))  # round-off of the differences grows with the loss
    assert_close(bp.weight_grads, num_w, scale)
    assert_close(bp.bias_grads, num_b, scale)

    # the walkthrough records exactly the same gradients
    exp = Experiment(net.copy(), Dataset(x, t), loss=loss, reduction=reduction,
                     optimizer=OptimizerSpec("sgd", 0.1), batching=Batching("full"))
    w = Trainer(exp).walkthrough()
    for a, b in zip(w.weight_grads, bp.weight_grads):
        assert np.array_equal(a, b)
    for a, b in zip(w.bias_grads, bp.bias_grads):
        assert (a is None and b is None) or np.array_equal(a, b)
    assert w.loss == bp.loss
    # and every gradient step of the walkthrough carries the value of its array
    grads = w.by_label()
    for step in w.steps_of("backward"):
        if step.kind in ("weight_gradient", "bias_gradient"):
            assert step.value == grads[step.target]
