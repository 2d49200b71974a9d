"""``Trainer.follow_optimizer_spec``: what the settings panel and the training worker both do after the
experiment's optimizer spec changed (one function in the engine, no Qt)."""

from __future__ import annotations

import numpy as np

from sandbox.engine import OptimizerSpec, Trainer

from training_support import spiral_experiment


def _trained(spec: OptimizerSpec, iterations: int = 5) -> Trainer:
    trainer = Trainer(spiral_experiment(optimizer=spec))
    trainer.run(iterations=iterations)
    return trainer


def test_same_kind_takes_the_new_hyperparameters_and_keeps_the_state():
    trainer = _trained(OptimizerSpec("adam", 0.03, {"beta2": 0.99}))
    optimizer = trainer.optimizer
    state = optimizer.snapshot()
    steps = optimizer.steps_taken
    trainer.experiment.optimizer = OptimizerSpec("adam", 0.01, {"beta1": 0.8})
    trainer.follow_optimizer_spec()
    assert trainer.optimizer is optimizer and optimizer.steps_taken == steps == 5
    assert (optimizer.learning_rate, optimizer.beta1, optimizer.beta2) == (0.01, 0.8, 0.999)  # beta2: default
    for mine, kept in zip(optimizer.state, state):
        for name in ("exp_avg", "exp_avg_sq"):
            np.testing.assert_array_equal(mine[name], kept[name])
    # and it goes on exactly as an Adam built with those numbers and given that state
    other = _trained(OptimizerSpec("adam", 0.03, {"beta2": 0.99}))
    other.experiment.optimizer = OptimizerSpec("adam", 0.01, {"beta1": 0.8})
    other.set_optimizer()
    other.optimizer.state = state
    other.optimizer.steps_taken = steps
    trainer.run(iterations=3)
    other.run(iterations=3)
    for a, b in zip(trainer.network.parameters(), other.network.parameters()):
        np.testing.assert_array_equal(a, b)


def test_momentum_switched_on_starts_its_velocities_afresh():
    trainer = _trained(OptimizerSpec("sgd", 0.1))
    optimizer = trainer.optimizer
    trainer.experiment.optimizer = OptimizerSpec("sgd", 0.1, {"momentum": 0.9})
    trainer.follow_optimizer_spec()
    assert trainer.optimizer is optimizer and optimizer.momentum == 0.9 and optimizer.state == []


def test_another_kind_or_a_rebuild_makes_a_new_optimizer():
    trainer = _trained(OptimizerSpec("sgd", 0.1, {"momentum": 0.9}))
    trainer.experiment.optimizer = OptimizerSpec("rmsprop", 0.01)
    trainer.follow_optimizer_spec()
    assert trainer.optimizer.name == "rmsprop" and trainer.optimizer.steps_taken == 0
    trainer.run(iterations=2)
    before = trainer.optimizer
    trainer.follow_optimizer_spec(rebuild=True)
    assert trainer.optimizer is not before and trainer.optimizer.state == [] and trainer.optimizer.steps_taken == 0


def test_another_momentum_form_starts_its_memory_afresh_and_the_walkthrough_writes_its_lines():
    trainer = _trained(OptimizerSpec("sgd", 0.1, {"momentum": 0.9}))
    optimizer = trainer.optimizer
    assert list(optimizer.state[0]) == ["velocity"]
    trainer.experiment.optimizer = OptimizerSpec("sgd", 0.1, {"momentum": 0.9, "momentum_form": "pytorch"})
    trainer.follow_optimizer_spec()
    assert trainer.optimizer is optimizer and optimizer.momentum_form == "pytorch" and optimizer.state == []
    trainer.run(iterations=2)
    w = trainer.walkthrough()
    formulas = [s.formula for s in w.steps if s.phase == "update"]
    assert any(f.startswith("b_") and " = γ · b_" in f for f in formulas)
    assert any(" − η · b_" in f for f in formulas)
    assert not any("v_" in f for f in formulas)
    # the walkthrough's update is the trainer's own step, buffer included
    twin = _trained(OptimizerSpec("sgd", 0.1, {"momentum": 0.9}))
    twin.experiment.optimizer = trainer.experiment.optimizer
    twin.follow_optimizer_spec()
    twin.run(iterations=3)
    trainer.apply(w)
    for a, b in zip(trainer.network.parameters(), twin.network.parameters()):
        np.testing.assert_array_equal(a, b)
    for mine, theirs in zip(trainer.optimizer.state, twin.optimizer.state):
        np.testing.assert_array_equal(mine["momentum_buffer"], theirs["momentum_buffer"])
