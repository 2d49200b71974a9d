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
