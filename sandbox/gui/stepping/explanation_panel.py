"""The explanation panel (objectName ``explanationPanel``): the current step's formula in symbols
and with the numbers; below it (``explanationSteps``) the list of the steps done so far in this
update, kept scrolled to the current step (click an earlier one to go back). ``ExplanationPane``
holds the two: the formula takes the height it needs, the list the rest.

All text comes from the engine's walkthrough, rendered by ``sandbox.explain.markup.to_html``. The pane's
``matrixToggle`` (a view setting, not part of the experiment: it stays as it is from step to step and update
to update) shows the lecture's matrix slide of the update, written by ``sandbox.explain.matrix.matrix_text``,
in the place of the formula and the list.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from PySide6.QtCore import QSize, QUrl, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QTextBrowser, QToolButton, QVBoxLayout, QWidget

from sandbox.engine import Step, Walkthrough
from sandbox.explain.escape import for_terminal
from sandbox.explain.markup import to_html
from sandbox.gui.classes import shown_only
from sandbox.gui.common import palette
from sandbox.gui.common.formatting import short
from sandbox.gui.model.document import Document
from sandbox.gui.stepping.neuron_choice import NeuronChoice
from sandbox.gui.stepping.neuron_text import follows_neuron, layer_blocks, neuron_block_html

MAX_FORMULA_SHARE = 0.7  # of the pane's height, when the list of steps is shown too
MIN_FORMULA = 90  # px: the formula's least height (its text scrolls when the pane is shorter)
MIN_STEP_LIST = 60  # px: the list of steps' least height
QWIDGETSIZE_MAX = 16777215

#: in the matrix form, a line this long without a bracket is a sentence (wrapped), not an equation (aligned)
PROSE_WIDTH = 60
MATRIX_MARKS = "⎡⎢⎣⎤⎥⎦[]"

HEADING_STYLE = ("QLabel { background: white; color: #1e293b; font-weight: 700;"
                 " padding: 6px 10px 2px 14px; border-top: 1px solid #e2e8f0; }")
TOGGLE_STYLE = ("QToolButton { font-size: 12px; color: #334155; padding: 2px 8px; border: 1px solid #cbd5e1;"
                " border-radius: 4px; background: #f8fafc; }"
                " QToolButton:checked { background: #dbeafe; border-color: #60a5fa; color: #1e3a8a; }"
                " QToolButton:disabled { color: #94a3b8; border-color: #e2e8f0; }")

MAX_GROUP_SHOWN = 6
MAX_LIST = 160

CSS = """
body { font-size: 14px; color: #1e293b; }
.chip { color: white; font-weight: 600; font-size: 12px; }
.counter { color: #64748b; font-size: 12px; }
.symbolic { font-size: 19px; font-weight: 600; margin-top: 6px; }
.line { font-size: 16px; }
.value { font-size: 16px; font-weight: 700; }
.muted { color: #64748b; }
.heading { font-size: 13px; font-weight: 700; margin-top: 10px; }
a { text-decoration: none; color: #1e293b; }
.current { background-color: #fff3c4; }
.note { color: #334155; }
pre.matrix { font-family: "DejaVu Sans Mono", "Menlo", "Consolas", monospace; font-size: 12px; color: #1e293b; }
"""


def scaled_css(css: str, scale: float) -> str:
    """``css`` with every size in px multiplied by ``scale`` (presentation mode's bigger text)."""
    if scale == 1.0:
        return css
    return re.sub(r"(\d+(?:\.\d+)?)px", lambda m: f"{round(float(m.group(1)) * scale)}px", css)


def scaled_font(font: QFont, scale: float) -> QFont:
    """``font`` ``scale`` times bigger (the text without a size of its own: the body of the explanation)."""
    out = QFont(font)
    if scale != 1.0:
        if out.pointSizeF() > 0:
            out.setPointSizeF(out.pointSizeF() * scale)
        else:
            out.setPixelSize(round(out.pixelSize() * scale))
    return out


def plural(count: int, noun: str) -> str:
    """``1 earlier step``, ``3 earlier steps``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def formula_lines(formula: str) -> list[str]:
    """``a = b = c; d = e`` → ``["a", "= b", "= c", "d", "= e"]`` (a derivation, one step a line)."""
    out: list[str] = []
    for part in formula.split("; "):
        pieces = part.split(" = ")
        out.append(pieces[0])
        out.extend("= " + p for p in pieces[1:])
    return out


def step_name(step: Step) -> str:
    """What a step computes, as the list of steps names it: ``h1``, ``E``, ``∂E/∂w5``, ``w5``."""
    return "E" if step.kind == "loss" else (f"∂E/∂{step.target}" if step.phase == "backward" else step.target)


class ExplanationPanel(QTextBrowser):
    """Shows what the current step computes; ``stepClicked(index)`` when an earlier step is clicked."""

    stepClicked = Signal(int)
    #: the text was written again (the pane shares out the height anew)
    refreshed = Signal()

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("explanationPanel")
        self.doc = document
        #: the height the pane would like to give the formula (its text's, capped by the pane)
        self.preferred_height = 200
        self.group_start = lambda position: position
        #: show the update's matrix form (the lecture's slide) instead of the current step's formula
        self.matrix_form = False
        #: practice mode (``sandbox.gui.practice``): the step asked next and its question as HTML, or None
        self.question: Callable[[], tuple[int, str] | None] = lambda: None
        #: how much bigger than usual the text is written (presentation mode: 1.5)
        self.text_scale = 1.0
        #: the neuron of each big layer whose formulas a layer step shows (``follow``; None: the last steps)
        self.neuron_choice: NeuronChoice | None = None
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor)
        self.document().setDefaultStyleSheet(CSS)
        self.setMinimumWidth(300)
        self.setStyleSheet("QTextBrowser { border: none; background: white; padding: 10px; }")
        #: the list of the steps done so far (placed below the panel by ``ExplanationPane``)
        self.step_list = StepList()
        self.step_list.anchorClicked.connect(self._on_anchor)
        document.walkthroughChanged.connect(self.refresh)
        document.valuesChanged.connect(self.refresh)
        document.progressed.connect(self.refresh)
        document.structureChanged.connect(self.refresh)
        self.refresh()

    def text(self) -> str:
        """The panel's text as plain text (formulas with their numbers)."""
        return self.toPlainText()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """As tall as its text, within the height the pane allows (``maximumHeight``)."""
        hint = super().sizeHint()
        return QSize(hint.width(), min(self.maximumHeight(), self.preferred_height))

    def content_height(self) -> int:
        """The height that shows the whole text without scrolling."""
        doc = self.document()
        doc.setTextWidth(self.viewport().width())
        return int(doc.size().height()) + 24  # the 10 px padding above and below, and the frame

    def _on_anchor(self, url: QUrl) -> None:
        fragment = url.toString()
        if fragment.startswith("step:"):
            self.stepClicked.emit(int(fragment[5:]))

    def set_text_scale(self, scale: float) -> None:
        """Write every text ``scale`` times its usual size (1.0: as usual), the list of steps too."""
        if scale != self.text_scale:
            self.text_scale = scale
            for browser in (self, self.step_list):
                browser.document().setDefaultStyleSheet(scaled_css(CSS, scale))
                browser.document().setDefaultFont(scaled_font(browser.font(), scale))
            self.refresh()

    def set_matrix_form(self, on: bool) -> None:
        """Show the update's matrix form (True) or the current step's formula (False)."""
        if on != self.matrix_form:
            self.matrix_form = on
            self.refresh()

    # ---- content -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Write the text again from the document (and practice mode's question, if one is asked)."""
        self._write()
        self.refreshed.emit()

    def _write(self) -> None:
        doc = self.doc
        w = doc.walkthrough
        if (w is None or doc.position < 0) and (self.matrix_form or self.question() is None):
            idle = self._idle_html()
            if self.matrix_form:
                idle += ("<p class='muted'><b>Matrix form:</b> the update's matrices appear here once you step "
                         "into an update (<b>Step</b>).</p>")
            self.setHtml(idle)
            self.step_list.show_html("")
            return
        position = doc.position
        asked = self.question() if w is not None else None
        if asked is not None and asked[0] == position + 1 < len(w.steps) and not self.matrix_form:
            index, body = asked
            self.setHtml(self._question_header(w.steps[index], index, len(w.steps)) + body)
            self.step_list.show_html(self._list_html(w.steps, position + 1, position, asked=index))
            return
        if w is None or position < 0:
            self.setHtml(self._idle_html())
            self.step_list.show_html("")
            return
        start = self.group_start(position)
        group = w.steps[start: position + 1]
        parts = [self._header(group[-1], start, position, len(w.steps))]
        if self.matrix_form:  # the whole update at once: the matrices take the list's room too
            parts.append(self._matrix_html(w))
            if doc.applied:
                parts.append(self._applied_html())
            elif doc.finished:  # a chosen sample's update (issue 14): shown only
                parts.append(shown_only.end_html(w))
            self.setHtml("".join(parts))
            self.step_list.show_html("")
            return
        parts.extend(self._group_html(w, group))
        if doc.applied:
            parts.append(self._applied_html())
        elif doc.finished:  # a chosen sample's update (issue 14): shown only
            parts.append(shown_only.end_html(w))
        self.setHtml("".join(parts))
        self.step_list.show_html(self._list_html(w.steps, start, position))

    def _group_html(self, w: Walkthrough, group: list[Step]) -> list[str]:
        """The steps of the group shown: its last ``MAX_GROUP_SHOWN``; a big layer's as the followed neuron's
        formulas and a line for the rest of the layer (``neuron_text``)."""
        blocks = layer_blocks(group)
        choice = self.neuron_choice
        followed = [choice is not None and follows_neuron(b, MAX_GROUP_SHOWN) for b in blocks]
        if not any(followed):  # no big layer: the group's last steps, as for every small network
            blocks, followed = [group], [False]
        parts: list[str] = []
        for block, follow in zip(blocks, followed):
            if follow and choice is not None:
                neuron, chosen = choice.neuron(w, block[0].layer)
                parts.append(neuron_block_html(w, block, neuron, chosen, self._step_html))
                continue
            shown = block[-MAX_GROUP_SHOWN:]
            if len(block) > len(shown):
                hidden = len(block) - len(shown)
                parts.append(f"<p class='muted'>… {plural(hidden, 'more step')} in this group (listed below)</p>")
            parts.extend(self._step_html(step) for step in shown)
        return parts

    def follow(self, choice: NeuronChoice) -> None:
        """Write a big layer's steps as the neuron ``choice`` follows (and again when another is chosen)."""
        self.neuron_choice = choice
        choice.changed.connect(self.refresh)
        self.refresh()

    def _header(self, step: Step, start: int, position: int, total: int) -> str:
        colour = palette.PHASE_COLORS[step.phase].name()
        title = palette.PHASE_TITLES[step.phase]
        where = (f"step {position + 1} of {total}" if start == position
                 else f"steps {start + 1}–{position + 1} of {total}")
        w = self.doc.walkthrough
        which = shown_only.header_text(w) if not w.applies else \
            f"update {w.iteration + 1} (batch {w.batch + 1} of epoch {w.epoch + 1})"
        return ("<table cellspacing='0' cellpadding='4'><tr>"
                f"<td nowrap valign='top' style='background:{colour}' class='chip'>"
                f"&nbsp;{title}&nbsp;</td><td class='counter'>&nbsp;{where} · {which}</td></tr></table>")

    def _question_header(self, step: Step, index: int, total: int) -> str:
        """The chip of a practice question: the phase's colour, "Your turn", which step of which update."""
        colour = palette.PHASE_COLORS[step.phase].name()
        w = self.doc.walkthrough
        which = shown_only.header_text(w) if not w.applies else f"update {w.iteration + 1}"
        return ("<table cellspacing='0' cellpadding='4'><tr>"
                f"<td nowrap valign='top' style='background:{colour}' class='chip'>"
                f"&nbsp;{palette.PHASE_TITLES[step.phase]} · your turn&nbsp;</td><td class='counter'>&nbsp;step "
                f"{index + 1} of {total} · {which}</td></tr></table>")

    def _matrix_html(self, w: Walkthrough) -> str:
        """The lecture's matrix slide with this update's numbers (monospace, as ``matrix_text`` aligns it)."""
        from sandbox.explain.matrix import matrix_text

        parts = [f"<div class='symbolic'>Matrix form of update {w.iteration + 1}</div>"]
        block: list[str] = []  # equations, aligned as written
        prose: list[str] = []  # a paragraph of sentences, wrapped to the panel's width

        def flush(lines: list[str], html_of: Callable[[str], str]) -> None:
            if lines:
                parts.append(html_of("\n".join(lines) if html_of is pre else " ".join(lines)))
                lines.clear()

        def pre(text: str) -> str:
            return f"<pre class='matrix'>{html.escape(text)}</pre>"

        def paragraph(text: str) -> str:
            return f"<p class='note'>{html.escape(text)}</p>"

        for line in matrix_text(w).splitlines():
            if len(line) > PROSE_WIDTH and not any(c in line for c in MATRIX_MARKS):  # a sentence
                flush(block, pre)
                prose.append(line.strip())
            else:
                flush(prose, paragraph)
                block.append(line)
        flush(prose, paragraph)
        flush(block, pre)
        return "".join(parts)

    def _step_html(self, step: Step) -> str:
        texts = list(step.lines) if step.lines else [step.formula]
        symbolic = step.symbolic or formula_lines(texts[0])[0]
        body = [f"<div class='symbolic'>{to_html(symbolic)}</div>"]
        sym_lines = formula_lines(symbolic)
        for text in texts:
            lines = formula_lines(text)
            if lines[: len(sym_lines)] == sym_lines:  # the symbolic line is already the title
                lines = lines[len(sym_lines):]
            for i, line in enumerate(lines):
                indent = "&nbsp;&nbsp;&nbsp;&nbsp;" if line.startswith("= ") else ""
                cls = "value" if i == len(lines) - 1 and line.startswith("= ") else "line"
                body.append(f"<div class='{cls}'>{indent}{to_html(line)}</div>")
        return "".join(body) + "<hr>"

    def _applied_html(self) -> str:
        w = self.doc.walkthrough
        labels = w.network.layers[-1].labels
        outs = ", ".join(f"{to_html(lab)} = {short(v)}" for lab, v in zip(labels, w.outputs_after[w.sample]))
        return (f"<p class='note'><b style='color:{palette.UPDATED.name()}'>Update applied.</b> "
                f"With the new weights the network gives {outs}; the batch loss went from "
                f"{short(w.loss)} to {short(w.loss_after)}. Press <b>Step</b> for the next update.</p>")

    def _list_html(self, steps: list[Step], start: int, position: int, asked: int | None = None) -> str:
        """The steps up to ``position`` (from ``start`` marked current); and the step ``asked`` in practice
        mode, its value "?"."""
        first = max(0, position + 1 - MAX_LIST)
        out = []  # (the heading "Steps of this update so far" is a label above the list)
        if first > 0:
            out.append(f"<div class='muted'>… {plural(first, 'earlier step')}</div>")
        phase = None
        for i in range(first, position + 1):
            step = steps[i]
            if step.phase != phase:
                phase = step.phase
                colour = palette.PHASE_COLORS[phase].name()
                out.append(f"<div class='heading' style='color:{colour}'>{palette.PHASE_TITLES[phase]}</div>")
            cls = " class='current'" if i >= start else ""
            if step.kind == "summary":  # the rest of a layer's steps of one kind, at once
                out.append(f"<div{cls}><a href='step:{i}'>{i + 1}.&nbsp;&nbsp;… {step.count:,} more in "
                           f"{html.escape(step.target)}, the largest {html.escape(short(step.value))}</a></div>")
                continue
            name = step_name(step)
            out.append(f"<div{cls}><a href='step:{i}'>{i + 1}.&nbsp;&nbsp;{to_html(name)} = "
                       f"{html.escape(short(step.value))}</a></div>")
        if asked is not None:
            step = steps[asked]
            if step.phase != phase:
                colour = palette.PHASE_COLORS[step.phase].name()
                out.append(f"<div class='heading' style='color:{colour}'>{palette.PHASE_TITLES[step.phase]}</div>")
            out.append(f"<div class='current'>{asked + 1}.&nbsp;&nbsp;{to_html(step_name(step))} = <b>?</b></div>")
        return "".join(out)

    def _idle_html(self) -> str:
        doc = self.doc
        t = doc.trainer
        fp = doc.forward()
        net = doc.experiment.network
        outs = ", ".join(f"{to_html(lab)} = {short(v)}" for lab, v in zip(net.layers[-1].labels, fp.prediction[0]))
        targets = ", ".join(f"{to_html(lab + '*')} = {short(v)}"
                            for lab, v in zip(net.layers[-1].labels, doc.sample_targets()))
        return ("<table cellspacing='0' cellpadding='4'><tr>"
                "<td nowrap valign='top' style='background:#475569' class='chip'>"
                f"&nbsp;Ready&nbsp;</td><td class='counter'>&nbsp;next: update {t.iteration + 1} (batch "
                f"{t.batch_in_epoch + 1} of epoch {t.epoch + 1})</td></tr></table>"
                f"<div class='symbolic'>{html.escape(for_terminal(doc.experiment.name))}</div>"
                f"<p class='note'>For sample {doc.sample_index + 1} the network gives {outs} "
                f"(target {targets}).</p>"
                f"<p class='note'>Press <b>Step</b> (Space or →) to follow one gradient-descent update: "
                f"the forward pass, the loss, the backward pass and the update of every weight, each "
                f"with its formula and its numbers. <b>Finish update</b> plays the rest at once.</p>"
                f"<p class='muted'>Double-click any weight, bias, input or target in the network to "
                f"change it; every number follows.</p>")


class StepList(QTextBrowser):
    """The steps of this update so far (objectName ``explanationSteps``), scrolled to the last one."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("explanationSteps")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.document().setDefaultStyleSheet(CSS)
        self.setStyleSheet("QTextBrowser { border: none; border-top: 1px solid #e2e8f0; background: white;"
                           " padding: 4px 10px 10px 10px; }")
        self.setToolTip("Click a step to go back to it")
        self._follow = True  # keep the last line in view until the user scrolls
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(lambda _low, high: bar.setValue(high) if self._follow else None)
        bar.actionTriggered.connect(self._on_user_scroll)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Small: the list takes the room the formula leaves (it stretches), not a share of it."""
        return QSize(super().sizeHint().width(), MIN_STEP_LIST)

    def _on_user_scroll(self, _action: int) -> None:
        self._follow = False

    def show_html(self, html_text: str) -> None:
        """Show the list (empty: hidden) with its last line, the current step, in view."""
        self._follow = True
        self.setHtml(html_text)
        self.setVisible(bool(html_text))
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())


class ExplanationPane(QWidget):
    """The explanation dock's content: the panel (formula) above the list of steps and its heading.
    The formula gets the height its text needs, at most ``MAX_FORMULA_SHARE`` of the pane, and never
    less than ``MIN_FORMULA`` (or its text); the list the rest. Only the maximum follows the pane's
    height: the pane's minimum never depends on its own height (no growing window)."""

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("explanationPane")
        self.panel = ExplanationPanel(document)
        self.steps = self.panel.step_list
        self.steps_heading = QLabel("Steps of this update so far")
        self.steps_heading.setObjectName("explanationStepsHeading")
        self.steps_heading.setStyleSheet(HEADING_STYLE)
        # the matrix form's switch, in a slim bar above the formula (a view setting: not undoable)
        self.matrix_toggle = QToolButton()
        self.matrix_toggle.setObjectName("matrixToggle")
        self.matrix_toggle.setText("Matrix form")
        self.matrix_toggle.setCheckable(True)
        self.matrix_toggle.setToolTip("Show the whole update as the lecture's matrix slide, with this network's "
                                      "numbers,\ninstead of the current step's formula")
        self.matrix_toggle.setStyleSheet(TOGGLE_STYLE)
        self.matrix_toggle.toggled.connect(self._on_matrix_toggled)
        self.bar = QWidget()
        self.bar.setObjectName("explanationBar")
        self.bar.setStyleSheet("#explanationBar { background: white; }")
        row = QHBoxLayout(self.bar)
        row.setContentsMargins(10, 4, 10, 0)
        row.addStretch(1)
        row.addWidget(self.matrix_toggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.bar)
        layout.addWidget(self.panel)
        layout.addWidget(self.steps_heading)
        layout.addWidget(self.steps, 1)
        self.setAutoFillBackground(True)
        self.panel.setFrameShape(QFrame.Shape.NoFrame)
        self.steps.setFrameShape(QFrame.Shape.NoFrame)
        self.steps.setMinimumHeight(MIN_STEP_LIST)
        self.steps_heading.setVisible(self.steps.isVisibleTo(self))
        self.panel.refreshed.connect(self._fit)
        document.walkthroughChanged.connect(self._fit)
        document.valuesChanged.connect(self._fit)
        document.structureChanged.connect(self._fit)

    @property
    def text_scale(self) -> float:
        return self.panel.text_scale

    def set_text_scale(self, scale: float) -> None:
        """Every text of the pane ``scale`` times its usual size (presentation mode), 1.0 as usual."""
        heading = scaled_css(HEADING_STYLE, scale)
        if scale != 1.0:  # (a widget with a style sheet keeps its font: its size written here)
            size = scaled_font(self.steps_heading.font(), scale).pointSizeF()
            heading = heading.replace("font-weight: 700;", f"font-weight: 700; font-size: {size:g}pt;")
        self.steps_heading.setStyleSheet(heading)
        self.matrix_toggle.setStyleSheet(scaled_css(TOGGLE_STYLE, scale))
        self.panel.set_text_scale(scale)
        self._fit()

    def _on_matrix_toggled(self, on: bool) -> None:
        self.panel.set_matrix_form(on)
        self._fit()

    def _fit(self) -> None:
        self.steps_heading.setVisible(self.steps.isVisibleTo(self))
        if not self.steps.isVisibleTo(self):
            self.panel.setMinimumHeight(0)
            self.panel.setMaximumHeight(QWIDGETSIZE_MAX)
            return
        wanted = self.panel.content_height()
        room = (self.height() - self.steps_heading.sizeHint().height() - MIN_STEP_LIST
                - self.bar.sizeHint().height())
        cap = max(MIN_FORMULA, min(int(self.height() * MAX_FORMULA_SHARE), room))
        height = max(min(wanted, cap), min(wanted, MIN_FORMULA))
        self.panel.setMinimumHeight(min(wanted, MIN_FORMULA))
        self.panel.setMaximumHeight(height)
        if height != self.panel.preferred_height:
            self.panel.preferred_height = height
            self.panel.updateGeometry()
        bar = self.steps.verticalScrollBar()
        bar.setValue(bar.maximum())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self._fit()
