"""Questions asked of a walkthrough: which steps, in what words, with which hints and answer.

Every answer is a walkthrough step's own value; nothing here computes a number. A question carries three
texts for a hint ladder: ``symbolic`` (the formula in symbols, shown with the question), ``substituted``
(the numbers put in, the result hidden) and ``worked`` (the whole formula with its result).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..engine import Step, Walkthrough
from ..engine.numbers import fmt
from ..explain.markup import FUNCTIONS, tokenize
from .answers import is_right, tolerance

#: what can be asked, in the order of an update; "all" asks every kind
ASK_KINDS = ("forward", "output_gradient", "hidden_gradient", "weight_gradient", "update", "all")
ASK_TITLES = {
    "forward": "Forward values (neurons and the loss E)",
    "output_gradient": "Δ and the output gradient",
    "hidden_gradient": "Hidden-neuron gradients",
    "weight_gradient": "Weight gradients",
    "update": "New weights",
    "all": "Everything",
}
#: the categories of questions (every ask kind but "all")
CATEGORIES = ASK_KINDS[:-1]

_FORWARD = frozenset({"neuron", "preactivation", "activation", "loss"})
_NEURON_GRADIENTS = frozenset({"output_gradient", "preactivation_gradient"})
_PARAMETER_GRADIENTS = frozenset({"weight_gradient", "bias_gradient"})
_UPDATES = frozenset({"weight_update", "bias_update"})
#: function-like names in a substituted formula (not symbols still to be replaced by numbers)
_FUNCTION_NAMES = frozenset(FUNCTIONS) | {"σ"}
HIDDEN_RESULT = "?"


@dataclass(frozen=True)
class Question:
    """One quantity to compute: where it is in the walkthrough, its words, its hints and its answer."""

    id: str
    step_index: int
    category: str
    prompt: str
    symbol: str
    answer: float
    shown: str
    tolerance: float
    symbolic: str
    substituted: str
    worked: str
    #: the prompt's pieces, (text, is_math): the symbols in it set as math by the sheets
    parts: tuple[tuple[str, bool], ...] = ()
    #: an update's value before it (None for every other question): the old value typed is never right
    old: float | None = None

    def accepts(self, value: float) -> bool:
        """Whether ``value`` is a right answer (``answers.is_right``)."""
        return is_right(value, self.answer, self.shown, self.old)

    @property
    def number(self) -> int:
        """The step's number counted from 1."""
        return self.step_index + 1


def _is_output_layer(step: Step, w: Walkthrough) -> bool:
    return step.layer == w.network.depth


def step_category(step: Step, w: Walkthrough | None = None) -> str | None:
    """The category a step is asked in, or None (summary steps are never asked). A neuron's gradient is an
    output gradient in the output layer (with ``w``; without it, when its formula has the target, ``y*``)."""
    if step.kind in _FORWARD:
        return "forward"
    if step.kind in _NEURON_GRADIENTS:
        output = _is_output_layer(step, w) if w is not None else "*" in step.formula
        return "output_gradient" if output else "hidden_gradient"
    if step.kind == "input_gradient":
        return "hidden_gradient"
    if step.kind in _PARAMETER_GRADIENTS:
        return "weight_gradient"
    if step.kind in _UPDATES:
        return "update"
    return None


def _asked(ask: Iterable[str]) -> set[str]:
    kinds = {ask} if isinstance(ask, str) else set(ask)
    unknown = kinds - set(ASK_KINDS)
    if unknown:
        raise ValueError(f"cannot ask {', '.join(sorted(unknown))}; expected one of {', '.join(ASK_KINDS)}")
    return set(CATEGORIES) if "all" in kinds else kinds


def questions_of(w: Walkthrough, ask: Iterable[str] | str = ("all",)) -> list[Question]:
    """The questions on the steps of the asked categories, in walkthrough order."""
    kinds = _asked(ask)
    out: list[Question] = []
    seen: dict[str, int] = {}
    for index, step in enumerate(w.steps):
        category = step_category(step, w)
        if category is None or category not in kinds:
            continue
        qid = f"{step.kind}.{step.target}"
        seen[qid] = seen.get(qid, 0) + 1
        if seen[qid] > 1:
            qid = f"{qid}.{seen[qid]}"
        out.append(question_of(step, index, category, w, qid))
    return out


