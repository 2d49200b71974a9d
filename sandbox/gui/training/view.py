"""Live training in the main window: binds ``trainAction``, the plots, the status bar, the settings
panel and the decision-boundary view to a ``TrainingSession``.

``MainWindow._setup_training`` creates one ``LiveTraining(window)``; ``_shutdown_training`` calls
its ``shutdown``. Nothing here runs a training iteration: the worker does, in its thread.
"""

from __future__ import annotations

import math
import sys

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox

from sandbox.gui.common.docks import add_dock
from sandbox.gui.common.formatting import short
from sandbox.gui.model.document import FASTEST_PROGRESS_HZ, PROGRESS_HZ
from sandbox.gui.settings import SettingsPanel
from sandbox.gui.training.decision_boundary import DecisionBoundaryView, view_title
from sandbox.gui.training.live_plots import GradientCurves, LossCurves, layer_names
from sandbox.gui.training.session import TrainingSession
from sandbox.gui.training.speed_control import SpeedControl
from sandbox.gui.training.worker import TrainingReport

#: while training, the loss and gradient curves and the decision-boundary maps are drawn on their own
#: clock, this many times a second at most (and only when a report brought something new), whatever
#: the report rate (≤ 20 a second): a report only appends to their buffers. The status-bar figures
#: follow the document's counters (``document.PROGRESS_HZ``). Painting holds Python's GIL, so
#: every millisecond the window spends drawing is a millisecond the worker does not train.
PLOT_HZ = 10.0
#: and this many at Fastest, where the user chose training speed over smooth plots: on digits.json (64-32-10,
#: ~9,500 iterations a second) the window's thread then uses 10-13 % of a core instead of 21 %, and the window
#: trains at 84-85 % of the headless rate instead of 71-76 % (with ``document.FASTEST_PROGRESS_HZ``;
#: benchmarks/window_digits.py)
FASTEST_PLOT_HZ = 5.0
#: the views the clock draws in turn, one group a tick (the clock ticks ``PLOT_HZ`` times a second for
#: each group): no single event of the window draws and paints them all (about 5 ms of CPU together,
#: which on a busy machine held the event loop for 25 to 50 ms)
PLOT_GROUPS = (("loss", "output map"), ("gradients", "hidden maps"))
#: Python's thread switch interval while training (default 5 ms): every event the window handles
#: waits at most this long for the worker to hand over the GIL
GUI_SWITCH_INTERVAL = 0.001

#: how many windows are training now, and the switch interval from before the first of them started
_training_windows = 0
_normal_switch_interval: float | None = None


def _fast_switching(on: bool) -> None:
    """One window more (``on``) or less trains: the short switch interval holds while any does, and the
    interval from before is put back when the last one stops."""
    global _training_windows, _normal_switch_interval
    if on:
        if _training_windows == 0:
            _normal_switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(GUI_SWITCH_INTERVAL)
        _training_windows += 1
    elif _training_windows > 0:
        _training_windows -= 1
        if _training_windows == 0 and _normal_switch_interval is not None:
            sys.setswitchinterval(_normal_switch_interval)


def _number(value: float | None) -> str:
    return "—" if value is None or not math.isfinite(value) else short(value)


def _rate(value: float) -> str:
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    if value >= 1000:
        return f"{value / 1000:.1f}k"
    return f"{value:.0f}"


