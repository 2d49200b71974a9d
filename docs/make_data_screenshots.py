"""Make the README's screenshots of the real data sets (offscreen, no display needed).

    python docs/make_data_screenshots.py [--out docs]

Writes, from ``resources/networks/digits.json`` at 1920×1080: ``screenshots/digits_training.png`` (the window
while it trains at 300 iterations a second, about 12 epochs in: the input column is the shown digit's picture,
the first hidden layer's nodes hold their weight images, the Classes dock on the left and "What each neuron
looks for" on the right), ``screenshots/digits_confusion.png`` (the Classes dock after 30 epochs: the test
set's confusion matrix, each digit's accuracy, the gallery misclassified first),
``screenshots/digits_weight_images.png`` (the weight-images dock after 30 epochs) and
``screenshots/digits_sample_walkthrough.png`` (a misclassified test digit clicked in the gallery, its update
at its first step, the first hidden layer: shown, not applied); and ``screenshots/iris_classes.png`` (iris.json after 20
epochs, the Classes dock with feature values instead of pictures). Look at them before committing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from make_screenshots import close, spin  # noqa: E402  (this folder's script of the other screenshots)
from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QDockWidget  # noqa: E402


def spin_until(done, limit: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    end = time.perf_counter() + limit
    while not done() and time.perf_counter() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)


def window(name: str, size: tuple[int, int] = (1920, 1080)):  # type: ignore[no-untyped-def]
    from sandbox.gui import MainWindow
    from sandbox.gui.common.icons import resource_file

    w = MainWindow(resource_file("networks", name))
    w.resize(*size)
    w.show()
    spin(0.6)
    return w


def train_epochs(w, epochs: int) -> None:  # type: ignore[no-untyped-def]
    """Train in the window's worker, an epoch at a time, until ``epochs`` epochs are done."""
    session = w.training.session
    while w.document.trainer.epoch < epochs:
        session.step_epoch()
        spin_until(lambda: not session.running)
    spin(0.8)


def dock(w, name: str) -> QDockWidget:  # type: ignore[no-untyped-def]
    found = w.findChild(QDockWidget, name)
    assert found is not None, name
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent))
    args = parser.parse_args()
    shots = Path(args.out) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])  # noqa: F841 - the application of the windows
    # a settings file of its own: no layout remembered from an earlier window, none left behind
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())

    # training live, at a watchable 300 iterations a second
    w = window("digits.json")
    w.training.speed.choose(300.0, remember=False)
    w.actions_.train.trigger()
    spin_until(lambda: w.document.trainer.epoch >= 12)
    spin(0.3)
    w.grab().save(str(shots / "digits_training.png"))
    w.actions_.train.trigger()
    spin(0.5)
    close(w)

    # after 30 epochs: the Classes dock, the weight images, a misclassified digit stepped through
    w = window("digits.json")
    train_epochs(w, 30)
    dock(w, "classesDock").grab().save(str(shots / "digits_confusion.png"))
    dock(w, "weightImagesDock").grab().save(str(shots / "digits_weight_images.png"))
    from sandbox.gui.classes.gallery import SampleGallery

    gallery = w.findChild(SampleGallery, "testGallery")
    QTest.mouseClick(gallery, Qt.MouseButton.LeftButton, pos=gallery.tile_rect(0).center().toPoint())
    spin(1.5)  # its first step: the first hidden layer's weighted sums and outputs
    w.grab().save(str(shots / "digits_sample_walkthrough.png"))
    close(w)

    w = window("iris.json", (1600, 1000))
    train_epochs(w, 20)
    dock(w, "classesDock").grab().save(str(shots / "iris_classes.png"))
    close(w)


if __name__ == "__main__":
    main()
