"""Round trips: a saved network loads back identical, and saving again gives the same bytes (hypothesis)."""

import itertools
import json
import math
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.engine import ACTIVATIONS, Trainer
from sandbox.files import dumps_experiment, experiment_to_dict, load_experiment, loads_experiment, save_experiment

FINITE = st.floats(allow_nan=False, allow_infinity=False, width=64)
SMALL = st.floats(min_value=-10, max_value=10, allow_nan=False)
HIDDEN_ACTIVATIONS = [a for a in ACTIVATIONS if a != "softmax"]
#: any text the rule for names allows (no control characters, no lone surrogates)
TEXT = st.characters(exclude_categories=("Cc", "Cs"))
LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyzαβγ_0123456789*", min_size=1, max_size=6)


@st.composite
def optimizers(draw):
    name = draw(st.sampled_from(["sgd", "adagrad", "rmsprop", "adam"]))
    d = {"name": name, "learning_rate": draw(st.floats(min_value=1e-6, max_value=10))}
    fraction = st.floats(min_value=0, max_value=0.999)
    options = {"sgd": {"momentum": fraction, "nesterov": st.booleans()}, "adagrad": {"eps": st.floats(1e-12, 1e-3)},
               "rmsprop": {"alpha": fraction, "eps": st.floats(1e-12, 1e-3), "momentum": fraction},
               "adam": {"beta1": fraction, "beta2": fraction, "eps": st.floats(1e-12, 1e-3)}}[name]
    for key, strategy in options.items():
        if draw(st.booleans()):
            d[key] = draw(strategy)
    return d


@st.composite
def inits(draw):
    scheme = draw(st.sampled_from(["zeros", "constant", "uniform", "normal", "xavier_uniform", "xavier_normal",
                                   "he_uniform", "he_normal"]))
    d = {"scheme": scheme, "seed": draw(st.integers(0, 2**32))}
    if scheme == "constant":
        d["value"] = draw(SMALL)
    if scheme == "uniform":
        d["low"], d["high"] = -1.0, draw(st.floats(min_value=-0.5, max_value=2))
    if scheme == "normal":
        d["std"] = draw(st.floats(min_value=0.001, max_value=3))
    return d


