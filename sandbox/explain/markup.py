"""The engine's formula text as LaTeX (for Markdown and exports) or as HTML (for Qt rich text).

The walkthrough writes formulas in a small plain-text grammar (see docs/architecture.md):
derivatives ``∂E/∂w1``, products ``·``, a true minus ``−``, starred targets ``y*``, labels
such as ``w1``, ``h2_3``, ``net_h1``, ``b_h1_1``, ``α11``, Greek letters in Unicode, ``½``,
``²``, ``√x``, ``Σₛ``, powers ``10^−5``, ``β1^2``, ``e^(…)``, and a few English words
(``(sample 1)``, ``w1 is frozen: it keeps 0.11``). Labels become a base with subscripts:
``w1`` → w₁, ``h2_3`` → h₂,₃, ``net_h1`` → net with the subscript h₁. Numbers are left as written.

``to_latex`` gives math-mode LaTeX without the surrounding ``$``; ``to_html`` gives an HTML
fragment (``<sub>``, ``<sup>``, escaped text) that Qt's rich text and browsers show. A character outside
the grammar (a label's ``\\``, ``<`` or escape character) goes through ``escape``: nothing in a label can
become a LaTeX command, an HTML tag or a control character.
"""

from __future__ import annotations

import html
import re
from abc import abstractmethod
from dataclasses import dataclass

from .escape import for_latex_math, is_unsafe, visible

__all__ = ["to_latex", "to_html", "tokenize", "Token"]

_LETTER = "A-Za-z\u0391-\u03a9\u03b1-\u03c9"
_WORD = rf"(?:[{_LETTER}]\u0302?)+"
_PART = rf"(?:\d+(?:\.\d+)?|{_WORD}\d*)"
_UNICODE_SUBS = "ₛₖₙᵢⱼ₀₁₂₃₄₅₆₇₈₉"

_TOKEN = re.compile(
    rf"""
    (?P<space>[^\S\x00-\x1f\x7f-\x9f\u2028\u2029]+)  # a line break or tab in a label is a symbol: shown
  | (?P<phrase>softmax\ and\ cross-entropy\ combined|cross-entropy)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<ident>{_WORD}\d*(?:_{_PART})*[{_UNICODE_SUBS}]*\*?)
  | (?P<symbol>.)
    """,
    re.VERBOSE | re.DOTALL,
)

#: English words that appear in formulas (notes such as "(sample 0)"): set as text, not math
TEXT_WORDS = frozenset({
    "sample", "is", "frozen", "it", "keeps", "computed", "stably", "as", "and", "combined",
    "softmax and cross-entropy combined", "the", "of", "for", "with", "batch", "NaN",
})

#: function names: LaTeX operator, HTML text
FUNCTIONS = {
    "log": r"\log", "ln": r"\ln", "tanh": r"\tanh", "arctan": r"\arctan", "max": r"\max",
    "min": r"\min", "exp": r"\exp", "cos": r"\cos", "sin": r"\sin",
    "sign": r"\operatorname{sign}", "step": r"\operatorname{step}",
    "softmax": r"\operatorname{softmax}", "PReLU": r"\operatorname{PReLU}", "ELU": r"\operatorname{ELU}",
    "ReLU": r"\operatorname{ReLU}",
}

GREEK = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon",
    "ζ": r"\zeta", "η": r"\eta", "θ": r"\theta", "ι": r"\iota", "κ": r"\kappa", "λ": r"\lambda",
    "μ": r"\mu", "ν": r"\nu", "ξ": r"\xi", "ο": "o", "π": r"\pi", "ρ": r"\rho", "σ": r"\sigma",
    "ς": r"\varsigma", "τ": r"\tau", "υ": r"\upsilon", "φ": r"\varphi", "χ": r"\chi", "ψ": r"\psi",
    "ω": r"\omega", "Γ": r"\Gamma", "Δ": r"\Delta", "Θ": r"\Theta", "Λ": r"\Lambda", "Ξ": r"\Xi",
    "Π": r"\Pi", "Σ": r"\Sigma", "Υ": r"\Upsilon", "Φ": r"\Phi", "Ψ": r"\Psi", "Ω": r"\Omega",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Χ": "X",
}

SUBSCRIPT_DIGITS = {c: str(i) for i, c in enumerate("₀₁₂₃₄₅₆₇₈₉")}
SUBSCRIPT_LETTERS = {"ₛ": "s", "ₖ": "k", "ₙ": "n", "ᵢ": "i", "ⱼ": "j", **SUBSCRIPT_DIGITS}

LATEX_SYMBOLS = {
    "·": r"\cdot ", "−": "-", "-": "-", "½": r"\tfrac{1}{2}", "²": "^{2}", "³": "^{3}",
    "…": r"\ldots ", "≥": r"\geq ", "≤": r"\leq ", "∞": r"\infty ", "×": r"\times ",
    "∂": r"\partial ", ";": r";\quad ", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&",
    "#": r"\#", "$": r"\$", "~": r"\sim ", "\\": r"\backslash ", "_": r"\_", "⌊": r"\lfloor ",
    "⌋": r"\rfloor ", "≈": r"\approx ", "±": r"\pm ", "'": "'", "*": r"\ast ",
}


