"""ONNX export: the reference evaluator computes the engine's outputs on the data set."""

from __future__ import annotations

import numpy as np
import pytest

from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec

onnx = pytest.importorskip("onnx")
from onnx.reference import ReferenceEvaluator  # noqa: E402

from sandbox.export.onnx_export import experiment_to_onnx, save_onnx  # noqa: E402

HIDDEN = ["identity", "binary_step", "sigmoid", "tanh", "arctan", "relu", "prelu", "elu", "softplus"]


def make_experiment(hidden: str, output: str = "identity", alpha: float | None = None, bias: bool = True,
                    seed: int = 1) -> Experiment:
    rng = np.random.default_rng(seed)
    layers = [
        Layer(rng.normal(size=(4, 3)), hidden, rng.normal(size=4) if bias else None, alpha=alpha),
        Layer(rng.normal(size=(3, 4)), "tanh", rng.normal(size=3) if bias else None),
        Layer(rng.normal(size=(2, 3)), output, rng.normal(size=2) if bias else None),
    ]
    x = rng.normal(scale=1.5, size=(25, 3))
    t = rng.uniform(size=(25, 2))
    if output == "softmax":
        t = np.eye(2)[rng.integers(0, 2, 25)]
    return Experiment(Network(3, layers), Dataset(x, t), name=f"test {hidden}",
                      optimizer=OptimizerSpec("sgd", 0.1), batching=Batching("full"))


def run_onnx(experiment: Experiment, x: np.ndarray) -> np.ndarray:
    model = experiment_to_onnx(experiment)
    return ReferenceEvaluator(model).run(None, {"input": x})[0]


@pytest.mark.parametrize("hidden", HIDDEN)
def test_every_activation_matches_engine(hidden):
    exp = make_experiment(hidden)
    x = exp.data.inputs
    got = run_onnx(exp, x)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, exp.network.predict(x), rtol=0, atol=1e-9)


@pytest.mark.parametrize("output", ["sigmoid", "softmax", "relu", "binary_step", "elu"])
def test_output_activations(output):
    exp = make_experiment("relu", output)
    got = run_onnx(exp, exp.data.inputs)
    np.testing.assert_allclose(got, exp.network.predict(exp.data.inputs), rtol=0, atol=1e-9)


@pytest.mark.parametrize("hidden,alpha", [("prelu", 0.07), ("prelu", -0.3), ("elu", 0.4), ("elu", 2.5)])
def test_alpha_is_carried(hidden, alpha):
    exp = make_experiment(hidden, alpha=alpha)
    got = run_onnx(exp, exp.data.inputs)
    np.testing.assert_allclose(got, exp.network.predict(exp.data.inputs), rtol=0, atol=1e-9)
    # and it matters: with the default α the outputs would differ
    other = make_experiment(hidden)
    assert not np.allclose(other.network.predict(exp.data.inputs), got)


def test_without_biases_and_lecture_network(lecture):
    exp = make_experiment("sigmoid", bias=False)
    np.testing.assert_allclose(run_onnx(exp, exp.data.inputs), exp.network.predict(exp.data.inputs), atol=1e-9)
    out = run_onnx(lecture, lecture.data.inputs)
    assert out.shape == (1, 1)
    assert out[0, 0] == pytest.approx(0.191, abs=1e-12)  # the lecture's forward pass: y = 0.191


def test_saved_file_loads_and_checks(tmp_path, lecture):
    path = save_onnx(lecture, tmp_path / "lecture.onnx")
    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    assert [n.op_type for n in model.graph.node] == ["Gemm", "Identity", "Gemm", "Identity"]
    assert model.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.DOUBLE
    weights = {t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}
    np.testing.assert_array_equal(weights["layer1.weight"], [[0.11, 0.21], [0.12, 0.08]])
    x = np.array([[2.0, 3.0], [1.0, -1.0]])
    got = ReferenceEvaluator(model).run(None, {"input": x})[0]
    np.testing.assert_allclose(got, lecture.network.predict(x), atol=1e-12)
