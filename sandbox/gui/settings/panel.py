"""The settings panel: every knob of the lecture, in folding sections, following the document.

Every edit becomes one undoable command (``SettingCommand`` for a setting, ``ExperimentCommand``
when the network's shape or the data change); the command changes ``document.experiment`` (what
the file saver writes) and the trainer, and the document's signals reach a running training
session, which hands the change to its worker between two iterations.

The panel follows the document: undo, redo, another file, and training reports show up in the
widgets (the counters when the training session tells the document, together with the status bar
and the explanation, so that they always agree). Its widgets turn only the user's edits into
commands (a combo box's ``activated``, a check box's ``clicked``, a number box's ``valueEdited``:
signals that showing a value never emits), so the document's own values never echo back as commands,
with no flag to hold them back. Every section shows the new values
even if another one fails to (a failure is logged, never left to stop the others): the widgets
take every value a file may hold (their ranges are the declared ones of
``sandbox.files.settings_table``), so none should.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QSize, Qt, Slot
from PySide6.QtWidgets import QFrame, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from sandbox.engine import Experiment
from sandbox.files.experiment_limits import limit_problems
from sandbox.gui.model.settings_commands import ExperimentCommand, SettingCommand, changes_anything
from sandbox.gui.settings.architecture_section import ArchitectureSection
from sandbox.gui.settings.base import SettingsSection
from sandbox.gui.settings.counters import CountersBox
from sandbox.gui.settings.dataset_section import DatasetSection
from sandbox.gui.settings.init_section import InitSection
from sandbox.gui.settings.losses import LossSection
from sandbox.gui.settings.optimizer_section import OptimizerSection, ScheduleSection
from sandbox.gui.settings.training_sections import BatchSection, RegularizationSection
from sandbox.gui.settings.widgets import Section

PANEL_WIDTH = 300

log = logging.getLogger(__name__)

SECTION_ORDER = (DatasetSection, ArchitectureSection, LossSection, OptimizerSection, ScheduleSection,
                 BatchSection, RegularizationSection, InitSection)


class _Scroll(QScrollArea):
    """The scrolling part of the panel: never narrower than its contents (they would be squeezed and clipped)."""

    def minimumSizeHint(self):  # noqa: N802 - Qt's name
        hint = super().minimumSizeHint()
        inner = self.widget()
        width = (inner.minimumSizeHint().width() if inner is not None else 0) \
            + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
        return QSize(width, max(hint.height(), 120))


class SettingsPanel(QWidget):
    """Settings of ``document``'s experiment; ``session`` (optional) is the live training session.

    The counters stay at the top; the sections scroll below them."""

    def __init__(self, document, session: QObject | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("settingsPanel")
        self.document = document
        self.session = session
        self.scroll = _Scroll()
        self.scroll.setObjectName("settingsScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        inner.setObjectName("settingsPanelContents")
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(6, 0, 4, 6)
        layout.setSpacing(2)
        self.counters = CountersBox(self)
        self.sections: list[SettingsSection] = [self.counters]
        self.folds: dict[str, Section] = {}
        for cls in SECTION_ORDER:
            section = cls(self)
            fold = Section(cls.title, section, cls.expanded, cls.tooltip)
            fold.setObjectName(f"settingsSection{cls.__name__.removesuffix('Section')}")
            layout.addWidget(fold)
            self.sections.append(section)
            self.folds[cls.title] = fold
        layout.addStretch(1)
        self.scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        top = QVBoxLayout()
        top.setContentsMargins(6, 4, 4, 2)
        top.addWidget(self.counters)
        outer.addLayout(top)
        outer.addWidget(self.scroll, 1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.dataset: DatasetSection = self.sections[1]
        self.architecture: ArchitectureSection = self.sections[2]
        self.loss: LossSection = self.sections[3]
        self.optimizer: OptimizerSection = self.sections[4]
        self.schedule: ScheduleSection = self.sections[5]
        self.batches: BatchSection = self.sections[6]
        self.regularization: RegularizationSection = self.sections[7]
        self.init: InitSection = self.sections[8]
        document.structureChanged.connect(self.refresh)
        document.settingsChanged.connect(self.refresh)
        document.historyChanged.connect(self._on_counters)
        document.valuesChanged.connect(self._on_counters)
        document.progressed.connect(self._on_counters)
        self.refresh()

    def sizeHint(self):  # noqa: N802 - Qt's name
        hint = super().sizeHint()
        hint.setWidth(max(PANEL_WIDTH, self.minimumSizeHint().width()))
        return hint

    # ---- following the document -------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Show the document's experiment in every section (each one, whatever another one does); no
        command comes of it."""
        for section in self.sections:
            try:
                section.refresh()
            except Exception:  # a bug in one section must not leave the others showing another network
                log.exception("the %s settings could not show the document's values", section.title or "")

    @Slot()
    def _on_counters(self) -> None:
        self.counters.refresh_counters()

    # ---- edits ----------------------------------------------------------------------------------
    def set_setting(self, text: str, changes: dict) -> None:
        """One undoable change of settings (``SettingCommand`` keys); nothing when nothing changes."""
        if not changes_anything(self.document.experiment, changes):
            return
        self.document.undo_stack.push(SettingCommand(self.document, text, changes))

    def replace_experiment(self, text: str, experiment: Experiment, merge_key: str | None = None,
                           restart: bool = False) -> None:
        """One undoable replacement of the experiment (new shape, data or weights); refused, with the reason,
        when a network file could not hold the result (``limits``): the widgets show the document again."""
        problems = limit_problems(experiment)
        if problems:
            reasons = "; ".join(p.what for p in problems)
            self.document.refuse("Change not made", f"{text}: not made, a network file could not hold it: {reasons}")
            self.refresh()
            return
        self.document.undo_stack.push(ExperimentCommand(self.document, text, experiment, merge_key=merge_key,
                                                        restart=restart))
