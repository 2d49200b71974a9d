"""Export ▸ Exercise Sheet…'s questions before the file name: what to ask, in which format, with an answer key."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from sandbox.practice.questions import ASK_KINDS, ASK_TITLES

#: format key → (menu text, file extension, file-dialog filter)
SHEET_FORMATS: dict[str, tuple[str, str, str]] = {
    "pdf": ("PDF (a printed handout)", ".pdf", "PDF documents (*.pdf)"),
    "markdown": ("Markdown (course notes)", ".md", "Markdown (*.md)"),
    "latex": ("LaTeX", ".tex", "LaTeX (*.tex)"),
    "json": ("JSON (the network and the questions with their answers)", ".json", "JSON (*.json)"),
}


@dataclass(frozen=True)
class SheetChoice:
    """What the teacher chose: ``ask`` one of ASK_KINDS, ``format`` a key of SHEET_FORMATS, ``answers``
    whether the answer key is written beside the sheet (JSON holds the answers itself: never)."""

    ask: str = "all"
    format: str = "pdf"
    answers: bool = True


class ExerciseSheetDialog(QDialog):
    """The choices of an exercise sheet for the current network (objectName ``exerciseSheetDialog``)."""

    def __init__(self, parent: QWidget | None = None, choice: SheetChoice = SheetChoice()):
        super().__init__(parent)
        self.setObjectName("exerciseSheetDialog")
        self.setWindowTitle("Exercise Sheet")
        form = QFormLayout(self)
        intro = QLabel("A sheet of questions on the current network's next update, and its answer key "
                       "with every step worked.")
        intro.setWordWrap(True)
        form.addRow(intro)
        self.ask = QComboBox()
        self.ask.setObjectName("exerciseAsk")
        for kind in ASK_KINDS:
            self.ask.addItem(ASK_TITLES[kind], kind)
        self.ask.setCurrentIndex(ASK_KINDS.index(choice.ask))
        form.addRow("&Ask for:", self.ask)
        self.format = QComboBox()
        self.format.setObjectName("exerciseFormat")
        for key, (text, _, _) in SHEET_FORMATS.items():
            self.format.addItem(text, key)
        self.format.setCurrentIndex(list(SHEET_FORMATS).index(choice.format))
        form.addRow("&Format:", self.format)
        self.answers = QCheckBox("Also write the answer key (NAME-answers beside the sheet)")
        self.answers.setObjectName("exerciseAnswers")
        self.answers.setChecked(choice.answers)
        form.addRow(self.answers)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Choose File…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.format.currentIndexChanged.connect(self._format_changed)
        self._format_changed()

    def _format_changed(self) -> None:
        json = self.format.currentData() == "json"
        self.answers.setEnabled(not json)
        self.answers.setToolTip("The JSON holds every question's answer itself" if json else "")

    def choice(self) -> SheetChoice:
        fmt = str(self.format.currentData())
        return SheetChoice(str(self.ask.currentData()), fmt, self.answers.isChecked() and fmt != "json")


def ask_sheet_choice(parent: QWidget | None, choice: SheetChoice = SheetChoice()) -> SheetChoice | None:
    """The dialog, modal; None when cancelled (tests patch this function)."""
    dialog = ExerciseSheetDialog(parent, choice)
    try:
        return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()
