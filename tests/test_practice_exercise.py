"""Random exercises: the same seed gives the same exercise, the numbers are doable by hand, every kind builds."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.files.load import load_experiment, loads_experiment
from sandbox.files.save import dumps_experiment, save_experiment
from sandbox.practice.exercise import (
    ACTIVATIONS,
    exercise_from,
    make_exercise,
    network_document,
    parse_shape,
)
from sandbox.practice.questions import ASK_KINDS

SHAPES = ("2-2-1", "2-3-1", "3-2-2", "1-1", "2-2-2-1")
SEEDS = st.integers(min_value=0, max_value=2**31 - 1)


def _numbers(ex):
    net = ex.experiment.network
    out = [layer.weights.copy() for layer in net.layers]
    out += [layer.biases.copy() for layer in net.layers if layer.biases is not None]
    return out + [ex.experiment.data.inputs.copy(), ex.experiment.data.targets.copy()]


def _same(a, b):
    assert dumps_experiment(a.experiment) == dumps_experiment(b.experiment)
    assert all(np.array_equal(x, y) for x, y in zip(_numbers(a), _numbers(b)))
    assert a.questions == b.questions


def _two_decimals(values) -> bool:
    return all(abs(v * 100 - round(v * 100)) < 1e-9 for v in np.ravel(values))


@settings(max_examples=25, deadline=None)
@given(SEEDS)
def test_the_same_seed_gives_the_same_exercise(seed):
    _same(make_exercise(seed), make_exercise(seed))
    _same(make_exercise(seed, "3-2-2", "tanh", "bce", "update", biases=True),
          make_exercise(seed, "3-2-2", "tanh", "bce", "update", biases=True))


@settings(max_examples=25, deadline=None)
@given(SEEDS, SEEDS)
def test_different_seeds_give_different_networks(a, b):
    if a == b:
        return
    x, y = make_exercise(a), make_exercise(b)
    assert not all(np.array_equal(p, q) for p, q in zip(_numbers(x), _numbers(y)))
    assert x.experiment.name == f"Exercise {a}" and y.experiment.name == f"Exercise {b}"


def test_a_hundred_seeds_give_a_hundred_networks():
    texts = {dumps_experiment(make_exercise(seed).experiment).split('"layers"')[1] for seed in range(100)}
    assert len(texts) == 100


@settings(max_examples=30, deadline=None)
@given(SEEDS, st.sampled_from(SHAPES), st.sampled_from(ACTIVATIONS), st.sampled_from(("mse", "bce")),
       st.booleans())
def test_numbers_are_doable_by_hand(seed, shape, activation, loss, biases):
    ex = make_exercise(seed, shape, activation, loss, biases=biases)
    net = ex.experiment.network
    for layer in net.layers:
        assert _two_decimals(layer.weights) and np.all(np.abs(layer.weights) < 1) and np.all(layer.weights != 0)
        assert (layer.biases is not None) == biases
        if layer.biases is not None:
            assert _two_decimals(layer.biases)
    assert _two_decimals(ex.experiment.data.inputs) and _two_decimals(ex.experiment.data.targets)
    assert len(ex.experiment.data.inputs) == 1
    assert ex.experiment.optimizer.name == "sgd"
    assert ex.experiment.optimizer.learning_rate in (0.05, 0.1, 0.2, 0.5)
    if loss == "bce":
        assert set(np.ravel(ex.experiment.data.targets)) <= {0.0, 1.0}
        assert net.layers[-1].activation == "sigmoid"
    else:
        assert net.layers[-1].activation == "identity"
    assert all(layer.activation == activation for layer in net.layers[:-1])
    assert all(math.isfinite(s.value) for s in ex.walkthrough.steps)
    assert all(math.isfinite(q.answer) for q in ex.questions)


@pytest.mark.parametrize(("shape", "activation", "loss"),
                         list(itertools.product(SHAPES, ACTIVATIONS, ("mse", "bce"))))
def test_every_combination_builds(shape, activation, loss, tmp_path):
    ex = make_exercise(4172, shape, activation, loss)
    assert ex.shape == shape and ex.activation == activation and ex.loss == loss
    assert [ex.experiment.network.input_size] + [la.size for la in ex.experiment.network.layers] == \
        parse_shape(shape)
    assert ex.questions and all(math.isfinite(q.answer) for q in ex.questions)
    assert all(math.isfinite(s.value) for s in ex.walkthrough.steps)
    if activation == "relu":  # no ReLU sits exactly at its kink, and each layer has one that is on
        for z in ex.walkthrough.forward.preactivations[:-1]:
            assert np.all(z != 0) and np.any(z > 0)
    path = tmp_path / "exercise.json"
    save_experiment(ex.experiment, path)
    again = load_experiment(path)  # validates as a network file
    assert again.name == "Exercise 4172"
    assert np.array_equal(again.network.layers[0].weights, ex.experiment.network.layers[0].weights)
    loads_experiment(dumps_experiment(ex.experiment))


def test_the_lecture_labels_and_the_walkthrough_of_the_saved_network():
    ex = make_exercise(4172)
    net = ex.experiment.network
    assert net.input_labels == ["i1", "i2"]
    assert net.layers[0].labels == ["h1", "h2"] and net.layers[1].labels == ["y"]
    assert net.layers[0].weight_labels == [["w1", "w2"], ["w3", "w4"]] and net.layers[1].weight_labels == [["w5", "w6"]]
    again = exercise_from(loads_experiment(dumps_experiment(ex.experiment)))
    assert [q.answer for q in again.questions] == [q.answer for q in ex.questions]
    assert again.seed is None and again.shape == "2-2-1"
    assert network_document(ex)["name"] == "Exercise 4172"


def test_ask_chooses_the_questions():
    for ask in ASK_KINDS:
        ex = make_exercise(5, "2-2-1", "sigmoid", "bce", ask)
        assert ex.questions and (ask == "all" or {q.category for q in ex.questions} == {ask})


@pytest.mark.parametrize("shape", ["2", "2-", "a-b", "2-0-1", "2-6-1", "2-2-2-2-1", "", "2--1", "-2-1"])
def test_bad_shapes_are_refused(shape):
    with pytest.raises(ValueError, match="such as 2-2-1"):
        make_exercise(1, shape)


def test_bad_activation_loss_and_ask_are_refused():
    with pytest.raises(ValueError, match="activation"):
        make_exercise(1, activation="softmax")
    with pytest.raises(ValueError, match="loss"):
        make_exercise(1, loss="cross_entropy")
    with pytest.raises(ValueError, match="question kind"):
        make_exercise(1, ask="biases")


def test_logistic_is_the_sigmoid():
    assert make_exercise(3, activation="logistic").activation == "sigmoid"
    assert dumps_experiment(make_exercise(3, activation="logistic").experiment) == \
        dumps_experiment(make_exercise(3, activation="sigmoid").experiment)
