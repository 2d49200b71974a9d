"""The network view's state at the end of a summarised walkthrough holds every value of the update."""

import numpy as np
from test_engine_walkthrough_summary import _wide

from sandbox.gui.stepping.view_state import DisplayState


def test_the_state_after_the_last_step_holds_every_summarised_value():
    trainer = _wide()
    w = trainer.walkthrough()
    state = DisplayState.at(w, len(w.steps) - 1)
    s = w.sample
    np.testing.assert_array_equal(state.values[1], w.forward.outputs[1][s])
    np.testing.assert_array_equal(state.pre_grads[1], w.backprop.preactivation_grads[0][s])
    np.testing.assert_array_equal(state.weight_grads[1], w.weight_grads[0])
    np.testing.assert_array_equal(state.weights[1], w.weights_after[0])
    np.testing.assert_array_equal(state.biases[1], w.biases_after[0])
    np.testing.assert_array_equal(state.weight_old[1], w.weights_before[0])
    middle = DisplayState.at(w, w.phase_start("backward") - 1)  # forward done, nothing backward yet
    np.testing.assert_array_equal(middle.values[1], w.forward.outputs[1][s])
    assert np.isnan(middle.weight_grads[1]).all()


def test_the_list_of_steps_names_a_summary_by_how_many_it_stands_for(qtbot):
    from sandbox.gui.model.document import Document
    from sandbox.gui.stepping.explanation_panel import ExplanationPanel

    trainer = _wide()
    doc = Document(trainer.experiment)
    panel = ExplanationPanel(doc)
    qtbot.addWidget(panel)
    w = doc.trainer.walkthrough()
    at = next(i for i, s in enumerate(w.steps) if s.kind == "summary")
    html = panel._list_html(w.steps, at, at)
    assert f"{at + 1}.&nbsp;&nbsp;… 18 more in layer 1, the largest " in html
