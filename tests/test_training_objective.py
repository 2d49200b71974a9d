"""The objective E = L + λR(θ) beside the data loss L: History, epoch reports, the walkthrough's apply."""

import numpy as np
import pytest
from test_engine_training import small_experiment

from sandbox.engine import Batching, Regularization, Trainer


def _hand_penalty(kind: str, lam: float, weights: list[np.ndarray]) -> float:
    if kind == "l2":
        return lam / 2 * sum(float((w**2).sum()) for w in weights)
    return lam * sum(float(np.abs(w).sum()) for w in weights)


@pytest.mark.parametrize("kind", ["l1", "l2"])
def test_history_records_the_objective_of_the_weights_each_update_started_from(kind):
    lam = 0.03
    trainer = Trainer(small_experiment(regularization=Regularization(kind, lam)))
    expected = []
    for _ in range(5):
        before = [layer.weights.copy() for layer in trainer.network.layers]
        loss = trainer.step()
        expected.append(loss + _hand_penalty(kind, lam, before))
    h = trainer.history
    assert h.objective.tolist() == pytest.approx(expected, rel=1e-15)
    assert (h.objective > h.loss).all()


def test_without_regularization_the_objective_is_the_loss():
    trainer = Trainer(small_experiment())
    trainer.run(iterations=4)
    assert trainer.history.objective.tolist() == trainer.history.loss.tolist()
    assert trainer.penalty() == 0.0
    assert trainer.epoch_report().train_objective == trainer.epoch_report().train_loss


def test_stepping_a_walkthrough_records_the_same_objective_as_a_step():
    a = Trainer(small_experiment(regularization=Regularization("l2", 0.05)))
    b = Trainer(small_experiment(regularization=Regularization("l2", 0.05)))
    for _ in range(3):
        a.step()
        b.apply(b.walkthrough())
    assert b.history.objective.tolist() == pytest.approx(a.history.objective.tolist(), rel=1e-14)


def test_epoch_report_adds_the_penalty_of_the_weights_after_the_epoch():
    lam = 0.02
    trainer = Trainer(small_experiment(regularization=Regularization("l2", lam),
                                       batching=Batching("full")))
    reports = []
    trainer.run(epochs=2, on_epoch=reports.append)
    r = reports[-1]
    weights = [layer.weights for layer in trainer.network.layers]
    assert r.penalty == pytest.approx(_hand_penalty("l2", lam, weights), rel=1e-15)
    assert r.train_objective == r.train_loss + r.penalty
    assert r.train_loss == trainer.evaluate()[0]


def test_extend_and_tail_keep_the_objectives_beside_the_losses():
    trainer = Trainer(small_experiment(regularization=Regularization("l1", 0.1)))
    trainer.run(iterations=6)
    h = trainer.history
    tail = h.tail(4)
    assert tail.loss.tolist() == h.loss[-4:].tolist() and tail.objective.tolist() == h.objective[-4:].tolist()
    tail.extend(np.array([1.0, 2.0]), np.ones((2, h.layers)), np.array([1.5, 2.5]))
    tail.extend(np.array([3.0]), np.ones((1, h.layers)))  # no objectives given: the losses
    assert tail.objective[-3:].tolist() == [1.5, 2.5, 3.0]
