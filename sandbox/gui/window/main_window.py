"""The main window: the network view in the centre, the explanation on the right, the history plots
below; menus, toolbar, status bar; opening, saving, recent files, drag and drop, settings."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
from PySide6.QtCore import QByteArray, QSettings, QSize, Qt
from PySide6.QtGui import QActionGroup, QCloseEvent, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from sandbox.engine import Experiment
from sandbox.engine.metrics import format_accuracy
from sandbox.explain.escape import for_terminal
from sandbox.files import NetworkFileError, load_experiment, save_experiment
from sandbox.gui.classes import shown_only
from sandbox.gui.common.docks import add_dock, sweep_tab_bars_on_changes
from sandbox.gui.common.formatting import short
from sandbox.gui.common.icons import icon, resource_file
from sandbox.gui.images.weight_images import install_weight_images
from sandbox.gui.model import evaluation
from sandbox.gui.model.document import Document
from sandbox.gui.model.run_record import saved_history_of
from sandbox.gui.network_view import NetworkView
from sandbox.gui.practice import exercise_dialog
from sandbox.gui.practice.controller import PracticeController
from sandbox.gui.stepping.explanation_panel import ExplanationPane
from sandbox.gui.stepping.player import GRANULARITIES, GRANULARITY_TITLES, SPEEDS, WalkthroughPlayer
from sandbox.gui.training.plots import GradientPlot, LossPlot
from sandbox.gui.window.actions import create_actions
from sandbox.gui.window.slot_errors import collected_slot_errors

APP_TITLE = "Backprop Sandbox"
#: how long closing the window waits for the training thread (a longer iteration ends by itself after)
SHUTDOWN_MS = 250
DEFAULT_SIZE = (1400, 900)
FRAME_MARGIN = (16, 48)  # px the window frame and title bar take beyond the window's own size
COMPACT_WIDTH = 1450  # narrower windows: settings and explanation share the right column (tabs)
COMPACT_HEIGHT = 850  # shorter windows: the decision boundary sits beside the history plots
LECTURE_FILE = "lecture17-linear.json"
MAX_RECENT = 8
FILE_FILTER = "Network files (*.json);;All files (*)"


def template_titles() -> list[tuple[Path, str, str]]:
    """Each shipped network with its title and description (read from the file's "name" and
    "description"; the file name when it has none)."""
    out = []
    for path in templates():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        name = data.get("name") if isinstance(data, dict) else None
        description = data.get("description") if isinstance(data, dict) else None
        out.append((path, str(name) if name else path.stem, str(description) if description else ""))
    return out


def _error_text(error: BaseException) -> str:
    """An unexpected failure in one line for the user (its type and message, cut to 300 characters)."""
    if isinstance(error, MemoryError):
        return "there was not enough memory."
    if isinstance(error, RecursionError):
        return "it is nested too deeply to be read."
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return text if len(text) <= 300 else text[:299] + "…"


def _loss_text(value: float) -> str:
    return short(value) if math.isfinite(value) else str(value)


def templates() -> list[Path]:
    """The networks shipped with the app (``resources/networks/*.json``)."""
    folder = resource_file("networks")
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


class MainWindow(QMainWindow):
    """The app's window. ``open_file``/``save_file`` do what the menu does, without dialogs."""

    def __init__(self, path: str | Path | None = None):
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowIcon(icon("app"))
        experiment, real_path, error = self._initial(path)
        self._last_exercise: exercise_dialog.ExerciseChoice | None = None
        self.document = Document(experiment, real_path, self)
        self.network_view = NetworkView(self.document)
        self.player = WalkthroughPlayer(self.document, self.network_view, self)
        self.explanation_pane = ExplanationPane(self.document)
        self.explanation_panel = self.explanation_pane.panel
        self.explanation_panel.group_start = self.player.group_start
        self.explanation_panel.follow(self.player.neuron_choice)  # issue 14: a big layer's step, one neuron
        self.explanation_panel.stepClicked.connect(self.player.jump_to)
        # practice mode (issue 12): Step asks for the next value; its answer bar sits under the formula
        self.practice = PracticeController(self.document, self.player, self.network_view, self.explanation_pane,
                                           self)
        self.loss_plot = LossPlot()
        self.gradient_plot = GradientPlot()
        self.actions_ = create_actions(self)
        # the practice bar (hidden unless practising) above the network, under the toolbar
        centre = QWidget()
        centre.setObjectName("centre")
        column = QVBoxLayout(centre)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.practice.bar)
        column.addWidget(self.network_view, 1)
        self.setCentralWidget(centre)
        self._build_docks()
        self._build_menus()
        self._build_toolbars()
        self._build_status_bar()
        self._connect()
        self.setAcceptDrops(True)
        self.resize(self.default_size())
        self._setup_training()
        from sandbox.gui.classes.dock import ClassesDock  # issue 14: confusion matrix, gallery of samples

        self.classes = ClassesDock(self)
        self._setup_lecture_views()
        self._setup_help()
        self._setup_window_fit()
        self.weight_images = install_weight_images(self)  # issue 14: "What each neuron looks for"
        #: no remembered layout: the docks are arranged for the window's size when first shown
        self._needs_arrangement = not self._restore_settings()
        self._follow_map_use()  # a layout remembered from another network does not decide this one's map
        self.classes.follow_network()  # (nor whether its Classes dock is shown)
        self.weight_images.follow()  # nor whether the weight images are shown
        sweep_tab_bars_on_changes(self)
        self._on_path_changed()
        self._on_history_changed()
        self._update_actions()
        if error is not None:
            self._show_file_error("Could not open the file", error, path)

    # ---- start-up --------------------------------------------------------------------------------
    def _initial(self, path: str | Path | None) -> tuple[Experiment, Path | None, Exception | None]:
        error = None
        if path is not None:
            try:
                return load_experiment(path), Path(path), None
            except Exception as e:  # noqa: BLE001 - told once the window is built; the lecture opens
                error = e
        lecture = resource_file("networks", LECTURE_FILE)
        return load_experiment(lecture), lecture, error

    def _build_docks(self) -> None:
        right = add_dock(self, "Explanation", "explanationDock", self.explanation_pane,
                         Qt.DockWidgetArea.RightDockWidgetArea, closable=False)
        plots = QWidget()
        row = QHBoxLayout(plots)
        row.setContentsMargins(6, 0, 6, 6)
        row.addWidget(self.loss_plot)
        row.addWidget(self.gradient_plot)
        bottom = add_dock(self, "History", "historyDock", plots, Qt.DockWidgetArea.BottomDockWidgetArea,
                          closable=False)
        # the right column (the explanation) runs down to the status bar; the plots sit under the network only
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.resizeDocks([right], [460], Qt.Orientation.Horizontal)
        self.resizeDocks([bottom], [230], Qt.Orientation.Vertical)
        self.explanation_dock, self.history_dock = right, bottom

    def default_size(self) -> QSize:
        """1400 × 900, or less when the screen's available area is smaller (room left for the frame)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return QSize(*DEFAULT_SIZE)
        area = screen.availableGeometry()
        return QSize(max(640, min(DEFAULT_SIZE[0], area.width() - FRAME_MARGIN[0])),
                     max(480, min(DEFAULT_SIZE[1], area.height() - FRAME_MARGIN[1])))

    def _arrange_docks(self) -> None:
        """Default proportions (before any remembered layout): the explanation keeps most of the right
        column, whatever other docks (training, lecture views) were added beside it. In a narrow
        window the settings share the right column with the explanation (tabs), so that the network
        keeps room for readable labels; in a short one the decision boundary sits beside the history
        plots, so that the explanation has the whole right column."""
        settings = self.findChild(QDockWidget, "settingsDock")
        boundary = self.findChild(QDockWidget, "decisionBoundaryDock")
        narrow, short = self.width() < COMPACT_WIDTH, self.height() < COMPACT_HEIGHT
        if short and boundary is not None and not boundary.isFloating():
            self.splitDockWidget(self.history_dock, boundary, Qt.Orientation.Horizontal)
        if narrow and settings is not None and not settings.isFloating():
            self.tabifyDockWidget(self.explanation_dock, settings)
            self.explanation_dock.raise_()
        right = [d for d in self.findChildren(QDockWidget)
                 if self.dockWidgetArea(d) == Qt.DockWidgetArea.RightDockWidgetArea and not d.isFloating()
                 and not self.tabifiedDockWidgets(d)]
        if len(right) > 1:
            self.resizeDocks(right, [620 if d is self.explanation_dock else 280 for d in right],
                             Qt.Orientation.Vertical)
        # about 30 % of the width: 430 px on a laptop, 576 px at 1920 (bigger formulas have room)
        self.resizeDocks([self.explanation_dock], [max(430, min(600, round(self.width() * 0.3)))],
                         Qt.Orientation.Horizontal)
        if short and boundary is not None and self.dockWidgetArea(boundary) == Qt.DockWidgetArea.BottomDockWidgetArea:
            self.resizeDocks([boundary], [max(320, self.width() // 3)], Qt.Orientation.Horizontal)

    def showEvent(self, event) -> None:  # noqa: N802
        if getattr(self, "_needs_arrangement", False):
            self._needs_arrangement = False
            self._arrange_docks()
            self._follow_map_use()
            self.weight_images.follow()
        super().showEvent(event)

    def _build_menus(self) -> None:
        a = self.actions_
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.new_menu = file_menu.addMenu(icon("new"), "&New from Template")
        self.new_menu.setObjectName("newMenu")
        for template, title, description in template_titles():
            action = self.new_menu.addAction(title)
            action.setToolTip(description or template.name)
            action.setStatusTip(description.split(". ")[0] if description else template.name)
            action.setData(str(template))
            action.triggered.connect(lambda _=False, p=template: self.new_from_template(p))
        self.new_menu.setToolTipsVisible(True)
        file_menu.addAction(a.new_exercise)
        file_menu.addAction(a.open)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(a.save)
        file_menu.addAction(a.save_as)
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        edit = bar.addMenu("&Edit")
        edit.addAction(a.undo)
        edit.addAction(a.redo)
        edit.addSeparator()
        edit.addAction(a.reset)
        update = bar.addMenu("&Update")
        for action in (a.step_back, a.step, a.finish_update):
            update.addAction(action)
        update.addSeparator()
        update.addAction(a.practice)
        update.addSeparator()
        granularity = update.addMenu("Step &Size")
        self._granularity_group = QActionGroup(self)
        for g in GRANULARITIES:
            act = granularity.addAction(GRANULARITY_TITLES[g])
            act.setCheckable(True)
            act.setData(g)
            self._granularity_group.addAction(act)
        self._granularity_group.triggered.connect(lambda act: self.player.set_granularity(act.data()))
        speed = update.addMenu("Animation S&peed")
        self._speed_group = QActionGroup(self)
        for s in SPEEDS:
            act = speed.addAction(s.capitalize())
            act.setCheckable(True)
            act.setData(s)
            self._speed_group.addAction(act)
        self._speed_group.triggered.connect(lambda act: self.player.set_speed(act.data()))
        update.addSeparator()
        update.addAction(a.train)
        view = bar.addMenu("&View")
        view.addAction(a.fit)
        view.addAction(a.zoom_in)
        view.addAction(a.zoom_out)
        view.addAction(self.network_view.neuron_maps_action)  # issue 13: each hidden neuron's map in its node
        view.addAction(self.network_view.input_neurons_action)  # issue 14: an image's pixels as neurons
        view.addSeparator()
        view.addAction(a.presentation)
        view.addSeparator()
        view.addAction(self.explanation_dock.toggleViewAction())
        view.addAction(self.history_dock.toggleViewAction())
        self.view_menu = view

    def _build_toolbars(self) -> None:
        a = self.actions_
        bar = QToolBar("Main", self)
        bar.setObjectName("mainToolBar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.setMovable(False)
        for action in (a.open, a.save):
            bar.addAction(action)
        bar.addSeparator()
        bar.addAction(a.undo)
        bar.addAction(a.redo)
        bar.addSeparator()
        for action in (a.step_back, a.step, a.finish_update, a.practice):
            bar.addAction(action)
        bar.addWidget(self._caption("  Step:"))
        self.granularity_combo = QComboBox()
        self.granularity_combo.setObjectName("granularityCombo")
        self.granularity_combo.setToolTip("How much one Step shows: one formula (a weight, or a neuron's sum), "
                                          "one neuron, one layer or one phase")
        for g in GRANULARITIES:
            self.granularity_combo.addItem(GRANULARITY_TITLES[g], g)
        self.granularity_combo.activated.connect(
            lambda i: self.player.set_granularity(self.granularity_combo.itemData(i)))
        bar.addWidget(self.granularity_combo)
        bar.addWidget(self._caption("  Animation:"))
        self.speed_combo = QComboBox()
        self.speed_combo.setObjectName("speedCombo")
        self.speed_combo.setToolTip("How fast the pulses travel; Instant shows each step at once")
        for s in SPEEDS:
            self.speed_combo.addItem(s.capitalize(), s)
        self.speed_combo.activated.connect(lambda i: self.player.set_speed(self.speed_combo.itemData(i)))
        bar.addWidget(self.speed_combo)
        bar.addSeparator()
        bar.addAction(a.train)
        bar.addAction(a.reset)
        bar.addSeparator()
        bar.addAction(a.fit)
        self.addToolBar(bar)
        self.main_toolbar = bar

    @staticmethod
    def _caption(text: str) -> QLabel:
        label = QLabel(text)
        colours = label.palette()  # (a palette, not a style sheet: the label's font follows the window's)
        colours.setColor(QPalette.ColorRole.WindowText, QColor("#475569"))
        label.setPalette(colours)
        return label

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.iteration_label = QLabel()
        self.epoch_label = QLabel()
        self.loss_label = QLabel()
        self.position_label = QLabel()
        self.loss_label.setToolTip("The batch loss of the update shown: before the update until it is applied, "
                                   "then with the new weights")
        for label in (self.position_label, self.iteration_label, self.epoch_label, self.loss_label):
            label.setContentsMargins(10, 0, 10, 0)
            bar.addPermanentWidget(label)
        # issue 13: classification accuracy, from the engine (placed after the set losses: _setup_training)
        self.accuracy_label = QLabel()
        self.accuracy_label.setObjectName("accuracyLabel")
        self.accuracy_label.setContentsMargins(10, 0, 10, 0)
        self.accuracy_label.setToolTip("The share of samples classified right on the whole training and test sets")
        self.accuracy_label.hide()

    def _connect(self) -> None:
        a, doc = self.actions_, self.document
        a.open.triggered.connect(self.open_dialog)
        a.save.triggered.connect(self.save)
        a.save_as.triggered.connect(self.save_as)
        a.quit.triggered.connect(self.close)
        a.undo.triggered.connect(doc.undo_stack.undo)
        a.redo.triggered.connect(doc.undo_stack.redo)
        a.reset.triggered.connect(doc.reset_weights)
        a.step.triggered.connect(self.practice.step)
        a.step_back.triggered.connect(self.practice.step_back)
        a.finish_update.triggered.connect(self.practice.finish_update)
        a.practice.toggled.connect(self.practice.set_enabled)
        self.practice.questionChanged.connect(self._update_actions)
        a.new_exercise.triggered.connect(self.new_exercise)
        a.train.setCheckable(True)
        a.fit.triggered.connect(self.network_view.fit_to_window)
        a.zoom_in.triggered.connect(lambda: self.network_view.zoom(1.25))
        a.zoom_out.triggered.connect(lambda: self.network_view.zoom(0.8))
        doc.undo_stack.canUndoChanged.connect(self._update_actions)
        doc.undo_stack.canRedoChanged.connect(self._update_actions)
        doc.undo_stack.indexChanged.connect(self._update_actions)
        doc.modifiedChanged.connect(self.setWindowModified)
        doc.pathChanged.connect(self._on_path_changed)
        doc.structureChanged.connect(self._on_path_changed)
        doc.historyChanged.connect(self._on_history_changed)
        doc.walkthroughChanged.connect(self._update_actions)
        doc.valuesChanged.connect(self._update_status)
        doc.progressed.connect(self._update_status)
        doc.problem.connect(self._show_problem)
        self.player.granularityChanged.connect(self._sync_player_controls)
        self.player.speedChanged.connect(self._sync_player_controls)
        self._sync_player_controls()

    # ---- training hook (issue 5) ------------------------------------------------------------------
    def _setup_training(self) -> None:
        """Live training: the training view binds ``trainAction``, the history plots (whatever changed
        them: stepping, training, undo), the status bar, the settings and decision-boundary docks."""
        from sandbox.gui.training.view import LiveTraining  # issue 5: worker thread, live plots, settings panel

        self.training = LiveTraining(self)
        self.training.boundary.hiddenMapsShown.connect(self.network_view.set_neuron_maps)  # issue 13: maps in nodes
        self.training.boundary.refresh_from_engine()  # the first maps reach the network view too
        self._set_losses_shown: tuple | None = None
        # connected after the training view's own slots, which blank the set losses on every change
        doc = self.document
        for signal in (doc.valuesChanged, doc.historyChanged, doc.structureChanged):
            signal.connect(self._update_set_losses)
        session = getattr(self.training, "session", None)
        if session is not None:
            session.runningChanged.connect(self._update_set_losses)
        self.statusBar().addPermanentWidget(self.accuracy_label)  # after the set losses
        doc.reportTaken.connect(self._show_report_accuracy)
        self._update_set_losses()

    def _show_accuracy(self, train: float | None, test: float | None) -> None:
        self.accuracy_label.setText(format_accuracy(train, test))
        self.accuracy_label.setVisible(train is not None)

    def _show_report_accuracy(self, report) -> None:
        """While training runs: the accuracy of a report's whole-set evaluation (the engine's)."""
        if report.evaluation is None:
            return
        acc = getattr(report, "evaluation_accuracy", None)
        self._show_accuracy(*((None, None) if acc is None else (acc[0], None if np.isnan(acc[1]) else acc[1])))

    def _shutdown_training(self) -> None:
        """Called when the window closes: stop and wait for a training thread, if any."""
        training = getattr(self, "training", None)
        if training is not None:
            training.shutdown(SHUTDOWN_MS)

    # ---- lecture views and exports (issue 6) --------------------------------------------------------
    def _setup_lecture_views(self) -> None:
        """The Lecture and Export menus (``sandbox.gui.lecture.lecture_menu``): guided tour, activation
        functions, loss landscape, GD vs SGD vs mini-batch; the update as Markdown, the network as
        PNG/SVG/ONNX/PyTorch, plots as PNG. Open views stop their threads when this window closes."""
        from sandbox.gui.lecture.lecture_menu import LectureViews

        self.lecture_views = LectureViews(self)
        # right-click a neuron (or a weight into it): its chain rule (issue 11)
        self.network_view.chainRuleRequested.connect(self.lecture_views.show_chain_rule)

    # ---- a window that fits a classroom (issue 13) ----------------------------------------------------
    def _setup_window_fit(self) -> None:
        """Presentation mode (``presentationAction``); Step, Step Back and Finish Update bring the explanation
        to the front of its tabs; the input-plane map only where it shows something (below)."""
        from sandbox.gui.window.presentation import Presentation

        self.presentation = Presentation(self)
        a = self.actions_
        for act in (a.step, a.step_back, a.finish_update):
            act.triggered.connect(self.show_explanation)
        #: the user showed or hid the input-plane map (View menu): it no longer follows the network
        self._map_chosen = False
        boundary = self.findChild(QDockWidget, "decisionBoundaryDock")
        if boundary is not None:
            boundary.toggleViewAction().triggered.connect(self._on_map_chosen)
            self.document.structureChanged.connect(self._follow_map_use)
            self.document.edited.connect(self._follow_map_use)
        self._follow_map_use()

    def show_explanation(self) -> None:
        """The explanation in front of whatever shares its dock area as tabs (Settings at a small size)."""
        if self.tabifiedDockWidgets(self.explanation_dock):
            self.explanation_dock.raise_()

    def map_is_useful(self) -> bool:
        """Whether the input-plane map shows something to learn from: 2 inputs and more than one sample."""
        experiment = self.document.experiment
        return experiment.network.sizes[0] == 2 and experiment.data.n_train > 1

    def _on_map_chosen(self, _checked: bool = False) -> None:
        self._map_chosen = True

    def _follow_map_use(self, *_args) -> None:
        """The input-plane map shown for networks it helps (2 inputs, many samples), hidden for the rest (the
        lecture's 1-sample network), until the user shows or hides it from the View menu."""
        boundary = self.findChild(QDockWidget, "decisionBoundaryDock")
        if boundary is None or self._map_chosen or self.presentation.on:
            return
        useful = self.map_is_useful()
        if boundary.isHidden() == useful:
            boundary.setVisible(useful)

    def _setup_help(self) -> None:
        """The Help menu (``sandbox.gui.window.help_menu``): how to use, shortcuts, docs, About."""
        from sandbox.gui.window.help_menu import HelpMenu

        self.help_menu = HelpMenu(self)

    # ---- state shown in the chrome ----------------------------------------------------------------
    def _on_path_changed(self, *_args) -> None:
        # control characters shown as escapes; "[*]" is Qt's marker of unsaved changes, so a name's own is not
        name = for_terminal(self.document.display_name).replace("[*]", "[*\u200b]")
        self.setWindowTitle(f"{name}[*] — {APP_TITLE}")
        self.setWindowModified(self.document.is_modified)

    def _on_history_changed(self) -> None:
        self._update_status()  # (the plots are fed by the training view's live curves)

    def shown_loss(self) -> float | None:
        """The batch loss the status bar shows, from the engine: the update being stepped through
        gives its loss once its loss step is shown (before that: None, it comes at that step) and,
        once applied, its loss with the new weights, the weights the network now shows; otherwise
        the last iteration's batch loss (None before any)."""
        doc = self.document
        w, position = doc.walkthrough, doc.position
        if w is not None and position >= 0:
            if doc.applied:
                return float(w.loss_after)
            if any(s.phase == "loss" for s in w.steps[: position + 1]):
                return float(w.loss)
            return None
        return doc.current_loss()

    def _update_status(self) -> None:
        t = self.document.trainer
        self.iteration_label.setText(f"Iteration <b>{t.iteration}</b>")
        self.epoch_label.setText(f"Epoch <b>{t.epoch}</b>")
        loss = self.shown_loss()
        self.loss_label.setText(f"Loss <b>{short(loss) if loss is not None else '—'}</b>")

    def _training_running(self) -> bool:
        session = getattr(getattr(self, "training", None), "session", None)
        return bool(getattr(session, "running", False))

    def _update_set_losses(self, *_args) -> None:
        """Loss on the training and the test set, ``Trainer.evaluate()``, whenever training is not
        running (the training view shows its reports' evaluations while it runs)."""
        training = getattr(self, "training", None)
        train_label = getattr(training, "train_loss_label", None)
        test_label = getattr(training, "test_loss_label", None)
        if train_label is None or test_label is None or self._training_running():
            return
        key = self._set_losses_key()
        if key == self._set_losses_shown:  # (a file opened tells three times: evaluated once)
            return
        if not evaluation.can_evaluate(self.document.experiment):
            self._set_losses_shown = key
            why = evaluation.why_not_evaluated(self.document.experiment)
            for label, text in ((train_label, "Train loss <b>—</b>"), (test_label, "Test loss <b>—</b>")):
                label.setText(text)
                label.setToolTip(why)
            self._show_accuracy(None, None)
            return
        train_label.setToolTip("")
        train, test = self.document.trainer.evaluate()
        self._set_losses_shown = key
        train_label.setText(f"Train loss <b>{_loss_text(train)}</b>")
        test_label.setText(f"Test loss <b>{_loss_text(test) if test is not None else '—'}</b>")
        test_label.setToolTip("" if test is not None else "This network's data has no test set")
        self._show_accuracy(*self.document.trainer.accuracy())

    def _set_losses_key(self) -> tuple:
        """What the set losses depend on: the trainer and its data, the loss, every layer's activation
        and the parameters (their bytes' hash: ~2 ms for 500,000), and the data edits made."""
        doc = self.document
        net = doc.experiment.network
        parameters = [a for layer in net.layers for a in (layer.weights, layer.biases) if a is not None]
        return (id(doc.trainer), id(doc.experiment.data), doc.data_edits, doc.experiment.loss,
                doc.experiment.reduction, tuple((layer.activation, layer.alpha) for layer in net.layers),
                hash(b"".join(np.ascontiguousarray(a).tobytes() for a in parameters)))

    def _update_actions(self, *_args) -> None:
        a, doc = self.actions_, self.document
        stack = doc.undo_stack
        a.undo.setEnabled(stack.canUndo())
        a.redo.setEnabled(stack.canRedo())
        a.undo.setText(f"&Undo {stack.undoText()}".rstrip())
        a.redo.setText(f"&Redo {stack.redoText()}".rstrip())
        a.step_back.setEnabled(self.practice.can_step_back())
        asked = self.practice.status_text()  # a question waits: the step asked, as the explanation counts it
        if asked is not None:
            self.position_label.setText(asked)
        elif doc.walkthrough is not None and doc.position >= 0:  # (a chosen sample's: says which, not applied)
            self.position_label.setText(shown_only.status_text(doc) or
                                        f"Step <b>{doc.position + 1}</b> of {doc.step_count}")
        else:
            self.position_label.setText("Ready")
        self._update_status()

    def _sync_player_controls(self, *_args) -> None:
        self.granularity_combo.setCurrentIndex(GRANULARITIES.index(self.player.granularity))
        self.speed_combo.setCurrentIndex(list(SPEEDS).index(self.player.speed))
        for act in self._granularity_group.actions():
            act.setChecked(act.data() == self.player.granularity)
        for act in self._speed_group.actions():
            act.setChecked(act.data() == self.player.speed)

    # ---- files ----------------------------------------------------------------------------------------
    def open_file(self, path: str | Path) -> bool:
        """Open ``path`` (no dialogs). A file that cannot be read or shown: the reason is shown and the
        network, the file, the title and the undo stack stay as they were."""
        try:
            experiment = load_experiment(path)
        except Exception as e:  # noqa: BLE001 - whatever it is, the user is told and nothing changes
            self._show_file_error("Could not open the file", e, path)
            return False
        self.training.pause_and_record()  # training pauses; the run so far goes on the undo stack
        if not self._show_experiment(experiment, Path(path)):
            return False
        self._add_recent(Path(path))
        self.statusBar().showMessage(f"Opened {Path(path).name}", 4000)
        return True

    def _show_experiment(self, experiment: Experiment, path: Path | None) -> bool:
        """Show ``experiment`` in every view, then empty the undo stack; if any view fails to show it,
        what was shown before comes back (the undo stack untouched) and the reason is shown."""
        doc = self.document
        before = doc.shown()
        with collected_slot_errors() as errors:
            doc.show_instead(experiment, path)
        if not errors:
            doc.forget_history()
            return True
        with collected_slot_errors() as again:
            doc.put_back(before)
        name = path.name if path is not None else "the network"
        text = f"{name} passed the checks, but the window could not show it:\n\n{_error_text(errors[0])}"
        if again:
            text += f"\n\nShowing the previous network again failed too: {_error_text(again[0])}"
        QMessageBox.critical(self, "Could not open the file", text)
        return False

    def save_file(self, path: str | Path) -> bool:
        """Save to ``path`` atomically (no dialogs). On failure the reason is shown, nothing changes."""
        experiment = self.document.experiment
        experiment.history = saved_history_of(self.document.trainer)  # issue 13: the loss history goes along
        try:
            save_experiment(experiment, path)
        except (NetworkFileError, OSError) as e:
            self._show_file_error("Could not save the file", e)
            return False
        finally:
            experiment.history = None  # (the trainer keeps it; a trainer made later starts afresh)
        self.document.mark_saved(Path(path))
        self._add_recent(Path(path))
        self.statusBar().showMessage(f"Saved {Path(path).name}", 4000)
        return True

    def new_from_template(self, template: Path) -> bool:
        if not self.maybe_save():
            return False
        try:
            experiment = load_experiment(template)
        except Exception as e:  # noqa: BLE001 - told, nothing changes
            self._show_file_error("Could not open the template", e, template)
            return False
        return self._show_experiment(experiment, template)  # an untitled copy of the example (templates.split)

    def new_exercise(self) -> bool:
        """File ▸ New Exercise…: the dialog (seed, shape, activation, loss), then ``open_exercise``."""
        choice = exercise_dialog.ask_exercise(self, self._last_exercise)
        return self.open_exercise(choice) if choice is not None else False

    def open_exercise(self, choice: exercise_dialog.ExerciseChoice) -> bool:
        """A random exercise's network shown as a new document (unsaved changes asked about first), practice
        on. Its name, "Exercise 4172", is the window's title."""
        from sandbox.practice.exercise import make_exercise

        if not self.maybe_save():
            return False
        try:
            exercise = make_exercise(choice.seed, choice.shape, choice.activation, choice.loss,
                                     biases=choice.biases)
        except ValueError as e:
            QMessageBox.critical(self, "Could not make the exercise", str(e))
            return False
        if not self._show_experiment(exercise.experiment, None):
            return False
        self._last_exercise = choice
        self.actions_.practice.setChecked(True)
        self.statusBar().showMessage(f"{exercise.title}: shape {exercise.shape}, press Step to begin", 6000)
        return True

    def open_dialog(self) -> bool:
        if not self.maybe_save():
            return False
        start = str(self.document.path.parent) if self.document.path else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open a network", start, FILE_FILTER)
        return self.open_file(path) if path else False

    def save(self) -> bool:
        if self.document.path is None or self.document.path.parent == resource_file("networks"):
            return self.save_as()
        return self.save_file(self.document.path)

    def save_as(self) -> bool:
        doc = self.document
        # an untitled copy of a shipped example is offered under the example's name, in the home folder
        name = doc.path.name if doc.path else doc.template.name if doc.template else "network.json"
        suggestion = str(doc.path) if doc.path and doc.path.parent != resource_file("networks") else \
            str(Path.home() / name)
        path, _ = QFileDialog.getSaveFileName(self, "Save the network as", suggestion, FILE_FILTER)
        return self.save_file(path) if path else False

    def maybe_save(self) -> bool:
        """Unsaved changes: ask Save / Discard / Cancel. True when it is fine to go on."""
        self.training.pause_and_record()  # training pauses; the run so far goes on the undo stack
        if not self.document.is_modified:
            return True
        answer = QMessageBox.warning(
            self, APP_TITLE, f"“{self.document.display_name}” has unsaved changes. Save them?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def _show_problem(self, title: str, text: str) -> None:
        """Something the document refused (an update that cannot be applied): told, never blocking."""
        training = getattr(self, "training", None)
        if training is not None:
            training.show_message(title, text)
        else:
            self.statusBar().showMessage(text, 10000)

    def _show_file_error(self, title: str, error: BaseException, path: str | Path | None = None) -> None:
        if isinstance(error, NetworkFileError):
            lines = [str(p) for p in error.problems] or [str(error)]
            text = f"{Path(error.path).name}:\n\n" + "\n".join(f"• {line}" for line in lines[:20])
            if len(lines) > 20:
                text += f"\n… and {len(lines) - 20} more problems"
        elif isinstance(error, OSError):
            text = str(error)
        else:
            text = (f"{Path(path).name}:\n\n" if path is not None else "") + _error_text(error)
        QMessageBox.critical(self, title, text)

    # ---- recent files ------------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = QSettings().value("recentFiles", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _add_recent(self, path: Path) -> None:
        text = str(path.resolve())
        recent = [p for p in self.recent_files() if p != text]
        QSettings().setValue("recentFiles", [text] + recent[: MAX_RECENT - 1])

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = [p for p in self.recent_files() if Path(p).exists()]
        if not files:
            self.recent_menu.addAction("No recent files").setEnabled(False)
            return
        for i, p in enumerate(files):
            action = self.recent_menu.addAction(f"&{i + 1}  {Path(p).name}")
            action.setToolTip(p)
            action.triggered.connect(lambda _=False, path=p: self.maybe_save() and self.open_file(path))

    # ---- settings, closing, drag and drop ---------------------------------------------------------
    def _restore_settings(self) -> bool:
        """The remembered geometry, dock layout and speed; True when a dock layout was restored.
        Without a remembered geometry the window is centred in the screen's available area."""
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            screen = self.screen() or QGuiApplication.primaryScreen()
            if screen is not None:
                frame = self.frameGeometry()
                frame.moveCenter(screen.availableGeometry().center())
                self.move(frame.topLeft())
        state = settings.value("window/state")
        restored = isinstance(state, QByteArray) and self.restoreState(state)
        speed = settings.value("player/speed")
        if speed in SPEEDS:
            self.player.set_speed(speed)
        return bool(restored)

    def save_settings(self) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("player/speed", self.player.speed)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.maybe_save():
            event.ignore()
            return
        self._shutdown_training()
        self.presentation.set_on(False)  # the layout of before presentation mode is the one remembered
        self.save_settings()
        event.accept()

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files and self.maybe_save():
            self.open_file(files[0])
            event.acceptProposedAction()
