"""An exercise sheet's HTML as an A4 PDF without importing Qt here: ``python -m sandbox.gui.sheet_pdf`` draws it
in a child process on Qt's offscreen platform (``sandbox.qt_child``), as ``export --to png`` draws a network."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from .cli_errors import reason
from .qt_child import ChildFailed, run_qt_child

PDF_MODULE = "sandbox.gui.sheet_pdf"
#: seconds the child may take (starting Qt and drawing a small network take about one)
PDF_TIMEOUT = 300.0


class PdfFailed(Exception):
    """The PDF could not be written; the message is one line saying why."""


def pdf_bytes_in_child(html: str, network_file: Path | None = None, title: str = "") -> bytes:
    """The sheet ``html`` as a PDF's bytes, drawn in a child process (with ``network_file``'s picture)."""
    with tempfile.TemporaryDirectory(prefix="backprop-sandbox-") as folder:
        source = Path(folder) / "sheet.html"
        pdf = Path(folder) / "sheet.pdf"
        try:
            source.write_text(html, encoding="utf-8")
        except OSError as e:
            raise PdfFailed(f"cannot write the PDF: the sheet could not be handed over: {reason(e)}") from None
        arguments = ["--html", str(source), "--out", str(pdf), "--title", title]
        if network_file is not None:
            arguments += ["--network", str(network_file)]
        try:
            run_qt_child(PDF_MODULE, arguments, timeout=PDF_TIMEOUT)
        except ChildFailed as e:
            raise PdfFailed(f"cannot write the PDF: {e}") from None
        try:
            return pdf.read_bytes()
        except OSError as e:
            raise PdfFailed(f"cannot write the PDF: it was not written: {reason(e)}") from None


def write_pdf_in_child(html: str, out: Path, network_file: Path | None = None, title: str = "") -> None:
    """Write the sheet ``html`` as a PDF to ``out``: atomically into a regular file, as it is into a device
    or pipe (``/dev/stdout``); ``PdfFailed`` (one line) when it cannot."""
    data = pdf_bytes_in_child(html, network_file, title)
    try:
        special = os.path.exists(out) and not stat.S_ISREG(os.stat(out).st_mode)
        if special:
            with open(out, "wb") as f:
                f.write(data)
            return
        from .files import NetworkFileError
        from .files.save import write_atomically

        try:
            write_atomically(out, data)
        except NetworkFileError as e:
            raise PdfFailed("; ".join(e.lines())) from None
    except OSError as e:
        raise PdfFailed(f"{out}: could not be written: {reason(e)}") from None
