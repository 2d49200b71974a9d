"""∂E/∂x in the walkthrough: one step per input (kind ``input_gradient``, layer 0) at the very end of the backward
phase, the lecture's "w.r.t. input to backpropagate" ∂E/∂x_k = Σⱼ ∂E/∂zⱼ · wⱼₖ: the lecture's −0.0270206 and
−0.0334926, central differences on random networks, and a summary beyond the cap."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec, Trainer, get_loss
from sandbox.engine.walkthrough import DETAILED_STEPS, Step, Walkthrough

from conftest import lecture_experiment


def input_steps(w: Walkthrough) -> list[Step]:
    return [s for s in w.steps if s.kind == "input_gradient" or s.covers == "input_gradient"]


def test_the_lecture_s_input_gradients_close_the_backward_pass() -> None:
    w = Trainer(lecture_experiment()).walkthrough()
    i1, i2 = input_steps(w)
    assert i1.formula == "∂E/∂i1 = ∂E/∂h1 · w1 + ∂E/∂h2 · w3 = (−0.11326)(0.11) + (−0.12135)(0.12) = −0.0270206"
    assert i2.formula == "∂E/∂i2 = ∂E/∂h1 · w2 + ∂E/∂h2 · w4 = (−0.11326)(0.21) + (−0.12135)(0.08) = −0.0334926"
    assert i1.symbolic == "∂E/∂i1 = ∂E/∂h1 · w1 + ∂E/∂h2 · w3"
    assert [(s.phase, s.kind, s.target, s.layer, s.neuron, s.source) for s in (i1, i2)] == [
        ("backward", "input_gradient", "i1", 0, 0, None), ("backward", "input_gradient", "i2", 0, 1, None)]
    # Σⱼ ∂E/∂hⱼ · wⱼₖ by hand: Δ·w5·w1 + Δ·w6·w3, Δ·w5·w2 + Δ·w6·w4
    assert [i1.value, i2.value] == pytest.approx([-0.809 * (0.14 * 0.11 + 0.15 * 0.12),
                                                  -0.809 * (0.14 * 0.21 + 0.15 * 0.08)], abs=1e-15)
    assert [i1.value, i2.value] == w.input_gradients().tolist()
    assert [round(i1.value, 7), round(i2.value, 7)] == [-0.0270206, -0.0334926]
    # the very end of the backward phase: after layer 1's gradients, just before the first update
    end = w.phase_start("update")
    assert w.steps[end - 2:end] == [i1, i2]
    assert w.steps[end - 3].target == "w4"


def test_a_first_layer_of_one_neuron_writes_the_chain() -> None:
    net = Network(2, [Layer([[0.5, -0.25]], "tanh"), Layer([[2.0]])])
    exp = Experiment(net, Dataset([[1.0, 2.0]], [[0.3]]), optimizer=OptimizerSpec("sgd", 0.1))
    w = Trainer(exp).walkthrough()
    x1, x2 = input_steps(w)
    # net_h1_1 = 0.5·1 − 0.25·2 = 0: tanh′ = 1; Δ = y − y* = 0 − 0.3
    assert x2.formula == ("∂E/∂x2 = ∂E/∂y · ∂y/∂h1_1 · ∂h1_1/∂net_h1_1 · ∂net_h1_1/∂x2 = "
                          "Δ · w2_1_1 · (1 − h1_1²) · w1_1_2 = (−0.3)(2)(1)(−0.25) = 0.15")
    assert [x1.value, x2.value] == w.input_gradients().tolist()


def test_beyond_the_cap_a_summary_stands_for_the_rest() -> None:
    n = DETAILED_STEPS + 8
    rng = np.random.default_rng(3)
    net = Network(n, [Layer(rng.normal(size=(3, n)), "sigmoid", np.zeros(3)), Layer(rng.normal(size=(1, 3)))])
    exp = Experiment(net, Dataset(rng.normal(size=(2, n)), [[0.1], [0.2]]), batching=Batching("full"))
    w = Trainer(exp).walkthrough(sample=1)
    steps = input_steps(w)
    assert len(steps) == DETAILED_STEPS + 1
    summary = steps[-1]
    assert (summary.kind, summary.covers, summary.count, summary.layer, summary.target) == (
        "summary", "input_gradient", 8, 0, "layer 0")
    rest = w.input_gradients()[DETAILED_STEPS:]
    assert summary.value == rest[np.argmax(np.abs(rest))]
    assert summary.formula.startswith(f"… and 8 more ∂E/∂(input) (x{DETAILED_STEPS + 1} to x{n}), each as above: ")
    assert steps[0].formula.endswith(" (sample 2)")  # the second sample of the batch, counted from 1
    assert steps[0].formula.count(" + … + ") == 0  # three neurons: every term written
    assert w.steps[w.phase_start("update") - 1] is summary


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["tanh", "sigmoid", "elu", "identity"]),
       st.sampled_from([("mse", "identity"), ("bce", "sigmoid"), ("cross_entropy", "softmax"), ("mse", "tanh")]),
       st.integers(1, 4), st.integers(1, 3))
def test_input_gradient_steps_equal_central_differences(seed: int, hidden: str, loss_out: tuple[str, str],
                                                        batch: int, width: int) -> None:
    loss, out = loss_out
    rng = np.random.default_rng(seed)
    n_in, n_out = 3, 2
    net = Network(n_in, [Layer(rng.normal(size=(width, n_in)), hidden, rng.normal(size=width)),
                         Layer(rng.normal(size=(width, width)), hidden),
                         Layer(rng.normal(size=(n_out, width)), out, rng.normal(size=n_out))])
    x = rng.normal(size=(batch, n_in))
    t = rng.uniform(0.05, 0.95, size=(batch, n_out))
    if loss == "cross_entropy":
        t = t / t.sum(axis=1, keepdims=True)
    exp = Experiment(net, Dataset(x, t), loss=loss, optimizer=OptimizerSpec("sgd", 0.1), batching=Batching("full"))
    sample = int(rng.integers(batch))
    w = Trainer(exp).walkthrough(sample=sample)
    steps = input_steps(w)
    assert [s.neuron for s in steps] == list(range(n_in))
    h = 1e-6
    f, target = get_loss(loss), t[sample][None, :]
    for k, s in enumerate(steps):
        up, down = x[sample].copy(), x[sample].copy()
        up[k] += h
        down[k] -= h
        numeric = (net.loss(up[None, :], target, f) - net.loss(down[None, :], target, f)) / (2 * h)
        assert s.value == pytest.approx(numeric, rel=1e-6, abs=1e-8)
        assert s.value == w.input_gradients()[k]
