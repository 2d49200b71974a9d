"""Every loss: its value by hand, its gradients against central differences, stability when saturated."""

import math
import warnings

import numpy as np
import pytest

from sandbox.engine import Layer, Network, get_activation, get_loss
from sandbox.engine.activations import sigmoid
from sandbox.engine.losses import reduce_losses

RNG = np.random.default_rng(7)


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def numeric_gradient(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences of the summed per-sample losses ``f(x)`` for every element of ``x``."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        g[i] = (np.sum(f(up)) - np.sum(f(down))) / (2 * h)
    return g


def strict():
    return np.errstate(over="raise", divide="raise", invalid="raise", under="ignore")


def test_mse_is_the_lecture_s_half_squared_error():
    mse = get_loss("mse")
    y = np.array([[0.191], [0.5]])
    t = np.array([[1.0], [0.0]])
    assert mse.per_sample(y, t, y, "identity").tolist() == pytest.approx([0.5 * 0.809 ** 2, 0.125], rel=1e-15)
    y2 = np.array([[1.0, 2.0, 3.0]])
    t2 = np.array([[0.0, 2.5, 1.0]])
    assert mse.per_sample(y2, t2, y2, "identity")[0] == pytest.approx(0.5 * (1 + 0.25 + 4), rel=1e-15)
    assert mse.output_gradient(y2, t2).tolist() == [[1.0, -0.5, 2.0]]


def test_mse_output_gradient_matches_differences():
    mse = get_loss("mse")
    y, t = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))
    numeric = numeric_gradient(lambda v: mse.per_sample(v, t, v, "identity"), y)
    np.testing.assert_allclose(mse.output_gradient(y, t), numeric, rtol=1e-7, atol=1e-9)


def test_bce_by_hand_with_identity_output_in_0_1():
    bce = get_loss("bce")
    y = np.array([[0.8], [0.3], [0.6]])
    t = np.array([[1.0], [0.0], [0.25]])
    expected = [-math.log(0.8), -math.log(0.7), -(0.25 * math.log(0.6) + 0.75 * math.log(0.4))]
    assert bce.per_sample(y, t, y, "identity").tolist() == pytest.approx(expected, rel=1e-15)
    assert bce.output_gradient(y, t).ravel().tolist() == pytest.approx(
        [-1 / 0.8, 1 / 0.7, -0.25 / 0.6 + 0.75 / 0.4], rel=1e-14)
    assert bce.preactivation_gradient(y, t, "identity") is None
    numeric = numeric_gradient(lambda v: bce.per_sample(v, t, v, "identity"), y)
    np.testing.assert_allclose(bce.output_gradient(y, t), numeric, rtol=1e-7)


def test_bce_with_sigmoid_output_gradients_match_differences():
    bce = get_loss("bce")
    z = RNG.normal(scale=3.0, size=(5, 2))
    t = RNG.uniform(size=(5, 2))
    f = lambda v: bce.per_sample(sigmoid(v), t, v, "sigmoid")  # noqa: E731
    y = sigmoid(z)
    assert f(z).tolist() == pytest.approx(
        np.sum(-(t * np.log(y) + (1 - t) * np.log(1 - y)), axis=1).tolist(), rel=1e-12)
    numeric_z = numeric_gradient(f, z)
    np.testing.assert_allclose(bce.preactivation_gradient(y, t, "sigmoid"), numeric_z, rtol=1e-7, atol=1e-10)
    # dE/dy times the sigmoid's derivative is the same dE/dz
    np.testing.assert_allclose(bce.output_gradient(y, t) * y * (1 - y), numeric_z, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("z", [800.0, -800.0, 40.0, -40.0])
@pytest.mark.parametrize("t", [0.0, 1.0, 0.3])
def test_bce_with_a_saturated_sigmoid_is_finite(z, t):
    bce = get_loss("bce")
    zz, tt = np.array([[z]]), np.array([[t]])
    with strict(), warnings.catch_warnings():
        warnings.simplefilter("error")
        y = sigmoid(zz)
        loss = bce.per_sample(y, tt, zz, "sigmoid")[0]
        dz = bce.preactivation_gradient(y, tt, "sigmoid")[0, 0]
        dy = bce.output_gradient(y, tt)[0, 0]
    # exact: t·softplus(−z) + (1 − t)·softplus(z)
    sp = lambda v: max(v, 0.0) + math.log1p(math.exp(-abs(v)))  # noqa: E731
    assert loss == pytest.approx(t * sp(-z) + (1 - t) * sp(z), rel=1e-14)
    assert math.isfinite(dy)
    s = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
    assert dz == pytest.approx(s - t, rel=1e-14, abs=1e-300)


def test_bce_saturated_through_a_network_gives_finite_loss_and_gradients():
    net = Network(1, [Layer([[800.0], [-800.0]], "sigmoid", biases=[0.0, 0.0])])
    with strict(), warnings.catch_warnings():
        warnings.simplefilter("error")
        fp = net.forward([[1.0]])
        bp = net.backward(fp, [[0.0, 1.0]], get_loss("bce"), "mean")
    assert bp.loss == pytest.approx(1600.0, rel=1e-15)
    assert np.isfinite(bp.weight_grads[0]).all() and np.isfinite(bp.bias_grads[0]).all()
    assert bp.weight_grads[0].ravel().tolist() == [1.0, -1.0]


def test_bce_with_identity_output_clamps_like_torch():
    bce = get_loss("bce")
    with strict(), warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = bce.per_sample(np.array([[0.0], [1.0]]), np.array([[1.0], [1.0]]), None, "identity")
    assert loss.tolist() == [100.0, 0.0]


def test_softmax_cross_entropy_by_hand_and_by_differences():
    ce = get_loss("cross_entropy")
    z = np.array([[1.0, 2.0, 0.5], [-1.0, 0.0, 3.0]])
    t = np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]])
    y = softmax(z)
    lse = [math.log(sum(math.exp(v) for v in row)) for row in z]
    expected = [lse[0] - 2.0, -(0.2 * (-1.0 - lse[1]) + 0.3 * (0.0 - lse[1]) + 0.5 * (3.0 - lse[1]))]
    assert ce.per_sample(y, t, z, "softmax").tolist() == pytest.approx(expected, rel=1e-14)
    numeric = numeric_gradient(lambda v: ce.per_sample(softmax(v), t, v, "softmax"), z)
    np.testing.assert_allclose(ce.preactivation_gradient(y, t, "softmax"), y - t, rtol=1e-15)
    np.testing.assert_allclose(ce.preactivation_gradient(y, t, "softmax"), numeric, rtol=1e-7, atol=1e-10)
    # targets that do not sum to one: the gradient is y·Σt − t
    t2 = np.array([[0.0, 0.5, 0.0], [0.0, 0.0, 2.0]])
    numeric2 = numeric_gradient(lambda v: ce.per_sample(softmax(v), t2, v, "softmax"), z)
    np.testing.assert_allclose(ce.preactivation_gradient(y, t2, "softmax"), numeric2, rtol=1e-7, atol=1e-10)


