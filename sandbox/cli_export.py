"""``export FILE --to FORMAT --out PATH``: the window's exports without a window.

This process never imports Qt. The pictures (png, svg) are the window's own Export ▸ Network Picture, drawn by
``python -m sandbox.gui.network_picture`` in a child process on Qt's offscreen platform; the file is validated
here first (refused as for every format), and a child's failure is one ``error:`` line of this command.
"""

from __future__ import annotations

import argparse
import os
import stat
import tempfile
from pathlib import Path

from .cli_errors import Output, failed, reason
from .cli_explain import computed_walkthrough
from .cli_read import read_network
from .cli_writable import check_writable
from .qt_child import ChildFailed, run_qt_child

EXPORT_FORMATS = ("pytorch", "onnx", "markdown", "png", "svg")
#: drawn by the window's Qt scene, in a child process (``sandbox.gui.network_picture``)
DRAWN_FORMATS = ("png", "svg")
PICTURE_MODULE = "sandbox.gui.network_picture"


def cmd_export(args: argparse.Namespace, out: Output) -> int:
    """Write ``args.file`` as ``args.to`` to ``args.out``; the exit status."""
    check_writable(args.out, special_ok=True)
    data = _exported(args)
    _write(args.out, data)
    out.line(f"wrote {args.out}")
    return 0


def _exported(args: argparse.Namespace) -> bytes:
    """The bytes of the export; whatever the exporter refuses is one ``export:`` line."""
    path = args.file
    if args.to in DRAWN_FORMATS:
        read_network(path)  # a file that does not validate is refused here, as for every format
        return _drawn(path, args.to)
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


def _drawn(path: str, to: str) -> bytes:
    """The network picture, drawn by the window's exporter in a child process (Qt offscreen) into a
    temporary folder; its ``error:`` lines (or how it ended) become this command's one ``export:`` line."""
    with tempfile.TemporaryDirectory(prefix="backprop-sandbox-") as folder:
        picture = os.path.join(folder, f"network.{to}")
        try:
            run_qt_child(PICTURE_MODULE, ["--to", to, "--out", picture, "--", path])
        except ChildFailed as e:
            raise failed(path, "export", f"cannot export to {to}: {e}") from None
        try:
            return Path(picture).read_bytes()
        except OSError as e:
            raise failed(path, "export", f"cannot export to {to}: the picture was not written: {reason(e)}") from None


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
