"""Exercise sheets and answer keys as Markdown, LaTeX, HTML and JSON.

A sheet gives the network (its layers, activations, every weight and bias by label), the input, the target, the
loss and η, then the numbered questions with room to answer. The answer key asks the same questions and gives
each one's worked formula (the walkthrough's own text) and its answer. Every number is the walkthrough's or the
network's, written by ``fmt``; formulas become LaTeX and HTML through ``sandbox.explain.markup`` and text is
escaped for where it goes (``sandbox.explain.escape``). Nothing depends on the time or the machine: the same
exercise gives the same bytes.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine import Step
from ..engine.activations import get_activation
from ..engine.numbers import fmt
from ..explain.escape import for_json, for_latex, for_markdown
from ..explain.markup import to_html, to_latex
from ..explain.render import SECTIONS
from .exercise import Exercise, network_document
from .questions import Question

#: a piece of a line: (text, is_math), math being formula text
Pieces = tuple[tuple[str, bool], ...]
#: what a student is asked to give (the checker's rule, stated so that it is never unfair)
DIGITS_NOTE = ("Work with six significant digits and give each answer to at least four; a new weight also "
               "with its change to at least two.")
ANSWER_RULE = "______________"
OPTIMIZER_TITLES = {"sgd": "plain gradient descent", "adagrad": "AdaGrad", "rmsprop": "RMSProp", "adam": "Adam"}
LOSS_TITLES = {"mse": "squared error", "bce": "binary cross-entropy", "cross_entropy": "cross-entropy"}
#: the network picture's place in the HTML (drawn there by ``sandbox.gui.sheet_pdf``)
NETWORK_IMAGE_TAG = '<img src="network">'


def text(t: str) -> Pieces:
    return ((t, False),)


def math_(formula: str) -> Pieces:
    return ((formula, True),)


def join(parts: Sequence[Pieces], sep: str = ", ") -> Pieces:
    out: list[tuple[str, bool]] = []
    for i, p in enumerate(parts):
        if i:
            out.append((sep, False))
        out.extend(p)
    return tuple(out)


# ---- what a sheet says, whatever its format ------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """A numbered question: its words, the blank's symbol, and (answer key) the worked formula and answer."""

    number: int
    prompt: Pieces
    blank: str  # formula text before the answer's room: "h1 =", "w5 ←"
    worked: str
    answer: str  # formula text: "w5 = 0.1743825"


@dataclass(frozen=True)
class Sheet:
    title: str
    intro: str
    header: tuple[str, ...]
    rows: tuple[tuple[Pieces, ...], ...]
    given: tuple[tuple[str, Pieces], ...]
    sections: tuple[tuple[str, tuple[Item, ...]], ...]
    answers: bool


def title_of(ex: Exercise, answers: bool) -> str:
    base = f"Exercise {ex.seed}" if ex.seed is not None else f"Exercise: {ex.experiment.name}"
    return f"{base}: answer key" if answers else base


def _intro(ex: Exercise) -> str:
    w = ex.walkthrough
    optimizer = OPTIMIZER_TITLES.get(w.optimizer_name, w.optimizer_name)
    loss = LOSS_TITLES.get(ex.loss, ex.loss)
    samples = "one sample" if len(w.batch_indices) == 1 else f"a batch of {len(w.batch_indices)} samples"
    kind = f"shape {ex.shape}, hidden activation {_activation_title(ex.activation)}, " if ex.seed is not None \
        else f"the network '{ex.experiment.name}' ({ex.shape}), "
    return f"One update of {optimizer} on {samples}, by hand: {kind}{loss} loss. {DIGITS_NOTE}"


def _activation_title(name: str) -> str:
    """``identity``, ``logistic (sigmoid)``, ``tanh``, ``ReLU``: the engine's title, in a sentence."""
    try:
        title = get_activation(name).title
    except ValueError:
        return name
    return title if any(c.isupper() for c in title[1:]) else title[:1].lower() + title[1:]


