"""A practice question as the explanation panel shows it: the prompt, the formula in symbols and "= ?",
then the rungs of the hint ladder reached (the numbers put in; the worked step). No Qt, no numbers of its own:
every text is the question's, written by the walkthrough."""

from __future__ import annotations

from sandbox.explain.markup import to_html, tokenize
from sandbox.practice.questions import Question

#: how far up the hint ladder a question is: symbols only, the numbers put in, the answer shown
SYMBOLS, SUBSTITUTED, WORKED = 0, 1, 2


def answer_symbol(q: Question) -> str:
    """The name the student computes: ``Δ`` when the formula names the output error so, else the symbol."""
    last = q.symbolic.split(" = ")[-1].strip()
    return last if last == "Δ" else q.symbol


def derivation_lines(formula: str, symbolic: str) -> list[str]:
    """``a = b = c`` after the symbolic part: ``["= b", "= c"]`` (the derivation one step a line)."""
    parts = formula.split(" = ")
    known = symbolic.split(" = ")
    if parts[: len(known)] == known:
        parts = parts[len(known):]
    else:
        parts = parts[1:]
    return ["= " + p for p in parts]


def symbolic_lines(q: Question) -> list[str]:
    """The formula in symbols as the worked step goes on in symbols before its numbers come in:
    ``∂E/∂h1`` → ``["= ∂E/∂y · ∂y/∂h1", "= Δ · w5"]`` after the symbolic title."""
    out = []
    for line in derivation_lines(q.worked, q.symbolic)[:-1]:
        if any(t.kind == "number" for t in tokenize(line[2:])):
            break
        out.append(line)
    return out


def question_html(q: Question, rung: int) -> str:
    """The panel's body for question ``q`` at hint rung ``rung`` (its words are in the answer bar)."""
    indent = "&nbsp;&nbsp;&nbsp;&nbsp;"
    more = symbolic_lines(q) if rung < SUBSTITUTED else []
    if rung < SUBSTITUTED and not more:  # one line: ∂E/∂y = Δ = ?
        return f"<div class='symbolic'>{to_html(q.symbolic)} = ?</div>"
    body = [f"<div class='symbolic'>{to_html(q.symbolic)}</div>"]
    body.extend(f"<div class='line'>{indent}{to_html(line)}</div>" for line in more)
    if rung >= WORKED:
        lines = derivation_lines(q.worked, q.symbolic)
        for i, line in enumerate(lines):
            cls = "value" if i == len(lines) - 1 else "line"
            body.append(f"<div class='{cls}'>{indent}{to_html(line)}</div>")
    elif rung >= SUBSTITUTED:
        for line in derivation_lines(q.substituted, q.symbolic):
            body.append(f"<div class='line'>{indent}{to_html(line)}</div>")
    else:
        body.append(f"<div class='value'>{indent}= ?</div>")
    return "".join(body)
