"""A wide network's walkthrough writes out at most ``DETAILED_STEPS`` steps of each kind per layer and one summary
step for the rest, whose value is the largest of them; the network view replays a summary from the arrays."""

import numpy as np

from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec, Trainer
from sandbox.engine.walkthrough import DETAILED_STEPS


def _wide(hidden: int = 50, fan_in: int = 3, batch: int = 40) -> Trainer:
    rng = np.random.default_rng(5)
    net = Network(fan_in, [Layer(rng.normal(size=(hidden, fan_in)), "tanh", biases=rng.normal(size=hidden)),
                           Layer(rng.normal(size=(2, hidden)), "identity")])
    data = Dataset(rng.normal(size=(batch, fan_in)), rng.normal(size=(batch, 2)))
    exp = Experiment(network=net, data=data, optimizer=OptimizerSpec("sgd", 0.1), batching=Batching("full"))
    return Trainer(exp)


def test_each_layer_writes_at_most_the_detailed_steps_and_summarises_the_rest():
    w = Trainer.walkthrough(_wide())
    summaries = [s for s in w.steps if s.kind == "summary"]
    by = {(s.layer, s.covers): s for s in summaries}
    # layer 1 (50 tanh neurons, fan-in 3, biases): neurons, ∂E/∂a, ∂E/∂z, 150 weights, 50 biases, 200 updates
    assert by[1, "neuron"].count == 50 - DETAILED_STEPS
    assert by[1, "output_gradient"].count == 50 - DETAILED_STEPS
    assert by[1, "preactivation_gradient"].count == 50 - DETAILED_STEPS
    assert by[1, "weight_gradient"].count == 150 - DETAILED_STEPS
    assert by[1, "bias_gradient"].count == 50 - DETAILED_STEPS
    assert by[1, "update"].count == 200 - DETAILED_STEPS
    # layer 2 (2 neurons, 100 weights, no summary of its 2 neurons)
    assert by[2, "weight_gradient"].count == 100 - DETAILED_STEPS and (2, "neuron") not in by
    assert len([s for s in w.steps if s.kind == "weight_gradient" and s.layer == 1]) == DETAILED_STEPS
    rest = w.weight_grads[0].ravel()[DETAILED_STEPS:]
    assert by[1, "weight_gradient"].value == rest[np.argmax(np.abs(rest))]
    changes = np.hstack([w.weights_after[0] - w.weights_before[0],
                         (w.biases_after[0] - w.biases_before[0])[:, None]]).ravel()[DETAILED_STEPS:]
    assert by[1, "update"].value == changes[np.argmax(np.abs(changes))]
    assert by[1, "neuron"].to_dict()["covers"] == "neuron" and by[1, "neuron"].to_dict()["count"] == 18


def test_a_small_network_has_no_summary():
    w = Trainer.walkthrough(_wide(hidden=4))
    assert not [s for s in w.steps if s.kind == "summary"]
    assert len([s for s in w.steps if s.kind == "weight_gradient"]) == 4 * 3 + 2 * 4


def test_a_batch_of_many_samples_writes_only_the_terms_it_shows():
    w = Trainer.walkthrough(_wide(hidden=2, batch=5000))
    step = next(s for s in w.steps if s.kind == "weight_gradient")
    assert step.formula.count("+") < 20 and "… +" in step.formula
