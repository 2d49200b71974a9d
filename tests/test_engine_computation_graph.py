"""A neuron's computation graph (``engine/computation_graph.py``): its running products are the walkthrough's
gradients — the lecture's ∂E/∂w5 = −0.68765 and ∂E/∂w1 = −0.22652, the logistic network, and random networks
against the walkthrough's per-sample arrays and central differences."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec, Trainer, get_loss
from sandbox.engine.computation_graph import MAX_PRODUCTS, computation_graph, neuron_choices
from sandbox.files import load_experiment
from sandbox.resources import resource_path


def lecture_walkthrough(name: str = "lecture17-linear.json"):
    return Trainer(load_experiment(resource_path("networks", name))).walkthrough()


def test_the_lecture_s_output_neuron():
    g = computation_graph(lecture_walkthrough(), 2, 0)
    assert [n.label for n in g.nodes] == ["h1", "w5", "h2", "w6", "h1·w5", "h2·w6", "y", "E"]
    assert g.node("z").value == pytest.approx(0.191, abs=1e-15)
    assert g.node("E").value == pytest.approx(0.3272405, abs=1e-7)
    # the loss's edge is Δ = y − y*, then 1 for the sum, then the other factor of each product
    first = g.edges[0]
    assert (first.source, first.target) == ("z", "E")
    assert first.local == pytest.approx(-0.809, abs=1e-15)
    assert first.expression == "Δ = y − y* = 0.191 − 1"
    assert g.node("w1").gradient == pytest.approx(-0.68765, abs=1e-15)   # ∂E/∂w5 = Δ·h1
    assert g.node("w2").gradient == pytest.approx(-0.38832, abs=1e-15)   # ∂E/∂w6 = Δ·h2
    assert g.node("x1").gradient == pytest.approx(-0.809 * 0.14, abs=1e-15)  # ∂E/∂h1 = Δ·w5
    assert g.step_text(5) == "∂E/∂w5 = ∂E/∂(h1·w5) · ∂(h1·w5)/∂w5 = (−0.809) · 0.85 = −0.68765"
    assert g.step_text(1) == "∂E/∂y = Δ = y − y* = 0.191 − 1 = −0.809"
    assert g.notes == []


def test_the_lecture_s_hidden_neuron_path_to_w1():
    g = computation_graph(lecture_walkthrough(), 1, 0)
    assert [n.label for n in g.nodes] == ["i1", "w1", "i2", "w2", "i1·w1", "i2·w2", "h1", "E"]
    summary = g.edges[0]
    assert summary.summary and (summary.source, summary.target) == ("z", "E")
    assert summary.local == pytest.approx(-0.809 * 0.14, abs=1e-15)     # ∂E/∂h1 = Δ·w5, from the walkthrough
    assert g.node("w1").gradient == pytest.approx(-0.22652, abs=1e-15)  # Δ·w5·i1
    assert g.node("w2").gradient == pytest.approx(-0.33978, abs=1e-15)  # Δ·w5·i2
    # ∂E/∂i1 through h1 only; every path (h1 and h2) is the walkthrough's ∂E/∂x
    assert g.node("x1").gradient == pytest.approx(-0.809 * 0.14 * 0.11, abs=1e-15)
    assert g.node("x1").all_paths == pytest.approx(-0.0270206, abs=1e-12)
    assert g.node("E").expression == "½(y − y*)²"
    assert "hidden neuron" in g.notes[0]


def test_backward_order_walks_from_the_loss_one_edge_at_a_time():
    g = computation_graph(lecture_walkthrough(), 1, 1)
    assert g.reached(0) == {"E"}
    for i, edge in enumerate(g.edges):
        assert edge.target in g.reached(i) and edge.source not in g.reached(i)
    assert g.reached(len(g.edges)) == {n.key for n in g.nodes}
    # inputs and weights come last
    assert {g.node(e.source).kind for e in g.edges[-4:]} == {"input", "weight"}


def test_the_logistic_network_with_binary_cross_entropy():
    w = lecture_walkthrough("lecture17-logistic.json")
    by_label = w.by_label()
    for l, j, label in neuron_choices(w):
        g = computation_graph(w, l, j)
        assert g.label == label
        for node in g.nodes:
            if node.check is not None:
                assert node.gradient == pytest.approx(node.check, rel=1e-12, abs=1e-15)
            if node.kind == "weight":
                assert node.gradient == pytest.approx(by_label[node.label], rel=1e-12)
    out = computation_graph(w, 2, 0)
    assert [e.target for e in out.edges[:2]] == ["E", "a"]
    assert out.node("z").gradient == pytest.approx(float(w.delta()[0]), rel=1e-12)  # σ + BCE: ∂E/∂z = Δ
    assert "Δ" in out.notes[0]


def test_a_wide_layer_draws_a_few_products_and_one_node_for_the_rest():
    rng = np.random.default_rng(3)
    n_in = MAX_PRODUCTS + 5
    net = Network(n_in, [Layer(rng.normal(size=(2, n_in)), "tanh", rng.normal(size=2)),
                         Layer(rng.normal(size=(1, 2)), "identity")])
    exp = Experiment(net, Dataset(rng.normal(size=(1, n_in)), [[0.5]]), optimizer=OptimizerSpec("sgd", 0.1))
    w = Trainer(exp).walkthrough()
    g = computation_graph(w, 1, 1)
    assert sum(n.kind == "product" for n in g.nodes) == MAX_PRODUCTS
    rest = g.node("rest")
    assert rest.label == f"… {n_in - MAX_PRODUCTS} more"
    total = sum(n.value for n in g.nodes if n.kind in ("product", "rest"))
    assert total == pytest.approx(g.node("sum").value, rel=1e-12)
    assert g.node("sum").value + g.node("b").value == pytest.approx(g.node("z").value, rel=1e-12)


def _random_experiment(seed: int, hidden: str, loss_out: tuple[str, str], batch: int, bias: bool) -> Experiment:
    loss, out = loss_out
    rng = np.random.default_rng(seed)
    sizes = [3, 4, 3, 2]
    acts = [hidden, "tanh" if hidden != "tanh" else "sigmoid", out]
    layers = [Layer(rng.normal(size=(m, n)), act, rng.normal(size=m) if bias else None)
              for n, m, act in zip(sizes, sizes[1:], acts)]
    x = rng.normal(size=(batch, sizes[0]))
    t = rng.uniform(0.05, 0.95, size=(batch, sizes[-1]))
    if loss == "cross_entropy":
        t = t / t.sum(axis=1, keepdims=True)
    return Experiment(Network(sizes[0], layers), Dataset(x, t), loss=loss, optimizer=OptimizerSpec("sgd", 0.1),
                      batching=Batching("full"))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["tanh", "sigmoid", "softplus", "identity", "arctan", "elu"]),
       st.sampled_from([("mse", "identity"), ("mse", "tanh"), ("bce", "sigmoid"), ("cross_entropy", "softmax")]),
       st.integers(1, 4), st.booleans())
def test_running_products_equal_the_walkthrough_s_per_sample_gradients(seed, hidden, loss_out, batch, bias):
    exp = _random_experiment(seed, hidden, loss_out, batch, bias)
    sample = seed % batch
    w = Trainer(exp).walkthrough(sample=sample)
    bp, s = w.backprop, w.sample
    net = w.network
    for l, j, _ in neuron_choices(w):
        g = computation_graph(w, l, j)
        assert g.sample == s and g.batch_size == batch
        dz = bp.preactivation_grads[l - 1][s, j]
        assert g.node("z").gradient == pytest.approx(dz, rel=1e-9, abs=1e-12)
        if "a" in {n.key for n in g.nodes}:
            assert g.node("a").gradient == pytest.approx(bp.output_grads[l - 1][s, j], rel=1e-9, abs=1e-12)
        for k in range(net.layers[l - 1].fan_in):
            a_prev = w.forward.outputs[l - 1][s, k]
            assert g.node(f"w{k + 1}").gradient == pytest.approx(dz * a_prev, rel=1e-9, abs=1e-12)
            assert g.node(f"x{k + 1}").gradient == pytest.approx(dz * w.weights_before[l - 1][j, k],
                                                                 rel=1e-9, abs=1e-12)
            if batch == 1:  # one sample: its share is the update's gradient
                assert g.node(f"w{k + 1}").batch == pytest.approx(g.node(f"w{k + 1}").gradient, rel=1e-9, abs=1e-12)
        if bias:
            assert g.node("b").gradient == pytest.approx(dz, rel=1e-9, abs=1e-12)
        # every running product is the product of the local derivatives on its path to the loss
        for node in g.nodes:
            path, key = 1.0, node.key
            while key != "E":
                edge = next(e for e in g.edges if e.source == key)
                path *= edge.local
                key = edge.target
            assert node.gradient == pytest.approx(path, rel=1e-12, abs=1e-15)
    # the shares of the first layer's neurons add up to the walkthrough's ∂E/∂x
    shares = sum(np.array([computation_graph(w, 1, j).node(f"x{k + 1}").gradient for k in range(3)])
                 for j in range(net.layers[0].size))
    np.testing.assert_allclose(shares, w.input_gradients(), rtol=1e-9, atol=1e-12)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["tanh", "sigmoid", "softplus"]), st.integers(1, 3))
def test_weight_gradients_equal_central_differences_of_the_sample_s_loss(seed, hidden, batch):
    exp = _random_experiment(seed, hidden, ("mse", "identity"), batch, True)
    sample = seed % batch
    w = Trainer(exp).walkthrough(sample=sample)
    x, t = w.inputs[sample:sample + 1], w.targets[sample:sample + 1]
    loss = get_loss("mse")
    h = 1e-6
    for l, j, _ in neuron_choices(w):
        g = computation_graph(w, l, j)
        for k in range(w.network.layers[l - 1].fan_in):
            up, down = w.network.copy(), w.network.copy()
            up.layers[l - 1].weights[j, k] += h
            down.layers[l - 1].weights[j, k] -= h
            numeric = (up.loss(x, t, loss) - down.loss(x, t, loss)) / (2 * h)
            assert g.node(f"w{k + 1}").gradient == pytest.approx(numeric, rel=1e-5, abs=1e-8)


def test_a_batch_says_whose_loss_the_graph_is():
    exp = _random_experiment(1, "tanh", ("mse", "identity"), 3, True)
    w = Trainer(exp).walkthrough(sample=2)
    g = computation_graph(w, 3, 1)
    assert g.data_row == w.batch_indices[2] and g.batch_size == 3
    assert any("sample 3's own loss" in note and "mean" in note for note in g.notes)
    weight = g.node("w1")
    per_sample = w.backprop.preactivation_grads[2][:, 1] * w.forward.outputs[2][:, 0]
    assert weight.batch == pytest.approx(float(np.mean(per_sample)), rel=1e-12)
    assert not math.isclose(weight.batch, weight.gradient)
    with pytest.raises(IndexError):
        computation_graph(w, 4, 0)
