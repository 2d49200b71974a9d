"""``explain``'s JSON gives the objective E = L + λR(θ) beside the data loss, and the text names the squared
error of several outputs as the sum it is."""

from __future__ import annotations

import pytest

from sandbox.engine import Dataset, Layer, Network, Regularization, Trainer
from sandbox.explain.render import to_json, to_text

from conftest import lecture_experiment


def test_json_gives_the_penalty_and_objective_of_the_lecture_with_l2():
    exp = lecture_experiment()
    exp.regularization = Regularization("l2", 0.1)
    d = to_json(Trainer(exp).walkthrough())
    # ½·Σw² = ½(0.11² + 0.21² + 0.12² + 0.08² + 0.14² + 0.15²) = 0.05955; λ = 0.1
    assert d["loss"] == pytest.approx(0.3272405, abs=1e-15)
    assert d["penalty"] == pytest.approx(0.005955, abs=1e-15)
    assert d["objective"] == pytest.approx(0.3331955, abs=1e-15)


def test_json_without_regularization_has_no_penalty():
    d = to_json(Trainer(lecture_experiment()).walkthrough())
    assert d["penalty"] == 0.0 and d["objective"] == d["loss"]


def test_the_loss_title_of_several_outputs_is_a_sum():
    exp = lecture_experiment()
    exp.network = Network(2, [Layer([[0.11, 0.21], [0.12, 0.08]]), Layer([[0.14, 0.15], [0.1, -0.2]])])
    exp.data = Dataset([[2.0, 3.0]], [[1.0, 0.0]])
    text = to_text(Trainer(exp).walkthrough())
    assert "Loss: squared error ½Σₖ(yₖ − yₖ*)²" in text
    assert "Loss: squared error ½(y − y*)²" in to_text(Trainer(lecture_experiment()).walkthrough())