def test_cross_entropy_on_a_plain_output_and_its_gradient():
    ce = get_loss("cross_entropy")
    y = np.array([[0.2, 0.7, 0.1]])
    t = np.array([[0.0, 1.0, 0.0]])
    assert ce.per_sample(y, t, y, "identity")[0] == pytest.approx(-math.log(0.7), rel=1e-15)
    numeric = numeric_gradient(lambda v: ce.per_sample(v, t, v, "identity"), y)
    np.testing.assert_allclose(ce.output_gradient(y, t), numeric, rtol=1e-7, atol=1e-10)


def test_softmax_cross_entropy_is_finite_for_huge_logits():
    ce = get_loss("cross_entropy")
    z = np.array([[1000.0, -1000.0, 0.0]])
    t = np.array([[0.0, 1.0, 0.0]])
    with strict(), warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = ce.per_sample(softmax(z), t, z, "softmax")[0]
    assert loss == pytest.approx(2000.0, rel=1e-15)


def test_reductions_mean_and_sum():
    per_sample = np.array([1.0, 2.0, 4.5])
    assert reduce_losses(per_sample, "mean") == 2.5
    assert reduce_losses(per_sample, "sum") == 7.5


@pytest.mark.parametrize("loss, output", [("mse", "identity"), ("mse", "sigmoid"), ("mse", "softmax"),
                                          ("bce", "sigmoid"), ("cross_entropy", "softmax")])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_output_layer_preactivation_gradient_through_the_network(loss, output, reduction):
    """dE/dz of the output layer (per sample) against differences of that sample's loss."""
    w = RNG.normal(size=(3, 2))
    b = RNG.normal(size=3)
    x = RNG.normal(size=(4, 2))
    t = RNG.uniform(size=(4, 3))
    if loss == "cross_entropy":
        t = np.eye(3)[[0, 2, 1, 2]]
    net = Network(2, [Layer(w, output, biases=b)])
    fn = get_loss(loss)
    bp = net.backward(net.forward(x), t, fn, reduction)
    z = net.forward(x).preactivations[0]
    act = net.layers[0]
    f = lambda v: fn.per_sample(get_activation(output)(v), t, v, output)  # noqa: E731
    np.testing.assert_allclose(bp.preactivation_grads[0], numeric_gradient(f, z), rtol=1e-7, atol=1e-9)
    scale = 0.25 if reduction == "mean" else 1.0
    np.testing.assert_allclose(bp.weight_grads[0], scale * bp.preactivation_grads[0].T @ x, rtol=1e-14)
    np.testing.assert_allclose(bp.bias_grads[0], scale * bp.preactivation_grads[0].sum(axis=0), rtol=1e-14)
    assert act.has_bias


def test_unknown_loss_is_refused():
    with pytest.raises(ValueError, match="unknown loss"):
        get_loss("hinge")
