"""``explain`` and the Markdown export count for people from 1 (updates, batches, epochs, samples), the JSON
from 0; ``explain --batch K`` says that its update starts from the file's weights; the backward pass's
∂E/∂x steps (layer 0) get a heading of their own."""

from __future__ import annotations

import json
import math
from dataclasses import replace

from sandbox import cli
from sandbox.engine import Trainer
from sandbox.explain import to_json, to_markdown, to_text
from sandbox.explain.render import _layer_heading, _step_groups
from sandbox.export.markdown import walkthrough_markdown
from sandbox.files import load_experiment
from sandbox.resources import resource_path

LECTURE = resource_path("networks", "lecture17-linear.json")
XOR = resource_path("networks", "xor.json")


def test_the_lecture_s_update_is_update_1_on_batch_1_sample_1():
    w = Trainer(load_experiment(LECTURE)).walkthrough()
    for text in (to_text(w), to_markdown(w), walkthrough_markdown(w)):
        assert "Update 1: batch 1 of epoch 1." in text
        assert "Batch 1 is sample 1 of the training data." in text
    d = to_json(w)
    assert (d["batch"], d["sample"], d["batch_indices"], d["epoch"], d["iteration"]) == (0, 0, [0], 0, 0)


def test_a_batch_lists_its_samples_from_1_and_says_which_one_is_shown():
    w = Trainer(load_experiment(XOR)).walkthrough(0, 1)
    n, first = len(w.batch_indices), [i + 1 for i in w.batch_indices[:8]]
    text = to_text(w)
    assert (f"Batch 1 has {n} samples of the training data ({', '.join(map(str, first))}, …); forward values are "
            f"shown for sample 2 of the batch (sample {w.batch_indices[1] + 1} of the training data)") in text


def test_an_update_later_in_training_is_counted_from_1():
    trainer = Trainer(load_experiment(XOR))
    per_epoch = trainer.batches_per_epoch
    for _ in range(per_epoch + 2):  # the whole first epoch, then two updates of the second
        trainer.step()
    w = trainer.walkthrough()
    assert (w.epoch, w.batch, w.iteration) == (1, 2, per_epoch + 2)
    assert f"Update {per_epoch + 3}: batch 3 of epoch 2." in to_text(w)


def test_explain_batch_k_says_it_starts_from_the_file_s_weights(capsys):
    assert cli.main(["explain", str(XOR), "--batch", "2", "--sample", "1"]) == 0
    text = capsys.readouterr().out
    assert ("The update on batch 3 of epoch 1 (--batch 2), computed from the file's weights: batches 1 and 2 are "
            "not trained first, so it is not the update that training makes on this batch.") in text
    assert "iteration 0" not in text and "epoch 0" not in text
    assert cli.main(["explain", str(XOR), "--batch", "1", "--format", "markdown"]) == 0
    assert "(--batch 1), computed from the file's weights: batch 1 is not trained first" in capsys.readouterr().out
    assert cli.main(["explain", str(XOR), "--batch", "2", "--sample", "1", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert (d["batch"], d["sample"], d["epoch"], d["iteration"]) == (2, 1, 0, 0)  # the JSON counts from 0


def test_explain_of_the_first_batch_is_training_s_first_update(capsys):
    assert cli.main(["explain", str(LECTURE)]) == 0
    assert "Update 1: batch 1 of epoch 1.\n" in capsys.readouterr().out


def test_input_gradient_steps_have_a_heading_of_their_own():
    """Steps of kind input_gradient (layer 0) and their summary: 'Gradient with respect to the inputs'."""
    w = Trainer(load_experiment(LECTURE)).walkthrough()
    grads = w.input_gradients()
    w.steps = [s for s in w.steps if s.kind != "input_gradient" and s.covers != "input_gradient"]
    like = next(s for s in w.steps if s.phase == "backward")  # its formula stands in (the heading is tested)
    w.steps += [replace(like, kind="input_gradient", target=label, value=float(g), layer=0, neuron=k)
                for k, (label, g) in enumerate(zip(w.network.input_labels, grads))]
    w.steps.append(replace(like, kind="summary", target="layer 0", value=float(grads[0]), layer=0, neuron=None,
                           covers="input_gradient", count=3))
    headings = [h for h, _ in _step_groups(w, "backward", str)]
    assert headings[-1] == "Gradient with respect to the inputs (i1, i2)"
    assert headings.count(headings[-1]) == 1
    assert _layer_heading(w, 0, str) == headings[-1]
    text, md = to_text(w), to_markdown(w)
    assert f"\nGradient with respect to the inputs (i1, i2)\n  {like.formula}\n" in text
    assert "**Gradient with respect to the inputs (i1, i2)**" in md
    assert math.isclose(grads[0], -0.0270206, abs_tol=1e-12)


def test_the_header_lists_at_most_8_inputs():
    import numpy as np

    from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec

    rng = np.random.default_rng(0)
    net = Network(40, [Layer(rng.normal(size=(1, 40)), "identity")])
    x = np.arange(1.0, 41.0)[None, :]
    exp = Experiment(net, Dataset(x, np.zeros((1, 1))), loss="mse", optimizer=OptimizerSpec("sgd", 0.01),
                     batching=Batching("full"))
    text = to_text(Trainer(exp).walkthrough())
    assert "Inputs: x1 = 1, x2 = 2, x3 = 3, x4 = 4, x5 = 5, x6 = 6, x7 = 7, x8 = 8, …; target: y* = 0." in text
