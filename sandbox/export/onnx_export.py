"""The network as an ONNX model (float64 throughout), so it opens in Netron and other frameworks.

Each layer becomes ``Gemm`` (``z = x Wᵀ + b``, ``transB = 1``, no ``C`` without biases) followed by
its activation: Identity, Sigmoid, Tanh, Atan, Relu, PRelu (the α as a slope initializer), Elu (α as
an attribute; an α that float32 cannot hold is applied in double around a unit Elu), Softplus,
Softmax (last axis); the binary step as ``GreaterOrEqual(z, 0)`` cast to DOUBLE. The batch dimension is
symbolic (``N``). Needs the optional ``onnx`` package.

Node and tensor names are made from the layer's number (``layer2.gemm``, ``layer2.z``), never from a
label: they are unique ASCII whatever the labels hold. The graph's name is the network's name as an
ASCII identifier; the labels and the name appear only in doc strings, with control characters and
lone surrogates as visible escapes (protobuf writes UTF-8).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from sandbox.engine import Experiment, Network
from sandbox.explain.escape import for_identifier, for_terminal, for_text_block

if TYPE_CHECKING:
    from onnx import ModelProto, NodeProto, TensorProto

#: the opset written; every operator used here exists in it with DOUBLE support
OPSET = 17
INPUT_NAME = "input"
OUTPUT_NAME = "output"

_SIMPLE_OPS = {
    "identity": "Identity", "sigmoid": "Sigmoid", "tanh": "Tanh", "arctan": "Atan",
    "relu": "Relu", "softplus": "Softplus",
}


def _onnx() -> ModuleType:
    try:
        import onnx
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("ONNX export needs the optional 'onnx' package: "
                          "pip install 'backprop-sandbox[onnx]'") from exc
    return onnx


def network_to_onnx(network: Network, name: str = "backprop-sandbox network", doc: str = "",
                    features: Sequence[str] = ()) -> ModelProto:
    """An ``onnx.ModelProto`` computing ``network.predict`` for a batch of float64 rows; with derived
    ``features`` (``engine.features``) the model takes the raw (x1, x2) rows and computes them first."""
    onnx = _onnx()
    from onnx import TensorProto, helper, numpy_helper

    nodes: list[NodeProto] = []
    inits: list[TensorProto] = []
    current = INPUT_NAME
    if features:
        current = _feature_nodes(helper, numpy_helper, nodes, inits, features)
    last = len(network.layers) - 1
    for i, layer in enumerate(network.layers):
        tag = f"layer{i + 1}"
        w_name = f"{tag}.weight"
        inits.append(numpy_helper.from_array(np.ascontiguousarray(layer.weights, dtype=np.float64), w_name))
        gemm_inputs = [current, w_name]
        if layer.has_bias:
            b_name = f"{tag}.bias"
            inits.append(numpy_helper.from_array(np.asarray(layer.biases, dtype=np.float64), b_name))
            gemm_inputs.append(b_name)
        z = f"{tag}.z"
        labels = for_terminal(", ".join(layer.preactivation_labels))
        nodes.append(helper.make_node("Gemm", gemm_inputs, [z], name=f"{tag}.gemm", transB=1,
                                      doc_string=f"z = x Wᵀ + b: {labels}"))
        out = OUTPUT_NAME if i == last else f"{tag}.a"
        act = layer.activation
        if act in _SIMPLE_OPS:
            nodes.append(helper.make_node(_SIMPLE_OPS[act], [z], [out], name=f"{tag}.{act}"))
        elif act == "prelu":
            s_name = f"{tag}.slope"
            inits.append(numpy_helper.from_array(np.array([layer.alpha_value], dtype=np.float64), s_name))
            nodes.append(helper.make_node("PRelu", [z, s_name], [out], name=f"{tag}.prelu"))
        elif act == "elu":
            nodes.extend(_elu_nodes(helper, numpy_helper, inits, tag, z, out, float(layer.alpha_value)))
        elif act == "softmax":
            nodes.append(helper.make_node("Softmax", [z], [out], name=f"{tag}.softmax", axis=-1))
        elif act == "binary_step":
            zero = f"{tag}.zero"
            mask = f"{tag}.mask"
            inits.append(numpy_helper.from_array(np.array(0.0, dtype=np.float64), zero))
            nodes.append(helper.make_node("GreaterOrEqual", [z, zero], [mask], name=f"{tag}.step_compare"))
            nodes.append(helper.make_node("Cast", [mask], [out], name=f"{tag}.step_cast", to=TensorProto.DOUBLE))
        else:  # pragma: no cover - the engine validates activation names
            raise ValueError(f"no ONNX translation for activation {act!r}")
        current = out

    graph = helper.make_graph(
        nodes, _graph_name(name),
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.DOUBLE,
                                       ["N", network.input_size - len(features)])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.DOUBLE, ["N", network.layers[-1].size])],
        initializer=inits,
        doc_string=for_text_block(doc),
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="backprop-sandbox")
    model.doc_string = for_terminal(f"{name}. Inputs: {', '.join(network.input_labels)}; "
                                    f"outputs: {', '.join(network.layers[-1].labels)}.")
    onnx.checker.check_model(model)
    return model


#: each derived feature as ONNX nodes of the columns ``features.x1`` and ``features.x2``: (op, its inputs)
_FEATURE_OPS = {"x1^2": ("Mul", ("x1", "x1")), "x2^2": ("Mul", ("x2", "x2")), "x1*x2": ("Mul", ("x1", "x2")),
                "sin(x1)": ("Sin", ("x1",)), "sin(x2)": ("Sin", ("x2",))}


def _feature_nodes(helper: ModuleType, numpy_helper: ModuleType, nodes: list[NodeProto], inits: list[TensorProto],
                   features: Sequence[str]) -> str:
    """Nodes appending the derived features to the raw input (x1, x2), in order; the name of the result."""
    for k in (1, 2):
        index = f"features.index{k}"
        inits.append(numpy_helper.from_array(np.array([k - 1], dtype=np.int64), index))
        nodes.append(helper.make_node("Gather", [INPUT_NAME, index], [f"features.x{k}"], name=f"features.x{k}",
                                      axis=1))
    columns = [INPUT_NAME]
    for i, feature in enumerate(features, start=1):
        op, args = _FEATURE_OPS[feature]
        column = f"features.f{i}"
        nodes.append(helper.make_node(op, [f"features.{a}" for a in args], [column], name=column,
                                      doc_string=for_terminal(feature)))
        columns.append(column)
    nodes.append(helper.make_node("Concat", columns, ["features.all"], name="features.concat", axis=1))
    return "features.all"


def _elu_nodes(helper: ModuleType, numpy_helper: ModuleType, inits: list[TensorProto], tag: str, z: str, out: str,
               alpha: float) -> list[NodeProto]:
    """ELU with α. ONNX attributes are float32, so an α that float32 cannot hold exactly is applied
    in double instead: ``elu_α(z) = relu(z) + α · min(elu_1(z), 0)``."""
    if float(np.float32(alpha)) == alpha:
        return [helper.make_node("Elu", [z], [out], name=f"{tag}.elu", alpha=alpha)]
    a_name, zero = f"{tag}.alpha", f"{tag}.zero"
    inits.append(numpy_helper.from_array(np.array(alpha, dtype=np.float64), a_name))
    inits.append(numpy_helper.from_array(np.array(0.0, dtype=np.float64), zero))
    return [
        helper.make_node("Relu", [z], [f"{tag}.pos"], name=f"{tag}.elu_pos"),
        helper.make_node("Elu", [z], [f"{tag}.elu1"], name=f"{tag}.elu_unit", alpha=1.0),
        helper.make_node("Min", [f"{tag}.elu1", zero], [f"{tag}.neg1"], name=f"{tag}.elu_neg"),
        helper.make_node("Mul", [f"{tag}.neg1", a_name], [f"{tag}.neg"], name=f"{tag}.elu_scale"),
        helper.make_node("Add", [f"{tag}.pos", f"{tag}.neg"], [out], name=f"{tag}.elu"),
    ]


def experiment_to_onnx(experiment: Experiment) -> ModelProto:
    """The experiment's network as ONNX, named after the experiment."""
    return network_to_onnx(experiment.network, experiment.name, experiment.description, experiment.features)


def save_onnx(experiment: Experiment, path: str | Path) -> Path:
    """Write the experiment's network to ``path`` as a ``.onnx`` file."""
    onnx = _onnx()
    path = Path(path)
    onnx.save_model(experiment_to_onnx(experiment), str(path))
    return path


def _graph_name(name: str) -> str:
    return for_identifier(name, fallback="network")
