"""The hostile corpus (tests/hostile_corpus.py) through ``validate``, ``explain``, ``train`` and the window's
``open_file``: each file works, or is refused with its ``error: FILE: <where>: <what>`` line and exit status 1,
under a memory limit and a timeout; the window shows the message and keeps its network."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hostile_corpus import Case, Refusal, cases

HERE = Path(__file__).resolve().parent
COMMANDS = ("validate", "explain", "train")
CASES = cases()
#: what a terminal must never receive: control characters other than line breaks and tabs
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, tuple[Case, Path]]:
    folder = tmp_path_factory.mktemp("hostile")
    return {case.name: (case, case.make(folder)) for case in CASES}


def _argv(command: str, path: Path, out_dir: Path) -> list[str]:
    if command == "train":
        return ["train", str(path), "--iterations", "2", "--out", str(out_dir / f"{path.name}.trained.json")]
    return [command, str(path)]


@pytest.fixture(scope="module")
def results(corpus, tmp_path_factory) -> dict[tuple[str, str], tuple[int | str, str, str, Path]]:
    """(case, command) → (status, stdout, stderr, the trained file's path), run by two forking runners side by side."""
    out_dir = tmp_path_factory.mktemp("hostile-out")
    jobs = []
    for name, (_case, path) in corpus.items():
        for command in COMMANDS:
            stem = f"{len(jobs):04d}"
            jobs.append({"id": f"{name}|{command}", "argv": _argv(command, path, out_dir),
                         "out": str(out_dir / f"{stem}.out"), "err": str(out_dir / f"{stem}.err")})
    halves = [jobs[0::2], jobs[1::2]]

    def run(part: list[dict]) -> dict[str, int | str]:
        job_file = out_dir / f"jobs-{id(part)}.json"
        job_file.write_text(json.dumps(part), encoding="utf-8")
        done = subprocess.run([sys.executable, str(HERE / "hostile_runner.py"), str(job_file)], capture_output=True,
                              text=True, timeout=1800, cwd=HERE)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)["status"]

    with ThreadPoolExecutor(2) as pool:
        statuses = {k: v for part in pool.map(run, halves) for k, v in part.items()}
    table = {}
    for job in jobs:
        name, command = job["id"].split("|")
        out = Path(job["out"]).read_text(encoding="utf-8", errors="backslashreplace")
        err = Path(job["err"]).read_text(encoding="utf-8", errors="backslashreplace")
        table[name, command] = (statuses[job["id"]], out, err, out_dir / f"{corpus[name][1].name}.trained.json")
    return table


def test_the_corpus_covers_every_section_with_over_100_cases():
    names = [c.name for c in CASES]
    assert len(names) == len(set(names)) and len(names) >= 100
    refused = [c for c in CASES if c.expect is not None]
    places = {c.expect.where.split(".")[0].split("[")[0] for c in refused if c.expect}
    assert {"file", "format", "version", "name", "description", "layers", "loss", "optimizer", "schedule",
            "regularization", "batch", "data", "seed"} <= places
    assert sum(c.expect is None for c in CASES) >= 25


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_each_command_works_or_refuses_cleanly(results, corpus, name):
    case, path = corpus[name]
    for command in COMMANDS:
        status, out, err, trained = results[name, command]
        assert "Traceback" not in err and "internal error" not in err, (command, err)
        assert not CONTROL.search(out) and not CONTROL.search(err), (command, out[:300], err[:300])
        if case.expect is not None:
            _assert_refused(case.expect, path, command, status, out, err)
        elif command == "validate":
            assert (status, out, err) == (0, f"{path}: ok\n", ""), (command, status, err)
        elif case.overflows and status != 0:
            errors = [line for line in err.splitlines() if line.startswith("error: ")]
            assert status == 1 and errors and all(e.startswith(f"error: {path}: ") for e in errors), (command, err)
            assert out == "" or command == "train", (command, out[:300])
            if command == "train" and trained.exists():
                _assert_finite_file(trained)
        else:
            assert status == 0, (command, status, err)
            if command == "explain":
                assert "E =" in out or "loss" in out.lower()
                assert not re.search(r"\b(nan|inf)\b|∞", out, re.IGNORECASE), out[:500]
            if command == "train":
                _assert_finite_file(trained)


def _assert_refused(expect: Refusal, path: Path, command: str, status, out: str, err: str) -> None:
    assert status == 1, (command, status, err[:500])
    assert out == "", (command, out[:300])
    lines = err.splitlines()
    prefix = f"error: {path}: {expect.where}"
    hits = [line for line in lines if line.startswith(prefix) and expect.what in line]
    assert hits, (command, prefix, expect.what, lines[:5])
    assert all(line.startswith(f"error: {path}: ") for line in lines), (command, lines[:5])
    assert len(err) < 5000, (command, err[:300])  # never a file's contents


def _assert_finite_file(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\b(NaN|Infinity)\b", text)
    json.loads(text)


# ---- the window -----------------------------------------------------------------------------------------

@pytest.fixture
def window(qtbot, monkeypatch):
    from sandbox.gui import MainWindow
    from sandbox.gui.window import main_window

    shown: list[tuple[str, str]] = []
    def show(parent, title, text, *rest):
        shown.append((title, text))

    monkeypatch.setattr(main_window.QMessageBox, "critical", show)
    monkeypatch.setattr(main_window.QMessageBox, "warning", show)
    w = MainWindow()
    qtbot.addWidget(w)
    w.shown = shown
    yield w
    w.close()


def test_the_window_opens_each_good_file_and_refuses_each_bad_one_keeping_its_network(window, corpus):
    lecture = HERE.parent / "resources" / "networks" / "lecture17-linear.json"
    assert window.open_file(lecture)
    for case, path in corpus.values():
        if not case.window:
            continue
        before = (window.document.experiment, window.document.path, window.windowTitle(),
                  window.document.undo_stack.count())
        window.shown.clear()
        opened = window.open_file(path)
        if case.expect is None:
            assert opened and not window.shown, (case.name, window.shown)
            assert window.document.path == path
            assert window.open_file(lecture)
            continue
        assert not opened, case.name
        assert len(window.shown) == 1, (case.name, window.shown)
        text = window.shown[0][1]
        assert case.expect.where in text and case.expect.what in text, (case.name, text[:300])
        after = (window.document.experiment, window.document.path, window.windowTitle(),
                 window.document.undo_stack.count())
        assert after == before, case.name
