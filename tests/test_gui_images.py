"""Issue 14, point 2: inputs that are an image. The network view draws the shown sample's picture for the input
column (``inputNeuronsAction`` brings the neurons back); each first-layer neuron's node, and the dock
``weightImagesDock``, show its incoming weights as a rows×columns image: the weight matrix's row, reshaped."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtWidgets import QDockWidget, QMessageBox  # noqa: E402

from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec  # noqa: E402
from sandbox.gui.images.colours import (  # noqa: E402
    grey_range,
    grey_rgb,
    weight_images,
    weight_of_rgb,
    weight_rgb,
    weight_span,
)
from sandbox.gui.model.document import Document  # noqa: E402
from sandbox.gui.network_view import NetworkView  # noqa: E402
from sandbox.gui.network_view.neuron_maps import image_rgb  # noqa: E402

pytestmark = pytest.mark.usefixtures("isolated_settings")

ROWS, COLUMNS = 8, 8


def image_experiment(seed: int = 0, hidden: int = 32) -> Experiment:
    """A 64-hidden-10 softmax network on random 8×8 "images" with values in [0, 1]."""
    rng = np.random.default_rng(seed)
    inputs = rng.uniform(0.0, 1.0, (60, ROWS * COLUMNS))
    targets = np.eye(10)[rng.integers(0, 10, 60)]
    network = Network(ROWS * COLUMNS, [Layer(rng.normal(0, 0.3, (hidden, ROWS * COLUMNS)), "tanh", np.zeros(hidden)),
                                       Layer(rng.normal(0, 0.3, (10, hidden)), "softmax", np.zeros(10))])
    return Experiment(network, Dataset(inputs, targets), name="images", loss="cross_entropy",
                      optimizer=OptimizerSpec("sgd", 0.5), batching=Batching("minibatch", size=10),
                      input_image=(ROWS, COLUMNS))


def plain_experiment() -> Experiment:
    rng = np.random.default_rng(1)
    network = Network(3, [Layer(rng.normal(size=(4, 3)), "tanh", np.zeros(4)),
                          Layer(rng.normal(size=(1, 4)), "sigmoid", np.zeros(1))])
    inputs = rng.normal(size=(6, 3))
    return Experiment(network, Dataset(inputs, (inputs[:, :1] > 0).astype(float)))


@pytest.fixture
def image_view(qtbot):
    view = NetworkView(Document(image_experiment()))
    view.resize(1000, 700)
    view.show()
    qtbot.addWidget(view)
    qtbot.waitExposed(view)
    return view


def node_weights(view: NetworkView, j: int, span: float) -> np.ndarray:
    """The weights the colours of neuron j's node image stand for (through the colour scale)."""
    image = view.neuron_map_image(1, j)
    assert image is not None, f"no weight image in first-layer neuron {j + 1}"
    assert (image.width(), image.height()) == (COLUMNS, ROWS)
    return weight_of_rgb(image_rgb(image), span)


# ---- the colour scale ------------------------------------------------------------------------------
def test_the_images_are_the_rows_of_the_weight_matrix_and_their_colours_map_back_to_the_weights():
    rng = np.random.default_rng(3)
    w = rng.normal(0, 0.4, (5, ROWS * COLUMNS))
    images = weight_images(w, (ROWS, COLUMNS))
    assert images.shape == (5, ROWS, COLUMNS)
    for j in range(5):
        np.testing.assert_array_equal(images[j], w[j].reshape(ROWS, COLUMNS))
        assert images[j][2, 5] == w[j][2 * COLUMNS + 5]  # input k is pixel (k // columns, k % columns)
    span = weight_span(w)
    assert 0 < span <= np.abs(w).max()
    back = weight_of_rgb(weight_rgb(images, span), span)
    np.testing.assert_allclose(back, np.clip(images, -span, span), atol=span / 127 * 0.51)
    # symmetric about zero: zero is white, equal and opposite weights sit equally far from it
    mid = weight_rgb(np.array([[0.0]]), span)[0, 0]
    assert tuple(mid) == (255, 255, 255)
    plus, minus = weight_rgb(np.array([[span / 2, -span / 2]]), span)[0]
    assert plus[2] > plus[0] and minus[0] > minus[2]  # positive blue, negative orange (the edges' colours)


