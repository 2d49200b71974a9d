"""Shipped examples are templates (issue 13, point 4): opened from the checkout's or the package's
``resources/networks/`` they open as untitled copies, so that Save asks where and accepting the default
of the unsaved-changes prompt can never overwrite them."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QFileDialog, QMessageBox  # noqa: E402

from sandbox import resources  # noqa: E402
from sandbox.files import load_experiment  # noqa: E402
from sandbox.gui.model import templates  # noqa: E402
from sandbox.gui.model.document import Document  # noqa: E402

pytestmark = pytest.mark.usefixtures("isolated_settings")

SHIPPED = resources.resource_path("networks", "vanishing-sigmoid.json")
CHECKOUT = Path(__file__).resolve().parent.parent / "resources" / "networks" / "vanishing-sigmoid.json"


@pytest.fixture
def asked(monkeypatch):
    """The unsaved-changes prompt answers its default (recorded); Save As is cancelled (recorded)."""
    seen = {"warning": [], "save_as": [], "critical": []}

    def warning(parent, title, text, buttons=None, default=None):
        seen["warning"].append((text, default))
        return default

    def get_save_file_name(parent, caption="", directory="", *args, **kwargs):
        seen["save_as"].append(directory)
        return "", ""

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text, *a, **k: seen["critical"].append(text)))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(get_save_file_name))
    return seen


@pytest.fixture
def window(qtbot, asked):
    from sandbox.gui import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.player.set_speed("instant")
    w.show()
    qtbot.waitExposed(w)
    return w


def test_the_shipped_examples_are_templates_wherever_they_are_reached_from(tmp_path, monkeypatch):
    for path in resources.example_networks():
        assert templates.is_template(path), path
    assert templates.is_template(CHECKOUT)
    monkeypatch.chdir(CHECKOUT.parent.parent.parent)  # the checkout's folder: a relative path
    assert templates.is_template(Path("resources") / "networks" / ".." / "networks" / "xor.json")
    link = tmp_path / "link.json"
    try:
        os.symlink(SHIPPED, link)
    except OSError:
        pass
    else:
        assert templates.is_template(link)  # compared by the resolved real path
    copy = tmp_path / "vanishing-sigmoid.json"
    shutil.copyfile(SHIPPED, copy)
    assert not templates.is_template(copy)  # a copy of the user's own is the user's file
    # another checkout's examples (an app installed with pip install ., not editable, opening them)
    other = tmp_path / "checkout" / "resources" / "networks"
    other.mkdir(parents=True)
    shutil.copyfile(SHIPPED, other / "vanishing-sigmoid.json")
    shutil.copyfile(SHIPPED, other / "my-own.json")
    assert templates.is_template(other / "vanishing-sigmoid.json") and not templates.is_template(other / "my-own.json")
    assert templates.split(copy) == (copy, None) and templates.split(SHIPPED) == (None, SHIPPED)
    assert templates.split(None) == (None, None)


def test_a_document_of_a_shipped_example_has_no_path_and_says_it_is_an_untitled_copy(qapp, tmp_path):
    doc = Document(load_experiment(SHIPPED), SHIPPED)
    assert doc.path is None and doc.template == SHIPPED
    assert doc.display_name == "Vanishing gradients: 10 sigmoid layers (example) — untitled"
    out = tmp_path / "mine.json"
    doc.mark_saved(out)
    assert doc.path == out and doc.template is None and doc.display_name == "mine.json"


def _train_a_little(qtbot, window) -> None:
    """Train (the training thread) a few iterations, then pause: the run is an unsaved change."""
    start = window.document.trainer.iteration
    window.actions_.train.trigger()
    qtbot.waitUntil(lambda: window.document.trainer.iteration >= start + 3, timeout=10000)
    window.actions_.train.trigger()
    qtbot.waitUntil(lambda: not window.training.session.running, timeout=5000)
    assert window.document.is_modified


def test_accepting_the_default_of_the_unsaved_changes_prompt_never_overwrites_a_shipped_example(
        qtbot, window, asked, tmp_path):
    original = CHECKOUT.read_bytes()
    for path in (CHECKOUT, SHIPPED, os.path.relpath(CHECKOUT)):
        assert window.open_file(path)
        doc = window.document
        assert doc.path is None and doc.template is not None and doc.template.name == "vanishing-sigmoid.json"
        assert window.windowTitle().startswith("Vanishing gradients: 10 sigmoid layers (example) — untitled")
        _train_a_little(qtbot, window)
        doc.edit_value(("weight", 1, 0, 0), 0.5)
        # another file, File ▸ Open Recent, closing the window ask first: the default, Save, asks where
        assert not window.maybe_save()  # Save → Save As → cancelled: nothing goes on
        assert asked["warning"][-1][1] == QMessageBox.StandardButton.Save
        assert Path(asked["save_as"][-1]).parent != CHECKOUT.parent
        assert Path(asked["save_as"][-1]) == Path.home() / "vanishing-sigmoid.json"  # the example's name, at home
        assert not window.close()
        assert CHECKOUT.read_bytes() == original and SHIPPED.read_bytes() == original
        assert not window.save()  # File ▸ Save: Save As too
        assert CHECKOUT.read_bytes() == original
        doc.forget_history()  # (done with it: the next path opens without being asked)
    # saving to a path of one's own works, and the document is that file from then on
    _train_a_little(qtbot, window)
    out = tmp_path / "mine.json"
    assert window.save_file(out)
    assert window.document.path == out and window.document.template is None and not window.isWindowModified()
    assert json.loads(out.read_text(encoding="utf-8"))["name"] == "Vanishing gradients: 10 sigmoid layers"
    assert window.windowTitle().startswith("mine.json")
    assert CHECKOUT.read_bytes() == original


def test_open_recent_of_a_shipped_example_opens_it_as_a_template_and_an_ordinary_file_keeps_its_path(
        qtbot, window, asked, tmp_path):
    assert window.open_file(SHIPPED)
    own = tmp_path / "own.json"
    shutil.copyfile(SHIPPED, own)
    assert window.open_file(own)
    assert window.document.path == own and window.document.template is None
    assert window.windowTitle().startswith("own.json")
    window._fill_recent_menu()
    recent = {a.toolTip(): a for a in window.recent_menu.actions()}
    assert set(recent) == {str(SHIPPED.resolve()), str(own.resolve())}
    recent[str(SHIPPED.resolve())].trigger()
    assert window.document.path is None and window.document.template is not None
    _train_a_little(qtbot, window)
    assert not window.maybe_save() and asked["save_as"]  # Save asks where
    assert CHECKOUT.read_bytes() == own.read_bytes()
    window.document.forget_history()
    recent[str(own.resolve())].trigger()
    assert window.document.path == own.resolve() and window.document.template is None


def test_the_window_started_on_the_lecture_shows_an_untitled_copy(window, asked):
    doc = window.document
    assert doc.path is None and doc.template is not None and doc.template.name == "lecture17-linear.json"
    assert window.windowTitle().startswith("Lecture 17: simple linear network (example) — untitled")
