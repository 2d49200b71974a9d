"""The window's actions (menus and toolbar): icons, tooltips, standard shortcuts, object names."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from sandbox.gui.common.icons import icon


@dataclass
class Actions:
    open: QAction
    save: QAction
    save_as: QAction
    quit: QAction
    undo: QAction
    redo: QAction
    reset: QAction
    step: QAction
    step_back: QAction
    finish_update: QAction
    practice: QAction
    new_exercise: QAction
    train: QAction
    fit: QAction
    zoom_in: QAction
    zoom_out: QAction
    presentation: QAction


def _action(parent: QWidget, name: str, text: str, icon_name: str | None, tip: str,
            shortcuts: list | None = None) -> QAction:
    action = QAction(text, parent)
    action.setObjectName(name)
    if icon_name:
        action.setIcon(icon(icon_name))
    if shortcuts:
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        keys = ", ".join(QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts)
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
    else:
        action.setToolTip(tip)
    action.setStatusTip(tip)
    return action


def create_actions(window: QWidget) -> Actions:
    actions = Actions(
        open=_action(window, "openAction", "&Open…", "open", "Open a network file", [QKeySequence.StandardKey.Open]),
        save=_action(window, "saveAction", "&Save", "save", "Save the network", [QKeySequence.StandardKey.Save]),
        save_as=_action(window, "saveAsAction", "Save &As…", "save-as", "Save the network under a new name",
                        [QKeySequence.StandardKey.SaveAs]),
        quit=_action(window, "quitAction", "&Quit", "quit", "Quit Backprop Sandbox", [QKeySequence.StandardKey.Quit]),
        undo=_action(window, "undoAction", "&Undo", "undo", "Undo the last change", [QKeySequence.StandardKey.Undo]),
        redo=_action(window, "redoAction", "&Redo", "redo", "Redo the change undone last",
                     [QKeySequence.StandardKey.Redo]),
        reset=_action(window, "resetAction", "&Reset Weights", "reset",
                      "Put back the weights the network started with (undoable)", ["Ctrl+R"]),
        step=_action(window, "stepAction", "&Step", "step", "Show the next step of the update",
                     ["Space", "Right"]),
        step_back=_action(window, "stepBackAction", "Step &Back", "step-back", "Go back one step", ["Left"]),
        finish_update=_action(window, "finishUpdateAction", "&Finish Update", "finish",
                              "Show the rest of this update at once and apply it", ["Ctrl+Return", "F"]),
        practice=_action(window, "practiceAction", "&Practice", "practice",
                         "Practice: Step asks you for the next value instead of showing it", ["Ctrl+P"]),
        new_exercise=_action(window, "newExerciseAction", "New &Exercise…", "exercise",
                             "A random small network to practise on, made from a seed a class can share",
                             ["Ctrl+Shift+N"]),
        train=_action(window, "trainAction", "&Train", "train", "Train continuously / pause", ["Ctrl+T"]),
        fit=_action(window, "fitAction", "&Fit to Window", "fit", "Show the whole network", ["Ctrl+0"]),
        zoom_in=_action(window, "zoomInAction", "Zoom &In", "zoom-in", "Zoom in",
                        [QKeySequence.StandardKey.ZoomIn]),
        zoom_out=_action(window, "zoomOutAction", "Zoom &Out", "zoom-out", "Zoom out",
                         [QKeySequence.StandardKey.ZoomOut]),
        presentation=_action(window, "presentationAction", "&Presentation Mode", None,
                             "Everything bigger for a projector, only the network, the explanation and the loss "
                             "plot shown; Esc or the same key again puts the window back as it was",
                             ["F5", "Ctrl+Shift+P"]),
    )
    # the toolbar keeps short, fixed captions while the menu says what would be undone
    actions.undo.setIconText("Undo")
    actions.redo.setIconText("Redo")
    actions.reset.setIconText("Reset")
    actions.practice.setCheckable(True)
    actions.presentation.setCheckable(True)
    return actions
