"""Exports of a network whose name, description and labels are hostile: a PyTorch script that compiles
(or a clear refusal), ONNX with safe names and doc strings, a Markdown file that writes."""

from __future__ import annotations

import ast

import numpy as np
import pytest
from escaping_support import FORBIDDEN, hostile_experiment

from sandbox.engine import Experiment
from sandbox.export import pytorch_script as script_module
from sandbox.export.errors import ExportError
from sandbox.export.pytorch_script import pytorch_script, save_pytorch_script
from sandbox.files import NetworkFileError


@pytest.fixture(scope="module")
def hostile() -> Experiment:
    return hostile_experiment()


def assert_safe(text: str) -> None:
    text.encode("utf-8")
    assert [ch for ch in FORBIDDEN if ch in text] == []


# ---- PyTorch --------------------------------------------------------------------------------------

def test_script_of_a_hostile_network_compiles_and_keeps_names_in_comments(hostile, tmp_path):
    script = pytorch_script(hostile, epochs=2)
    assert_safe(script)
    compile(script, "<export>", "exec")
    tree = ast.parse(script)
    doc = ast.get_docstring(tree, clean=False)
    assert doc is not None and doc.startswith(
        "\\x1b[2J<script>x</script> *net* \\input{a} \\ud800\\x07: exported from Backprop Sandbox")
    # every statement is one the exporter writes: no label started a line of code
    assert [type(node).__name__ for node in tree.body[:6]] == ["Expr", "Import", "Import", "ImportFrom", "Expr",
                                                                "Assign"]
    lines = script.splitlines()
    first = next(line for line in lines if "# layer 1:" in line)
    assert first == "    nn.Linear(2, 2),  # layer 1: <img src=x onerror=alert(1)>0, <script>alert(1)</script>1"
    second = next(line for line in lines if "# layer 2:" in line)
    assert second == "    nn.Linear(2, 1),  # layer 2: \"\"\"'#10"
    path = save_pytorch_script(hostile, tmp_path / "hostile.py", epochs=2)
    assert path.read_text(encoding="utf-8") == script


def test_a_label_with_a_line_break_stays_in_its_comment():
    exp = hostile_experiment()
    exp.network.layers[0].labels = ["a\nimport os; os.system('x')", "b\r\x00\ud800"]
    script = pytorch_script(exp)
    assert "  # layer 1: a\\nimport os; os.system('x'), b\\r\\x00\\ud800\n" in script
    assert not any(line.startswith("import os") for line in script.splitlines())
    compile(script, "<export>", "exec")


def test_a_script_that_would_not_compile_is_refused_with_where_and_what(hostile, tmp_path, monkeypatch):
    monkeypatch.setattr(script_module, "for_python_comment", lambda text: text)  # as if a label went unescaped
    exp = hostile_experiment()
    exp.network.layers[0].labels = ["a\n)(", "b"]
    with pytest.raises(ExportError) as caught:
        pytorch_script(exp)
    assert isinstance(caught.value, NetworkFileError)  # the commands report it as `error: FILE: where: what`
    [problem] = caught.value.problems
    assert problem.where.startswith("the PyTorch script, line ")
    assert "would not be valid Python (SyntaxError" in problem.what and "nothing was written" in problem.what
    out = tmp_path / "broken.py"
    with pytest.raises(ExportError) as caught:
        save_pytorch_script(exp, out)
    assert not out.exists()
    [line] = caught.value.lines()
    assert line.startswith(f"{out}: the PyTorch script, line ")


def test_script_of_a_hostile_network_runs(hostile, tmp_path):
    torch = pytest.importorskip("torch")
    namespace: dict = {"__name__": "exported"}
    exec(compile(pytorch_script(hostile, epochs=1), "<export>", "exec"), namespace)
    with torch.no_grad():
        out = namespace["model"](torch.tensor(hostile.data.inputs)).numpy()
    assert out == pytest.approx(hostile.network.predict(hostile.data.inputs), abs=1e-12)


# ---- ONNX ------------------------------------------------------------------------------------------

def test_onnx_names_are_safe_and_doc_strings_escaped(hostile, tmp_path):
    onnx = pytest.importorskip("onnx")
    from onnx.reference import ReferenceEvaluator

    from sandbox.export.onnx_export import experiment_to_onnx, save_onnx

    model = experiment_to_onnx(hostile)
    graph = model.graph
    assert graph.name == "_2J_script_x__script___net___input_a"
    names = [n.name for n in graph.node] + [t.name for t in graph.initializer] + \
        [o for n in graph.node for o in n.output]
    assert all(name.isascii() and name.replace(".", "").replace("_", "").isalnum() for name in names)
    assert len(set(n.name for n in graph.node)) == len(graph.node)
    assert model.doc_string.startswith("\\x1b[2J<script>x</script> *net* \\input{a} \\ud800\\x07. Inputs: ")
    assert graph.doc_string == "line\nbreak \\x00 \\ud800 <b>"  # a description keeps its line breaks
    assert graph.node[0].doc_string == "z = x Wᵀ + b: cr\\rlf\\nnext8, sur\\ud8009"
    for text in (model.doc_string, graph.doc_string, *(n.doc_string for n in graph.node)):
        assert_safe(text.replace("\n", " "))
    path = save_onnx(hostile, tmp_path / "hostile.onnx")
    loaded = onnx.load(str(path))
    onnx.checker.check_model(loaded)
    x = np.asarray(hostile.data.inputs)
    assert ReferenceEvaluator(loaded).run(None, {"input": x})[0] == pytest.approx(
        hostile.network.predict(x), abs=1e-12)
