"""Each lecture view's "Save picture…" button writes a PNG where the (patched) dialog says."""

from __future__ import annotations

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QPushButton

from sandbox.gui.lecture.activation_view import ActivationView
from sandbox.gui.lecture.batch_comparison_view import BatchComparisonView
from sandbox.gui.lecture.landscape_view import LandscapeView


def click_save(view, monkeypatch, path) -> QImage:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), "")))
    view.findChild(QPushButton, "savePictureButton").click()
    image = QImage(str(path.with_suffix(".png")))
    assert not image.isNull()
    return image


def test_activation_view_picture(qtbot, tmp_path, monkeypatch):
    view = ActivationView()
    qtbot.addWidget(view)
    view.resize(1000, 800)
    image = click_save(view, monkeypatch, tmp_path / "act")
    assert (image.width(), image.height()) == (view.width(), view.height())


def test_landscape_and_batch_pictures(qtbot, tmp_path, monkeypatch, lecture):
    land = LandscapeView(lecture, autoplay=False, resolution=15, steps=5)
    qtbot.addWidget(land)
    land.resize(1000, 600)
    land.show()
    qtbot.waitUntil(lambda: land.result is not None and not land.busy, timeout=10000)
    image = click_save(land, monkeypatch, tmp_path / "land.png")
    assert image.width() == max(800, 2 * land.plot.width())
    land.shutdown()
    batch = BatchComparisonView(lecture, epochs=2)
    qtbot.addWidget(batch)
    batch.resize(1000, 600)
    batch.show()
    batch.offer_button.click()  # the lecture's one sample: the comparison runs on the data set offered
    qtbot.waitUntil(lambda: bool(batch.runs) and not batch.busy, timeout=20000)
    image = click_save(batch, monkeypatch, tmp_path / "batch.png")
    assert image.width() == batch.plots.width()
    batch.shutdown()
