"""GD vs SGD vs mini-batch view: plots the engine's runs by samples seen and by updates, tabulates counts
and measured time (median and range), explains one sample and offers a data set, thread ends."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QTextDocument

from sandbox.engine import Experiment, Layer, Network, OptimizerSpec
from sandbox.engine.comparison import compare_batch_modes
from sandbox.engine.datasets import generate
from sandbox.gui.lecture.batch_comparison_view import BatchComparisonView, _ms


def regression(optimizer: OptimizerSpec | None = None) -> Experiment:
    rng = np.random.default_rng(0)
    net = Network(2, [Layer(rng.normal(size=(3, 2)) * 0.5, "tanh", np.zeros(3)),
                      Layer(rng.normal(size=(1, 3)) * 0.5, "identity", np.zeros(1))])
    return Experiment(net, generate("plane", 40, 0.1, 0), name="plane",
                      optimizer=optimizer or OptimizerSpec("sgd", 0.05))


def plain(label) -> str:
    doc = QTextDocument()
    doc.setHtml(label.text())
    return doc.toPlainText()


@pytest.fixture
def view(qtbot):
    v = BatchComparisonView(regression(OptimizerSpec("adam", 0.01)), epochs=3)
    qtbot.addWidget(v)
    qtbot.waitUntil(lambda: bool(v.runs) and not v.busy, timeout=20000)
    yield v
    v.shutdown()
    assert not v.worker.running


def test_plots_show_the_engine_runs_of_plain_sgd(view):
    # the file trains with Adam: the view proposes plain SGD's η and the engine runs plain SGD
    assert view.lr_spin.value() == 0.1
    assert "Adam, whose η is no SGD step" in plain(view.intro) and "plain SGD" in plain(view.intro)
    expected = compare_batch_modes(regression(OptimizerSpec("adam", 0.01)), epochs=3, minibatch_size=4,
                                   learning_rate=0.1, timing_repeats=0)
    assert view.size_spin.value() == 4
    assert (view.result.optimizer, view.result.reduction, view.result.learning_rate) == ("sgd", "mean", 0.1)
    for run, exp in zip(view.runs, expected.runs, strict=True):
        assert run.mode == exp.mode
        curve = view.curves[run.mode]  # xData/yData: the data as given, before the log display
        np.testing.assert_array_equal(curve.xData, exp.samples_seen)
        np.testing.assert_array_equal(curve.yData, exp.loss)
        by_update = view.update_curves[run.mode]
        np.testing.assert_array_equal(by_update.xData, exp.iterations[1:])  # update 0 is off the log axis
        np.testing.assert_array_equal(by_update.yData, exp.loss[1:])
    assert view.updates_plot.getPlotItem().ctrl.logXCheck.isChecked()


def test_counts_and_the_timing_table(view):
    text = view.table.text()
    assert "updates / epoch" in text and "ms per epoch: median (min–max of 5)" in text
    # GD: 1 update per epoch, 3 in all; SGD: 40 per epoch, 120; mini-batch of 4: ceil(40/4) = 10 per epoch, 30
    for cells in ("<td align='right'>40</td><td align='right'>1</td><td align='right'>3</td>",
                  "<td align='right'>1</td><td align='right'>40</td><td align='right'>120</td>",
                  "<td align='right'>4</td><td align='right'>10</td><td align='right'>30</td>"):
        assert cells in text
    assert [t.repeats for t in view.result.timings] == [5, 5, 5]
    shown = plain(view.table)
    for t in view.result.timings:  # the engine's median and range, as measured (no durations asserted)
        assert f"{_ms(t.median_ms)} ({_ms(t.min_ms)}–{_ms(t.max_ms)})" in shown
    top = view.samples_plot.getPlotItem().getAxis("top")
    assert top.labelText == "epochs" and top.scale == pytest.approx(1 / 40)
    # the mean vs sum point, with this data set's numbers
    assert "40× as far" in view.mean_note.text() and "one η fits all batch sizes" in view.mean_note.text()
    assert view.mean_note.isVisibleTo(view) and not view.notice.isVisibleTo(view)
    # one legend row above both plots (none inside them to hide a curve)
    assert view.legend_entries == [
        "GD (full batch), n₀ = 40", "SGD (one sample), n₀ = 1", "Mini-batch SGD, n₀ = 4"]
    assert view.samples_plot.getPlotItem().legend is None and view.updates_plot.getPlotItem().legend is None
    assert view.legend.isVisibleTo(view) and view.legend.parent() is view.plots  # in the saved picture too
    assert view.plots.layout().indexOf(view.legend) == 0  # the row above the plots


def test_rerun_with_other_settings(view, qtbot):
    view.epochs_spin.setValue(2)
    view.size_spin.setValue(8)
    view.lr_spin.setValue(0.2)
    with qtbot.waitSignal(view.resultReady, timeout=20000):
        view.run()
    assert [r.total_samples for r in view.runs] == [80, 80, 80]
    assert view.runs[2].iterations_per_epoch == 5 and view.result.learning_rate == 0.2


def test_one_sample_explains_and_offers_a_data_set(qtbot, lecture):
    v = BatchComparisonView(lecture, epochs=2)
    qtbot.addWidget(v)
    v.show()
    qtbot.waitUntil(lambda: v._painted, timeout=5000)
    assert not v.busy and v.runs == [] and not v.run_button.isEnabled()
    assert v.notice.isVisibleTo(v) and not v.plots.isVisibleTo(v)
    assert "one training sample" in plain(v.notice_text) and "same computation" in plain(v.notice_text)
    assert v.offer_button.isVisibleTo(v) and "200 samples of a plane" in v.offer_button.text()
    with qtbot.waitSignal(v.resultReady, timeout=20000):
        v.offer_button.click()
    assert v.experiment.data.n_train == 200 and v.generated
    assert [r.total_samples for r in v.runs] == [400, 400, 400]
    assert "generated for this view" in plain(v.intro) and "the document is unchanged" in plain(v.intro)
    assert not v.notice.isVisibleTo(v) and v.plots.isVisibleTo(v)
    assert lecture.data.n_train == 1  # the experiment given is unchanged
    v.close()
    assert not v.worker.running


def test_stop_and_close(qtbot):
    v = BatchComparisonView(regression(), epochs=200)
    qtbot.addWidget(v)
    v.stop()
    qtbot.waitUntil(lambda: not v.busy, timeout=10000)
    assert v.run_button.isEnabled()
    v.close()
    assert not v.worker.running


def test_log_axis_labels_use_superscript_powers():
    from sandbox.gui.lecture.plot_style import _sparse_log_strings, log_label

    assert [log_label(v) for v in (1e-6, 2e-5, 5e-4, 0.001, 0.05, 1, 500, 1e5, 2e7)] == [
        "10⁻⁶", "2·10⁻⁵", "5·10⁻⁴", "0.001", "0.05", "1", "500", "10⁵", "2·10⁷"]
    assert _sparse_log_strings([-5.0, np.log10(3e-5), np.log10(5e-5)], 1, 1) == ["10⁻⁵", "", "5·10⁻⁵"]


@pytest.mark.parametrize("low, high, expected", [
    (0.6, 0.75, ["0.6", "0.65", "0.7", "0.75"]),  # no 1, 2 or 5 in the range: round values instead
    (0.62, 0.66, ["0.62", "0.63", "0.64", "0.65", "0.66"]),
    (1.1e-5, 1.9e-5, ["1.2·10⁻⁵", "1.4·10⁻⁵", "1.6·10⁻⁵", "1.8·10⁻⁵"]),
])
def test_a_short_log_range_still_has_numbers(qtbot, low, high, expected):
    from sandbox.gui.lecture.plot_style import readable_log_axes, styled_plot

    plot = styled_plot()
    qtbot.addWidget(plot)
    plot.getPlotItem().setLogMode(y=True)
    readable_log_axes(plot)
    axis = plot.getPlotItem().getAxis("left")
    lo, hi = np.log10(low), np.log10(high)
    labels = [text for spacing, values in axis.tickValues(lo, hi, 300)
              for text in axis.tickStrings(values, 1.0, spacing) if text]
    assert labels == expected
    # a range over decades keeps the sparse 1, 2, 5 labels
    wide = [text for spacing, values in axis.tickValues(-3.0, 0.0, 300)
            for text in axis.tickStrings(values, 1.0, spacing) if text]
    assert "0.01" in wide and "0.02" in wide and "0.03" not in wide


def test_a_shown_view_starts_its_run_after_it_has_painted(qtbot):
    v = BatchComparisonView(regression(), epochs=2)
    qtbot.addWidget(v)
    v.show()
    assert v._job == 0 and not v.worker.busy  # nothing timed while the window opens and paints
    qtbot.waitUntil(lambda: v._painted, timeout=5000)
    qtbot.waitUntil(lambda: len(v.runs) == 3, timeout=20000)
    assert [r.mode for r in v.runs] == ["full", "single", "minibatch"]
    v.close()
    assert not v.worker.running