def test_the_grey_scale_is_paper_for_zero_and_ink_for_one():
    rgb = grey_rgb(np.array([[0.0, 1.0, np.nan]]), 0.0, 1.0)[0]
    assert tuple(rgb[0]) == (255, 255, 255) and tuple(rgb[2]) == (255, 255, 255)
    assert max(rgb[1]) < 40
    assert grey_range(np.array([[0.0, 0.5]])) == (0.0, 1.0)
    assert grey_range(np.array([[-2.0, 3.0]])) == (-2.0, 3.0)


# ---- the network view ----------------------------------------------------------------------------------
def test_the_input_column_is_the_samples_picture_and_the_first_layer_nodes_hold_the_weight_images(image_view):
    view = image_view
    doc = view.document
    assert view.inputs_collapsed()
    assert view.input_neurons_action.isVisible() and view.input_neurons_action.isEnabled()
    assert not view.input_neurons_action.isChecked()
    picture = view.input_picture()
    assert picture is not None and (picture.width(), picture.height()) == (COLUMNS, ROWS)
    np.testing.assert_array_equal(image_rgb(picture), grey_rgb(doc.sample_inputs().reshape(ROWS, COLUMNS), 0.0, 1.0))
    # the maps are on for an image network: the first layer's weights, one image per neuron
    assert view.neuron_maps_action.isChecked()
    w = doc.experiment.network.layers[0].weights
    span = weight_span(w)
    for j in range(w.shape[0]):
        np.testing.assert_array_equal(image_rgb(view.neuron_map_image(1, j)),
                                      weight_rgb(w[j].reshape(ROWS, COLUMNS), span))
        np.testing.assert_allclose(node_weights(view, j, span), np.clip(w[j].reshape(ROWS, COLUMNS), -span, span),
                                   atol=span / 127 * 0.51)
    assert all(view.neuron_map_image(2, j) is None for j in range(10))  # (outputs: none)
    # a pixel is its input: the tooltip and the double-click edit are the input's
    layout = view.layout_
    x, y = layout.centres[0][2 * COLUMNS + 5]
    place = view.place_at(QPointF(float(x), float(y)))
    assert place == ("neuron", 0, 2 * COLUMNS + 5)
    assert view.editable_place(place) == ("input", doc.sample_index, 2 * COLUMNS + 5)
    assert "x<sub>22</sub>" in view.tooltip_text("x22")  # (input 21 counted from 1)
    assert f"{float(doc.sample_inputs()[21]):.6f}" in view.tooltip_text("x22")
    assert not view.grab().isNull()
    # the lines from the picture are thinned: each neuron's strongest few; the others all drawn
    drawn = view._edges.drawn
    first = ROWS * COLUMNS * 32
    assert drawn is not None and 0 < np.count_nonzero(drawn < first) <= 3 * 32
    assert np.count_nonzero(drawn >= first) == 32 * 10
    assert view.caption_text() == ""  # (the picture's caption tells)


def test_show_input_neurons_brings_the_64_inputs_back_and_hides_the_picture(image_view, qtbot):
    view = image_view
    collapsed_centres = view.layout_.centres[0].copy()
    assert len({round(float(x), 3) for x in collapsed_centres[:, 0]}) == COLUMNS  # a picture: 8 columns of pixels
    view.input_neurons_action.setChecked(True)
    assert not view.inputs_collapsed() and view.input_picture() is None or not view.inputs_collapsed()
    xs = view.layout_.centres[0][:, 0]
    assert view.layout_.centres[0].shape == (64, 2) and np.ptp(xs) == 0  # one column of 64 neurons
    assert view._edges.drawn is None  # every line again
    assert view.neuron_map_image(1, 0) is not None  # the weight images stay in the nodes
    assert not view.grab().isNull()
    view.input_neurons_action.setChecked(False)
    assert view.inputs_collapsed()
    np.testing.assert_array_equal(view.layout_.centres[0], collapsed_centres)


