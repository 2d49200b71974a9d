"""``export FILE --to FORMAT --out PATH``: the window's text and model exports without a window (no Qt)."""

from __future__ import annotations

import argparse
import os
import stat

from .cli_errors import Output, failed, reason, say
from .cli_explain import computed_walkthrough
from .cli_read import read_network
from .cli_writable import check_writable

EXPORT_FORMATS = ("pytorch", "onnx", "markdown", "png", "svg")
#: drawn by the window's Qt scene: not available to a command that never loads Qt
DRAWN_FORMATS = ("png", "svg")


def cmd_export(args: argparse.Namespace, out: Output) -> int:
    """Write ``args.file`` as ``args.to`` to ``args.out``; the exit status."""
    if args.to in DRAWN_FORMATS:
        say(f"backprop-sandbox export: error: --to {args.to}: pictures are drawn by the desktop app "
            f"(File > Export in the window); the headless command exports pytorch, onnx and markdown")
        return 2
    check_writable(args.out, special_ok=True)
    data = _exported(args)
    _write(args.out, data)
    out.line(f"wrote {args.out}")
    return 0


def _exported(args: argparse.Namespace) -> bytes:
    """The bytes of the export; whatever the exporter refuses is one ``export:`` line."""
    path = args.file
    if args.to == "markdown":
        from .explain import to_markdown

        return to_markdown(computed_walkthrough(path, 0, 0, "backprop-sandbox export")).encode("utf-8")
    from .files import NetworkFileError

    experiment = read_network(path)
    try:
        if args.to == "pytorch":
            from .export.pytorch_script import pytorch_script

            script = pytorch_script(experiment) if args.epochs is None else pytorch_script(experiment, args.epochs)
            return script.encode("utf-8")
        from .export.onnx_export import experiment_to_onnx

        return bytes(experiment_to_onnx(experiment).SerializeToString())
    except NetworkFileError as e:  # said of the network: said of this file
        raise NetworkFileError(path, e.problems) from None
    except ImportError as e:  # ONNX is optional
        raise failed(path, "export", f"cannot export to {args.to}: {reason(e)}") from None
    except MemoryError:
        raise failed(path, "export", f"cannot export to {args.to}: not enough memory") from None
    except (ValueError, TypeError, ArithmeticError, RecursionError) as e:  # UnicodeError too
        raise failed(path, "export", f"cannot export to {args.to}: {reason(e)}") from None


def _write(path: str, data: bytes) -> None:
    """Atomically into a regular file; in place into a device or pipe (``/dev/stdout``)."""
    from .files.save import write_atomically

    try:
        special = os.path.exists(path) and not stat.S_ISREG(os.stat(path).st_mode)
        if not special:
            write_atomically(path, data)  # NetworkFileError with its reason, going up as it is
            return
        with open(path, "wb") as f:
            f.write(data)
    except OSError as e:
        raise failed(path, "file", f"could not be written: {reason(e)}") from None
