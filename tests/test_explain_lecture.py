"""`explain` on the shipped lecture example reproduces every number of the lecture's first worked example."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.engine import Trainer
from sandbox.explain import to_json, to_markdown, to_text
from sandbox.files import load_experiment

ROOT = Path(__file__).resolve().parents[1]
LECTURE = ROOT / "resources" / "networks" / "lecture17-linear.json"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sandbox", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def explained() -> dict:
    result = run("explain", str(LECTURE), "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_json_has_the_lecture_s_forward_pass_and_loss(explained):
    d = explained
    assert d["network"] == "Lecture 17: simple linear network"
    assert (d["batch"], d["sample"], d["batch_indices"], d["learning_rate"]) == (0, 0, [0], 0.05)
    assert d["values"] == pytest.approx({"i1": 2.0, "i2": 3.0, "h1": 0.85, "h2": 0.48, "y": 0.191}, abs=1e-15)
    assert d["preactivations"] == pytest.approx({"h1": 0.85, "h2": 0.48, "y": 0.191}, abs=1e-15)
    assert d["outputs"] == [[pytest.approx(0.191, abs=1e-15)]] and d["targets"] == [[1.0]]
    assert d["loss"] == pytest.approx(0.3272405, abs=1e-7)
    delta = next(s for s in d["steps"] if s["phase"] == "backward" and s["target"] == "y")
    assert delta["value"] == pytest.approx(-0.809, abs=1e-15)


def test_json_has_the_lecture_s_gradients(explained):
    g = explained["gradients"]
    assert g["weights"][0] is None and g["biases"] == [None, None, None]
    assert g["weights"][2] == [[pytest.approx(-0.68765, abs=1e-15), pytest.approx(-0.38832, abs=1e-15)]]
    assert g["weights"][1][0][0] == pytest.approx(-0.22652, abs=1e-15)
    assert g["by_label"] == pytest.approx({"w1": -0.22652, "w2": -0.33978, "w3": -0.2427, "w4": -0.36405,
                                           "w5": -0.68765, "w6": -0.38832}, abs=1e-15)


def test_json_has_the_lecture_s_updates_and_new_prediction(explained):
    after = explained["after"]
    assert after["weights"][0] is None and after["biases"] == [None, None, None]
    assert sum(after["weights"][1], []) == pytest.approx([0.121326, 0.226989, 0.132135, 0.0982025], abs=1e-15)
    assert after["weights"][2][0] == pytest.approx([0.1743825, 0.169416], abs=1e-15)
    assert after["outputs"][0][0] == pytest.approx(0.2557458, abs=1e-7)
    assert after["loss"] == pytest.approx(0.2769572, abs=1e-7)


def test_json_steps_are_the_walkthrough_s_in_order(explained):
    steps = explained["steps"]
    assert [s["phase"] for s in steps] == ["forward"] * 3 + ["loss"] + ["backward"] * 11 + ["update"] * 6
    first = steps[0]
    assert (first["target"], first["formula"], first["value"]) == ("h1", "h1 = i1·w1 + i2·w2 = 2·0.11 + 3·0.21 = 0.85",
                                                                   pytest.approx(0.85))
    w1 = next(s for s in steps if s["phase"] == "update" and s["target"] == "w1")
    assert w1["formula"] == "w1 ← w1 − η·i1·w5·Δ = 0.11 − 0.05·2·0.14·(−0.809) = 0.11 + 0.011326 = 0.121326"
    assert w1["old"] == 0.11 and w1["value"] == pytest.approx(0.121326, abs=1e-15)


LECTURE_NUMBERS = ["0.85", "0.48", "0.191", "0.3272405", "0.809", "0.68765", "0.38832", "0.22652",
                   "0.1743825", "0.169416", "0.121326", "0.226989", "0.132135", "0.0982025", "0.2557458",
                   "0.2769572"]


def test_markdown_contains_every_lecture_number_as_latex():
    result = run("explain", str(LECTURE), "--format", "markdown")
    assert result.returncode == 0, result.stderr
    md = result.stdout
    for number in LECTURE_NUMBERS:
        assert number in md, number
    assert "## Forward pass" in md and "## Backward pass (chain rule)" in md
    assert "## Sanity check: the new prediction" in md
    assert r"$\frac{\partial E}{\partial w_{1}} = " in md
    assert "(-0.809)(0.14)(2) = -0.22652$" in md
    assert "| $y$ | 0.191 | 0.2557458 | 1 |" in md
    assert "| $E$ | 0.3272405 | 0.2769572 | |" in md


def test_text_reads_like_the_lecture():
    result = run("explain", str(LECTURE))
    assert result.returncode == 0, result.stderr
    text = result.stdout
    for number in LECTURE_NUMBERS:
        assert number in text, number
    assert "∂E/∂w1 = ∂E/∂y · ∂y/∂h1 · ∂h1/∂w1 = Δ · w5 · i1 = (−0.809)(0.14)(2) = −0.22652" in text
    assert "  y: 0.191 → 0.2557458 (target y* = 1)\n" in text
    assert "  E: 0.3272405 → 0.2769572\n" in text
    sections = ["Forward pass", "Loss", "Backward pass (chain rule)", "Update (SGD, η = 0.05)",
                "Sanity check: the new prediction"]
    positions = [text.index("\n" + s + "\n") for s in sections]
    assert positions == sorted(positions)


def test_renderings_of_a_batch_with_biases_sigmoid_and_momentum():
    exp = load_experiment(ROOT / "resources" / "networks" / "xor.json")
    trainer = Trainer(exp)
    w = trainer.walkthrough(0, 1)
    d = to_json(w)
    assert len(d["batch_indices"]) == len(w.batch_indices) > 1 and d["sample"] == 1
    assert len(d["gradients"]["biases"]) == exp.network.depth + 1 and d["gradients"]["biases"][1] is not None
    assert set(d["gradients"]["by_label"]) >= {"b_y"}
    assert d["after"]["loss"] == w.loss_after
    assert json.loads(json.dumps(d)) == d
    text, md = to_text(w), to_markdown(w)
    assert "forward values are shown for sample 2 of the batch" in text  # w.sample 1, counted from 1
    assert "Σₛ" in text and r"\sum_{s}" in md


def test_json_has_every_key_of_the_contract(explained):
    """The keys of CONTRACTS.md section 1's example, at every level (more keys are allowed)."""
    assert set(explained) >= {"network", "batch", "sample", "batch_indices", "learning_rate", "values",
                              "preactivations", "outputs", "targets", "loss", "gradients", "after", "steps"}
    assert set(explained["gradients"]) >= {"weights", "biases", "by_label"}
    assert set(explained["after"]) >= {"weights", "biases", "outputs", "loss"}
    assert all(set(s) >= {"phase", "target", "formula", "value"} for s in explained["steps"])
    assert {s["phase"] for s in explained["steps"]} == {"forward", "loss", "backward", "update"}
    loss = next(s for s in explained["steps"] if s["phase"] == "loss")
    assert loss["target"] == "E" and loss["value"] == explained["loss"]
    w1 = next(s for s in explained["steps"] if s["phase"] == "backward" and s["target"] == "w1")
    assert w1["formula"] == ("∂E/∂w1 = ∂E/∂y · ∂y/∂h1 · ∂h1/∂w1 = Δ · w5 · i1 = (−0.809)(0.14)(2) "
                             "= −0.22652")
