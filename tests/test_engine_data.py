"""Initializers, batching (iterations and epochs as the lecture defines them) and the data generators."""

import math

import numpy as np
import pytest

from sandbox.engine import (
    GENERATORS,
    SCHEMES,
    Batching,
    Dataset,
    Experiment,
    Init,
    Layer,
    Network,
    OptimizerSpec,
    Trainer,
    generate,
    split,
)

# ---- initializers ------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
def test_init_is_seeded_reproducible_and_shaped(scheme):
    init = Init(scheme, seed=3, value=0.7)
    a, b = init.weights(5, 4, 1), init.weights(5, 4, 1)
    assert a.shape == (5, 4) and a.dtype == np.float64
    assert np.array_equal(a, b)
    if scheme not in ("zeros", "constant"):
        assert not np.array_equal(a, Init(scheme, seed=4).weights(5, 4, 1))  # another seed, other numbers
        assert not np.array_equal(a, init.weights(5, 4, 2))  # another layer, other numbers


def test_zeros_and_constant():
    assert not Init("zeros").weights(3, 2).any()
    assert (Init("constant", value=0.25).weights(3, 2) == 0.25).all()


FAN_OUT, FAN_IN = 300, 500


@pytest.mark.parametrize("scheme, bound", [
    ("xavier_uniform", math.sqrt(6 / (FAN_IN + FAN_OUT))),
    ("he_uniform", math.sqrt(6 / FAN_IN)),
    ("uniform", None),
])
def test_uniform_schemes_follow_torch_bounds(scheme, bound):
    init = Init(scheme, seed=1, low=-0.3, high=0.5)
    w = init.weights(FAN_OUT, FAN_IN, 1)
    low, high = (-bound, bound) if bound else (-0.3, 0.5)
    assert w.min() >= low and w.max() < high
    assert w.min() < low + 0.01 * (high - low) and w.max() > high - 0.01 * (high - low)  # fills the interval
    assert w.mean() == pytest.approx((low + high) / 2, abs=0.01 * (high - low))
    assert w.std() == pytest.approx((high - low) / math.sqrt(12), rel=0.01)


@pytest.mark.parametrize("scheme, std", [
    ("xavier_normal", math.sqrt(2 / (FAN_IN + FAN_OUT))),
    ("he_normal", math.sqrt(2 / FAN_IN)),
    ("normal", 0.3),
])
def test_normal_schemes_follow_torch_std(scheme, std):
    w = Init(scheme, seed=2, std=0.3).weights(FAN_OUT, FAN_IN, 1)
    assert w.mean() == pytest.approx(0.0, abs=0.01 * std)
    assert w.std() == pytest.approx(std, rel=0.01)


def test_experiment_reinitialize_gives_each_layer_its_own_reproducible_numbers():
    def make():
        net = Network(4, [Layer(np.zeros((4, 4)), "tanh", biases=np.ones(4)), Layer(np.zeros((4, 4)), "tanh")])
        return Experiment(net, Dataset(np.zeros((1, 4)), np.zeros((1, 4))), init=Init("he_normal", seed=9))
    a, b = make(), make()
    a.reinitialize()
    b.reinitialize()
    wa = [layer.weights for layer in a.network.layers]
    assert not np.array_equal(wa[0], wa[1])
    assert all(np.array_equal(x.weights, y.weights) for x, y in zip(a.network.layers, b.network.layers))
    assert not a.network.layers[0].biases.any()
    assert np.array_equal(wa[1], Init("he_normal", seed=9).weights(4, 4, 2))


def test_unknown_scheme_is_refused():
    with pytest.raises(ValueError, match="unknown init scheme"):
        Init("orthogonal").weights(2, 2)


# ---- batching ----------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 7, 10, 12])
@pytest.mark.parametrize("mode, size", [("full", 1), ("single", 1), ("minibatch", 3), ("minibatch", 5),
                                        ("minibatch", 20)])
