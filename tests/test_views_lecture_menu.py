"""The window's Lecture and Export menus: every view opens, every export writes its file, views stop
their threads when the window closes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from PySide6.QtGui import QAction, QGuiApplication, QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox

LECTURE_ACTIONS = ["guidedTourAction", "activationViewAction", "landscapeViewAction", "batchComparisonAction",
                   "chainRuleAction", "compositionAction"]
EXPORT_ACTIONS = ["copyMarkdownAction", "exportMarkdownAction", "exportNetworkPngAction", "exportNetworkSvgAction",
                  "exportLossPlotAction", "exportGradientPlotAction", "exportOnnxAction", "exportPytorchAction",
                  "exportExerciseSheetAction"]


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch, isolated_settings):
    errors = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda *a, **k: errors.append(a[2])))
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a, **k: errors.append(a[2])))
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    from sandbox.gui import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    w.errors = errors
    yield w
    w.lecture_views.shutdown()


def action(window, name: str) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def save_to(monkeypatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), "")))


def test_menus_hold_every_view_and_export(window):
    lecture = window.lecture_views
    assert [a.objectName() for a in lecture.lecture_menu.actions() if a.objectName()] == LECTURE_ACTIONS
    assert [a.objectName() for a in lecture.export_menu.actions() if a.objectName()] == EXPORT_ACTIONS


def test_views_open_from_the_menu_and_stop_on_close(window, qtbot):
    action(window, "activationViewAction").trigger()
    action(window, "landscapeViewAction").trigger()
    action(window, "batchComparisonAction").trigger()
    views = window.lecture_views.views
    assert set(views) == {"activations", "landscape", "batch"}
    landscape, batch = views["landscape"], views["batch"]
    assert landscape.experiment.name == window.document.experiment.name
    assert landscape.experiment is not window.document.experiment  # a copy: training cannot disturb it
    qtbot.waitUntil(lambda: landscape.result is not None and not batch.busy, timeout=15000)
    assert window.document.experiment.name in landscape.windowTitle()
    window.close()
    qtbot.waitUntil(lambda: not window.lecture_views.views, timeout=5000)
    assert not landscape.worker.running and not batch.worker.running


def test_tour_opens_examples_in_the_window(window, qtbot):
    action(window, "guidedTourAction").trigger()
    tour = window.lecture_views.views["tour"]
    tour.go_to(next(i for i, stop in enumerate(tour.steps) if stop.file == "momentum.json"))
    tour.open_button.click()
    assert window.document.template is not None and window.document.template.name == tour.current.file
    assert window.document.experiment.name == "Momentum in a narrow valley"
    tour.view_button.click()
    landscape = window.lecture_views.views["landscape"]
    assert landscape.experiment.name == "Momentum in a narrow valley"
    qtbot.waitUntil(lambda: landscape.result is not None, timeout=15000)


def test_markdown_copy_and_save(window, tmp_path, monkeypatch):
    from sandbox.explain.render import to_markdown

    expected = to_markdown(window.document.trainer.walkthrough())
    text = window.lecture_views.copy_markdown()
    assert text == expected and QGuiApplication.clipboard().text() == expected
    save_to(monkeypatch, tmp_path / "update")
    action(window, "exportMarkdownAction").trigger()
    assert (tmp_path / "update.md").read_text(encoding="utf-8") == expected
    assert "0.3272405" in expected  # the lecture's loss before the update


def test_picture_exports(window, tmp_path, monkeypatch):
    save_to(monkeypatch, tmp_path / "net.svg")
    action(window, "exportNetworkSvgAction").trigger()
    svg = (tmp_path / "net.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "0.191" in svg
    save_to(monkeypatch, tmp_path / "net.png")
    action(window, "exportNetworkPngAction").trigger()
    assert QImage(str(tmp_path / "net.png")).width() > 100
    save_to(monkeypatch, tmp_path / "loss.png")
    action(window, "exportLossPlotAction").trigger()
    assert QImage(str(tmp_path / "loss.png")).width() >= 1200
    assert not window.errors


def test_network_exports(window, tmp_path, monkeypatch):
    save_to(monkeypatch, tmp_path / "net.py")
    action(window, "exportPytorchAction").trigger()
    ast.parse((tmp_path / "net.py").read_text(encoding="utf-8"))
    pytest.importorskip("onnx")
    save_to(monkeypatch, tmp_path / "net.onnx")
    action(window, "exportOnnxAction").trigger()
    assert (tmp_path / "net.onnx").stat().st_size > 100
    assert not window.errors


def test_cancelled_dialog_writes_nothing(window, tmp_path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    assert window.lecture_views.export_pytorch() is None
    assert window.lecture_views.export_network_svg() is None
    assert list(tmp_path.glob("*.py")) == []


@pytest.mark.parametrize("key", ["exportLossPlotAction", "exportGradientPlotAction"])
def test_plot_export_without_extension_is_a_well_proportioned_png(window, tmp_path, monkeypatch, key):
    window.actions_.step.trigger()  # something in the plots
    window.loss_plot.resize(1400, 180)  # a long thin strip on screen
    save_to(monkeypatch, tmp_path / "plot")
    action(window, key).trigger()
    image = QImage(str(tmp_path / "plot.png"))
    assert not window.errors
    assert image.width() == 1800 and 1.4 <= image.width() / image.height() <= 2.0
    assert window.statusBar().currentMessage() == "Exported plot.png"
    assert window.loss_plot.getPlotItem().geometry().height() < 200  # the plot on screen put back


def test_failed_export_tells_the_user(window, tmp_path, monkeypatch, capsys):
    window.statusBar().showMessage("Exported earlier.png")
    save_to(monkeypatch, tmp_path / "no such folder" / "loss.png")
    assert window.lecture_views.export_plot("loss_plot") is None
    assert len(window.errors) == 1 and window.errors[0].startswith("Could not export the plot")
    assert window.statusBar().currentMessage() == "Could not export the plot"
    save_to(monkeypatch, tmp_path / "no such folder" / "net.py")
    action(window, "exportPytorchAction").trigger()
    assert len(window.errors) == 2
    assert "Traceback" not in capsys.readouterr().err
