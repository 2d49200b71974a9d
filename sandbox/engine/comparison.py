"""Full-batch GD, single-sample SGD and mini-batch SGD side by side, as the lecture contrasts them.

The comparison is plain SGD in all three modes, whatever the experiment's optimizer: θ ← θ − η·g with
g the *mean* gradient of the batch, no momentum, no learning-rate schedule, no regularization, the
same η for every batch size (with the mean one η fits them all; with the lecture's sum the step
would grow with the batch). Each run starts from the same weights (the experiment's current ones),
trains a copy on the same data and sees the same number of samples. After the iterations that pass
the next checkpoint (and at 1, 2, 3, 5, … updates, for a log axis of updates) the loss on the whole
training set is recorded against samples seen, updates (iterations) and epochs.

Wall time is measured separately and never drawn as a curve: each mode trains whole epochs from the
same start until a measurement lasts at least ``TIMING_MIN_SECONDS``, ``TIMING_REPEATS`` times,
the modes interleaved (a slow moment of the machine does not fall on one mode only); the table gives
the median and the range of ms per epoch. Every mode is warmed up untimed before any is timed.

A comparison needs many samples: with one sample the three modes are the same computation.
``check_data`` says whether the experiment's data are enough and, if not, why, and which generated
data set of the same shape (``offered_experiment``) could be used instead; the experiment itself is
never changed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from .batching import Batching
from .datasets import generate
from .experiment import Experiment, OptimizerSpec
from .flat import FlatLayout
from .regularization import Regularization
from .trainer import DivergenceError, Trainer

Array = NDArray[np.float64]

MODE_TITLES = {"full": "GD (full batch)", "single": "SGD (one sample)", "minibatch": "Mini-batch SGD"}
#: fewer training samples than this and the view offers a generated data set instead
MIN_SAMPLES = 32
#: the generated data set offered: this many samples, seeded
OFFERED_SAMPLES = 200
#: η for plain SGD when the experiment trains with another optimizer (Adam's η is no SGD step size)
FALLBACK_LEARNING_RATE = 0.1
TIMING_REPEATS = 5
#: each timed measurement trains whole epochs until it has lasted at least this long
TIMING_MIN_SECONDS = 0.02
#: classification losses: a generated two-class data set fits them; otherwise a regression plane
_CLASSIFICATION_LOSSES = ("bce", "cross_entropy")
_OFFER_TITLES = {"gaussians": "two Gaussian clusters (two classes)", "plane": "a plane (regression)"}


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
class ModeTiming:
    """Measured wall time of one batch mode: ``ms_per_epoch`` holds one value per repeat."""

    mode: str
    title: str
    batch_size: int
    iterations_per_epoch: int
    ms_per_epoch: Array
    #: epochs trained in each measurement (as many as fill ``TIMING_MIN_SECONDS``)
    epochs_per_repeat: NDArray[np.int64]
    diverged: bool = False

    @property
    def repeats(self) -> int:
        return int(self.ms_per_epoch.size)

    @property
    def median_ms(self) -> float:
        return float(np.median(self.ms_per_epoch)) if self.repeats else math.nan

    @property
    def min_ms(self) -> float:
        return float(np.min(self.ms_per_epoch)) if self.repeats else math.nan

    @property
    def max_ms(self) -> float:
        return float(np.max(self.ms_per_epoch)) if self.repeats else math.nan

    @property
    def median_us_per_update(self) -> float:
        """Median time of one update (iteration), µs."""
        return self.median_ms * 1000.0 / self.iterations_per_epoch


@dataclass
class BatchComparison:
    """The three runs, their timing table and the settings they share."""

    runs: list[BatchRun]
    timings: list[ModeTiming]
    learning_rate: float
    n_samples: int
    epochs: int
    reduction: str = "mean"
    optimizer: str = "sgd"


@dataclass(frozen=True)
class DataCheck:
    """Whether an experiment's training data suit the comparison; if not, why and what is offered."""

    enough: bool
    n_samples: int
    reason: str = ""
    #: the generator of the data set offered instead (None: none fits the network's shape)
    offer: str | None = None
    #: what the offer is, in words: "200 samples of a plane (regression), 2 inputs → 1 output like …"
    offer_text: str = ""
    #: the generated data set alone: "a plane (regression)"
    offer_title: str = ""


@dataclass
class _Recorder:
    samples: list[int] = field(default_factory=list)
    iterations: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)


def default_minibatch_size(n_samples: int) -> int:
    """About a tenth of the data, at least 2 and less than the whole set where possible."""
    if n_samples <= 2:
        return 1
    return int(min(n_samples - 1, max(2, round(n_samples / 10))))


# ---- which data ----------------------------------------------------------------------------------
def _offer_for(experiment: Experiment) -> str | None:
    data = experiment.data
    if data.inputs.shape[1] != 2 or data.targets.shape[1] != 1 or experiment.network.input_size != 2:
        return None
    return "gaussians" if experiment.loss in _CLASSIFICATION_LOSSES else "plane"


