"""The engine is pure numpy: nothing under sandbox/engine imports Qt, by its source or at run time."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import sandbox.engine

ENGINE = Path(sandbox.engine.__file__).parent
QT = ("PySide6", "pyqtgraph", "shiboken6", "PyQt5", "PyQt6")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            names.add(str(node.args[0].value))
    return names


def test_no_engine_source_imports_qt():
    files = sorted(ENGINE.rglob("*.py"))
    assert len(files) >= 10
    for path in files:
        for name in imported_modules(path):
            assert name.split(".")[0] not in QT, f"{path.name} imports {name}"
        text = path.read_text(encoding="utf-8")
        for qt in QT:
            assert f"import {qt}" not in text and f"from {qt}" not in text, f"{path.name} mentions {qt}"


def test_importing_and_using_the_engine_loads_no_qt():
    code = (
        "import json, sys\n"
        "import sandbox.engine as e\n"
        "from sandbox.engine import gradcheck\n"
        "net = e.Network(2, [e.Layer([[0.1, 0.2]], 'sigmoid')])\n"
        "exp = e.Experiment(net, e.generate('xor', samples=8))\n"
        "tr = e.Trainer(exp); tr.walkthrough(); tr.step()\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules = json.loads(out.stdout)
    assert "sandbox.engine.trainer" in modules
    loaded = [m for m in modules if m.split(".")[0] in QT]
    assert not loaded, f"the engine pulled in {loaded}"
