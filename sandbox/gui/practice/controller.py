"""Practice mode's controller: while it is on, Step asks for the next value instead of showing it.

View state only: the question asked, its hint rung and the score live here and never in the experiment; the
document is moved only as the player moves it (``WalkthroughPlayer.show_through``, ``step_back``,
``finish_update``), so Step Back, Finish Update and undo work as they do without practice. Every answer, hint
and worked step is a ``Question`` of ``sandbox.practice.questions``, made from the walkthrough's own steps.
"""

from __future__ import annotations

import html
from collections import OrderedDict
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from sandbox.engine import Walkthrough
from sandbox.explain.markup import to_html
from sandbox.gui.model.document import Document
from sandbox.gui.network_view import NetworkView
from sandbox.gui.practice.answer_bar import EXAMPLE, AnswerBar
from sandbox.gui.practice.question_html import SUBSTITUTED, SYMBOLS, WORKED, answer_symbol, question_html
from sandbox.gui.practice.score import Score
from sandbox.gui.stepping.explanation_panel import ExplanationPane
from sandbox.gui.stepping.player import WalkthroughPlayer
from sandbox.practice.answers import parse_answer
from sandbox.practice.questions import ASK_KINDS, Question, questions_of

MATRIX_OFF = "The matrix form shows every number of the update: off while you practise"
#: updates whose answers are remembered (stepping back into them, undo, redo)
KEPT_UPDATES = 64


@dataclass
class UpdateRecord:
    """One update practised: how each asked step ended (by step index), and whether it was scored."""

    walkthrough: Walkthrough
    outcomes: dict[int, str] = field(default_factory=dict)
    scored: bool = False
    questions: dict[str, list[Question]] = field(default_factory=dict)


