"""`explain`'s text, Markdown and JSON of a network whose name and labels are hostile: escaped, exactly."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from escaping_support import FORBIDDEN, hostile_experiment

from sandbox.engine import Dataset, Experiment, Layer, Network, Trainer, Walkthrough
from sandbox.explain import to_json, to_markdown, to_text
from sandbox.export.markdown import save_markdown
from sandbox.files import save_experiment

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def walkthrough() -> Walkthrough:
    return Trainer(hostile_experiment()).walkthrough(0, 0)


def assert_safe(text: str) -> None:
    text.encode("utf-8")  # strict: no lone surrogate
    assert [ch for ch in FORBIDDEN if ch in text] == []


def test_text_shows_every_control_character_as_an_escape(walkthrough):
    text = to_text(walkthrough)
    assert_safe(text)
    lines = text.splitlines()
    assert lines[0] == "\\x1b[2J<script>x</script> *net* \\input{a} \\ud800\\x07: one gradient-descent update"
    assert lines[1] == "=" * len(lines[0])
    assert "cr\\rlf\\nnext8 = " in text  # a label with a line break stays on its line
    assert "\\x1b[31mred\\x1b[0m5" in text and "nul\\x007" in text and "sur\\ud8009" in text
    assert "\\u202eevil11" in text
    assert "Inputs: <script>alert(1)</script>15 = 2, *_[]()#|`16 = 3" in text  # text is not Markdown


def test_markdown_escapes_names_as_text_and_labels_as_latex(walkthrough):
    md = to_markdown(walkthrough)
    assert_safe(md)
    assert md.startswith("# \\x1b\\[2J&lt;script&gt;x&lt;/script&gt; \\*net\\* \\\\input\\{a\\} \\ud800\\x07: "
                         "one gradient-descent update\n")
    assert "Inputs: &lt;script&gt;alert\\(1\\)&lt;/script&gt;15 = 2, \\*\\_\\[\\]\\(\\)\\#\\|\\`16 = 3; " \
           "target: \"\"\"'\\#10\\* = 1.  \n" in md
    assert "**Layer 1 (hidden layer 1: &lt;img src=x onerror=alert\\(1\\)&gt;0, " \
           "&lt;script&gt;alert\\(1\\)&lt;/script&gt;1; activation sigmoid)**" in md
    # labels inside $…$: LaTeX specials escaped, nothing a command, no HTML tag
    assert "$\\mathrm{cr}\\backslash\\mathtt{r}\\mathrm{lf}\\backslash\\mathtt{n}\\mathrm{next}_{8} = " \
        "< \\mathrm{script}>\\mathrm{alert}(1)< /\\mathrm{script}>15\\cdot \\ast \\_[]()\\#\\vert \\grave{}2 + " in md
    assert "\\backslash \\mathrm{input}\\{/\\mathrm{etc}/\\mathrm{passwd}\\}3" in md
    assert "\\backslash\\mathtt{x1b}[31\\mathrm{mred}" in md and "\\mathrm{sur}\\backslash\\mathtt{ud800}9" in md
    assert re.search(r"<[A-Za-z/!?]", md) is None  # no raw HTML anywhere
    assert re.search(r"(?<!\\)\\input", md) is None  # \input only as escaped text
    assert "```" not in md


def test_markdown_table_cell_keeps_a_pipe_in_its_cell():
    exp = Experiment(Network(1, [Layer(np.array([[0.5]]), labels=["a|b"])], input_labels=["x|y"]),
                     Dataset(np.array([[1.0]]), np.array([[0.0]])), name="pipes | in | name")
    md = to_markdown(Trainer(exp).walkthrough(0, 0))
    assert md.startswith("# pipes \\| in \\| name: ")
    row = next(line for line in md.splitlines() if line.startswith("| $a"))
    assert row == "| $a\\vert b$ | 0.5 | 0.495 | 0 |"
    assert len(re.findall(r"(?<!\\)\|", row)) == 5  # four cells


def test_plain_labels_are_written_as_before():
    """The escaping leaves the lecture's kind of labels and names as they were."""
    exp = Experiment(Network(2, [Layer(np.array([[0.1, 0.2]]), labels=["y"],
                                       weight_labels=[["w1", "w2_1"]])], input_labels=["i1", "net_h1"]),
                     Dataset(np.array([[2.0, 3.0]]), np.array([[1.0]])), name="Lecture 17: a plain network")
    w = Trainer(exp).walkthrough(0, 0)
    md, text = to_markdown(w), to_text(w)
    assert md.startswith("# Lecture 17: a plain network: one gradient-descent update\n")
    assert "Inputs: i1 = 2, net_h1 = 3; target: y\\* = 1.  \n" in md
    assert "- $y = i_{1}\\cdot w_{1} + \\mathrm{net}_{h_{1}}\\cdot w_{2,1} = " in md
    assert "  y = i1·w1 + net_h1·w2_1 = " in text


def test_json_is_valid_and_writes_a_lone_surrogate_as_visible_text(walkthrough):
    data = to_json(walkthrough)
    written = json.dumps(data, indent=2, ensure_ascii=False)  # as `explain --format json` writes it
    written.encode("utf-8")
    back = json.loads(written)
    assert back["network"] == "\x1b[2J<script>x</script> *net* \\input{a} \\ud800\x07"
    formulas = " ".join(step["formula"] for step in back["steps"])
    assert "sur\\ud8009 = " in formulas and "\u202eevil11" in back["gradients"]["by_label"]
    assert "cr\rlf\nnext8 = " in formulas  # JSON itself escapes control characters
    assert "\\x1b" not in written and "\\u001b" in written
    json.loads(json.dumps(data, ensure_ascii=True))


def test_markdown_file_of_a_hostile_network_is_written(walkthrough, tmp_path):
    path = save_markdown(walkthrough, tmp_path / "out.md")
    assert path.read_text(encoding="utf-8") == to_markdown(walkthrough)


def test_explain_command_prints_a_hostile_file_safely(tmp_path):
    """What validation lets through (HTML, Markdown, LaTeX and shell-looking text) prints escaped."""
    x = np.array([[1.0, 2.0]])
    exp = Experiment(Network(2, [Layer(np.array([[0.1, 0.2]]), labels=["<img/src=x/onerror=alert(1)>"])],
                             input_labels=["\\input{/etc/passwd}", "$x$|`#"]),
                     Dataset(x, np.array([[1.0]])), name="<script>alert(1)</script> \\input{x} *a*")
    path = tmp_path / "hostile.json"
    save_experiment(exp, path)
    for fmt in ("text", "markdown", "json"):
        result = subprocess.run([sys.executable, "-m", "sandbox", "explain", str(path), "--format", fmt],
                                capture_output=True, cwd=ROOT, timeout=120)
        assert result.returncode == 0, result.stderr
        out = result.stdout.decode("utf-8")
        assert_safe(out)
        if fmt == "markdown":
            assert out.startswith("# &lt;script&gt;alert\\(1\\)&lt;/script&gt; \\\\input\\{x\\} \\*a\\*: ")
            assert re.search(r"<[A-Za-z/!?]", out) is None
            assert re.search(r"(?<!\\)\\input", out) is None
        elif fmt == "json":
            assert json.loads(out)["network"] == "<script>alert(1)</script> \\input{x} *a*"
        else:
            assert out.startswith("<script>alert(1)</script> \\input{x} *a*: one gradient-descent update\n")
