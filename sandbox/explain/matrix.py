"""The lecture's matrix slide with this update's numbers: each layer's update as one matrix equation.

The layout is the slide's: a layer's weights as a matrix whose rows are the layer's inputs and whose
columns are its neurons (the transpose of the file's storage, one row per neuron), from the output
layer back, e.g. for the lecture's network

    [w5; w6] = [0.14; 0.15] − 0.05(−0.809)[0.85; 0.48] = [0.14; 0.15] − [−0.0343825; −0.019416] = …

With plain SGD on one sample the update is the slide's outer product, W ← W − η·a·δᵀ (a: the layer's
inputs, δ: ∂E/∂z of its neurons, Δ = y − y* where that is what δ is); with a batch of several samples
(or a regularization term) it is written with the gradient matrix, W ← W − η·∇W; with momentum,
AdaGrad, RMSProp or Adam with the step matrix the optimizer took, W ← W − S. Biases are a row of
their own. A layer shows at most ``MAX_SHOWN`` × ``MAX_SHOWN`` entries (⋯ and ⋮ for the rest).

``matrix_text`` is plain monospace text (aligned columns; the explanation panel's matrix view and
``explain --format text``); ``matrix_markdown`` is Markdown with ``$$…$$`` LaTeX ``bmatrix`` blocks
(``explain --format markdown`` and the Markdown export). Every number is one of the walkthrough's
(its arrays, learning rate and ``delta()``); products shown are η times the walkthrough's gradients.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..engine import Walkthrough
from ..engine.numbers import factor, fmt, paren
from .escape import for_markdown, for_terminal
from .markup import to_latex

__all__ = ["matrix_text", "matrix_markdown", "blocks", "Block", "Mat", "Txt", "MAX_SHOWN", "MATRIX_TITLE"]

#: at most this many rows and columns of a matrix are written (the first ones, ⋯ or ⋮, the last)
MAX_SHOWN = 8
#: an equation wider than this (in characters) is written one "= …" per line
MAX_WIDTH = 100
#: how far the lines after an equation's first are indented
CONTINUATION = 4
#: the same for a LaTeX equation (measured as its text would be; rendered math is narrower)
MAX_LATEX_WIDTH = 140
#: the symbols of each product (η·h1·Δ) are written for a layer of at most this many inputs and neurons
SMALL = 4
#: the section's heading in ``explain`` and the Markdown export
MATRIX_TITLE = "The update in matrix form"

GAPS = {"⋯": r"\cdots", "⋮": r"\vdots", "⋱": r"\ddots"}


# ---- the slide as data: pieces of equations, then written as text or LaTeX ------------------------

@dataclass(frozen=True)
class Mat:
    """A matrix (or vector) of cells in the walkthrough's formula grammar (labels or numbers)."""

    cells: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Txt:
    """Formula text between matrices (``−``, ``η Δ``, ``0.05(−0.809)``); ``latex`` where ``to_latex`` is not it."""

    text: str
    latex: str | None = None


Piece = Mat | Txt
EQ, ARROW, MINUS, DOT = Txt("="), Txt("←", r"\leftarrow"), Txt("−"), Txt("·")


@dataclass
class Block:
    """One layer's weights (or biases): a heading, notes (prose, formula) and equations."""

    heading: str
    notes: list[tuple[str, str]] = field(default_factory=list)
    equations: list[list[Piece]] = field(default_factory=list)


def _picked(n: int) -> list[int | None]:
    """The indices written of n entries: all of up to MAX_SHOWN, else the first ones, a gap (None), the last."""
    if n <= MAX_SHOWN:
        return list(range(n))
    return [*range(MAX_SHOWN - 2), None, n - 1]


def _mat(rows: int, cols: int, cell: Callable[[int, int], str]) -> Mat:
    """A rows × cols matrix of which only the picked cells are made (and formatted)."""
    out: list[tuple[str, ...]] = []
    for i in _picked(rows):
        row: list[str] = []
        for j in _picked(cols):
            if i is None:
                row.append("⋱" if j is None else "⋮")
            elif j is None:
                row.append("⋯")
            else:
                row.append(cell(i, j))
        out.append(tuple(row))
    return Mat(tuple(out))


