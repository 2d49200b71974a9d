"""Activation view: its curves are the engine's functions, the marked maximum of the logistic's f′ is ¼."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QLabel

from sandbox.engine.activations import ACTIVATIONS, LECTURE_TABLE
from sandbox.engine.curves import activation_curve, chain_bound
from sandbox.gui.lecture.activation_view import ActivationView


@pytest.fixture
def view(qtbot):
    v = ActivationView()
    qtbot.addWidget(v)
    return v


def test_one_card_per_activation_of_the_table(view):
    assert list(view.cards) == LECTURE_TABLE


def test_curves_equal_engine_functions(view):
    for name, card in view.cards.items():
        act = ACTIVATIONS[name]
        x, f = card.curve_f.getData()
        x2, df = card.curve_df.getData()
        np.testing.assert_array_equal(x, x2)
        assert x[0] == -5.0 and x[-1] == 5.0 and len(x) == 801
        alpha = act.alpha_or_default(None)
        np.testing.assert_array_equal(f, act.function(x, alpha))
        np.testing.assert_array_equal(df, act.derivative(x, act.function(x, alpha), alpha))


def test_sigmoid_maximum_is_a_quarter(view):
    card = view.cards["sigmoid"]
    xs, ys = card.marker.getData()
    assert (xs[0], ys[0]) == (0.0, 0.25)
    assert card.marker_label.textItem.toPlainText() == "max f′ = ¼"
    assert view.cards["tanh"].marker.getData()[1][0] == 1.0
    assert "as x → ∞" in view.cards["softplus"].marker_label.textItem.toPlainText()


def test_layers_bound(view):
    view.layers_spin.setValue(4)
    assert "(¼)<sup>4</sup>" in view.cards["sigmoid"].bound_label.text()
    assert chain_bound(0.25, 4) == 0.25 ** 4
    assert "0.003906" in view.cards["sigmoid"].bound_label.text()


@pytest.mark.parametrize("name,alpha", [("prelu", 0.6), ("elu", 2.0)])
def test_alpha_slider_redraws_from_engine(view, qtbot, name, alpha):
    card = view.cards[name]
    with qtbot.waitSignal(card.alphaChanged) as blocker:
        card.set_alpha(alpha)
    assert blocker.args == [name, alpha]
    x, f = card.curve_f.getData()
    _, df = card.curve_df.getData()
    act = ACTIVATIONS[name]
    np.testing.assert_array_equal(f, act.function(x, alpha))
    np.testing.assert_array_equal(df, act.derivative(x, f, alpha))
    assert card.alpha_label.text() == f"α = {alpha:g}"
    expected = activation_curve(name, alpha)
    assert card.marker.getData()[1][0] == expected.max_df


def test_usable_on_a_1280x720_screen(qtbot):
    view = ActivationView()
    qtbot.addWidget(view)
    hint = view.minimumSizeHint()
    assert hint.height() <= 620 and hint.width() <= 1200
    view.resize(1280, hint.height())  # as short as it goes
    view.show()
    qtbot.waitExposed(view)
    for card in view.cards.values():  # nothing drawn over the plot's axis numbers
        plot_bottom = card.plot.geometry().bottom()
        assert card.formula_label.geometry().top() > plot_bottom, card.name
        assert card.bound_label.geometry().top() > card.formula_label.geometry().bottom(), card.name
    tanh = view.cards["tanh"]
    box = tanh.plot.getPlotItem().getViewBox()
    # the marker's label (about 30 px above the marker) stays inside the plot
    top_px = box.mapViewToDevice(pg.QtCore.QPointF(0, box.viewRange()[1][1])).y()
    marker_px = box.mapViewToDevice(pg.QtCore.QPointF(0, 1.0)).y()
    assert marker_px - top_px >= 30


def test_elu_with_alpha_two_marks_alpha_approached_from_the_left(view, qtbot):
    card = view.cards["elu"]
    card.set_alpha(2.0)
    xs, ys = card.marker.getData()
    assert (xs[0], ys[0]) == (0.0, 2.0)  # exact: a grid would say 1.975
    assert card.marker_label.textItem.toPlainText() == "f′ → 2 as x → 0⁻"
    assert "(2)<sup>10</sup> = <b>1024</b>" in card.bound_label.text()
    card.set_alpha(0.5)
    assert card.marker.getData()[1][0] == 1.0
    assert card.marker_label.textItem.toPlainText() == "max f′ = 1"


def test_tanh_card_and_header_say_tanh_vanishes_too(view):
    tanh = view.cards["tanh"].bound_label.text()
    assert "(1)<sup>10</sup> = <b>1</b>" in tanh
    assert "|z| ≥ 1: ≤ <b>0.0001707</b>" in tanh  # (1 − tanh²(1))¹⁰
    assert (1 - np.tanh(1.0) ** 2) ** 10 == pytest.approx(0.0001707, rel=1e-3)
    assert "only at z = 0" in view.cards["tanh"].bound_label.toolTip()
    assert "|z| ≥ 1" in view.cards["sigmoid"].bound_label.text()
    assert "|z|" not in view.cards["relu"].bound_label.text()
    header = view.findChild(QLabel).text()
    assert "logistic" in header and "Same problem for tanh" in header and "0.42 at |z| = 1" in header