@st.composite
def documents(draw):
    """A valid version-1 document with random structure, parameters, names and settings."""
    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=5))
    loss = draw(st.sampled_from(["mse", "bce", "cross_entropy"]))
    out_act = {"mse": st.sampled_from(HIDDEN_ACTIVATIONS + ["softmax"]), "bce": st.just("sigmoid"),
               "cross_entropy": st.just("softmax")}[loss]
    prefix = "Z" + draw(LABEL)  # never one of the generated names (x1, h1_1, y, w1_1_1, b_y, net_y, …)
    labels = (f"{prefix}{k}" if k % 3 else f"q{k}" for k in range(10**6))
    layers = [{"size": sizes[0]}]
    if draw(st.booleans()):
        layers[0]["labels"] = [next(labels) for _ in range(sizes[0])]
    for i, size in enumerate(sizes[1:], start=1):
        fan_in = sizes[i - 1]
        act = draw(out_act) if i == len(sizes) - 1 else draw(st.sampled_from(HIDDEN_ACTIVATIONS))
        if act == "softmax" and size == 1:  # a softmax of one neuron cannot learn: files refuse it
            size = sizes[i] = 2
        layer = {"size": size, "activation": act, "bias": draw(st.booleans())}
        if draw(st.booleans()):
            layer["weights"] = [[draw(FINITE) for _ in range(fan_in)] for _ in range(size)]
        if layer["bias"] and draw(st.booleans()):
            layer["biases"] = [draw(FINITE) for _ in range(size)]
        if draw(st.booleans()):
            layer["labels"] = [next(labels) for _ in range(size)]
        if draw(st.booleans()):
            layer["weight_labels"] = [[next(labels) for _ in range(fan_in)] for _ in range(size)]
        if layer["bias"] and draw(st.booleans()):
            layer["bias_labels"] = [next(labels) for _ in range(size)]
        if draw(st.booleans()):
            layer["preactivation_labels"] = [next(labels) for _ in range(size)]
        if act in ("prelu", "elu") and draw(st.booleans()):
            layer["alpha"] = draw(SMALL)
        if draw(st.booleans()):
            layer["trainable"] = {"weights": draw(st.booleans()), "biases": draw(st.booleans())}
        if "weights" not in layer and draw(st.booleans()):
            layer["init"] = draw(inits())
        layers.append(layer)
    n_in, n_out = sizes[0], sizes[-1]
    if (n_in, n_out) == (2, 1) and draw(st.booleans()):
        data = {"generator": draw(st.sampled_from(["xor", "circle", "gaussians", "spiral", "plane", "lecture"])),
                "samples": draw(st.integers(1, 30)), "noise": draw(st.floats(0, 1)), "seed": draw(st.integers(0, 99)),
                "test_fraction": draw(st.floats(0, 0.9))}
    else:
        n = draw(st.integers(1, 4))
        unit = st.floats(min_value=0, max_value=1)
        number = draw(st.sampled_from([SMALL, st.integers(-5, 5)]))
        data = {"inputs": [[draw(number) for _ in range(n_in)] for _ in range(n)],
                "targets": [[draw(unit) for _ in range(n_out)] for _ in range(n)]}
    doc = {"format": "backprop-sandbox.network", "version": 1, "name": draw(st.text(TEXT, max_size=20)),
           "layers": layers, "loss": {"name": loss, "reduction": draw(st.sampled_from(["mean", "sum"]))},
           "optimizer": draw(optimizers()), "data": data}
    mode = draw(st.sampled_from(["full", "single", "minibatch"]))
    doc["batch"] = {"mode": mode, "shuffle": draw(st.booleans()), "seed": draw(st.integers(0, 99))}
    if mode == "minibatch":
        doc["batch"]["size"] = draw(st.integers(1, 5))
    if draw(st.booleans()):
        doc["description"] = draw(st.text(st.one_of(TEXT, st.sampled_from("\n\t")), max_size=30))
    if draw(st.booleans()):
        doc["init"] = draw(inits())
    if draw(st.booleans()):
        doc["seed"] = draw(st.integers(0, 2**40))
    if draw(st.booleans()):
        doc["schedule"] = draw(st.sampled_from([
            {"name": "constant"}, {"name": "step", "step_epochs": 3, "gamma": 0.5},
            {"name": "exponential", "gamma": 0.9}, {"name": "cosine", "epochs": 10, "min_lr": 0.0}]))
    if draw(st.booleans()):
        doc["regularization"] = {"kind": draw(st.sampled_from(["l1", "l2"])), "strength": draw(st.floats(0, 1))}
    return doc


def _no_constant(name):
    raise AssertionError(f"{name} written into a file")


