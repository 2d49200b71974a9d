"""The window's Help menu: keyboard shortcuts, a short "how to use", the documentation, About.

``HelpMenu(window)`` adds the menu to ``window.menuBar()``. Its texts open in small non-modal
windows (one of each, raised when asked again); the documentation opens in the system's viewer.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLayout, QMainWindow, QVBoxLayout

import sandbox
from sandbox.resources import docs_root

APP_TITLE = "Backprop Sandbox"
#: the width of a help window's text (pixels)
TEXT_WIDTH = 560

#: the documentation shipped with the source: title, file in docs/
DOCS = (("Lecture views", "lecture_views.md"), ("Headless commands", "commands.md"),
        ("Network file format", "file_format.md"), ("Architecture", "architecture.md"))

HOW_TO = """
<h3>How to use Backprop Sandbox</h3>
<ol>
<li><b>Step through one update.</b> Press <b>Step</b> (Space or →): the forward pass, the loss,
the backward pass and the update of every weight, each with its formula and its numbers in the
Explanation. <b>Step Back</b> (←) goes back; <b>Finish Update</b> shows the rest at once and
applies it. <b>Step</b> size sets how much one press shows: one formula, one neuron, one layer or
one phase.</li>
<li><b>Change any number.</b> Double-click a weight, bias, input or target in the network and
type a new value; every number follows. Every change can be undone (Ctrl+Z).</li>
<li><b>Train.</b> <b>Train</b> (Ctrl+T) trains continuously: the loss and gradient plots, the
decision boundary and the network follow; press it again to pause. The Settings set the data,
layers, loss, optimizer, learning rate and batches.</li>
<li><b>Practise.</b> <b>Practice</b> (Update menu, Ctrl+P) makes <b>Step</b> ask instead of tell: the
next value is highlighted with its formula in symbols, you type it (0,5, 1/4 and −1.25 all work) and press
Enter; <b>Hint</b> puts the numbers in, <b>Show answer</b> works the step. <i>Ask</i> chooses what is asked,
and the score of each update is kept for the session.</li>
<li><b>New exercise.</b> File ▸ <b>New Exercise…</b> (Ctrl+Shift+N) makes a small network from a seed
(shape, activation, loss) and practises it; a class that shares "exercise 4172" gets the same numbers.</li>
<li><b>Lecture views.</b> The Lecture menu has a guided tour, the activation functions and their
derivatives, the loss landscape with four optimizers, and GD vs SGD vs mini-batch.</li>
<li><b>Take it with you.</b> The Export menu writes the update as Markdown with LaTeX, the network
as a picture, ONNX or a PyTorch script, and the plots as PNG. Export ▸ <b>Exercise Sheet…</b> writes the
current network's next update as questions to do by hand (PDF, Markdown, LaTeX or JSON) with an answer
key beside it; <code>backprop-sandbox exercise --seed 4172</code> does the same from a terminal.</li>
</ol>
"""


def docs_folder() -> Path:
    """The documentation: ``docs/`` of the checkout, or its copy installed with the package."""
    return docs_root()


class TextWindow(QDialog):
    """A small non-modal window with rich text and a Close button."""

    def __init__(self, parent, name: str, title: str, text: str):
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.label = QLabel(text)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setOpenExternalLinks(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(buttons)
        # a wrapped label's height is for the width it is given: set the width first, so the text fits whole
        self.label.setMinimumWidth(TEXT_WIDTH)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)


class HelpMenu(QObject):
    """The Help menu of a main window (``helpMenu``)."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.windows: dict[str, TextWindow] = {}
        menu = window.menuBar().addMenu("&Help")
        menu.setObjectName("helpMenu")
        self.menu = menu
        self.actions: dict[str, QAction] = {}
        self._add("howToUseAction", "&How to Use", self.show_how_to, QKeySequence.StandardKey.HelpContents)
        self._add("shortcutsAction", "&Keyboard Shortcuts", self.show_shortcuts)
        docs = menu.addMenu("&Documentation")
        docs.setObjectName("documentationMenu")
        folder = docs_folder()
        for title, file in DOCS:
            action = docs.addAction(title)
            action.setObjectName(f"doc_{Path(file).stem}")
            action.setEnabled((folder / file).is_file())
            action.triggered.connect(lambda _=False, f=file: self.open_doc(f))
        self.docs_menu = docs
        menu.addSeparator()
        self._add("aboutAction", f"&About {APP_TITLE}", self.show_about)

    def _add(self, name: str, text: str, slot, shortcut=None) -> QAction:
        action = self.menu.addAction(text)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False: slot())
        self.actions[name] = action
        return action

    # ---- texts -------------------------------------------------------------------------------
    def shortcuts_html(self) -> str:
        """Every action of the window that has a keyboard shortcut, as a table."""
        rows = []
        for action in self.window.findChildren(QAction):
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
            keys = [k for k in keys if k]
            if not keys or not action.text():
                continue
            text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")
            rows.append((text, " or ".join(keys)))
        seen = set()
        body = "".join(f"<tr><td style='padding-right:18px'>{html.escape(t)}</td><td><b>{html.escape(k)}</b></td></tr>"
                       for t, k in rows if not (t in seen or seen.add(t)))
        return (f"<h3>Keyboard shortcuts</h3><table cellspacing='0' cellpadding='3'>{body}</table>"
                "<p>Double-click a number in the network to change it: Return applies, Escape cancels.</p>")

    def about_html(self) -> str:
        return (f"<h3>{APP_TITLE} {html.escape(sandbox.__version__)}</h3>"
                "<p>Backpropagation, one number at a time: every forward value, the loss, every gradient "
                "and every update of a small neural network, each with its formula, as in EE 5561 "
                "lecture 17.</p><p>PySide6, pyqtgraph and numpy.</p>")

    # ---- showing -------------------------------------------------------------------------------
    def _show(self, name: str, title: str, text: str) -> TextWindow:
        window = self.windows.get(name)
        if window is None:
            window = TextWindow(self.window, name, title, text)
            self.windows[name] = window
        else:
            window.label.setText(text)
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def show_how_to(self) -> TextWindow:
        return self._show("howToUseWindow", f"How to use {APP_TITLE}", HOW_TO)

    def show_shortcuts(self) -> TextWindow:
        return self._show("shortcutsWindow", "Keyboard shortcuts", self.shortcuts_html())

    def show_about(self) -> TextWindow:
        return self._show("aboutWindow", f"About {APP_TITLE}", self.about_html())

    def open_doc(self, file: str) -> bool:
        """Open ``docs/<file>`` in the system's viewer; False when it is not there."""
        path = docs_folder() / file
        if not path.is_file():
            self.window.statusBar().showMessage(f"{file} is not installed with this copy", 5000)
            return False
        return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))
