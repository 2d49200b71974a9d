"""``backprop-sandbox exercise``: sheets and answer keys on stdout or in files, the same seed the same bytes,
a drawn seed said on stderr, usage errors with 2, a PDF with the questions' text, and no Qt in this process."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from sandbox import cli
from sandbox.files import load_experiment
from sandbox.practice.exercise import make_exercise
from sandbox.practice.sheets import dumps_sheet_json, sheet_latex, sheet_markdown

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sandbox", "exercise", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, timeout=300)


def main(capsys, *args: str) -> tuple[int, str, str]:
    status = cli.main(["exercise", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("fmt", ["markdown", "latex", "json"])
def test_the_same_seed_gives_the_same_bytes_on_stdout(capsys, fmt):
    args = ("--seed", "4172", "--shape", "3-2-2", "--activation", "tanh", "--format", fmt)
    status, first, err = main(capsys, *args)
    assert status == 0 and err == ""
    assert main(capsys, *args)[1] == first
    assert main(capsys, "--seed", "4173", "--shape", "3-2-2", "--activation", "tanh", "--format", fmt)[1] != first
    ex = make_exercise(4172, "3-2-2", "tanh")
    expected = {"markdown": sheet_markdown(ex, False), "latex": sheet_latex(ex, False),
                "json": dumps_sheet_json(ex)}[fmt]
    assert first == expected


def test_the_same_seed_gives_the_same_pdf_bytes_across_processes(tmp_path):
    """Two processes with different hash seeds, at different moments: the same sheet and key, byte for byte (no
    date, a document id made from the sheet, Qt's fonts in one order)."""
    files = []
    for hash_seed in ("1", "2"):
        sheet, key = tmp_path / f"sheet{hash_seed}.pdf", tmp_path / f"key{hash_seed}.pdf"
        done = subprocess.run([sys.executable, "-m", "sandbox", "exercise", "--seed", "7", "--format", "pdf",
                               "--out", str(sheet), "--answers", str(key)], capture_output=True, text=True,
                              cwd=ROOT, timeout=300, env={**os.environ, "PYTHONHASHSEED": hash_seed})
        assert done.returncode == 0, done.stderr
        files.append((sheet.read_bytes(), key.read_bytes()))
    assert files[0] == files[1]
    sheet_bytes, key_bytes = files[0]
    assert sheet_bytes != key_bytes
    assert b"CreationDate" not in sheet_bytes and b"xmp:CreateDate" not in sheet_bytes
    assert pypdf.PdfReader(io.BytesIO(sheet_bytes)).metadata.title == "Exercise 7"


def test_a_drawn_seed_is_said_on_stderr_and_gives_that_exercise(capsys):
    status, sheet, err = main(capsys)
    assert status == 0
    match = re.fullmatch(r"exercise (\d{4})\n", err)
    assert match, err
    seed = match.group(1)
    assert sheet.startswith(f"# Exercise {seed}\n")
    assert main(capsys, "--seed", seed)[1] == sheet


def test_files_the_answer_key_and_the_network(capsys, tmp_path):
    out, key, net = tmp_path / "sheet.md", tmp_path / "key.md", tmp_path / "net.json"
    status, stdout, err = main(capsys, "--seed", "17", "--activation", "logistic", "--loss", "bce", "--ask", "update",
                               "--out", str(out), "--answers", str(key), "--network-out", str(net))
    assert status == 0 and err == ""
    assert stdout.splitlines() == [f"wrote {out}", f"wrote {net}", f"wrote {key}"]
    ex = make_exercise(17, activation="sigmoid", loss="bce", ask="update")
    assert out.read_text(encoding="utf-8") == sheet_markdown(ex, False)
    assert key.read_text(encoding="utf-8") == sheet_markdown(ex, True)
    assert "**Answer:**" in key.read_text(encoding="utf-8")
    loaded = load_experiment(net)
    assert loaded.name == "Exercise 17"
    assert [layer.weights.tolist() for layer in loaded.network.layers] == \
        [layer.weights.tolist() for layer in ex.experiment.network.layers]


def test_json_answers_equal_the_walkthrough(capsys, tmp_path):
    status, stdout, _ = main(capsys, "--seed", "3", "--format", "json", "--ask", "hidden_gradient")
    assert status == 0
    data = json.loads(stdout)
    ex = make_exercise(3, ask="hidden_gradient")
    assert [q["answer"] for q in data["questions"]] == [ex.walkthrough.steps[q.step_index].value
                                                        for q in ex.questions]
    assert {q["id"].split(".")[0] for q in data["questions"]} == {"output_gradient", "input_gradient"}


def test_the_sheet_on_stdout_says_other_files_on_stderr(capsys, tmp_path):
    net = tmp_path / "net.json"
    status, stdout, err = main(capsys, "--seed", "1", "--network-out", str(net))
    assert status == 0 and stdout.startswith("# Exercise 1\n")
    assert err == f"wrote {net}\n"


@pytest.mark.parametrize(("args", "says"), [
    (["--shape", "2-9-1"], "bad shape '2-9-1'"),
    (["--shape", "two"], "such as 2-2-1"),
    (["--activation", "softmax"], "bad activation 'softmax'"),
    (["--ask", "everything"], "invalid choice: 'everything'"),
    (["--loss", "cross_entropy"], "invalid choice"),
    (["--format", "html"], "invalid choice"),
    (["--seed", "-1"], "must be from 0"),
    (["--seed", "x"], "expected a whole number"),
    (["--format", "pdf"], "needs --out"),
    (["--out", "a.md", "--answers", "./a.md"], "name the same file"),
])
def test_wrong_usage_exits_with_2(args, says):
    result = run(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert says in result.stderr and "usage:" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_an_output_that_cannot_be_written_is_one_error_line(capsys, tmp_path):
    out = tmp_path / "no" / "sheet.md"
    status, stdout, err = main(capsys, "--seed", "1", "--out", str(out))
    assert status == 1 and stdout == ""
    assert err == f"error: {out}: file: cannot be written: the folder {out.parent} does not exist\n"


def test_a_pdf_sheet_and_key_with_the_questions_text(tmp_path):
    out, key = tmp_path / "sheet.pdf", tmp_path / "key.pdf"
    result = run("--seed", "4172", "--format", "pdf", "--out", str(out), "--answers", str(key))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"wrote {out}", f"wrote {key}"]
    ex = make_exercise(4172)

    def text(path: Path) -> str:
        assert path.read_bytes().startswith(b"%PDF-")
        return re.sub(r"\s+", "", "".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages))

    sheet, answers = text(out), text(key)
    assert "Exercise4172" in sheet and "Exercise4172:answerkey" in answers
    for q in ex.questions:
        plain = re.sub(r"\s+", "", q.prompt)
        assert plain in sheet and plain in answers
        assert re.sub(r"\s+", "", q.shown) in answers
    assert re.sub(r"\s+", "", ex.questions[-1].worked) not in sheet


def test_the_command_never_imports_qt(tmp_path):
    code = f"""
import sys
from sandbox.cli import main
statuses = [main(["exercise", "--seed", "5", "--format", fmt, "--out", {str(tmp_path)!r} + "/s." + fmt,
                  "--answers", {str(tmp_path)!r} + "/k." + fmt, "--network-out", {str(tmp_path)!r} + "/n.json"])
            for fmt in ("markdown", "latex", "json", "pdf")]
assert statuses == [0, 0, 0, 0], statuses
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6"))
print("QT:", qt)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8",
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "QT: []"
    assert (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF-")


def test_the_documented_excerpt_is_what_the_command_writes(capsys):
    doc = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    excerpt = doc.split("$ backprop-sandbox exercise --seed 4172\n", 1)[1].split("\n…\n", 1)[0]
    status, sheet, _ = main(capsys, "--seed", "4172")
    assert status == 0 and len(excerpt.splitlines()) > 20
    assert sheet.startswith(excerpt + "\n")
    key = sheet_markdown(make_exercise(4172), True)
    item = doc.split("The same question in the answer key (`--answers key.md`):\n\n```\n", 1)[1].split("```")[0]
    assert item in key
