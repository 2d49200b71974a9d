"""Issue 13, point 7: each hidden neuron's output over the input plane drawn inside its node (a toggle in the
network view's own context menu, ``neuronMapsAction``); the pixels are the engine's maps, coloured."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QMessageBox  # noqa: E402

from sandbox.engine import Dataset, Experiment, Layer, Network  # noqa: E402
from sandbox.gui.common.icons import resource_file  # noqa: E402
from sandbox.gui.model.document import Document  # noqa: E402
from sandbox.gui.network_view import NetworkView  # noqa: E402
from sandbox.gui.network_view.neuron_maps import image_rgb, map_rgb  # noqa: E402
from sandbox.gui.training.grid import GRID_SIZE, extent_for, grid_output  # noqa: E402

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def spiral_window(qtbot, monkeypatch):
    from sandbox.gui import MainWindow

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    w = MainWindow(resource_file("networks", "spiral.json"))
    w.resize(1400, 900)
    w.show()
    qtbot.addWidget(w)
    qtbot.waitExposed(w)
    yield w
    w.close()


def engine_maps(experiment) -> list[np.ndarray]:
    data = experiment.data
    grid = grid_output(experiment.network, GRID_SIZE, extent_for(np.vstack([data.inputs, data.test_inputs])))
    assert grid is not None
    return grid.hidden


def assert_nodes_show(view: NetworkView, maps: list[np.ndarray]) -> None:
    for k, layer_maps in enumerate(maps):
        expected = map_rgb(layer_maps)
        for j in range(len(layer_maps)):
            image = view.neuron_map_image(k + 1, j)
            assert image is not None, f"no map in hidden neuron {j + 1} of layer {k + 1}"
            np.testing.assert_array_equal(image_rgb(image), expected[j])


def test_spiral_nodes_show_the_engines_maps_when_the_toggle_is_on_and_none_when_off(qtbot, spiral_window):
    w = spiral_window
    view = w.network_view
    network = w.document.experiment.network
    hidden = [(l, j) for l in range(1, network.depth) for j in range(network.sizes[l])]
    assert len(hidden) >= 8
    assert not view.neuron_maps_action.isChecked()
    assert all(view.neuron_map_image(l, j) is None for l, j in hidden)  # off by default

    menu = view.context_menu_for(None)  # right-click on the background: the toggle
    assert menu is not None and view.neuron_maps_action in menu.actions()
    assert view.neuron_maps_action in w.view_menu.actions()  # View ▸ Neuron Maps too
    view.neuron_maps_action.trigger()
    maps = engine_maps(w.document.experiment)
    assert [m.shape[0] for m in maps] == network.sizes[1:-1]
    assert_nodes_show(view, maps)
    for l, j in hidden:  # the map is the node's own: neurons differ
        assert view.neuron_map_image(l, j).size().width() == maps[0].shape[-1]
    assert not np.array_equal(image_rgb(view.neuron_map_image(1, 0)), image_rgb(view.neuron_map_image(1, 1)))
    grab = view.grab()  # painted without error
    assert not grab.isNull()

    view.neuron_maps_action.trigger()  # off
    assert all(view.neuron_map_image(l, j) is None for l, j in hidden)


def test_the_maps_follow_training_as_the_decision_boundarys_maps_do(qtbot, spiral_window):
    w = spiral_window
    view = w.network_view
    view.neuron_maps_action.setChecked(True)
    before = image_rgb(view.neuron_map_image(1, 0))
    shown: list[list[np.ndarray]] = []
    w.training.boundary.hiddenMapsShown.connect(lambda hidden: shown.append(hidden))
    w.actions_.train.trigger()
    qtbot.waitUntil(lambda: len(shown) >= 2, timeout=20000)
    w.actions_.train.trigger()  # pause
    qtbot.waitUntil(lambda: not w.training.session.running, timeout=5000)
    last = shown[-1]
    assert_nodes_show(view, last)  # the nodes show what the decision boundary's small maps show
    assert not np.array_equal(image_rgb(view.neuron_map_image(1, 0)), before)  # they moved with training


def test_a_network_with_three_inputs_has_no_maps(qtbot):
    rng = np.random.default_rng(0)
    network = Network(3, [Layer(rng.normal(size=(4, 3)), "tanh", np.zeros(4)),
                          Layer(rng.normal(size=(1, 4)), "sigmoid", np.zeros(1))])
    inputs = rng.normal(size=(6, 3))
    experiment = Experiment(network, Dataset(inputs, (inputs[:, :1] > 0).astype(float)))
    view = NetworkView(Document(experiment))
    qtbot.addWidget(view)
    assert not view.neuron_maps_available()
    view.neuron_maps_action.setChecked(True)
    view.set_neuron_maps([rng.normal(size=(4, 8, 8))])  # even if maps came, a 3-input network draws none
    assert all(view.neuron_map_image(1, j) is None for j in range(4))
    assert view.context_menu_for(None) is None


def test_a_network_with_derived_features_draws_its_maps_and_shows_the_feature_inputs(qtbot, tmp_path, monkeypatch):
    import json

    from sandbox.gui import MainWindow
    from sandbox.gui.training.grid import plane_extent

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    doc = json.loads(resource_file("networks", "spiral.json").read_text(encoding="utf-8"))
    doc["data"]["features"] = ["x1^2", "sin(x2)"]
    doc["layers"][0] = {"size": 4}
    for key in ("weights", "weight_labels"):
        doc["layers"][1].pop(key)
    path = tmp_path / "spiral-features.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    w = MainWindow(path)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    view = w.network_view
    exp = w.document.experiment
    assert exp.network.input_labels == ["x1", "x2", "x1²", "sin(x2)"]
    def shown(label: str) -> float:
        return float(view.displayed_text(label).replace("−", "-"))

    assert shown("x1²") == pytest.approx(shown("x1") ** 2, rel=2e-3)  # the feature inputs, with their values
    assert shown("sin(x2)") == pytest.approx(np.sin(shown("x2")), rel=2e-3)
    view.neuron_maps_action.setChecked(True)
    grid = grid_output(exp.network, GRID_SIZE, plane_extent(exp), features=exp.features)
    assert grid is not None  # the plane of x1, x2: the features computed for the grid points too
    assert_nodes_show(view, grid.hidden)
    assert w.training.boundary.plot.isVisibleTo(w.training.boundary)
