"""Landscape view: its grid is the engine's loss, its paths the engine's optimizer runs, its thread ends."""

from __future__ import annotations

import numpy as np
import pytest

from sandbox.engine import get_loss
from sandbox.engine.landscape import elongated_bowl, optimizer_paths, shading
from sandbox.gui.lecture.landscape_view import LandscapeView


@pytest.fixture
def make_view(qtbot):
    views = []

    def make(experiment, **kwargs):
        kwargs.setdefault("autoplay", False)
        kwargs.setdefault("resolution", 25)
        kwargs.setdefault("steps", 20)
        view = LandscapeView(experiment, **kwargs)
        qtbot.addWidget(view)
        views.append(view)
        qtbot.waitUntil(lambda: view.result is not None and not view.busy, timeout=10000)
        return view

    yield make
    for v in views:
        v.shutdown()
        assert not v.worker.running


def test_grid_equals_engine_loss_at_sampled_points(make_view, lecture):
    view = make_view(lecture, param_a="w1", param_b="w5")
    g = view.result.grid
    assert (g.param_a, g.param_b) == ("w1", "w5")
    assert g.loss.shape == (25, 25)
    loss = get_loss("mse")
    rng = np.random.default_rng(1)
    for i, j in zip(rng.integers(0, 25, 10), rng.integers(0, 25, 10)):
        net = lecture.network.copy()
        net.layers[0].weights[0, 0] = g.a_values[i]
        net.layers[1].weights[0, 0] = g.b_values[j]
        assert g.loss[i, j] == net.loss(lecture.data.inputs, lecture.data.targets, loss, "mean")
    # the heat map shows the engine's shading of that grid
    np.testing.assert_array_equal(view.image.image, shading(g))
    assert len(view.contours) == len(view.result.levels) > 0


def test_drawn_paths_equal_engine_optimizer_runs(make_view, lecture):
    view = make_view(lecture, param_a="w2", param_b="w6")
    expected = optimizer_paths(lecture, "w2", "w6", steps=20, learning_rate=0.05, momentum=0.9)
    assert view.frame == 0
    for key in ("sgd", "momentum", "rmsprop", "adam"):
        np.testing.assert_array_equal(view.drawn_path(key), expected[key].points[:1])
    view.advance()
    view.advance()
    for key in expected:
        np.testing.assert_array_equal(view.drawn_path(key), expected[key].points[:3])
    view.show_all()
    for key in expected:
        np.testing.assert_array_equal(view.drawn_path(key), expected[key].points)
        assert view.drawn_path(key).shape == (21, 2)
    assert "Step <b>20</b> of 20" in view.table.text()
    assert [item[1].text for item in view.legend.items] == ["SGD", "SGD + momentum", "RMSProp", "Adam"]


def test_animation_runs_to_the_end(make_view, lecture, qtbot):
    view = make_view(lecture, steps=8)
    view.speed_slider.setValue(60)
    with qtbot.waitSignal(view.animationFinished, timeout=5000):
        view.play()
    assert view.frame == view.last_frame == 8
    assert not view.timer.isActive()


def test_changing_parameters_recomputes_and_drops_stale_results(make_view, lecture, qtbot):
    view = make_view(lecture)
    assert (view.result.grid.param_a, view.result.grid.param_b) == ("w1", "w2")
    view.set_parameters("w3", "w4")
    view.set_parameters("w5", "w6")  # the w3/w4 job is cancelled or its result dropped
    qtbot.waitUntil(lambda: view.result.grid.param_a == "w5" and not view.busy, timeout=10000)
    assert view.result.grid.param_b == "w6"
    assert view.plot.getPlotItem().getAxis("bottom").labelText.startswith("w")


