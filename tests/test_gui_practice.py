"""Practice mode in the real window (issue 12): Step asks for the next value; the student types it in
``practiceAnswer`` and reads ``practiceFeedback``; hints, the answer shown, Step Back, Finish Update, undo,
what is asked, the score; File ▸ New Exercise…."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox  # noqa: E402

from sandbox.practice.exercise import make_exercise  # noqa: E402
from sandbox.practice.questions import ASK_KINDS  # noqa: E402

LECTURE_STEPS = 21

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def dialogs(monkeypatch):
    """Message boxes never block: "unsaved changes?" answers Discard, and is recorded."""
    shown = {"warning": [], "critical": []}

    def warning(parent, title, text, *args, **kwargs):
        shown["warning"].append(text)
        return QMessageBox.StandardButton.Discard

    def critical(parent, title, text, *args, **kwargs):
        shown["critical"].append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(critical))
    return shown


@pytest.fixture
def window(qtbot, dialogs):
    from sandbox.gui import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.player.set_speed("instant")
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    return w


def action(window, name: str) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def step(window, times: int = 1) -> None:
    for _ in range(times):
        action(window, "stepAction").trigger()


def practise(window, ask: str = "all") -> None:
    action(window, "practiceAction").setChecked(True)
    combo = window.practice.bar.ask_combo
    combo.setCurrentIndex(ASK_KINDS.index(ask))
    combo.activated.emit(ASK_KINDS.index(ask))  # as a user's choice in the combo


def answer(window, qtbot, text: str) -> str:
    """Type ``text`` in the answer field, press Enter; the feedback's text."""
    field = window.findChild(QLineEdit, "practiceAnswer")
    assert field is not None and field.isEnabled()
    field.clear()
    if text.isascii():
        qtbot.keyClicks(field, text)
    else:  # (QTest types Latin-1 only: a true minus is inserted as a paste would)
        field.insert(text)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    return feedback(window)


def feedback(window) -> str:
    label = window.findChild(QLabel, "practiceFeedback")
    assert label is not None
    doc = label.text()
    from PySide6.QtGui import QTextDocument

    text = QTextDocument()
    text.setHtml(doc)
    return text.toPlainText()


def asked(window) -> int | None:
    q = window.practice.pending
    return None if q is None else q.step_index


# ---- the action and the bar ------------------------------------------------------------------------

def test_practice_action_is_checkable_in_the_update_menu_and_the_toolbar(window):
    practice = action(window, "practiceAction")
    assert practice.isCheckable() and not practice.isChecked()
    assert practice.shortcut().toString() == "Ctrl+P" and "Ctrl+P" in practice.toolTip()
    assert not practice.icon().isNull()
    update_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Update")
    assert practice in update_menu.actions()
    assert practice in window.main_toolbar.actions()
    bar = window.practice.bar
    assert not bar.isVisible()
    practice.setChecked(True)
    assert bar.isVisible() and window.findChild(QLineEdit, "practiceAnswer").isVisible()
    assert [bar.ask_combo.itemData(i) for i in range(bar.ask_combo.count())] == list(ASK_KINDS)
    assert not window.explanation_pane.matrix_toggle.isEnabled()  # the matrix slide would show every answer
    practice.setChecked(False)
    assert not bar.isVisible() and window.explanation_pane.matrix_toggle.isEnabled()


# ---- a whole practised update on the lecture's network --------------------------------------------

