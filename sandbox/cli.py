"""The ``backprop-sandbox`` command: the desktop app, and the headless ``explain``, ``train``, ``validate``, ``export``,
``exercise``; ``doctor`` checks what the desktop app needs.

Exit status: 0 success; 1 a file is unreadable, invalid, cannot be trained, explained or written, or an
output failed (``error: FILE: where: what`` lines on stderr, never a traceback); 2 wrong usage; 130
stopped with Ctrl-C (``train`` still writes what was trained to ``--out``); 141 stdout was a pipe closed
early (``explain FILE | head``: the command stops quietly). The headless subcommands never import Qt;
each runs inside ``cli_errors.guarded``.
"""

from __future__ import annotations

import argparse
import sys

from . import qt_check
from .cli_errors import INTERRUPTED_STATUS, Output, guarded
from .cli_exercise import add_exercise_parser, check_exercise_args, cmd_exercise
from .cli_explain import cmd_explain
from .cli_export import EXPORT_FORMATS, cmd_export
from .cli_read import read_network
from .cli_train import cmd_train
from .doctor import cmd_doctor, version

SUBCOMMANDS = ("explain", "train", "validate", "export", "exercise", "doctor")
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
        epilog=f"'{PROG} FILE' opens FILE in the desktop app. Subcommands never open a window. Exit status: 0 "
               f"success; 1 a file could not be read, used or written ('error: FILE: where: what' lines on stderr); "
               f"2 wrong usage; 130 stopped with Ctrl-C; 141 stdout was a pipe that closed early (as with "
               f"'| head'), which ends the command quietly.")
    parser.add_argument("--version", action="version", version=f"{PROG} {version()}")
    sub = parser.add_subparsers(dest="command", metavar="{explain,train,validate,export,exercise,doctor}")

    p = sub.add_parser("explain", help="print one whole gradient-descent update as a worked example",
                       description="Print one gradient-descent update on batch K as a worked example: forward "
                                   "values (of sample S of the batch), the loss, every gradient by the chain rule "
                                   "with its numbers, every weight update, and the prediction afterwards.")
    p.add_argument("file", metavar="FILE", help="network file (.json)")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text", help="output format (text)")
    p.add_argument("--batch", type=_index, default=0, metavar="K", help="batch of the first epoch (0)")
    p.add_argument("--sample", type=_index, default=0, metavar="S", help="sample of the batch whose forward "
                                                                          "values are shown (0)")
    p.add_argument("--full", action="store_true",
                   help="write out every neuron, gradient and weight update (by default a layer writes out the "
                        "first 32 of each kind and one summary line for the rest)")

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

    p = sub.add_parser("export", help="export a network without a window",
                       description="Write the network as a PyTorch script, an ONNX model, the Markdown of its "
                                   "next update, or its picture as PNG or SVG (what the window's File > Export "
                                   "writes; the picture is drawn by Qt offscreen in a child process).")
    p.add_argument("file", metavar="FILE", help="network file (.json)")
    p.add_argument("--to", required=True, choices=EXPORT_FORMATS, help="what to write")
    p.add_argument("--out", required=True, metavar="PATH", help="where to write it")
    p.add_argument("--epochs", type=_positive, metavar="N", help="pytorch: the epochs the script trains by default")

    add_exercise_parser(sub)

    sub.add_parser("doctor", help="check what the desktop app needs on this machine",
                   description="Print the versions of Python, numpy, PySide6 (Qt) and pyqtgraph, the optional "
                               "torch and onnx, the Qt platform and display the window would use, the system "
                               "libraries Qt's platform plugin misses, and a verdict. Exit status 0 when the "
                               "window can start, 1 otherwise.")
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
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command == "exercise":
            check_exercise_args(parser, args)
        return run_subcommand(args)
    args = build_gui_parser().parse_args(argv)
    return cmd_gui(args.file)


def run_subcommand(args: argparse.Namespace) -> int:
    """A headless command, guarded: it ends with a status and ``error:`` lines, never a traceback."""
    out = Output()
    if args.command == "validate":
        status = cmd_validate(args, out)
    elif args.command == "explain":
        status = guarded(args.file, "explaining the update", lambda: cmd_explain(args, out, PROG))
    elif args.command == "train":
        status = guarded(args.file, "training", lambda: cmd_train(args, out))
    elif args.command == "export":
        status = guarded(args.file, f"exporting to {args.to}", lambda: cmd_export(args, out))
    elif args.command == "exercise":
        status = guarded("exercise", "writing the exercise", lambda: cmd_exercise(args, out))
    elif args.command == "doctor":
        status = cmd_doctor(out.line)
    else:  # pragma: no cover - argparse exits for anything else
        status = 2
    return out.finish(status)


def _make_output_safe() -> None:
    """Never crash printing a formula on a terminal that cannot show ∂ or η."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass


# ---- the desktop app ------------------------------------------------------------------------------

def cmd_gui(path: str | None) -> int:
    """The desktop app; when Qt cannot start here (no display, a missing system library), one paragraph saying
    what is missing and how to get it, and 1 (Qt itself would abort with a core dump)."""
    found = qt_check.check()
    if not found.ok:
        print(qt_check.failure_paragraph(found), file=sys.stderr)
        return 1
    try:
        from .gui.app import run
    except Exception as e:  # Qt missing, no display plugin, app not built: one line, no traceback
        print(f"error: the desktop app cannot start: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return int(run(path) or 0)


# ---- validate ---------------------------------------------------------------------------------------

def cmd_validate(args: argparse.Namespace, out: Output) -> int:
    """``FILE: ok`` or the file's problems, for every file however bad the one before it was."""
    status = 0
    for path in args.files:
        def check(path: str = path) -> int:
            read_network(path)
            out.line(f"{path}: ok")
            return 0

        result = guarded(path, "validating", check)
        if result == INTERRUPTED_STATUS or out.failure is not None:
            return result or status
        status = status or result
    return status


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
