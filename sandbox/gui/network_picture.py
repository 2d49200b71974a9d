"""``python -m sandbox.gui.network_picture --to png|svg --out PATH FILE``: the window's network picture
without a window.

``backprop-sandbox export FILE --to png|svg`` runs this in a child process (with ``QT_QPA_PLATFORM=offscreen``)
so that the command itself never imports Qt. It builds the network view the window shows for FILE just
opened and writes it with the window's own exporter, as Export ▸ Network Picture as PNG…/SVG… does
(``image_export.save_scene_png`` at its default scale, ``save_scene_svg`` titled with the network's name).
A failure is ``error: what`` lines on stderr and status 1 (130 for Ctrl-C), never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

PICTURE_FORMATS = ("png", "svg")
#: the view's size while drawing (the picture is the whole scene whatever the size; this is the window's)
VIEW_SIZE = (1100, 700)


def draw_network_picture(file: str, to: str, out: str) -> Path:
    """Open ``file`` as the window does and write its network picture as ``to`` (png or svg) to ``out``."""
    from sandbox.files import load_experiment

    experiment = load_experiment(file)  # NetworkFileError with every problem
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from sandbox.gui.lecture.image_export import save_scene_png, save_scene_svg
    from sandbox.gui.model.document import Document
    from sandbox.gui.network_view import NetworkView

    document = Document(experiment)
    view = NetworkView(document)
    view.resize(*VIEW_SIZE)
    app.processEvents()
    if to == "png":
        return save_scene_png(view, out)
    return save_scene_svg(view, out, title=experiment.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox.gui.network_picture",
                                     description="Write a network file's picture as the window's "
                                                 "Export > Network Picture does.")
    parser.add_argument("file", metavar="FILE", help="network file (.json)")
    parser.add_argument("--to", required=True, choices=PICTURE_FORMATS)
    parser.add_argument("--out", required=True, metavar="PATH")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from sandbox.qt_child import child_main

    return child_main(lambda: draw_network_picture(args.file, args.to, args.out),
                      "not enough memory to draw the picture")


if __name__ == "__main__":
    raise SystemExit(main())
