"""A walkthrough shown only (``Trainer.walkthrough_of``) reads as what one update on that sample alone would do,
not applied; a training batch's rendering is unchanged."""

import numpy as np

from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec, Trainer
from sandbox.explain import to_json, to_markdown, to_text


def _trainer() -> Trainer:
    rng = np.random.default_rng(8)
    net = Network(3, [Layer(rng.normal(size=(4, 3)), "tanh", biases=rng.normal(size=4)),
                      Layer(rng.normal(size=(3, 4)), "softmax", biases=rng.normal(size=3))])
    data = Dataset(rng.normal(size=(6, 3)), np.eye(3)[[0, 1, 2, 0, 1, 2]], rng.normal(size=(3, 3)), np.eye(3))
    exp = Experiment(network=net, data=data, name="toy", loss="cross_entropy", optimizer=OptimizerSpec("sgd", 0.1),
                     batching=Batching("minibatch", size=2))
    return Trainer(exp)


def test_the_text_says_where_the_sample_comes_from_and_that_it_is_not_applied():
    trainer = _trainer()
    trainer.run(iterations=4)
    data = trainer.experiment.data
    w = trainer.walkthrough_of(data.test_inputs[1], data.test_targets[1], "test sample 2")
    text = to_text(w)
    lines = text.splitlines()
    assert lines[0] == "toy: one gradient-descent update on test sample 2 (not applied)"
    assert lines[3].startswith("What one update on test sample 2 alone would do, from the weights after 4 updates")
    assert "not applied" in lines[3]
    assert "test samples are held out" in lines[4]
    assert "(test sample 2)" in text and "Batch " not in text
    assert lines[-1].strip().startswith("The loss would ")
    md = to_markdown(w)
    assert "test sample 2 (not applied)" in md.splitlines()[0] and "The loss would " in md
    data_json = to_json(w)
    assert data_json["applies"] is False and data_json["source"] == "test sample 2"
    assert data_json["batch_indices"] == []


def test_a_training_batch_has_no_such_keys_or_words():
    w = _trainer().walkthrough()
    assert "applies" not in to_json(w) and "source" not in to_json(w)
    text = to_text(w)
    assert "not applied" not in text and "would" not in text.splitlines()[-1]
