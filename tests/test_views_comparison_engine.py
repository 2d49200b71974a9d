"""Engine side of GD vs SGD vs mini-batch: counts of samples, iterations and epochs; determinism."""

from __future__ import annotations

import numpy as np
import pytest

from sandbox.engine import Batching, Experiment, Layer, Network, OptimizerSpec, Trainer
from sandbox.engine.comparison import compare_batch_modes, default_minibatch_size, run_batch_mode
from sandbox.engine.datasets import generate


def regression(n: int = 50) -> Experiment:
    rng = np.random.default_rng(0)
    net = Network(2, [Layer(rng.normal(size=(3, 2)) * 0.5, "tanh", np.zeros(3)),
                      Layer(rng.normal(size=(1, 3)) * 0.5, "identity", np.zeros(1))])
    return Experiment(net, generate("plane", n, 0.1, 0), optimizer=OptimizerSpec("sgd", 0.05))


def test_same_samples_seen_and_counts():
    exp = regression(50)
    before = exp.network.state()
    runs = compare_batch_modes(exp, epochs=4, minibatch_size=8)
    assert [r.mode for r in runs] == ["full", "single", "minibatch"]
    full, single, mini = runs
    for r in runs:
        assert r.total_samples == 200
        assert r.epochs[-1] == 4.0
        assert r.samples_seen[0] == 0 and r.iterations[0] == 0 and r.wall_time[0] == 0.0
        assert np.all(np.diff(r.samples_seen) > 0) and np.all(np.diff(r.wall_time) >= 0)
        assert r.loss[0] == pytest.approx(runs[0].loss[0])  # same start
        assert not r.diverged
    assert (full.batch_size, full.iterations_per_epoch, full.total_iterations) == (50, 1, 4)
    assert (single.batch_size, single.iterations_per_epoch, single.total_iterations) == (1, 50, 200)
    # 50 samples in batches of 8: six of 8 and one of 2 per epoch
    assert (mini.batch_size, mini.iterations_per_epoch, mini.total_iterations) == (8, 7, 28)
    np.testing.assert_array_equal(full.samples_seen, [0, 50, 100, 150, 200])
    # the experiment itself is untouched
    for w0, layer in zip(before[0], exp.network.layers):
        np.testing.assert_array_equal(w0, layer.weights)


def test_losses_are_the_trainers_and_deterministic():
    exp = regression(30)
    a = run_batch_mode(exp, "minibatch", 3, 4, shuffle=True)
    b = run_batch_mode(exp, "minibatch", 3, 4, shuffle=True)
    np.testing.assert_array_equal(a.loss, b.loss)
    np.testing.assert_array_equal(a.iterations, b.iterations)
    # the last record equals an ordinary Trainer run in the same mode
    copy = exp.copy()
    copy.batching = Batching("minibatch", 4, True, exp.batching.seed)
    t = Trainer(copy)
    t.run(epochs=3)
    assert a.final_loss == t.evaluate()[0]
    # SGD with one sample per step makes more progress per epoch than full-batch GD here
    runs = compare_batch_modes(exp, epochs=3)
    assert runs[1].final_loss < runs[0].final_loss


def test_default_minibatch_and_stop():
    assert default_minibatch_size(200) == 20
    assert default_minibatch_size(1) == 1
    assert default_minibatch_size(5) == 2
    runs = compare_batch_modes(regression(20), epochs=2, should_stop=lambda: True)
    assert len(runs) == 1 and runs[0].total_samples == 0


def test_each_mode_is_warmed_up_untimed_without_changing_a_loss(monkeypatch):
    import sandbox.engine.comparison as comparison

    exp = regression(30)
    warmed = []
    real_warm_up = comparison._warm_up
    monkeypatch.setattr(comparison, "_warm_up", lambda e: (warmed.append(e.batching.mode), real_warm_up(e)))
    runs = compare_batch_modes(exp, epochs=2, minibatch_size=4)
    assert warmed == ["full", "single", "minibatch"]  # every mode, not only the first one run
    monkeypatch.setattr(comparison, "_warm_up", lambda e: None)
    cold = compare_batch_modes(exp, epochs=2, minibatch_size=4)
    for a, b in zip(runs, cold):
        np.testing.assert_array_equal(a.loss, b.loss)
        np.testing.assert_array_equal(a.iterations, b.iterations)
