"""The lines of a dense network, drawn into an image off the GUI thread.

Drawing 37,000 lines across the window costs some 50 ms of pixel filling, whatever the pens. A
dense network's lines item therefore shows a picture of its lines (rendered for the current zoom,
scroll position and weights) and, when any of those change, keeps showing the previous picture,
stretched to where it belongs, while a worker thread draws the new one (QPainter on a QImage is
safe off the GUI thread, and PySide releases the GIL while it fills pixels). Only the newest
request is drawn; the picture arrives a few tens of milliseconds later and replaces the old one.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QLineF, QObject, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPen, QTransform

Buckets = list[tuple[QPen, list[QLineF]]]


def render_lines(buckets: Buckets, transform: QTransform, rect: QRect, antialias: bool) -> QImage:
    """The lines as they appear on screen in device rectangle ``rect`` under ``transform``."""
    image = QImage(max(1, rect.width()), max(1, rect.height()), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialias)
    painter.setTransform(transform * QTransform.fromTranslate(-rect.x(), -rect.y()))
    for pen, lines in buckets:
        painter.setPen(pen)
        painter.drawLines(lines)
    painter.end()
    return image


class LineCache(QObject):
    """The newest picture of the lines, and at most one worker thread drawing the next one."""

    #: a new picture is ready (the item should repaint)
    ready = Signal()
    _delivered = Signal(object, object, object)  # key, image, scene rect (from the worker thread)

    def __init__(self, antialias: bool = False):
        super().__init__()
        self.antialias = antialias
        self._lock = threading.Lock()
        self._pending: tuple | None = None
        self._working = False
        self._thread: threading.Thread | None = None
        self.image: QImage | None = None
        self.key: tuple | None = None
        self.scene_rect = QRectF()
        self._requested: tuple | None = None
        #: where the newest picture asked for is drawn (device transform and rectangle)
        self.requested_transform = QTransform()
        self.requested_rect = QRect()
        self._delivered.connect(self._on_delivered, Qt.ConnectionType.QueuedConnection)

    @staticmethod
    def key_for(version: int, transform: QTransform, rect: QRect) -> tuple:
        return (version, transform.m11(), transform.m12(), transform.m21(), transform.m22(),
                round(transform.dx(), 3), round(transform.dy(), 3), rect.x(), rect.y(), rect.width(), rect.height())

    def draw_now(self, key: tuple, buckets: Buckets, transform: QTransform, rect: QRect) -> None:
        """Draw on this thread (the first picture of a network: there is nothing to show meanwhile)."""
        self._store(key, render_lines(buckets, transform, rect, self.antialias), transform, rect)

    def request(self, key: tuple, buckets: Buckets, transform: QTransform, rect: QRect) -> None:
        """Ask for the picture ``key``; the worker draws the newest request only."""
        if key == self.key or key == self._requested:
            return
        self._requested = key
        self.requested_transform, self.requested_rect = QTransform(transform), QRect(rect)
        with self._lock:
            self._pending = (key, buckets, QTransform(transform), QRect(rect))
            if self._working:
                return
            self._working = True
        self._thread = threading.Thread(target=self._work, name="network-lines", daemon=True)
        self._thread.start()

    def wait(self, timeout: float = 5.0) -> None:
        """Block until the worker is idle (tests and benchmarks)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    @property
    def up_to_date(self) -> bool:
        """The picture shown is the newest one asked for."""
        return self.key is not None and self.key == self._requested

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._working

    def _work(self) -> None:
        while True:
            with self._lock:
                job, self._pending = self._pending, None
                if job is None:
                    self._working = False
                    return
            key, buckets, transform, rect = job
            image = render_lines(buckets, transform, rect, self.antialias)
            try:
                self._delivered.emit(key, image, (transform, rect))
            except RuntimeError:  # the view was closed meanwhile
                return

    def _on_delivered(self, key: tuple, image: QImage, where: tuple) -> None:
        if key != self._requested:
            return  # an older request finished after a newer one was made
        self._store(key, image, *where)
        self.ready.emit()

    def _store(self, key: tuple, image: QImage, transform: QTransform, rect: QRect) -> None:
        inverse, ok = transform.inverted()
        self.image, self.key = image, key
        self.scene_rect = inverse.mapRect(QRectF(rect)) if ok else QRectF()
        self._requested = key
        self.requested_transform, self.requested_rect = QTransform(transform), QRect(rect)
