"""GD vs single-sample SGD vs mini-batch SGD, side by side, from the same weights on the same data.

Everything comes from ``sandbox.engine.comparison``: three runs of plain SGD (no momentum, schedule
or regularization, whatever the experiment's optimizer) with the mean reduction at one η, the loss on
the whole training set by samples seen (epochs on the top axis) and by updates, and a table of
counts and of measured wall time (median and range of repeated measurements, never a curve). With
too few samples (the lecture's network has one) the view says why the modes cannot differ and offers
a generated data set of the same shape; the experiment it was given is never changed. The runs happen
in a worker thread.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QPaintEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sandbox.engine import Experiment
from sandbox.engine.comparison import (
    MODE_TITLES,
    TIMING_MIN_SECONDS,
    TIMING_REPEATS,
    BatchComparison,
    BatchRun,
    DataCheck,
    check_data,
    compare_batch_modes,
    default_minibatch_size,
    fair_learning_rate,
    mean_vs_sum,
    offered_experiment,
)
from sandbox.explain.escape import for_terminal
from sandbox.explain.markup import to_html
from sandbox.gui.common.formatting import short
from sandbox.gui.lecture.background import Background
from sandbox.gui.lecture.image_export import save_widget_png
from sandbox.gui.lecture.plot_style import INK, MUTED, fitting_size, font, pen, readable_log_axes, styled_plot
from sandbox.gui.lecture.save_picture import save_picture_button

#: a shown view starts its first run this long after its first paint (the plots settle), so that the
#: GUI thread's painting does not fall into the timed measurements
SETTLE_MS = 300
MODE_COLORS = {"full": "#1f77c4", "single": "#d9480f", "minibatch": "#0b7a53"}
DEFAULT_EPOCHS = 50


def run_comparison(experiment: Experiment, epochs: int, minibatch_size: int, learning_rate: float,
                   should_stop: Callable[[], bool] = lambda: False) -> BatchComparison:
    """The three runs and their timing at the chosen η (runs in the worker thread)."""
    return compare_batch_modes(experiment, epochs, minibatch_size, learning_rate, shuffle=True,
                               should_stop=should_stop)


def _learning_rate_note(experiment: Experiment) -> str:
    """Where the η proposed comes from (the file's optimizer in words)."""
    spec = experiment.optimizer
    if spec.name != "sgd":
        title = spec.build().title
        return (f"the file trains with {html.escape(title)}, whose η is no SGD step: "
                f"η = {short(fair_learning_rate(experiment))} proposed")
    gamma = float(spec.options.get("momentum", 0.0) or 0.0)
    if gamma:
        return (f"the file's SGD has momentum γ = {short(gamma)}: η/(1 − γ) = {short(fair_learning_rate(experiment))}, "
                "the step momentum takes in the long run")
    return "the file's η"


class BatchComparisonView(QWidget):
    """Run the three batch modes; compare their losses by samples seen and by updates, and their time."""

    resultReady = Signal()

    def __init__(self, experiment: Experiment, parent: QWidget | None = None, epochs: int = DEFAULT_EPOCHS,
                 run_now: bool = True):
        super().__init__(parent)
        self.setObjectName("batchComparisonView")
        self.setWindowTitle("GD vs SGD vs mini-batch")
        #: the experiment as given (a copy), and the one compared: the same, or it on generated data
        self.source = experiment.copy()
        self.experiment = self.source
        self.data_check: DataCheck = check_data(self.source)
        self.generated = False
        self.result: BatchComparison | None = None
        self.error: str | None = None
        self._job = 0

        self.worker = Background(self, "batch comparison worker")
        self.worker.finished.connect(self._on_result)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(lambda _job: self._set_running(False))

        self.epochs_spin = QSpinBox()
        self.epochs_spin.setObjectName("epochsSpin")
        self.epochs_spin.setRange(1, 500)
        self.epochs_spin.setValue(epochs)
        self.size_spin = QSpinBox()
        self.size_spin.setObjectName("miniBatchSpin")
        self.lr_spin = QDoubleSpinBox()
        self.lr_spin.setObjectName("learningRateSpin")
        self.lr_spin.setDecimals(4)
        self.lr_spin.setRange(0.0001, 10.0)
        self.lr_spin.setSingleStep(0.01)
        self.lr_spin.setValue(fair_learning_rate(self.source))
        self.log_check = QCheckBox("log scale")
        self.log_check.setChecked(True)
        self.log_check.toggled.connect(self._set_log)
        self.run_button = QPushButton("Run")
        self.run_button.setObjectName("runButton")
        self.run_button.clicked.connect(self.run)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setObjectName("stopButton")
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.setEnabled(False)

        controls = QHBoxLayout()
        for label, widget in (("Epochs:", self.epochs_spin), ("Mini-batch size n₀:", self.size_spin),
                              ("Learning rate η (all three):", self.lr_spin)):
            controls.addWidget(QLabel(label))
            controls.addWidget(widget)
            controls.addSpacing(10)
        controls.addWidget(self.log_check)
        controls.addStretch(1)
        controls.addWidget(self.run_button)
        controls.addWidget(self.stop_button)
        controls.addWidget(save_picture_button(self, self.save_picture, "gd-sgd-minibatch"))

        self.intro = QLabel()
        self.intro.setObjectName("comparisonIntro")
        self.intro.setTextFormat(Qt.TextFormat.RichText)
        self.intro.setWordWrap(True)
        self.intro.setFont(font(10.5))
        self.intro.setStyleSheet(f"color: {INK};")

        # too few samples: why, and a generated data set of the same shape
        self.notice = QFrame()
        self.notice.setObjectName("fewSamplesNotice")
        self.notice.setStyleSheet("#fewSamplesNotice { background: #fff7e6; border: 1px solid #f0c36d; "
                                  "border-radius: 4px; }")
        offered = ("<br>The data set offered is generated for this view only: the document keeps its data."
                   if self.data_check.offer is not None else "")
        self.notice_text = QLabel(f"<b>Nothing to compare on these data.</b><br>"
                                  f"{html.escape(self.data_check.reason)}{offered}")
        self.notice_text.setObjectName("fewSamplesText")
        self.notice_text.setTextFormat(Qt.TextFormat.RichText)
        self.notice_text.setWordWrap(True)
        self.notice_text.setFont(font(11))
        self.notice_text.setStyleSheet(f"color: {INK}; background: transparent; border: none;")
        self.offer_button = QPushButton()
        self.offer_button.setObjectName("offerDataButton")
        self.offer_button.clicked.connect(self.use_offered_data)
        self.offer_button.setFont(font(11, bold=True))
        if self.data_check.offer is not None:
            self.offer_button.setText(f"Compare on {self.data_check.offer_text}")
            self.offer_button.setToolTip("A generated data set for this view only: the document is not changed.")
        else:
            self.offer_button.hide()
        box = QVBoxLayout(self.notice)
        box.setContentsMargins(12, 10, 12, 10)
        box.addWidget(self.notice_text)
        offer_row = QHBoxLayout()
        offer_row.addWidget(self.offer_button)
        offer_row.addStretch(1)
        box.addLayout(offer_row)

        self.mean_note = QLabel()
        self.mean_note.setObjectName("meanVsSumNote")
        self.mean_note.setWordWrap(True)
        self.mean_note.setFont(font(9.5))
        self.mean_note.setStyleSheet(f"color: {MUTED};")

        self.samples_plot = styled_plot("Loss on the training set by samples seen", "samples seen",
                                        "loss E", font_size=10)
        self.samples_plot.setObjectName("samplesPlot")
        top = self.samples_plot.getPlotItem().getAxis("top")
        self.samples_plot.getPlotItem().showAxis("top")
        top.setPen(pg.mkPen(MUTED))
        top.setTextPen(pg.mkPen(INK))
        top.setTickFont(font(9))
        top.setLabel("epochs", color=INK, **{"font-size": "10pt"})
        top.enableAutoSIPrefix(False)
        self.updates_plot = styled_plot("… and by updates (iterations)", "updates (log scale)", "loss E",
                                        font_size=10)
        self.updates_plot.getPlotItem().setLogMode(x=True)
        self.updates_plot.setObjectName("updatesPlot")
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.update_curves: dict[str, pg.PlotDataItem] = {}
        # one legend for both plots, in a row above them: it never hides a curve
        self.legend = QLabel()
        self.legend.setObjectName("comparisonLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setFont(font(10))
        self.legend.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.legend.setStyleSheet(f"color: {INK}; background: white; padding: 4px;")
        self._set_legend([(mode, MODE_TITLES[mode]) for mode in MODE_COLORS])
        for mode, color in MODE_COLORS.items():
            symbol = "o" if mode == "full" else None
            style = dict(pen=pen(color, 2.2), symbol=symbol, symbolSize=6, symbolBrush=pg.mkBrush(color),
                         symbolPen=None, name=mode)
            self.curves[mode] = self.samples_plot.plot([], [], **style)
            self.update_curves[mode] = self.updates_plot.plot([], [], **style)

        self.table = QLabel()
        self.table.setObjectName("comparisonTable")
        self.table.setTextFormat(Qt.TextFormat.RichText)
        self.table.setFont(font(10))
        self.status = QLabel()
        self.status.setObjectName("comparisonStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # it may show an error message
        self.status.setWordWrap(True)
        self.status.setStyleSheet(f"color: {MUTED};")

        self.plots = QWidget()
        self.plots.setStyleSheet("background: white;")
        column = QVBoxLayout(self.plots)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.legend)
        plots = QHBoxLayout()
        plots.setContentsMargins(0, 0, 0, 0)
        plots.addWidget(self.samples_plot, 1)
        plots.addWidget(self.updates_plot, 1)
        column.addLayout(plots, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.intro)
        layout.addWidget(self.notice)
        self.controls = QWidget()
        controls.setContentsMargins(0, 0, 0, 0)
        self.controls.setLayout(controls)
        layout.addWidget(self.controls)
        layout.addWidget(self.mean_note)
        layout.addWidget(self.plots, 1)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        layout.addStretch(0)  # (takes the room of the hidden plots when there is nothing to compare)
        self._set_log(True)
        self._show_data()
        self.resize(fitting_size(self, 1200, 760))
        # started from the event loop: a view shown right away paints first, so that nothing is timed
        # while the GUI thread lays out and paints
        self._pending_run = run_now and self.data_check.enough
        self._submission: Callable[[Callable[[], bool]], BatchComparison] | None = None
        self._painted = False
        if self._pending_run:  # (the text run() shows: nothing to lay out again when the run starts)
            self.status.setText(self._running_text(self.epochs_spin.value()))
            self._set_running(True)
            QTimer.singleShot(0, self, self._start_pending)

    # ---- the data compared -----------------------------------------------------------------------
    @property
    def runs(self) -> list[BatchRun]:
        return self.result.runs if self.result is not None else []

    @property
    def can_run(self) -> bool:
        return self.data_check.enough or self.generated

    def use_offered_data(self) -> None:
        """Compare on the generated data set offered (the experiment given is untouched), and run."""
        if self.data_check.offer is None:
            return
        self.experiment = offered_experiment(self.source)
        self.generated = True
        self.notice.hide()
        self._show_data()
        self.run()

    def _show_data(self) -> None:
        exp = self.experiment
        n = exp.data.n_train
        self.size_spin.setRange(1, max(1, n))
        self.size_spin.setValue(default_minibatch_size(n))
        # the name is the user's text (a network built in code or edited in the window is not validated)
        name = html.escape(for_terminal(self.source.name))
        if self.generated:
            data = (f"{n} training samples generated for this view: {html.escape(self.data_check.offer_title)}; "
                    "the document is unchanged")
        else:
            data = f"{n} training sample{'' if n == 1 else 's'}"
        self.intro.setText(
            f"<b>Gradient descent, SGD and mini-batches</b> on <i>{name}</i> ({data}, a batch's loss the mean "
            "over its samples). "
            "All three train by <b>plain SGD</b> (no momentum, schedule or regularization, whatever the file "
            f"uses; η: {_learning_rate_note(self.source)}) from the same weights and see the same samples. "
            "An <i>update</i> (iteration) is one step on one batch, an <i>epoch</i> one pass over the training "
            "set: 1 update for GD, n for SGD, ⌈n/n₀⌉ for mini-batches.")
        self.mean_note.setText(mean_vs_sum(n, default_minibatch_size(n)))
        self.notice.setVisible(not self.can_run)
        for widget in (self.controls, self.plots, self.table, self.mean_note):
            widget.setVisible(self.can_run)
        self.samples_plot.getPlotItem().getAxis("top").setScale(1.0 / max(1, n))
        self._set_running(False)

    # ---- running ---------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._submission is not None or self.worker.busy

    def _running_text(self, epochs: int) -> str:
        return (f"Running {epochs} epochs of each batch mode, then timing each mode {TIMING_REPEATS} times…")

    def _start_pending(self) -> None:
        if not self._pending_run or (self.isVisible() and not self._painted):
            return  # (a shown view starts once it has painted: see paintEvent)
        self.run()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            if self._pending_run:  # pyqtgraph repaints the plots a few times after the first paint
                QTimer.singleShot(SETTLE_MS, self, self._start_pending)

    def run(self) -> None:
        self._pending_run = False
        if not self.can_run:
            return
        exp = self.experiment
        epochs, size, lr = self.epochs_spin.value(), self.size_spin.value(), self.lr_spin.value()
        self.status.setText(self._running_text(epochs))
        self._set_running(True)
        # handed to the worker once the event loop has repainted what changed here: the GUI thread
        # painting (and holding Python's lock) during a timed measurement would be counted as training
        self._submission = lambda should_stop: run_comparison(exp, epochs, size, lr, should_stop)
        QTimer.singleShot(0, self, self._submit)

    def _submit(self) -> None:
        job, self._submission = self._submission, None
        if job is not None:
            self._job = self.worker.submit(job)

    def stop(self) -> None:
        self._pending_run = False
        self._submission = None
        self.worker.cancel()
        self.status.setText("Stopped.")
        self._set_running(False)

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running and self.can_run)
        self.stop_button.setEnabled(running)

    def _on_failed(self, _job: int, message: str) -> None:
        self.error = message
        self._set_running(False)
        self.status.setText("The comparison failed: " + for_terminal((message.splitlines() or [""])[0]))

    def _on_result(self, job: int, result: BatchComparison) -> None:
        if job != self._job:
            return
        self.result = result
        self.error = None
        self._set_running(False)
        self._draw()
        self.resultReady.emit()

    # ---- drawing ---------------------------------------------------------------------------------
    def _set_log(self, on: bool) -> None:
        for plot in (self.samples_plot, self.updates_plot):
            plot.getPlotItem().setLogMode(y=on)
            readable_log_axes(plot)
            plot.getPlotItem().setLabel("left", "loss E (log scale)" if on else "loss E", color=INK,
                                        **{"font-size": "10pt"})

    def _set_legend(self, entries: list[tuple[str, str]]) -> None:
        """The legend row: a line in each mode's colour and its label."""
        self.legend_entries = [label for _, label in entries]
        self.legend.setText(" &nbsp; &nbsp; ".join(
            f"<span style='color:{MODE_COLORS[mode]}; font-size:13pt'>━</span> {html.escape(label)}"
            for mode, label in entries))

    def _draw(self) -> None:
        assert self.result is not None
        entries = []
        timing = {t.mode: t for t in self.result.timings}
        rows = []
        for run in self.result.runs:
            self.curves[run.mode].setData(run.samples_seen, run.loss)
            done = run.iterations > 0  # the start (no update yet) has no place on a log axis
            self.update_curves[run.mode].setData(run.iterations[done], run.loss[done])
            entries.append((run.mode, f"{run.title}, n₀ = {run.batch_size}"))
            color = MODE_COLORS[run.mode]
            note = " <span style='color:#b91c1c'>(diverged)</span>" if run.diverged else ""
            t = timing.get(run.mode)
            if t is not None and t.repeats:
                spread = (f"{_ms(t.median_ms)} ({_ms(t.min_ms)}–{_ms(t.max_ms)})",
                          f"{_ms(t.median_us_per_update)} µs")
            else:
                spread = ("—", "—")
            cells = [str(run.batch_size), str(run.iterations_per_epoch), str(run.total_iterations),
                     short(run.epochs[-1]), to_html(short(run.final_loss)) + note, *spread]
            rows.append(f"<tr><td><span style='color:{color}; font-size:13pt'>●</span> <b>{run.title}</b></td>"
                        + "".join(f"<td align='right'>{c}</td>" for c in cells) + "</tr>")
        self._set_legend(entries)
        repeats = max((t.repeats for t in self.result.timings), default=0)
        head = "".join(f"<th align='{a}' style='padding: 0 10px'>{h}</th>" for h, a in (
            ("batch mode", "left"), ("batch size n₀", "right"), ("updates / epoch", "right"),
            ("updates", "right"), ("epochs", "right"), ("final loss", "right"),
            (f"ms per epoch: median (min–max of {repeats})", "right"), ("per update (median)", "right")))
        self.table.setText(f"<table cellspacing='0' cellpadding='3'><tr>{head}</tr>{''.join(rows)}</table>")
        self.status.setText(
            f"Loss on the whole training set; plain SGD, mean reduction, η = {short(self.result.learning_rate)} "
            f"for all three. Wall time is measured apart from the curves: {repeats} measurements per mode, the "
            f"modes taking turns, each whole epochs lasting at least {short(TIMING_MIN_SECONDS * 1000)} ms, "
            "from the same start; the table gives their median and range. An epoch of single-sample SGD "
            "makes n updates where GD makes one: compare the time per update.")

    def save_picture(self, path: Path) -> Path:
        """Both plots side by side with their legend, as shown, as PNG."""
        return save_widget_png(self.plots, path)

    # ---- lifetime --------------------------------------------------------------------------------
    def shutdown(self) -> None:
        self._pending_run = False
        self._submission = None
        self.worker.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)


def _ms(value: float) -> str:
    """A duration with three significant digits (a measurement, not an exact number)."""
    if not math.isfinite(value):
        return "—"
    return f"{value:.3g}" if value < 1000 else f"{value:.0f}"
