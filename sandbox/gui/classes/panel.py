"""The Classes dock's contents: which set (test or training), its confusion matrix with each class's accuracy,
and the gallery of its samples, the misclassified first.

View state only (the set chosen, the cell chosen, the tiles laid out): nothing here is saved or undone. The
numbers come from the engine on the document's current network (``results.set_results``), recomputed when the
document says its values, settings or structure changed or training progressed, at most ``REFRESH_HZ`` times a
second and only while the panel is visible (a hidden panel catches up when it is shown again), so that live
training is not slowed. A tile clicked is emitted (``sampleChosen``): the window shows that sample's walkthrough.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from sandbox.gui.classes.gallery import PAGE, SampleGallery
from sandbox.gui.classes.matrix_view import ConfusionMatrixView
from sandbox.gui.classes.results import SET_TITLES, SetResults, available_sets, class_count, set_results
from sandbox.gui.model import evaluation
from sandbox.gui.model.document import Document

#: the matrix and the gallery follow training at most this often (a second's worth of reports is one refresh)
REFRESH_HZ = 2.0
NOT_A_CLASSIFIER = ("<p>This network is not a classifier: its targets are not class labels (one-hot rows, or 0/1 "
                    "with one output), so there is nothing to count right or wrong.</p><p>Open an example with "
                    "several classes, e.g. <b>digits</b> or <b>iris</b> (File ▸ New from Template).</p>")


class ClassesPanel(QWidget):
    """See the module docstring."""

    #: a gallery tile was clicked: (the results it belongs to, the sample's row in that set)
    sampleChosen = Signal(object, int)

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("classesPanel")
        self.document = document
        self.results: SetResults | None = None
        #: the sample (set, row) whose walkthrough is shown, and that walkthrough (outlined while it is shown)
        self.shown_sample: tuple[str, int] | None = None
        self._shown_walkthrough: object = None
        self._stale = True
        self.timer = QTimer(self)
        self.timer.setObjectName("classesRefreshTimer")
        self.timer.setSingleShot(True)
        self.timer.setInterval(round(1000.0 / REFRESH_HZ))
        self.timer.timeout.connect(self.refresh)
        self._build()
        for signal in (document.structureChanged, document.valuesChanged, document.settingsChanged,
                       document.historyChanged, document.progressed):
            signal.connect(self.schedule)
        document.structureChanged.connect(self._on_structure)
        document.walkthroughChanged.connect(self._follow_walkthrough)
        self._on_structure()

    # ---- building ----------------------------------------------------------------------------------
    def _build(self) -> None:
        self.set_combo = QComboBox()
        self.set_combo.setObjectName("confusionSetCombo")
        self.set_combo.setToolTip("Which samples the matrix counts and the gallery shows: the held-out test set "
                                  "(samples the network never trains on) or the training set")
        self.set_combo.activated.connect(self._on_set_chosen)
        #: the set the user chose (the test set until then): shown whenever the network has it
        self.chosen_set = "test"
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(QLabel("Samples:"))
        top.addWidget(self.set_combo)
        top.addStretch(1)
        self.matrix = ConfusionMatrixView()
        self.matrix.cellClicked.connect(self._on_cell)
        self.gallery = SampleGallery()
        self.gallery.sampleClicked.connect(self._on_tile)
        self.gallery.layoutChanged.connect(self._update_footer)
        self.gallery_title = QLabel()
        self.gallery_title.setObjectName("galleryTitle")
        self.gallery_title.setWordWrap(True)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("galleryScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.gallery)
        self.scroll.setMinimumHeight(170)
        self.more_button = QPushButton()
        self.more_button.setObjectName("galleryMoreButton")
        self.more_button.clicked.connect(self.gallery.show_more)
        self.all_button = QPushButton("Show all")
        self.all_button.setObjectName("galleryAllButton")
        self.all_button.setToolTip("Show every sample again, not only those of the chosen cell")
        self.all_button.clicked.connect(lambda: self._on_cell(-1, -1))
        self.footer = QLabel()
        self.footer.setObjectName("galleryFooter")
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.footer, 1)
        bottom.addWidget(self.all_button)
        bottom.addWidget(self.more_button)
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(6, 4, 6, 4)
        column.setSpacing(4)
        column.addLayout(top)
        column.addWidget(self.matrix)
        column.addWidget(self.gallery_title)
        column.addWidget(self.scroll, 1)
        column.addLayout(bottom)
        self.message = QLabel(NOT_A_CLASSIFIER)
        self.message.setObjectName("classesMessage")
        self.message.setWordWrap(True)
        self.message.setContentsMargins(12, 12, 12, 12)
        self.stack = QStackedWidget()
        self.stack.addWidget(page)
        self.stack.addWidget(self.message)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

    # ---- following the document --------------------------------------------------------------------
    def _on_structure(self) -> None:
        """Another experiment or shape: the sets it has in the switch (the test set first), nothing chosen."""
        experiment = self.document.experiment
        self.set_combo.clear()
        for which in available_sets(experiment):
            self.set_combo.addItem(SET_TITLES[which], which)
        self.set_combo.setCurrentIndex(max(self.set_combo.findData(self.chosen_set), 0))
        self.set_combo.setEnabled(self.set_combo.count() > 1)
        self.shown_sample = None
        self.refresh()

    def _on_set_chosen(self, index: int) -> None:
        self.chosen_set = str(self.set_combo.itemData(index))
        self.refresh()

    def schedule(self, *_args: object) -> None:
        """Something the numbers depend on changed: refresh soon (at most ``REFRESH_HZ`` times a second)."""
        self._stale = True
        if not self.timer.isActive():
            self.timer.start()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._stale:
            self.refresh()

    @property
    def which(self) -> str:
        """The set shown: "test" or "train"."""
        data = self.set_combo.currentData()
        return str(data) if data else "train"

    def refresh(self) -> None:
        """Ask the engine for the set's classification now and show it (only while visible: else later)."""
        self.timer.stop()
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        experiment = self.document.experiment
        if class_count(experiment) == 0:
            self.results = None
            self.stack.setCurrentWidget(self.message)
            self.message.setText(NOT_A_CLASSIFIER)
            return
        if not evaluation.can_evaluate(experiment):
            self.results = None
            self.stack.setCurrentWidget(self.message)
            self.message.setText(f"<p>{evaluation.why_not_evaluated(experiment)}.</p>")
            return
        self.stack.setCurrentIndex(0)
        results = set_results(experiment, self.which)
        self.results = results
        self.matrix.set_results(results)
        self.gallery.set_results(results, experiment.image_shape(), experiment.network.input_labels,
                                 self.document.data_edits)
        if self.matrix.chosen != self.gallery.cell:  # (the matrix forgot its cell: another set or shape)
            self.gallery.set_cell(self.matrix.chosen)
        self._follow_walkthrough()
        self._update_footer()

    def _follow_walkthrough(self) -> None:
        """Outline the tile whose walkthrough is shown, while it is shown."""
        doc = self.document
        if self.shown_sample is not None and doc.walkthrough is not self._shown_walkthrough:
            self.shown_sample = None
        selected = self.shown_sample[1] if self.shown_sample is not None and self.results is not None and \
            self.shown_sample[0] == self.results.which else None
        if selected != self.gallery.selected:
            self.gallery.selected = selected
            self.gallery.update()

    def _update_footer(self) -> None:
        g, r = self.gallery, self.results
        if r is None:
            self.footer.setText("")
            self.gallery_title.setText("")
            self.more_button.hide()
            self.all_button.hide()
            return
        noun = "test samples" if r.which == "test" else "training samples"
        wrong = int(r.size - r.matrix.trace())
        if g.cell is not None:
            true, predicted = g.cell
            names = r.class_names
            self.gallery_title.setText(f"<b>True {names[true]}, predicted {names[predicted]}</b>: {g.total:,} "
                                       f"{noun}, least sure first. Click one to step through its update.")
        else:
            self.gallery_title.setText(f"<b>{wrong:,} of {r.size:,} {noun} misclassified</b>, shown first. Click a "
                                       "sample to step through the update it would make, a cell of the matrix to "
                                       "see only its samples.")
        shown = min(g.limit, g.total)
        self.footer.setText(f"{shown:,} of {g.total:,} shown")
        left = g.total - shown
        self.more_button.setText(f"Show {min(PAGE, left)} more")
        self.more_button.setVisible(left > 0)
        self.all_button.setVisible(g.cell is not None)

    # ---- the user's clicks ---------------------------------------------------------------------------
    def _on_cell(self, true: int, predicted: int) -> None:
        cell = None if true < 0 else (true, predicted)
        self.matrix.chosen = cell
        self.matrix.update()
        self.gallery.set_cell(cell)
        self.scroll.verticalScrollBar().setValue(0)

    def _on_tile(self, row: int) -> None:
        if self.results is not None:
            self.sampleChosen.emit(self.results, row)

    def shown(self, results: SetResults, row: int) -> None:
        """The window shows sample ``row`` of ``results``' set now (its tile is outlined while it is shown)."""
        self.shown_sample = (results.which, row)
        self._shown_walkthrough = self.document.walkthrough
        self._follow_walkthrough()
