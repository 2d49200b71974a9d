"""Export ▸ Exercise Sheet… in the window: the dialog's choices, then the sheet and its answer key beside it for
the current network; every number of the key is the engine's walkthrough's."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypdf
import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from sandbox.engine.numbers import fmt
from sandbox.engine.trainer import Trainer
from sandbox.files import load_experiment
from sandbox.gui.lecture import exercise_sheet_dialog
from sandbox.gui.lecture.exercise_sheet_dialog import ExerciseSheetDialog, SheetChoice
from sandbox.practice.questions import ASK_KINDS, step_category

ROOT = Path(__file__).resolve().parents[1]
LECTURE = ROOT / "resources" / "networks" / "lecture17-linear.json"


@pytest.fixture
def window(qtbot, monkeypatch, isolated_settings):
    errors: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda *a, **k: errors.append(a[2])))
    from sandbox.gui import MainWindow

    w = MainWindow(str(LECTURE))
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    w.errors = errors
    yield w
    w.lecture_views.shutdown()


def choose(monkeypatch, choice: SheetChoice | None) -> None:
    monkeypatch.setattr(exercise_sheet_dialog, "ask_sheet_choice", lambda *a, **k: choice)


def save_to(monkeypatch, path: Path) -> list[str]:
    asked: list[str] = []

    def ask(parent, title, suggestion, file_filter):
        asked.append(suggestion)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(ask))
    return asked


def export(window) -> Path | None:
    action = window.findChild(QAction, "exportExerciseSheetAction")
    assert action is not None and action.text() == "&Exercise Sheet…"
    return window.lecture_views.export_exercise_sheet()


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path) -> str:
    return squeezed("".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages))


def asked_values(kinds: set[str]) -> list[str]:
    """The lecture's next update as the engine computes it: the shown value of every step asked."""
    w = Trainer(load_experiment(str(LECTURE))).walkthrough()
    return [fmt(step.value) for step in w.steps
            if (category := step_category(step, w)) is not None and ("all" in kinds or category in kinds)]


def test_the_dialog_offers_every_kind_and_format(qtbot):
    dialog = ExerciseSheetDialog()
    qtbot.addWidget(dialog)
    assert [dialog.ask.itemData(k) for k in range(dialog.ask.count())] == list(ASK_KINDS)
    assert [dialog.format.itemData(k) for k in range(dialog.format.count())] == ["pdf", "markdown", "latex", "json"]
    assert dialog.choice() == SheetChoice("all", "pdf", True)
    dialog.ask.setCurrentIndex(ASK_KINDS.index("update"))
    dialog.format.setCurrentIndex(1)
    dialog.answers.setChecked(False)
    assert dialog.choice() == SheetChoice("update", "markdown", False)
    dialog.answers.setChecked(True)
    dialog.format.setCurrentIndex(3)  # the JSON holds the answers: no key beside it
    assert not dialog.answers.isEnabled() and dialog.choice() == SheetChoice("update", "json", False)


def test_a_pdf_sheet_and_its_answer_key(window, monkeypatch, tmp_path):
    choose(monkeypatch, SheetChoice("all", "pdf", True))
    asked = save_to(monkeypatch, tmp_path / "week3")  # typed without an extension
    assert export(window) == tmp_path / "week3.pdf"
    assert asked and asked[0].endswith("-exercise.pdf")
    sheet, key = tmp_path / "week3.pdf", tmp_path / "week3-answers.pdf"
    assert sheet.read_bytes().startswith(b"%PDF-") and key.read_bytes().startswith(b"%PDF-")
    assert window.errors == []
    sheet_text, key_text = pdf_text(sheet), pdf_text(key)
    values = asked_values({"all"})
    assert len(values) >= 20
    for value in values:
        assert squeezed(value) in key_text, value
    # the sheet asks, it does not tell: Δ = −0.809 and the new w5 0.1743825 are in the key only
    for value in ("−0.809", "0.1743825"):
        assert value in values and value not in sheet_text and value in key_text
    assert "answerkey" in key_text and "answerkey" not in sheet_text
    assert window.statusBar().currentMessage() == "Exported week3.pdf"


def test_a_markdown_sheet_asks_only_what_was_chosen(window, monkeypatch, tmp_path):
    choose(monkeypatch, SheetChoice("update", "markdown", True))
    save_to(monkeypatch, tmp_path / "updates.md")
    assert export(window) == tmp_path / "updates.md"
    key = (tmp_path / "updates-answers.md").read_text(encoding="utf-8")
    values = asked_values({"update"})
    assert "0.1743825" in values and len(values) == 6  # the six new weights of the lecture's network
    for value in values:
        assert value in key, value
    assert "−0.809" in asked_values({"output_gradient"})


def test_json_is_one_file_whose_answers_are_the_walkthroughs(window, monkeypatch, tmp_path):
    choose(monkeypatch, SheetChoice("output_gradient", "json", True))
    save_to(monkeypatch, tmp_path / "sheet.json")
    assert export(window) == tmp_path / "sheet.json"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["sheet.json"]
    document = json.loads((tmp_path / "sheet.json").read_text(encoding="utf-8"))
    assert [fmt(q["answer"]) for q in document["questions"]] == asked_values({"output_gradient"})
    assert document["network"]["name"] == load_experiment(str(LECTURE)).name


def test_cancelling_the_dialog_writes_nothing(window, monkeypatch, tmp_path):
    choose(monkeypatch, None)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: pytest.fail("asked a file")))
    assert export(window) is None
    assert list(tmp_path.glob("*.pdf")) == []


def test_a_sheet_that_cannot_be_written_is_said_in_a_message(window, monkeypatch, tmp_path):
    choose(monkeypatch, SheetChoice("all", "pdf", True))
    save_to(monkeypatch, tmp_path / "gone" / "sheet.pdf")
    assert export(window) is None
    message, = window.errors
    assert message.startswith("Could not export the exercise sheet:") and "gone" in message
    assert window.statusBar().currentMessage() == "Could not export the exercise sheet"


@pytest.mark.parametrize("seed", [4172, 7, 31])
def test_no_question_is_cut_by_a_page_break(qapp, seed):
    from sandbox.gui import sheet_pdf
    from sandbox.practice.exercise import make_exercise
    from sandbox.practice.sheets import sheet_html

    ex = make_exercise(seed, "2-3-1", "sigmoid")
    for answers in (False, True):
        document = sheet_pdf.sheet_document(sheet_html(ex, answers), sheet_pdf.network_image(ex.experiment))
        height = document.pageSize().height()
        assert document.pageCount() >= 2  # the tables do run over pages
        for table in sheet_pdf._tables(document):
            heading = sheet_pdf._heading_above(document, table)
            if heading is not None:  # never left alone at the foot of a page
                heading_top = document.documentLayout().blockBoundingRect(heading).top()
                assert int(heading_top // height) == int(sheet_pdf._row_span(document, table, 0)[0] // height)
            for row in range(table.rows()):
                top, bottom = sheet_pdf._row_span(document, table, row)
                assert int(top // height) == int((bottom - 0.5) // height), (seed, answers, row)