def test_a_click_on_the_pictures_caption_shows_the_input_neurons_and_one_under_them_the_picture(image_view, qtbot):
    view = image_view
    rect = view._neurons.caption_rect()
    assert rect is not None
    at = view.mapFromScene(rect.center())
    assert view.on_expand_link(at)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert view.input_neurons_action.isChecked() and not view.inputs_collapsed()
    # at the top left: a line that shows the picture again
    assert view.collapse_link_text() == "▸ show the 64 inputs as one 8×8 picture"
    rect = view.collapse_link_rect()
    assert rect is not None and view.viewport().rect().contains(rect.toRect())
    back = rect.center().toPoint()
    assert view.on_expand_link(back)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=back)
    assert not view.input_neurons_action.isChecked() and view.inputs_collapsed()


def test_the_background_menu_offers_both_toggles(image_view):
    view = image_view
    menu = view.context_menu_for(None)
    assert menu is not None
    assert view.neuron_maps_action in menu.actions() and view.input_neurons_action in menu.actions()


def test_an_undoable_edit_of_one_weight_changes_its_pixel_in_the_node(image_view):
    view = image_view
    doc = view.document
    before = image_rgb(view.neuron_map_image(1, 3)).copy()
    k = 3 * COLUMNS + 4
    doc.edit_value(("weight", 1, 4, k), -5.0)  # file layer 1, neuron 4 (the 5th), input k
    after = image_rgb(view.neuron_map_image(1, 4))
    w = doc.experiment.network.layers[0].weights
    assert w[4, k] == -5.0
    span = weight_span(w)
    np.testing.assert_array_equal(after, weight_rgb(w[4].reshape(ROWS, COLUMNS), span))
    assert tuple(after[3, 4]) == tuple(weight_rgb(np.array([[-span]]), span)[0, 0])  # the darkest orange
    doc.undo_stack.undo()
    assert w[4, k] != -5.0
    np.testing.assert_array_equal(image_rgb(view.neuron_map_image(1, 3)), before)


def test_the_picture_is_lit_while_a_forward_step_into_the_first_layer_is_shown(image_view):
    view = image_view
    doc = view.document
    w = doc.ensure_walkthrough()
    assert not view._neurons.picture_lit
    first = next(i for i, s in enumerate(w.steps) if s.layer == 1 and s.phase == "forward")
    doc.set_position(first)
    assert view._neurons.picture_lit
    later = next(i for i, s in enumerate(w.steps) if s.phase == "forward" and s.layer == 2)
    doc.set_position(later)
    assert not view._neurons.picture_lit
    assert not view.grab().isNull()


def test_a_network_without_an_image_input_is_drawn_as_before(qtbot):
    view = NetworkView(Document(plain_experiment()))
    qtbot.addWidget(view)
    assert not view.inputs_collapsed() and view.input_picture() is None
    assert not view.input_neurons_action.isVisible() and not view.input_neurons_action.isEnabled()
    assert not view.neuron_maps_action.isChecked()
    assert view.layout_.picture is None and view._edges.drawn is None
    assert view._neurons.caption_rect() is None and view.collapse_link_rect() is None  # (no links)
    # an image shape that does not fit the inputs is ignored
    experiment = plain_experiment()
    experiment.input_image = (2, 2)
    view2 = NetworkView(Document(experiment))
    qtbot.addWidget(view2)
    assert not view2.inputs_collapsed() and view2.image_shape() is None


def test_the_maps_the_view_turned_on_go_off_for_the_next_network_unless_the_user_chose(qtbot):
    doc = Document(image_experiment())
    view = NetworkView(doc)
    qtbot.addWidget(view)
    assert view.neuron_maps_action.isChecked()
    doc.show_instead(plain_experiment(), None)
    assert not view.neuron_maps_action.isChecked()
    doc.show_instead(image_experiment(), None)
    assert view.neuron_maps_action.isChecked()
    view.neuron_maps_action.trigger()  # the user turns them off: they stay off
    assert not view.neuron_maps_action.isChecked()
    assert view.neuron_map_image(1, 0) is None
    doc.show_instead(image_experiment(seed=2), None)
    assert not view.neuron_maps_action.isChecked()


# ---- the window: the dock ---------------------------------------------------------------------------------
@pytest.fixture
def window(qtbot, monkeypatch):
    from sandbox.gui import MainWindow

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    w = MainWindow()
    w.resize(1400, 900)
    w.show()
    qtbot.addWidget(w)
    qtbot.waitExposed(w)
    yield w
    w.close()


def dock_of(w) -> QDockWidget:
    dock = w.findChild(QDockWidget, "weightImagesDock")
    assert dock is not None
    return dock


