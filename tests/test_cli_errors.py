"""Every headless command ends with ``error: FILE: where: what`` lines and a status, never a traceback: failed
outputs, unwritable ``--out`` and ``--log``, a log that fails mid-run, overflowing walkthroughs, special files,
exporters that refuse, and the last-resort guard (which none of the named cases may reach)."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import sandbox.engine.trainer as trainer_module
import sandbox.files
from sandbox import cli, cli_log, cli_writable
from sandbox.cli_errors import BROKEN_PIPE_STATUS
from sandbox.files import load_experiment

ROOT = Path(__file__).resolve().parents[1]
NETWORKS = ROOT / "resources" / "networks"
LECTURE = NETWORKS / "lecture17-linear.json"
HAS_DEV_FULL = os.path.exists("/dev/full")


def run(*args: str, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sandbox", *args], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, encoding="utf-8", cwd=ROOT, timeout=120)


def errors_of(err: str) -> list[str]:
    assert "Traceback" not in err and "internal error" not in err, err
    return [line for line in err.splitlines() if line.startswith("error: ")]


def overflowing(tmp_path: Path) -> Path:
    """Weights of 1e200 on inputs of 1e10: the forward values are finite, the loss is not."""
    doc = json.loads(LECTURE.read_text(encoding="utf-8"))
    doc["layers"][1]["weights"] = [[1e200, 1e200], [1e200, 1e200]]
    doc["data"] = {"inputs": [[1e10, 1e10]], "targets": [[1]]}
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


# ---- stdout that fails ------------------------------------------------------------------------------

@pytest.mark.skipif(not HAS_DEV_FULL, reason="needs /dev/full")
@pytest.mark.parametrize("args", [["explain", str(LECTURE)], ["explain", str(LECTURE), "--format", "json"],
                                  ["validate", str(LECTURE)]])
def test_a_full_stdout_is_one_error_line_and_1(args):
    with open("/dev/full", "w") as full:
        result = run(*args, stdout=full)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["error: <stdout>: could not write the output: No space left on device"]


@pytest.mark.skipif(not HAS_DEV_FULL, reason="needs /dev/full")
def test_train_with_a_full_stdout_still_writes_out(tmp_path):
    out = tmp_path / "o.json"
    with open("/dev/full", "w") as full:
        result = run("train", str(LECTURE), "--epochs", "3", "--out", str(out), stdout=full)
    assert result.returncode == 1
    assert errors_of(result.stderr) == ["error: <stdout>: could not write the output: No space left on device"]
    assert load_experiment(out).network.layers[0].weights[0, 0] != 0.11


@pytest.mark.parametrize("args", [["explain", str(LECTURE)], ["validate", str(LECTURE)],
                                  ["train", str(LECTURE), "--epochs", "2"]])
def test_a_closed_pipe_on_stdout_ends_quietly_with_141(args):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written, as after `| head -1`
    try:
        result = subprocess.run([sys.executable, "-m", "sandbox", *args], stdout=write_end, stderr=subprocess.PIPE,
                                text=True, encoding="utf-8", cwd=ROOT, timeout=120)
    finally:
        os.close(write_end)
    assert result.returncode == BROKEN_PIPE_STATUS
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert "error:" not in result.stderr


def test_a_closed_pipe_still_lets_train_write_out(tmp_path):
    out = tmp_path / "o.json"
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run([sys.executable, "-m", "sandbox", "train", str(LECTURE), "--epochs", "2", "--out",
                                 str(out)], stdout=write_end, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=120)
    finally:
        os.close(write_end)
    assert result.returncode == BROKEN_PIPE_STATUS
    assert out.exists()


class FailingStream:
    """A stdout whose flush fails as a full disk does."""

    def __init__(self, err: int = errno.ENOSPC):
        self.err = err
        self.text = ""

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        raise OSError(self.err, os.strerror(self.err))


def test_stdout_failing_in_process_is_reported_once(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", FailingStream())
    assert cli.main(["validate", str(LECTURE), str(LECTURE)]) == 1
    assert capsys.readouterr().err == "error: <stdout>: could not write the output: No space left on device\n"


# ---- train: --out and --log checked before training ----------------------------------------------

@pytest.fixture
def no_training(monkeypatch):
    """Fails the test if training starts."""
    def run(self, *args, **kwargs):
        raise AssertionError("training started")
    monkeypatch.setattr(trainer_module.Trainer, "run", run)


def test_an_out_that_is_a_folder_is_refused_before_training(tmp_path, capsys, no_training):
    assert cli.main(["train", str(LECTURE), "--epochs", "3", "--out", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"error: {tmp_path}: file: cannot be written: it is a folder\n"


def test_an_out_that_is_a_device_is_refused_not_replaced(capsys, no_training):
    assert cli.main(["train", str(LECTURE), "--epochs", "3", "--out", os.devnull]) == 1
    assert capsys.readouterr().err == (f"error: {os.devnull}: file: cannot be written: it is not a regular file "
                                       f"(a device, a pipe or a socket), which saving would replace\n")
    assert not Path(os.devnull).is_file()


def test_an_out_folder_that_takes_no_new_file_is_refused_and_an_existing_out_is_untouched(
        tmp_path, monkeypatch, capsys, no_training):
    out = tmp_path / "o.json"
    out.write_text("keep me", encoding="utf-8")

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(cli_writable.tempfile, "mkstemp", refuse)
    assert cli.main(["train", str(LECTURE), "--epochs", "3", "--out", str(out)]) == 1
    assert capsys.readouterr().err == f"error: {out}: file: cannot be written: Permission denied\n"
    assert out.read_text(encoding="utf-8") == "keep me"


def test_the_writable_check_leaves_nothing_behind(tmp_path):
    out = tmp_path / "o.json"
    out.write_text("keep me", encoding="utf-8")
    cli_writable.check_writable(str(out))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.json"]
    assert out.read_text(encoding="utf-8") == "keep me"


def test_a_log_that_cannot_be_opened_is_refused_before_training(tmp_path, capsys, no_training):
    log = tmp_path / "gone" / "log.jsonl"
    assert cli.main(["train", str(LECTURE), "--epochs", "3", "--log", str(log)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"error: {log}: file: cannot be written: No such file or directory\n"


def test_a_log_naming_the_network_file_is_refused_and_the_file_kept(tmp_path, capsys, no_training):
    src = tmp_path / "net.json"
    src.write_bytes(LECTURE.read_bytes())
    assert cli.main(["train", str(src), "--epochs", "3", "--log", str(tmp_path / "." / "net.json")]) == 1
    assert capsys.readouterr().err == (f"error: {tmp_path / '.' / 'net.json'}: file: cannot be written: it is the "
                                       f"same file as FILE\n")
    assert src.read_bytes() == LECTURE.read_bytes()


def test_a_log_naming_out_is_refused(tmp_path, capsys, no_training):
    out = tmp_path / "o.json"
    assert cli.main(["train", str(LECTURE), "--epochs", "3", "--out", str(out), "--log", str(out)]) == 1
    assert capsys.readouterr().err == f"error: {out}: file: cannot be written: it is the same file as --out\n"


# ---- train: a log failing mid-run does not lose the training -----------------------------------------

class FullAfter:
    """A log file on a disk that fills up after ``lines`` lines."""

    def __init__(self, path, lines: int):
        self.file = open(path, "w", encoding="utf-8")
        self.left = lines

    def write(self, text: str) -> int:
        if self.left == 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.left -= 1
        return self.file.write(text)

    def flush(self) -> None:
        self.file.flush()

    def close(self) -> None:
        self.file.close()


def test_a_log_failing_mid_run_keeps_training_saves_out_and_exits_1(tmp_path, monkeypatch, capsys):
    log, out = tmp_path / "log.jsonl", tmp_path / "o.json"
    monkeypatch.setattr(cli_log, "open", lambda path, *a, **k: FullAfter(path, 2), raising=False)
    assert cli.main(["train", str(LECTURE), "--epochs", "5", "--out", str(out), "--log", str(log)]) == 1
    captured = capsys.readouterr()
    assert errors_of(captured.err) == [
        f"error: {log}: could not write the log: No space left on device; training goes on without it",
        f"error: {log}: the log is incomplete (see above); the trained network was written to {out}",
    ]
    assert [json.loads(line)["epoch"] for line in log.read_text(encoding="utf-8").splitlines()] == [1, 2]
    assert "trained 5 iterations (5 epochs completed)" in captured.out
    assert f"wrote {out}" in captured.out
    trained = load_experiment(out)
    assert trained.network.layers[0].weights[0, 0] != 0.11


@pytest.mark.skipif(not HAS_DEV_FULL, reason="needs /dev/full")
def test_a_log_on_a_full_device_keeps_training(tmp_path):
    out = tmp_path / "o.json"
    result = run("train", str(LECTURE), "--epochs", "3", "--out", str(out), "--log", "/dev/full")
    assert result.returncode == 1
    assert errors_of(result.stderr)[0] == ("error: /dev/full: could not write the log: No space left on device; "
                                           "training goes on without it")
    assert out.exists() and f"wrote {out}" in result.stdout


# ---- train: failures inside the training write nothing -------------------------------------------------

@pytest.mark.parametrize("raised, message", [
    (OverflowError("math range error"), "stopped in iteration 1: OverflowError: math range error"),
    (MemoryError(), "ran out of memory in iteration 1"),
])
def test_an_error_inside_an_update_is_one_line_and_writes_nothing(tmp_path, monkeypatch, capsys, raised, message):
    def step(self):
        raise raised

    monkeypatch.setattr(trainer_module.Trainer, "step", step)
    out = tmp_path / "o.json"
    assert cli.main(["train", str(LECTURE), "--epochs", "3", "--out", str(out)]) == 1
    assert errors_of(capsys.readouterr().err) == [
        f"error: {LECTURE}: training: {message}. Nothing was written to {out}."]
    assert not out.exists()


def test_weights_that_are_not_finite_at_the_end_never_reach_out(tmp_path, monkeypatch, capsys):
    def run(self, *args, **kwargs):
        self.network.layers[0].weights[0, 0] = float("nan")
        self.iteration = 1
        return 1

    monkeypatch.setattr(trainer_module.Trainer, "run", run)
    out = tmp_path / "o.json"
    assert cli.main(["train", str(LECTURE), "--iterations", "1", "--out", str(out)]) == 1
    assert errors_of(capsys.readouterr().err) == [
        f"error: {LECTURE}: training: diverged by iteration 1: the weights are no longer finite numbers; the "
        f"learning rate is probably too high: try a lower one. Nothing was written to {out}."]
    assert not out.exists()


# ---- any failure of reading a file --------------------------------------------------------------------------

@pytest.mark.parametrize("raised, what", [
    (OSError(errno.EIO, "Input/output error"), "cannot be read: Input/output error"),
    (MemoryError(), "cannot be read: not enough memory for it"),
    (RecursionError("maximum recursion depth exceeded"), "cannot be read: it is nested too deeply"),
    (ValueError("embedded null byte"), "cannot be read: ValueError: embedded null byte"),
    (OverflowError("int too large to convert to float"), "cannot be read: OverflowError: int too large to convert "
                                                         "to float"),
])
@pytest.mark.parametrize("command", [["validate"], ["explain"], ["train", "--epochs", "1"],
                                     ["export", "--to", "pytorch", "--out", "x.py"]])
def test_any_failure_reading_a_file_is_its_own_error_line(monkeypatch, capsys, raised, what, command):
    def load(path):
        raise raised

    monkeypatch.setattr(sandbox.files, "load_experiment", load)
    argv = [command[0], "net.json", *command[1:]]
    assert cli.main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert errors_of(captured.err) == [f"error: net.json: file: {what}"]


def test_an_unexpected_exception_is_an_internal_error_line_not_a_traceback(monkeypatch, capsys):
    def load(path):
        raise KeyError("surprise")

    monkeypatch.setattr(sandbox.files, "load_experiment", load)
    assert cli.main(["explain", "net.json"]) == 1
    assert capsys.readouterr().err == ("error: net.json: internal error while explaining the update: KeyError: "
                                       "'surprise' (please report this)\n")


def test_ctrl_c_while_validating_stops_with_130(monkeypatch, capsys):
    def load(path):
        raise KeyboardInterrupt

    monkeypatch.setattr(sandbox.files, "load_experiment", load)
    assert cli.main(["validate", "a.json", "b.json"]) == 130
    assert capsys.readouterr().err == "interrupted (Ctrl-C) while validating\n"


# ---- validate goes on after a bad file; special files ---------------------------------------------------------

def test_validate_goes_on_after_every_kind_of_bad_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    files = [str(LECTURE), str(bad), str(tmp_path), os.devnull, str(tmp_path / "missing.json"), str(LECTURE)]
    result = run("validate", *files)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{LECTURE}: ok", f"{LECTURE}: ok"]
    lines = errors_of(result.stderr)
    assert [line.split(": ")[1] for line in lines] == [str(bad), str(tmp_path), os.devnull,
                                                      str(tmp_path / "missing.json")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("command", [["validate"], ["explain"], ["train", "--epochs", "1"]])
def test_a_fifo_is_refused_not_waited_on(tmp_path, command):
    fifo = tmp_path / "net.json"
    os.mkfifo(fifo)
    result = subprocess.run([sys.executable, "-m", "sandbox", command[0], str(fifo), *command[1:]],
                            capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=20)
    assert result.returncode == 1
    lines = errors_of(result.stderr)
    assert len(lines) == 1 and lines[0].startswith(f"error: {fifo}: file: ")


# ---- explain: an update that overflows is refused, not printed -------------------------------------------------

@pytest.mark.parametrize("form", ["text", "markdown", "json"])
def test_explain_refuses_an_update_that_overflows(tmp_path, capsys, form):
    path = overflowing(tmp_path)
    assert cli.main(["explain", str(path), "--format", form]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert errors_of(captured.err) == [
        f"error: {path}: explain: the update overflows: E = inf (the numbers of this file are too large for "
        f"floating point; smaller weights, inputs or learning rate help)"]


def test_the_first_value_that_overflows_is_named_in_walkthrough_order(lecture):
    from dataclasses import replace

    from sandbox.cli_explain import first_non_finite
    from sandbox.engine import Trainer

    w = Trainer(lecture).walkthrough(0, 0)
    assert first_non_finite(w) is None
    h2 = next(i for i, s in enumerate(w.steps) if s.target == "h2")
    w.steps[h2] = replace(w.steps[h2], value=float("inf"))
    w.steps[-1] = replace(w.steps[-1], value=float("nan"))
    assert first_non_finite(w) == "h2 = inf"
    w.steps[h2] = replace(w.steps[h2], value=1.0)
    assert first_non_finite(w) == f"{w.steps[-1].target} = nan"
    w.steps[-1] = replace(w.steps[-1], value=1.0)
    w.loss_after = float("-inf")
    assert first_non_finite(w) == "the loss after the update = -inf"


def test_an_ordinary_update_still_explains(capsys):
    assert cli.main(["explain", str(LECTURE), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["loss"] == pytest.approx(0.3272405)


# ---- export -----------------------------------------------------------------------------------------------------

def test_export_writes_a_pytorch_script_that_compiles(tmp_path, capsys):
    out = tmp_path / "net.py"
    assert cli.main(["export", str(LECTURE), "--to", "pytorch", "--out", str(out), "--epochs", "7"]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    source = out.read_text(encoding="utf-8")
    compile(source, str(out), "exec")
    assert 'parser.add_argument("--epochs", type=int, default=7' in source


def test_export_markdown_is_what_explain_prints(tmp_path, capsys):
    out = tmp_path / "update.md"
    assert cli.main(["export", str(LECTURE), "--to", "markdown", "--out", str(out)]) == 0
    capsys.readouterr()
    assert cli.main(["explain", str(LECTURE), "--format", "markdown"]) == 0
    assert out.read_text(encoding="utf-8") == capsys.readouterr().out


def test_export_refuses_markdown_of_an_update_that_overflows(tmp_path, capsys):
    out = tmp_path / "update.md"
    path = overflowing(tmp_path)
    assert cli.main(["export", str(path), "--to", "markdown", "--out", str(out)]) == 1
    assert errors_of(capsys.readouterr().err)[0].startswith(f"error: {path}: explain: the update overflows: E = inf")
    assert not out.exists()


@pytest.mark.parametrize("raised", [ValueError("a label cannot be a Python name"), UnicodeEncodeError(
    "utf-8", "\ud800", 0, 1, "surrogates not allowed")])
def test_an_exporter_that_refuses_is_an_error_line(tmp_path, monkeypatch, capsys, raised):
    import sandbox.export.pytorch_script as pytorch_module

    def refuse(*args, **kwargs):
        raise raised

    monkeypatch.setattr(pytorch_module, "pytorch_script", refuse)
    out = tmp_path / "net.py"
    assert cli.main(["export", str(LECTURE), "--to", "pytorch", "--out", str(out)]) == 1
    assert errors_of(capsys.readouterr().err) == [
        f"error: {LECTURE}: export: cannot export to pytorch: {raised}"]
    assert not out.exists()


def test_export_without_onnx_installed_says_what_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "onnx", None)
    assert cli.main(["export", str(LECTURE), "--to", "onnx", "--out", str(tmp_path / "n.onnx")]) == 1
    line, = errors_of(capsys.readouterr().err)
    assert line.startswith(f"error: {LECTURE}: export: cannot export to onnx: ONNX export needs the optional "
                           f"'onnx' package")


def test_export_into_a_missing_folder_is_refused(tmp_path, capsys):
    out = tmp_path / "gone" / "net.py"
    assert cli.main(["export", str(LECTURE), "--to", "pytorch", "--out", str(out)]) == 1
    assert capsys.readouterr().err == (f"error: {out}: file: cannot be written: the folder {out.parent} does not "
                                       f"exist\n")


@pytest.mark.skipif(not HAS_DEV_FULL, reason="needs /dev/full")
def test_export_onto_a_full_device_is_an_error_line():
    result = run("export", str(LECTURE), "--to", "pytorch", "--out", "/dev/full")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == ["error: /dev/full: file: could not be written: No space left on device"]


def test_running_out_of_memory_anywhere_is_said_as_such(monkeypatch, capsys):
    import sandbox.explain

    def render(w, **options):
        raise MemoryError

    monkeypatch.setattr(sandbox.explain, "to_text", render)
    assert cli.main(["explain", str(LECTURE)]) == 1
    assert errors_of(capsys.readouterr().err) == [
        f"error: {LECTURE}: file: not enough memory for explaining the update"]


def test_an_export_error_is_said_of_the_network_file(tmp_path, monkeypatch, capsys):
    import sandbox.export.pytorch_script as pytorch_module
    from sandbox.export.errors import export_error

    def refuse(*args, **kwargs):
        raise export_error("<script>", "layers[1].labels[0]", "would not compile as Python")

    monkeypatch.setattr(pytorch_module, "pytorch_script", refuse)
    out = tmp_path / "net.py"
    assert cli.main(["export", str(LECTURE), "--to", "pytorch", "--out", str(out)]) == 1
    assert errors_of(capsys.readouterr().err) == [
        f"error: {LECTURE}: layers[1].labels[0]: would not compile as Python"]
    assert not out.exists()


def test_a_loss_that_is_not_finite_before_any_update_blames_the_numbers_not_the_learning_rate(tmp_path, capsys):
    path = overflowing(tmp_path)
    out = tmp_path / "out.json"
    assert cli.main(["train", str(path), "--iterations", "2", "--out", str(out)]) == 1
    assert errors_of(capsys.readouterr().err) == [
        f"error: {path}: training: the loss is inf before any update: the starting weights or the data are too "
        f"large for float64 numbers; try smaller ones. Nothing was written to {out}."]
    assert not out.exists()
