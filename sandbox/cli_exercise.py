"""``exercise``: a practice sheet and its answer key for a random small network, without a window.

``backprop-sandbox exercise [--seed N] [--shape 2-2-1] [--activation NAME] [--loss mse|bce] [--ask WHAT]
[--format markdown|latex|pdf|json] [--out PATH] [--answers PATH] [--network-out PATH]``. Without ``--seed`` a
seed is drawn and said on stderr (``exercise 4172``) so that a class can share it; the same seed and options give
the same bytes. The sheet goes to ``--out`` (else stdout), the answer key in the same format to ``--answers``, the
network file to ``--network-out`` (it opens in the window). This process never imports Qt: a PDF is drawn by
``sandbox.cli_pdf`` in a child process.
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
from pathlib import Path
from typing import Any

from .cli_errors import CommandFailed, Output, failed, reason, say
from .cli_writable import check_writable, same_file

FORMATS = ("markdown", "latex", "pdf", "json")
#: a drawn seed has four digits: easy to say in class
SEED_RANGE = (1000, 10_000)


# ---- arguments ----------------------------------------------------------------------------------------

def _seed(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= n < 2**63:
        raise argparse.ArgumentTypeError(f"must be from 0 to 2^63 − 1, got {n}")
    return n


def _shape(text: str) -> str:
    from .practice.exercise import parse_shape

    try:
        return "-".join(map(str, parse_shape(text)))
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _activation(text: str) -> str:
    from .practice.exercise import activation_name

    try:
        return activation_name(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def add_exercise_parser(sub: Any) -> argparse.ArgumentParser:
    """The ``exercise`` subcommand's arguments."""
    from .practice.questions import ASK_KINDS, ASK_TITLES

    p: argparse.ArgumentParser = sub.add_parser(
        "exercise", help="write a practice sheet and its answer key for a random small network",
        description="Write an exercise sheet for one update by hand: a random small network drawn from a seed "
                    "(weights and inputs with one or two decimals), its inputs, target, loss and η, and numbered "
                    "questions; --answers writes the answer key with every worked step. The same seed and "
                    "options give the same bytes.",
        epilog="What --ask asks: " + "; ".join(f"{k}: {ASK_TITLES[k].lower()}" for k in ASK_KINDS) + ".")
    p.add_argument("--seed", type=_seed, metavar="N", help="the exercise's seed (default: drawn, and said on stderr)")
    p.add_argument("--shape", type=_shape, default="2-2-1", metavar="SHAPE",
                   help="layer sizes, inputs first, such as 2-2-1, 2-3-1 or 3-2-2 (2-2-1)")
    p.add_argument("--activation", type=_activation, default="identity", metavar="NAME",
                   help="the hidden layers' activation: identity, logistic (sigmoid), tanh or relu (identity); "
                        "the output is linear for mse and logistic for bce")
    p.add_argument("--loss", choices=("mse", "bce"), default="mse",
                   help="½ squared error (mse) or binary cross-entropy (bce) (mse)")
    p.add_argument("--biases", action="store_true", help="give every neuron a bias")
    p.add_argument("--ask", choices=ASK_KINDS, default="all", metavar="WHAT",
                   help=f"what is asked: {', '.join(ASK_KINDS)} (all)")
    p.add_argument("--format", choices=FORMATS, default="markdown", help="the sheet's format (markdown)")
    p.add_argument("--out", metavar="PATH", help="write the sheet here (default: stdout; pdf needs it)")
    p.add_argument("--answers", metavar="PATH", help="write the answer key here, in the same format")
    p.add_argument("--network-out", metavar="PATH", help="write the network file here (it opens in the window)")
    return p


def check_exercise_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Usage errors argparse cannot see (status 2): a PDF needs --out; two outputs may not be one file."""
    if args.format == "pdf" and not args.out:
        parser.error("exercise --format pdf needs --out PATH (a PDF is not written to the terminal)")
    paths = [(name, p) for name, p in (("--out", args.out), ("--answers", args.answers),
                                       ("--network-out", args.network_out)) if p]
    for (a, pa), (b, pb) in zip(paths, paths[1:] + paths[:1]):
        if a != b and same_file(pa, pb):
            parser.error(f"exercise: {a} and {b} name the same file ({pa})")


# ---- the command --------------------------------------------------------------------------------------

def cmd_exercise(args: argparse.Namespace, out: Output) -> int:
    """Write the sheet, the answer key and the network file; the exit status."""
    from .practice.exercise import make_exercise

    seed = args.seed
    if seed is None:
        seed = SEED_RANGE[0] + secrets.randbelow(SEED_RANGE[1] - SEED_RANGE[0])
        say(f"exercise {seed}")
    for path in (args.out, args.answers):
        if path:
            check_writable(path, special_ok=True)
    if args.network_out:
        check_writable(args.network_out)
    ex = make_exercise(seed, args.shape, args.activation, args.loss, args.ask, biases=args.biases)
    done: list[str] = []
    if args.network_out:
        _save_network(ex, args.network_out)
        done.append(args.network_out)
    if args.format == "pdf":
        _write_pdfs(ex, args.out, args.answers)
        done += [p for p in (args.out, args.answers) if p]
    else:
        if args.answers:
            _write_text(args.answers, _rendered(ex, args.format, True))
            done.append(args.answers)
        sheet = _rendered(ex, args.format, False)
        if args.out:
            _write_text(args.out, sheet)
            done.insert(0, args.out)
        else:
            out.write(sheet)
    for path in done:
        if args.out:
            out.line(f"wrote {path}")
        else:
            say(f"wrote {path}")  # stdout holds the sheet
    return 0


def _rendered(ex: Any, fmt: str, answers: bool) -> str:
    from .practice import sheets

    if fmt == "json":
        return sheets.dumps_sheet_json(ex)  # the questions with their answers: sheet and key alike
    if fmt == "latex":
        return sheets.sheet_latex(ex, answers)
    return sheets.sheet_markdown(ex, answers)


def _write_text(path: str, text: str) -> None:
    from .cli_export import _write

    _write(path, text.encode("utf-8"))


def _save_network(ex: Any, path: str) -> None:
    """The network file, written atomically by the files' saver."""
    from .files import NetworkFileError
    from .files.save import save_experiment

    try:
        save_experiment(ex.experiment, path)
    except NetworkFileError as e:
        raise CommandFailed(e.lines()) from None
    except OSError as e:
        raise failed(path, "file", f"could not be written: {reason(e)}") from None


def _write_pdfs(ex: Any, sheet: str, answers: str | None) -> None:
    """The sheet (and the key) as PDF, drawn in a child process with the network's picture."""
    from .cli_pdf import PdfFailed, write_pdf_in_child
    from .practice.sheets import sheet_html, title_of

    with tempfile.TemporaryDirectory(prefix="backprop-sandbox-") as folder:
        network = Path(folder) / "exercise.json"  # what the child draws
        _save_network(ex, str(network))
        for path, key in ((sheet, False), (answers, True)):
            if not path:
                continue
            try:
                write_pdf_in_child(sheet_html(ex, key), Path(path), network, title_of(ex, key))
            except PdfFailed as e:
                message = str(e)
                raise CommandFailed([message if message.startswith(f"{path}: ") else f"{path}: pdf: {message}"]) \
                    from None