def _network_rows(ex: Exercise) -> tuple[tuple[Pieces, ...], ...]:
    net = ex.experiment.network
    rows: list[tuple[Pieces, ...]] = []
    sources = list(net.input_labels)
    for index, layer in enumerate(net.layers):
        name = "output" if index == net.depth - 1 else f"hidden {index + 1}" if net.depth > 2 else "hidden"
        for j, label in enumerate(layer.labels):
            weights = join([math_(f"{wl} = {fmt(v)}") for wl, v in zip(layer.weight_labels[j], layer.weights[j])])
            if layer.biases is not None and layer.bias_labels is not None:
                bias = math_(f"{layer.bias_labels[j]} = {fmt(layer.biases[j])}")
            else:
                bias = text("none")
            rows.append((text(name), math_(label), text(_activation_title(layer.activation)),
                         join([math_(s) for s in sources]), weights, bias))
        sources = list(layer.labels)
    return tuple(rows)


def _given(ex: Exercise) -> tuple[tuple[str, Pieces], ...]:
    w = ex.walkthrough
    net = w.network
    out_labels = net.layers[-1].labels
    inputs = join([math_(f"{label} = {fmt(v)}") for label, v in zip(net.input_labels, w.inputs[w.sample])])
    targets = join([math_(f"{label}* = {fmt(v)}") for label, v in zip(out_labels, w.targets[w.sample])])
    loss_steps = [s for s in w.steps if s.kind == "loss"]
    loss = math_(loss_steps[0].symbolic) if loss_steps and loss_steps[0].symbolic else text(ex.loss)
    update: Pieces = text(OPTIMIZER_TITLES.get(w.optimizer_name, w.optimizer_name))
    if w.optimizer_name == "sgd" and not ex.experiment.optimizer.options.get("momentum"):
        update = join([update, math_("w ← w − η·∂E/∂w")])
    given = [("Inputs", inputs), ("Target" if len(out_labels) == 1 else "Targets", targets), ("Loss", loss),
             ("Update", update), ("Learning rate", math_(f"η = {fmt(w.learning_rate)}"))]
    if len(w.batch_indices) > 1:
        given[0:2] = [("Sample", text(f"{w.sample + 1} of the batch (its forward values are asked)"))] + given[0:2]
    return tuple(given)


def _item(number: int, q: Question, step: Step) -> Item:
    blank = f"{step.target} ←" if q.category == "update" else f"{q.symbol} ="
    answer_symbol = step.target if q.category == "update" else q.symbol
    return Item(number, q.parts or text(q.prompt), blank, q.worked, f"{answer_symbol} = {q.shown}")


def _sections(ex: Exercise) -> tuple[tuple[str, tuple[Item, ...]], ...]:
    steps = ex.walkthrough.steps
    numbered = [(n, q) for n, q in enumerate(ex.questions, start=1)]
    out = []
    for phase, title in SECTIONS:
        items = tuple(_item(n, q, steps[q.step_index]) for n, q in numbered if steps[q.step_index].phase == phase)
        if items:
            out.append((title, items))
    return tuple(out)


def sheet_of(ex: Exercise, answers: bool) -> Sheet:
    """What the sheet (or its answer key) says, before it is written in a format."""
    return Sheet(
        title=title_of(ex, answers),
        intro=_intro(ex),
        header=("layer", "neuron", "activation", "inputs from", "weights", "bias"),
        rows=_network_rows(ex),
        given=_given(ex),
        sections=_sections(ex),
        answers=answers,
    )


# ---- Markdown -----------------------------------------------------------------------------------------

def _md(pieces: Pieces) -> str:
    return "".join(f"${to_latex(t)}$" if is_math else for_markdown(t) for t, is_math in pieces)


def sheet_markdown(ex: Exercise, answers: bool = False) -> str:
    """The sheet (or with ``answers`` the answer key) as Markdown with ``$…$`` math."""
    s = sheet_of(ex, answers)
    out = [f"# {for_markdown(s.title)}", "", for_markdown(s.intro), "", "## The network", ""]
    out.append("| " + " | ".join(s.header) + " |")
    out.append("|" + "---|" * len(s.header))
    out += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in s.rows]
    out.append("")
    out += [f"**{name}:** {_md(value)}  " for name, value in s.given]
    out[-1] = out[-1].rstrip()
    out += ["", "## Answers" if answers else "## Questions"]
    for title, items in s.sections:
        out += ["", f"### {title}"]  # the section titles are ours: plain words
        for item in items:
            pad = " " * len(f"{item.number}. ")
            out += ["", f"{item.number}. {_md(item.prompt)}  "]
            if answers:
                out.append(f"{pad}${to_latex(item.worked)}$  ")
                out.append(f"{pad}**Answer:** ${to_latex(item.answer)}$")
            else:
                out.append(f"{pad}${to_latex(item.blank)}$ {ANSWER_RULE.replace('_', chr(92) + '_')}")
    return "\n".join(out) + "\n"


