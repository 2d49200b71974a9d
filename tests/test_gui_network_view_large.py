"""A network near the format's parameter limit: its view draws a bounded subset of its edges (the
strongest of each crowded layer pair), says so, and follows an edit."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from sandbox.engine import Dataset, Experiment, Layer, Network  # noqa: E402


def two_hidden(width: int, seed: int = 0) -> Experiment:
    rng = np.random.default_rng(seed)
    sizes = [2, width, width, 1]
    layers = [Layer(rng.normal(0, 1, (b, a)), activation="tanh", biases=np.zeros(b))
              for a, b in zip(sizes[:-1], sizes[1:])]
    return Experiment(Network(2, layers), Dataset(rng.normal(size=(4, 2)), rng.normal(size=(4, 1))))


@pytest.fixture
def make_view(qtbot):
    from sandbox.gui.model.document import Document
    from sandbox.gui.network_view import NetworkView

    views = []

    def make(experiment: Experiment):
        view = NetworkView(Document(experiment))
        qtbot.addWidget(view)
        view.resize(800, 600)
        view.show()
        view.viewport().repaint()
        views.append(view)
        return view

    yield make
    for view in views:  # the lines thread ends once it has nothing left to draw
        cache = view._edges.lines_item.cache
        if cache is not None:
            qtbot.waitUntil(lambda cache=cache: not cache.busy, timeout=5000)


def drawn_lines(view) -> np.ndarray:
    """Every line the lines item draws, as rows x1, y1, x2, y2."""
    return np.vstack([np.asarray(lines) for _pen, lines in view._edges.lines_item._buckets])


def test_the_subset_is_bounded_and_holds_the_strongest_edges(make_view, monkeypatch):
    from sandbox.gui.network_view import edges_item

    monkeypatch.setattr(edges_item, "MAX_DRAWN_PER_LAYER", 1000)
    view = make_view(two_hidden(100))  # 200 + 10,000 + 100 edges
    layout, drawn = view.layout_, view._edges.drawn
    assert layout.edge_count == 10_300 and drawn is not None and drawn.size == 200 + 1000 + 100
    weights = [layer.weights.ravel() for layer in view.document.experiment.network.layers]
    middle = drawn[(drawn >= layout.edge_offsets[2]) & (drawn < layout.edge_offsets[3])] - layout.edge_offsets[2]
    assert middle.size == 1000
    left_out = np.setdiff1d(np.arange(10_000), middle)
    assert np.abs(weights[1][middle]).min() >= np.abs(weights[1][left_out]).max()
    # the small layer pairs are drawn whole, and the lines drawn are exactly the subset's
    assert set(range(200)) <= set(drawn.tolist()) and set(range(10_200, 10_300)) <= set(drawn.tolist())
    lines = drawn_lines(view)
    assert lines.shape == (1300, 4)
    assert sorted(map(tuple, lines.tolist())) == sorted(map(tuple, layout.edges[drawn].tolist()))


def test_the_caption_says_how_many_of_how_many(make_view, monkeypatch):
    from sandbox.gui.network_view import edges_item

    monkeypatch.setattr(edges_item, "MAX_DRAWN_PER_LAYER", 1000)
    assert make_view(two_hidden(100)).caption_text() == "showing the 1,300 strongest of 10,300 connections"
    monkeypatch.setattr(edges_item, "MAX_DRAWN_PER_LAYER", 20_000)
    assert make_view(two_hidden(100)).caption_text() == ""  # every edge drawn: nothing to say


def test_a_network_at_the_parameter_limit_draws_a_bounded_subset(make_view):
    from sandbox.gui.network_view.edges_item import MAX_DRAWN_PER_LAYER

    view = make_view(two_hidden(700))
    assert view.layout_.edge_count == 1400 + 490_000 + 700
    assert view._edges.drawn.size == 1400 + MAX_DRAWN_PER_LAYER + 700
    assert drawn_lines(view).shape[0] == view._edges.drawn.size
    assert view.caption_text() == f"showing the {1400 + MAX_DRAWN_PER_LAYER + 700:,} strongest of 492,100 connections"


def test_an_edited_weight_becomes_the_strongest_and_is_drawn_and_picked(make_view, monkeypatch, qtbot):
    from sandbox.gui.network_view import edges_item

    monkeypatch.setattr(edges_item, "MAX_DRAWN_PER_LAYER", 1)  # one line per layer pair: none crosses it
    view = make_view(two_hidden(100, seed=3))
    place = ("weight", 2, 7, 11)
    edge = view.layout_.edge_index(2, 7, 11)
    weak = float(np.abs(view.document.experiment.network.layers[1].weights).min())
    view.document.edit_value(place, weak / 2)  # weaker than all: left out
    view.refresh()  # (a dense network refreshes at most 5 times a second: now)
    assert edge not in view._edges.drawn.tolist()
    assert view._edge_at(*view.layout_.label_point(edge)) != edge  # what is not drawn cannot be picked
    view.document.edit_value(place, 50.0)
    view.refresh()
    assert edge in view._edges.drawn.tolist()
    assert view.displayed_text("w2_8_12") == "50"
    widest = view._edges.lines_item._buckets[-1]  # the last bucket: the widest, negative if any else positive
    assert tuple(view.layout_.edges[edge]) in set(map(tuple, np.asarray(widest[1]).tolist()))
    assert view._edge_at(*view.layout_.label_point(edge)) == edge
    cache = view._edges.lines_item.cache
    view.viewport().repaint()
    qtbot.waitUntil(lambda: cache.up_to_date, timeout=5000)


def test_the_lecture_network_draws_every_edge_as_before(make_view, lecture):
    """A small network keeps its QLineF buckets (one per pen), no subset and no caption."""
    view = make_view(lecture)
    assert view._edges.drawn is None and view.caption_text() == ""
    buckets = view._edges.lines_item._buckets
    assert sum(len(lines) for _pen, lines in buckets) == view.layout_.edge_count == 6
    assert all(isinstance(lines, list) for _pen, lines in buckets)
