"""GD vs single-sample SGD vs mini-batch SGD, side by side, from the same weights on the same data.

The three runs (``sandbox.engine.comparison``) see the same number of samples; the view plots the
loss on the whole training set against samples seen (epochs on the top axis) and against the wall
time spent training, and tabulates iterations per epoch, iterations, epochs and final loss. The runs
happen in a worker thread.
"""

from __future__ import annotations

import html
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sandbox.engine import Experiment
from sandbox.engine.comparison import MODE_TITLES, BatchRun, compare_batch_modes, default_minibatch_size
from sandbox.explain.escape import for_terminal
from sandbox.explain.markup import to_html
from sandbox.gui.common.formatting import short
from sandbox.gui.lecture.background import Background
from sandbox.gui.lecture.image_export import save_widget_png
from sandbox.gui.lecture.plot_style import INK, MUTED, fitting_size, font, pen, readable_log_axes, styled_plot
from sandbox.gui.lecture.save_picture import save_picture_button

#: a shown view starts its first run this long after its first paint (the plots settle), so that the
#: GUI thread's painting is not counted in the first mode's wall time
SETTLE_MS = 300
MODE_COLORS = {"full": "#1f77c4", "single": "#d9480f", "minibatch": "#0b7a53"}


def run_comparison(experiment: Experiment, epochs: int, minibatch_size: int, learning_rate: float,
                   should_stop=lambda: False) -> list[BatchRun]:
    """The three runs with the chosen learning rate (runs in the worker thread)."""
    exp = experiment.copy()
    exp.optimizer.learning_rate = learning_rate
    return compare_batch_modes(exp, epochs, minibatch_size, shuffle=True, should_stop=should_stop)


def _optimizer_text(experiment: Experiment) -> str:
    opt = experiment.optimizer.build()
    gamma = getattr(opt, "momentum", 0.0)
    return f"{opt.title} with momentum γ = {short(gamma)}" if gamma else opt.title