def check_data(experiment: Experiment, min_samples: int = MIN_SAMPLES) -> DataCheck:
    """Enough training samples for GD, SGD and mini-batches to differ? If not, why, and an offer."""
    n = experiment.data.n_train
    if n >= min_samples:
        return DataCheck(True, n)
    if n == 1:
        reason = ("The network has one training sample, as the lecture's worked example does: full batch, "
                  "single sample and mini-batch are the same computation (every batch is that one sample), "
                  "so the three curves would be one curve and any difference in wall time only noise.")
    else:
        reason = (f"The network has {n} training samples: too few for the three modes to differ much "
                  f"(GD, SGD and a mini-batch of {default_minibatch_size(n)} see almost the same batches). "
                  f"The comparison needs at least {min_samples}.")
    offer = _offer_for(experiment)
    if offer is None:
        return DataCheck(False, n, reason + " No generated data set has this network's shape "
                         "(the generators give 2 inputs and 1 output): open a network with more samples.")
    text = f"{OFFERED_SAMPLES} samples of {_OFFER_TITLES[offer]}, 2 inputs → 1 output like this network"
    return DataCheck(False, n, reason, offer, text, _OFFER_TITLES[offer])


def offered_experiment(experiment: Experiment, samples: int = OFFERED_SAMPLES) -> Experiment:
    """A copy of the experiment (same network and weights) on the generated data set ``check_data``
    offers; the experiment itself is untouched. ValueError when none fits."""
    offer = _offer_for(experiment)
    if offer is None:
        raise ValueError("no generated data set has this network's shape (2 inputs, 1 output)")
    exp = experiment.copy()
    exp.data = generate(offer, samples, 0.05 if offer == "plane" else 0.0, seed=0)
    exp.data_source = {"generator": offer, "samples": samples}
    return exp


# ---- plain SGD -----------------------------------------------------------------------------------
def fair_learning_rate(experiment: Experiment) -> float:
    """One η for all three modes: the experiment's SGD step (η/(1 − γ) with momentum γ: the step
    momentum takes in the long run), else ``FALLBACK_LEARNING_RATE`` (another optimizer's η, e.g.
    Adam's, is no step size for plain SGD)."""
    spec = experiment.optimizer
    if spec.name != "sgd":
        return FALLBACK_LEARNING_RATE
    gamma = float(spec.options.get("momentum", 0.0) or 0.0)
    return float(spec.learning_rate / (1.0 - gamma)) if 0.0 <= gamma < 1.0 else float(spec.learning_rate)


def plain_sgd(experiment: Experiment, learning_rate: float | None = None) -> Experiment:
    """A copy trained by plain SGD with the mean reduction: no momentum, schedule or regularization."""
    exp = experiment.copy()
    lr = fair_learning_rate(experiment) if learning_rate is None else float(learning_rate)
    exp.optimizer = OptimizerSpec("sgd", lr)
    exp.reduction = "mean"
    exp.schedule = None
    exp.regularization = Regularization()
    return exp


def mean_vs_sum(n_samples: int, minibatch_size: int) -> str:
    """The lecture's mean vs sum point, with this data set's numbers."""
    return ("The lecture writes the update with a sum, θ ← θ − η Σₖ ∇L(xₖ); with the sum the step grows with "
            f"the batch: GD's batch of {n_samples} would step about {n_samples}× as far as one sample and a "
            f"mini-batch of {minibatch_size} about {minibatch_size}× as far, so each would need its own η. "
            "With the mean, θ ← θ − η · (1/n₀) Σₖ ∇L(xₖ), one η fits all batch sizes; these runs use the mean.")


# ---- the loss curves -----------------------------------------------------------------------------
def _warm_up(experiment: Experiment) -> None:
    """One untimed step of a throwaway copy in the same batch mode: the one-off costs of a first
    call (numpy's and the optimizer's code paths, caches) are not counted against the first mode timed."""
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


def _log_checkpoints(limit: int) -> set[int]:
    """1, 2, 3, 4, 6, 7, 10, 13, 18, 24, 32, … up to ``limit``: even steps on a log axis of updates."""
    points = {int(round(10 ** (k / 8))) for k in range(int(8 * math.log10(max(1, limit))) + 2)}
    return {p for p in points if p <= limit}


