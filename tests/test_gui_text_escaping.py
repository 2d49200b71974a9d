"""The window never trusts a network's text: a name or label with HTML shows as the literal text, a
control character as a visible escape (networks built in code or edited in the window skip validation)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QTextDocument  # noqa: E402
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget  # noqa: E402

from sandbox.engine import Dataset, Experiment, Layer, Network, OptimizerSpec  # noqa: E402
from sandbox.gui.lecture.batch_comparison_view import BatchComparisonView  # noqa: E402
from sandbox.gui.lecture.lecture_menu import LectureViews  # noqa: E402
from sandbox.gui.model.document import Document  # noqa: E402
from sandbox.gui.settings import SettingsPanel  # noqa: E402


def experiment(name: str = "net", input_labels: list[str] | None = None) -> Experiment:
    """A 2-2-1 regression network with the given name and input labels."""
    rng = np.random.default_rng(0)
    net = Network(2, [Layer(rng.normal(size=(2, 2)) * 0.5, "tanh", np.zeros(2)),
                      Layer(rng.normal(size=(1, 2)) * 0.5, "identity", np.zeros(1))], input_labels=input_labels)
    data = Dataset(rng.normal(size=(8, 2)), rng.normal(size=(8, 1)))
    return Experiment(net, data, name=name, optimizer=OptimizerSpec("sgd", 0.05))


def shown(label: QLabel) -> str:
    """What a label shows: its text as is when plain, the rendered document's text when rich."""
    if label.textFormat() == Qt.TextFormat.PlainText:
        return label.text()
    doc = QTextDocument()
    doc.setHtml(label.text())
    return doc.toPlainText()


@pytest.fixture
def comparison(qtbot):
    def make(name: str) -> BatchComparisonView:
        view = BatchComparisonView(experiment(name), epochs=1, run_now=False)
        qtbot.addWidget(view)
        views.append(view)
        return view

    views: list[BatchComparisonView] = []
    yield make
    for view in views:
        view.shutdown()


@pytest.mark.parametrize("name, text", [
    ("<b>bold</b>", "<b>bold</b>"),
    ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
    ("a &amp; b", "a &amp; b"),
    ("\x1b[31mred\x07", "\\x1b[31mred\\x07"),
])
def test_batch_comparison_intro_shows_the_name_as_text(comparison, name, text):
    view = comparison(name)
    assert view.intro.textFormat() == Qt.TextFormat.RichText
    assert shown(view.intro).startswith(f"Gradient descent, SGD and mini-batches on {text} (8 training samples, ")


def test_batch_comparison_failure_message_is_plain_text(comparison):
    view = comparison("net")
    view._on_failed(0, "<b>boom</b> \x1b[2J\nsecond line")
    assert view.status.textFormat() == Qt.TextFormat.PlainText
    assert view.status.text() == "The comparison failed: <b>boom</b> \\x1b[2J"
    view._on_failed(0, "")
    assert view.status.text() == "The comparison failed: "


@pytest.mark.parametrize("labels, text", [
    (["<i>x</i>", "x2"], "Inputs: 2 (<i>x</i>, x2), set by the data"),
    (["<b>a", "b&amp;"], "Inputs: 2 (<b>a, b&amp;), set by the data"),
    (["esc\x1b[31m", "nul\x00"], "Inputs: 2 (esc\\x1b[31m, nul\\x00), set by the data"),
])
def test_architecture_inputs_show_the_labels_as_text(qtbot, labels, text):
    panel = SettingsPanel(Document(experiment(input_labels=labels)))
    qtbot.addWidget(panel)
    inputs = panel.architecture.inputs
    assert inputs.textFormat() == Qt.TextFormat.PlainText
    assert shown(inputs) == text


class _Window(QMainWindow):
    def __init__(self, exp: Experiment):
        super().__init__()
        self.document = Document(exp)


def test_lecture_view_title_shows_the_name_with_visible_escapes(qtbot):
    window = _Window(experiment("<b>x</b> \x1b[31mred\u202e"))
    qtbot.addWidget(window)
    views = LectureViews(window)
    view = QWidget()
    qtbot.addWidget(view)
    view.setWindowTitle("Loss landscape")
    assert views._titled(view).windowTitle() == "Loss landscape — <b>x</b> \\x1b[31mred\\u202e"


def test_the_window_title_shows_a_hostile_name_with_visible_escapes(qtbot):
    from sandbox.gui import MainWindow
    window = MainWindow()
    qtbot.addWidget(window)
    window.document.replace(experiment("evil\x1b[31m [*] name"), None)
    assert window.windowTitle().startswith("evil\\x1b[31m [*\u200b] name")
    assert "\x1b" not in window.windowTitle() and not window.isWindowModified()
    window.close()