class LiveTraining(QObject):
    """Everything live training adds to the main window (see the module docstring)."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        doc = window.document
        self.document = doc
        self.session = TrainingSession(doc, self)
        self.train_action = window.actions_.train
        self.train_action.setCheckable(True)
        self.train_action.toggled.connect(self._on_train_toggled)
        self.session.runningChanged.connect(self._on_running_changed)
        doc.reportTaken.connect(self._on_report)
        doc.progressed.connect(self._on_progressed)
        self.session.messageRaised.connect(self.show_message)
        # plots: live curves on the window's plot widgets
        self.loss_curves = LossCurves(window.loss_plot)
        self.gradient_curves = GradientCurves(window.gradient_plot)
        doc.historyChanged.connect(self._on_history_changed)
        doc.structureChanged.connect(self._on_structure_changed)
        doc.valuesChanged.connect(self._on_values_changed)
        # status bar: training and test loss, speed
        bar = window.statusBar()
        self.train_loss_label = QLabel()
        self.test_loss_label = QLabel()
        self.speed_label = QLabel()
        for name, label in (("trainLossLabel", self.train_loss_label), ("testLossLabel", self.test_loss_label),
                            ("speedLabel", self.speed_label)):
            label.setObjectName(name)
            label.setContentsMargins(10, 0, 10, 0)
            bar.addPermanentWidget(label)
        # decision boundary, below the explanation
        self.boundary = DecisionBoundaryView()
        self.boundary_dock = add_dock(window, view_title(doc.experiment), "decisionBoundaryDock", self.boundary,
                                   Qt.DockWidgetArea.RightDockWidgetArea)
        for signal in (doc.structureChanged, doc.settingsChanged):  # a loss or an activation: another title
            signal.connect(lambda: self.boundary_dock.setWindowTitle(view_title(self.document.experiment)))
        # regularization on or off: the loss plot offers the objective E = L + λR(θ) beside the data loss
        doc.settingsChanged.connect(self._follow_regularization)
        explanation = getattr(window, "explanation_dock", None)
        if explanation is not None:
            window.splitDockWidget(explanation, self.boundary_dock, Qt.Orientation.Vertical)
        # settings panel, on the left
        self.settings_panel = SettingsPanel(doc, self.session)
        self.settings_dock = add_dock(window, "Settings", "settingsDock", self.settings_panel,
                                   Qt.DockWidgetArea.LeftDockWidgetArea)
        # how fast: a combo beside the counters, a submenu after Train in the Update menu; remembered
        self.speed = SpeedControl(window, self.session.controller, self.train_action)
        self.settings_panel.counters.add_speed_control(self.speed.combo)
        view_menu = getattr(window, "view_menu", None)
        if view_menu is not None:
            view_menu.addSeparator()
            for d in (self.settings_dock, self.boundary_dock):
                view_menu.addAction(d.toggleViewAction())
        self._message_box: QMessageBox | None = None
        #: the newest output grid and hidden maps a report brought, not drawn yet
        self._pending_grid = None
        self._pending_hidden = None
        #: the plots' clock: runs while reports bring something new, stops at the first tick without
        self.plot_clock = QTimer(self)
        self.plot_clock.setObjectName("plotClock")
        self.plot_clock.timeout.connect(self._on_plot_clock)
        self._follow_speed(self.speed.speed)
        self.speed.speedChanged.connect(self._follow_speed)
        self._next_group = 0
        #: reports handled (each acknowledged to the worker at once) and frames drawn on the clock
        self.refreshes = 0
        self.redraws = 0
        self._fast_switching = False
        self._rebuild()
        self._update_labels(None)

    # ---- the action ---------------------------------------------------------------------------
    @Slot(bool)
    def _on_train_toggled(self, checked: bool) -> None:
        self.session.set_running(checked)

    @Slot(bool)
    def _on_running_changed(self, running: bool) -> None:
        blocked = self.train_action.blockSignals(True)
        self.train_action.setChecked(running)
        self.train_action.blockSignals(blocked)
        self.train_action.setText("&Pause" if running else "&Train")
        # while the worker trains, let the GUI thread have Python's GIL back quickly when it needs it
        self._set_fast_switching(running)
        a = self.window.actions_
        # stepping through one update by hand and training at once would fight over the weights
        for action in (a.step, a.step_back, a.finish_update):
            action.setEnabled(not running)
        if not running:
            update = getattr(self.window, "_update_actions", None)
            if update is not None:
                update()

    # ---- reports and document changes --------------------------------------------------------
    @Slot(object)
    def _on_report(self, report: TrainingReport) -> None:
        """A report only goes into the plots' buffers (cheap: the worker waits for its acknowledgement);
        the clock draws them. The report of a pause, or of a single step, is drawn at once."""
        self.loss_curves.add_report(report)
        self.gradient_curves.add_report(report)
        live = report.running
        grid = report.grid
        if grid is not None:
            self._pending_grid = grid
            if grid.hidden:  # (only some reports carry them: the worker's choice)
                self._pending_hidden = grid
        if not live:
            self.draw_pending()
        elif not self.plot_clock.isActive():
            self.plot_clock.start()
        if not live or report.evaluation is not None:  # (the worker evaluates the sets in some reports only)
            self._update_labels(report)
        self.refreshes += 1

    @Slot()
    def _on_progressed(self) -> None:
        """Training moved the document on: the status-bar figures follow, read at the same moment as
        every other counter on screen."""
        self._update_labels(self.document.latest_report)

    @Slot(object)
    def _follow_speed(self, rate: float | None) -> None:
        """The plots' frame rate and the document's progress rate: ``PLOT_HZ`` and ``PROGRESS_HZ`` at a set pace,
        ``FASTEST_PLOT_HZ`` and ``FASTEST_PROGRESS_HZ`` at full speed (None)."""
        hz = FASTEST_PLOT_HZ if rate is None else PLOT_HZ
        self.document.progress_hz = FASTEST_PROGRESS_HZ if rate is None else PROGRESS_HZ
        self.plot_clock.setInterval(round(1000.0 / (hz * len(PLOT_GROUPS))))

    @Slot()
    def _on_plot_clock(self) -> None:
        group = PLOT_GROUPS[self._next_group]
        self._next_group = (self._next_group + 1) % len(PLOT_GROUPS)
        self.draw_pending(group)
        if not self.has_pending():
            self.plot_clock.stop()  # nothing new came: the next report starts the clock again

    def has_pending(self) -> bool:
        """Whether reports brought something the plots or the maps do not show yet."""
        return (self.loss_curves.dirty or self.gradient_curves.dirty or self._pending_grid is not None
                or self._pending_hidden is not None)

    def draw_pending(self, views: tuple[str, ...] | None = None) -> bool:
        """Draw what reports brought since the last frame, in ``views`` (names as in ``PLOT_GROUPS``; None:
        all of them); False if there was nothing new."""
        drew = False
        for name, curves in (("loss", self.loss_curves), ("gradients", self.gradient_curves)):
            if curves.dirty and (views is None or name in views):
                curves.redraw()
                drew = True
        if self._pending_grid is not None and (views is None or "output map" in views):
            grid, self._pending_grid = self._pending_grid, None
            self.boundary.show_grid(grid)
            drew = True
        if self._pending_hidden is not None and (views is None or "hidden maps" in views):
            hidden, self._pending_hidden = self._pending_hidden, None
            self.boundary.show_hidden(hidden)
            drew = True
        if drew:
            self.redraws += 1
        return drew

    def _forget_pending(self) -> None:
        """The views show the document now (an edit, an undo, another network): a grid from a report
        of before is not drawn over it."""
        self._pending_grid = self._pending_hidden = None

    @Slot()
    def _on_history_changed(self) -> None:
        trainer = self.document.trainer
        self.loss_curves.load_history(trainer)
        self.gradient_curves.load_history(trainer)

    @Slot()
    def _on_structure_changed(self) -> None:
        self._rebuild()

    @Slot()
    def _on_values_changed(self) -> None:
        self._forget_pending()
        self.boundary.refresh_from_engine()
        self._update_labels(self.document.latest_report)

    def _follow_regularization(self) -> None:
        self.loss_curves.set_regularized(self.document.experiment.regularization.active)

    def _rebuild(self) -> None:
        doc = self.document
        self._forget_pending()
        self.loss_curves.set_regularized(doc.experiment.regularization.active)
        self.loss_curves.clear()
        self.gradient_curves.set_layers(layer_names(doc.experiment.network))
        self.gradient_curves.clear()
        self.loss_curves.load_history(doc.trainer)
        self.gradient_curves.load_history(doc.trainer)
        self.boundary.set_experiment(doc.experiment)

    def _update_labels(self, report: TrainingReport | None) -> None:
        if report is not None and report.evaluation is not None:
            _, train, test = report.evaluation
            self.train_loss_label.setText(f"Train loss <b>{_number(train)}</b>")
            self.test_loss_label.setText(f"Test loss <b>{_number(test)}</b>")
        elif report is None:
            self.train_loss_label.setText("Train loss <b>—</b>")
            self.test_loss_label.setText("Test loss <b>—</b>")
        if report is not None and report.running:
            self.speed_label.setText(f"<b>{_rate(report.iterations_per_second)}</b> it/s · "
                                     f"{_rate(report.epochs_per_second)} epochs/s")
        else:
            self.speed_label.setText("Paused" if report is not None else "")

    # ---- messages -----------------------------------------------------------------------------
    @Slot(str, str)
    def show_message(self, title: str, text: str) -> None:
        """Tell the user (a non-modal box that never blocks; its first sentence in the status bar)."""
        self.window.statusBar().showMessage(text.split(". ")[0], 10000)
        box = self._message_box
        if box is None:
            box = QMessageBox(self.window)
            box.setIcon(QMessageBox.Icon.Warning)
            box.setStandardButtons(QMessageBox.StandardButton.Ok)
            box.setWindowModality(Qt.WindowModality.NonModal)
            self._message_box = box
        box.setWindowTitle(title)
        box.setText(text)
        box.show()  # never blocks: training and the window go on

    def _set_fast_switching(self, on: bool) -> None:
        if on != self._fast_switching:
            self._fast_switching = on
            _fast_switching(on)

    def pause_and_record(self) -> None:
        """Before another file replaces the document or the window closes: training pauses and the run
        so far goes on the undo stack (the window then asks about unsaved changes if there are any)."""
        self.session.pause_and_record()

    def shutdown(self, timeout_ms: int = 1000) -> bool:
        ended = self.session.shutdown(timeout_ms)
        self._set_fast_switching(False)  # (the session said it stopped; this holds whatever it said)
        return ended