def run_batch_mode(experiment: Experiment, mode: str, epochs: int, batch_size: int = 1,
                   shuffle: bool = True, records_per_epoch: int = 20,
                   should_stop: Callable[[], bool] | None = None) -> BatchRun:
    """Train a copy of the experiment for ``epochs`` epochs in one batch mode with its own optimizer
    (``compare_batch_modes`` makes it plain SGD first); the experiment is untouched."""
    exp = _mode_experiment(experiment, mode, batch_size, shuffle)
    trainer = Trainer(exp, record_gradients=False)
    n = trainer.n_samples
    every = max(1, n // max(1, records_per_epoch))
    per_epoch = trainer.batches_per_epoch
    log_points = _log_checkpoints(epochs * per_epoch)
    rec = _Recorder()

    def record(samples: int) -> None:
        rec.samples.append(samples)
        rec.iterations.append(trainer.iteration)
        rec.loss.append(trainer.evaluate()[0])

    record(0)
    samples = 0
    next_record = every
    target = epochs * n
    diverged = False
    size_per_iteration = exp.batching.batch_size(n)
    while samples < target:
        if should_stop is not None and should_stop():
            break
        seen = min(size_per_iteration, n - trainer.batch_in_epoch * size_per_iteration)
        try:
            trainer.step()
        except DivergenceError:
            diverged = True
            break
        samples += seen
        if samples >= next_record or samples >= target or trainer.iteration in log_points:
            record(samples)
            if samples >= next_record:
                next_record = samples + every
    s = np.array(rec.samples, dtype=np.int64)
    return BatchRun(mode, MODE_TITLES[mode], size_per_iteration, per_epoch, s,
                    np.array(rec.iterations, dtype=np.int64), s / float(n), np.array(rec.loss), diverged)


# ---- wall time -----------------------------------------------------------------------------------
def _time_once(experiment: Experiment, min_seconds: float) -> tuple[float, int, bool]:
    """Train a fresh copy whole epochs until ``min_seconds`` have passed: (ms per epoch, epochs, diverged).
    Only ``step()`` is timed."""
    trainer = Trainer(experiment.copy(), record_gradients=False)
    trainer._layout = FlatLayout(trainer.network)  # the buffers the first step would lay out, untimed
    per_epoch = trainer.batches_per_epoch
    steps = 0
    elapsed = 0.0
    diverged = False
    while elapsed < min_seconds or steps % per_epoch:
        start = time.perf_counter()
        try:
            trainer.step()
        except DivergenceError:
            diverged = True
            break
        elapsed += time.perf_counter() - start
        steps += 1
    if steps == 0:
        return math.nan, 0, diverged
    return elapsed * 1000.0 * per_epoch / steps, math.ceil(steps / per_epoch), diverged


def time_batch_modes(experiment: Experiment, minibatch_size: int | None = None, repeats: int = TIMING_REPEATS,
                     min_seconds: float = TIMING_MIN_SECONDS, shuffle: bool = True,
                     should_stop: Callable[[], bool] | None = None) -> list[ModeTiming]:
    """ms per epoch of each mode, ``repeats`` measurements each, the modes interleaved (the order turns
    round each repeat); every mode warmed up untimed first. The experiment's optimizer is used as is."""
    n = experiment.data.n_train
    n0 = minibatch_size or default_minibatch_size(n)
    modes = [("full", n), ("single", 1), ("minibatch", n0)]
    exps = {mode: _mode_experiment(experiment, mode, size, shuffle) for mode, size in modes}
    for exp in exps.values():
        _warm_up(exp)
    times: dict[str, list[float]] = {mode: [] for mode, _ in modes}
    epochs: dict[str, list[int]] = {mode: [] for mode, _ in modes}
    diverged = dict.fromkeys(times, False)
    for r in range(repeats):
        for mode, _ in modes[r % 3:] + modes[:r % 3]:
            if should_stop is not None and should_stop():
                break
            ms, done, div = _time_once(exps[mode], min_seconds)
            diverged[mode] |= div
            if done:
                times[mode].append(ms)
                epochs[mode].append(done)
    out = []
    for mode, _ in modes:
        batching = exps[mode].batching
        out.append(ModeTiming(mode, MODE_TITLES[mode], batching.batch_size(n), batching.batches_per_epoch(n),
                              np.array(times[mode], dtype=np.float64), np.array(epochs[mode], dtype=np.int64),
                              diverged[mode]))
    return out


# ---- all of it -----------------------------------------------------------------------------------
def compare_batch_modes(experiment: Experiment, epochs: int = 20, minibatch_size: int | None = None,
                        learning_rate: float | None = None, shuffle: bool = True, records_per_epoch: int = 20,
                        timing_repeats: int = TIMING_REPEATS, timing_min_seconds: float = TIMING_MIN_SECONDS,
                        should_stop: Callable[[], bool] | None = None,
                        on_run: Callable[[BatchRun], None] | None = None) -> BatchComparison:
    """GD, single-sample SGD and mini-batch SGD (size ``minibatch_size``, n₀) for the same epochs, all
    plain SGD with the mean reduction at one η (``fair_learning_rate`` unless given), then their
    timing table (``timing_repeats`` = 0: none)."""
    exp = plain_sgd(experiment, learning_rate)
    n = exp.data.n_train
    n0 = minibatch_size or default_minibatch_size(n)
    runs = []
    for mode, size in (("full", n), ("single", 1), ("minibatch", n0)):
        run = run_batch_mode(exp, mode, epochs, size, shuffle, records_per_epoch, should_stop)
        runs.append(run)
        if on_run is not None:
            on_run(run)
        if should_stop is not None and should_stop():
            break
    timings: list[ModeTiming] = []
    if timing_repeats > 0 and len(runs) == 3:
        timings = time_batch_modes(exp, n0, timing_repeats, timing_min_seconds, shuffle, should_stop)
    return BatchComparison(runs, timings, exp.optimizer.learning_rate, n, epochs)
