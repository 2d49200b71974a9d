"""The chain rule opened up in the window: the chain-rule view opens from the Lecture menu and from a right-click
in the network view, steps backward edge by edge with the engine's running products (the lecture's
∂E/∂w5 = −0.68765 and ∂E/∂w1 = −0.22652), follows the document, and the composition view shows the engine's
y = f(g(h(x)))."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox
from shiboken6 import isValid

from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec
from sandbox.engine.composition import compose
from sandbox.engine.computation_graph import computation_graph
from sandbox.engine.numbers import fmt


@pytest.fixture
def window(qtbot, monkeypatch, isolated_settings):
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    from sandbox.gui import MainWindow

    w = MainWindow()  # the lecture's linear network
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    yield w
    w.lecture_views.shutdown()


def trigger(window, name: str) -> None:
    action = window.findChild(QAction, name)
    assert action is not None, name
    action.trigger()


def test_opens_from_the_lecture_menu_and_steps_back_from_the_loss(window, qtbot):
    trigger(window, "chainRuleAction")
    view = window.lecture_views.views["chain"]
    assert view.objectName() == "chainRuleView" and view.isVisible()
    graph = view.graph
    assert graph.label == "y" and view.position == 0  # the output neuron first
    assert view.displayed_gradient("E") == "∂E/∂E = 1"
    assert all(view.displayed_gradient(n.key) == "" for n in graph.nodes if n.key != "E")
    assert not view.step_back_action.isEnabled()
    expected = computation_graph(window.document.trainer.walkthrough(), 2, 0)
    for i, edge in enumerate(graph.edges, start=1):
        view.step_action.trigger()
        node = expected.node(edge.source)
        assert view.displayed_gradient(edge.source) == f"{node.derivative} = {fmt(node.gradient)}"
        assert f"Edge {i}:" in view.step_text()
    assert view.displayed_gradient("z") == "∂E/∂y = −0.809"          # Δ = y − y*
    assert view.displayed_gradient("w1") == "∂E/∂w5 = −0.68765"       # Δ·h1, the lecture's
    assert view.displayed_gradient("w2") == "∂E/∂w6 = −0.38832"
    assert not view.step_action.isEnabled()
    view.step_back_action.trigger()
    assert view.displayed_gradient(graph.edges[-1].source) == "" and view.position == len(graph.edges) - 1
    view.all_action.trigger()
    assert view.position == len(graph.edges)
    view.start_action.trigger()
    assert view.position == 0
    assert window.document.walkthrough is None  # looking changed nothing


def test_choose_a_hidden_neuron_in_the_combo(window):
    trigger(window, "chainRuleAction")
    view = window.lecture_views.views["chain"]
    combo = view.neuron_combo
    labels = [combo.itemText(i).split()[0] for i in range(combo.count())]
    assert labels == ["h1", "h2", "y"]
    combo.setCurrentIndex(0)
    combo.activated.emit(0)
    assert view.graph.label == "h1"
    view.all_action.trigger()
    assert view.displayed_gradient("w1") == "∂E/∂w1 = −0.22652"  # Δ·w5·i1
    assert view.displayed_gradient("z") == "∂E/∂h1 = −0.11326"
    view.go_to(next(i for i, e in enumerate(view.graph.edges, start=1) if e.source == "x1"))
    assert "∂E/∂i1 = −0.0270206" in view.step_text()  # every path: the walkthrough's ∂E/∂x
    # under the node, the path through h1 alone (w1·∂E/∂h1 = 0.11·(−0.11326)) says that it is only that path
    assert view.displayed_gradient("x1") == "∂E/∂i1 via h1 = −0.0124586"


def test_opens_from_a_right_click_in_the_network_view(window, qtbot, monkeypatch):
    net_view = window.network_view
    assert net_view.context_menu_for(net_view.place_of("i1")) is None  # an input has no graph of its own
    menu = net_view.context_menu_for(net_view.place_of("w1"))  # a weight: the neuron it feeds
    assert [a.text() for a in menu.actions()] == ["Open Chain Rule for h1"]
    menu.deleteLater()
    # a real right-click on h2: the menu's action is chosen
    shown: list[QMenu] = []
    monkeypatch.setattr(net_view, "popup", lambda menu, at: (shown.append(menu), menu.actions()[0].trigger()))
    point = net_view.view_point_of("h2")
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, net_view.viewport().mapToGlobal(point))
    QApplication.sendEvent(net_view.viewport(), event)
    assert len(shown) == 1
    view = window.lecture_views.views["chain"]
    assert view.graph.label == "h2" and view.isVisible()
    assert view.neuron_combo.currentText().startswith("h2")
    # the double-click edit is still there
    qtbot.mouseDClick(net_view.viewport(), Qt.MouseButton.LeftButton, pos=net_view.view_point_of("w5"))
    assert net_view.editor is not None
    net_view.cancel_edit()


def test_follows_the_document_and_the_walkthrough_being_stepped(window):
    trigger(window, "chainRuleAction")
    view = window.lecture_views.views["chain"]
    view.go_to(3)
    window.document.edit_value(("weight", 2, 0, 0), 0.5)  # w5 = 0.5: y = 0.85·0.5 + 0.48·0.15
    assert view.graph.node("w1").value == 0.5 and view.position == 3
    y = 0.85 * 0.5 + 0.48 * 0.15
    assert view.graph.node("z").gradient == pytest.approx(y - 1, abs=1e-15)
    window.player.step()  # the window starts stepping: the view shows that walkthrough
    assert view.walkthrough() is window.document.walkthrough
    window.document.undo_stack.undo()
    assert view.graph.node("w1").value == 0.14


def test_a_batch_sample_compares_with_the_update_s_mean(qtbot):
    from sandbox.gui.chain.chain_rule_view import ChainRuleView
    from sandbox.gui.model.document import Document

    rng = np.random.default_rng(7)
    net = Network(2, [Layer(rng.normal(size=(2, 2)), "tanh", rng.normal(size=2)), Layer(rng.normal(size=(1, 2)))])
    exp = Experiment(net, Dataset(rng.normal(size=(3, 2)), rng.normal(size=(3, 1))),
                     optimizer=OptimizerSpec("sgd", 0.1), batching=Batching("full"))
    view = ChainRuleView(Document(exp))
    qtbot.addWidget(view)
    view.choose(1, 1)
    graph = view.graph
    index = next(i for i, e in enumerate(graph.edges, start=1) if e.source == "w2")
    view.go_to(index)
    w = view.walkthrough()
    per_sample = w.backprop.preactivation_grads[0][0, 1] * w.inputs[0, 1]
    assert view.displayed_gradient("w2") == f"∂E/∂{net.layers[0].weight_labels[1][1]} = {fmt(per_sample)}"
    assert "sample 1's share" in view.step_text() and "mean over the batch of 3" in view.step_text()
    assert fmt(w.weight_grads[0][1, 1]) in view.step_text()
    assert "sample 1 of a batch of 3" in view.header.text()


def test_the_composition_view(window):
    trigger(window, "compositionAction")
    view = window.lecture_views.views["composition"]
    assert view.objectName() == "compositionView"
    view.choose("sin", "affine", "square")
    view.x_spin.setValue(-1.25)
    c = compose("sin", "affine", "square", -1.25)
    assert view.composition == c
    assert view.product_label.text() == c.product_text()
    assert "h(x) = (−1.25)² = 1.5625" in view.lines_label.text()
    assert view.formula_label.text().startswith("<b>y = sin(3·x² + 1)</b>")
    assert view.x_slider.value() == -125
    view.x_slider.setValue(100)
    assert view.composition.x == 1.0


def test_closing_the_window_closes_the_views(window, qtbot):
    trigger(window, "chainRuleAction")
    trigger(window, "compositionAction")
    view = window.lecture_views.views["chain"]
    view.step_action.trigger()  # a pulse running
    window.close()
    qtbot.waitUntil(lambda: not window.lecture_views.views, timeout=5000)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not isValid(view)  # closed and deleted, its pulse with it (the conftest checks no QThread is left)