def test_the_dock_is_hidden_for_the_lecture_and_shown_with_every_neurons_image_for_an_image_network(window, qtbot):
    w = window
    dock = dock_of(w)
    assert dock.isHidden()
    assert dock.toggleViewAction() in w.view_menu.actions()
    assert w.network_view.input_neurons_action in w.view_menu.actions()
    assert w._show_experiment(image_experiment(), None)
    assert dock.isVisible()
    panel = w.weight_images.panel
    weights = w.document.experiment.network.layers[0].weights
    arrays = panel.arrays()
    assert arrays.shape == (32, ROWS, COLUMNS)
    for j in range(32):
        np.testing.assert_array_equal(arrays[j], weights[j].reshape(ROWS, COLUMNS))
    span = panel.span
    assert span == weight_span(weights)
    for j, image in enumerate(panel.images()):
        np.testing.assert_array_equal(image_rgb(image), weight_rgb(arrays[j], span))
    columns, cell = panel.grid()
    assert cell >= 40 and columns * cell <= panel.width()
    assert "h1_3" in panel.tooltip_for(2)
    assert not dock.grab().isNull()
    # a click on an image outlines that neuron in the network view
    rect = panel.cell_rect(5)
    qtbot.mouseClick(panel, Qt.MouseButton.LeftButton, pos=QPoint(int(rect.center().x()), int(rect.center().y())))
    assert w.network_view._hovered == ("neuron", 1, 5)
    choice = getattr(w.player, "neuron_choice", None)  # the neuron a big layer's explanation follows
    if choice is not None:
        assert choice.chosen.get(1) == 5
    # back to a network without an image: hidden again
    w._show_experiment(plain_experiment(), None)
    assert dock.isHidden()


def test_the_dock_follows_an_edit_its_undo_and_training(window, qtbot):
    w = window
    assert w._show_experiment(image_experiment(), None)
    panel = w.weight_images.panel
    doc = w.document
    start = panel.arrays().copy()
    doc.edit_value(("weight", 1, 0, 0), 3.0)
    qtbot.waitUntil(lambda: panel.arrays()[0, 0, 0] == 3.0, timeout=3000)
    doc.undo_stack.undo()
    qtbot.waitUntil(lambda: np.array_equal(panel.arrays(), start), timeout=3000)
    reports: list[object] = []
    doc.reportTaken.connect(reports.append)
    w.actions_.train.trigger()
    qtbot.waitUntil(lambda: len(reports) >= 2, timeout=20000)
    w.actions_.train.trigger()  # pause
    qtbot.waitUntil(lambda: not w.training.session.running, timeout=5000)
    weights = doc.experiment.network.layers[0].weights
    qtbot.waitUntil(lambda: np.array_equal(panel.arrays(), weights.reshape(32, ROWS, COLUMNS)), timeout=3000)
    assert not np.array_equal(panel.arrays(), start)  # training moved them, and the images followed
    view = w.network_view
    np.testing.assert_array_equal(image_rgb(view.neuron_map_image(1, 0)),
                                  weight_rgb(weights[0].reshape(ROWS, COLUMNS), weight_span(weights)))


def test_a_user_who_hides_the_dock_keeps_it_hidden(window):
    w = window
    dock = dock_of(w)
    assert w._show_experiment(image_experiment(), None)
    assert dock.isVisible()
    dock.toggleViewAction().trigger()
    assert dock.isHidden()
    assert w._show_experiment(image_experiment(seed=4), None)
    assert dock.isHidden()


def test_during_the_update_phase_the_nodes_show_the_weights_as_the_edges_do(image_view):
    view = image_view
    doc = view.document
    w = doc.ensure_walkthrough()
    last = max(i for i, s in enumerate(w.steps) if s.phase == "update" and s.layer == 1)
    doc.set_position(last)
    shown = view.state.weights[1]
    before = doc.experiment.network.layers[0].weights
    assert not doc.applied and not np.array_equal(shown, before)  # on screen, not applied yet
    span = weight_span(shown)
    for j in (0, 7, 31):
        np.testing.assert_array_equal(image_rgb(view.neuron_map_image(1, j)),
                                      weight_rgb(shown[j].reshape(ROWS, COLUMNS), span))
