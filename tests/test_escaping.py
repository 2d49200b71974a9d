"""``sandbox.explain.escape``: each way out gets text escaped for where it goes, exactly."""

from __future__ import annotations

import ast
import json
import re

import pytest
from escaping_support import FORBIDDEN, HOSTILE
from hypothesis import given
from hypothesis import strategies as st

from sandbox.explain import to_html, to_latex
from sandbox.explain.escape import (
    for_file_name,
    for_identifier,
    for_json,
    for_latex,
    for_latex_math,
    for_markdown,
    for_python_comment,
    for_python_docstring,
    for_python_string,
    for_terminal,
    for_text_block,
)

#: every LaTeX command the formula renderer may write; anything else would come from a label
LATEX_COMMANDS = {
    "frac", "tfrac", "partial", "cdot", "ldots", "geq", "leq", "infty", "times", "backslash", "lfloor",
    "rfloor", "approx", "pm", "ast", "sim", "quad", "text", "mathrm", "mathtt", "hat", "surd", "sqrt",
    "vert", "grave", "sum", "log", "ln", "tanh", "arctan", "max", "min", "exp", "cos", "sin", "operatorname",
    "alpha", "beta", "gamma", "delta", "varepsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
    "nu", "xi", "pi", "rho", "sigma", "varsigma", "tau", "upsilon", "varphi", "chi", "psi", "omega", "Gamma",
    "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
}

any_text = st.text(st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()),
                   max_size=40)


def commands(latex: str) -> set[str]:
    """The LaTeX commands in ``latex`` (``\\{`` and the like are escapes, not commands)."""
    return set(re.findall(r"\\([A-Za-z]+)", latex.replace("\\\\", "")))


# ---- the terminal ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, shown", [
    ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
    ("bel\x07", "bel\\x07"),
    ("nul\x00", "nul\\x00"),
    ("cr\rlf\ntab\t", "cr\\rlf\\ntab\\t"),
    ("sur\ud800", "sur\\ud800"),
    ("\u202eevil", "\\u202eevil"),
    ("\x9b2J del\x7f", "\\x9b2J del\\x7f"),
    ("line\u2028sep", "line\\u2028sep"),
    ("∂E/∂w1 η ü 字 <b> \\input", "∂E/∂w1 η ü 字 <b> \\input"),
])
def test_terminal_shows_control_characters_as_escapes(text, shown):
    assert for_terminal(text) == shown
    shown.encode("utf-8")


def test_a_text_block_keeps_its_line_breaks_and_tabs():
    assert for_text_block("one\n\ttwo\r\x1b[2J\ud800\u2028") == "one\n\ttwo\\r\\x1b[2J\\ud800\\u2028"


@given(any_text)
def test_terminal_text_never_holds_an_unsafe_character(text):
    out = for_terminal(text)
    out.encode("utf-8")  # no lone surrogate left
    assert not any(ch in out for ch in FORBIDDEN + ["\n", "\u2028"])
    assert for_terminal(out) == out  # idempotent: safe text stays as it is


# ---- Markdown -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, escaped", [
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert\\(1\\)&gt;"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
    ("*_[]()#|`", "\\*\\_\\[\\]\\(\\)\\#\\|\\`"),
    ("&amp;", "&amp;amp;"),
    ("$x$ {a} \\\\ ~", "\\$x\\$ \\{a\\} \\\\\\\\ \\~"),
    ("\x1b[31m\x07\x00\r\n\ud800", "\\x1b\\[31m\\x07\\x00\\r\\n\\ud800"),
    ('"""\'', '"""\''),
    ("h1_2 net_h1 b_h1_1", "h1_2 net_h1 b_h1_1"),  # between letters or digits: never emphasis
    ("_a a_ __", "\\_a a\\_ \\_\\_"),
    ("Lecture 17: simple linear network", "Lecture 17: simple linear network"),
])
def test_markdown_text_is_escaped(text, escaped):
    assert for_markdown(text) == escaped


@given(any_text)
def test_markdown_text_has_no_html_and_no_unescaped_special(text):
    out = for_markdown(text)
    out.encode("utf-8")
    assert "<" not in out and ">" not in out
    assert not any(ch in out for ch in FORBIDDEN + ["\n"])
    unescaped = re.sub(r"\\([!-/:-@\[-`{-~]|x[0-9a-f]{2}|u[0-9a-f]{4}|[nrt])", "", out)  # drop every escape
    assert not set(unescaped) & set("*[]()#|`$~{}\\")
    assert "&" not in re.sub(r"&(amp|lt|gt);", "", out)