def _column(values: list[str] | Callable[[int], str], n: int) -> Mat:
    get = values.__getitem__ if isinstance(values, list) else values
    return _mat(n, 1, lambda i, _: get(i))


def _row(values: list[str] | Callable[[int], str], n: int) -> Mat:
    get = values.__getitem__ if isinstance(values, list) else values
    return _mat(1, n, lambda _, j: get(j))


def _plain_sgd(w: Walkthrough) -> bool:
    """SGD without momentum: the slide's update (the optimizer keeps no state)."""
    return w.optimizer_name == "sgd" and not any(w.optimizer_state_after)


def _optimizer_words(w: Walkthrough) -> str:
    names = {"sgd": "SGD with momentum", "adagrad": "AdaGrad", "rmsprop": "RMSProp", "adam": "Adam"}
    return names.get(w.optimizer_name, w.optimizer_name)


def _delta_names(w: Walkthrough) -> list[str]:
    labels = w.network.layers[-1].labels
    return ["Δ"] if len(labels) == 1 else [f"Δ_{label}" for label in labels]


def _uses_delta(w: Walkthrough) -> bool:
    """Whether ∂E/∂z of the output layer is exactly Δ = y − y* (MSE with identity, or sigmoid/softmax combined)."""
    s = w.sample
    return bool(np.array_equal(w.backprop.preactivation_grads[-1][s], w.delta()))


def _delta_notes(w: Walkthrough) -> list[tuple[str, str]]:
    s = w.sample
    labels = w.network.layers[-1].labels
    notes = []
    for name, label, j in zip(_delta_names(w), labels, range(MAX_SHOWN)):
        y, t, d = float(w.outputs[s, j]), float(w.targets[s, j]), float(w.delta()[j])
        notes.append(("", f"{name} = {label} − {label}* = {fmt(y)} − {paren(t)} = {fmt(d)}"))
    if len(labels) > MAX_SHOWN:
        notes.append((f"… and {len(labels) - MAX_SHOWN:,} more outputs, each the same way", ""))
    return notes


# ---- one layer ---------------------------------------------------------------------------------------

