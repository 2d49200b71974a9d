"""Engine side of GD vs SGD vs mini-batch: plain SGD with the mean whatever the file says, counts of
samples, updates and epochs against hand-computed ones, the data check and its offer, the timing table."""

from __future__ import annotations

import math

import numpy as np
import pytest

import sandbox.engine.comparison as comparison
from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec, Trainer
from sandbox.engine.comparison import (
    check_data,
    compare_batch_modes,
    default_minibatch_size,
    fair_learning_rate,
    offered_experiment,
    plain_sgd,
    run_batch_mode,
    time_batch_modes,
)
from sandbox.engine.datasets import generate
from sandbox.engine.regularization import Regularization
from sandbox.engine.schedules import Schedule


def regression(n: int = 50, optimizer: OptimizerSpec | None = None) -> Experiment:
    rng = np.random.default_rng(0)
    net = Network(2, [Layer(rng.normal(size=(3, 2)) * 0.5, "tanh", np.zeros(3)),
                      Layer(rng.normal(size=(1, 3)) * 0.5, "identity", np.zeros(1))])
    return Experiment(net, generate("plane", n, 0.1, 0), optimizer=optimizer or OptimizerSpec("sgd", 0.05))


def updates_after(samples: int, n: int, batch: int) -> int:
    """Hand count: whole epochs of ceil(n/batch) updates, then ceil(rest/batch) in the epoch begun."""
    return (samples // n) * math.ceil(n / batch) + math.ceil((samples % n) / batch)


def test_same_samples_seen_and_counts():
    exp = regression(50)
    before = exp.network.state()
    result = compare_batch_modes(exp, epochs=4, minibatch_size=8, timing_repeats=0)
    runs = result.runs
    assert [r.mode for r in runs] == ["full", "single", "minibatch"]
    full, single, mini = runs
    for r in runs:
        assert r.total_samples == 200
        assert r.epochs[-1] == 4.0
        assert r.samples_seen[0] == 0 and r.iterations[0] == 0
        assert np.all(np.diff(r.samples_seen) > 0)
        assert r.loss[0] == pytest.approx(runs[0].loss[0])  # same start
        assert not r.diverged
    # full batch on N = 50: 1 update per epoch; single: 50; mini-batch of 8: ceil(50/8) = 7 (six of 8, one of 2)
    assert (full.batch_size, full.iterations_per_epoch, full.total_iterations) == (50, 1, 4)
    assert (single.batch_size, single.iterations_per_epoch, single.total_iterations) == (1, 50, 200)
    assert (mini.batch_size, mini.iterations_per_epoch, mini.total_iterations) == (8, 7, 28)
    np.testing.assert_array_equal(full.samples_seen, [0, 50, 100, 150, 200])
    np.testing.assert_array_equal(full.iterations, [0, 1, 2, 3, 4])
    # both x axes of every record: samples seen (epochs = samples / N) and updates, as counted by hand
    for r in runs:
        np.testing.assert_array_equal(r.epochs, r.samples_seen / 50)
        assert list(r.iterations) == [updates_after(int(s), 50, r.batch_size) for s in r.samples_seen]
    # the experiment itself is untouched
    for w0, layer in zip(before[0], exp.network.layers):
        np.testing.assert_array_equal(w0, layer.weights)


def test_updates_axis_has_early_points_for_a_log_scale():
    single = compare_batch_modes(regression(50), epochs=2, timing_repeats=0).runs[1]
    # recorded every 2 samples (50 // 20), and at updates 1, 2, 3 … anyway
    assert list(single.iterations[:4]) == [0, 1, 2, 3]


def test_adam_file_gives_plain_sgd_runs_from_the_same_weights():
    adam = regression(40, OptimizerSpec("adam", 0.01))
    adam.reduction = "sum"
    adam.schedule = Schedule("step", step_epochs=1, gamma=0.5)
    adam.regularization = Regularization("l2", 0.1)
    assert fair_learning_rate(adam) == 0.1  # Adam's η is no SGD step: the fallback
    result = compare_batch_modes(adam, epochs=2, minibatch_size=4, timing_repeats=0)
    assert (result.optimizer, result.reduction, result.learning_rate) == ("sgd", "mean", 0.1)
    # each run equals a Trainer with plain SGD (no momentum, schedule or penalty), the mean, same start
    for run in result.runs:
        sgd = Experiment(adam.network.copy(), adam.data, optimizer=OptimizerSpec("sgd", 0.1),
                         batching=Batching(run.mode, run.batch_size, True, adam.batching.seed))
        t = Trainer(sgd)
        assert t.evaluate()[0] == run.loss[0]
        t.run(epochs=2)
        assert t.evaluate()[0] == run.final_loss
        assert t.optimizer.name == "sgd" and not getattr(t.optimizer, "momentum", 0.0)
    # the same start: every run's first loss is the loss of the file's weights under the mean
    assert len({run.loss[0] for run in result.runs}) == 1


def test_plain_sgd_and_the_fair_learning_rate():
    momentum = regression(10, OptimizerSpec("sgd", 0.05, {"momentum": 0.9}))
    assert fair_learning_rate(momentum) == pytest.approx(0.5)  # η/(1 − γ): momentum's long-run step
    assert fair_learning_rate(regression(10, OptimizerSpec("sgd", 0.05))) == 0.05
    plain = plain_sgd(momentum)
    assert (plain.optimizer.name, plain.optimizer.options, plain.reduction) == ("sgd", {}, "mean")
    assert plain.optimizer.learning_rate == pytest.approx(0.5)
    assert plain_sgd(momentum, 0.2).optimizer.learning_rate == 0.2
    assert momentum.optimizer.options == {"momentum": 0.9}  # the experiment is untouched
    text = comparison.mean_vs_sum(240, 24)
    assert "240× as far" in text and "24× as far" in text and "one η fits all batch sizes" in text


def test_losses_are_the_trainers_and_deterministic():
    exp = regression(30)
    a = run_batch_mode(exp, "minibatch", 3, 4, shuffle=True)
    b = run_batch_mode(exp, "minibatch", 3, 4, shuffle=True)
    np.testing.assert_array_equal(a.loss, b.loss)
    np.testing.assert_array_equal(a.iterations, b.iterations)
    copy = exp.copy()
    copy.batching = Batching("minibatch", 4, True, exp.batching.seed)
    t = Trainer(copy)
    t.run(epochs=3)
    assert a.final_loss == t.evaluate()[0]
    # SGD with one sample per step makes more progress per epoch than full-batch GD here
    runs = compare_batch_modes(exp, epochs=3, timing_repeats=0).runs
    assert runs[1].final_loss < runs[0].final_loss


def test_default_minibatch_and_stop():
    assert default_minibatch_size(200) == 20
    assert default_minibatch_size(1) == 1
    assert default_minibatch_size(5) == 2
    result = compare_batch_modes(regression(20), epochs=2, should_stop=lambda: True)
    assert len(result.runs) == 1 and result.runs[0].total_samples == 0 and result.timings == []


def test_one_sample_is_the_same_computation_and_a_data_set_is_offered(lecture):
    check = check_data(lecture)
    assert not check.enough and check.n_samples == 1
    assert "same computation" in check.reason
    assert check.offer == "plane"  # the linear network with the squared error: a regression plane
    assert "2 inputs → 1 output" in check.offer_text
    before = (lecture.data.inputs.copy(), lecture.network.state())
    offered = offered_experiment(lecture)
    assert offered.data.n_train == 200 and offered.data.inputs.shape[1] == 2 and offered.data.targets.shape[1] == 1
    for w, layer in zip(before[1][0], offered.network.layers):
        np.testing.assert_array_equal(w, layer.weights)  # the same network and weights
    assert check_data(offered).enough
    # the lecture's experiment is unchanged
    np.testing.assert_array_equal(lecture.data.inputs, before[0])
    assert lecture.data.n_train == 1


def test_classifiers_are_offered_two_classes_and_other_shapes_nothing():
    small = regression(8)
    small.loss = "bce"
    check = check_data(small)
    assert not check.enough and "8 training samples" in check.reason and check.offer == "gaussians"
    assert set(np.unique(offered_experiment(small).data.targets)) == {0.0, 1.0}
    assert check_data(regression(32)).enough and not check_data(regression(31)).enough
    rng = np.random.default_rng(0)
    three = Experiment(Network(3, [Layer(rng.normal(size=(1, 3)))]),
                       Dataset(np.ones((1, 3)), np.ones((1, 1))))
    check = check_data(three)
    assert check.offer is None and "No generated data set" in check.reason
    with pytest.raises(ValueError):
        offered_experiment(three)


def test_timing_table_has_repeats_and_spread():
    exp = plain_sgd(regression(40))
    timings = time_batch_modes(exp, minibatch_size=8, repeats=3, min_seconds=0.001)
    assert [t.mode for t in timings] == ["full", "single", "minibatch"]
    assert [(t.batch_size, t.iterations_per_epoch) for t in timings] == [(40, 1), (1, 40), (8, 5)]
    for t in timings:
        assert t.repeats == 3 and t.ms_per_epoch.shape == (3,) and t.epochs_per_repeat.shape == (3,)
        assert np.all(t.epochs_per_repeat >= 1)
        assert t.min_ms <= t.median_ms <= t.max_ms  # the spread around the median (no durations asserted)
        assert t.median_us_per_update == pytest.approx(t.median_ms * 1000 / t.iterations_per_epoch)
    result = compare_batch_modes(regression(40), epochs=1, minibatch_size=8, timing_repeats=2,
                                 timing_min_seconds=0.001)
    assert [t.repeats for t in result.timings] == [2, 2, 2]


def test_each_mode_is_warmed_up_untimed_and_the_order_turns(monkeypatch):
    exp = plain_sgd(regression(30))
    warmed, timed = [], []
    real_warm_up, real_time_once = comparison._warm_up, comparison._time_once
    monkeypatch.setattr(comparison, "_warm_up", lambda e: (warmed.append(e.batching.mode), real_warm_up(e)))
    monkeypatch.setattr(comparison, "_time_once",
                        lambda e, s: (timed.append(e.batching.mode), real_time_once(e, s))[1])
    time_batch_modes(exp, 4, repeats=3, min_seconds=0.0)
    assert warmed == ["full", "single", "minibatch"]  # every mode, before any is timed
    assert timed == ["full", "single", "minibatch", "single", "minibatch", "full", "minibatch", "full", "single"]
