"""The files of Export ▸ Exercise Sheet…: the sheet and its answer key beside it (NAME.pdf, NAME-answers.pdf),
written by the practice package's sheets (the same texts as ``backprop-sandbox exercise``); a PDF is drawn here,
in the window's process, by ``sandbox.gui.sheet_pdf``."""

from __future__ import annotations

from pathlib import Path

from sandbox.files.save import write_atomically
from sandbox.practice import sheets
from sandbox.practice.exercise import Exercise

ANSWERS_TAIL = "-answers"


def answers_path(path: Path) -> Path:
    """The answer key's file beside the sheet's: ``week3.pdf`` → ``week3-answers.pdf``."""
    return path.with_name(f"{path.stem}{ANSWERS_TAIL}{path.suffix}")


def write_sheet(ex: Exercise, path: Path, fmt: str, answers: bool) -> Path:
    """One file: the sheet (``answers`` False) or its key, as ``fmt`` (pdf, markdown, latex or json)."""
    if fmt == "pdf":
        from sandbox.gui.sheet_pdf import write_pdf

        return write_pdf(sheets.sheet_html(ex, answers), path, title=sheets.title_of(ex, answers),
                         experiment=ex.experiment)
    if fmt == "markdown":
        text = sheets.sheet_markdown(ex, answers)
    elif fmt == "latex":
        text = sheets.sheet_latex(ex, answers)
    elif fmt == "json":
        text = sheets.dumps_sheet_json(ex)
    else:
        raise ValueError(f"no exercise sheet format {fmt!r}")
    write_atomically(path, text.encode("utf-8"))
    return path


def write_exercise_files(ex: Exercise, path: Path, fmt: str, answers: bool = True) -> list[Path]:
    """The sheet at ``path`` and, when ``answers``, its key beside it (JSON holds its answers: no key); the
    files written."""
    written = [write_sheet(ex, path, fmt, answers=False)]
    if answers and fmt != "json":
        written.append(write_sheet(ex, answers_path(path), fmt, answers=True))
    return written