@pytest.mark.parametrize("shuffle", [False, True])
def test_an_epoch_visits_every_sample_exactly_once(n, mode, size, shuffle):
    batching = Batching(mode, size, shuffle, seed=4)
    n0 = batching.batch_size(n)
    for epoch in range(3):
        batches = batching.epoch_batches(n, epoch)
        assert sorted(np.concatenate(batches).tolist()) == list(range(n))
        assert len(batches) == batching.batches_per_epoch(n) == math.ceil(n / n0)
        assert all(len(b) == n0 for b in batches[:-1]) and 1 <= len(batches[-1]) <= n0
    expected_n0 = {"full": n, "single": 1, "minibatch": min(size, n)}[mode]
    assert n0 == expected_n0


def test_shuffle_differs_between_epochs_and_is_reproducible():
    b = Batching("minibatch", 4, shuffle=True, seed=11)
    orders = [np.concatenate(b.epoch_batches(30, e)).tolist() for e in range(3)]
    assert orders[0] != orders[1] != orders[2]
    assert orders == [np.concatenate(Batching("minibatch", 4, True, 11).epoch_batches(30, e)).tolist()
                      for e in range(3)]
    assert orders[0] != np.concatenate(Batching("minibatch", 4, True, 12).epoch_batches(30, 0)).tolist()
    assert np.concatenate(Batching("minibatch", 4).epoch_batches(30, 0)).tolist() == list(range(30))


def counting_trainer(n: int, batching: Batching) -> Trainer:
    x = np.arange(n, dtype=float).reshape(-1, 1)
    net = Network(1, [Layer([[0.0]], "identity")])
    return Trainer(Experiment(net, Dataset(x, np.zeros((n, 1))), optimizer=OptimizerSpec("sgd", 0.0),
                              batching=batching))


@pytest.mark.parametrize("n, mode, size, per_epoch", [(10, "minibatch", 3, 4), (12, "minibatch", 4, 3),
                                                      (5, "single", 1, 5), (5, "full", 1, 1)])
