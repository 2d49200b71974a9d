"""Engine side of the landscape view: the grid is Network.loss, the paths are the engine's optimizers."""

from __future__ import annotations

import numpy as np
import pytest

from sandbox.engine import Regularization, get_loss, make_optimizer
from sandbox.engine.landscape import Cancelled, locate, loss_grid, optimizer_paths, parameter_labels, ranges_around


def test_parameter_labels_and_locate(lecture):
    assert parameter_labels(lecture.network) == ["w1", "w2", "w3", "w4", "w5", "w6"]
    arr, idx, is_weight = locate(lecture.network, "w4")
    assert is_weight and arr[idx] == 0.08
    with pytest.raises(KeyError):
        locate(lecture.network, "h1")


def test_grid_equals_network_loss_at_sampled_points(lecture):
    grid = loss_grid(lecture, "w1", "w5", (-1.0, 1.0), (-0.5, 1.5), resolution=(31, 21))
    assert grid.loss.shape == (31, 21)
    assert grid.origin == (0.11, 0.14)
    loss = get_loss("mse")
    rng = np.random.default_rng(0)
    for i, j in zip(rng.integers(0, 31, 12), rng.integers(0, 21, 12)):
        net = lecture.network.copy()
        net.layers[0].weights[0, 0] = grid.a_values[i]
        net.layers[1].weights[0, 0] = grid.b_values[j]
        expected = net.loss(lecture.data.inputs, lecture.data.targets, loss, "mean")
        assert grid.loss[i, j] == expected
    # the experiment is untouched
    assert lecture.network.layers[0].weights[0, 0] == 0.11
    # at the experiment's own values the loss is the lecture's 0.3272405
    centred = loss_grid(lecture, "w1", "w5", (0.11, 0.11), (0.14, 0.14), resolution=1)
    assert centred.loss[0, 0] == pytest.approx(0.3272405, abs=1e-7)


def test_grid_includes_regularization_and_can_be_cancelled(lecture):
    lecture.regularization = Regularization("l2", 0.5)
    plain = lecture.network.loss(lecture.data.inputs, lecture.data.targets, get_loss("mse"))
    g = loss_grid(lecture, "w1", "w2", (0.11, 0.11), (0.21, 0.21), resolution=1)
    penalty = 0.25 * sum(float(np.sum(layer.weights ** 2)) for layer in lecture.network.layers)
    assert g.loss[0, 0] == pytest.approx(plain + penalty, abs=1e-15)
    with pytest.raises(Cancelled):
        loss_grid(lecture, "w1", "w2", should_stop=lambda: True)
    rows = []
    loss_grid(lecture, "w1", "w2", resolution=5, progress=lambda done, total: rows.append((done, total)))
    assert rows == [(k, 5) for k in range(1, 6)]


@pytest.mark.parametrize("key,name,options", [
    ("sgd", "sgd", {}), ("momentum", "sgd", {"momentum": 0.9}), ("rmsprop", "rmsprop", {}),
    ("adam", "adam", {}), ("adagrad", "adagrad", {}),
])
def test_paths_equal_step_by_step_engine_runs(lecture, key, name, options):
    lr = 0.02
    paths = optimizer_paths(lecture, "w2", "w6", optimizers=[key], steps=25, learning_rate=lr)
    path = paths[key]
    assert path.points.shape == (26, 2) and path.losses.shape == (26,)
    # the same by hand: full-batch backward pass, keep dE/dw2 and dE/dw6, one optimizer step
    opt = make_optimizer(name, learning_rate=lr, **options)
    net = lecture.network.copy()
    loss = get_loss("mse")
    theta = np.array([0.21, 0.15])
    expected = [theta.copy()]
    expected_losses = []
    for _ in range(25):
        net.layers[0].weights[0, 1], net.layers[1].weights[0, 1] = theta
        bp = net.backward(net.forward(lecture.data.inputs), lecture.data.targets, loss, "mean")
        expected_losses.append(bp.loss)
        grad = np.array([bp.weight_grads[0][0, 1], bp.weight_grads[1][0, 1]])
        opt.step([theta], [grad], [True], lr)
        expected.append(theta.copy())
    np.testing.assert_array_equal(path.points, np.array(expected))
    np.testing.assert_array_equal(path.losses[:-1], expected_losses)
    assert not path.diverged


def test_paths_share_start_and_learning_rate_defaults(lecture):
    paths = optimizer_paths(lecture, "w1", "w5", steps=10)
    assert list(paths) == ["sgd", "momentum", "rmsprop", "adam"]
    for p in paths.values():
        np.testing.assert_array_equal(p.points[0], [0.11, 0.14])
    # with the experiment's η = 0.05, the first SGD step is the lecture's update of w1 and w5
    assert paths["sgd"].points[1] == pytest.approx([0.121326, 0.1743825], abs=1e-6)
    # momentum's first step equals SGD's (v starts at zero), then they part
    np.testing.assert_array_equal(paths["momentum"].points[1], paths["sgd"].points[1])
    assert not np.allclose(paths["momentum"].points[3], paths["sgd"].points[3])


def test_divergence_cuts_the_path(lecture):
    paths = optimizer_paths(lecture, "w1", "w5", optimizers=["sgd"], steps=200, learning_rate=5.0)
    p = paths["sgd"]
    assert p.diverged and len(p.points) < 201
    assert np.all(np.isfinite(p.points[:-1]))


def test_ranges_hold_every_path(lecture):
    paths = optimizer_paths(lecture, "w1", "w5", steps=30)
    (a0, a1), (b0, b1) = ranges_around(paths, (0.11, 0.14))
    for p in paths.values():
        assert np.all((p.points[:, 0] > a0) & (p.points[:, 0] < a1))
        assert np.all((p.points[:, 1] > b0) & (p.points[:, 1] < b1))


def test_ranges_fill_a_picture_of_given_aspect(lecture):
    paths = optimizer_paths(lecture, "w1", "w5", steps=30)
    (a0, a1), (b0, b1) = ranges_around(paths, (0.11, 0.14), aspect=2.0)
    assert (a1 - a0) / (b1 - b0) == pytest.approx(2.0)
    plain_a, plain_b = ranges_around(paths, (0.11, 0.14))
    assert a0 <= plain_a[0] and a1 >= plain_a[1] and b0 <= plain_b[0] and b1 >= plain_b[1]
