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
    from sandbox.gui.decision_boundary import DecisionBoundaryView

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
