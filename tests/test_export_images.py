"""Image exports: the network view as PNG and SVG, plots as PNG, the walkthrough as Markdown."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QGraphicsScene

from sandbox.engine import Trainer
from sandbox.export.markdown import next_update_markdown, save_markdown, walkthrough_markdown
from sandbox.gui.lecture.image_export import (
    save_plot_png,
    save_scene_png,
    save_scene_svg,
    save_widget_png,
    scene_png_size,
)

SVG = "{http://www.w3.org/2000/svg}"


def svg_text(path) -> str:
    root = ET.parse(path).getroot()  # parses as XML
    assert root.tag == f"{SVG}svg"
    return " ".join("".join(el.itertext()) for el in root.iter() if el.tag == f"{SVG}text")


def simple_scene() -> QGraphicsScene:
    scene = QGraphicsScene()
    scene.addEllipse(0, 0, 40, 40)
    scene.addEllipse(200, 0, 40, 40)
    scene.addLine(40, 20, 200, 20)
    scene.addSimpleText("h1").setPos(10, 50)
    scene.addSimpleText("w5 = 0.14").setPos(90, 0)
    return scene


def test_scene_png_and_svg(qtbot, tmp_path):
    scene = simple_scene()
    png = save_scene_png(scene, tmp_path / "net.png", scale=2.0)
    image = QImage(str(png))
    rect = scene.itemsBoundingRect()
    assert (image.width(), image.height()) == (round((rect.width() + 32) * 2), round((rect.height() + 32) * 2))
    assert scene_png_size(scene, 2.0).width() == image.width()
    assert image.pixelColor(1, 1).name() == "#ffffff"  # white margin
    svg = save_scene_svg(scene, tmp_path / "net.svg", title="lecture")
    text = svg_text(svg)
    assert "h1" in text and "w5 = 0.14" in text
    assert "<title>lecture</title>" in svg.read_text(encoding="utf-8")


def test_real_network_view(qtbot, tmp_path, lecture):
    doc_module = pytest.importorskip("sandbox.gui.model.document")
    view_module = pytest.importorskip("sandbox.gui.network_view.view")
    document = doc_module.Document(lecture)
    view = view_module.NetworkView(document)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    svg = save_scene_svg(view, tmp_path / "network.svg")
    text = svg_text(svg).replace(" ", "")  # subscripts are separate text runs: "w 1 = 0.11"
    for label in ("i1", "i2", "h1", "h2", "y", "w1=0.11", "w6=0.15", "0.191"):
        assert label in text
    png = save_scene_png(view, tmp_path / "network.png", scale=1.5)
    size = scene_png_size(view, 1.5)
    assert QImage(str(png)).size() == size and size.width() > 100


def test_plot_png(qtbot, tmp_path):
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.resize(600, 400)
    plot.plot(np.arange(10), np.arange(10) ** 2)
    plot.show()
    path = save_plot_png(plot, tmp_path / "plot.png", width=900)
    image = QImage(str(path))
    assert image.width() == 900
    assert image.height() == pytest.approx(900 * plot.getPlotItem().sceneBoundingRect().height()
                                           / plot.getPlotItem().sceneBoundingRect().width(), abs=2)
    widget_png = save_widget_png(plot, tmp_path / "widget.png")
    assert QImage(str(widget_png)).width() == plot.width()


def test_markdown_is_the_explain_renderer(tmp_path, lecture, capsys):
    from sandbox.explain.render import to_markdown

    w = Trainer(lecture).walkthrough()
    text = walkthrough_markdown(w)
    assert text == to_markdown(w)
    assert text.startswith("# ") and "$" in text
    path = save_markdown(w, tmp_path / "update.md")
    assert path.read_text(encoding="utf-8") == text
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask  # an ordinary file, not a private temporary one
    assert next_update_markdown(Trainer(lecture)) == text


def test_markdown_equals_explain_command_output(tmp_path, capsys):
    cli = pytest.importorskip("sandbox.cli")
    from sandbox.files import load_experiment
    from sandbox.resources import resource_path

    path = resource_path("networks", "lecture17-linear.json")
    assert cli.main(["explain", str(path), "--format", "markdown"]) == 0
    printed = capsys.readouterr().out
    assert next_update_markdown(Trainer(load_experiment(path))) == printed


def test_cached_items_export_as_vectors(qtbot, tmp_path):
    from PySide6.QtWidgets import QGraphicsItem

    scene = simple_scene()
    for item in scene.items():
        item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    text = svg_text(save_scene_svg(scene, tmp_path / "cached.svg"))
    assert "h1" in text and "w5 = 0.14" in text
    assert all(i.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache for i in scene.items())


def hostile_svg(tmp_path, text: str) -> bytes:
    scene = QGraphicsScene()
    scene.addEllipse(0, 0, 40, 40)
    scene.addSimpleText(text).setPos(10, 50)
    return save_scene_svg(scene, tmp_path / "hostile.svg", title=text, description=text).read_bytes()


def test_svg_text_from_names_is_xml_escaped(qtbot, tmp_path):
    """Qt's SVG writer escapes HTML/XML in the title, the description and every text."""
    hostile = "<img src=x onerror=alert(1)> & ]]> \"'"
    data = hostile_svg(tmp_path, hostile)
    root = ET.fromstring(data)
    assert root.find(f"{SVG}title").text == hostile and root.find(f"{SVG}desc").text == hostile
    assert b"<img" not in data
    assert b"&lt;img src=x onerror=alert(1)&gt; &amp; ]]&gt;" in data


def test_svg_with_a_control_character_in_a_name_is_still_xml(qtbot, tmp_path):
    """Title and description are escaped; a control character drawn in the scene is written visibly."""
    root = ET.fromstring(hostile_svg(tmp_path, "esc\x1b[31m bel\x07 nul\x00 tab\t line\nend"))
    assert root.find(f"{SVG}title").text == "esc\\x1b[31m bel\\x07 nul\\x00 tab\\t line\\nend"
    assert root.find(f"{SVG}desc").text == "esc\\x1b[31m bel\\x07 nul\\x00 tab\t line\nend"
    drawn = " ".join("".join(el.itertext()) for el in root.iter(f"{SVG}text"))
    assert "esc\\x1b[31m bel\\x07 nul\\x00" in drawn


def test_svg_is_written_in_place_of_an_old_file(qtbot, tmp_path):
    path = tmp_path / "picture.svg"
    path.write_text("old", encoding="utf-8")
    save_scene_svg(simple_scene(), path, title="new")
    assert ET.parse(path).getroot().find(f"{SVG}title").text == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["picture.svg"]  # no temporary file left


def test_network_view_of_hostile_labels_is_valid_svg(qtbot, tmp_path):
    """The view draws labels through ``explain.markup.to_html``: control characters as visible escapes."""
    doc_module = pytest.importorskip("sandbox.gui.model.document")
    view_module = pytest.importorskip("sandbox.gui.network_view.view")
    from escaping_support import hostile_experiment

    view = view_module.NetworkView(doc_module.Document(hostile_experiment(name="hostile labels")))
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    svg = save_scene_svg(view, tmp_path / "network.svg", title="hostile labels")
    text = svg_text(svg).replace(" ", "")  # parses as XML
    assert "\\x1b[31mred\\x1b[0m" in text and "<img" not in svg.read_text(encoding="utf-8")