def test_momentum_example_learning_rate_and_gamma(make_view):
    exp = elongated_bowl()
    view = make_view(exp, steps=30)
    assert view.lr_spin.value() == 0.15 and view.momentum_spin.value() == 0.6
    paths = view.result.paths
    # the lecture's picture: plain SGD zig-zags across the valley (w2 flips side every step),
    # momentum gets much closer to the minimum (2, 1) in the same number of steps
    sgd_w2 = paths["sgd"].points[:10, 1] - 1.0
    assert np.all(np.sign(sgd_w2[1:]) != np.sign(sgd_w2[:-1]))
    assert paths["momentum"].losses[-1] < 1e-3 * paths["sgd"].losses[-1]


def test_close_stops_the_worker(qtbot, lecture):
    view = LandscapeView(lecture, autoplay=False, resolution=200)
    qtbot.addWidget(view)
    view.show()
    view.close()  # possibly mid-computation: closeEvent stops and waits
    assert not view.worker.running


def test_momentum_file_and_effective_step(make_view, qtbot):
    files = pytest.importorskip("sandbox.files")
    from sandbox.resources import resource_path

    path = resource_path("networks", "momentum.json")
    if not path.exists():
        pytest.skip("momentum.json is not there")
    exp = files.load_experiment(path)
    view = make_view(exp, steps=40)
    lr, gamma = exp.optimizer.learning_rate, exp.optimizer.options["momentum"]
    assert (view.lr_spin.value(), view.momentum_spin.value()) == (lr, gamma)
    view.effective_check.setChecked(True)
    qtbot.waitUntil(lambda: view.result.paths["sgd"].title.startswith("SGD (η =") and not view.busy, timeout=10000)
    a, b = view.param_a, view.param_b
    expected = optimizer_paths(exp, a, b, ["sgd"], 40, learning_rate=lr / (1 - gamma))["sgd"]
    view.show_all()
    np.testing.assert_array_equal(view.drawn_path("sgd"), expected.points)
    momentum = optimizer_paths(exp, a, b, ["momentum"], 40, learning_rate=lr, momentum=gamma)["momentum"]
    np.testing.assert_array_equal(view.drawn_path("momentum"), momentum.points)
    # the lecture's picture: plain SGD's step in w1 (the steep direction) changes sign every time
    steps_w1 = np.diff(expected.points[:30, 0])
    assert np.all(np.sign(steps_w1[1:]) != np.sign(steps_w1[:-1]))


def test_parameter_choosers_show_subscripts_and_keep_labels(make_view, lecture):
    from sandbox.gui.lecture.landscape_view import subscripted

    view = make_view(lecture, param_a="w1", param_b="w5")
    assert view.combo_a.currentText() == "w₁" and view.param_a == "w1" and view.param_b == "w5"
    assert "w<sub>1</sub>" in view.status.text()
    assert subscripted("w1_1_2") == "w₁,₁,₂" and subscripted("b_h1_1") == "b_h1_1"


def test_computed_once_when_opened_and_refilled_after_a_resize(qtbot):
    exp = elongated_bowl()
    view = LandscapeView(exp, autoplay=False, resolution=25, steps=20)
    qtbot.addWidget(view)
    view.resize(1280, 660)
    view.show()
    qtbot.waitUntil(lambda: view.result is not None and not view.busy, timeout=10000)
    assert view._job == 1 and not view._refit.isActive()  # no second computation at the real aspect

    def fills() -> bool:
        g = view.result.grid
        box = view.plot.getPlotItem().getViewBox()
        data_aspect = (g.a_values[-1] - g.a_values[0]) / (g.b_values[-1] - g.b_values[0])
        return abs(data_aspect / (box.width() / box.height()) - 1.0) < 0.06

    assert fills()
    view.show_all()
    shown = view.frame
    view.resize(800, 660)
    qtbot.waitUntil(lambda: view._job == 2 and not view.busy and not view._refit.isActive(), timeout=10000)
    assert fills()
    assert view.frame == shown > 0  # the same paths: the animation is not restarted
    # the explanation scrolls instead of being cut off at the bottom of a short window
    scroll = view.explanation_scroll
    assert scroll.widget() is view.explanation and scroll.isVisible()
    assert view.minimumSizeHint().height() <= 660
    view.shutdown()