@dataclass
class _Layer:
    """What the equations of layer ``l`` need, taken from the walkthrough."""

    w: Walkthrough
    l: int

    def __post_init__(self) -> None:
        w, i = self.w, self.l - 1
        self.layer = w.network.layers[i]
        self.sources = w.network.neuron_labels(i)
        self.fan_in, self.size = self.layer.fan_in, self.layer.size
        self.a = w.forward.outputs[i][w.sample]
        self.dz = w.backprop.preactivation_grads[i][w.sample]
        self.single = w.inputs.shape[0] == 1
        self.lr = float(w.learning_rate)

    def pre(self, l: int, j: int) -> str:
        layer = self.w.network.layers[l - 1]
        return layer.labels[j] if layer.activation == "identity" else layer.preactivation_labels[j]

    def heading(self, esc: Callable[[str], str]) -> str:
        net = self.w.network
        which = "output layer" if self.l == net.depth else f"hidden layer {self.l}"
        names = ", ".join(esc(label) for label in self.layer.labels[:6]) + (", …" if self.size > 6 else "")
        return f"Layer {self.l} ({which}: {names})"

    def factored(self) -> tuple[str, float, list[str], np.ndarray] | None:
        """δ of this layer (one sample) as the slide writes it: (scalar name, scalar, row names, row values)
        with δ = scalar · row, or None when it is written as its own row (scalar name "")."""
        net, w = self.w.network, self.w
        if self.l == net.depth and _uses_delta(w):
            if self.size == 1:
                return "Δ", float(w.delta()[0]), [], np.empty(0)
            return "", 1.0, _delta_names(w), w.delta()
        if self.l < net.depth and self.layer.activation == "identity" and net.layers[self.l].size == 1:
            above = net.layers[self.l]
            d_above = float(w.backprop.preactivation_grads[self.l][w.sample, 0])
            name = "Δ" if self.l + 1 == net.depth and _uses_delta(w) else f"∂E/∂{self.pre(self.l + 1, 0)}"
            return name, d_above, list(above.weight_labels[0]), w.weights_before[self.l][0]
        return None

    def delta_row(self) -> tuple[str, float, list[str], np.ndarray]:
        f = self.factored()
        if f is not None:
            return f
        return "", 1.0, [f"∂E/∂{self.pre(self.l, j)}" for j in range(self.size)], self.dz

    @cached_property
    def outer(self) -> bool:
        """Plain SGD on one sample, with the gradient exactly a·δᵀ (no regularization term): the slide's form."""
        i = self.l - 1
        return (_plain_sgd(self.w) and self.single
                and bool(np.array_equal(self.w.weight_grads[i], np.outer(self.dz, self.a))))

    # weights ------------------------------------------------------------------------------------
    def weights(self, esc: Callable[[str], str]) -> Block:
        w, i = self.w, self.l - 1
        labels = self.layer.weight_labels
        sym = _mat(self.fan_in, self.size, lambda k, j: labels[j][k])
        before = _mat(self.fan_in, self.size, lambda k, j: fmt(float(w.weights_before[i][j, k])))
        after = _mat(self.fan_in, self.size, lambda k, j: fmt(float(w.weights_after[i][j, k])))
        block = Block(self.heading(esc))
        if not self.layer.train_weights:
            block.notes.append(("Its weights are frozen: they keep their values.", ""))
            block.equations.append([sym, EQ, before])
            return block
        grads = w.weight_grads[i]
        if _plain_sgd(w) and self.outer:
            name, scalar, row_names, row = self.delta_row()
            a_sym = _column(self.sources, self.fan_in)
            a_num = _column(lambda k: fmt(float(self.a[k])), self.fan_in)
            products = _mat(self.fan_in, self.size, lambda k, j: fmt(self.lr * float(grads[j, k])))
            if name:
                lead_sym, lead_num = Txt(f"η {name}"), Txt(f"{fmt(self.lr)}{factor(scalar)}")
            else:
                lead_sym, lead_num = Txt("η"), Txt(fmt(self.lr))
            rest_sym: list[Piece] = [a_sym]
            rest_num: list[Piece] = [a_num]
            cell_of = {k: self.sources[k] for k in range(self.fan_in)}
            if row_names:
                rest_sym += [DOT, _row(row_names, self.size)]
                rest_num += [DOT, _row(lambda j: fmt(float(row[j])), self.size)]
            sym_products = _mat(self.fan_in, self.size, lambda k, j: "·".join(
                p for p in ("η", cell_of[k], name, row_names[j] if row_names else "") if p))
            symbolic: list[Piece] = [sym, ARROW, sym, MINUS, lead_sym, *rest_sym]
            if self.fan_in <= SMALL and self.size <= SMALL:
                symbolic += [EQ, sym, MINUS, sym_products]
            block.equations.append(symbolic)
            block.equations.append([sym, EQ, before, MINUS, lead_num, *rest_num, EQ, before, MINUS, products,
                                    EQ, after])
            if self.factored() is None:
                block.notes.append(("with ∂E/∂z of the layer's neurons (their weighted sums) from the backward "
                                    "pass", ""))
            return block
        g_sym = _mat(self.fan_in, self.size, lambda k, j: f"∂E/∂{labels[j][k]}")
        g_num = _mat(self.fan_in, self.size, lambda k, j: fmt(float(grads[j, k])))
        if _plain_sgd(w):
            products = _mat(self.fan_in, self.size, lambda k, j: fmt(self.lr * float(grads[j, k])))
            block.equations.append([sym, ARROW, sym, MINUS, Txt("η"), g_sym])
            block.equations.append([sym, EQ, before, MINUS, Txt(fmt(self.lr)), g_num, EQ, before, MINUS, products,
                                    EQ, after])
            return block
        steps = _mat(self.fan_in, self.size,
                     lambda k, j: fmt(float(w.weights_before[i][j, k]) - float(w.weights_after[i][j, k])))
        block.equations.append([sym, ARROW, sym, MINUS, Txt("S")])
        block.equations.append([sym, EQ, before, MINUS, steps, EQ, after])
        block.equations.append([Txt("∇ ="), g_num])
        return block

    # biases --------------------------------------------------------------------------------------
    def biases(self) -> Block | None:
        w, i = self.w, self.l - 1
        if not self.layer.has_bias:
            return None
        labels = list(self.layer.bias_labels or [])
        b_before, b_after, grads = w.biases_before[i], w.biases_after[i], w.bias_grads[i]
        assert b_before is not None and b_after is not None and grads is not None
        sym = _row(labels, self.size)
        before = _row(lambda j: fmt(float(b_before[j])), self.size)
        after = _row(lambda j: fmt(float(b_after[j])), self.size)
        block = Block(f"Biases of layer {self.l}")
        if not self.layer.train_biases:
            block.notes.append(("They are frozen: they keep their values.", ""))
            block.equations.append([sym, EQ, before])
            return block
        if _plain_sgd(w) and self.single and bool(np.array_equal(grads, self.dz)):
            name, scalar, row_names, row = self.delta_row()
            products = _row(lambda j: fmt(self.lr * float(grads[j])), self.size)
            if row_names:
                sym_rest: list[Piece] = [Txt(f"η {name}".rstrip()), _row(row_names, self.size)]
                num_rest: list[Piece] = [Txt(f"{fmt(self.lr)}{factor(scalar)}" if name else fmt(self.lr)),
                                         _row(lambda j: fmt(float(row[j])), self.size)]
            else:  # one neuron whose δ is Δ
                sym_rest, num_rest = [Txt(f"η {name}")], [Txt(f"{fmt(self.lr)}{factor(scalar)}")]
            block.equations.append([sym, ARROW, sym, MINUS, *sym_rest])
            block.equations.append([sym, EQ, before, MINUS, *num_rest, EQ, before, MINUS, products, EQ, after])
            return block
        g_num = _row(lambda j: fmt(float(grads[j])), self.size)
        if _plain_sgd(w):
            products = _row(lambda j: fmt(self.lr * float(grads[j])), self.size)
            block.equations.append([sym, ARROW, sym, MINUS, Txt("η"), _row([f"∂E/∂{b}" for b in labels], self.size)])
            block.equations.append([sym, EQ, before, MINUS, Txt(fmt(self.lr)), g_num, EQ, before, MINUS, products,
                                    EQ, after])
            return block
        steps = _row(lambda j: fmt(float(b_before[j]) - float(b_after[j])), self.size)
        block.equations.append([sym, ARROW, sym, MINUS, Txt("S")])
        block.equations.append([sym, EQ, before, MINUS, steps, EQ, after])
        block.equations.append([Txt("∇ ="), g_num])
        return block


