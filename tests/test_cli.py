"""The real command in a subprocess: exit statuses, train's outputs and log, Ctrl-C, divergence, no Qt."""

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox import cli
from sandbox.files import load_experiment

ROOT = Path(__file__).resolve().parents[1]
NETWORKS = ROOT / "resources" / "networks"
LECTURE = NETWORKS / "lecture17-linear.json"


def run(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sandbox", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, timeout=300)


def test_validate_every_example():
    files = sorted(str(p) for p in NETWORKS.glob("*.json"))
    result = run("validate", *files)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"{f}: ok" for f in files]
    assert result.stderr == ""


@pytest.mark.parametrize("args", [
    ["train", str(LECTURE)],                                      # neither --epochs nor --iterations
    ["train", str(LECTURE), "--epochs", "2", "--iterations", "3"],
    ["train", str(LECTURE), "--epochs", "0"],
    ["explain", str(LECTURE), "--format", "html"],
    ["explain", str(LECTURE), "--batch", "1"],                    # the lecture has one batch per epoch
    ["explain", str(LECTURE), "--sample", "-1"],
    ["validate"],
    ["--no-such-option"],
    ["a.json", "b.json"],                                         # the app takes one file
    ["export", str(LECTURE), "--to", "pytorch"],                  # no --out
    ["export", str(LECTURE), "--to", "gif", "--out", "x.gif"],
])
def test_wrong_usage_exits_with_2(args):
    result = run(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert "error:" in result.stderr


def test_help_and_version():
    assert run("--help").returncode == 0
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("backprop-sandbox ")
    for command in ("explain", "train", "validate", "export"):
        assert run(command, "--help").returncode == 0


def test_explain_a_bad_file_gives_error_lines_and_1(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "backprop-sandbox.network", "version": 1, "layers": [], "data": {}}')
    for command in (["explain"], ["train", "--epochs", "1"]):
        result = run(*command, str(bad))
        assert result.returncode == 1
        assert result.stdout == ""
        assert result.stderr.splitlines() == [
            f"error: {bad}: layers: a network needs an input layer and at least one more layer, got 0 layers",
            f'error: {bad}: data: give inline "inputs" and "targets", a "generator" or a "csv" file',
        ]


def test_train_writes_out_and_a_log_and_leaves_the_file_alone(tmp_path):
    src = tmp_path / "xor.json"
    src.write_bytes((NETWORKS / "xor.json").read_bytes())
    before = src.read_bytes()
    out, log = tmp_path / "trained.json", tmp_path / "log.jsonl"
    result = run("train", str(src), "--epochs", "30", "--out", str(out), "--log", str(log))
    assert result.returncode == 0, result.stderr
    assert src.read_bytes() == before
    lines = result.stdout.splitlines()
    assert lines[0] == "trained 480 iterations (30 epochs completed) in " + lines[0].split(" in ")[1]
    train_loss = float(lines[1].removeprefix("train loss: "))
    test_loss = float(lines[2].removeprefix("test loss: "))
    assert lines[3].startswith("train accuracy: ") and lines[4].startswith("test accuracy: ")  # xor classifies
    assert lines[5] == f"wrote {out}"
    trained = load_experiment(out)
    assert trained.data_source == load_experiment(src).data_source
    from sandbox.engine import Trainer
    assert Trainer(trained).evaluate() == pytest.approx((train_loss, test_loss), rel=1e-9)
    assert train_loss < Trainer(load_experiment(src)).evaluate()[0]
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [r["epoch"] for r in records] == list(range(1, 31))
    assert [r["iteration"] for r in records] == list(range(16, 481, 16))
    last = records[-1]
    assert set(last) == {"epoch", "iteration", "train_loss", "test_loss", "learning_rate", "weight_grad_norms",
                         "bias_grad_norms", "train_accuracy", "test_accuracy"}
    assert last["train_loss"] == pytest.approx(train_loss, rel=1e-9)
    assert last["learning_rate"] == 0.05
    assert last["weight_grad_norms"][0] is None and len(last["weight_grad_norms"]) == 3
    assert all(g > 0 for g in last["weight_grad_norms"][1:] + last["bias_grad_norms"][1:])
    assert "iterations" not in result.stderr or "Traceback" not in result.stderr


def test_train_without_out_writes_nothing_and_out_may_name_the_file(tmp_path):
    src = tmp_path / "net.json"
    src.write_bytes(LECTURE.read_bytes())
    result = run("train", str(src), "--iterations", "5")
    assert result.returncode == 0
    assert src.read_bytes() == LECTURE.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.json"]
    assert "not saved" in result.stdout
    result = run("train", str(src), "--iterations", "5", "--out", str(src))
    assert result.returncode == 0
    assert load_experiment(src).network.layers[0].weights[0, 0] != 0.11


def test_quiet_progress_lines_when_stderr_is_not_a_terminal():
    result = run("train", str(LECTURE), "--epochs", "20")
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"training {LECTURE}: 20 epochs (1 iteration per epoch)")
    assert [line.split(":")[0] for line in lines[1:]] == [f"epochs {n}/20" for n in range(2, 21, 2)]
    assert "\r" not in result.stderr


