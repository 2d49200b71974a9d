"""A 64-32-10 update stepped in the window: a layer at a time by default, each big layer's step written as the
formulas of one neuron (the one clicked in the network view, else the one of largest |∂E/∂z|) and a line for the
rest; every number the walkthrough's own."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QPointF, Qt  # noqa: E402

from sandbox.engine import Dataset, Experiment, Layer, Network, Trainer  # noqa: E402
from sandbox.files import load_experiment  # noqa: E402
from sandbox.gui.stepping.player import default_granularity, presses_per_update  # noqa: E402

pytestmark = pytest.mark.usefixtures("isolated_settings")


def _digits_path() -> str:
    from sandbox.gui.common.icons import resource_file

    return str(resource_file("networks", "digits.json"))


def _wide(sizes: tuple[int, ...]) -> Network:
    rng = np.random.default_rng(0)
    layers = [Layer(rng.normal(0, 0.3, (b, a)), activation="tanh" if i < len(sizes) - 2 else "softmax",
                    biases=np.zeros(b)) for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]))]
    return Network(sizes[0], layers)


def test_a_64_32_10_network_steps_a_layer_at_a_time_and_a_much_bigger_one_a_phase():
    net = load_experiment(_digits_path()).network
    assert net.sizes == [64, 32, 10] and default_granularity(net) == "layer"
    assert presses_per_update(net)["layer"] <= 10
    assert default_granularity(_wide((64, 32, 10))) == "layer"
    assert default_granularity(_wide((784, 128, 10))) == "phase"  # 101,770 parameters


def test_a_neuron_s_steps_are_those_the_uncapped_walkthrough_writes():
    trainer = Trainer(load_experiment(_digits_path()))
    w, full = trainer.walkthrough(), trainer.walkthrough(detail=None)
    for phase in ("forward", "backward", "update"):
        for layer, neuron in ((1, 0), (1, 17), (2, 9)):
            mine = w.neuron_steps(phase, layer, neuron)
            theirs = [s for s in full.steps if s.phase == phase and s.layer == layer and s.neuron == neuron]
            assert mine == theirs and mine  # values and texts
    assert len(w.neuron_steps("backward", 1, 17)) == 2 + 64 + 1  # ∂E/∂h, ∂E/∂net, its 64 weights, its bias
    assert len(w.neuron_steps("update", 2, 3)) == 32 + 1


def _value(step) -> str:
    """The number a step's formula ends with, as the text writes it (the sample note left off)."""
    return step.formula.split(" = ")[-1].split(" (sample")[0]


@pytest.fixture
def digits_window(qtbot):
    from sandbox.gui import MainWindow

    w = MainWindow(_digits_path())
    qtbot.addWidget(w)
    w.player.set_speed("instant")
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.document.undo_stack.setClean()
    w.close()


def _press_step(window, times: int = 1) -> None:
    for _ in range(times):
        window.actions_.step.trigger()


def test_a_layer_step_shows_the_neuron_of_largest_gradient_and_sums_up_the_rest(digits_window):
    window = digits_window
    assert window.player.granularity == "layer"
    _press_step(window)  # forward pass, layer 1: 64 steps at once
    doc = window.document
    w = doc.walkthrough
    assert doc.position == 63 and {s.layer for s in w.steps[:64]} == {1}
    # the default neuron: the largest |∂E/∂z| of the shown sample in layer 1 (the engine's own array)
    j = int(np.argmax(np.abs(w.backprop.preactivation_grads[0][w.sample])))
    text = window.explanation_panel.text()
    label = w.network.layers[0].labels[j]
    assert "the largest |∂E/∂z| in this layer" in text
    for step in w.neuron_steps("forward", 1, j):  # its weighted sum and its output, with their numbers
        assert _value(step) in text
    assert "The other 31 neurons of layer 1" in text
    others = [w.neuron_steps("forward", 1, k)[-1] for k in range(32) if k != j]
    largest = max(others, key=lambda s: abs(s.value))
    from sandbox.gui.common.formatting import short

    assert "the largest |output|: " in text and f"= {short(largest.value)}." in text
    assert label.startswith("h1_")


def test_a_neuron_clicked_in_the_network_view_is_the_one_followed(qtbot, digits_window):
    window = digits_window
    view = window.network_view
    _press_step(window, 4)  # forward 1, forward 2, loss, backward layer 2 (the output)
    _press_step(window)  # backward layer 1
    doc = window.document
    w = doc.walkthrough
    assert (w.steps[doc.position].phase, w.steps[doc.position].layer) == ("backward", 1)
    x, y = (float(v) for v in view.layout_.centres[1][6])  # h1_7 in the hidden column
    at = view.mapFromScene(QPointF(x, y))
    with qtbot.waitSignal(window.player.neuron_choice.changed, timeout=2000):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert window.player.neuron_choice.chosen == {1: 6}
    text = window.explanation_panel.text()
    assert "(chosen)" in text
    own = w.neuron_steps("backward", 1, 6)
    grad = next(s for s in own if s.kind == "preactivation_gradient")
    bias = next(s for s in own if s.kind == "bias_gradient")
    assert _value(grad) in text and bias.formula.split("; ")[0].split(" = ")[-1] in text
    assert "The other 31 neurons of layer 1" in text and "|∂E/∂z|" in text
    # the choice is view state: the update and the undo stack are untouched, and it holds for the next steps
    assert doc.undo_stack.count() == 0
    _press_step(window, 2)  # backward layer 0 (the inputs), update layer 1
    text = window.explanation_panel.text()
    update = w.neuron_steps("update", 1, 6)
    assert _value(update[-1]) in text  # b_h1_7's update: beyond the 32 updates the walkthrough writes out
    assert "The other 31 neurons of layer 1: their weights and biases updated by the same rule" in text


def test_the_chain_rule_s_neuron_is_followed_too_and_a_new_shape_forgets_the_choice(digits_window):
    window = digits_window
    choice = window.player.neuron_choice
    window.network_view.chainRuleRequested.emit(2, 3)
    assert choice.chosen == {2: 3}
    _press_step(window, 2)  # forward layer 2: ten outputs, 20 steps
    w = window.document.walkthrough
    text = window.explanation_panel.text()
    assert "(chosen)" in text and _value(w.neuron_steps("forward", 2, 3)[-1]) in text
    assert "The other 9 neurons of layer 2" in text
    rng = np.random.default_rng(1)
    small = Experiment(Network(3, [Layer(rng.normal(size=(4, 3))), Layer(rng.normal(size=(1, 4)))]),
                       Dataset(rng.normal(size=(5, 3)), rng.normal(size=(5, 1))))
    window.document.replace(small, None)
    assert choice.chosen == {}


def test_small_networks_keep_every_step_of_a_layer_written_out(qtbot):
    """The lecture's layer steps have at most six steps: written out as before, no neuron followed."""
    from sandbox.gui import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.player.set_speed("instant")
    window.player.set_granularity("layer")
    _press_step(window)
    text = window.explanation_panel.text()
    assert "click another neuron" not in text and "h1" in text and "h2" in text
    window.document.undo_stack.setClean()
    window.close()