def question_of(step: Step, index: int, category: str, w: Walkthrough, qid: str | None = None) -> Question:
    """The question asking for ``step``'s value."""
    shown = fmt(step.value)
    old = step.old if step.kind in _UPDATES else None
    return Question(
        id=qid or f"{step.kind}.{step.target}",
        step_index=index,
        category=category,
        prompt=prompt_of(step, w),
        parts=prompt_pieces(step, w),
        symbol=symbol_of(step),
        answer=float(step.value),
        shown=shown,
        tolerance=tolerance(step.value, shown, old),
        symbolic=step.symbolic or symbol_of(step),
        substituted=substituted_of(step),
        worked=step.formula,
        old=old,
    )


def symbol_of(step: Step) -> str:
    """What is asked, in symbols: ``h1``, ``E``, ``∂E/∂w5``, ``new w5``."""
    if step.kind == "loss":
        return "E"
    if step.kind in _FORWARD:
        return step.target
    if step.kind in _UPDATES:
        return f"new {step.target}"
    return f"∂E/∂{step.target}"


#: a prompt's pieces: (text, is_math); math pieces are formula text (``to_latex``, ``to_html``)
Pieces = tuple[tuple[str, bool], ...]


def prompt_of(step: Step, w: Walkthrough) -> str:
    """The question in words."""
    return "".join(text for text, _ in prompt_pieces(step, w))


def _pieces(template: str, target: str) -> Pieces:
    """``"The weight $t$."`` → text and math pieces, ``t`` replaced by the label inside the math."""
    out = []
    for i, piece in enumerate(template.split("$")):
        if piece:
            out.append((piece.replace("{t}", target), i % 2 == 1))
    return tuple(out)


def prompt_pieces(step: Step, w: Walkthrough) -> Pieces:
    """The question in words, with its symbols marked as math (for Markdown, LaTeX and HTML)."""
    output = _is_output_layer(step, w)
    neuron = "output" if output else "neuron"
    delta = "Δ" in step.symbolic
    match step.kind:
        case "neuron":
            template = f"The value of the {neuron} ${{t}}$."
        case "preactivation":
            template = "The weighted input ${t}$ (before the activation)."
        case "activation":
            template = f"The {neuron} ${{t}}$, after its activation."
        case "loss":
            template = "The loss $E$ of this sample."
        case "output_gradient" if output:
            template = ("The output error $Δ = ∂E/∂{t}$." if delta
                        else "The gradient of $E$ with respect to the output ${t}$.")
        case "output_gradient":
            template = "The gradient of $E$ with respect to the hidden neuron ${t}$."
        case "preactivation_gradient" if output:
            template = ("The output error $Δ = ∂E/∂{t}$, at the output's weighted input." if delta
                        else "The gradient of $E$ with respect to the output's weighted input ${t}$.")
        case "preactivation_gradient":
            template = "The gradient of $E$ with respect to the weighted input ${t}$."
        case "input_gradient":
            template = "The gradient of $E$ with respect to the input ${t}$."
        case "weight_gradient":
            template = "The gradient of $E$ with respect to the weight ${t}$."
        case "bias_gradient":
            template = "The gradient of $E$ with respect to the bias ${t}$."
        case "weight_update":
            template = "The new value of the weight ${t}$ after the update."
        case "bias_update":
            template = "The new value of the bias ${t}$ after the update."
        case _:
            template = "The value of ${t}$."
    return _pieces(template, step.target)


def _has_numbers_only(part: str) -> bool:
    """Whether a part of a formula has its numbers put in: numbers, and no symbol but function names."""
    tokens = tokenize(part)
    if not any(t.kind == "number" for t in tokens):
        return False
    return all(t.kind != "ident" or t.text in _FUNCTION_NAMES for t in tokens)


def substituted_of(step: Step) -> str:
    """The formula up to its numbers put in, the result hidden: ``w5 ← w5 − η·h1·Δ = 0.14 − 0.05·0.85·(−0.809)
    = ?``."""
    parts = step.formula.split(" = ")
    if len(parts) < 2:
        return f"{step.formula} = {HIDDEN_RESULT}"
    keep = len(parts) - 1  # at most everything but the result
    for i in range(1, len(parts) - 1):
        if _has_numbers_only(parts[i]):
            keep = i + 1
            break
    return " = ".join(parts[:keep] + [HIDDEN_RESULT])