def test_a_whole_practised_update(window, qtbot):
    view, panel, doc = window.network_view, window.explanation_panel, window.document
    practise(window)
    step(window)  # asks h1: lit, its value "?", the formula in symbols in the panel
    assert asked(window) == 0 and doc.position == -1
    assert view.displayed_text("h1") == "?" and view.is_highlighted("h1")
    assert not view.is_highlighted("h2")
    text = panel.toPlainText()
    assert "your turn" in text and "h1 = i1·w1 + i2·w2" in text and "= ?" in text
    assert "0.85" not in text and "2·0.11" not in text  # neither the value nor the numbers yet
    # the status bar counts the step asked, as the panel does (the document is still before step 1)
    assert window.position_label.text() == f"Step <b>1</b> of {len(doc.walkthrough.steps)} (your turn)"

    assert answer(window, qtbot, "0,85") == "Right: h1 = 0.85"  # a comma decimal
    assert doc.position == 0 and asked(window) is None
    assert view.displayed_text("h1") == "0.85" and "2·0.11 + 3·0.21" in panel.toPlainText()
    assert window.position_label.text() == f"Step <b>1</b> of {len(doc.walkthrough.steps)}"

    step(window)  # asks h2
    assert asked(window) == 1 and view.displayed_text("h2") == "?"
    said = answer(window, qtbot, "0.5")  # wrong: the formula with the numbers put in
    assert said.startswith("Not quite.") and "2·0.12 + 3·0.08 = ?" in said
    assert "2·0.12 + 3·0.08" in panel.toPlainText() and "0.48" not in panel.toPlainText()
    assert doc.position == 0 and asked(window) == 1 and view.displayed_text("h2") == "?"
    said = answer(window, qtbot, "0.4")  # wrong again: the answer shown, the step shown
    assert said.startswith("Not quite.") and "2·0.12 + 3·0.08 = 0.48" in said
    assert doc.position == 1 and asked(window) is None and view.displayed_text("h2") == "0.48"

    action(window, "stepBackAction").trigger()  # as without practice: one step back
    assert doc.position == 0 and view.displayed_text("h2") == ""
    step(window)  # h2 was answered: it passes, y is asked
    assert doc.position == 1 and asked(window) == 2 and view.displayed_text("y") == "?"
    assert answer(window, qtbot, "0.191") == "Right: y = 0.191"
    step(window)
    assert view.displayed_text("E") == "?"
    assert answer(window, qtbot, "+0.3272405") == "Right: E = 0.3272405"  # a leading +
    step(window)  # Δ: its gradient "?" on the network
    assert asked(window) == 4 and view.displayed_gradient("y") == "?" and view.displayed_text("y") == "0.191"
    assert "∂E/∂y = Δ" in panel.toPlainText()
    assert answer(window, qtbot, "−0.809") == "Right: Δ = −0.809"
    assert view.displayed_gradient("y") == "−0.809"

    action(window, "finishUpdateAction").trigger()  # the rest shown and applied, counted as shown
    assert doc.applied and doc.position == LECTURE_STEPS - 1 and doc.trainer.iteration == 1
    w5 = doc.experiment.network.layers[1].weights[0, 0]
    assert w5 == pytest.approx(0.1743825)
    said = feedback(window)
    assert "Update 1 done: 4 of 21 right at the first try, 0 after a hint, 17 shown" in said
    session = window.practice.session
    assert (session.first, session.hinted, session.revealed) == (4, 0, 17)
    assert window.findChild(QLabel, "practiceScore").text() == "Session ✓ 4 · hints 0 · shown 17"

    step(window)  # the next update's first question
    assert doc.trainer.iteration == 1 and asked(window) == 0 and view.displayed_text("h1") == "?"


def test_a_hint_asked_for_then_right_counts_after_a_hint(window, qtbot):
    view, doc = window.network_view, window.document
    practise(window, "weight_gradient")
    step(window)  # the forward pass, the loss and Δ pass; ∂E/∂w5 is asked
    assert doc.position == 4 and asked(window) == 5
    assert view.displayed_gradient("w5") == "?" and view.displayed_gradient("y") == "−0.809"
    assert view.is_highlighted("w5") and not view.is_highlighted("w6")
    window.practice.bar.hint.click()
    assert "Δ · h1 = (−0.809)(0.85) = ?" in feedback(window)
    assert not window.practice.bar.hint.isEnabled()
    assert answer(window, qtbot, "-0.68765") == "Right: ∂E/∂w5 = −0.68765"
    assert window.practice.update_score().hinted == 1
    step(window)  # ∂E/∂w6
    window.practice.bar.reveal.click()  # Show answer
    assert "(−0.809)(0.48) = −0.38832" in feedback(window) and doc.position == 6
    score = window.practice.update_score()
    assert (score.first, score.hinted, score.revealed) == (0, 1, 1)


def test_step_while_a_question_waits_does_not_tell(window, qtbot):
    practise(window)
    step(window)
    step(window)
    assert asked(window) == 0 and window.document.position == -1
    assert feedback(window).startswith("First type the value of h1")
    assert answer(window, qtbot, "abc") == "“abc” is not a number: type e.g. −1.25, 0,5 or 1/4."
    examples = window.practice.bar.answer.placeholderText()  # no answer of the lecture's update is an example
    assert not any(q.shown in examples for q in window.practice._questions(window.document.walkthrough))
    assert asked(window) == 0 and window.practice.misses == 0  # not a miss