# ---- LaTeX ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, escaped", [
    ("\\input{/etc/passwd}", "\\textbackslash{}input\\{/etc/passwd\\}"),
    ("$x$ a_b 50% #1 & ^ ~", "\\$x\\$ a\\_b 50\\% \\#1 \\& \\textasciicircum{} \\textasciitilde{}"),
    ("<b>|`", "\\textless{}b\\textgreater{}\\textbar{}\\textasciigrave{}"),
    ("\x1b\ud800", "\\textbackslash{}x1b\\textbackslash{}ud800"),
])
def test_latex_text_is_escaped(text, escaped):
    assert for_latex(text) == escaped


def test_latex_math_characters_are_escaped():
    assert for_latex_math("\\input{x}") == "\\backslash input\\{x\\}"
    assert for_latex_math("<b>|`") == "< b>\\vert \\grave{}"
    assert for_latex_math("\x00\n\ud800") == "\\backslash\\mathtt{x00}\\backslash\\mathtt{n}\\backslash\\mathtt{ud800}"


def test_a_label_in_a_formula_cannot_be_a_command():
    assert to_latex("\\input{/etc/passwd}1 = 2") == \
        "\\backslash \\mathrm{input}\\{/\\mathrm{etc}/\\mathrm{passwd}\\}1 = 2"
    assert to_latex("<b>x</b>") == "< b>x< /b>"
    assert to_latex("a|b") == "a\\vert b"
    assert to_latex("cr\rlf") == "\\mathrm{cr}\\backslash\\mathtt{r}\\mathrm{lf}"


@given(any_text)
def test_formula_latex_holds_only_the_renderer_s_commands(text):
    out = to_latex(text)
    out.encode("utf-8")
    assert not any(ch in out for ch in FORBIDDEN + ["\n"])
    assert commands(out) <= LATEX_COMMANDS, text
    assert re.search(r"<[A-Za-z/!?]", out) is None  # nothing Markdown would take for an HTML tag
    assert "|" not in out and "`" not in out  # safe in a Markdown table cell and outside code spans


@given(any_text)
def test_formula_html_is_escaped(text):
    out = to_html(text)
    out.encode("utf-8")
    assert not any(ch in out for ch in FORBIDDEN + ["\n"])
    assert re.search(r"<(?!/?(sub|sup|i)>)", out) is None  # only the renderer's own tags


# ---- Python source ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", HOSTILE)
def test_python_string_is_a_literal_of_the_text(text):
    literal = for_python_string(text)
    assert "\n" not in literal and "\x00" not in literal
    literal.encode("utf-8")
    assert ast.literal_eval(literal) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_python_comment_and_docstring_stay_on_one_line(text):
    comment = for_python_comment(text)
    source = f"x = 1  # {comment}\ny = 2\n"
    tree = ast.parse(source)
    assert [type(node) for node in tree.body] == [ast.Assign, ast.Assign]
    doc = for_python_docstring(text)
    value = ast.literal_eval(f'"""{doc}: exported"""')
    assert value == comment + ": exported"
    assert "\n" not in doc


# ---- names for machines ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, name", [
    ("Lecture 17: simple linear network", "Lecture 17_ simple linear network"),
    ("../../etc/passwd", "_.._etc_passwd"),
    ("a/b\\c:d*e?f\"g<h>i|j", "a_b_c_d_e_f_g_h_i_j"),
    ("...hidden", "hidden"),
    ("nul\x00\x1b[31m\ud800", "nul__[31m_"),
    ("CON", "_CON"),
    ("nul.txt", "_nul.txt"),
    ("com1", "_com1"),
    ("console", "console"),
    ("trailing. ", "trailing"),
    ("", "network"),
    ("...", "network"),
    ("A" * 500, "A" * 100),
    ("Netz für Übungen", "Netz für Übungen"),
])
def test_file_names_are_portable(text, name):
    assert for_file_name(text) == name


@given(any_text)
def test_file_names_never_hold_a_separator_or_an_unsafe_character(text):
    name = for_file_name(text)
    name.encode("utf-8")
    assert 1 <= len(name) <= 100
    assert not set(name) & set('/\\:*?"<>|')
    assert not any(ch in name for ch in FORBIDDEN + ["\n"])
    assert not name.startswith((".", " ")) and not name.endswith((".", " "))
    assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}


@pytest.mark.parametrize("text, identifier", [
    ("Lecture 17: simple linear network", "Lecture_17__simple_linear_network"),
    ("<script>", "script"),
    ("17 nets", "_17_nets"),
    ("Übung", "bung"),
    ("\x00\ud800", "network"),
])
def test_identifiers_are_ascii(text, identifier):
    assert for_identifier(text) == identifier


def test_json_text_can_be_written_as_utf8():
    text = for_json("sur\ud800 \x1b<b>")
    assert text == "sur\\ud800 \x1b<b>"  # JSON escapes the control character itself
    written = json.dumps({"name": text}, ensure_ascii=False)
    written.encode("utf-8")
    assert json.loads(written)["name"] == text
