"""The answer bar of practice mode (objectName ``practiceBar``), above the network, under the toolbar: the
answer field (``practiceAnswer``: Enter submits), Check, Hint and Show answer, what is asked (``practiceAsk``);
below them the verdict (``practiceFeedback``) and the session's score (``practiceScore``). It shows what the
controller tells it and signals what the student did; it decides nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sandbox.practice.questions import ASK_KINDS, ASK_TITLES

#: how a number may be typed: no value of the lecture's update (the lecture's Δ is −0.809, its h1 0.85)
EXAMPLE = "e.g. −1.25, 0,5 or 1/4"

#: the verdict's colours: (text, background, border)
TONES = {
    "right": ("#065f46", "#ecfdf5", "#34d399"),
    "wrong": ("#9a3412", "#fff7ed", "#fb923c"),
    "shown": ("#1e3a8a", "#eff6ff", "#93c5fd"),
    "info": ("#334155", "#f8fafc", "#cbd5e1"),
}

STYLE = """
#practiceBar { background: #fffbeb; border-top: 1px solid #fcd34d; border-bottom: 1px solid #fcd34d; }
#practiceBar QLabel { color: #1e293b; }
#practiceTitle { font-weight: 700; color: #92400e; }
#practiceScore { color: #475569; font-size: 12px; }
#practiceSymbol { font-size: 15px; font-weight: 600; }
#practiceAnswer { font-size: 15px; padding: 3px 6px; border: 2px solid #f5b301; border-radius: 5px;
                  background: white; }
#practiceAnswer:disabled { border-color: #e2e8f0; background: #f8fafc; }
QPushButton { padding: 3px 10px; }
"""


class AnswerBar(QFrame):
    """What the student types and reads in practice mode."""

    submitted = Signal(str)
    hintRequested = Signal()
    revealRequested = Signal()
    askChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("practiceBar")
        self.setStyleSheet(STYLE)
        self.title = QLabel("Practice")
        self.title.setObjectName("practiceTitle")
        self.ask_combo = QComboBox()
        self.ask_combo.setObjectName("practiceAsk")
        self.ask_combo.setToolTip("Which quantities Step asks you to compute; the others it shows as usual")
        for kind in ASK_KINDS:
            self.ask_combo.addItem(ASK_TITLES[kind], kind)
        self.ask_combo.setCurrentIndex(ASK_KINDS.index("all"))
        self.ask_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.ask_combo.setMinimumContentsLength(16)
        self.ask_combo.activated.connect(lambda i: self.askChanged.emit(self.ask_combo.itemData(i)))
        self.score = QLabel()
        self.score.setObjectName("practiceScore")
        self.score.setToolTip("Questions of this session: right at the first try · right with hints · answer shown")
        self.symbol = QLabel()
        self.symbol.setObjectName("practiceSymbol")
        self.symbol.setTextFormat(Qt.TextFormat.RichText)
        self.answer = QLineEdit()
        self.answer.setObjectName("practiceAnswer")
        self.answer.setPlaceholderText(EXAMPLE)
        self.answer.setToolTip("Type the value to four significant digits (a new weight also its change to two) and "
                               "press Enter; a decimal comma, − and a fraction such as 1/2 all work")
        self.answer.setMinimumWidth(120)
        self.answer.setMaximumWidth(240)
        self.answer.returnPressed.connect(lambda: self.submitted.emit(self.answer.text()))
        self.check = QPushButton("Check")
        self.check.setObjectName("practiceCheck")
        self.check.setToolTip("Check the answer (Enter)")
        self.check.clicked.connect(lambda: self.submitted.emit(self.answer.text()))
        self.hint = QPushButton("Hint")
        self.hint.setObjectName("practiceHint")
        self.hint.setToolTip("Show the formula with the numbers put in")
        self.hint.clicked.connect(self.hintRequested)
        self.reveal = QPushButton("Show answer")
        self.reveal.setObjectName("practiceReveal")
        self.reveal.setToolTip("Show the worked step and its value (counts as shown)")
        self.reveal.clicked.connect(self.revealRequested)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(8)
        top.addWidget(self.symbol)
        top.addWidget(self.answer, 1)
        top.addWidget(self.check)
        top.addWidget(self.hint)
        top.addWidget(self.reveal)
        top.addStretch(0)
        top.addSpacing(12)
        top.addWidget(QLabel("Ask:"))
        top.addWidget(self.ask_combo)

        self.feedback = QLabel()
        self.feedback.setObjectName("practiceFeedback")
        self.feedback.setTextFormat(Qt.TextFormat.RichText)
        self.feedback.setWordWrap(True)
        self.feedback.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bottom = QHBoxLayout()
        bottom.addWidget(self.feedback, 1)
        bottom.addWidget(self.score, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(5)
        layout.addLayout(top)
        layout.addLayout(bottom)
        self.set_question(None)
        self.set_feedback("", "info")

    def set_ask(self, kind: str) -> None:
        self.ask_combo.setCurrentIndex(ASK_KINDS.index(kind))

    def set_question(self, symbol_html: str | None) -> None:
        """Ready for an answer to ``symbol_html`` (e.g. ``∂E/∂y``), or nothing asked (None)."""
        asking = symbol_html is not None
        self.symbol.setText(f"{symbol_html} =" if asking else "")
        self.symbol.setVisible(asking)
        for widget in (self.answer, self.check, self.hint, self.reveal):
            widget.setEnabled(asking)
        self.answer.clear()
        if asking:
            self.answer.setFocus()

    def set_feedback(self, html: str, tone: str) -> None:
        """The verdict or a note (empty: hidden)."""
        text, background, border = TONES[tone]
        self.feedback.setStyleSheet(f"QLabel {{ color: {text}; background: {background}; border: 1px solid {border};"
                                    " border-radius: 5px; padding: 5px 8px; font-size: 13px; }")
        self.feedback.setText(html)
        self.feedback.setVisible(bool(html))

    def set_score(self, text: str) -> None:
        self.score.setText(text)