def test_trainer_counts_iterations_and_epochs_as_the_lecture(n, mode, size, per_epoch):
    tr = counting_trainer(n, Batching(mode, size, shuffle=True, seed=2))
    assert tr.batches_per_epoch == per_epoch  # n / n0 iterations per epoch, rounded up
    seen = []
    for i in range(2 * per_epoch):
        assert (tr.iteration, tr.epoch, tr.batch_in_epoch) == (i, i // per_epoch, i % per_epoch)
        seen.extend(tr.walkthrough().batch_indices)
        tr.step()
    assert (tr.iteration, tr.epoch, tr.batch_in_epoch) == (2 * per_epoch, 2, 0)
    assert sorted(seen[: len(seen) // 2]) == list(range(n)) == sorted(seen[len(seen) // 2:])
    assert seen[: n] != seen[n:] or n == 1 or mode == "full"


def test_run_by_epochs_and_iterations_and_epoch_reports():
    tr = counting_trainer(10, Batching("minibatch", 4))
    reports = []
    assert tr.run(epochs=2, on_epoch=reports.append) == 6
    assert [r.epoch for r in reports] == [1, 2] and [r.iteration for r in reports] == [3, 6]
    assert tr.run(iterations=4) == 4
    assert (tr.iteration, tr.epoch, tr.batch_in_epoch) == (10, 3, 1)
    assert tr.run(iterations=100, should_stop=lambda: tr.iteration >= 12) == 2
    with pytest.raises(ValueError):
        tr.run()


def test_the_trainer_steps_on_the_samples_the_batching_says():
    """With SGD on E = ½(w·x − 0)², the weight moves by η · Σ or mean of w·x²: it shows which x were used."""
    n = 7
    for shuffle in (False, True):
        tr = counting_trainer(n, Batching("minibatch", 3, shuffle=shuffle, seed=5))
        tr.experiment.network.layers[0].weights[...] = 1.0
        tr.optimizer.learning_rate = 1e-3
        for epoch in range(2):
            for k, idx in enumerate(tr.experiment.batching.epoch_batches(n, epoch)):
                w_before = float(tr.network.layers[0].weights[0, 0])
                tr.step()
                x = idx.astype(float)
                expected = w_before - 1e-3 * w_before * float(np.mean(x * x))
                assert tr.network.layers[0].weights[0, 0] == pytest.approx(expected, rel=1e-15), (shuffle, epoch, k)


# ---- data sets ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [g for g in GENERATORS if g != "lecture"])
def test_generators_are_seeded_and_shaped(name):
    a = generate(name, samples=100, noise=0.1, seed=3)
    b = generate(name, samples=100, noise=0.1, seed=3)
    c = generate(name, samples=100, noise=0.1, seed=4)
    assert a.inputs.shape == (100, 2) and a.targets.shape == (100, 1)
    assert np.array_equal(a.inputs, b.inputs) and np.array_equal(a.targets, b.targets)
    assert not np.array_equal(a.inputs, c.inputs)
    assert not a.has_test
    assert np.isfinite(a.inputs).all() and np.abs(a.inputs).max() < 2.0


@pytest.mark.parametrize("name", ["circle", "gaussians", "spiral"])
def test_classification_labels_are_balanced(name):
    d = generate(name, samples=200, seed=0)
    assert sorted(set(d.targets.ravel().tolist())) == [0.0, 1.0]
    assert d.targets.sum() == 100


def test_xor_labels_follow_the_quadrants_and_are_roughly_balanced():
    d = generate("xor", samples=400, seed=1)
    x, y = d.inputs[:, 0], d.inputs[:, 1]
    assert np.array_equal(d.targets.ravel(), (x * y >= 0).astype(float))
    assert 150 < d.targets.sum() < 250
    assert np.abs(d.inputs).min() >= 0.05  # the margin around the axes


def test_circle_radii_and_plane_targets():
    d = generate("circle", samples=200, seed=0)
    r = np.hypot(d.inputs[:, 0], d.inputs[:, 1])
    inner = d.targets.ravel() == 1
    assert r[inner].max() <= 0.5 and r[~inner].min() >= 0.7
    p = generate("plane", samples=50, seed=0)
    assert np.allclose(p.targets.ravel(), 0.6 * p.inputs[:, 0] - 0.4 * p.inputs[:, 1], rtol=0, atol=1e-15)


def test_lecture_data_is_the_single_sample():
    d = generate("lecture")
    assert d.inputs.tolist() == [[2.0, 3.0]] and d.targets.tolist() == [[1.0]]


@pytest.mark.parametrize("fraction, n_test", [(0.2, 20), (0.25, 25), (0.333, 33), (0.0, 0)])
def test_test_split_sizes_and_seeding(fraction, n_test):
    d = generate("gaussians", samples=100, seed=5, test_fraction=fraction)
    assert (d.n_train, d.n_test) == (100 - n_test, n_test)
    full = generate("gaussians", samples=100, seed=5)
    both = np.concatenate([d.inputs, d.test_inputs]) if n_test else d.inputs
    assert sorted(map(tuple, both.tolist())) == sorted(map(tuple, full.inputs.tolist()))
    again = generate("gaussians", samples=100, seed=5, test_fraction=fraction)
    assert np.array_equal(d.test_inputs, again.test_inputs)


def test_split_of_given_samples():
    x = np.arange(20, dtype=float).reshape(10, 2)
    d = split(x, x[:, :1], 0.3, seed=1)
    assert d.n_test == 3 and d.n_train == 7 and d.test_targets.shape == (3, 1)
    assert np.array_equal(d.test_inputs[:, :1], d.test_targets)


def test_unknown_generator_is_refused():
    with pytest.raises(ValueError, match="unknown generator"):
        generate("moons")
