"""An exercise sheet as PDF: drawn by Qt in a child process (``sandbox.gui.sheet_pdf``), the calling process
never imports Qt; the text is in the PDF (read back with pypdf), a failure is one clean line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from sandbox import cli_pdf
from sandbox.cli_pdf import PdfFailed, write_pdf_in_child

ROOT = Path(__file__).resolve().parents[1]
LECTURE = ROOT / "resources" / "networks" / "lecture17-linear.json"
QT = ("PySide6", "shiboken6", "pyqtgraph", "sandbox.gui")

SHEET = """<h1>Exercise 4172: one update by hand</h1>
<p>Learning rate η = 0.05, loss E = ½(y − y*)².</p>
<h2>Questions</h2>
<table><tr><th>#</th><th>question</th><th>answer</th></tr>
<tr><td>1</td><td>h1 = i1·w1 + i2·w2</td><td></td></tr>
<tr><td>2</td><td>Δ = ∂E/∂y = y − y*</td><td></td></tr>
<tr><td>3</td><td>w5 ← w5 − η·h1·Δ</td><td></td></tr></table>
"""


def squeezed(text: str) -> str:
    """Text without any white space (pypdf breaks lines and puts tabs between words where it likes)."""
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(str(path))
    return reader, squeezed("".join(page.extract_text() for page in reader.pages))


def test_the_sheet_is_a_pdf_with_its_questions_title_and_page_numbers(tmp_path):
    out = tmp_path / "sheet.pdf"
    write_pdf_in_child(SHEET, out, title="Exercise 4172")
    assert out.read_bytes().startswith(b"%PDF-")
    reader, text = pdf_text(out)
    assert len(reader.pages) == 1
    for line in ("Exercise 4172: one update by hand", "h1 = i1·w1 + i2·w2", "Δ = ∂E/∂y = y − y*",
                 "w5 ← w5 − η·h1·Δ", "E = ½(y − y*)²", "Page 1 of 1", "Backprop Sandbox"):
        assert squeezed(line) in text, line
    assert reader.metadata is not None and reader.metadata.title == "Exercise 4172"
    box = reader.pages[0].mediabox  # A4 in points
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert image_widths(reader.pages[0]) == []  # no network asked for, none drawn


def image_widths(page: pypdf.PageObject) -> list[int]:
    """The pixel widths of the images drawn on ``page`` (read from the PDF's objects: no Pillow needed)."""
    objects = page["/Resources"].get_object().get("/XObject", {})
    found = [objects[name].get_object() for name in objects]
    return [int(x["/Width"]) for x in found if x.get("/Subtype") == "/Image"]


def test_the_network_is_drawn_on_the_sheet(tmp_path):
    out = tmp_path / "sheet.pdf"
    write_pdf_in_child(SHEET, out, LECTURE, "Lecture")
    width, = image_widths(pypdf.PdfReader(str(out)).pages[0])
    assert width > 1000  # sharp when printed


def test_a_long_sheet_runs_over_pages_each_numbered(tmp_path):
    rows = "".join(f"<tr><td>{k}</td><td>question number {k}</td></tr>" for k in range(1, 121))
    out = tmp_path / "long.pdf"
    write_pdf_in_child(f"<h1>Many</h1><table>{rows}</table>", out, title="Many")
    reader, text = pdf_text(out)
    pages = len(reader.pages)
    assert pages >= 2
    for k in range(1, pages + 1):
        assert squeezed(f"Page {k} of {pages}") in squeezed(reader.pages[k - 1].extract_text())
    assert "questionnumber1" in text and "questionnumber120" in text


def test_a_drawing_process_that_fails_is_one_clean_line(tmp_path, monkeypatch):
    fake = tmp_path / "fake" / "PySide6"  # a Qt that cannot be loaded, found first by the child only
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no Qt here')\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(fake.parent))
    out = tmp_path / "sheet.pdf"
    with pytest.raises(PdfFailed) as caught:
        write_pdf_in_child(SHEET, out)
    assert str(caught.value) == "cannot write the PDF: ImportError: no Qt here"
    assert not out.exists()


def test_a_network_that_does_not_load_is_said_by_the_child(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(PdfFailed) as caught:
        write_pdf_in_child(SHEET, tmp_path / "sheet.pdf", bad)
    message = str(caught.value)
    assert message.startswith(f"cannot write the PDF: {bad}: ") and "\n" not in message and "Traceback" not in message


def test_a_module_that_cannot_start_is_one_clean_line(tmp_path, monkeypatch):
    monkeypatch.setattr(cli_pdf, "PDF_MODULE", "sandbox.gui.no_such_module")
    with pytest.raises(PdfFailed) as caught:
        write_pdf_in_child(SHEET, tmp_path / "sheet.pdf")
    assert "No module named sandbox.gui.no_such_module" in str(caught.value)


def test_an_out_that_cannot_be_written_is_one_clean_line(tmp_path):
    out = tmp_path / "gone" / "sheet.pdf"
    with pytest.raises(PdfFailed) as caught:
        write_pdf_in_child(SHEET, out)
    assert str(caught.value).startswith(f"{out}: ") and "\n" not in str(caught.value)


def test_the_calling_process_never_imports_qt(tmp_path):
    out = tmp_path / "sheet.pdf"
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from sandbox.cli_pdf import write_pdf_in_child\n"
        f"write_pdf_in_child('<h1>Sheet</h1><p>∂E/∂w5</p>', Path({str(out)!r}), Path({str(LECTURE)!r}), 'T')\n"
        f"qt = [m for m in sys.modules if m.startswith({QT!r})]\n"
        "assert not qt, qt\n"
        "print('no Qt')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "no Qt"
    assert out.read_bytes().startswith(b"%PDF-")
