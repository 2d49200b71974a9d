"""The ``backprop-sandbox`` command: the desktop app, and the headless ``explain``, ``train``, ``validate``.

Exit status: 0 success; 1 a file is unreadable or invalid (``error: FILE: where: what`` lines on
stderr, no traceback) or training diverged; 2 wrong usage; 130 training stopped with Ctrl-C (the
network trained so far is still written to ``--out``). The headless subcommands never import Qt.
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
import time
from typing import TextIO

from . import __version__

SUBCOMMANDS = ("explain", "train", "validate")
PROG = "backprop-sandbox"


# ---- argument parsing -------------------------------------------------------------------------

def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def _index(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {n}")
    return n


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="See backpropagation happen. Without a subcommand, opens the desktop app "
                    "(with FILE, or the lecture's example).",
        epilog=f"'{PROG} FILE' opens FILE in the desktop app. Subcommands never open a window.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{explain,train,validate}")

    p = sub.add_parser("explain", help="print one whole gradient-descent update as a worked example",
                       description="Print one gradient-descent update on batch K as a worked example: forward "
                                   "values (of sample S of the batch), the loss, every gradient by the chain rule "
                                   "with its numbers, every weight update, and the prediction afterwards.")
    p.add_argument("file", metavar="FILE", help="network file (.json)")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text", help="output format (text)")
    p.add_argument("--batch", type=_index, default=0, metavar="K", help="batch of the first epoch (0)")
    p.add_argument("--sample", type=_index, default=0, metavar="S", help="sample of the batch whose forward "
                                                                          "values are shown (0)")

    p = sub.add_parser("train", help="train headless and write the trained network",
                       description="Train headless with a progress bar on stderr, print the final losses "
                                   "and write the trained network to OUT.")
    p.add_argument("file", metavar="FILE", help="network file (.json)")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--epochs", type=_positive, metavar="N", help="train N epochs")
    how.add_argument("--iterations", type=_positive, metavar="N", help="train N iterations (updates)")
    p.add_argument("--out", metavar="OUT", help="write the trained network here (FILE itself only if OUT names it)")
    p.add_argument("--log", metavar="FILE.jsonl", help="write one JSON line per epoch")

    p = sub.add_parser("validate", help="check network files", description="Check network files: prints "
                                                                          "'FILE: ok' or one line per problem.")
    p.add_argument("files", metavar="FILE", nargs="+", help="network files (.json)")
    return parser


def build_gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Open the desktop app.",
                                     epilog=f"Headless subcommands: {', '.join(SUBCOMMANDS)} "
                                            f"(see '{PROG} --help').")
    parser.add_argument("file", metavar="FILE", nargs="?", help="network file to open (default: the lecture example)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _make_output_safe()
    first = argv[0] if argv else None  # "--" makes what follows a FILE even if it is named like a subcommand
    if first in SUBCOMMANDS or (first is not None and first.startswith("-") and first != "--"):
        args = build_parser().parse_args(argv)
        if args.command == "explain":
            return cmd_explain(args)
        if args.command == "train":
            return cmd_train(args)
        if args.command == "validate":
            return cmd_validate(args)
        return 2  # pragma: no cover - argparse exits for anything else
    args = build_gui_parser().parse_args(argv)
    return cmd_gui(args.file)


def _make_output_safe() -> None:
    """Never crash printing a formula on a terminal that cannot show ∂ or η."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass


def report(error) -> int:
    """Print a ``NetworkFileError`` as ``error: FILE: where: what`` lines on stderr; exit status 1."""
    for line in error.lines():
        print(f"error: {line}", file=sys.stderr)
    return 1


# ---- the desktop app ------------------------------------------------------------------------------