def _same_network(a, b) -> bool:
    na, nb = a.network, b.network
    if na.input_labels != nb.input_labels or na.depth != nb.depth:
        return False
    for la, lb in zip(na.layers, nb.layers):
        if not np.array_equal(la.weights, lb.weights):
            return False
        if (la.biases is None) != (lb.biases is None) or (
                la.biases is not None and not np.array_equal(la.biases, lb.biases)):
            return False
        if (la.activation, la.alpha, la.labels, la.weight_labels, la.bias_labels, la.preactivation_labels,
                la.train_weights, la.train_biases) != (lb.activation, lb.alpha, lb.labels, lb.weight_labels,
                                                       lb.bias_labels, lb.preactivation_labels, lb.train_weights,
                                                       lb.train_biases):
            return False
    return True


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_random_networks_round_trip(doc):
    first = loads_experiment(json.dumps(doc))
    text = dumps_experiment(first)
    second = loads_experiment(text)
    assert dumps_experiment(second) == text
    assert _same_network(first, second)
    for i, layer in enumerate(doc["layers"][1:]):
        if "weights" in layer:
            assert first.network.layers[i].weights.tolist() == layer["weights"]  # exactly, every bit
        if "biases" in layer:
            assert first.network.layers[i].biases.tolist() == layer["biases"]
    assert np.array_equal(first.data.inputs, second.data.inputs)
    assert np.array_equal(first.data.targets, second.data.targets)
    assert (first.loss, first.reduction, first.optimizer, first.schedule, first.regularization, first.batching,
            first.init, first.layer_inits, first.seed, first.name, first.description) == \
           (second.loss, second.reduction, second.optimizer, second.schedule, second.regularization,
            second.batching, second.init, second.layer_inits, second.seed, second.name, second.description)
    assert second.data_source == experiment_to_dict(first)["data"]
    assert text.endswith("}\n")
    json.loads(text, parse_constant=_no_constant)  # no NaN or Infinity literal anywhere


@settings(max_examples=25, deadline=None)
@given(documents())
def test_a_trained_network_round_trips_with_its_new_weights(doc):
    exp = loads_experiment(json.dumps(doc))
    trainer = Trainer(exp)
    try:
        trainer.run(iterations=3)
    except ArithmeticError:
        return  # diverged: nothing to save
    if not all(np.all(np.isfinite(p)) for p in exp.network.parameters()):
        return
    text = dumps_experiment(exp)
    again = loads_experiment(text)
    assert _same_network(exp, again)
    assert dumps_experiment(again) == text


def test_floats_keep_every_bit():
    values = [0.1, 1 / 3, 5e-324, 1.7976931348623157e308, -0.0, 2.0 ** -1074, 123456789.123456789]
    doc = json.loads(dumps_experiment(loads_experiment(json.dumps({
        "format": "backprop-sandbox.network", "version": 1,
        "layers": [{"size": len(values)}, {"size": 1, "activation": "identity", "bias": False, "weights": [values]}],
        "data": {"inputs": [[1.0] * len(values)], "targets": [[0.0]]}}))))
    got = doc["layers"][1]["weights"][0]
    assert all(math.copysign(1, a) == math.copysign(1, b) and a == b for a, b in zip(got, values))


#: any label the rule for text allows: no control characters, lone surrogates or whitespace
UNICODE_LABEL = st.text(st.characters(exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")).filter(
    lambda ch: not ch.isspace()), min_size=1, max_size=20)


@given(documents(), st.data())
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_what_save_writes_load_reads_back(doc, data):
    """Names, descriptions and labels of arbitrary valid Unicode: the saved file opens to the same network."""
    exp = loads_experiment(json.dumps(doc))
    numbers = itertools.count()

    def fresh(_old: str) -> str:
        return f"{next(numbers)}_{data.draw(UNICODE_LABEL)}"  # distinct: the number before "_" is

    net = exp.network
    net.input_labels[:] = map(fresh, net.input_labels)
    for layer in net.layers:
        layer.labels[:] = map(fresh, layer.labels)
        layer.weight_labels[:] = [list(map(fresh, row)) for row in layer.weight_labels]
        if layer.bias_labels is not None:
            layer.bias_labels[:] = map(fresh, layer.bias_labels)
        layer.preactivation_labels[:] = map(fresh, layer.preactivation_labels)
    exp.name = data.draw(st.text(TEXT, max_size=40))
    exp.description = data.draw(st.text(st.one_of(TEXT, st.sampled_from("\n\t")), max_size=60))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "net.json"
        save_experiment(exp, path)
        back = load_experiment(path)
        assert sorted(p.name for p in Path(folder).iterdir()) == ["net.json"]
    assert _same_network(exp, back)
    assert (back.name, back.description) == (exp.name, exp.description)
