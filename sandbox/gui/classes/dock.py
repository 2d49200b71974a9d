"""The Classes dock (``classesDock``) in the main window: shown by itself for a classifier of more than two classes,
in the View menu for every classifier (two classes too), hidden and disabled for a network that is not one.

A gallery tile clicked becomes the sample the walkthrough steps through: training pauses (stepping and training
would fight over the weights), the document shows that sample's update (``Document.show_sample``: shown, never
applied) and its first step is shown as Step shows it (asked, in practice mode).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget

from sandbox.gui.classes.panel import ClassesPanel
from sandbox.gui.classes.results import SetResults, class_count
from sandbox.gui.common.docks import add_dock

if TYPE_CHECKING:
    from sandbox.gui.window.main_window import MainWindow

#: the dock shows itself for classifiers of more classes than this
SHOWN_FROM = 3
#: its width when it shows itself (pixels)
WIDTH = 360


class ClassesDock(QObject):
    """The dock, its panel and its place in the View menu; see the module docstring."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.panel = ClassesPanel(window.document)
        self.dock: QDockWidget = add_dock(window, "Classes", "classesDock", self.panel,
                                          Qt.DockWidgetArea.LeftDockWidgetArea)
        self.dock.hide()  # (until a network with many classes shows it, or the user)
        settings = window.findChild(QDockWidget, "settingsDock")
        if settings is not None and not settings.isFloating():
            window.tabifyDockWidget(settings, self.dock)
        self.action = self.dock.toggleViewAction()
        self.action.setObjectName("classesAction")
        self.action.setText("&Classes")
        self.action.setToolTip("The confusion matrix, each class's accuracy and a gallery of samples, the "
                               "misclassified first")
        self.action.triggered.connect(self._on_chosen)
        view_menu = getattr(window, "view_menu", None)
        if view_menu is not None:
            view_menu.addAction(self.action)
        #: the user showed or hid the dock (View menu): it no longer follows the network
        self.chosen = False
        self._sized = False
        self.panel.sampleChosen.connect(self.show_sample)
        window.document.structureChanged.connect(self.follow_network)
        self.follow_network()

    def _on_chosen(self, _checked: bool = False) -> None:
        self.chosen = True

    def follow_network(self) -> None:
        """Shown (in front of its tabs) for more than two classes, hidden for no classifier, as it was for two;
        until the user shows or hides it. Disabled in the View menu when the network is not a classifier."""
        classes = class_count(self.window.document.experiment)
        self.action.setEnabled(classes > 0)
        presenting = getattr(getattr(self.window, "presentation", None), "on", False)
        if presenting:
            return
        if classes == 0:
            self.dock.hide()
        elif classes >= SHOWN_FROM and not self.chosen and self.dock.isHidden():
            self.dock.show()
        if classes >= SHOWN_FROM and not self.dock.isHidden():
            self.dock.raise_()
        # the left column runs down to the status bar while it holds the matrix and the gallery (as the right
        # column does for the explanation); the history plots take the whole width again for other networks
        self.window.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea
                              if classes >= SHOWN_FROM else Qt.DockWidgetArea.BottomDockWidgetArea)
        if classes >= SHOWN_FROM and not self._sized:
            self._sized = True
            QTimer.singleShot(0, self._widen)  # (once the window is shown and its docks arranged)

    def _widen(self) -> None:
        """Room for three columns of tiles beside the matrix, the first time the dock shows itself; and in front
        of Settings: a dock tabified while hidden and shown before the window was does not come to the front when
        raised (Settings stayed in front), so it is tabified again now that the window is shown."""
        window, dock = self.window, self.dock
        if not dock.isHidden() and window.isVisible() and not dock.isFloating():
            settings = window.findChild(QDockWidget, "settingsDock")
            if settings is not None and not settings.isHidden() and not settings.isFloating() and \
                    window.dockWidgetArea(settings) == window.dockWidgetArea(dock):
                window.tabifyDockWidget(settings, dock)
            dock.raise_()
        if self.window.isVisible() and not self.dock.isHidden() and not self.dock.isFloating() and \
                self.dock.width() < WIDTH:
            self.window.resizeDocks([self.dock], [WIDTH], Qt.Orientation.Horizontal)

    def show_sample(self, results: SetResults, row: int) -> None:
        """Step through the update sample ``row`` of ``results``' set would make: training pauses, the document
        shows its walkthrough (shown only), and its first step is shown as Step shows it."""
        window = self.window
        training = getattr(window, "training", None)
        if training is not None:
            training.pause_and_record()
        document = window.document
        document.show_sample(results.inputs[row], results.targets[row], results.source(row))
        self.panel.shown(results, row)
        window.practice.step()
        window.show_explanation()
