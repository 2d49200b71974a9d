"""Pieces of the live-training views: the plots' bounded series, the decision boundary's grids."""

from __future__ import annotations

import numpy as np

from sandbox.gui.training.grid import GRID_SIZE, HIDDEN_GRID_SIZE, extent_for, grid_output
from sandbox.gui.training.live_plots import Series

from training_support import spiral_experiment


def test_a_huge_batch_keeps_its_last_part_whole_and_thins_the_part_before():
    s = Series(1, cap=400)
    x = np.arange(1.0, 1001.0)
    s.append(x, x * 2.0)
    assert s.n <= 200
    assert s.last_x == 1000.0 and s.x[0] == 1.0  # the whole range, to the last point
    np.testing.assert_array_equal(s.x[-100:], x[-100:])  # the last part: every point
    np.testing.assert_array_equal(s.y[:, 0], s.x * 2.0)
    assert np.all(np.diff(s.x) > 0)


def test_the_decision_boundary_asks_the_engine_once(qtbot, monkeypatch):
    from sandbox.gui.training.decision_boundary import DecisionBoundaryView

    exp = spiral_experiment()
    view = DecisionBoundaryView()
    qtbot.addWidget(view)
    view.set_experiment(exp)
    net = exp.network
    calls = []
    forward = net.forward
    monkeypatch.setattr(net, "forward", lambda x: calls.append(len(x)) or forward(x))
    view.refresh_from_engine()
    assert calls == [GRID_SIZE ** 2 + HIDDEN_GRID_SIZE ** 2]
    data = exp.data
    expected = grid_output(exp.network, GRID_SIZE, extent_for(np.vstack([data.inputs, data.test_inputs])))
    np.testing.assert_allclose(view.image.image, expected.output, rtol=0, atol=1e-12)
    images = view.hidden_maps._images
    assert [len(row) for row in images] == [8, 8]
    assert all(image.width() == image.height() == HIDDEN_GRID_SIZE for row in images for image in row)


def test_a_layer_without_gradient_draws_no_warning(qtbot):
    """A frozen (or brand-new) layer's zero gradients have no place on a log axis: its curve is empty,
    and pyqtgraph has no all-NaN data to warn about when it paints (with dots, as on a short curve)."""
    import warnings

    import pyqtgraph as pg

    from sandbox.gui.training.live_plots import GradientCurves, LossCurves

    plot, loss_plot = pg.PlotWidget(), pg.PlotWidget()
    for p in (plot, loss_plot):
        qtbot.addWidget(p)
        p.resize(500, 250)
        p.show()
    curves = GradientCurves(plot)
    curves.set_layers(["layer 1", "layer 2"])
    norms = np.ones((50, 2))
    norms[:, 1] = 0.0
    losses = LossCurves(loss_plot)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        curves.series.append(np.arange(1.0, 51.0), norms)
        curves.redraw()
        losses.batch.append(np.arange(1.0, 51.0), np.zeros(50))
        losses.redraw()
        plot.grab()
        loss_plot.grab()
    assert [str(w.message) for w in caught] == []
    first, second = curves.curves
    assert len(first.xData) == 50 and np.all(first.yData == 1.0)
    assert second.xData is None or len(second.xData) == 0


def test_the_loss_axes_show_the_data_that_matter(qtbot):
    """Losses falling from 1 to 1e-300 show at most ~12 decades (not 300), and a history that starts
    at iteration 1000 (the network changed shape there) is not squeezed against an axis from 0."""
    import pyqtgraph as pg

    from sandbox.gui.training.live_plots import SHOWN_DECADES, GradientCurves, LossCurves

    plot, gradient_plot = pg.PlotWidget(), pg.PlotWidget()
    for p in (plot, gradient_plot):
        qtbot.addWidget(p)
        p.resize(500, 250)
    curves = LossCurves(plot)
    x = np.arange(1001.0, 3001.0)
    losses = np.logspace(0, -300, len(x))
    curves.batch.append(x, losses)
    curves.evaluation.append([2000.0, 3000.0], [[1e-30, np.nan], [1e-40, np.nan]])
    curves.redraw()
    (x0, x1), (y0, y1) = curves.range.view.viewRange()
    assert y1 - y0 <= SHOWN_DECADES + 2.5 and y1 >= 0.0
    assert 950.0 <= x0 <= 1000.0 and 3000.0 <= x1 <= 5500.0
    gradients = GradientCurves(gradient_plot)
    gradients.set_layers(["layer 1"])
    gradients.series.append(x, np.logspace(-1, -200, len(x))[:, None])
    gradients.redraw()
    (x0, x1), (y0, y1) = gradients.range.view.viewRange()
    assert y1 - y0 <= SHOWN_DECADES + 2.5 and 950.0 <= x0 <= 1000.0


