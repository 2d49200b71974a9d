"""Big data sets in the window: the plots draw a bounded, representative sample of the points and say
so; the sample is the same on every redraw and keeps each class's share (issue 10, point 2)."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QMessageBox  # noqa: E402

from sandbox.gui.common.point_subset import MAX_POINTS, caption, class_of, subset_indices  # noqa: E402

pytestmark = pytest.mark.usefixtures("isolated_settings")


def network_file(tmp_path, data: dict, name: str = "big.json", sizes=(2, 4, 1), activation="sigmoid",
                 **extra) -> str:
    layers = [{"size": sizes[0]}] + [{"size": s, "activation": "tanh"} for s in sizes[1:-1]]
    layers.append({"size": sizes[-1], "activation": activation})
    doc = {"format": "backprop-sandbox.network", "version": 1, "layers": layers, "data": data, **extra}
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


@pytest.fixture
def dialogs(monkeypatch):
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text, *a, **k: shown.append((title, text))))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(
        lambda parent, title, text, *a, **k: QMessageBox.StandardButton.Discard))
    return shown


@pytest.fixture
def window(qtbot, dialogs):
    from sandbox.gui import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    return w


# ---- the subset -----------------------------------------------------------------------------------

def test_a_small_set_is_drawn_whole():
    np.testing.assert_array_equal(subset_indices(1200, 5000), np.arange(1200))
    assert caption(1200, 1200) == ""


def test_the_subset_is_bounded_fixed_and_keeps_each_class_share():
    classes = np.zeros(100_000, dtype=np.int64)
    classes[:1_000] = 1  # a rare class: 1 %
    classes[1_000:1_003] = 2  # a very rare one: 3 rows
    rows = subset_indices(len(classes), 5000, classes)
    assert len(rows) == 5000 and len(np.unique(rows)) == 5000 and np.all(np.diff(rows) > 0)
    counts = np.bincount(classes[rows], minlength=3)
    assert counts[1] == 50 and counts[2] >= 1 and counts.sum() == 5000
    np.testing.assert_array_equal(rows, subset_indices(len(classes), 5000, classes))  # same on every redraw


def test_more_classes_than_points_still_gives_at_most_the_limit():
    classes = np.arange(300) % 120
    rows = subset_indices(300, 100, classes)
    assert len(rows) == 100 and len(np.unique(classes[rows])) == 100


def test_classes_as_the_plot_colours_them():
    np.testing.assert_array_equal(class_of(np.array([[0.0], [1.0], [0.7]]), 0.5), [0, 1, 1])
    np.testing.assert_array_equal(class_of(np.array([[0.1, 0.9], [0.8, 0.2]]), 0.5), [1, 0])
    assert caption(5000, 200_000) == "showing 5,000 of 200,000 points"


# ---- the window -----------------------------------------------------------------------------------

def test_a_200k_sample_file_draws_a_bounded_sample_and_says_so(window, tmp_path):
    path = network_file(tmp_path, {"generator": "xor", "samples": 200_000, "test_fraction": 0.2},
                        loss={"name": "bce", "reduction": "mean"})
    assert window.open_file(path)
    boundary = window.training.boundary
    train, test = len(boundary.train_points.data), len(boundary.test_points.data)
    assert train + test == MAX_POINTS
    assert train == 4000 and test == 1000  # the training and the test set in their shares
    assert "of 200,000" in boundary.points_caption
    assert boundary.plot.getPlotItem().titleLabel.text == boundary.points_caption
    # both classes in their shares (xor: about half each)
    brushes = [p.brush().color().name() for p in boundary.train_points.points()]
    blue = sum(b == "#0877bd" for b in brushes)
    assert 1800 < blue < 2200
    # the same points after a redraw of the same data
    first = boundary.train_points.data["x"].copy()
    boundary.set_experiment(window.document.experiment)
    np.testing.assert_array_equal(boundary.train_points.data["x"], first)


def test_a_small_file_shows_every_point_without_a_caption(window, tmp_path):
    path = network_file(tmp_path, {"generator": "xor", "samples": 300})
    assert window.open_file(path)
    boundary = window.training.boundary
    assert len(boundary.train_points.data) == 300
    assert boundary.points_caption == "" and boundary.plot.getPlotItem().titleLabel.text == ""


# ---- a failed open changes nothing (issue 10, point 3) ------------------------------------------------

def _state(window):
    doc = window.document
    return (window.windowTitle(), doc.experiment, doc.trainer, doc.path, doc.undo_stack.count(),
            doc.undo_stack.index(), doc.is_modified)


def _edited_window(window):
    """The lecture network with one undoable edit: the undo stack and the title have something to keep."""
    window.document.edit_value(("weight", 1, 0, 0), 0.5)
    assert window.document.undo_stack.count() == 1 and window.document.is_modified
    return _state(window)


@pytest.fixture
def fifo(tmp_path):
    """A FIFO; a writer thread makes sure a reader that does not refuse it still gets an end of file."""
    import os
    import threading

    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    stop = threading.Event()

    def writer() -> None:
        while not stop.wait(0.05):
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                continue  # no reader yet
            os.write(fd, b"not json")
            os.close(fd)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    yield str(path)
    stop.set()
    thread.join(5)


def _hostile(tmp_path, kind: str) -> str:
    if kind == "folder":
        return str(tmp_path)
    if kind == "dev_zero":
        return "/dev/zero"
    path = tmp_path / f"{kind}.json"
    if kind == "bad_json":
        path.write_text('{"format": "backprop-sandbox.network", "version": 1, "layers": [', encoding="utf-8")
    elif kind == "deep":
        path.write_text("[" * 900 + "]" * 900, encoding="utf-8")
    elif kind == "deep_v0":
        path.write_text('{"version": 0, "layers": ' + "[" * 900 + "]" * 900 + "}", encoding="utf-8")
    elif kind == "missing":
        pass
    return str(path)


@pytest.mark.parametrize("kind", ["folder", "dev_zero", "bad_json", "deep", "deep_v0", "missing"])
def test_a_hostile_file_is_refused_with_a_message_and_nothing_changes(window, dialogs, tmp_path, kind):
    before = _edited_window(window)
    assert window.open_file(_hostile(tmp_path, kind)) is False
    assert _state(window) == before
    assert len(dialogs) == 1 and dialogs[0][0] == "Could not open the file" and dialogs[0][1]


def test_a_fifo_is_refused_with_a_message_and_nothing_changes(window, dialogs, fifo):
    before = _edited_window(window)
    assert window.open_file(fifo) is False
    assert _state(window) == before
    assert len(dialogs) == 1 and dialogs[0][1]


@pytest.mark.parametrize("failure", [RuntimeError("the views broke"), MemoryError()])
def test_a_view_that_fails_on_a_valid_file_puts_the_previous_network_back(window, dialogs, tmp_path, monkeypatch,
                                                                         failure):
    from sandbox.gui.training.decision_boundary import DecisionBoundaryView

    before = _edited_window(window)
    shown_weights = window.network_view.state.weights[1].copy()
    good = network_file(tmp_path, {"generator": "xor", "samples": 100})
    original = DecisionBoundaryView.set_experiment

    def failing(self, experiment):
        if experiment.data.inputs.shape[0] == 100:
            raise failure
        return original(self, experiment)

    monkeypatch.setattr(DecisionBoundaryView, "set_experiment", failing)
    assert window.open_file(good) is False
    assert _state(window) == before
    assert len(dialogs) == 1 and "could not show it" in dialogs[0][1]
    assert ("not enough memory" if isinstance(failure, MemoryError) else "the views broke") in dialogs[0][1]
    # every view shows the previous network again, and the edit can still be undone
    np.testing.assert_array_equal(window.network_view.state.weights[1], shown_weights)
    assert window.training.boundary._experiment is window.document.experiment
    window.document.undo_stack.undo()
    assert not window.document.is_modified
    monkeypatch.setattr(DecisionBoundaryView, "set_experiment", original)
    assert window.open_file(good)  # and the same file opens once the views can show it
    assert window.document.undo_stack.count() == 0 and window.document.path.name == "big.json"


# ---- huge and non-finite values draw without errors or warnings (issue 10, point 4) ------------------

HUGE_DATA = {"inputs": [[1e15, -1e15], [-1e15, 1e15], [0.0, 1.0]], "targets": [[1e15], [-1e15], [0.0]]}
OVERFLOWING = [{"size": 2},
               {"size": 2, "activation": "identity", "weights": [[1e300, 1e300], [1e300, -1e300]]},
               {"size": 1, "activation": "identity", "weights": [[1e300, 1e300]]}]


def _overflowing_file(tmp_path) -> str:
    doc = {"format": "backprop-sandbox.network", "version": 1, "layers": OVERFLOWING,
           "data": {"inputs": [[1e10, 1e10], [1.0, 2.0]], "targets": [[1.0], [0.0]]}}
    path = tmp_path / "overflowing.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("case", ["data of ±1e15", "weights that overflow"])
def test_huge_or_infinite_values_draw_without_an_error_or_a_warning(window, tmp_path, qtbot, case):
    import warnings

    path = (network_file(tmp_path, HUGE_DATA, sizes=(2, 3, 1), activation="identity") if case == "data of ±1e15"
            else _overflowing_file(tmp_path))
    window.player.set_speed("instant")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert window.open_file(path)
        window.grab()
        for _ in range(25):  # an update stepped through (one that overflows is refused with a message)
            window.actions_.step.trigger()
        window.grab()
        window.training.boundary.grab()
    assert [str(w.message) for w in caught] == []
    boundary = window.training.boundary
    x_range, y_range = boundary.plot.getPlotItem().getViewBox().viewRange()
    assert all(np.isfinite(v) for v in x_range + y_range)
    if case == "data of ±1e15":
        assert x_range[1] >= 1e15  # every point in view
    else:
        assert np.isinf(window.network_view.state.values[2][0])  # the output shows ∞


# ---- a file name suggested from the network's name (issue 10, point 5) -------------------------------

@pytest.mark.parametrize("name", ["../../etc/passwd", "a\\b/c\x00d\x1b[31m", ".hidden", "CON", "N" * 200,
                                  "é" * 200, "   ", "\u202e\u200bx"])
def test_an_export_name_suggested_from_the_network_name_is_a_safe_file_name(name):
    from sandbox.gui.lecture.lecture_menu import MAX_STEM_CHARS, _safe_stem

    stem = _safe_stem(name)
    assert stem and len(stem) <= MAX_STEM_CHARS
    assert not any(c in stem for c in "/\\\x00.") and stem.isprintable()
    assert stem.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}


def test_the_export_dialog_suggests_the_safe_name(window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    window.document.experiment.name = "../" * 60 + "x\x07"
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda parent, title, suggestion, *a: asked.append(suggestion) or ("", "")))
    window.lecture_views._ask_path("Export", ".md", "Markdown (*.md)")
    from pathlib import Path

    suggested = Path(asked[0])
    assert suggested.parent.exists() and suggested.name == "x.md"


def test_sets_too_large_to_evaluate_at_once_are_left_out_and_the_tooltip_says_why(window, tmp_path, monkeypatch):
    from sandbox.gui.model import evaluation

    monkeypatch.setattr(evaluation, "MAX_EVALUATED_NUMBERS", 1000)  # (2,000,000 samples × 700 neurons, scaled)
    assert window.open_file(network_file(tmp_path, {"generator": "xor", "samples": 300}, sizes=(2, 8, 1)))
    train = window.training.train_loss_label
    assert train.text() == "Train loss <b>—</b>" and "2,400 numbers" in train.toolTip()
    monkeypatch.setattr(evaluation, "MAX_EVALUATED_NUMBERS", 10_000)
    window.document.edit_value(("weight", 1, 0, 0), 0.25)
    assert "—" not in train.text() and train.toolTip() == ""  # evaluated again once it may be
