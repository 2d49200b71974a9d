"""``Trainer.walkthrough_of``: the update one step on a single sample would make, shown and never applied."""

import numpy as np
import pytest

from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec, Trainer

NUMBERS = ("inputs", "targets", "outputs", "outputs_after", "weights_before", "weights_after", "biases_before",
           "biases_after", "weight_grads", "bias_grads")


def _trainer(optimizer: OptimizerSpec) -> Trainer:
    rng = np.random.default_rng(3)
    net = Network(5, [Layer(rng.normal(size=(4, 5)), "tanh", biases=rng.normal(size=4)),
                      Layer(rng.normal(size=(3, 4)), "softmax", biases=rng.normal(size=3))])
    classes = rng.integers(0, 3, size=8)
    data = Dataset(rng.normal(size=(8, 5)), np.eye(3)[classes], rng.normal(size=(4, 5)), np.eye(3)[[0, 1, 2, 0]])
    exp = Experiment(network=net, data=data, loss="cross_entropy", optimizer=optimizer, batching=Batching("single"))
    return Trainer(exp)


def _same(a: object, b: object) -> None:
    if isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif a is None:
        assert b is None
    else:
        assert np.array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.parametrize("optimizer", [OptimizerSpec("sgd", 0.1), OptimizerSpec("sgd", 0.1, {"momentum": 0.9}),
                                       OptimizerSpec("adam", 0.01)])
def test_it_equals_the_walkthrough_of_a_single_sample_batch(optimizer):
    trainer = _trainer(optimizer)
    trainer.run(iterations=3)  # the optimizer has a state (velocities, moments) to copy
    data = trainer.experiment.data
    batch = 5  # single batches in file order: batch 5 is sample 5
    expected = trainer.walkthrough(batch)
    w = trainer.walkthrough_of(data.inputs[batch:batch + 1], data.targets[batch:batch + 1], "training sample 6")
    for name in NUMBERS:
        _same(getattr(w, name), getattr(expected, name))
    assert w.loss == expected.loss and w.loss_after == expected.loss_after
    assert [(s.phase, s.kind, s.target, s.value) for s in w.steps] == \
        [(s.phase, s.kind, s.target, s.value) for s in expected.steps]
    _same(w.optimizer_state_after and [list(d.values()) for d in w.optimizer_state_after],
          expected.optimizer_state_after and [list(d.values()) for d in expected.optimizer_state_after])
    assert expected.applies and expected.source == ""
    assert not w.applies and w.source == "training sample 6"


def test_it_changes_nothing_and_apply_refuses_it():
    trainer = _trainer(OptimizerSpec("sgd", 0.1, {"momentum": 0.9}))
    trainer.run(iterations=2)
    before = [p.copy() for p in trainer.network.parameters()]
    state = [{k: v.copy() for k, v in d.items()} for d in trainer.optimizer.state]
    data = trainer.experiment.data
    w = trainer.walkthrough_of(data.test_inputs[2:3], data.test_targets[2:3], "test sample 3")
    with pytest.raises(ValueError, match="showing only"):
        trainer.apply(w)
    assert trainer.iteration == 2
    assert all(np.array_equal(p, q) for p, q in zip(trainer.network.parameters(), before))
    assert all(np.array_equal(d[k], s[k]) for d, s in zip(trainer.optimizer.state, state) for k in s)


def test_its_texts_say_where_the_sample_comes_from():
    trainer = _trainer(OptimizerSpec("sgd", 0.1))
    data = trainer.experiment.data
    w = trainer.walkthrough_of(data.test_inputs[:1], data.test_targets[:1], "test sample 1")
    forward = next(s for s in w.steps if s.kind == "preactivation")
    assert forward.formula.endswith(" (test sample 1)")


def test_it_wants_one_sample():
    trainer = _trainer(OptimizerSpec("sgd", 0.1))
    data = trainer.experiment.data
    with pytest.raises(ValueError, match="one sample"):
        trainer.walkthrough_of(data.test_inputs[:2], data.test_targets[:2], "test samples")
