"""∂E/∂x on the input neurons: the walkthrough's input_gradient steps (and their summary) put the lecture's
∂E/∂i1 = −0.0270206 and ∂E/∂i2 = −0.0334926 on the inputs, written as every other neuron's gradient."""

from __future__ import annotations

import numpy as np
import pytest

from sandbox.engine import Step, Trainer, Walkthrough
from sandbox.gui.stepping.view_state import DisplayState

from conftest import lecture_experiment

LECTURE_INPUT_GRADIENTS = [-0.0270206, -0.0334926]


def make_step(**fields) -> Step:
    """A hand-made step (its formula text is not looked at here)."""
    try:
        return Step(**fields)
    except TypeError:  # a Step whose formula is a field of its own
        return Step(formula="", **fields)


def lecture_walkthrough() -> Walkthrough:
    """The lecture's first update, with its input_gradient steps at the end of the backward phase (made here
    from ``Walkthrough.input_gradients`` if the engine does not write them)."""
    w = Trainer(lecture_experiment()).walkthrough()
    if not any(s.kind == "input_gradient" for s in w.steps):
        end = w.phase_start("update")
        w.steps[end:end] = [
            make_step(phase="backward", kind="input_gradient", target=label, value=float(g), layer=0, neuron=k)
            for k, (label, g) in enumerate(zip(w.network.input_labels, w.input_gradients()))]
    return w


def test_the_input_neurons_hold_the_lecture_s_gradients_at_the_end_of_the_backward_pass():
    from sandbox.gui.network_view.texts import neuron_texts

    w = lecture_walkthrough()
    end = w.phase_start("update") - 1
    first = next(i for i, s in enumerate(w.steps) if s.kind == "input_gradient")
    assert first > max(i for i, s in enumerate(w.steps) if s.kind == "weight_gradient")  # after layer 1's
    before = DisplayState.at(w, first - 1)
    assert np.isnan(before.grads[0]).all()
    state = DisplayState.at(w, end)
    np.testing.assert_allclose(state.grads[0], LECTURE_INPUT_GRADIENTS, rtol=0, atol=5e-13)
    texts = [neuron_texts(state, 0, k) for k in range(2)]
    assert [t.grad for t in texts] == ["−0.02702", "−0.03349"]
    assert "∂E/∂i<sub>1</sub> = −0.0270206" in texts[0].tooltip
    assert "∂E/∂i<sub>2</sub> = −0.0334926" in texts[1].tooltip
    assert [t.value for t in texts] == ["2", "3"]  # the inputs keep their values
    # the update phase keeps them
    np.testing.assert_allclose(DisplayState.at(w, len(w.steps) - 1).grads[0], LECTURE_INPUT_GRADIENTS, atol=5e-13)


def test_a_summary_of_input_gradients_puts_them_all_on_the_inputs():
    w = lecture_walkthrough()
    w.steps = [s for s in w.steps if s.kind != "input_gradient"]
    end = w.phase_start("update")
    w.steps.insert(end, make_step(phase="backward", kind="summary", target="layer 0",
                                  value=float(np.abs(w.input_gradients()).max()), layer=0,
                                  covers="input_gradient", count=2))
    state = DisplayState.at(w, end)
    np.testing.assert_allclose(state.grads[0], LECTURE_INPUT_GRADIENTS, atol=5e-13)


def test_an_input_gradient_step_lights_its_input_and_sends_pulses_back_from_the_first_layer(qapp):
    from sandbox.gui.network_view.animation import highlights_for
    from sandbox.gui.network_view.layout import compute_layout

    w = lecture_walkthrough()
    step = next(s for s in w.steps if s.kind == "input_gradient" and s.neuron == 1)
    layout = compute_layout(w.network)
    h = highlights_for([step], layout, w.network.depth)
    assert h.neurons == {(0, 1)} and h.new_grads == {(0, 1)}
    assert set(h.edges) == {layout.edge_index(1, 0, 1), layout.edge_index(1, 1, 1)}  # i2 → h1 and i2 → h2
    assert all(kind == "backward" for kind in h.edges.values())
    assert all(p.backward for p in h.pulses) and len(h.pulses) == 2


@pytest.mark.usefixtures("isolated_settings")
def test_the_window_writes_the_gradient_under_the_input_neurons(qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from sandbox.gui import MainWindow
    from sandbox.gui.model import document as document_module

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    made = document_module.Document.ensure_walkthrough

    def ensure(self):  # the engine's walkthrough, with input_gradient steps if it has none yet
        w = made(self)
        if not any(s.kind == "input_gradient" for s in w.steps):
            end = w.phase_start("update")
            w.steps[end:end] = lecture_walkthrough().steps[end:end + 2]
        return w

    monkeypatch.setattr(document_module.Document, "ensure_walkthrough", ensure)
    window = MainWindow()
    qtbot.addWidget(window)
    window.player.set_speed("instant")
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    step = window.actions_.step
    doc, view = window.document, window.network_view
    while doc.position < 0 or doc.walkthrough.steps[doc.position].kind != "input_gradient" \
            or doc.walkthrough.steps[doc.position].neuron != 1:
        step.trigger()
    assert view.displayed_gradient("i1") == "−0.02702" and view.displayed_gradient("i2") == "−0.03349"
    assert view.is_highlighted("i2") and "−0.0334926" in view.tooltip_text("i2")
    assert "∂E/∂i2" in window.explanation_pane.steps.toPlainText()
