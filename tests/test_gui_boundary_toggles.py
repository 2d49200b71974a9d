"""The input-plane map's legend and its "Show test data" and "Discretize output" toggles (issue 13, point 6)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from sandbox.files import load_experiment  # noqa: E402
from sandbox.gui.common.icons import resource_file  # noqa: E402
from sandbox.gui.training.grid import GRID_SIZE, GridOutput, discretize, extent_for, grid_output  # noqa: E402


def _view(qtbot, name: str):
    from sandbox.gui.training.decision_boundary import DecisionBoundaryView

    exp = load_experiment(resource_file("networks", name))
    view = DecisionBoundaryView()
    qtbot.addWidget(view)
    view.resize(520, 320)
    view.show()
    view.set_experiment(exp)
    qtbot.waitExposed(view)
    return view, exp


def _engine_grid(exp) -> GridOutput:
    data = exp.data
    grid = grid_output(exp.network, GRID_SIZE, extent_for(np.vstack([data.inputs, data.test_inputs])))
    assert grid is not None
    return grid


def test_discretize_snaps_at_the_threshold_and_keeps_nan():
    out = np.array([[0.2, 0.5], [0.7, np.nan]])
    snapped = discretize(out, 0.5, 0.0, 1.0)
    np.testing.assert_array_equal(snapped[0], [0.0, 1.0])
    assert snapped[1, 0] == 1.0 and np.isnan(snapped[1, 1])
    np.testing.assert_array_equal(discretize(np.array([-0.3, 0.1]), 0.0, -1.0, 1.0), [-1.0, 1.0])


def test_legend_names_training_and_test_points(qtbot):
    view, exp = _view(qtbot, "spiral.json")
    assert exp.data.has_test
    assert view.legend.isVisible()
    assert view.legend_labels() == ["training data", "test data"]
    # the legend's samples have the outlines of the points they stand for
    assert view.train_sample.opts["pen"].color() == view.train_points.opts["pen"].color()
    assert view.test_sample.opts["pen"].color() == view.test_points.opts["pen"].color()
    assert view.show_test_check.isVisible() and view.discretize_check.isVisible()


def test_show_test_data_hides_the_test_points_and_their_legend_entry(qtbot):
    view, _ = _view(qtbot, "spiral.json")
    check = view.show_test_check
    assert check.isChecked() and check.isEnabled() and view.test_points.isVisible()
    check.setChecked(False)
    assert not view.test_points.isVisible() and view.train_points.isVisible()
    assert view.legend_labels() == ["training data"]
    check.setChecked(True)
    assert view.test_points.isVisible() and view.legend_labels() == ["training data", "test data"]


def test_without_test_data_the_toggle_is_disabled(qtbot):
    view, exp = _view(qtbot, "lecture17-logistic.json")
    assert not exp.data.has_test
    assert not view.show_test_check.isEnabled()
    assert not view.test_points.isVisible()
    assert view.legend_labels() == ["training data"]


def test_discretize_output_shows_the_engines_grid_snapped_to_two_classes(qtbot):
    view, exp = _view(qtbot, "spiral.json")
    grid = _engine_grid(exp)
    np.testing.assert_allclose(view.image.image, grid.output, rtol=0, atol=1e-12)  # off: the output itself
    view.discretize_check.setChecked(True)
    shown = view.image.image
    assert set(np.unique(shown)) == {0.0, 1.0}
    np.testing.assert_array_equal(shown, grid.discretized(0.5, 0.0, 1.0))
    np.testing.assert_array_equal(shown, np.where(grid.output >= 0.5, 1.0, 0.0))
    view.discretize_check.setChecked(False)
    np.testing.assert_allclose(view.image.image, grid.output, rtol=0, atol=1e-12)


def test_discretize_is_disabled_for_a_regression(qtbot):
    view, exp = _view(qtbot, "regression-plane.json")
    assert exp.network.input_size == 2
    assert not view.discretize_check.isEnabled()
    view.discretize_check.setChecked(True)  # (even checked, a regression's map stays continuous)
    np.testing.assert_allclose(view.image.image, np.clip(_engine_grid(exp).output, *view._levels), rtol=0, atol=1e-12)


def test_the_toggles_change_no_experiment_data(qtbot):
    view, exp = _view(qtbot, "spiral.json")
    before = (exp.data.test_inputs.copy(), [layer.weights.copy() for layer in exp.network.layers])
    view.show_test_check.setChecked(False)
    view.discretize_check.setChecked(True)
    np.testing.assert_array_equal(exp.data.test_inputs, before[0])
    for layer, w in zip(exp.network.layers, before[1]):
        np.testing.assert_array_equal(layer.weights, w)
