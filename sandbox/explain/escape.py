"""Text from a network (names, labels, descriptions) escaped for the place it is written to.

Validation refuses control characters and lone surrogates (``sandbox.files.text_rules``), but a network
built in code or in the window does not pass through it, so every output escapes on its own:

- ``for_terminal``: control characters, lone surrogates, line/paragraph separators and bidirectional
  controls as visible escapes (``\\x1b``, ``\\x07``, ``\\x00``, ``\\r``, ``\\n``, ``\\ud800``, ``\\u202e``);
  what is left never moves the cursor, rings, recolours or fails to encode as UTF-8. Also the rule for
  any other plain-text field (an ONNX doc string); ``for_text_block`` keeps line breaks and tabs (a
  description).
- ``for_markdown``: inline Markdown text: ``&``, ``<``, ``>`` as entities (no raw HTML can pass),
  Markdown's specials backslash-escaped, unsafe characters as visible escapes.
- ``for_latex`` (text mode) and ``for_latex_math`` (math mode, one character at a time or a run):
  LaTeX's specials escaped so nothing can be a command (``\\input`` becomes a backslash and letters).
- ``for_python_string`` (a literal), ``for_python_docstring`` (one line inside ``\"\"\"…\"\"\"``),
  ``for_python_comment`` (one line after ``#``).
- ``for_identifier`` (ASCII letters, digits and ``_``) and ``for_file_name`` (a portable file name).
- ``for_json`` (text that ``json.dumps(ensure_ascii=False)`` can write as UTF-8).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "visible", "for_terminal", "for_text_block", "for_markdown", "for_latex", "for_latex_math", "for_python_string",
    "for_python_docstring", "for_python_comment", "for_identifier", "for_file_name", "for_json",
]

#: bidirectional controls ("Trojan source"): text that shows in another order than it is stored
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
#: what is never written as is: C0/C1 controls and DEL, surrogates, line/paragraph separators, bidi controls
_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\\ud800-\\udfff\u2028\u2029{_BIDI}]")
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}

MAX_FILE_NAME_CHARS = 100
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{i}" for i in range(1, 10)] + [f"LPT{i}" for i in range(1, 10)])


def visible(ch: str) -> str:
    """One unsafe character as the escape Python would write: ``\\x1b``, ``\\n``, ``\\ud800``, ``\\u202e``."""
    if ch in _SHORT:
        return _SHORT[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _visible_unsafe(text: str) -> str:
    return _UNSAFE.sub(lambda m: visible(m.group()), text)


def is_unsafe(ch: str) -> bool:
    """Whether a character is one that every output shows as a visible escape."""
    return _UNSAFE.match(ch) is not None


# ---- the terminal and other plain text ------------------------------------------------------------

def for_terminal(text: str) -> str:
    """Text to print: every unsafe character as a visible escape; all else (∂, η, ü, 字) as it is."""
    return _visible_unsafe(text)


_BLOCK_UNSAFE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\ud800-\\udfff\u2028\u2029{_BIDI}]")


def for_text_block(text: str) -> str:
    """Text of several lines (a description): as ``for_terminal``, but line breaks and tabs kept."""
    return _BLOCK_UNSAFE.sub(lambda m: visible(m.group()), text)


# ---- Markdown ---------------------------------------------------------------------------------------

#: backslash-escaped in inline Markdown (CommonMark lets any ASCII punctuation be escaped so)
_MARKDOWN_SPECIALS = frozenset("\\`*_{}[]()#+!|~$")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def for_markdown(text: str) -> str:
    """Inline Markdown text (a heading, a cell, a line): no raw HTML, no emphasis, link, code, table or
    math. ``_`` between two letters or digits (``h1_2``) stays as it is: CommonMark never reads it as
    emphasis."""
    out: list[str] = []
    for i, ch in enumerate(text):
        if is_unsafe(ch):
            out.append(visible(ch))  # a backslash before a letter shows as itself in Markdown
        elif ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ch == "_" and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum():
            out.append(ch)
        elif ch in _MARKDOWN_SPECIALS:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


# ---- LaTeX ----------------------------------------------------------------------------------------

_LATEX_TEXT = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "%": r"\%",
    "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}", "<": r"\textless{}",
    ">": r"\textgreater{}", "|": r"\textbar{}", "`": r"\textasciigrave{}",
}

_LATEX_MATH = {
    "\\": r"\backslash ", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "%": r"\%",
    "_": r"\_", "^": r"\hat{}", "~": r"\sim ", "|": r"\vert ", "`": r"\grave{}",
    # a "<" before a letter would open an HTML tag where the LaTeX sits in Markdown; a space after it
    # changes nothing in math
    "<": "< ",
}


def for_latex(text: str) -> str:
    """Text-mode LaTeX: every special escaped (``\\input`` → ``\\textbackslash{}input``), unsafe characters
    as visible escapes."""
    return "".join(r"\textbackslash{}" + visible(ch)[1:] if is_unsafe(ch) else _LATEX_TEXT.get(ch, ch)
                   for ch in text)


def for_latex_math(text: str) -> str:
    """Math-mode LaTeX for characters that are not part of a formula's grammar: specials escaped
    (``\\`` → ``\\backslash``, ``|`` → ``\\vert``: safe in a Markdown table), unsafe characters as
    ``\\backslash\\mathtt{x1b}``."""
    return "".join(r"\backslash\mathtt{" + visible(ch)[1:] + "}" if is_unsafe(ch) else _LATEX_MATH.get(ch, ch)
                   for ch in text)


# ---- Python source ----------------------------------------------------------------------------------

def for_python_string(text: str) -> str:
    """A Python string literal (quotes included) that evaluates to ``text``: ``repr`` escapes every
    control character, NUL and lone surrogate."""
    return repr(text)


def for_python_comment(text: str) -> str:
    """One line of a ``#`` comment: nothing in it can end the line or hide code (unsafe characters as
    visible escapes)."""
    return _visible_unsafe(text)


def for_python_docstring(text: str) -> str:
    """One line inside a ``\"\"\"…\"\"\"`` docstring: shows as ``for_python_comment`` does; backslashes and
    quotes escaped so the string cannot end or hold an escape sequence."""
    return for_python_comment(text).replace("\\", "\\\\").replace('"', '\\"')


# ---- names for machines -------------------------------------------------------------------------

def for_identifier(text: str, fallback: str = "network", max_chars: int = MAX_FILE_NAME_CHARS) -> str:
    """An ASCII identifier (ONNX graph names): letters, digits and ``_``; others become ``_``; no
    leading/trailing ``_``; a leading digit gets ``_`` before it; ``fallback`` when nothing is left."""
    cleaned = "".join(c if c.isascii() and c.isalnum() else "_" for c in text).strip("_")[:max_chars].rstrip("_")
    if not cleaned:
        return fallback
    return "_" + cleaned[:max_chars - 1] if cleaned[0].isdigit() else cleaned


def for_file_name(text: str, fallback: str = "network", max_chars: int = MAX_FILE_NAME_CHARS) -> str:
    """A file name (no folder) that every common system accepts: no ``/``, ``\\``, ``:*?"<>|``, NUL or
    other unsafe characters (each becomes ``_``); no leading dots or spaces, no trailing dots or spaces
    (Windows drops them); not a reserved Windows device name (``CON``, ``nul.txt``, ``COM1``: ``_``
    before it); at most ``max_chars`` characters; ``fallback`` when nothing is left."""
    name = "".join("_" if is_unsafe(c) or c in '/\\:*?"<>|' or unicodedata.category(c) in ("Cf", "Co", "Cn")
                   else c for c in text)
    name = name.lstrip(". ")[:max_chars].rstrip(". ")
    if not name:
        return fallback
    if name.split(".")[0].upper() in _WINDOWS_RESERVED:
        name = ("_" + name)[:max_chars].rstrip(". ")
    return name


# ---- JSON -----------------------------------------------------------------------------------------

_SURROGATE = re.compile("[\\ud800-\\udfff]")


def for_json(text: str) -> str:
    """A JSON string value that ``json.dumps(..., ensure_ascii=False)`` can write as UTF-8: a lone
    surrogate becomes the visible text ``\\ud800`` (JSON escapes every control character itself)."""
    return _SURROGATE.sub(lambda m: visible(m.group()), text)
