"""``explain --full`` writes out every step of a 64-32-10 update; without it each layer writes out at most
``DETAILED_STEPS`` of each kind and summarises the rest (a few hundred lines, not thousands)."""

import json
from pathlib import Path

import numpy as np
import pytest

from sandbox import cli
from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec
from sandbox.engine.walkthrough import DETAILED_STEPS
from sandbox.files import save_experiment


@pytest.fixture(scope="module")
def digits_like(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = np.random.default_rng(14)
    net = Network(64, [Layer(rng.normal(scale=0.2, size=(32, 64)), "tanh", biases=np.zeros(32)),
                       Layer(rng.normal(scale=0.2, size=(10, 32)), "softmax", biases=np.zeros(10))])
    data = Dataset(rng.random(size=(40, 64)), np.eye(10)[rng.integers(0, 10, 40)])
    exp = Experiment(network=net, data=data, name="random 64-32-10", loss="cross_entropy",
                     optimizer=OptimizerSpec("sgd", 0.1), batching=Batching("minibatch", size=10))
    path = tmp_path_factory.mktemp("full") / "random.json"
    save_experiment(exp, str(path))
    return path


def explain(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> str:
    assert cli.main(["explain", str(path), *args]) == 0
    return capsys.readouterr().out


def test_default_json_summarises_and_full_has_one_update_per_weight_and_bias(capsys, digits_like):
    summarised = json.loads(explain(capsys, digits_like, "--format", "json"))["steps"]
    full = json.loads(explain(capsys, digits_like, "--format", "json", "--full"))["steps"]
    parameters = 32 * 64 + 32 + 10 * 32 + 10
    updates = [s for s in full if s["phase"] == "update"]
    assert len(updates) == parameters and not [s for s in full if s["kind"] == "summary"]
    assert {(s["layer"], s["neuron"], s.get("source")) for s in updates} == \
        {(1, j, k) for j in range(32) for k in [*range(64), None]} | \
        {(2, j, k) for j in range(10) for k in [*range(32), None]}
    assert len([s for s in full if s["kind"] == "weight_gradient"]) == 32 * 64 + 10 * 32
    assert len([s for s in full if s["kind"] == "input_gradient"]) == 64
    # by default: at most DETAILED_STEPS of each kind per layer, and a summary for the rest
    assert len([s for s in summarised if s["phase"] == "update" and s["kind"] != "summary"]) == 2 * DETAILED_STEPS
    assert len(summarised) <= 500 < len(full)
    # every step written out in both is the same
    assert [s for s in summarised if s["kind"] != "summary"] == \
        [s for s in full if (s["kind"], s.get("layer"), s.get("neuron"), s.get("source")) in
         {(t["kind"], t.get("layer"), t.get("neuron"), t.get("source")) for t in summarised}]


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_text_and_markdown_are_hundreds_of_lines_by_default_and_every_weight_with_full(capsys, digits_like, fmt):
    short = explain(capsys, digits_like, "--format", fmt)
    full = explain(capsys, digits_like, "--format", fmt, "--full")
    assert len(short.splitlines()) < 1000 < 32 * 64 + 10 * 32 < len(full.splitlines())
    if fmt == "text":
        assert "… and " in short and "… and " not in full.split("The update in matrix form")[0]
        assert "w1_32_64 = w1_32_64 − η" in full and "w1_32_64 = w1_32_64 − η" not in short


NETWORKS = sorted((Path(__file__).resolve().parents[1] / "resources" / "networks").glob("*.json"))


@pytest.mark.parametrize("path", NETWORKS, ids=[p.stem for p in NETWORKS])
def test_a_network_without_summaries_prints_the_same_bytes_with_full(capsys, path):
    default = explain(capsys, path, "--format", "json")
    summarised = any(s["kind"] == "summary" for s in json.loads(default)["steps"])
    if path.stem in ("lecture17-linear", "lecture17-logistic", "xor", "circle", "momentum", "regression-plane"):
        assert not summarised
    if not summarised:
        assert explain(capsys, path, "--format", "json", "--full") == default
        assert explain(capsys, path, "--full") == explain(capsys, path)
    else:
        assert len(explain(capsys, path, "--full")) > len(explain(capsys, path))
