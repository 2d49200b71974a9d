"""Issue 13, point 7: exports of a network with derived input features compute them from the raw inputs: the
PyTorch script's losses equal the trainer's, the ONNX model (reference evaluator) the engine's outputs."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest

from sandbox.engine import Trainer
from sandbox.engine.features import raw_inputs
from sandbox.export.pytorch_script import pytorch_script
from sandbox.files import loads_experiment
from sandbox.gui.common.icons import resource_file

FEATURES = ["x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]


def xor_with_features(features: list[str]):
    doc = json.loads(resource_file("networks", "xor.json").read_text(encoding="utf-8"))
    doc["data"]["features"] = features
    doc["layers"][0] = {"size": 2 + len(features)}
    for key in ("weights", "weight_labels"):
        doc["layers"][1].pop(key)
    return loads_experiment(json.dumps(doc))


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    before = torch.get_default_dtype()
    yield torch
    torch.set_default_dtype(before)


def test_the_pytorch_script_computes_the_features_and_its_losses_equal_the_trainers(torch):
    exp = xor_with_features(FEATURES)
    script = pytorch_script(exp)
    assert "def with_features(x):" in script and "inputs = with_features(raw_inputs)" in script
    ns: dict = {"__name__": "exported"}
    exec(compile(script, "exported.py", "exec"), ns)
    # the script's inputs are the sandbox's: raw x1, x2 and the features computed in torch
    np.testing.assert_allclose(ns["inputs"].numpy(), exp.data.inputs, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(ns["raw_inputs"].numpy(), raw_inputs(exp.data.inputs, FEATURES))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ns["main"](["--epochs", "3"])
    theirs = [float(line.split(": loss ")[1]) for line in out.getvalue().splitlines() if line.startswith("epoch ")]
    ours: list[float] = []
    Trainer(exp).run(epochs=3, on_epoch=lambda r: ours.append(r.train_loss))
    assert len(theirs) == len(ours) == 3
    np.testing.assert_allclose(theirs, ours, rtol=0, atol=1e-9)


def test_the_onnx_model_takes_the_raw_inputs_and_computes_the_features():
    pytest.importorskip("onnx")
    from onnx.reference import ReferenceEvaluator

    from sandbox.export.onnx_export import experiment_to_onnx

    exp = xor_with_features(["x1*x2", "sin(x2)"])
    model = experiment_to_onnx(exp)
    dims = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim[1:]]
    assert dims == [2]  # the raw inputs
    ops = [n.op_type for n in model.graph.node if n.name.startswith("features.")]
    assert ops == ["Gather", "Gather", "Mul", "Sin", "Concat"]
    raw = raw_inputs(exp.data.inputs, exp.features)
    got = ReferenceEvaluator(model).run(None, {"input": raw})[0]
    np.testing.assert_allclose(got, exp.network.predict(exp.data.inputs), rtol=0, atol=1e-12)
