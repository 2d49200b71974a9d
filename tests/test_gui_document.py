"""The document model: undoable edits, the walkthrough position, applying and taking back an update."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("PySide6")

from sandbox.gui.model.document import Document  # noqa: E402


@pytest.fixture
def document(qapp, lecture):
    return Document(lecture)


def test_edit_weight_is_undoable_and_marks_modified(document):
    assert document.forward().prediction[0, 0] == pytest.approx(0.191)
    seen = []
    document.modifiedChanged.connect(seen.append)
    document.edit_value(("weight", 2, 0, 0), 0.5)  # w5
    assert document.experiment.network.layers[1].weights[0, 0] == 0.5
    assert document.forward().prediction[0, 0] == pytest.approx(0.85 * 0.5 + 0.48 * 0.15)
    assert document.is_modified and seen == [True]
    document.undo_stack.undo()
    assert document.forward().prediction[0, 0] == pytest.approx(0.191)
    assert not document.is_modified and seen == [True, False]


def test_consecutive_edits_of_one_weight_merge(document):
    document.edit_value(("weight", 1, 0, 0), 0.2)
    document.edit_value(("weight", 1, 0, 0), 0.3)
    assert document.undo_stack.count() == 1
    document.undo_stack.undo()
    assert document.value_at(("weight", 1, 0, 0)) == 0.11


def test_reaching_the_last_step_applies_and_going_back_takes_it_back(document):
    w = document.ensure_walkthrough()
    last = len(w.steps) - 1
    document.set_position(last)
    assert document.applied
    assert document.value_at(("weight", 2, 0, 0)) == pytest.approx(0.1743825)
    assert document.trainer.iteration == 1 and document.trainer.history.count == 1
    assert document.is_modified
    document.set_position(last - 1)
    assert not document.applied and document.walkthrough is w
    assert document.value_at(("weight", 2, 0, 0)) == 0.14
    assert document.trainer.iteration == 0 and document.trainer.history.count == 0
    assert not document.is_modified


def test_editing_discards_the_walkthrough(document):
    document.set_position(2)
    document.edit_value(("input", 0, 0), 1.0)
    assert document.walkthrough is None and document.position == -1


def test_undo_of_an_applied_update_and_reset(document):
    w = document.ensure_walkthrough()
    document.set_position(len(w.steps) - 1)
    document.next_walkthrough()
    document.reset_weights()
    assert document.value_at(("weight", 2, 0, 0)) == 0.14 and document.trainer.iteration == 0
    document.undo_stack.undo()
    assert document.value_at(("weight", 2, 0, 0)) == pytest.approx(0.1743825)
    assert document.trainer.iteration == 1 and document.trainer.history.count == 1
    document.undo_stack.undo()
    assert document.value_at(("weight", 2, 0, 0)) == 0.14 and document.trainer.iteration == 0


def test_numbers_on_screen_and_typed_back():
    from sandbox.gui.common.formatting import full, parse_number, short

    assert short(0.1743825) == "0.1744" and short(-0.809) == "−0.809" and short(None) == ""
    assert short(3.4567e-5) == "3.457·10⁻⁵" and short(-1.23456e12) == "−1.235·10¹²"
    assert full(0.1743825) == "0.1743825" and full(1e-300) == "1·10⁻³⁰⁰"
    for value in (3.4567e-5, -1.23456e12, 0.1743825, -0.809, 1e-300, 2.0, 1 / 3):
        assert parse_number(full(value)) == pytest.approx(value, rel=1e-14)
    assert parse_number("1.5×10^-5") == 1.5e-5 and parse_number("2·10⁵") == 2e5
    assert parse_number("−3·10⁻²") == -0.03 and parse_number("0,25") == 0.25 and parse_number("1e-3") == 0.001
    with pytest.raises(ValueError):
        parse_number("1e999")
    with pytest.raises(ValueError):
        parse_number("two")


def test_an_update_that_diverges_is_refused_and_stepping_goes_on(qapp, lecture):
    """η = 1e100 on the lecture's network: the first update gives weights of about 1e99, the second a loss
    of inf. Finishing the second is refused with a message (it raised DivergenceError out of the slot
    and left the position at the last step, so that every later Step raised IndexError)."""
    lecture.optimizer.learning_rate = 1e100
    document = Document(lecture)
    problems = []
    document.problem.connect(lambda title, text: problems.append((title, text)))
    first = document.ensure_walkthrough()
    document.set_position(len(first.steps) - 1)
    assert document.applied and document.trainer.iteration == 1
    assert document.value_at(("weight", 2, 0, 0)) == pytest.approx(0.14 + 1e100 * 0.68765)
    weights = [layer.weights.copy() for layer in document.experiment.network.layers]
    document.next_walkthrough()
    second = document.walkthrough
    assert not np.isfinite(second.loss)
    document.set_position(len(second.steps) - 1)  # Finish Update
    assert not document.applied and document.position == len(second.steps) - 2
    assert document.trainer.iteration == 1 and document.undo_stack.count() == 1
    for layer, before in zip(document.experiment.network.layers, weights):  # nothing was changed
        np.testing.assert_array_equal(layer.weights, before)
    assert len(problems) == 1 and problems[0][0] == "Update not applied"
    assert "Update 2 cannot be applied: the loss is inf" in problems[0][1] and "1e+100" in problems[0][1]
    document.set_position(document.position - 1)  # Step Back, and forward again: asked again
    document.set_position(len(second.steps) - 1)
    assert len(problems) == 2 and not document.applied
    document.undo_stack.undo()  # the first update taken back: its walkthrough is shown again
    assert document.trainer.iteration == 0 and document.walkthrough is first
    assert document.position == len(first.steps) - 2 and not document.applied
    assert document.value_at(("weight", 2, 0, 0)) == 0.14


def test_undo_and_redo_of_an_update_show_its_walkthrough_again(document):
    w = document.ensure_walkthrough()
    last = len(w.steps) - 1
    document.set_position(last)
    assert document.applied and document.value_at(("weight", 2, 0, 0)) == pytest.approx(0.1743825)
    document.undo_stack.undo()
    assert (document.walkthrough, document.position, document.applied) == (w, last - 1, False)
    assert document.value_at(("weight", 2, 0, 0)) == 0.14
    document.undo_stack.redo()
    assert (document.walkthrough, document.position, document.applied) == (w, last, True)
    assert document.value_at(("weight", 2, 0, 0)) == pytest.approx(0.1743825)


def test_every_change_tells_mirrors_what_changed(document):
    """The document says what it changed: the same typed edit a training worker applies to its copy."""
    from sandbox.engine import OptimizerSpec
    from sandbox.engine.edits import ChangeSettings, ReplaceState, SetValue
    from sandbox.gui.model.settings_commands import SettingCommand

    seen = []
    document.edited.connect(seen.append)
    document.edit_value(("weight", 1, 0, 1), 0.5)
    assert seen == [SetValue(("weight", 1, 0, 1), 0.5)]
    document.undo_stack.push(SettingCommand(document, "Optimizer", {"optimizer": OptimizerSpec("adam", 0.01)}))
    assert isinstance(seen[-1], ChangeSettings) and seen[-1].rebuild_optimizer
    assert seen[-1].changes["optimizer"] == OptimizerSpec("adam", 0.01)
    document.undo_stack.undo()
    assert seen[-1] == ChangeSettings({"optimizer": OptimizerSpec("sgd", 0.05)}, True)
    document.reset_weights()
    assert seen[-1] == ReplaceState()
