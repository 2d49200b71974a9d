"""Full-batch GD, single-sample SGD and mini-batch SGD side by side, as the lecture contrasts them.

Each run starts from the same weights (the experiment's current ones), trains a copy on the same
data with the same optimizer and learning rate, and sees the same number of samples. After every
iteration that passes the next checkpoint, the loss on the whole training set is recorded against
samples seen, iterations, epochs and the wall time spent training (evaluation is not timed). Each
mode is warmed up first on a throwaway copy (one untimed step), so that one-off costs of a first
call are not charged to whichever mode happens to run first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from .batching import Batching
from .experiment import Experiment
from .flat import FlatLayout
from .trainer import DivergenceError, Trainer

Array = NDArray[np.float64]

MODE_TITLES = {"full": "GD (full batch)", "single": "SGD (one sample)", "minibatch": "Mini-batch SGD"}


@dataclass
class BatchRun:
    """One batch mode's record. Arrays are aligned; index 0 is the start (nothing seen yet)."""

    mode: str
    title: str
    batch_size: int
    iterations_per_epoch: int
    samples_seen: NDArray[np.int64]
    iterations: NDArray[np.int64]
    epochs: Array
    wall_time: Array
    loss: Array
    diverged: bool = False

    @property
    def total_iterations(self) -> int:
        return int(self.iterations[-1])

    @property
    def total_samples(self) -> int:
        return int(self.samples_seen[-1])

    @property
    def final_loss(self) -> float:
        return float(self.loss[-1])


@dataclass
class _Recorder:
    samples: list[int] = field(default_factory=list)
    iterations: list[int] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)


def default_minibatch_size(n_samples: int) -> int:
    """About a tenth of the data, at least 2 and less than the whole set where possible."""
    if n_samples <= 2:
        return 1
    return int(min(n_samples - 1, max(2, round(n_samples / 10))))


def _warm_up(experiment: Experiment) -> None:
    """One untimed step of a throwaway copy in the same batch mode: the one-off costs of a first
    call (numpy's and the optimizer's code paths, caches) are not counted against the first mode run."""
    trainer = Trainer(experiment.copy(), record_gradients=False)
    trainer._layout = FlatLayout(trainer.network)
    try:
        trainer.step()
    except DivergenceError:
        pass


def _mode_experiment(experiment: Experiment, mode: str, batch_size: int, shuffle: bool) -> Experiment:
    exp = experiment.copy()
    exp.batching = Batching(mode, batch_size, shuffle, experiment.batching.seed)
    return exp


def run_batch_mode(experiment: Experiment, mode: str, epochs: int, batch_size: int = 1,
                   shuffle: bool = True, records_per_epoch: int = 20,
                   should_stop: Callable[[], bool] | None = None, warm_up: bool = True) -> BatchRun:
    """Train a copy of the experiment for ``epochs`` epochs in one batch mode; the experiment is untouched.
    ``warm_up``: one untimed step of a throwaway copy first (``compare_batch_modes`` warms every mode
    up before timing any)."""
    exp = _mode_experiment(experiment, mode, batch_size, shuffle)
    if warm_up:
        _warm_up(exp)
    trainer = Trainer(exp, record_gradients=False)
    # the one buffer of parameters the first step() would lay out (same values): set up untimed
    trainer._layout = FlatLayout(trainer.network)
    n = trainer.n_samples
    every = max(1, n // max(1, records_per_epoch))
    rec = _Recorder()

    def record(samples: int, wall: float) -> None:
        rec.samples.append(samples)
        rec.iterations.append(trainer.iteration)
        rec.wall.append(wall)
        rec.loss.append(trainer.evaluate()[0])

    record(0, 0.0)
    samples = 0
    next_record = every
    wall = 0.0
    target = epochs * n
    diverged = False
    size_per_iteration = exp.batching.batch_size(n)
    while samples < target:
        if should_stop is not None and should_stop():
            break
        seen = min(size_per_iteration, n - trainer.batch_in_epoch * size_per_iteration)
        start = time.perf_counter()
        try:
            trainer.step()
        except DivergenceError:
            diverged = True
            break
        wall += time.perf_counter() - start
        samples += seen
        if samples >= next_record or samples >= target:
            record(samples, wall)
            next_record = samples + every
    s = np.array(rec.samples, dtype=np.int64)
    return BatchRun(mode, MODE_TITLES[mode], size_per_iteration, trainer.batches_per_epoch, s,
                    np.array(rec.iterations, dtype=np.int64), s / float(n), np.array(rec.wall),
                    np.array(rec.loss), diverged)


def compare_batch_modes(experiment: Experiment, epochs: int = 20, minibatch_size: int | None = None,
                        shuffle: bool = True, records_per_epoch: int = 20,
                        should_stop: Callable[[], bool] | None = None,
                        on_run: Callable[[BatchRun], None] | None = None) -> list[BatchRun]:
    """GD, single-sample SGD and mini-batch SGD (size ``minibatch_size``, n0) for the same epochs."""
    n = experiment.data.n_train
    n0 = minibatch_size or default_minibatch_size(n)
    runs = []
    modes = (("full", n), ("single", 1), ("minibatch", n0))
    for mode, size in modes:  # all warmed up before the clock starts for any
        _warm_up(_mode_experiment(experiment, mode, size, shuffle))
    for mode, size in modes:
        run = run_batch_mode(experiment, mode, epochs, size, shuffle, records_per_epoch, should_stop, warm_up=False)
        runs.append(run)
        if on_run is not None:
            on_run(run)
        if should_stop is not None and should_stop():
            break
    return runs