@dataclass(frozen=True)
class Token:
    kind: str  # space, phrase, number, ident, symbol
    text: str


def tokenize(formula: str) -> list[Token]:
    """Split a formula into spaces, numbers, identifiers (labels, names) and single symbols."""
    return [Token(m.lastgroup or "symbol", m.group()) for m in _TOKEN.finditer(formula)]


# ---- identifiers ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Ident:
    base: str  # letters, possibly with a combining hat
    subs: tuple[str, ...]  # plain subscripts (digits, numbers, unicode-subscript letters)
    nested: _Ident | None  # a label in the subscript: net_h1 → net with subscript h1
    star: bool


def _parse_ident(text: str) -> _Ident:
    star = text.endswith("*")
    if star:
        text = text[:-1]
    unicode_subs = ""
    while text and text[-1] in SUBSCRIPT_LETTERS:
        unicode_subs = SUBSCRIPT_LETTERS[text[-1]] + unicode_subs
        text = text[:-1]
    parts = text.split("_")
    head = re.fullmatch(rf"({_WORD})(\d*)", parts[0])
    assert head is not None
    base, digits = head.group(1), head.group(2)
    subs: list[str] = [digits] if digits else []
    nested = None
    for i, part in enumerate(parts[1:], start=1):
        if re.fullmatch(r"\d+(?:\.\d+)?", part):
            subs.append(part)
        else:
            nested = _parse_ident("_".join(parts[i:]))
            break
    if unicode_subs:
        subs.append(unicode_subs)
    return _Ident(base, tuple(subs), nested, star)


def _latex_letters(base: str) -> str:
    if base in FUNCTIONS:
        return FUNCTIONS[base]
    letters = re.findall(r".\u0302?", base)
    if len(letters) == 1:
        ch = letters[0]
        body = GREEK.get(ch[0], ch[0])
        if ch[0] == "Σ":
            body = r"\sum"
        return rf"\hat{{{body}}}" if ch.endswith("\u0302") else body
    if all(ch[0] in GREEK for ch in letters):
        return " ".join(GREEK[ch[0]] for ch in letters)
    return r"\mathrm{" + base.replace("\u0302", "") + "}"


def _latex_ident(ident: _Ident) -> str:
    text = _latex_letters(ident.base)
    sub_parts = list(ident.subs)
    if ident.nested is not None:
        sub_parts.append(_latex_ident(ident.nested))
    if sub_parts:
        text += "_{" + ",".join(sub_parts) + "}"
    if ident.star:
        text = "{" + text + "^{*}}"
    return text


def _html_letters(base: str) -> str:
    """Letters as HTML; a letter with a combining hat (m̂) stays one unit, set in italics: some fonts
    (DejaVu Sans upright) place the hat of a letter without a precomposed form a line too high."""
    return "".join(f"<i>{html.escape(ch)}</i>" if ch.endswith("\u0302") else html.escape(ch)
                   for ch in re.findall(r".\u0302?", base))


def _html_ident(ident: _Ident) -> str:
    text = _html_letters(ident.base)
    sub_parts = [html.escape(s) for s in ident.subs]
    if ident.nested is not None:
        sub_parts.append(_html_ident(ident.nested))
    if sub_parts:
        text += "<sub>" + ",".join(sub_parts) + "</sub>"
    if ident.star:
        text += "<sup>*</sup>"
    return text


def _is_text_word(token: Token) -> bool:
    return token.kind == "phrase" or (token.kind == "ident" and token.text in TEXT_WORDS)


# ---- rendering ----------------------------------------------------------------------------------