def _mentions_delta(block: Block) -> bool:
    return any("Δ" in (p.text if isinstance(p, Txt) else "".join(c for row in p.cells for c in row))
               for equation in block.equations for p in equation)


def blocks(w: Walkthrough, esc: Callable[[str], str]) -> tuple[list[tuple[str, str]], list[Block]]:
    """The section's opening notes and its blocks, output layer first (as the slide)."""
    layers = [_Layer(w, l) for l in range(w.network.depth, 0, -1)]
    out: list[Block] = []
    for layer in layers:
        out.append(layer.weights(esc))
        bias = layer.biases()
        if bias is not None:
            out.append(bias)
    notes: list[tuple[str, str]] = [(
        "Each layer's update as one matrix equation, as on the lecture's slide: rows are the layer's inputs, "
        "columns its neurons (the transpose of how the file stores a layer), from the output layer back.", "")]
    n = int(w.inputs.shape[0])
    plain = _plain_sgd(w)
    if any(_mentions_delta(block) for block in out):
        notes += _delta_notes(w)
    if not plain:
        notes.append((f"The optimizer is {_optimizer_words(w)}: S is the step it took for each parameter "
                      f"(its update lines above give each one), S = (before) − (after); the slide's step "
                      f"η·∇ is plain SGD's. ∇ is the gradient of the batch's loss.", ""))
    elif n > 1:
        how = f"the mean over its {n} samples" if w.reduction == "mean" else f"the sum over its {n} samples"
        notes.append((f"The batch has {n} samples: ∇ is the gradient of the batch's loss, {how} of each sample's "
                      f"a·δᵀ (the slide's a·Δ is one sample's).", ""))
    regularized = w.penalty != 0.0 or (plain and n == 1 and any(
        layer.layer.train_weights and not layer.outer for layer in layers))
    if regularized:
        notes.append(("With regularization, E = L + λR(θ): each weight's gradient ∇ includes λ·∂R/∂w, so it is "
                      "not a·δᵀ alone and is written as its own matrix.", ""))
    notes.append(("Learning rate", f"η = {fmt(w.learning_rate)}"))
    return notes, out