def test_epoch_marks_are_evenly_spaced_ticks_on_the_bottom_of_the_plot(qtbot):
    import pyqtgraph as pg

    from sandbox.gui.training.live_plots import EPOCH_TICK_GAP_PX, LossCurves

    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.resize(600, 250)
    curves = LossCurves(plot)
    rng = np.random.default_rng(0)
    x = np.arange(1.0, 48001.0)
    curves.batch.append(x, np.exp(-x / 10000.0) * rng.uniform(0.1, 2.0, len(x)))  # noisy batch losses
    ends = np.arange(24.0, 48001.0, 24.0)  # 24 iterations an epoch: 2000 epochs
    curves.epochs.append(ends, np.arange(1.0, len(ends) + 1.0))
    curves.batches_per_epoch = 24
    curves.redraw()
    mx, my = curves.epoch_marks.xData, curves.epoch_marks.yData
    step = curves.epoch_step
    assert step in (10, 20, 50, 100, 200) and len(mx) <= 600 // EPOCH_TICK_GAP_PX
    np.testing.assert_array_equal(mx, ends[step - 1::step])  # the step-th, 2·step-th … epochs' ends
    assert len(set(np.diff(mx))) == 1  # evenly spaced
    (_, _), (y0, y1) = curves.range.view.viewRange()
    assert len(set(my)) == 1 and y0 < np.log10(my[0]) < y0 + 0.1 * (y1 - y0)  # all on the bottom
    legend = {label.text for _, label in curves.item.legend.items}
    assert f"every {step}th epoch" in legend


def test_a_sample_on_the_data_edge_is_drawn_whole_and_the_dock_names_what_it_shows(qtbot):
    """The lecture's logistic example has its one sample at x₁ = 1, the largest coordinate: even in the
    smallest view the whole dot lies inside the plot. A regression network's dock is not called a
    decision boundary."""
    from PySide6.QtCore import QPointF

    from sandbox.files import load_experiment
    from sandbox.gui.common.icons import resource_file
    from sandbox.gui.training.decision_boundary import DecisionBoundaryView, view_title

    exp = load_experiment(resource_file("networks", "lecture17-logistic.json"))
    view = DecisionBoundaryView()
    qtbot.addWidget(view)
    view.resize(view.minimumSize())
    view.show()
    view.set_experiment(exp)
    qtbot.waitExposed(view)
    box = view.plot.getPlotItem().getViewBox()
    inside = box.sceneBoundingRect()
    x, y = exp.data.inputs[0]
    centre = box.mapViewToScene(QPointF(x, y))
    radius = 0.5 * view.train_points.opts["size"] + 1.0  # the dot and its outline
    assert inside.width() < 160
    assert inside.right() - centre.x() >= radius + 1.0
    assert view_title(exp) == "Decision boundary"
    for name in ("regression-plane.json", "momentum.json", "lecture17-linear.json"):
        assert view_title(load_experiment(resource_file("networks", name))) == "Output over the input plane"