class _Renderer:
    """Walks the tokens once; subclasses say how each piece looks."""

    def __init__(self, formula: str):
        self.tokens = tokenize(formula)
        self.i = 0

    def render(self) -> str:
        out: list[str] = []
        while self.i < len(self.tokens):
            out.append(self.next_piece())
        return "".join(out)

    def peek(self, offset: int = 0) -> Token | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def next_piece(self) -> str:
        tok = self.tokens[self.i]
        if tok.text == "∂" and self.is_derivative():
            return self.derivative()
        if tok.text == "^" and self.peek(1) is not None:
            self.i += 1
            return self.power(self.atom())
        if tok.text == "√" and (nxt := self.peek(1)) is not None and nxt.kind != "space":
            self.i += 1
            return self.root(self.atom())
        self.i += 1
        return self.single(tok)

    def is_derivative(self) -> bool:
        t = [tok for k in range(5) if (tok := self.peek(k)) is not None]
        return (len(t) == 5 and t[1].kind == "ident" and t[2].text == "/"
                and t[3].text == "∂" and t[4].kind == "ident")

    def derivative(self) -> str:
        top, bottom = self.tokens[self.i + 1], self.tokens[self.i + 4]
        self.i += 5
        return self.fraction(self.ident(top.text), self.ident(bottom.text))

    def atom(self) -> str:
        """The next operand (of ^ or √): a minus sign with what follows, a token or a bracket group."""
        tok = self.tokens[self.i]
        if tok.text in "−-" and (nxt := self.peek(1)) is not None and nxt.kind in ("number", "ident"):
            self.i += 1
            return self.single(tok) + self.atom()
        if tok.text in "({[⌊":
            closing = {"(": ")", "{": "}", "[": "]", "⌊": "⌋"}[tok.text]
            depth, j = 0, self.i
            while j < len(self.tokens):
                if self.tokens[j].text == tok.text:
                    depth += 1
                elif self.tokens[j].text == closing:
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            inner = _type(self)(_join(self.tokens[self.i + 1:j])).render()
            self.i = j + 1
            return self.group(inner, tok.text, closing)
        return self.next_piece()

    def single(self, tok: Token) -> str:
        if tok.kind == "space":
            return self.space()
        if _is_text_word(tok):
            return self.text(tok.text)
        if tok.kind == "number":
            return self.number(tok.text)
        if tok.kind == "ident":
            return self.ident(tok.text)
        return self.symbol(tok.text)

    # overridden by the two renderers
    @abstractmethod
    def space(self) -> str: ...
    @abstractmethod
    def text(self, word: str) -> str: ...
    @abstractmethod
    def number(self, text: str) -> str: ...
    @abstractmethod
    def ident(self, text: str) -> str: ...
    @abstractmethod
    def symbol(self, ch: str) -> str: ...
    @abstractmethod
    def fraction(self, top: str, bottom: str) -> str: ...
    @abstractmethod
    def power(self, exponent: str) -> str: ...
    @abstractmethod
    def root(self, body: str) -> str: ...
    @abstractmethod
    def group(self, inner: str, opening: str, closing: str) -> str: ...


def _join(tokens: list[Token]) -> str:
    return "".join(t.text for t in tokens)


def _type(r: _Renderer) -> type[_Renderer]:
    return type(r)


class _Latex(_Renderer):
    def space(self) -> str:
        before = self.tokens[self.i - 2] if self.i >= 2 else None
        after = self.peek()
        if (before is not None and _is_text_word(before)) or (after is not None and _is_text_word(after)):
            return r"\ "
        return " "

    def text(self, word: str) -> str:
        return r"\text{" + word + "}"

    def number(self, text: str) -> str:
        return text

    def ident(self, text: str) -> str:
        return _latex_ident(_parse_ident(text))

    def symbol(self, ch: str) -> str:
        if ch in LATEX_SYMBOLS:
            return LATEX_SYMBOLS[ch]
        if ch in GREEK:
            return GREEK[ch] + " "
        if ch in SUBSCRIPT_LETTERS:
            return "_{" + SUBSCRIPT_LETTERS[ch] + "}"
        if ch == "√":
            return r"\surd "
        if ch == "^":
            return r"\hat{}"
        return for_latex_math(ch)  # a label's other characters: nothing can become a command

    def fraction(self, top: str, bottom: str) -> str:
        return r"\frac{\partial " + top + r"}{\partial " + bottom + "}"

    def power(self, exponent: str) -> str:
        return "^{" + exponent + "}"

    def root(self, body: str) -> str:
        return r"\sqrt{" + body + "}"

    def group(self, inner: str, opening: str, closing: str) -> str:
        if opening == "(":
            return "(" + inner + ")"
        return self.symbol(opening) + inner + self.symbol(closing)


class _Html(_Renderer):
    def space(self) -> str:
        return " "

    def text(self, word: str) -> str:
        return html.escape(word)

    def number(self, text: str) -> str:
        return text

    def ident(self, text: str) -> str:
        return _html_ident(_parse_ident(text))

    def symbol(self, ch: str) -> str:
        if ch in SUBSCRIPT_LETTERS:
            return "<sub>" + SUBSCRIPT_LETTERS[ch] + "</sub>"
        return html.escape(visible(ch) if is_unsafe(ch) else ch)

    def fraction(self, top: str, bottom: str) -> str:
        return f"∂{top}/∂{bottom}"

    def power(self, exponent: str) -> str:
        return "<sup>" + exponent + "</sup>"

    def root(self, body: str) -> str:
        return "√" + body

    def group(self, inner: str, opening: str, closing: str) -> str:
        return html.escape(opening) + inner + html.escape(closing)


def to_latex(formula: str) -> str:
    """Math-mode LaTeX for a formula (no ``$`` around it): ``∂E/∂w1`` → ``\\frac{\\partial E}{\\partial w_{1}}``."""
    return re.sub(r" {2,}", " ", _Latex(formula).render()).strip()


def to_html(formula: str) -> str:
    """An HTML fragment for a formula: ``h2_3`` → ``h<sub>2,3</sub>``, ``y*`` → ``y<sup>*</sup>``."""
    return _Html(formula).render()