def test_asking_only_the_new_weights(window, qtbot):
    view, doc = window.network_view, window.document
    practise(window, "update")
    step(window)  # the forward and backward passes pass through; w1's new value is asked
    assert doc.position == 14 and asked(window) == 15
    assert view.displayed_text("w1") == "?" and view.displayed_old("w1") == "0.11"
    assert view.displayed_gradient("w1") == "−0.2265"  # its gradient, shown before
    for name, value in (("w1", "0.121326"), ("w2", "0.226989"), ("w3", "0.132135"), ("w4", "0.0982025"),
                        ("w5", "0.1743825"), ("w6", "0.169416")):
        assert window.practice.pending.symbol == f"new {name}"
        assert answer(window, qtbot, value) == f"Right: new {name} = {value}" + (
            "\nUpdate 1 done: 6 of 6 right at the first try, 0 after a hint, 0 shown. Press Step for the next "
            "update.\nThis session: 6 of 6 right at the first try, 0 after a hint, 0 shown." if name == "w6" else "")
        if name != "w6":
            step(window)
    assert doc.applied and doc.trainer.iteration == 1
    assert view.displayed_text("w6") == "0.1694"

    action(window, "undoAction").trigger()  # undo the update: back to the step before its last
    assert not doc.applied and doc.position == LECTURE_STEPS - 2 and asked(window) is None
    step(window)  # w6 was answered: Step shows it and applies the update again
    assert doc.applied and asked(window) is None
    assert window.practice.session.first == 6  # counted once


def test_undoing_an_update_takes_back_its_done_message(window, qtbot):
    doc = window.document
    practise(window, "update")
    step(window)
    action(window, "finishUpdateAction").trigger()
    assert doc.applied and feedback(window).startswith("The rest of the update is shown.\nUpdate 1 done:")
    action(window, "undoAction").trigger()
    assert not doc.applied and feedback(window) == ""  # not 'Update 1 done' on an update not applied
    step(window)  # the asked steps were shown: Step applies the update again, and says so
    assert doc.applied and feedback(window).startswith("Update 1 done:")
    action(window, "stepBackAction").trigger()
    assert not doc.applied and feedback(window) == ""


def test_the_step_asked_is_the_step_the_status_can_say(window, qtbot):
    """The document is at step 4 while step 5 is asked: ``status_text`` counts as the explanation does."""
    practise(window)
    assert window.practice.status_text() is None
    step(window)
    assert window.practice.status_text() == "Step <b>1</b> of 21 (your turn)"
    for value in ("0.85", "0.48", "0.191"):
        answer(window, qtbot, value)
        step(window)
    assert window.document.position == 2 and asked(window) == 3
    assert window.practice.status_text() == "Step <b>4</b> of 21 (your turn)"
    assert "step 4 of 21 · update 1" in window.explanation_panel.toPlainText()
    answer(window, qtbot, "0.3272405")
    assert window.practice.status_text() is None


def test_practice_off_steps_as_always(window):
    view = window.network_view
    practise(window)
    step(window)
    assert view.displayed_text("h1") == "?"
    action(window, "practiceAction").setChecked(False)
    assert view.displayed_text("h1") == "0.85" and window.practice.pending is None  # as before a step
    step(window)
    assert window.document.position == 0 and view.displayed_text("h1") == "0.85"
    assert "= 2·0.11 + 3·0.21\n    = 0.85" in window.explanation_panel.toPlainText()


def test_an_edit_withdraws_the_question(window):
    practise(window)
    step(window)
    window.document.edit_value(("weight", 1, 0, 0), 0.5)
    assert window.practice.pending is None and window.network_view.displayed_text("h1") == "1.63"


# ---- File ▸ New Exercise… -----------------------------------------------------------------------------

def test_new_exercise_opens_the_seeds_network_and_practises(window, dialogs, monkeypatch):
    from sandbox.gui.practice import exercise_dialog

    seen = []

    def choose(parent, last):
        seen.append(last)
        return exercise_dialog.ExerciseChoice(4172)

    monkeypatch.setattr(exercise_dialog, "ask_exercise", choose)
    window.document.edit_value(("weight", 1, 0, 0), 0.5)  # unsaved: asked about first
    action(window, "newExerciseAction").trigger()
    assert len(dialogs["warning"]) == 1 and "unsaved changes" in dialogs["warning"][0]
    assert window.windowTitle().startswith("Exercise 4172")
    expected = make_exercise(4172).experiment
    net = window.document.experiment.network
    for mine, theirs in zip(net.layers, expected.network.layers):
        assert np.array_equal(mine.weights, theirs.weights)
    assert np.array_equal(window.document.experiment.data.inputs, expected.data.inputs)
    assert window.document.path is None and not window.isWindowModified()
    assert not window.document.undo_stack.canUndo()
    assert action(window, "practiceAction").isChecked() and window.practice.bar.isVisible()
    assert "Exercise 4172" in window.explanation_panel.toPlainText()
    step(window)
    assert window.network_view.displayed_text(net.layers[0].labels[0]) == "?"
    action(window, "newExerciseAction").trigger()  # the dialog starts from the last choice
    assert seen[1] == exercise_dialog.ExerciseChoice(4172)


