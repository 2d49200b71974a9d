"""``explain`` of a network whose inputs are an image's pixels draws the shown sample as that image."""

import numpy as np

from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec, Trainer
from sandbox.explain import to_json, to_markdown, to_text


def _image_trainer(image: tuple[int, int] | None) -> Trainer:
    rng = np.random.default_rng(2)
    net = Network(6, [Layer(rng.normal(size=(3, 6)), "softmax", biases=np.zeros(3))])
    x = np.array([[0.0, 0.25, 0.5, 0.75, 1.0, 0.0], [1.0, 1.0, 1.0, 0.0, 0.0, 0.0]])
    exp = Experiment(network=net, data=Dataset(x, np.eye(3)[[0, 1]]), name="pixels", loss="cross_entropy",
                     optimizer=OptimizerSpec("sgd", 0.1), batching=Batching("full"), input_image=image)
    return Trainer(exp)


def test_the_shown_sample_is_drawn_row_by_row():
    w = _image_trainer((2, 3)).walkthrough(sample=0)
    text = to_text(w)
    assert "The inputs are the pixels of the 2×3 image below, row by row (x1 at the top left, x6 at the bottom " \
           "right): blank is 0, █ is 1." in text
    assert "\n  ┌──────┐\n  │  ░░▒▒│\n  │▓▓██  │\n  └──────┘\n" in text
    md = to_markdown(w)
    assert "\n```\n┌──────┐\n│  ░░▒▒│\n│▓▓██  │\n└──────┘\n```\n" in md
    assert "\n  │██████│\n  │      │\n" in to_text(_image_trainer((2, 3)).walkthrough(sample=1))


def test_no_picture_without_an_image_and_the_json_is_the_same():
    with_image, without = _image_trainer((2, 3)).walkthrough(), _image_trainer(None).walkthrough()
    assert "┌" not in to_text(without) and "image" not in to_markdown(without)
    assert to_json(with_image) == to_json(without)


def test_a_picture_too_wide_to_print_is_named_not_drawn():
    rng = np.random.default_rng(3)
    n = 41
    net = Network(n, [Layer(rng.normal(size=(2, n)), "softmax", biases=np.zeros(2))])
    exp = Experiment(network=net, data=Dataset(rng.uniform(size=(2, n)), np.eye(2)), name="wide",
                     loss="cross_entropy", optimizer=OptimizerSpec("sgd", 0.1), batching=Batching("full"),
                     input_image=(1, n))
    text = to_text(Trainer(exp).walkthrough())
    assert "The inputs are the pixels of a 1×41 image, row by row (too big to draw here)." in text
    assert "┌" not in text
