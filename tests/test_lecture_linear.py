"""The lecture's first worked example, to the last digit."""

import pytest

from sandbox.engine import Trainer

from conftest import lecture_experiment


def test_forward_values_are_the_lecture_s():
    w = Trainer(lecture_experiment()).walkthrough()
    values = w.values()
    assert values["h1"] == pytest.approx(0.85, abs=1e-15)
    assert values["h2"] == pytest.approx(0.48, abs=1e-15)
    assert values["y"] == pytest.approx(0.191, abs=1e-15)
    assert w.loss == pytest.approx(0.5 * 0.809 ** 2, abs=1e-15)


def test_gradients_and_updates_are_the_lecture_s():
    trainer = Trainer(lecture_experiment())
    w = trainer.walkthrough()
    g = w.by_label()
    assert w.backprop.output_grads[-1][0, 0] == pytest.approx(-0.809, abs=1e-15)
    assert g["w5"] == pytest.approx(-0.68765, abs=1e-15)
    assert g["w6"] == pytest.approx(-0.38832, abs=1e-15)
    assert g["w1"] == pytest.approx(-0.22652, abs=1e-15)
    trainer.apply(w)
    net = trainer.network
    assert net.layers[1].weights[0].tolist() == pytest.approx([0.1743825, 0.169416], abs=1e-15)
    assert net.layers[0].weights.ravel().tolist() == pytest.approx([0.121326, 0.226989, 0.132135, 0.0982025], abs=1e-15)
    assert net.predict([[2.0, 3.0]])[0, 0] == pytest.approx(0.2557458, abs=1e-7)
    assert round(net.predict([[2.0, 3.0]])[0, 0], 2) == 0.26


def test_the_formula_of_w1_carries_the_numbers():
    w = Trainer(lecture_experiment()).walkthrough()
    step = next(s for s in w.steps if s.phase == "backward" and s.target == "w1")
    assert step.formula == "∂E/∂w1 = ∂E/∂y · ∂y/∂h1 · ∂h1/∂w1 = Δ · w5 · i1 = (−0.809)(0.14)(2) = −0.22652"


def test_walkthrough_and_plain_step_give_the_same_weights():
    a, b = Trainer(lecture_experiment()), Trainer(lecture_experiment())
    for _ in range(5):
        a.apply(a.walkthrough())
        b.step()
    for la, lb in zip(a.network.layers, b.network.layers):
        assert (la.weights == lb.weights).all()
    assert a.iteration == b.iteration == 5
    assert a.history.loss.tolist() == b.history.loss.tolist()
