"""The window's "Lecture" and "Export" menus: the lecture views and every export, in one place.

``LectureViews(window)`` adds the menus to ``window.menuBar()`` and needs from the window only its
``document`` (experiment, trainer, walkthrough), ``network_view``, ``loss_plot``, ``gradient_plot``,
``open_file(path)`` and ``maybe_save()``, all optional but the document. Views open as separate
windows, one of each kind, on a copy of the current experiment; ``shutdown()`` closes them and
waits for their worker threads (called when the window closes or the application quits).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QMainWindow, QMessageBox, QWidget

from sandbox.engine import Walkthrough
from sandbox.explain.escape import for_file_name, for_terminal
from sandbox.export.markdown import save_markdown, walkthrough_markdown
from sandbox.export.pytorch_script import save_pytorch_script
from sandbox.gui.lecture.image_export import save_plot_picture, save_scene_png, save_scene_svg

TITLE = "Backprop Sandbox"


def with_extension(path: Path, extension: str) -> Path:
    """``path`` with ``extension`` (".png") appended when its name has no extension of its own."""
    return path if path.suffix else path.with_name(path.name + extension)


#: characters of a file name suggested from the network's name (before "-loss" and the extension)
MAX_STEM_CHARS = 100


def _safe_stem(name: str) -> str:
    """A file name stem from the network's name: letters and digits, runs of anything else one "-", at
    most ``MAX_STEM_CHARS`` characters, never a reserved device name or hidden (``escape.for_file_name``)."""
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in name.strip().lower())
    stem = "-".join(part for part in stem.split("-") if part)[:MAX_STEM_CHARS].strip("-")
    return for_file_name(stem, fallback="network", max_chars=MAX_STEM_CHARS)


class LectureViews(QObject):
    """Menus, open views and export actions of a main window."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.views: dict[str, QWidget] = {}
        self.actions: dict[str, QAction] = {}
        self._build_menus()
        window.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # ---- menus ---------------------------------------------------------------------------------------
    def _action(self, menu, key: str, text: str, slot: Callable, tip: str = "") -> QAction:
        action = menu.addAction(text)
        action.setObjectName(key)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _=False: slot())
        self.actions[key] = action
        return action

    def _build_menus(self) -> None:
        bar = self.window.menuBar()
        lecture = bar.addMenu("&Lecture")
        lecture.setObjectName("lectureMenu")
        self._action(lecture, "guidedTourAction", "Guided &Tour…", self.show_tour,
                     "A few examples, from the lecture's first network to vanishing gradients and momentum")
        lecture.addSeparator()
        self._action(lecture, "activationViewAction", "&Activation Functions", self.show_activations,
                     "f and f′ of every activation in the lecture's table; the largest f′ marked")
        self._action(lecture, "landscapeViewAction", "Loss &Landscape and Optimizers", self.show_landscape,
                     "The loss over two parameters, with SGD, momentum, RMSProp and Adam descending it")
        self._action(lecture, "batchComparisonAction", "&GD vs SGD vs Mini-batch", self.show_batch_comparison,
                     "The three batch modes by plain SGD: loss by samples seen and by updates, time measured")
        lecture.addSeparator()
        self._action(lecture, "chainRuleAction", "&Chain Rule of a Neuron", self.show_chain_rule,
                     "One neuron as its computation graph: the gradient walked back from the loss, one edge at a time "
                     "(or right-click a neuron)")
        self._action(lecture, "compositionAction", "C&omposition y = f(g(h(x)))", self.show_composition,
                     "The chain rule on three functions picked from menus: dy/dx = f′(u₂)·g′(u₁)·h′(x)")
        self.lecture_menu = lecture

        export = bar.addMenu("E&xport")
        export.setObjectName("exportMenu")
        self._action(export, "copyMarkdownAction", "&Copy Update as Markdown", self.copy_markdown,
                     "The current update's worked example, Markdown with LaTeX, to the clipboard")
        self._action(export, "exportMarkdownAction", "Update as &Markdown…", self.export_markdown)
        export.addSeparator()
        self._action(export, "exportNetworkPngAction", "Network Picture as &PNG…", self.export_network_png)
        self._action(export, "exportNetworkSvgAction", "Network Picture as &SVG…", self.export_network_svg)
        self._action(export, "exportLossPlotAction", "&Loss Plot as PNG…", lambda: self.export_plot("loss_plot"))
        self._action(export, "exportGradientPlotAction", "&Gradient Plot as PNG…",
                     lambda: self.export_plot("gradient_plot"))
        export.addSeparator()
        self._action(export, "exportOnnxAction", "Network as &ONNX…", self.export_onnx,
                     "For Netron and other frameworks (needs the optional onnx package)")
        self._action(export, "exportPytorchAction", "Network as P&yTorch Script…", self.export_pytorch,
                     "A short plain PyTorch script with the same weights, loss and optimizer")
        export.addSeparator()
        self._action(export, "exportExerciseSheetAction", "&Exercise Sheet…", self.export_exercise_sheet,
                     "Questions on this network's next update to work by hand (PDF, Markdown, LaTeX or JSON), "
                     "and the answer key with every step")
        self.export_menu = export

    # ---- views ----------------------------------------------------------------------------------------
    @property
    def experiment(self):
        return self.window.document.experiment

    def _show(self, key: str, make: Callable[[], QWidget], replace: bool = False) -> QWidget:
        view = self.views.get(key)
        if view is not None and replace:
            self._close_view(key)
            view = None
        if view is None:
            view = make()
            self.views[key] = view
        view.show()
        view.raise_()
        view.activateWindow()
        return view

    def _close_view(self, key: str) -> None:
        view = self.views.pop(key, None)
        if view is None:
            return
        shutdown = getattr(view, "shutdown", None)
        if shutdown is not None:
            shutdown()
        view.close()
        view.deleteLater()

    def show_tour(self) -> QWidget:
        from sandbox.gui.lecture.guided_tour import GuidedTour

        def make() -> QWidget:
            tour = GuidedTour()
            tour.openExample.connect(self.open_example)
            tour.openView.connect(self.show_view)
            return tour

        return self._show("tour", make)

    def show_activations(self) -> QWidget:
        from sandbox.gui.lecture.activation_view import ActivationView
        return self._show("activations", ActivationView)

    def show_landscape(self) -> QWidget:
        from sandbox.gui.lecture.landscape_view import LandscapeView
        exp = self.experiment
        return self._show("landscape", lambda: self._titled(LandscapeView(exp)), replace=True)

    def show_batch_comparison(self) -> QWidget:
        from sandbox.gui.lecture.batch_comparison_view import BatchComparisonView
        exp = self.experiment
        return self._show("batch", lambda: self._titled(BatchComparisonView(exp)), replace=True)

    def show_chain_rule(self, layer: int | None = None, neuron: int | None = None) -> QWidget:
        """The chain-rule view of the window's document (it follows the document); with ``layer`` and
        ``neuron`` (1 = first layer after the inputs) that neuron is shown, from the loss."""
        from sandbox.gui.chain.chain_rule_view import ChainRuleView

        view = self._show("chain", lambda: ChainRuleView(self.window.document))
        if layer is not None and neuron is not None and isinstance(view, ChainRuleView):
            view.choose(layer, neuron)
        return view

    def show_composition(self) -> QWidget:
        from sandbox.gui.chain.composition_view import CompositionView
        return self._show("composition", CompositionView)

    def _titled(self, view: QWidget) -> QWidget:
        view.setWindowTitle(f"{view.windowTitle()} — {for_terminal(self.experiment.name)}")
        return view

    def show_view(self, name: str) -> QWidget | None:
        shows = {"activations": self.show_activations, "landscape": self.show_landscape,
                 "batch": self.show_batch_comparison, "tour": self.show_tour, "chain": self.show_chain_rule,
                 "composition": self.show_composition}
        show = shows.get(name)
        return show() if show is not None else None

    def open_example(self, path: Path) -> bool:
        maybe_save = getattr(self.window, "maybe_save", None)
        if maybe_save is not None and not maybe_save():
            return False
        return bool(self.window.open_file(path))

    def shutdown(self) -> None:
        """Close every open view and wait for its worker thread."""
        for key in list(self.views):
            self._close_view(key)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.window and event.type() == QEvent.Type.Close:
            # the window may refuse to close (unsaved changes): look once the close is decided
            QTimer.singleShot(0, self, self._after_close)  # (not called once this object is gone)
        return False

    def _after_close(self) -> None:
        if not self.window.isVisible():
            self.shutdown()

    # ---- exports --------------------------------------------------------------------------------------
    def current_walkthrough(self) -> Walkthrough:
        """The update being shown, else the next one (computed by the engine, nothing changes)."""
        doc = self.window.document
        return doc.walkthrough if doc.walkthrough is not None else doc.trainer.walkthrough()

    def _ask_path(self, title: str, extension: str, file_filter: str, tail: str = "") -> Path | None:
        """A file name from the save dialog, ``extension`` (".png") added when typed without one;
        the suggestion is the network's name + ``tail`` ("-loss") + ``extension``."""
        doc = self.window.document
        folder = Path.home()
        if doc.path is not None and doc.path.parent.is_dir() and "resources" not in doc.path.parts:
            folder = doc.path.parent
        suggestion = str(folder / f"{_safe_stem(self.experiment.name)}{tail}{extension}")
        path, _ = QFileDialog.getSaveFileName(self.window, title, suggestion, file_filter)
        if not path:
            return None
        return with_extension(Path(path), extension)

    def _export(self, what: str, title: str, extension: str, file_filter: str, save: Callable[[Path], object],
                tail: str = "") -> Path | None:
        """Ask for a file name, ``save(path)``; any failure is told in a message box (never a traceback)
        and the status bar says so (not an earlier export's success)."""
        path = self._ask_path(title, extension, file_filter, tail)
        if path is None:
            return None
        try:
            save(path)
        except Exception as e:  # noqa: BLE001 - pyqtgraph, Qt and onnx raise their own exception types
            self._failed(what, e)
            return None
        self._done(path)
        return path

    def _done(self, path: Path) -> None:
        self.window.statusBar().showMessage(f"Exported {path.name}", 5000)

    def _failed(self, what: str, error: Exception) -> None:
        self.window.statusBar().showMessage(f"Could not export {what}", 5000)
        QMessageBox.critical(self.window, TITLE, f"Could not export {what}:\n\n{error}")

    def copy_markdown(self) -> str:
        text = walkthrough_markdown(self.current_walkthrough())
        QGuiApplication.clipboard().setText(text)
        self.window.statusBar().showMessage("Copied the update as Markdown", 5000)
        return text

    def export_markdown(self) -> Path | None:
        return self._export("the Markdown", "Save the update as Markdown", ".md", "Markdown (*.md);;All files (*)",
                            lambda path: save_markdown(self.current_walkthrough(), path))

    def export_network_png(self) -> Path | None:
        return self._export("the picture", "Save the network picture as PNG", ".png", "PNG images (*.png)",
                            lambda path: save_scene_png(self.window.network_view, path))

    def export_network_svg(self) -> Path | None:
        return self._export("the picture", "Save the network picture as SVG", ".svg", "SVG images (*.svg)",
                            lambda path: save_scene_svg(self.window.network_view, path, title=self.experiment.name))

    def export_plot(self, attribute: str) -> Path | None:
        plot = getattr(self.window, attribute, None)
        if plot is None:
            return None
        name = "loss" if attribute == "loss_plot" else "gradients"
        return self._export("the plot", f"Save the {name} plot as PNG", ".png", "PNG images (*.png)",
                            lambda path: save_plot_picture(plot, path), tail=f"-{name}")

    def export_onnx(self) -> Path | None:
        try:
            import onnx  # noqa: F401

            from sandbox.export.onnx_export import save_onnx
        except ImportError:
            QMessageBox.information(self.window, TITLE, "ONNX export needs the optional onnx package:\n\n"
                                    "    pip install \"backprop-sandbox[onnx]\"")
            return None
        return self._export("the ONNX model", "Save the network as ONNX", ".onnx", "ONNX models (*.onnx)",
                            lambda path: save_onnx(self.experiment, path))

    def export_pytorch(self) -> Path | None:
        return self._export("the script", "Save the network as a PyTorch script", ".py", "Python scripts (*.py)",
                            lambda path: save_pytorch_script(self.experiment, path))

    def export_exercise_sheet(self) -> Path | None:
        """Export ▸ Exercise Sheet…: what to ask and the format, then the file; the sheet and (asked for) its
        answer key beside it (``NAME-answers.pdf``), on the current network's next update."""
        from sandbox.gui.lecture.exercise_sheet_dialog import SHEET_FORMATS, ask_sheet_choice
        from sandbox.gui.lecture.exercise_sheet_files import write_exercise_files
        from sandbox.practice.exercise import exercise_from

        choice = ask_sheet_choice(self.window)
        if choice is None:
            return None
        _, extension, file_filter = SHEET_FORMATS[choice.format]
        experiment = self.experiment.copy()  # the network as it is now, whatever is edited meanwhile
        return self._export("the exercise sheet", "Save the exercise sheet", extension,
                            f"{file_filter};;All files (*)",
                            lambda path: write_exercise_files(exercise_from(experiment, choice.ask), path,
                                                              choice.format, choice.answers),
                            tail="-exercise")
