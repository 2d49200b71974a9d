"""Training state and the training loop: iterations, epochs, metrics, divergence.

``Trainer.step`` is the fast path: one update, no strings. ``Trainer.walkthrough`` computes
the same update with every formula recorded, without changing anything, and
``Trainer.apply`` then makes it the trainer's state: stepping through a walkthrough and
plain training give identical weights.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from .batching import Indices
from .experiment import Experiment
from .flat import FlatLayout
from .losses import get_loss
from .metrics import accuracy, accuracy_rule
from .network import Backprop, Network
from .saved_history import SavedHistory
from .walkthrough import DETAILED_STEPS, Walkthrough, WalkthroughBuilder

Array = NDArray[np.float64]


class DivergenceError(ArithmeticError):
    """The loss became NaN or infinite; the weights have been put back to the last finite state. ``iteration``
    counts the updates done before (0: the first update's loss); the message counts from 1."""

    def __init__(self, iteration: int, loss: float, learning_rate: float):
        self.iteration = iteration
        self.loss = loss
        self.learning_rate = learning_rate
        super().__init__(
            f"training diverged at iteration {iteration + 1}: the loss became {loss}; the weights were put back "
            f"to the last finite state. The learning rate ({learning_rate:g}) is probably too high: try a lower one."
        )


class History:
    """Per-iteration metrics in growing float64 buffers: the batch's data loss L, its objective
    E = L + λR(θ) (R of the weights the update started from; equal to L without regularization) and
    per-layer gradient norms."""

    def __init__(self, layers: int):
        self.layers = layers
        self.count = 0
        self._loss = np.empty(1024)
        self._objective = np.empty(1024)
        # columns: weight-gradient norm of each layer, then bias-gradient norm of each layer
        self._grad = np.full((1024, 2 * layers), np.nan)
        self._starts: dict[tuple[int, ...], Indices | None] = {}  # where each array starts, by sizes
        #: the thinned history of the training before this one's first iteration, saved with the file
        #: (``saved_history``; None when there is none): the loss plot shows it before the new points
        self.saved: SavedHistory | None = None

    def _grow(self) -> None:
        self._loss = np.concatenate([self._loss, np.empty_like(self._loss)])
        self._objective = np.concatenate([self._objective, np.empty_like(self._objective)])
        self._grad = np.concatenate([self._grad, np.full_like(self._grad, np.nan)])

    def add(self, loss: float, weight_grads: list[Array], bias_grads: list[Array | None],
            objective: float | None = None) -> None:
        """One iteration: its batch loss, its objective (None: the loss, no penalty) and gradients."""
        if self.count == self._loss.shape[0]:
            self._grow()
        i = self.count
        self._loss[i] = loss
        self._objective[i] = loss if objective is None else objective
        row = self._grad[i]
        n = self.layers
        arrays = list(weight_grads) + [b for b in bias_grads if b is not None]
        if len(arrays) > 4:
            # many small arrays: their squares' sums in one go (a copy costs less than many calls)
            key = tuple([g.size for g in arrays])
            starts: Indices | None | Literal[False] = self._starts.get(key, False)
            if starts is False:
                starts = self._starts[key] = np.cumsum((0,) + key[:-1]) if sum(key) <= 8192 else None
            if starts is not None:
                flat = np.concatenate(arrays, axis=None)
                flat *= flat
                norms = np.sqrt(np.add.reduceat(flat, starts))
                row[:n] = norms[:n]
                if len(arrays) == 2 * n:
                    row[n:] = norms[n:]
                else:
                    k = n
                    for l in range(n):
                        if bias_grads[l] is not None:
                            row[n + l] = norms[k]
                            k += 1
                self.count = i + 1
                return
        sqrt, vdot = math.sqrt, np.vdot
        for l in range(n):
            g = weight_grads[l]
            row[l] = sqrt(vdot(g, g))
            b = bias_grads[l]
            if b is not None:
                row[n + l] = sqrt(vdot(b, b))
        self.count = i + 1

    def add_flat(self, loss: float, layout: FlatLayout) -> None:
        """As ``add`` without a penalty, with the gradients in a ``FlatLayout``'s buffer (the same numbers,
        fewer calls)."""
        sizes = layout.sizes
        if len(sizes) > 4 and layout.gradients_buffer.shape[0] <= 8192:
            if self.count == self._loss.shape[0]:
                self._grow()
            i = self.count
            self._loss[i] = loss
            self._objective[i] = loss
            g = layout.gradients_buffer
            self._grad[i, layout.history_columns] = np.sqrt(np.add.reduceat(g * g, layout.starts))
            self.count = i + 1
            return
        self.add(loss, layout.weight_grads, layout.bias_grads)

    @property
    def loss(self) -> Array:
        """The batch's data loss L of each iteration."""
        return self._loss[: self.count]

    @property
    def objective(self) -> Array:
        """The batch's objective E = L + λR(θ) of each iteration (the loss itself without regularization)."""
        return self._objective[: self.count]

    @property
    def weight_grad_norms(self) -> Array:
        """Shape (iterations, layers): the L2 norm of each layer's weight gradient."""
        return self._grad[: self.count, : self.layers]

    @property
    def bias_grad_norms(self) -> Array:
        return self._grad[: self.count, self.layers:]

    def extend(self, losses: Array, weight_grad_norms: Array, objectives: Array | None = None) -> None:
        """Append the rows of other iterations (batch losses, weight-gradient norms and objectives, None:
        the losses; their bias norms are unknown, nan)."""
        n = len(losses)
        while self._loss.shape[0] < self.count + n:
            self._grow()
        i = self.count
        self._loss[i:i + n] = losses
        self._objective[i:i + n] = losses if objectives is None else objectives
        self._grad[i:i + n, : self.layers] = weight_grad_norms
        self.count = i + n

    def tail(self, keep: int) -> History:
        """A new history holding only the last ``keep`` iterations of this one."""
        keep = max(0, min(int(keep), self.count))
        fresh = History(self.layers)
        while fresh._loss.shape[0] < keep:
            fresh._grow()
        fresh._loss[:keep] = self._loss[self.count - keep:self.count]
        fresh._objective[:keep] = self._objective[self.count - keep:self.count]
        fresh._grad[:keep] = self._grad[self.count - keep:self.count]
        fresh.count = keep
        fresh.saved = self.saved
        return fresh

    def since(self, start: int) -> tuple[Array, Array, Array]:
        """Copies of the losses and gradient norms recorded from iteration ``start`` on."""
        return (self._loss[start:self.count].copy(), self._grad[start:self.count, : self.layers].copy(),
                self._grad[start:self.count, self.layers:].copy())


@dataclass
class EpochReport:
    """After ``epoch`` completed epochs: losses on the whole data, and the learning rate from now on."""

    epoch: int
    iteration: int
    train_loss: float
    test_loss: float | None
    learning_rate: float
    #: λR(θ) of the weights after the epoch (0.0 without regularization)
    penalty: float = 0.0

    @property
    def train_objective(self) -> float:
        """The whole training set's objective E = L + λR(θ)."""
        return self.train_loss + self.penalty


class Trainer:
    """Trains an experiment's network in place, counting iterations and epochs as the lecture does."""

    #: how often (in iterations) a copy of the last finite state is kept for divergence recovery
    SNAPSHOT_EVERY = 32

    def __init__(self, experiment: Experiment, record_gradients: bool = True):
        self.experiment = experiment
        self.record_gradients = record_gradients
        self.optimizer = experiment.optimizer.build()
        self.iteration = 0
        self.epoch = 0
        self.batch_in_epoch = 0
        self.history = History(experiment.network.depth)
        self._epoch_batches: list[tuple[Indices | slice, Array, Array]] = []
        self._epoch_of_batches = -1  # -1: rebuild the batches before the next iteration
        self._batches_built_from: tuple[object, ...] = ()
        #: iteration, weights and biases, optimizer state and steps of the last finite state
        self._snapshot: tuple[int, tuple[list[Array], list[Array | None]], list[dict[str, Array]], int] | None = None
        self._layout: FlatLayout | None = None  # parameters and gradients in one buffer each (fast path)
        self.configure()
        saved, experiment.history = experiment.history, None
        if saved is not None and not saved.is_empty:
            # a file with its history: this trainer takes it (a later trainer of the experiment starts afresh)
            # and counts on from where it ended
            self.set_counters(saved.iterations, saved.epochs, saved.iterations - saved.epochs * self.batches_per_epoch)
            self.history.saved = saved

    def saved_history(self, evaluations: Array | None = None) -> SavedHistory:
        """The history to save with the network: what it was loaded with, then this trainer's batch losses
        and ``evaluations`` (rows: iteration, train loss, test loss, train and test accuracy), thinned."""
        from .saved_history import EVALUATION_COLUMNS, combine

        h = self.history
        first = self.iteration - h.count
        batch = np.column_stack([np.arange(first + 1, self.iteration + 1, dtype=np.float64), h.loss])
        rows = np.asarray([] if evaluations is None else evaluations, dtype=np.float64)
        rows = rows.reshape(-1, len(EVALUATION_COLUMNS))
        return combine(h.saved, self.iteration, self.epoch, batch, rows)

    # ---- configuration -------------------------------------------------------------------
    @property
    def network(self) -> Network:
        return self.experiment.network

    def configure(self) -> None:
        """Re-read loss, batching and structure after the experiment changed (keeps counters)."""
        self._loss = get_loss(self.experiment.loss)
        self._reduction = self.experiment.reduction
        self._epoch_of_batches = -1
        if self.history.layers != self.network.depth:
            self.history = History(self.network.depth)
        self.batch_in_epoch = min(self.batch_in_epoch, self.batches_per_epoch - 1)

    def set_optimizer(self) -> None:
        """Rebuild the optimizer from the experiment's spec (its state starts afresh)."""
        self.optimizer = self.experiment.optimizer.build()

    def follow_optimizer_spec(self, rebuild: bool = False) -> None:
        """The optimizer follows the experiment's spec after it changed: rebuilt (state afresh) if
        ``rebuild`` or the kind differs, else the same optimizer with the spec's learning rate and
        options, its state (velocities, moments) kept."""
        spec = self.experiment.optimizer
        if rebuild or self.optimizer.name != spec.name:
            self.set_optimizer()
        else:
            self.optimizer.set_hyperparameters(spec.learning_rate, spec.options)

    @property
    def recovery_iteration(self) -> int | None:
        """The iteration whose weights a divergence would put back (None: no recovery point yet)."""
        return None if self._snapshot is None else self._snapshot[0]

    def forget_recovery_point(self) -> None:
        """Take the next recovery point afresh (after the state was set from elsewhere: a copy must not
        put back weights from long before the iteration it goes on from)."""
        self._snapshot = None

    def set_counters(self, iteration: int, epoch: int, batch_in_epoch: int) -> None:
        """Put the counters where another copy of this training stands (the batch clamped to those this
        trainer's settings give an epoch); the epoch's batches are drawn afresh."""
        self.iteration, self.epoch = int(iteration), int(epoch)
        self.batch_in_epoch = max(0, min(int(batch_in_epoch), self.batches_per_epoch - 1))
        self._epoch_of_batches = -1

    def restart(self) -> None:
        """Counters, history and optimizer state back to zero (the weights are left as they are)."""
        self.iteration = self.epoch = self.batch_in_epoch = 0
        self.history = History(self.network.depth)
        self.optimizer.reset()
        self._epoch_of_batches = -1
        self._snapshot = None

    @property
    def n_samples(self) -> int:
        return self.experiment.data.n_train

    @property
    def batches_per_epoch(self) -> int:
        return self.experiment.batching.batches_per_epoch(self.n_samples)

    @property
    def learning_rate(self) -> float:
        """The learning rate in force this epoch (the schedule applied to the base rate)."""
        return self.learning_rate_at(self.epoch)

    def learning_rate_at(self, epoch: int) -> float:
        """The learning rate of epoch ``epoch`` (counted from 0): the schedule applied to the base rate."""
        base = self.optimizer.learning_rate
        schedule = self.experiment.schedule
        return base if schedule is None else schedule.learning_rate(base, epoch)

    def batch_indices(self, batch: int | None = None, epoch: int | None = None) -> Indices | slice:
        """The samples of batch ``batch`` (default: the next one) of epoch ``epoch`` (default: current)."""
        epoch = self.epoch if epoch is None else epoch
        batch = self.batch_in_epoch if batch is None else batch
        if epoch == self.epoch:
            return self._batches()[batch]
        return self.experiment.batching.epoch_batches(self.n_samples, epoch)[batch]

    def _batches(self) -> list[Indices | slice]:
        if self._epoch_of_batches != self.epoch:
            self._make_batches()
        return [b for b, _, _ in self._epoch_batches]

    def _make_batches(self) -> None:
        """This epoch's batches with their samples (views where the batches are contiguous runs)."""
        batching = self.experiment.batching
        data = self.experiment.data
        built = self._batches_built_from
        if (self._epoch_of_batches >= 0 and not batching.shuffle and built and built[0] is batching
                and built[1] is data and built[2] is data.inputs and built[3] is data.targets):
            # unshuffled batches of unchanged data are the same in every epoch: keep them
            self._epoch_of_batches = self.epoch
            return
        self._batches_built_from = (batching, data, data.inputs, data.targets)
        batches = batching.epoch_batches(self.n_samples, self.epoch)
        if not batching.shuffle:  # contiguous runs: slicing gives views, no copies
            slices = [slice(int(b[0]), int(b[-1]) + 1) for b in batches]
            self._epoch_batches = [(s, data.inputs[s], data.targets[s]) for s in slices]
        else:  # the epoch's order gathered once; each batch is a run of it (the same numbers as gathering each)
            order = np.concatenate(batches) if len(batches) > 1 else batches[0]
            inputs, targets = data.inputs[order], data.targets[order]
            runs: list[tuple[Indices | slice, Array, Array]] = []
            start = 0
            for b in batches:
                stop = start + len(b)
                runs.append((b, inputs[start:stop], targets[start:stop]))
                start = stop
            self._epoch_batches = runs
        self._epoch_of_batches = self.epoch

    # ---- the fast path ---------------------------------------------------------------------
    def gradients(self, bp: Backprop) -> tuple[list[Array], list[Array], list[bool]]:
        """Parameters, their gradients (weights regularized) and trainable flags, in optimizer order."""
        return self._gradients(bp)[:3]

    def _gradients(self, bp: Backprop) -> tuple[list[Array], list[Array], list[bool], list[Array], list[Array | None]]:
        """As ``gradients``, and the (regularized) weight and bias gradients per layer."""
        params: list[Array] = []
        grads: list[Array] = []
        trainable: list[bool] = []
        w_grads: list[Array] = []
        reg = self.experiment.regularization
        regularize = reg.active
        for layer, gw, gb in zip(self.network.layers, bp.weight_grads, bp.bias_grads):
            if regularize:
                gw = gw + reg.gradient(layer.weights)
            w_grads.append(gw)
            params.append(layer.weights)
            grads.append(gw)
            trainable.append(layer.train_weights)
            if layer.biases is not None:
                assert gb is not None  # a layer with biases has their gradients
                params.append(layer.biases)
                grads.append(gb)
                trainable.append(layer.train_biases)
        return params, grads, trainable, w_grads, bp.bias_grads

    def step(self) -> float:
        """One iteration: forward, backward, update on the next batch. Returns the batch loss."""
        if self._epoch_of_batches != self.epoch:
            self._make_batches()
        _, x, t = self._epoch_batches[self.batch_in_epoch]
        net = self.network
        layout = self._layout
        if layout is None or not layout.valid_for(net):
            layout = self._layout = FlatLayout(net)
        # overflow here means divergence, which the loss check below reports: no numpy warnings
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            bp = net.backward(net.forward(x), t, self._loss, self._reduction, output_gradients=False,
                              into=layout)
            loss = bp.loss
            if not math.isfinite(loss):
                self._recover(loss)
            if self.iteration % self.SNAPSHOT_EVERY == 0 or self._snapshot is None:
                self._keep_snapshot()
            lr = self.learning_rate
            if self.experiment.regularization.active:  # weight gradients + penalty: separate arrays
                objective = loss + self.penalty()  # (of the weights before this update)
                params, grads, trainable, w_grads, b_grads = self._gradients(bp)
                self.optimizer.step(params, grads, trainable, lr)
                if self.record_gradients:
                    self.history.add(loss, w_grads, b_grads, objective)
            else:
                trainable = layout.trainable()
                if not (all(trainable) and self.optimizer.step_flat(
                        layout.parameters_buffer, layout.gradients_buffer, layout.params, lr)):
                    self.optimizer.step(layout.params, layout.grads, trainable, lr)
                if self.record_gradients:
                    self.history.add_flat(loss, layout)
        self._advance()
        return loss

    def _advance(self) -> None:
        self.iteration += 1
        self.batch_in_epoch += 1
        per_epoch = len(self._epoch_batches) if self._epoch_of_batches == self.epoch else self.batches_per_epoch
        if self.batch_in_epoch >= per_epoch:
            self.batch_in_epoch = 0
            self.epoch += 1

    def _keep_snapshot(self) -> None:
        """Copy the state about to be updated (its loss is finite) if its weights are all finite."""
        layout = self._layout
        if layout is not None and layout.valid_for(self.network):  # one copy of the one buffer
            values = layout.parameters_buffer.copy()
            if not np.isfinite(values).all():
                return
            state = layout.split(values)
        else:
            state = self.network.state()
            if not all(np.isfinite(p).all() for group in state for p in group if p is not None):
                return
        self._snapshot = (self.iteration, state, self.optimizer.snapshot(), self.optimizer.steps_taken)

    def _recover(self, loss: float) -> None:
        lr = self.learning_rate
        if self._snapshot is not None:
            _, state, opt_state, opt_steps = self._snapshot
            self.network.set_state(state)
            # copies: the snapshot must stay intact for a later recovery
            self.optimizer.state = [{k: v.copy() for k, v in st.items()} for st in opt_state]
            self.optimizer.steps_taken = opt_steps
        raise DivergenceError(self.iteration, loss, lr)

    def run(self, iterations: int | None = None, epochs: int | None = None,
            should_stop: Callable[[], bool] | None = None,
            on_epoch: Callable[[EpochReport], None] | None = None) -> int:
        """Train for a number of iterations or of whole epochs; returns the iterations done.

        ``should_stop()`` is checked before every iteration; ``on_epoch(report)`` is called after
        every completed epoch.
        """
        if iterations is None and epochs is None:
            raise ValueError("give iterations or epochs")
        target_epoch = None if epochs is None else self.epoch + epochs
        done = 0
        while True:
            if iterations is not None and done >= iterations:
                break
            if target_epoch is not None and self.epoch >= target_epoch:
                break
            if should_stop is not None and should_stop():
                break
            epoch_before = self.epoch
            self.step()
            done += 1
            if on_epoch is not None and self.epoch != epoch_before:
                on_epoch(self.epoch_report())
        return done

    # ---- evaluation ------------------------------------------------------------------------
    def penalty(self) -> float:
        """λR(θ) of the network's weights now (0.0 without regularization): E = L + λR(θ)."""
        reg = self.experiment.regularization
        return reg.penalty([layer.weights for layer in self.network.layers]) if reg.active else 0.0

    def evaluate(self) -> tuple[float, float | None]:
        """Loss on the whole training set and on the test set (None without one)."""
        data = self.experiment.data
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # inf or NaN says it all
            train = self.network.loss(data.inputs, data.targets, self._loss, self._reduction)
            test = None
            if data.has_test:
                test = self.network.loss(data.test_inputs, data.test_targets, self._loss, self._reduction)
        return train, test

    def accuracy(self) -> tuple[float | None, float | None]:
        """Classification accuracy (0 … 1) on the whole training set and on the test set (None without
        one, and both None when the network is not a classifier: see ``metrics.accuracy_rule``)."""
        data = self.experiment.data
        rule = accuracy_rule(self.experiment.loss, data.targets)
        if rule is None:
            return None, None
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            train = accuracy(self.network.predict(data.inputs), data.targets, rule)
            test = accuracy(self.network.predict(data.test_inputs), data.test_targets, rule) if data.has_test else None
        return train, test

    def epoch_report(self) -> EpochReport:
        train, test = self.evaluate()
        return EpochReport(self.epoch, self.iteration, train, test, self.learning_rate, self.penalty())

    # ---- the recorded path -----------------------------------------------------------------
    def walkthrough(self, batch: int | None = None, sample: int = 0,
                    detail: int | None = DETAILED_STEPS) -> Walkthrough:
        """The next update (or that of batch ``batch`` of this epoch), every number with its formula; each layer
        writes out at most ``detail`` steps of each kind (None: every one) and summarises the rest.

        Nothing changes until ``apply`` is called with the result.
        """
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # a diverging update shows inf/NaN
            return self._walkthrough(batch, sample, detail)

    def walkthrough_of(self, inputs: Array, targets: Array, source: str,
                       detail: int | None = DETAILED_STEPS) -> Walkthrough:
        """The update one step on this single sample alone would make (inputs and targets of shape (1, n)),
        with the current optimizer's state copied: for showing only (``applies`` False; ``apply`` refuses it).
        ``source`` says where the sample comes from, e.g. ``"test sample 17"``."""
        x = np.array(inputs, dtype=np.float64, ndmin=2)
        t = np.array(targets, dtype=np.float64, ndmin=2)
        n_in, n_out = self.network.input_size, self.network.layers[-1].size
        if x.shape != (1, n_in) or t.shape != (1, n_out):
            raise ValueError(f"one sample is needed: inputs of shape (1, {n_in}) and targets of shape (1, {n_out}), "
                             f"not {x.shape} and {t.shape}")
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return self._record(x, t, self.batch_in_epoch, 0, [], detail, applies=False, source=source)

    def _walkthrough(self, batch: int | None, sample: int, detail: int | None) -> Walkthrough:
        batch = self.batch_in_epoch if batch is None else batch
        if not 0 <= batch < self.batches_per_epoch:
            raise IndexError(f"batch {batch} does not exist: an epoch has {self.batches_per_epoch} batches")
        indices = np.arange(self.n_samples)[self.batch_indices(batch)]
        if not 0 <= sample < len(indices):
            raise IndexError(f"sample {sample} does not exist: batch {batch} has {len(indices)} samples")
        data = self.experiment.data
        x, t = data.inputs[indices], data.targets[indices]
        return self._record(x, t, batch, sample, [int(i) for i in indices], detail)

    def _record(self, x: Array, t: Array, batch: int, sample: int, indices: list[int], detail: int | None,
                applies: bool = True, source: str = "") -> Walkthrough:
        """The walkthrough of one update on the samples ``x`` with targets ``t``, computed on copies."""
        before = self.network.copy()
        fp = before.forward(x)
        bp = before.backward(fp, t, self._loss, self._reduction)
        after = before.copy()
        params, grads, trainable = self.gradients(bp)  # weights regularized
        opt = copy.deepcopy(self.optimizer)
        opt.ensure_state(params)
        state_before = opt.snapshot()
        after_params = after.parameters()
        lr = self.learning_rate
        opt.step(after_params, grads, trainable, lr)
        fp_after = after.forward(x)
        loss_after = after.loss(x, t, self._loss, self._reduction)
        w_grads, b_grads = _split_grads(grads, before)
        w = Walkthrough(
            network=before,
            network_name=self.experiment.name,
            batch=batch,
            sample=sample,
            batch_indices=indices,
            epoch=self.epoch,
            iteration=self.iteration,
            learning_rate=lr,
            loss_name=self.experiment.loss,
            reduction=self._reduction,
            optimizer_name=self.optimizer.name,
            inputs=x,
            targets=t,
            forward=fp,
            backprop=bp,
            weight_grads=w_grads,
            bias_grads=b_grads,
            weights_before=[layer.weights.copy() for layer in before.layers],
            biases_before=[None if layer.biases is None else layer.biases.copy() for layer in before.layers],
            weights_after=[layer.weights.copy() for layer in after.layers],
            biases_after=[None if layer.biases is None else layer.biases.copy() for layer in after.layers],
            outputs_after=fp_after.prediction,
            loss_after=loss_after,
            optimizer_state_after=opt.state,
            optimizer_steps_after=opt.steps_taken,
            applies=applies,
            source=source,
            input_image=self.experiment.input_image,
        )
        flags = [(layer.train_weights, layer.train_biases) for layer in before.layers]
        w.steps = WalkthroughBuilder(w, self._loss, self.experiment.regularization, opt, flags, state_before,
                                     detail=detail).build()
        return w

    def apply(self, w: Walkthrough) -> None:
        """Make a walkthrough's update the trainer's state, exactly as ``step`` would have (not one that is for
        showing only: ``walkthrough_of``'s)."""
        if not w.applies:
            raise ValueError(f"this walkthrough is for showing only ({w.source or 'not a training batch'}): "
                             f"it cannot be applied")
        if w.iteration != self.iteration or w.batch != self.batch_in_epoch:
            raise ValueError("this walkthrough was computed for another iteration")
        if not math.isfinite(w.loss):
            self._recover(w.loss)
        if self.iteration % self.SNAPSHOT_EVERY == 0 or self._snapshot is None:
            self._keep_snapshot()
        for layer, wa, ba in zip(self.network.layers, w.weights_after, w.biases_after):
            layer.weights[...] = wa
            if layer.biases is not None:
                layer.biases[...] = ba
        self.optimizer.state = copy.deepcopy(w.optimizer_state_after)
        self.optimizer.steps_taken = w.optimizer_steps_after
        if self.record_gradients:
            reg = self.experiment.regularization
            penalty = reg.penalty(w.weights_before) if reg.active else 0.0
            self.history.add(w.loss, w.weight_grads, w.bias_grads, w.loss + penalty)
        self._advance()


def _split_grads(grads: list[Array], net: Network) -> tuple[list[Array], list[Array | None]]:
    """Undo the optimizer's W1, b1, W2, … order into per-layer weight and bias gradients."""
    w_grads: list[Array] = []
    b_grads: list[Array | None] = []
    i = 0
    for layer in net.layers:
        w_grads.append(grads[i])
        i += 1
        if layer.biases is not None:
            b_grads.append(grads[i])
            i += 1
        else:
            b_grads.append(None)
    return w_grads, b_grads