def cmd_gui(path: str | None) -> int:
    try:
        from .gui.app import run
    except Exception as e:  # Qt missing, no display plugin, app not built: one line, no traceback
        print(f"error: the desktop app cannot start: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return int(run(path) or 0)


# ---- explain ----------------------------------------------------------------------------------------

def cmd_explain(args) -> int:
    from .engine import Trainer
    from .explain import to_json, to_markdown, to_text
    from .files import NetworkFileError, load_experiment

    try:
        exp = load_experiment(args.file)
    except NetworkFileError as e:
        return report(e)
    trainer = Trainer(exp)
    try:
        w = trainer.walkthrough(args.batch, args.sample)
    except IndexError as e:
        print(f"{PROG} explain: error: {e}", file=sys.stderr)
        return 2
    if args.format == "json":
        text = json.dumps(to_json(w), indent=2, ensure_ascii=False) + "\n"
    elif args.format == "markdown":
        text = to_markdown(w)
    else:
        text = to_text(w)
    sys.stdout.write(text)
    return 0


# ---- validate ---------------------------------------------------------------------------------------

def cmd_validate(args) -> int:
    from .files import NetworkFileError, load_experiment

    status = 0
    for path in args.files:
        try:
            load_experiment(path)
        except NetworkFileError as e:
            status = report(e)
            continue
        print(f"{path}: ok")
        sys.stdout.flush()
    return status


# ---- train --------------------------------------------------------------------------------------------

class Progress:
    """A progress bar on a terminal; otherwise about ten quiet lines over the whole run."""

    WIDTH = 24

    def __init__(self, stream: TextIO, total: int, unit: str):
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.total = total
        self.unit = unit
        self.start = time.monotonic()
        self.last_draw = 0.0
        self.next_line = 1
        self.printed = -1
        self.first_iteration = 0
        self.drawn = False
        self.width = 0

    def update(self, done: int, epoch: int, iteration: int, loss: float | None, final: bool = False) -> None:
        now = time.monotonic()
        if self.tty:
            if not final and now - self.last_draw < 0.1:
                return
        elif done == self.printed or not (final or done * 10 >= self.next_line * self.total):
            return
        self.last_draw = now
        rate = (iteration - self.first_iteration) / max(now - self.start, 1e-9)
        loss_text = "…" if loss is None else f"{loss:.6g}"
        if self.tty:
            filled = int(self.WIDTH * min(done, self.total) / max(self.total, 1))
            bar = "█" * filled + "·" * (self.WIDTH - filled)
            text = f"{self.unit}s {done}/{self.total} [{bar}] epoch {epoch}  loss {loss_text}  {rate:,.0f} it/s"
            # pad over what a longer previous line left behind
            self.stream.write(f"\r{text}{' ' * max(1, self.width - len(text))}")
            self.width = len(text) + 1
            self.drawn = True
        else:
            while done * 10 >= self.next_line * self.total:
                self.next_line += 1
            self.printed = done
            self.stream.write(f"{self.unit}s {done}/{self.total}: epoch {epoch}, iteration {iteration}, "
                              f"loss {loss_text}, {rate:,.0f} it/s\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def _finite_or_none(x):
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _norms(rows) -> list:
    """Mean over an epoch's iterations of each layer's gradient norm, aligned with the file's layers."""
    import numpy as np

    if rows.shape[0] == 0:
        return [None] * (rows.shape[1] + 1)
    with np.errstate(all="ignore"):
        means = [float(np.mean(col)) if not np.all(np.isnan(col)) else None for col in rows.T]
    return [None] + [_finite_or_none(m) for m in means]


def cmd_train(args) -> int:
    from .engine import DivergenceError, Trainer
    from .files import NetworkFileError, load_experiment, save_experiment

    try:
        exp = load_experiment(args.file)
    except NetworkFileError as e:
        return report(e)
    if args.out:  # say so now, not after the training
        from pathlib import Path

        folder = Path(args.out).parent
        if not folder.is_dir():
            why = "is a file, not a folder" if folder.exists() else "does not exist"
            print(f"error: {args.out}: file: cannot be written: the folder {folder} {why}", file=sys.stderr)
            return 1
    log = None
    if args.log:
        try:
            log = open(args.log, "w", encoding="utf-8")
        except OSError as e:
            print(f"error: {args.log}: file: cannot be written: {e.strerror or e}", file=sys.stderr)
            return 1
    trainer = Trainer(exp)
    unit, total = ("epoch", args.epochs) if args.epochs else ("iteration", args.iterations)
    progress = Progress(sys.stderr, total, unit)
    progress.first_iteration = trainer.iteration
    state = {"stop": False, "epoch_start": 0, "loss": None}
    start_epoch, start_iteration = trainer.epoch, trainer.iteration

    def done() -> int:
        return trainer.epoch - start_epoch if unit == "epoch" else trainer.iteration - start_iteration

    def on_epoch(r) -> None:
        state["loss"] = r.train_loss
        if log is not None:
            w_rows = trainer.history.weight_grad_norms[state["epoch_start"]:]
            b_rows = trainer.history.bias_grad_norms[state["epoch_start"]:]
            line = {
                "epoch": r.epoch, "iteration": r.iteration, "train_loss": _finite_or_none(r.train_loss),
                "test_loss": _finite_or_none(r.test_loss), "learning_rate": trainer.learning_rate_at(r.epoch - 1),
                "weight_grad_norms": _norms(w_rows), "bias_grad_norms": _norms(b_rows),
            }
            log.write(json.dumps(line, allow_nan=False) + "\n")
            log.flush()
        state["epoch_start"] = trainer.history.count
        progress.update(done(), trainer.epoch, trainer.iteration, r.train_loss)

    def should_stop() -> bool:
        if state["stop"]:
            return True
        progress.update(done(), trainer.epoch, trainer.iteration, state["loss"])
        return False

    def on_sigint(signum, frame) -> None:
        if state["stop"]:  # a second Ctrl-C: stop right now, perhaps in the middle of an update
            raise KeyboardInterrupt
        state["stop"] = True  # the first: stop after this iteration, and keep what was trained

    previous = _install_sigint(on_sigint)
    print(f"training {args.file}: {total} {unit}{'s' if total != 1 else ''} "
          f"({trainer.batches_per_epoch} iteration{'s' if trainer.batches_per_epoch != 1 else ''} per epoch); "
          f"Ctrl-C stops and keeps what was trained", file=sys.stderr, flush=True)
    started = time.monotonic()
    try:
        trainer.run(iterations=args.iterations, epochs=args.epochs, should_stop=should_stop, on_epoch=on_epoch)
    except KeyboardInterrupt:
        # the weights may be half updated: nothing of them is written
        progress.finish()
        if log is not None:
            log.close()
        print(f"interrupted twice (Ctrl-C): stopped at once, in the middle of iteration {trainer.iteration + 1}; "
              f"nothing was written{' to ' + args.out if args.out else ''}", file=sys.stderr)
        return 130
    except DivergenceError as e:
        progress.finish()
        if log is not None:
            log.close()
        print(f"error: {args.file}: training: diverged at iteration {e.iteration}: the loss became {e.loss}; "
              f"the learning rate ({e.learning_rate:g}) is probably too high: try a lower one. "
              f"Nothing was written{' to ' + args.out if args.out else ''}.", file=sys.stderr)
        return 1
    finally:
        _restore_sigint(previous)
    interrupted = state["stop"]
    seconds = time.monotonic() - started
    progress.update(done(), trainer.epoch, trainer.iteration, state["loss"], final=True)
    progress.finish()
    if log is not None:
        log.close()
    train_loss, test_loss = trainer.evaluate()
    if interrupted:
        print(f"interrupted (Ctrl-C) after {trainer.iteration - start_iteration} iterations; "
              f"keeping what was trained so far", file=sys.stderr)
    iterations = trainer.iteration - start_iteration
    print(f"trained {iterations} iteration{'s' if iterations != 1 else ''} "
          f"({trainer.epoch} epoch{'s' if trainer.epoch != 1 else ''} completed) in {seconds:.2f} s")
    print(f"train loss: {train_loss:.10g}")
    print(f"test loss: {'none (no test data)' if test_loss is None else f'{test_loss:.10g}'}")
    if args.out:
        try:
            save_experiment(exp, args.out)
        except NetworkFileError as e:
            return report(e)
        print(f"wrote {args.out}")
    else:
        print("(not saved: give --out FILE to keep the trained network)")
    return 130 if interrupted else 0


def _install_sigint(handler):
    try:
        return signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread
        return None


def _restore_sigint(previous) -> None:
    if previous is not None:
        try:
            signal.signal(signal.SIGINT, previous)
        except ValueError:
            pass


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