# ---- LaTeX --------------------------------------------------------------------------------------------

#: characters the formulas keep as Unicode (or that a label may hold), made known to pdflatex
LATEX_UNICODE = {
    "2190": r"\ensuremath{\leftarrow}", "2192": r"\ensuremath{\rightarrow}", "2212": r"\ensuremath{-}",
    "00B7": r"\ensuremath{\cdot}", "2202": r"\ensuremath{\partial}", "0394": r"\ensuremath{\Delta}",
    "03B7": r"\ensuremath{\eta}", "03C3": r"\ensuremath{\sigma}", "00BD": r"\ensuremath{\tfrac{1}{2}}",
    "00B2": r"\ensuremath{^{2}}", "2026": r"\ensuremath{\ldots}", "221E": r"\ensuremath{\infty}",
    "03B1": r"\ensuremath{\alpha}", "03B2": r"\ensuremath{\beta}", "03B3": r"\ensuremath{\gamma}",
    "03BB": r"\ensuremath{\lambda}", "03B8": r"\ensuremath{\theta}", "2264": r"\ensuremath{\leq}",
    "2265": r"\ensuremath{\geq}", "00D7": r"\ensuremath{\times}", "2248": r"\ensuremath{\approx}",
}

LATEX_PREAMBLE = r"""\documentclass[a4paper,11pt]{article}
\usepackage[utf8]{inputenc}
\usepackage[T1]{fontenc}
\usepackage{amsmath}
\usepackage{amssymb}
\usepackage{array}
\usepackage[margin=2cm]{geometry}
""" + "".join(f"\\DeclareUnicodeCharacter{{{code}}}{{{body}}}\n" for code, body in LATEX_UNICODE.items()) \
    + r"""\setlength{\parindent}{0pt}
\setlength{\parskip}{4pt}
\renewcommand{\arraystretch}{1.3}
\pagestyle{plain}
"""


#: the network table's columns: the inputs and the weights wrap (five of each fit no line of a page)
LATEX_COLUMNS = r"lll>{\raggedright\arraybackslash}p{2.4cm}>{\raggedright\arraybackslash}p{5.0cm}l"


def _tex(pieces: Pieces) -> str:
    return "".join(f"${to_latex(t)}$" if is_math else for_latex(t) for t, is_math in pieces)


def sheet_latex(ex: Exercise, answers: bool = False) -> str:
    """The sheet (or with ``answers`` the answer key) as a complete LaTeX document (article, amsmath)."""
    s = sheet_of(ex, answers)
    out = [LATEX_PREAMBLE.rstrip("\n"), r"\begin{document}", "",
           f"\\section*{{{for_latex(s.title)}}}", "", for_latex(s.intro), "", r"\subsection*{The network}", "",
           r"{\small", r"\begin{tabular}{" + LATEX_COLUMNS + "}", r"\hline",
           " & ".join(f"\\textbf{{{h}}}" for h in s.header) + r" \\", r"\hline"]
    out += [" & ".join(_tex(cell) for cell in row) + r" \\" for row in s.rows]
    out += [r"\hline", r"\end{tabular}}", "", r"\medskip", ""]
    out += [f"\\textbf{{{for_latex(name)}:}} {_tex(value)}\\\\" for name, value in s.given]
    out[-1] = out[-1].removesuffix("\\\\")
    out += ["", r"\subsection*{" + ("Answers" if answers else "Questions") + "}"]
    for title, items in s.sections:
        out += ["", f"\\subsubsection*{{{for_latex(title)}}}", r"\begin{enumerate}"]
        for item in items:
            out.append(f"\\item[{item.number}.] {_tex(item.prompt)}\\\\")
            if answers:
                out.append(f"${to_latex(item.worked)}$\\\\")
                out.append(f"\\textbf{{Answer:}} ${to_latex(item.answer)}$")
            else:
                out.append(f"${to_latex(item.blank)}$ \\rule{{5cm}}{{0.4pt}}")
                out.append(r"\vspace{8pt}")
        out.append(r"\end{enumerate}")
    out += ["", r"\end{document}"]
    return "\n".join(out) + "\n"