# ---- as monospace text ---------------------------------------------------------------------------

def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
               for c in text)


def _pad(text: str, width: int, right: bool = True) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def _text_lines(piece: Piece) -> list[str]:
    """A piece as lines of equal width: a matrix with ⎡ ⎤ brackets (``[ ]`` for one row), text as it is."""
    if isinstance(piece, Txt):
        return [piece.text]
    rows = [[for_terminal(c) for c in row] for row in piece.cells]
    widths = [max(_width(row[j]) for row in rows) for j in range(len(rows[0]))]
    body = ["  ".join(_pad(c, widths[j]) for j, c in enumerate(row)) for row in rows]
    if len(body) == 1:
        return [f"[{body[0]}]"]
    out = []
    for r, line in enumerate(body):
        left, right = ("⎡", "⎤") if r == 0 else ("⎣", "⎦") if r == len(body) - 1 else ("⎢", "⎥")
        out.append(f"{left}{line}{right}")
    return out


def _side_by_side(pieces: list[Piece]) -> list[str]:
    """Pieces next to each other, one space apart; text and one-row matrices on the middle line."""
    parts = [_text_lines(p) for p in pieces]
    height = max(len(p) for p in parts)
    middle = height // 2
    columns = []
    for part in parts:
        width = max(_width(line) for line in part)
        top = middle if len(part) == 1 else (height - len(part)) // 2
        columns.append([_pad(part[r - top] if 0 <= r - top < len(part) else "", width, right=False)
                        for r in range(height)])
    return [" ".join(column[r] for column in columns).rstrip() for r in range(height)]


def _relations(pieces: list[Piece]) -> list[int]:
    return [n for n, p in enumerate(pieces) if p in (EQ, ARROW)]


def _line_width(pieces: list[Piece]) -> int:
    return max(_width(line) for line in _side_by_side(pieces))


def _split(pieces: list[Piece], before: tuple[Piece, ...]) -> list[list[Piece]]:
    """``pieces`` cut before each piece in ``before`` (not before the first piece)."""
    out: list[list[Piece]] = []
    for n, piece in enumerate(pieces):
        if not out or (n and piece in before):
            out.append([])
        out[-1].append(piece)
    return out


def _wrapped(pieces: list[Piece], width: int) -> list[list[Piece]]:
    """The equation as lines no wider than ``width`` where it can be: cut before "=" and "←" first, and
    before "−" and "·" where that is not enough; as many chunks on a line as fit."""
    if _line_width(pieces) <= width:
        return [pieces]
    chunks: list[list[Piece]] = []
    for chunk in _split(pieces, (EQ, ARROW)):
        chunks += _split(chunk, (MINUS, DOT)) if _line_width(chunk) > width - CONTINUATION else [chunk]
    lines: list[list[Piece]] = []
    for chunk in chunks:
        indent = CONTINUATION if len(lines) > 1 else 0
        if lines and _line_width(lines[-1] + chunk) + indent <= width:
            lines[-1] += chunk
        else:
            lines.append(list(chunk))
    return lines