def _bin_extremes(x: np.ndarray, y: np.ndarray, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Each whole bin's lowest and highest value per column, as ``peak_decimate`` bins the points."""
    k = int(np.ceil(len(x) / bins))
    m = len(x) // k
    blocks = y[: m * k].reshape(m, k, -1)
    return np.nanmin(blocks, axis=1), np.nanmax(blocks, axis=1)


def test_peak_decimate_keeps_each_columns_lowest_and_highest_value_per_bin():
    """Two columns (the whole training and test sets' losses): each bin keeps its low and high of each
    column, at the bin's first and last x; the last, partial bin is kept as it is."""
    from sandbox.gui.training.live_plots import peak_decimate

    rng = np.random.default_rng(1)
    n, bins = 997, 100  # more than 2 × bins: decimated (99 bins of 10 points, 7 left over)
    x = np.arange(1.0, n + 1.0)
    y = np.column_stack([rng.uniform(0.1, 1.0, n), rng.uniform(1.0, 2.0, n)])
    y[::7, 1] = np.nan  # a test loss the data have no test set for, now and then
    xs, ys = peak_decimate(x, y, 0.0, n + 1.0, bins)
    assert ys.shape == (2 * 99 + 7, 2) and xs.shape == (2 * 99 + 7,)
    lo, hi = _bin_extremes(x, y, bins)
    assert lo.shape == (99, 2) and np.isfinite(lo).all()
    np.testing.assert_array_equal(ys[0:198:2], lo)
    np.testing.assert_array_equal(ys[1:198:2], hi)
    np.testing.assert_array_equal(xs[0:198:2], x[0:990:10])
    np.testing.assert_array_equal(xs[1:198:2], x[9:990:10])
    np.testing.assert_array_equal(xs[198:], x[990:])
    np.testing.assert_array_equal(ys[198:], y[990:])
    assert ys[:, 0].min() == y[:, 0].min() and ys[:, 0].max() == y[:, 0].max()
    # one column as before: a 1-d result, the same values as column 0 of the 2-column call
    x1, y1 = peak_decimate(x, y[:, 0], 0.0, n + 1.0, bins)
    assert y1.ndim == 1
    np.testing.assert_array_equal(x1, xs)
    np.testing.assert_array_equal(y1, ys[:, 0])


def test_the_whole_sets_losses_of_a_long_run_are_drawn_decimated_not_dropped(qtbot):
    """More whole-set evaluations in view than twice the plot's bins (about 16 s of training at 30
    reports a second): the training and test curves show each bin's lowest and highest loss (this
    raised 'cannot reshape array' on every redraw, and the plot stopped)."""
    import pyqtgraph as pg

    from sandbox.gui.training.live_plots import LossCurves, _bins

    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.resize(600, 250)
    curves = LossCurves(plot)
    bins = _bins(plot)
    n = 2 * bins * 5 + 7
    x = np.arange(1.0, n + 1.0) * 100.0  # one evaluation every 100 iterations
    rng = np.random.default_rng(2)
    train = np.exp(-x / x[-1]) * rng.uniform(0.5, 1.5, n)
    test = 2.0 * train
    curves.batch.append(np.arange(1.0, x[-1] + 1.0), np.full(int(x[-1]), 0.5))
    curves.evaluation.append(x, np.column_stack([train, test]))
    curves.redraw()
    tx, ty = curves.train_curve.xData, curves.train_curve.yData
    sx, sy = curves.test_curve.xData, curves.test_curve.yData
    assert 2 * bins // 2 <= len(tx) <= 2 * bins + 2 * 10 and len(sx) == len(tx)
    assert tx[0] == x[0] and tx[-1] == x[-1]  # the whole run, to the last evaluation
    np.testing.assert_array_equal(tx, sx)
    lo, hi = _bin_extremes(x, np.column_stack([train, test]), bins)
    m = len(lo)
    np.testing.assert_allclose(ty[0:2 * m:2], lo[:, 0], rtol=1e-12)
    np.testing.assert_allclose(ty[1:2 * m:2], hi[:, 0], rtol=1e-12)
    np.testing.assert_allclose(sy[0:2 * m:2], lo[:, 1], rtol=1e-12)
    np.testing.assert_allclose(sy[1:2 * m:2], hi[:, 1], rtol=1e-12)
    assert ty.min() == train.min() and ty.max() == train.max() and sy.max() == test.max()
    # long curves are drawn with cheap pens: 1 pixel, cosmetic, not antialiased
    for curve in (curves.batch_curve, curves.train_curve, curves.test_curve):
        pen = curve.opts["pen"]
        assert pen.widthF() == 1.0 and pen.isCosmetic() and not curve.opts["antialias"]


def _report(first: int, n: int, running: bool, grid=None, layers: int = 3):
    """What the training view reads of a worker's report: n iterations after ``first``."""
    from types import SimpleNamespace

    x = np.arange(first + 1, first + n + 1, dtype=np.float64)
    return SimpleNamespace(
        iteration=first + n, epoch=(first + n) // 24, batches_per_epoch=24, first_iteration=first,
        losses=1.0 / x, weight_grad_norms=np.outer(1.0 / x, np.arange(1.0, layers + 1.0)),
        epoch_ends=[int(e) for e in x if e % 24 == 0], evaluation=(first + n, 0.5 / (first + n), 0.6 / (first + n)),
        running=running, grid=grid, iterations_per_second=1000.0, epochs_per_second=40.0)


def test_reports_only_fill_the_plots_buffers_and_the_plot_clock_draws_them(qtbot, isolated_settings):
    """While training runs a report appends to the plots' buffers and starts their clock; its ticks draw
    what every report brought since, one group of views a tick (the loss curves and the output map, then
    the gradient curves and the hidden neurons' maps); it stops once nothing is left to draw, and the
    report of a pause is drawn at once."""
    from sandbox.gui import MainWindow
    from sandbox.gui.common.icons import resource_file

    w = MainWindow(resource_file("networks", "spiral.json"))
    qtbot.addWidget(w)
    training = w.training
    loss, grads, boundary = training.loss_curves, training.gradient_curves, training.boundary
    exp = w.document.experiment
    data = exp.data
    grid = grid_output(exp.network, GRID_SIZE, extent_for(np.vstack([data.inputs, data.test_inputs])),
                       HIDDEN_GRID_SIZE)
    drawn = (loss.updates, grads.updates, boundary.updates)
    training._on_report(_report(0, 50, True, grid))
    training._on_report(_report(50, 30, True))
    assert (loss.updates, grads.updates, boundary.updates) == drawn  # nothing drawn yet
    assert loss.dirty and grads.dirty and loss.batch.n == 80 and grads.series.n == 80
    assert loss.batch.last_x == 80 and loss.evaluation.n == 2 and loss.epochs.n == 3
    assert training.plot_clock.isActive()
    with qtbot.waitSignal(training.plot_clock.timeout, timeout=5000):
        pass
    assert (loss.updates, grads.updates, boundary.updates) == (drawn[0] + 1, drawn[1], drawn[2] + 1)
    assert not loss.dirty and grads.dirty  # the gradients come with the next tick
    with qtbot.waitSignal(training.plot_clock.timeout, timeout=5000):
        pass
    assert (loss.updates, grads.updates, boundary.updates) == (drawn[0] + 1, drawn[1] + 1, drawn[2] + 1)
    assert not grads.dirty
    np.testing.assert_array_equal(w.loss_plot.curve.xData, np.arange(1.0, 81.0))
    np.testing.assert_allclose(w.loss_plot.curve.yData, 1.0 / np.arange(1.0, 81.0))
    np.testing.assert_array_equal(loss.train_curve.xData, [50.0, 80.0])
    for l, curve in enumerate(w.gradient_plot.curves):
        np.testing.assert_allclose(curve.yData, (l + 1.0) / np.arange(1.0, 81.0))
    np.testing.assert_array_equal(boundary.image.image, grid.output)
    qtbot.waitUntil(lambda: not training.plot_clock.isActive(), timeout=5000)  # a tick without news
    assert (loss.updates, grads.updates) == (drawn[0] + 1, drawn[1] + 1)
    training._on_report(_report(80, 20, False))  # the report of a pause: drawn at once
    assert loss.updates == drawn[0] + 2 and grads.updates == drawn[1] + 2
    assert w.loss_plot.curve.xData[-1] == 100.0 and loss.train_curve.xData[-1] == 100.0
    assert not training.plot_clock.isActive()


def test_the_grid_of_a_network_of_many_neurons_is_computed_in_bounded_chunks_without_hidden_maps():
    from sandbox.engine import Layer, Network
    from sandbox.gui.training import grid as G
    rng = np.random.default_rng(3)
    wide = Network(2, [Layer(rng.normal(size=(3000, 2)), "tanh", np.zeros(3000)),
                       Layer(rng.normal(size=(1, 3000)) / 50, "sigmoid", np.zeros(1))])
    out = G.grid_output(wide, size=G.GRID_SIZE, extent=(-1.0, 1.0, -1.0, 1.0))
    assert out is not None and out.hidden == [] and out.output.shape == (G.GRID_SIZE, G.GRID_SIZE)
    points = G.grid_points(G.GRID_SIZE, (-1.0, 1.0, -1.0, 1.0))
    np.testing.assert_allclose(out.output.ravel(), wide.forward(points).prediction[:, 0], rtol=0, atol=1e-12)
    small = G.grid_output(Network(2, [Layer(rng.normal(size=(4, 2)), "tanh"), Layer(rng.normal(size=(1, 4)),
                                                                                       "sigmoid")]))
    assert small is not None and len(small.hidden) == 1 and small.hidden[0].shape == (4, 32, 32)