# ---- HTML (Qt's rich-text subset: the PDF and the window's export) ---------------------------------------

HTML_STYLE = ("body { font-family: 'DejaVu Sans', sans-serif; } "
              "table { border-collapse: collapse; } "
              "td, th { border: 1px solid #b8b8b8; padding: 3px 7px; vertical-align: top; } "
              "th { background-color: #eeeeee; } "
              "td.room { padding: 14px 7px; }")


def _html(pieces: Pieces) -> str:
    return "".join(to_html(t) if is_math else html.escape(t, quote=False) for t, is_math in pieces)


def _html_table(header: Sequence[str], rows: Iterator[Sequence[str]] | Sequence[Sequence[str]],
                widths: Sequence[str] = ()) -> list[str]:
    cells = []
    for i, h in enumerate(header):
        width = f' width="{widths[i]}"' if i < len(widths) and widths[i] else ""
        cells.append(f'<th align="left"{width}>{h}</th>')
    out = ['<table border="1" cellspacing="0" cellpadding="4" width="100%">', "<tr>" + "".join(cells) + "</tr>"]
    out += ["<tr>" + "".join(row) + "</tr>" for row in rows]
    out.append("</table>")
    return out


def sheet_html(ex: Exercise, answers: bool = False, picture: bool = True) -> str:
    """The sheet (or the answer key) as self-contained HTML in Qt's rich-text subset; with ``picture`` an
    ``<img src="network">`` where the network's picture goes (drawn by the PDF's maker, dropped without)."""
    s = sheet_of(ex, answers)
    title = html.escape(s.title, quote=False)
    out = ['<!DOCTYPE html>', '<html>', '<head>', '<meta charset="utf-8">', f"<title>{title}</title>",
           f"<style>{HTML_STYLE}</style>", '</head>', '<body>', f"<h1>{title}</h1>",
           f"<p>{html.escape(s.intro, quote=False)}</p>", "<h2>The network</h2>"]
    if picture:
        out.append(f'<p align="center">{NETWORK_IMAGE_TAG}</p>')
    out += _html_table(s.header, [[f"<td>{_html(cell)}</td>" for cell in row] for row in s.rows])
    out.append("<p>" + "<br>".join(f"<b>{html.escape(name)}:</b> {_html(value)}" for name, value in s.given)
               + "</p>")
    out.append(f"<h2>{'Answers' if answers else 'Questions'}</h2>")
    for section, items in s.sections:
        out.append(f"<h3>{html.escape(section, quote=False)}</h3>")
        if answers:
            rows = [[f'<td align="right">{i.number}</td>', f"<td>{_html(i.prompt)}<br>{to_html(i.worked)}</td>",
                     f"<td><b>{to_html(i.answer)}</b></td>"] for i in items]
            out += _html_table(("#", "question and worked formula", "answer"), rows, ("6%", "", "26%"))
        else:
            rows = [[f'<td align="right">{i.number}</td>', f"<td>{_html(i.prompt)}</td>",
                     f'<td class="room">{to_html(i.blank)}</td>'] for i in items]
            out += _html_table(("#", "question", "your answer"), rows, ("6%", "", "40%"))
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


# ---- JSON ---------------------------------------------------------------------------------------------

def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def sheet_json(ex: Exercise) -> dict[str, Any]:
    """``{"network": <network file object>, "questions": [{"id", "prompt", "symbol", "answer", "tolerance"}]}``
    (CONTRACTS): the answers are the walkthrough's values, the tolerance how far a right answer may be."""
    return {
        "network": network_document(ex),
        "questions": [{"id": for_json(q.id), "prompt": for_json(q.prompt), "symbol": for_json(q.symbol),
                       "answer": _finite(q.answer), "tolerance": _finite(q.tolerance)} for q in ex.questions],
    }


def dumps_sheet_json(ex: Exercise) -> str:
    """``sheet_json`` as UTF-8 JSON text, two-space indented, ending in a newline."""
    return json.dumps(sheet_json(ex), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
