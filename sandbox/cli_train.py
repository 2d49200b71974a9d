"""``train FILE``: train headless, print the final losses, write the trained network to ``--out``.

Everything that can be checked before training is (``--out`` and ``--log`` writable); a ``--log`` that fails
mid-run only ends the log (the network is still written, the status is 1); Ctrl-C keeps what was trained
(status 130); a second Ctrl-C, a divergence or an error in an update writes nothing.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .cli_errors import INTERRUPTED_STATUS, CommandFailed, Output, error, failed, reason, say
from .cli_log import EpochLog, finite_or_none
from .cli_progress import Progress
from .cli_read import make_trainer, read_network
from .cli_writable import check_writable, same_file

if TYPE_CHECKING:
    from .engine import Trainer


def cmd_train(args: argparse.Namespace, out: Output) -> int:
    """Train as ``args`` says; the exit status."""
    exp = read_network(args.file)
    if args.out:  # say so now, not after the training
        check_writable(args.out)
    if args.log:
        for other, what in ((args.file, "FILE"), (args.out, "--out")):
            if other and same_file(args.log, other):
                raise failed(args.log, "file", f"cannot be written: it is the same file as {what}")
    trainer = make_trainer(args.file, exp)
    log = EpochLog(args.log) if args.log else None
    evaluations: list[list[float]] = []
    try:
        status, iterations, seconds = _train(args, trainer, log, evaluations)
    finally:
        if log is not None:
            log.close()
    interrupted = status == INTERRUPTED_STATUS
    _check_result(args, trainer)
    train_loss, test_loss = trainer.evaluate()
    out.line(f"trained {iterations} iteration{'s' if iterations != 1 else ''} "
             f"({trainer.epoch} epoch{'s' if trainer.epoch != 1 else ''} completed) in {seconds:.2f} s")
    # full precision (the shortest text that reads back as the same float): the exported PyTorch script's
    # last line, ``loss <value>``, is the same training-set data loss
    out.line(f"train loss: {float(train_loss)!r}")
    out.line(f"test loss: {'none (no test data)' if test_loss is None else repr(float(test_loss))}")
    reg = exp.regularization
    if reg.active:
        penalty = trainer.penalty()
        out.line(f"penalty: {penalty!r} (λR(θ) of the trained weights, {reg.kind.upper()} with λ = {reg.strength:g}; "
                 f"the losses above leave it out)")
        out.line(f"train objective: {float(train_loss) + penalty!r} (E = L + λR(θ) = train loss + penalty, "
                 f"what training minimises)")
    train_acc, test_acc = trainer.accuracy()
    if train_acc is not None:  # a classifier (see sandbox.engine.metrics): the share of samples right
        out.line(f"train accuracy: {train_acc:.4g}")
        out.line(f"test accuracy: {'none (no test data)' if test_acc is None else format(test_acc, '.4g')}")
        for line in class_lines(trainer):
            out.line(line)
    if args.out:
        # the loss history goes along (``history``: the file's own, then this run's batch losses and each
        # epoch's whole-set losses, with the accuracy when --log computed it), thinned
        exp.history = trainer.saved_history(evaluations)
        _save(exp, args.out)
        out.line(f"wrote {args.out}")
    else:
        out.line("(not saved: give --out FILE to keep the trained network)")
    if log is not None and log.failure is not None:
        error(f"{args.log}: the log is incomplete (see above); the trained network was "
              f"{'written to ' + args.out if args.out else 'not saved (no --out)'}")
        return 1
    return INTERRUPTED_STATUS if interrupted else 0


def _train(args: argparse.Namespace, trainer: Trainer, log: EpochLog | None,
           evaluations: list[list[float]]) -> tuple[int, int, float]:
    """Run the training with its progress and log: the status (0 done, 130 stopped by one Ctrl-C), the
    iterations done and the seconds they took; each epoch's whole-set losses (and accuracy, with a log) go
    into ``evaluations``."""
    from .engine import DivergenceError

    unit, total = ("epoch", args.epochs) if args.epochs else ("iteration", args.iterations)
    progress = Progress(sys.stderr, total, unit)
    progress.first_iteration = trainer.iteration
    state: dict[str, Any] = {"stop": False, "epoch_start": 0, "loss": None, "objective": None}
    start_epoch, start_iteration = trainer.epoch, trainer.iteration
    nothing = f"Nothing was written{' to ' + args.out if args.out else ''}."

    def done() -> int:
        return trainer.epoch - start_epoch if unit == "epoch" else trainer.iteration - start_iteration

    regularized = trainer.experiment.regularization.active

    def on_epoch(r: Any) -> None:
        nan = float("nan")
        row = [float(r.iteration), float(r.train_loss), nan if r.test_loss is None else float(r.test_loss), nan, nan]
        evaluations.append(row)
        state["loss"] = r.train_loss
        state["objective"] = r.train_objective if regularized else None
        if log is not None and log.stream is not None:
            w_rows = trainer.history.weight_grad_norms[state["epoch_start"]:]
            b_rows = trainer.history.bias_grad_norms[state["epoch_start"]:]
            record = {
                "epoch": r.epoch, "iteration": r.iteration, "train_loss": finite_or_none(r.train_loss),
                "test_loss": finite_or_none(r.test_loss),
                "learning_rate": finite_or_none(trainer.learning_rate_at(r.epoch - 1)),
                "weight_grad_norms": _norms(w_rows), "bias_grad_norms": _norms(b_rows),
            }
            train_acc, test_acc = trainer.accuracy()
            if train_acc is not None:  # a classifier: the share of samples classified right (0 … 1)
                row[3:] = [train_acc, nan if test_acc is None else test_acc]
                record["train_accuracy"] = train_acc
                record["test_accuracy"] = test_acc
            if regularized:  # the objective E = L + λR(θ) beside the data losses
                record["penalty"] = finite_or_none(r.penalty)
                record["train_objective"] = finite_or_none(r.train_objective)
            log.write(record)
        state["epoch_start"] = trainer.history.count
        progress.update(done(), trainer.epoch, trainer.iteration, r.train_loss, objective=state["objective"])

    def should_stop() -> bool:
        if state["stop"]:
            return True
        progress.update(done(), trainer.epoch, trainer.iteration, state["loss"], objective=state["objective"])
        return False

    def on_sigint(signum: int, frame: object) -> None:
        if state["stop"]:  # a second Ctrl-C: stop right now, perhaps in the middle of an update
            raise KeyboardInterrupt
        state["stop"] = True  # the first: stop after this iteration, and keep what was trained

    previous = _install_sigint(on_sigint)
    say(f"training {args.file}: {total} {unit}{'s' if total != 1 else ''} "
        f"({trainer.batches_per_epoch} iteration{'s' if trainer.batches_per_epoch != 1 else ''} per epoch); "
        f"Ctrl-C stops and keeps what was trained")
    started = time.monotonic()
    try:
        trainer.run(iterations=args.iterations, epochs=args.epochs, should_stop=should_stop, on_epoch=on_epoch)
    except KeyboardInterrupt:
        # the weights may be half updated: nothing of them is written
        progress.finish()
        say(f"interrupted twice (Ctrl-C): stopped at once, in the middle of iteration {trainer.iteration + 1}; "
            f"nothing was written{' to ' + args.out if args.out else ''}")
        raise CommandFailed([], INTERRUPTED_STATUS) from None
    except DivergenceError as e:
        progress.finish()
        if e.iteration == 0:  # the starting weights' loss: no learning rate was used yet
            raise failed(args.file, "training", f"the loss is {e.loss} before any update: the starting weights or "
                                                f"the data are too large for float64 numbers; try smaller ones. "
                                                f"{nothing}") from None
        raise failed(args.file, "training", f"diverged at iteration {e.iteration + 1}: the loss became {e.loss}; the "
                                            f"learning rate ({e.learning_rate:g}) is probably too high: try a lower "
                                            f"one. {nothing}") from None
    except MemoryError:
        progress.finish()
        raise failed(args.file, "training", f"ran out of memory in iteration {trainer.iteration + 1}. "
                                            f"{nothing}") from None
    except (ArithmeticError, ValueError) as e:  # e.g. a schedule whose rate overflows far along
        progress.finish()
        raise failed(args.file, "training", f"stopped in iteration {trainer.iteration + 1}: {type(e).__name__}: "
                                            f"{reason(e)}. {nothing}") from None
    finally:
        _restore_sigint(previous)
    seconds = time.monotonic() - started
    iterations = trainer.iteration - start_iteration
    progress.update(done(), trainer.epoch, trainer.iteration, state["loss"], final=True, objective=state["objective"])
    progress.finish()
    if state["stop"]:
        say(f"interrupted (Ctrl-C) after {iterations} iterations; keeping what was trained so far")
        return INTERRUPTED_STATUS, iterations, seconds
    return 0, iterations, seconds


#: a class's line names at most this many of the classes its samples were mistaken for
MISTAKES_NAMED = 2


def class_lines(trainer: Trainer) -> list[str]:
    """For a classifier of more than 2 classes, each class's accuracy on the test set (the training set
    without one) and what its misclassified samples were taken for; [] otherwise."""
    import numpy as np

    from .engine.classification import class_names, confusion_matrix, per_class_accuracy
    from .engine.metrics import accuracy_rule
    from .explain.escape import for_terminal

    data = trainer.experiment.data
    rule = accuracy_rule(trainer.experiment.loss, data.targets)
    if rule != "argmax" or data.targets.shape[1] <= 2:
        return []
    which, x, t = ("test", data.test_inputs, data.test_targets) if data.has_test else \
        ("train", data.inputs, data.targets)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        matrix = confusion_matrix(trainer.network.predict(x), t, rule)
    shares = per_class_accuracy(matrix)
    names = [for_terminal(name) for name in class_names(trainer.network.layers[-1].labels, rule)]
    if all(name.isdigit() for name in names):  # "class 7 … taken for class 1", not a bare "7 … for 1"
        names = [f"class {name}" for name in names]
    lines = [f"{which} accuracy by class:"]
    for k, name in enumerate(names):
        total, right = int(matrix[k].sum()), int(matrix[k, k])
        if total == 0:
            lines.append(f"  {name}: none (no {which} samples)")
            continue
        text = f"  {name}: {shares[k]:.4g} ({right} of {total} right"
        wrong = [(int(n), c) for c, n in enumerate(matrix[k]) if c != k and n > 0]
        wrong.sort(key=lambda nc: (-nc[0], nc[1]))
        if wrong:
            named = ", ".join(f"{n} {'taken ' if i == 0 else ''}for {names[c]}"
                              for i, (n, c) in enumerate(wrong[:MISTAKES_NAMED]))
            rest = sum(n for n, _ in wrong[MISTAKES_NAMED:])
            text += f"; {named}" + (f", {rest} for other classes" if rest else "")
        lines.append(text + ")")
    return lines


def _check_result(args: argparse.Namespace, trainer: Trainer) -> None:
    """Refuse to go on with weights or a training loss that are not finite: NaN never reaches ``--out``."""
    import numpy as np

    with np.errstate(all="ignore"):
        finite_weights = all(bool(np.isfinite(p).all()) for p in trainer.network.parameters())
        loss = trainer.evaluate()[0] if finite_weights else float("nan")
    if not (finite_weights and np.isfinite(loss)):
        what = f"the loss became {loss}" if finite_weights else "the weights are no longer finite numbers"
        raise failed(args.file, "training", f"diverged by iteration {trainer.iteration}: {what}; the learning "
                                            f"rate is probably too high: try a lower one. Nothing was written"
                                            f"{' to ' + args.out if args.out else ''}.")


def _save(exp: Any, path: str) -> None:
    from .files import save_experiment

    try:
        save_experiment(exp, path)
    except (OSError, ValueError, RecursionError) as e:  # NetworkFileError goes up as it is
        raise failed(path, "file", f"could not be saved: {type(e).__name__}: {reason(e)}") from None


def _norms(rows: Any) -> list[float | None]:
    """Mean over an epoch's iterations of each layer's gradient norm, aligned with the file's layers."""
    import numpy as np

    if rows.shape[0] == 0:
        return [None] * (rows.shape[1] + 1)
    with np.errstate(all="ignore"):
        means = [float(np.mean(col)) if not np.all(np.isnan(col)) else None for col in rows.T]
    return [None] + [finite_or_none(m) for m in means]


def _install_sigint(handler: Callable[[int, Any], None]) -> Any:
    try:
        return signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread
        return None


def _restore_sigint(previous: Any) -> None:
    if previous is not None:
        try:
            signal.signal(signal.SIGINT, previous)
        except ValueError:
            pass
