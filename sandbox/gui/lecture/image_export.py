"""Pictures out of the app: a QGraphicsScene (the network view) as PNG or SVG, a pyqtgraph plot as PNG.

SVG goes through QtSvg's ``QSvgGenerator`` (vector: text stays text, so labels can be searched and
edited); PNG renders the scene at ``scale`` × its size on white. Plots use pyqtgraph's ImageExporter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401  (registers the exporters)
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsView, QWidget

from sandbox.explain.escape import for_terminal, for_text_block, visible
from sandbox.files.save import write_atomically

MARGIN = 16.0

#: characters XML 1.0 does not allow, even as references (Qt writes them as they are)
_NOT_XML = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]")


@contextmanager
def _vector_paint(scene: QGraphicsScene) -> Iterator[None]:
    """Items drawn through a pixmap cache would land in an SVG as bitmaps (text lost): paint them
    directly while exporting, then put every cache mode back."""
    cached = [(item, item.cacheMode()) for item in scene.items()
              if item.cacheMode() != QGraphicsItem.CacheMode.NoCache]
    for item, _ in cached:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        yield
    finally:
        for item, mode in cached:
            item.setCacheMode(mode)


def _scene_of(source: QGraphicsScene | QGraphicsView) -> QGraphicsScene:
    return source.scene() if isinstance(source, QGraphicsView) else source


def _source_rect(scene: QGraphicsScene) -> QRectF:
    rect = scene.itemsBoundingRect()
    if rect.isEmpty():
        rect = scene.sceneRect()
    return rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)


def scene_png_size(source: QGraphicsScene | QGraphicsView, scale: float = 2.0) -> QSize:
    """The pixel size ``save_scene_png`` will write."""
    rect = _source_rect(_scene_of(source))
    return QSize(max(1, round(rect.width() * scale)), max(1, round(rect.height() * scale)))


def save_scene_png(source: QGraphicsScene | QGraphicsView, path: str | Path, scale: float = 2.0) -> Path:
    """The whole scene (all items, with a margin) as a PNG on white, ``scale`` pixels per scene unit."""
    scene = _scene_of(source)
    rect = _source_rect(scene)
    size = scene_png_size(scene, scale)
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    with _vector_paint(scene):
        scene.render(painter, QRectF(0, 0, size.width(), size.height()), rect, Qt.AspectRatioMode.KeepAspectRatio)
    painter.end()
    path = Path(path)
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


def save_scene_svg(source: QGraphicsScene | QGraphicsView, path: str | Path, title: str = "network",
                   description: str = "Exported from Backprop Sandbox") -> Path:
    """The whole scene as an SVG file (vector graphics, text kept as text), written atomically.

    Qt writes control characters into the XML as they are, and a network built in code or in the window
    is not validated: the title and description are escaped (``for_terminal``, ``for_text_block``) and any
    character XML forbids that is left (in a text drawn in the scene) is written as a visible escape."""
    scene = _scene_of(source)
    rect = _source_rect(scene)
    path = Path(path)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(round(rect.width()), round(rect.height())))
    generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    generator.setTitle(for_terminal(title))
    generator.setDescription(for_text_block(description))
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError(f"could not write {path}")
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(QRectF(0, 0, rect.width(), rect.height()), QColor("white"))
    with _vector_paint(scene):
        scene.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    painter.end()
    buffer.close()
    svg = bytes(data.data()).decode("utf-8", errors="replace")
    write_atomically(path, _NOT_XML.sub(lambda m: visible(m.group()), svg).encode("utf-8"))
    return path


def save_plot_png(plot: pg.PlotWidget | pg.PlotItem, path: str | Path, width: int | None = None) -> Path:
    """A pyqtgraph plot as PNG through pyqtgraph's ImageExporter (``width`` in pixels, height to scale)."""
    item = plot.getPlotItem() if isinstance(plot, pg.PlotWidget) else plot
    exporter = pg.exporters.ImageExporter(item)
    if width is not None:
        exporter.parameters()["width"] = int(width)
    path = Path(path)
    if exporter.export(str(path)) is False:
        raise OSError(f"could not write {path}")
    return path


#: the history plots' exported picture: laid out at this size (logical pixels), written at twice it
PLOT_PICTURE_SIZE = (900, 540)
PLOT_PICTURE_SCALE = 2.0


def save_plot_picture(plot: pg.PlotWidget, path: str | Path, size: tuple[int, int] = PLOT_PICTURE_SIZE,
                      scale: float = PLOT_PICTURE_SCALE) -> Path:
    """A plot as a well-proportioned PNG, whatever its shape on screen: the plot is laid out at
    ``size`` for the export only (title, legend, axes and fonts in proportion), then put back; the
    image is ``scale`` × ``size`` pixels."""
    item = plot.getPlotItem()
    old = item.geometry()
    # pyqtgraph's legend ignores transformations: it would stay at screen size in the larger picture
    ignoring = [child for child in item.childItems()
                if child.flags() & QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations]
    try:
        for child in ignoring:
            child.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, False)
        item.setGeometry(QRectF(old.x(), old.y(), float(size[0]), float(size[1])))
        _fit_title(plot)
        path = save_plot_png(item, path, width=round(size[0] * scale))
    finally:
        for child in ignoring:
            child.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        item.setGeometry(old)
        _fit_title(plot)
    if not Path(path).is_file():
        raise OSError(f"could not write {path}")
    return Path(path)


def _fit_title(plot: pg.PlotWidget) -> None:
    from sandbox.gui.training.plots import fit_title  # the history plots hide their title when narrow
    fit_title(plot)


def save_widget_png(widget: QWidget, path: str | Path) -> Path:
    """Any widget as it looks on screen (e.g. a whole lecture view)."""
    path = Path(path)
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path