class PracticeController(QObject):
    """Step, Step Back and Finish Update of the window, asking questions while practice is on."""

    enabledChanged = Signal(bool)
    #: a question was asked, or ended or withdrawn (Step Back can withdraw one)
    questionChanged = Signal()

    def __init__(self, document: Document, player: WalkthroughPlayer, view: NetworkView, pane: ExplanationPane,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.document, self.player, self.view, self.pane = document, player, view, pane
        self.enabled = False
        self.ask = "all"
        #: the question waiting for an answer, its hint rung and the wrong answers given to it
        self.pending: Question | None = None
        self._pending_of: Walkthrough | None = None
        self.rung = SYMBOLS
        self.misses = 0
        #: the walkthrough whose end (applied, its score) the feedback says, until it is undone or left
        self._end_of: Walkthrough | None = None
        #: every update's score added when it is applied: the session's running total
        self.session = Score()
        self._records: OrderedDict[int, UpdateRecord] = OrderedDict()
        self._matrix_tip = pane.matrix_toggle.toolTip()
        self.bar = AnswerBar()
        self.bar.setVisible(False)
        pane.panel.question = self.question_view
        self.bar.submitted.connect(self.submit)
        self.bar.hintRequested.connect(self.hint)
        self.bar.revealRequested.connect(self.reveal)
        self.bar.askChanged.connect(self.set_ask)
        document.walkthroughChanged.connect(self._on_walkthrough_changed)
        self._show_score()

    # ---- on and off, what is asked ---------------------------------------------------------------
    def set_enabled(self, on: bool) -> None:
        """Practice on: Step asks; off: Step shows, as always."""
        if on == self.enabled:
            return
        self.enabled = on
        self._drop_pending(refresh=False)
        toggle = self.pane.matrix_toggle  # the matrix slide would show every answer at once
        if on:
            toggle.setChecked(False)
        toggle.setEnabled(not on)
        toggle.setToolTip(MATRIX_OFF if on else self._matrix_tip)
        self.bar.setVisible(on)
        if on:
            self.bar.set_feedback("Press <b>Step</b>: each value you are asked for, you compute and type in.", "info")
        self._refresh()
        self.enabledChanged.emit(on)

    def set_ask(self, kind: str) -> None:
        """Ask the steps of ``kind`` (one of ``ASK_KINDS``) from now on; a question of another kind is withdrawn."""
        if kind not in ASK_KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        self.ask = kind
        self.bar.set_ask(kind)
        if self.pending is not None and kind != "all" and self.pending.category != kind:
            self._drop_pending()

    # ---- the player's moves, asking ------------------------------------------------------------------
    def step(self) -> None:
        """Step: without practice the next group of steps; with it the next question (the steps not asked
        before it pass through), or, with none left, the rest of the update, applied."""
        if not self.enabled:
            self.player.step()
            return
        if self.pending is not None:
            self.bar.set_feedback(f"First type the value of {to_html(answer_symbol(self.pending))} and press "
                                  "Enter, or press <b>Show answer</b>.", "info")
            self.bar.answer.setFocus()
            return
        doc = self.document
        w = self._update_at_hand()
        question = self._next_question(w, doc.position)
        if question is None:
            self.player.show_through(len(w.steps) - 1)
            self._after_move("")
            return
        if question.step_index > doc.position + 1:
            self.player.show_through(question.step_index - 1, animate=False)
        self._ask(question)

    def _update_at_hand(self) -> Walkthrough:
        """The walkthrough Step and Finish Update go on with: the animation ended, after an applied update
        the next one."""
        self.view.finish_animation()
        if self.document.finished:
            self.document.next_walkthrough()
        return self.player.ensure_walkthrough()

    def can_step_back(self) -> bool:
        """Step Back has something to do: a question to withdraw, or the player's step back."""
        return self.pending is not None or self.player.can_step_back()

    def step_back(self) -> None:
        """Step Back: a question waiting is withdrawn, and the player goes back as always."""
        self._drop_pending()
        self.player.step_back()

    def finish_update(self) -> None:
        """Finish Update: the rest of the update shown and applied; its questions not answered count as shown."""
        if not self.enabled:
            self.player.finish_update()
            return
        doc = self.document
        w = self._update_at_hand()
        record = self._record(w)
        for q in self._questions(w):
            if q.step_index > doc.position:
                record.outcomes.setdefault(q.step_index, "revealed")
        self._drop_pending(refresh=False)
        self.player.finish_update()
        self._after_move("The rest of the update is shown.")

    # ---- answering ----------------------------------------------------------------------------------
    def submit(self, text: str) -> None:
        """Check the typed ``text`` against the question waiting."""
        q = self.pending
        if q is None:
            return
        value = parse_answer(text)
        symbol = to_html(answer_symbol(q))
        if value is None:
            shown = html.escape(text.strip()) or "Nothing"
            self.bar.set_feedback(f"“{shown}” is not a number: type {EXAMPLE}.", "wrong")
            return
        if q.accepts(value):
            outcome = "first" if self.misses == 0 and self.rung == SYMBOLS else "hinted"
            self._answered(q, outcome, f"<b>Right:</b> {symbol} = {html.escape(q.shown)}", "right")
            return
        self.misses += 1
        if self.rung < SUBSTITUTED:
            self.rung = SUBSTITUTED
            self.bar.set_feedback(f"<b>Not quite.</b> Hint: put the numbers in — {to_html(q.substituted)}", "wrong")
            self.bar.hint.setEnabled(False)
            self.bar.answer.selectAll()
            self.pane.panel.refresh()
            return
        self._answered(q, "revealed", f"<b>Not quite.</b> The answer: {to_html(q.worked)}", "shown")

    def hint(self) -> None:
        """The next rung of the ladder: the numbers put in (then only Show answer is left)."""
        if self.pending is None or self.rung >= SUBSTITUTED:
            return
        self.rung = SUBSTITUTED
        self.bar.hint.setEnabled(False)
        self.bar.set_feedback(f"Hint: put the numbers in — {to_html(self.pending.substituted)}", "info")
        self.pane.panel.refresh()
        self.bar.answer.setFocus()

    def reveal(self) -> None:
        """Show the answer (the worked step) and the step itself."""
        q = self.pending
        if q is not None:
            self._answered(q, "revealed", f"The answer: {to_html(q.worked)}", "shown")

    def _answered(self, q: Question, outcome: str, verdict: str, tone: str) -> None:
        """The question ends (right or shown): remembered, and its step shown as Step would show it."""
        self._record(self.document.walkthrough).outcomes.setdefault(q.step_index, outcome)
        self.rung = WORKED
        self._drop_pending(refresh=False)
        self.player.show_through(q.step_index)
        self._after_move(verdict, tone)

    # ---- what the panel and the bar show -------------------------------------------------------------
    def question_view(self) -> tuple[int, str] | None:
        """The step asked and its question as HTML, for the explanation panel (None: nothing asked)."""
        if not self.enabled or self.pending is None:
            return None
        return self.pending.step_index, question_html(self.pending, self.rung)

    def update_score(self) -> Score:
        """The score of the update shown (its questions ended so far)."""
        w = self.document.walkthrough
        record = self._records.get(id(w)) if w is not None else None
        return Score.of(record.outcomes) if record is not None and record.walkthrough is w else Score()

    def _ask(self, q: Question) -> None:
        self.pending, self.rung, self.misses = q, SYMBOLS, 0
        self._pending_of = self.document.walkthrough
        self.questionChanged.emit()
        self.view.set_asked(q.step_index)
        self.pane.panel.refresh()
        self.bar.set_question(to_html(answer_symbol(q)))
        self.bar.hint.setEnabled(True)
        self.bar.set_feedback(f"{to_html(q.prompt)} Type its value and press Enter.", "info")

    def _after_move(self, verdict: str, tone: str = "info") -> None:
        """The verdict, and at the end of an update its score."""
        end = self._end_text()
        self._end_of = self.document.walkthrough if end else None
        text = "<br>".join(t for t in (verdict, end) if t)
        self.bar.set_feedback(text, tone)
        self.bar.set_question(None)

    def _end_text(self) -> str:
        doc = self.document
        w = doc.walkthrough
        if w is None or not doc.finished:
            return ""
        score = self.update_score()
        if doc.shown_only:  # a chosen sample's update (issue 14): shown to its end, never applied
            done = f"<b>{html.escape(w.source[:1].upper() + w.source[1:])} done</b>"
            scored = f": {score.text()}" if score.total else ""
            return (f"{done}{scored}. Its update is not applied (shown only). Press <b>Step</b> for the next "
                    "training update.")
        if score.total == 0:
            return f"<b>Update {w.iteration + 1} applied.</b> Press <b>Step</b> for the next one."
        return (f"<b>Update {w.iteration + 1} done:</b> {score.text()}. Press <b>Step</b> for the next update."
                f"<br>This session: {self.session.text()}.")

    def status_text(self) -> str | None:
        """The status bar's position while a question waits: the step asked, as the explanation counts it
        (``Step <b>5</b> of 21 (your turn)``; the document is still at step 4); None when nothing is asked."""
        q, w = self.pending, self.document.walkthrough
        if q is None or w is None:
            return None
        return f"Step <b>{q.number}</b> of {len(w.steps)} (your turn)"

    def _show_score(self) -> None:
        self.bar.set_score(f"Session {self.session.short()}")

    # ---- bookkeeping ---------------------------------------------------------------------------------
    def _record(self, w: Walkthrough) -> UpdateRecord:
        record = self._records.get(id(w))
        if record is None or record.walkthrough is not w:
            record = UpdateRecord(w)
            self._records[id(w)] = record
            while len(self._records) > KEPT_UPDATES:
                self._records.popitem(last=False)
        return record

    def _questions(self, w: Walkthrough) -> list[Question]:
        record = self._record(w)
        if self.ask not in record.questions:
            record.questions[self.ask] = questions_of(w, self.ask)
        return record.questions[self.ask]

    def _next_question(self, w: Walkthrough, position: int) -> Question | None:
        """The first asked step after ``position`` not answered yet in this update."""
        outcomes = self._record(w).outcomes
        return next((q for q in self._questions(w) if q.step_index > position and q.step_index not in outcomes),
                    None)

    def _drop_pending(self, refresh: bool = True) -> None:
        if self.pending is None:
            return
        self.pending = None
        self._pending_of = None
        self.questionChanged.emit()
        self.bar.set_question(None)
        self.view.set_asked(None)
        if refresh:
            self.pane.panel.refresh()
            self.bar.set_feedback("", "info")

    def _refresh(self) -> None:
        self.view.set_asked(None if self.pending is None else self.pending.step_index)
        self.view.refresh()
        self.pane.panel.refresh()

    def _on_walkthrough_changed(self) -> None:
        """Another position or walkthrough: a question no longer next is withdrawn; an update applied while
        practising is scored once."""
        doc = self.document
        q = self.pending
        if q is not None and (doc.walkthrough is not self._pending_of or doc.position != q.step_index - 1):
            self._drop_pending()
        if self._end_of is not None and (doc.walkthrough is not self._end_of or not doc.finished):
            self._end_of = None  # undone or stepped back: the update is no longer done
            self.bar.set_feedback("", "info")
        w = doc.walkthrough
        if self.enabled and w is not None and doc.finished:
            record = self._record(w)
            if not record.scored:
                record.scored = True
                self.session.add(Score.of(record.outcomes))
                self._show_score()
