"""Words for a chosen sample's walkthrough, which is shown and never applied (``Document.show_sample``): the
status bar's, the explanation's header and the note at its end. Plain functions of the walkthrough, so that the
window and the explanation panel each need one line."""

from __future__ import annotations

import html

from sandbox.engine import Walkthrough
from sandbox.explain.markup import to_html
from sandbox.gui.common.formatting import short
from sandbox.gui.model.document import Document

#: the note's verdict colour (the gallery's red for "not this way")
NOT_APPLIED = "#b91c1c"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def why_not_applied(w: Walkthrough) -> str:
    """Why a chosen sample's update is only shown."""
    if w.source.startswith("test"):
        return "test samples are held out of training"
    return "training goes through its own batches in their order, so a sample chosen here is only shown"


def status_text(document: Document) -> str | None:
    """The status bar's position for a chosen sample's walkthrough ("Test sample 17 · step 3 of 12", at its end
    "Test sample 17: the update it would make (not applied)"); None for a training update."""
    w = document.walkthrough
    if w is None or not document.shown_only or document.position < 0:
        return None
    name = html.escape(capitalised(w.source or "a sample"))
    if document.finished:
        return f"{name}: the update it would make (not applied)"
    return f"{name} · step <b>{document.position + 1}</b> of {document.step_count}"


def header_text(w: Walkthrough) -> str:
    """What the explanation's header says of the update instead of "update 5 (batch 2 of epoch 1)"."""
    return f"{html.escape(w.source or 'a chosen sample')} · shown, not applied"


def end_html(w: Walkthrough) -> str:
    """The explanation's note at the last step: what the update would do, and that it is not applied."""
    labels = w.network.layers[-1].labels
    outs = ", ".join(f"{to_html(lab)} = {short(v)}" for lab, v in zip(labels, w.outputs_after[w.sample]))
    source = html.escape(w.source or "this sample")
    return (f"<p class='note'><b style='color:{NOT_APPLIED}'>Not applied</b>: {why_not_applied(w)}. This is the "
            f"update {source} alone would make: with it the network would give {outs}, and the sample's loss would "
            f"go from {short(w.loss)} to {short(w.loss_after)}. The network keeps its weights. Press <b>Step</b> "
            f"for the next training update.</p>")