def _equation_text(pieces: list[Piece]) -> list[str]:
    """One equation as lines of text; a wide one on several, each after the first indented."""
    out: list[str] = []
    for n, line in enumerate(_wrapped(pieces, MAX_WIDTH)):
        if n:
            out.append("")
        out += [" " * CONTINUATION * (n > 0) + text if text else text for text in _side_by_side(line)]
    return out


def _note_text(note: tuple[str, str], indent: str) -> list[str]:
    """A note's prose wrapped at MAX_WIDTH, its formula (never cut) after it."""
    prose, formula = note
    lines = textwrap.wrap(prose, MAX_WIDTH, initial_indent=indent, subsequent_indent=indent,
                          break_on_hyphens=False) if prose else []
    if formula:
        if lines and _width(lines[-1]) + 1 + _width(formula) <= MAX_WIDTH:
            lines[-1] += " " + formula
        else:
            lines.append(indent + formula)
    return lines


def matrix_text(w: Walkthrough) -> str:
    """The section as plain monospace text (no heading of its own), safe to print on a terminal."""
    notes, layers = blocks(w, for_terminal)
    out = [line for note in notes for line in _note_text(note, "")]
    for block in layers:
        out += ["", block.heading]
        out += [line for note in block.notes for line in _note_text(note, "  ")]
        for n, equation in enumerate(block.equations):
            if n:
                out.append("")
            out += ["  " + line if line else "" for line in _equation_text(equation)]
    return "\n".join(for_terminal(line).rstrip() for line in out) + "\n"


# ---- as Markdown with LaTeX ------------------------------------------------------------------------

def _latex_cell(cell: str) -> str:
    return GAPS.get(cell) or to_latex(cell)


def _latex(piece: Piece) -> str:
    if isinstance(piece, Txt):
        return piece.latex if piece.latex is not None else to_latex(piece.text).replace("∇", r"\nabla ")
    rows = [" & ".join(_latex_cell(c) for c in row) for row in piece.cells]
    return r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"


def _equation_latex(pieces: list[Piece]) -> str:
    """One ``$$…$$`` block; a wide one as an ``aligned`` block of the lines of ``_wrapped``."""
    lines = _wrapped(pieces, MAX_LATEX_WIDTH)
    if len(lines) == 1:
        return "$$" + " ".join(_latex(p) for p in pieces) + "$$"
    first = _relations(lines[0])
    head = lines[0] if not first else lines[0][:first[0]]
    rest = lines[0][len(head):]
    rows = [" ".join(_latex(p) for p in head) + " & " + " ".join(_latex(p) for p in rest)]
    rows += ["& " + " ".join(_latex(p) for p in line) for line in lines[1:]]
    return "$$\\begin{aligned} " + r" \\ ".join(rows) + r" \end{aligned}$$"


def _note_markdown(note: tuple[str, str]) -> str:
    prose, formula = note
    math = f"${to_latex(formula)}$" if formula else ""
    return " ".join(p for p in (prose, math) if p)


def matrix_markdown(w: Walkthrough) -> str:
    """The section as Markdown (no heading of its own): notes, then per layer a bold heading and ``$$`` blocks."""
    notes, layers = blocks(w, for_markdown)
    out = [_note_markdown(note) + "  " for note in notes]
    for block in layers:
        out += ["", f"**{block.heading}**", ""]
        if block.notes:
            out += [_note_markdown(note) for note in block.notes] + [""]
        for equation in block.equations:
            out += [_equation_latex(equation), ""]
        out.pop()
    return "\n".join(for_terminal(line) for line in out) + "\n"