def test_new_exercise_cancelled_at_the_unsaved_changes_keeps_the_network(window, monkeypatch):
    from sandbox.gui.practice import exercise_dialog

    monkeypatch.setattr(exercise_dialog, "ask_exercise", lambda parent, last: exercise_dialog.ExerciseChoice(4172))
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda *args, **kwargs: QMessageBox.StandardButton.Cancel))
    window.document.edit_value(("weight", 1, 0, 0), 0.5)
    assert not window.new_exercise()
    assert window.document.experiment.network.layers[0].weights[0, 0] == 0.5 and window.document.is_modified
    assert not action(window, "practiceAction").isChecked() and not window.practice.bar.isVisible()
    assert window.document.undo_stack.canUndo()


def test_the_old_weight_is_not_a_new_weight(window, qtbot, monkeypatch):
    """Exercise 3 (logistic): w1 moves from −0.71 to −0.7095794, within a relative 1e-3; typing −0.71 is
    computing no update, and is not right."""
    from sandbox.gui.practice import exercise_dialog

    monkeypatch.setattr(exercise_dialog, "ask_exercise",
                        lambda parent, last: exercise_dialog.ExerciseChoice(3, "2-2-1", "sigmoid", "mse"))
    action(window, "newExerciseAction").trigger()
    practise(window, "update")
    step(window)
    assert window.practice.pending.symbol == "new w1"
    assert answer(window, qtbot, "-0.71").startswith("Not quite.")
    assert answer(window, qtbot, "-0.70958") == "Right: new w1 = −0.7095794"


def test_the_exercise_dialog_reads_its_choices(qtbot):
    from sandbox.gui.practice.exercise_dialog import ExerciseChoice, NewExerciseDialog

    dialog = NewExerciseDialog(None, ExerciseChoice(4172, "3-2-2", "tanh", "bce", True))
    qtbot.addWidget(dialog)
    assert dialog.choice() == ExerciseChoice(4172, "3-2-2", "tanh", "bce", True)
    dialog.findChild(type(dialog.shape), "exerciseShape").setCurrentText("2-9-1")
    dialog.accept()  # not a shape an exercise can have: the dialog stays and says why
    assert dialog.result() == 0 and "bad shape" in dialog.problem.text()
    dialog.shape.setCurrentText("2-3-1")
    dialog.findChild(type(dialog.activation), "exerciseActivation").setCurrentIndex(3)
    assert dialog.choice() == ExerciseChoice(4172, "2-3-1", "relu", "bce", True)
    make_exercise(**{k: v for k, v in vars(dialog.choice()).items()})  # what the window makes of it


# ---- closing -------------------------------------------------------------------------------------------

def test_closing_with_practice_on_leaves_no_thread(qtbot, dialogs):
    from sandbox.gui import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    action(w, "practiceAction").setChecked(True)
    step(w)
    assert w.practice.pending is not None
    assert w.close()


def test_typing_in_the_answer_field_triggers_no_shortcut(window, qtbot):
    """Space, → and F are Step and Finish Update elsewhere; in the answer field they are typing."""
    practise(window)
    step(window)
    field = window.findChild(QLineEdit, "practiceAnswer")
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    for key in (Qt.Key.Key_F, Qt.Key.Key_Space, Qt.Key.Key_Left, Qt.Key.Key_Right):
        qtbot.keyClick(field, key)
    assert field.text() == "f " and asked(window) == 0 and window.document.position == -1
    action(window, "stepBackAction").trigger()  # Step Back withdraws the question
    assert window.practice.pending is None and window.network_view.displayed_text("h1") == "0.85"


def test_help_how_to_use_says_practice_new_exercise_and_the_exercise_sheet(window):
    """A sentence each, and the menus and keys it names are the window's."""
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QMenu

    shown = window.help_menu.show_how_to()
    text = shown.label.text()
    shown.adjustSize()
    assert shown.label.height() >= shown.label.heightForWidth(shown.label.width())  # the last item not cut off
    for said in ("<b>Practice</b> (Update menu, Ctrl+P)", "File ▸ <b>New Exercise…</b> (Ctrl+Shift+N)",
                 "Export ▸ <b>Exercise Sheet…</b>", "<b>Hint</b>", "<b>Show answer</b>", "<i>Ask</i>",
                 "backprop-sandbox exercise --seed 4172"):
        assert said in text, said
    keys = {name: action(window, name).shortcut().toString(QKeySequence.SequenceFormat.PortableText)
            for name in ("practiceAction", "newExerciseAction")}
    assert keys == {"practiceAction": "Ctrl+P", "newExerciseAction": "Ctrl+Shift+N"}
    update_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Update")
    assert action(window, "practiceAction") in update_menu.actions()
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    assert action(window, "newExerciseAction") in file_menu.actions()
    export = window.findChild(QMenu, "exportMenu")
    assert action(window, "exportExerciseSheetAction") in export.actions()
    assert window.practice.bar.ask_combo.toolTip().startswith("Which quantities Step asks")  # the 'Ask' it names