def test_divergence_stops_with_a_message_and_writes_nothing(tmp_path):
    doc = json.loads(LECTURE.read_text(encoding="utf-8"))
    doc["optimizer"]["learning_rate"] = 50.0
    src, out = tmp_path / "fast.json", tmp_path / "out.json"
    src.write_text(json.dumps(doc), encoding="utf-8")
    result = run("train", str(src), "--epochs", "1000", "--out", str(out))
    assert result.returncode == 1
    assert not out.exists()
    assert "Traceback" not in result.stderr
    message = result.stderr.splitlines()[-1]
    assert message.startswith(f"error: {src}: training: diverged at iteration ")
    assert "try a lower one" in message and "(50)" in message


def test_ctrl_c_stops_cleanly_and_still_writes_out(tmp_path):
    out = tmp_path / "partial.json"
    proc = subprocess.Popen([sys.executable, "-m", "sandbox", "train", str(NETWORKS / "spiral.json"), "--epochs",
                             "100000", "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8", cwd=ROOT)
    first = proc.stderr.readline()
    assert first.startswith("training ")
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "interrupted (Ctrl-C)" in stderr
    assert "train loss: " in stdout and f"wrote {out}" in stdout
    trained = load_experiment(out)
    assert trained.network.depth == 3


def test_headless_commands_never_import_qt(tmp_path):
    code = f"""
import sys
from sandbox.cli import main
statuses = [main(["validate", {str(LECTURE)!r}]), main(["explain", {str(LECTURE)!r}, "--format", "markdown"]),
            main(["explain", {str(LECTURE)!r}, "--format", "json"]),
            main(["train", {str(LECTURE)!r}, "--epochs", "2", "--out", {str(tmp_path / 'o.json')!r}]),
            main(["export", {str(LECTURE)!r}, "--to", "pytorch", "--out", {str(tmp_path / 'o.py')!r}]),
            main(["export", {str(LECTURE)!r}, "--to", "markdown", "--out", {str(tmp_path / 'o.md')!r}])]
assert statuses == [0, 0, 0, 0, 0, 0], statuses
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6"))
print("QT:", qt)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "QT: []"


def test_a_file_argument_opens_the_app_and_subcommands_do_not(monkeypatch):
    opened = []
    monkeypatch.setattr(cli, "cmd_gui", lambda path: opened.append(path) or 0)
    assert cli.main([]) == 0
    assert cli.main(["my-net.json"]) == 0
    assert cli.main(["--", "validate"]) == 0  # a file that happens to be called "validate"
    assert opened == [None, "my-net.json", "validate"]
    assert cli.main(["validate", str(LECTURE)]) == 0
    assert opened == [None, "my-net.json", "validate"]


def test_the_app_failing_to_import_is_one_line_and_1(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "sandbox.gui.app", None)
    assert cli.main(["x.json"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: the desktop app cannot start: ") and err.count("\n") == 1


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_progress_bar_redrawn_in_place_when_stderr_is_a_terminal(tmp_path):
    import os
    import pty

    master, slave = pty.openpty()
    try:
        result = subprocess.run([sys.executable, "-m", "sandbox", "train", str(LECTURE), "--epochs", "30"],
                                stdout=subprocess.PIPE, stderr=slave, cwd=ROOT, timeout=120)
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal's other end is closed: everything was read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(master)
    assert result.returncode == 0
    err = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    frames = [f for f in err.split("\r") if f.startswith("epochs ")]
    assert frames, err
    last = frames[-1].rstrip()
    assert last.startswith("epochs 30/30 [" + "█" * 24 + "] epoch 30  loss ") and last.endswith(" it/s")
    assert "epochs 3/30:" not in err  # no quiet lines on a terminal


def test_an_out_file_in_a_missing_folder_is_refused_before_training(tmp_path):
    out = tmp_path / "gone" / "o.json"
    result = run("train", str(LECTURE), "--epochs", "3", "--out", str(out))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: {out}: file: cannot be written: the folder {out.parent} does not exist"]


def test_the_log_gives_each_epoch_the_learning_rate_it_was_trained_with(tmp_path):
    doc = json.loads(LECTURE.read_text(encoding="utf-8"))
    doc["schedule"] = {"name": "step", "step_epochs": 2, "gamma": 0.5}
    src, log = tmp_path / "sched.json", tmp_path / "log.jsonl"
    src.write_text(json.dumps(doc), encoding="utf-8")
    result = run("train", str(src), "--epochs", "5", "--log", str(log))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [r["learning_rate"] for r in records] == [0.05, 0.05, 0.025, 0.025, 0.0125]
    # and each epoch's loss went down with the rate it had (the lecture's example keeps improving)
    losses = [r["train_loss"] for r in records]
    assert losses == sorted(losses, reverse=True)


def test_a_second_ctrl_c_stops_at_once_and_writes_nothing(tmp_path, monkeypatch, capsys):
    """The second Ctrl-C may land in the middle of an update: half-updated weights are never written."""
    import sandbox.engine.trainer as trainer_module
    from sandbox.cli import main

    def interrupted_twice(self, *args, **kwargs):
        signal.raise_signal(signal.SIGINT)  # the first: stop after this iteration
        signal.raise_signal(signal.SIGINT)  # the second: at once

    monkeypatch.setattr(trainer_module.Trainer, "run", interrupted_twice)
    out = tmp_path / "never.json"
    status = main(["train", str(LECTURE), "--epochs", "5", "--out", str(out)])
    assert status == 130
    assert not out.exists()
    assert "nothing was written to" in capsys.readouterr().err