class BatchComparisonView(QWidget):
    """Run the three batch modes and compare their losses by samples seen and by wall time."""

    resultReady = Signal()

    def __init__(self, experiment: Experiment, parent: QWidget | None = None, epochs: int = 20,
                 run_now: bool = True):
        super().__init__(parent)
        self.setObjectName("batchComparisonView")
        self.setWindowTitle("GD vs SGD vs mini-batch")
        self.experiment = experiment.copy()
        self.runs: list[BatchRun] = []
        self.error: str | None = None
        self._job = 0
        n = self.experiment.data.n_train

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
        self.size_spin.setRange(1, max(1, n))
        self.size_spin.setValue(default_minibatch_size(n))
        self.lr_spin = QDoubleSpinBox()
        self.lr_spin.setObjectName("learningRateSpin")
        self.lr_spin.setDecimals(4)
        self.lr_spin.setRange(0.0001, 10.0)
        self.lr_spin.setSingleStep(0.01)
        self.lr_spin.setValue(self.experiment.optimizer.learning_rate)
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
                              ("Learning rate η:", self.lr_spin)):
            controls.addWidget(QLabel(label))
            controls.addWidget(widget)
            controls.addSpacing(10)
        controls.addWidget(self.log_check)
        controls.addStretch(1)
        controls.addWidget(self.run_button)
        controls.addWidget(self.stop_button)
        controls.addWidget(save_picture_button(self, self.save_picture, "gd-sgd-minibatch"))

        # the name is the user's text (a network built in code or edited in the window is not validated)
        name = html.escape(for_terminal(self.experiment.name))
        self.intro = intro = QLabel(
            f"<b>Gradient descent, SGD and mini-batches</b> on <i>{name}</i> "
            f"({n} training sample{'' if n == 1 else 's'}, {_optimizer_text(self.experiment)}, η as below). "
            "All three start from the same weights and see the same samples; an <i>iteration</i> is one "
            "update on one batch, an <i>epoch</i> one pass over the training set (n/n₀ iterations).")
        intro.setObjectName("comparisonIntro")
        intro.setTextFormat(Qt.TextFormat.RichText)
        intro.setWordWrap(True)
        intro.setFont(font(10.5))
        intro.setStyleSheet(f"color: {INK};")

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
        top.setScale(1.0 / max(1, n))
        self.time_plot = styled_plot("… and by wall time spent training", "wall time (ms, log scale)",
                                     "loss E", font_size=10)
        self.time_plot.getPlotItem().setLogMode(x=True)
        self.time_plot.setObjectName("timePlot")
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.time_curves: dict[str, pg.PlotDataItem] = {}
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
            self.curves[mode] = self.samples_plot.plot([], [], pen=pen(color, 2.2), symbol=symbol, symbolSize=6,
                                                       symbolBrush=pg.mkBrush(color), symbolPen=None, name=mode)
            self.time_curves[mode] = self.time_plot.plot([], [], pen=pen(color, 2.2), symbol=symbol, symbolSize=6,
                                                         symbolBrush=pg.mkBrush(color), symbolPen=None, name=mode)

        self.table = QLabel()
        self.table.setObjectName("comparisonTable")
        self.table.setTextFormat(Qt.TextFormat.RichText)
        self.table.setFont(font(10))
        self.status = QLabel()
        self.status.setObjectName("comparisonStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # it may show an error message
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
        plots.addWidget(self.time_plot, 1)
        column.addLayout(plots, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(intro)
        layout.addLayout(controls)
        layout.addWidget(self.plots, 1)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        self._set_log(True)
        self.resize(fitting_size(self, 1200, 700))
        # started from the event loop: a view shown right away paints first, so that the first mode
        # timed (GD) does not wait for the GUI thread's first layout and paint
        self._pending_run = run_now
        self._submission = None
        self._painted = False
        if run_now:  # (the text run() shows: nothing to lay out again when the run starts)
            self.status.setText(f"Running {self.epochs_spin.value()} epochs of each batch mode…")
            self._set_running(True)
            QTimer.singleShot(0, self, self._start_pending)

    # ---- running ---------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._submission is not None or self.worker.busy

    def _start_pending(self) -> None:
        if not self._pending_run or (self.isVisible() and not self._painted):
            return  # (a shown view starts once it has painted: see paintEvent)
        self.run()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            if self._pending_run:  # pyqtgraph repaints the plots a few times after the first paint
                QTimer.singleShot(SETTLE_MS, self, self._start_pending)

    def run(self) -> None:
        self._pending_run = False
        exp = self.experiment
        epochs, size, lr = self.epochs_spin.value(), self.size_spin.value(), self.lr_spin.value()
        self.status.setText(f"Running {epochs} epochs of each batch mode…")
        self._set_running(True)
        # handed to the worker once the event loop has repainted what changed here: the GUI thread
        # painting (and holding Python's lock) during a timed run would be counted as training time
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
        self.run_button.setEnabled(not running)
        self.stop_button.setEnabled(running)

    def _on_failed(self, _job: int, message: str) -> None:
        self.error = message
        self._set_running(False)
        self.status.setText("The comparison failed: " + for_terminal((message.splitlines() or [""])[0]))

    def _on_result(self, job: int, runs: list[BatchRun]) -> None:
        if job != self._job:
            return
        self.runs = runs
        self.error = None
        self._set_running(False)
        self._draw()
        self.resultReady.emit()

    # ---- drawing ---------------------------------------------------------------------------------
    def _set_log(self, on: bool) -> None:
        for plot in (self.samples_plot, self.time_plot):
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
        entries = []
        rows = []
        for run in self.runs:
            label = f"{run.title}, n₀ = {run.batch_size}"
            self.curves[run.mode].setData(run.samples_seen, run.loss)
            timed = run.wall_time > 0  # the start (no time spent yet) has no place on a log axis
            self.time_curves[run.mode].setData(run.wall_time[timed] * 1000.0, run.loss[timed])
            entries.append((run.mode, label))
            color = MODE_COLORS[run.mode]
            note = " <span style='color:#b91c1c'>(diverged)</span>" if run.diverged else ""
            rows.append(
                f"<tr><td><span style='color:{color}; font-size:13pt'>●</span> <b>{run.title}</b></td>"
                f"<td align='right'>{run.batch_size}</td><td align='right'>{run.iterations_per_epoch}</td>"
                f"<td align='right'>{run.total_iterations}</td><td align='right'>{short(run.epochs[-1])}</td>"
                f"<td align='right'>{run.total_samples}</td>"
                f"<td align='right'>{to_html(short(run.final_loss))}{note}</td>"
                f"<td align='right'>{short(run.wall_time[-1] * 1000.0)} ms</td></tr>")
        self._set_legend(entries)
        head = "".join(f"<th align='{a}' style='padding: 0 10px'>{h}</th>" for h, a in (
            ("batch mode", "left"), ("batch size", "right"), ("iterations / epoch", "right"),
            ("iterations", "right"), ("epochs", "right"), ("samples seen", "right"), ("final loss", "right"),
            ("training time", "right")))
        self.table.setText(f"<table cellspacing='0' cellpadding='3'><tr>{head}</tr>{''.join(rows)}</table>")
        self.status.setText("Loss on the whole training set after each recorded iteration; wall time counts "
                            "training only (evaluating the loss for the plot is not timed).")

    def save_picture(self, path: Path) -> Path:
        """Both plots side by side, as shown, as PNG."""
        return save_widget_png(self.plots, path)

    # ---- lifetime --------------------------------------------------------------------------------
    def shutdown(self) -> None:
        self._pending_run = False
        self._submission = None
        self.worker.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
