"""The gradient plot shows the vanishing layer (issue 13, point 9): layer 1's curve is drawn on top of
the later layers', and each layer's colour is the palette's, the colour over its title in the network
view."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtGui import QColor  # noqa: E402

from sandbox.gui.common import palette  # noqa: E402
from sandbox.gui.common.icons import resource_file  # noqa: E402

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def windows(qtbot):
    from sandbox.gui import MainWindow

    def open_window(name: str):
        w = MainWindow(resource_file("networks", name))
        qtbot.addWidget(w)
        return w

    return open_window


def test_the_palette_gives_each_layer_its_own_colour():
    assert palette.layer_colors(3) == ["#1f77c4", "#f08a24", "#2ca02c"]
    many = palette.layer_colors(11)
    assert len(set(many)) == 11 and many[0] == "#440154"  # layer 1 the darkest
    luma = [0.299 * QColor(c).red() + 0.587 * QColor(c).green() + 0.114 * QColor(c).blue() for c in many]
    assert luma == sorted(luma)  # dark to light
    assert palette.layer_color(1, 11) == QColor("#440154") and palette.layer_color(11, 11) == QColor(many[-1])


@pytest.mark.parametrize("name, layers", [("spiral.json", 3), ("vanishing-sigmoid.json", 11)])
def test_layer_1_is_drawn_on_top_in_the_palette_s_colours(windows, name, layers):
    w = windows(name)
    curves = w.gradient_plot.curves
    assert len(curves) == layers
    z = [c.zValue() for c in curves]
    assert z == sorted(z, reverse=True) and len(set(z)) == layers  # layer 1 highest, the output lowest
    hint = w.gradient_plot.empty_hint
    assert max(z) < hint.zValue()
    assert [c.opts["pen"].color().name() for c in curves] == palette.layer_colors(layers)
    # the legend's samples show the same colours (the named layers: every one of a few, some of many)
    legend = {label.text: sample.item.opts["pen"].color().name() for sample, label in w.gradient_plot.legend.items}
    assert legend["layer 1"] == palette.layer_colors(layers)[0]


def test_layer_1_stays_on_top_when_another_network_is_opened(windows):
    w = windows("spiral.json")
    assert w.open_file(resource_file("networks", "vanishing-sigmoid.json"))
    z = [c.zValue() for c in w.gradient_plot.curves]
    assert len(z) == 11 and z == sorted(z, reverse=True)
    assert w.open_file(resource_file("networks", "xor.json"))
    curves = w.gradient_plot.curves
    assert [c.zValue() for c in curves] == sorted((c.zValue() for c in curves), reverse=True)
    assert [c.opts["pen"].color().name() for c in curves] == palette.layer_colors(len(curves))
