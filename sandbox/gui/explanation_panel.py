"""The explanation panel (objectName ``explanationPanel``): the current step's formula in symbols
and with the numbers, and the list of the steps done so far in this update (click one to go back).

All text comes from the engine's walkthrough, rendered by ``sandbox.explain.markup.to_html``.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QWidget

from sandbox.engine import Step
from sandbox.explain.markup import to_html

from . import palette
from .document import Document
from .formatting import short

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
"""


def formula_lines(formula: str) -> list[str]:
    """``a = b = c; d = e`` → ``["a", "= b", "= c", "d", "= e"]`` (a derivation, one step a line)."""
    out: list[str] = []
    for part in formula.split("; "):
        pieces = part.split(" = ")
        out.append(pieces[0])
        out.extend("= " + p for p in pieces[1:])
    return out


class ExplanationPanel(QTextBrowser):
    """Shows what the current step computes; ``stepClicked(index)`` when an earlier step is clicked."""

    stepClicked = Signal(int)

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("explanationPanel")
        self.doc = document
        self.group_start = lambda position: position
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor)
        self.document().setDefaultStyleSheet(CSS)
        self.setMinimumWidth(300)
        self.setStyleSheet("QTextBrowser { border: none; background: white; padding: 10px; }")
        document.walkthroughChanged.connect(self.refresh)
        document.valuesChanged.connect(self.refresh)
        document.structureChanged.connect(self.refresh)
        self.refresh()

    def text(self) -> str:
        """The panel's text as plain text (formulas with their numbers)."""
        return self.toPlainText()

    def _on_anchor(self, url: QUrl) -> None:
        fragment = url.toString()
        if fragment.startswith("step:"):
            self.stepClicked.emit(int(fragment[5:]))

    # ---- content -------------------------------------------------------------------------------
    def refresh(self) -> None:
        doc = self.doc
        w = doc.walkthrough
        if w is None or doc.position < 0:
            self.setHtml(self._idle_html())
            return
        position = doc.position
        start = self.group_start(position)
        group = w.steps[start: position + 1]
        parts = [self._header(group[-1], start, position, len(w.steps))]
        shown = group[-MAX_GROUP_SHOWN:]
        if len(group) > len(shown):
            parts.append(f"<p class='muted'>… {len(group) - len(shown)} more steps in this group "
                         f"(listed below)</p>")
        for step in shown:
            parts.append(self._step_html(step))
        if doc.applied:
            parts.append(self._applied_html())
        parts.append(self._list_html(w.steps, start, position))
        self.setHtml("".join(parts))

    def _header(self, step: Step, start: int, position: int, total: int) -> str:
        colour = palette.PHASE_COLORS[step.phase].name()
        title = palette.PHASE_TITLES[step.phase]
        where = f"step {position + 1} of {total}" if start == position else f"steps {start + 1}–{position + 1} of {total}"
        w = self.doc.walkthrough
        return (f"<table cellspacing='0' cellpadding='4'><tr><td style='background:{colour}' class='chip'>"
                f"&nbsp;{title}&nbsp;</td><td class='counter'>&nbsp;{where} · update {w.iteration + 1} "
                f"(batch {w.batch + 1} of epoch {w.epoch + 1})</td></tr></table>")

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

    def _list_html(self, steps: list[Step], start: int, position: int) -> str:
        first = max(0, position + 1 - MAX_LIST)
        out = ["<div class='heading'>Steps of this update so far</div>"]
        if first > 0:
            out.append(f"<div class='muted'>… {first} earlier steps</div>")
        phase = None
        for i in range(first, position + 1):
            step = steps[i]
            if step.phase != phase:
                phase = step.phase
                colour = palette.PHASE_COLORS[phase].name()
                out.append(f"<div class='heading' style='color:{colour}'>{palette.PHASE_TITLES[phase]}</div>")
            name = "E" if step.kind == "loss" else (
                f"∂E/∂{step.target}" if step.phase == "backward" else step.target)
            cls = " class='current'" if i >= start else ""
            out.append(f"<div{cls}><a href='step:{i}'>{i + 1}.&nbsp;&nbsp;{to_html(name)} = "
                       f"{html.escape(short(step.value))}</a></div>")
        return "".join(out)

    def _idle_html(self) -> str:
        doc = self.doc
        t = doc.trainer
        fp = doc.forward()
        net = doc.experiment.network
        outs = ", ".join(f"{to_html(lab)} = {short(v)}" for lab, v in zip(net.layers[-1].labels, fp.prediction[0]))
        targets = ", ".join(f"{to_html(lab + '*')} = {short(v)}"
                            for lab, v in zip(net.layers[-1].labels, doc.sample_targets()))
        return (f"<table cellspacing='0' cellpadding='4'><tr><td style='background:#475569' class='chip'>"
                f"&nbsp;Ready&nbsp;</td><td class='counter'>&nbsp;next: update {t.iteration + 1} (batch "
                f"{t.batch_in_epoch + 1} of epoch {t.epoch + 1})</td></tr></table>"
                f"<div class='symbolic'>{html.escape(doc.experiment.name)}</div>"
                f"<p class='note'>For sample {doc.sample_index + 1} the network gives {outs} "
                f"(target {targets}).</p>"
                f"<p class='note'>Press <b>Step</b> (Space or →) to follow one gradient-descent update: "
                f"the forward pass, the loss, the backward pass and the update of every weight, each "
                f"with its formula and its numbers. <b>Finish update</b> plays the rest at once.</p>"
                f"<p class='muted'>Double-click any weight, bias, input or target in the network to "
                f"change it; every number follows.</p>")
