"""A "Save picture…" button for the lecture views: asks for a PNG file name, then calls the view's
own ``save_picture(path)`` (a plot through pyqtgraph's exporter, or the widget as shown)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget


def save_picture_button(view: QWidget, save: Callable[[Path], Path], stem: str) -> QPushButton:
    button = QPushButton("Save picture…")
    button.setObjectName("savePictureButton")
    button.setToolTip("Save this picture as a PNG file, e.g. for slides")

    def ask() -> None:
        name, _ = QFileDialog.getSaveFileName(view, "Save the picture as PNG", str(Path.home() / f"{stem}.png"),
                                              "PNG images (*.png)")
        if not name:
            return
        path = Path(name) if Path(name).suffix else Path(name).with_name(Path(name).name + ".png")
        try:
            save(path)
        except Exception as e:  # pyqtgraph and Qt report failures with plain exceptions
            QMessageBox.critical(view, "Backprop Sandbox", f"Could not save the picture:\n\n{e}")

    button.clicked.connect(ask)
    return button
