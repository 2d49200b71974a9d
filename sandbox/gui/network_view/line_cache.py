"""The lines of a dense network, drawn into an image off the GUI thread.

Drawing 37,000 lines across the window costs some 50 ms of pixel filling, whatever the pens. A
dense network's lines item therefore shows a picture of its lines (rendered for the current zoom,
scroll position and weights) and, when any of those change, keeps showing the previous picture,
stretched to where it belongs, while a worker thread draws the new one (QPainter on a QImage is
safe off the GUI thread, and PySide releases the GIL while it fills pixels). One thread serves
every view and draws only the newest request of each; asking never blocks the GUI thread. It holds
no strong reference to any cache, and ends when the application quits.
The picture arrives a few tens of milliseconds later and replaces the old one.
"""

from __future__ import annotations

import threading
import weakref

from PySide6.QtCore import QCoreApplication, QLineF, QObject, QRect, QRectF, Qt, QTimer, Signal, Slot
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


class _Relay(QObject):
    """Lives in the GUI thread and hands each finished picture to its cache there.

    The worker thread holds only weak references to the caches: a cache (a QObject) is never
    kept alive, and so never destroyed, by the worker thread."""

    delivered = Signal(object, object, object, object)  # weak cache, key, image, (transform, rect)

    def __init__(self):
        super().__init__()
        self.delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object, object, object, object)
    def _deliver(self, ref, key, image, where) -> None:
        cache = ref()
        if cache is not None:
            cache._on_delivered(key, image, where)


class _Worker:
    """One thread for every line cache of the application: it draws the newest request of each."""

    def __init__(self):
        self._condition = threading.Condition()
        self._jobs: dict[int, tuple] = {}  # id(cache) -> (weak cache, key, buckets, transform, rect, antialias)
        self._busy: set[int] = set()
        self._thread: threading.Thread | None = None
        self._stop = False
        self.relay: _Relay | None = None

    def submit(self, cache: "LineCache", job: tuple) -> None:
        """Queue ``job`` for ``cache`` (called in the GUI thread; replaces the cache's older job)."""
        if self.relay is None:
            self.relay = _Relay()  # created in the GUI thread, where its slot must run
            app = QCoreApplication.instance()
            if app is not None:
                app.aboutToQuit.connect(self.stop)
        with self._condition:
            self._stop = False
            self._jobs[id(cache)] = (weakref.ref(cache),) + job
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="network-lines", daemon=True)
                self._thread.start()
            self._condition.notify()

    def busy(self, cache: "LineCache") -> bool:
        with self._condition:
            return id(cache) in self._jobs or id(cache) in self._busy

    def wait_idle(self, cache: "LineCache", timeout: float) -> None:
        with self._condition:
            self._condition.wait_for(lambda: not (id(cache) in self._jobs or id(cache) in self._busy), timeout)

    def stop(self, timeout: float = 2.0) -> None:
        """End the thread (when the application quits): the picture being drawn is finished first."""
        with self._condition:
            self._stop = True
            self._jobs.clear()
            self._condition.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._condition:
                self._condition.wait_for(lambda: bool(self._jobs) or self._stop)
                if self._stop:
                    return
                ident, job = self._jobs.popitem()
                self._busy.add(ident)
            ref, key, buckets, transform, rect, antialias = job
            try:
                image = render_lines(buckets, transform, rect, antialias)
                relay = self.relay
                if relay is not None and ref() is not None:  # (only a weak reference: see _Relay)
                    try:
                        relay.delivered.emit(ref, key, image, (transform, rect))
                    except RuntimeError:  # the application is gone
                        return
            finally:
                with self._condition:
                    self._busy.discard(ident)
                    self._condition.notify_all()


_WORKER = _Worker()


class LineCache(QObject):
    """The newest picture of the lines; the shared worker thread draws the next one."""

    #: a new picture is ready (the item should repaint)
    ready = Signal()

    def __init__(self, antialias: bool = False):
        super().__init__()
        self.antialias = antialias
        self.image: QImage | None = None
        self.key: tuple | None = None
        self.scene_rect = QRectF()
        self._requested: tuple | None = None
        #: where the newest picture asked for is drawn (device transform and rectangle)
        self.requested_transform = QTransform()
        self.requested_rect = QRect()
        self._job: tuple | None = None

    @staticmethod
    def key_for(version: int, transform: QTransform, rect: QRect) -> tuple:
        return (version, transform.m11(), transform.m12(), transform.m21(), transform.m22(),
                round(transform.dx(), 3), round(transform.dy(), 3), rect.x(), rect.y(), rect.width(), rect.height())

    def draw_now(self, key: tuple, buckets: Buckets, transform: QTransform, rect: QRect) -> None:
        """Draw on this thread (the first picture of a network: there is nothing to show meanwhile)."""
        self._store(key, render_lines(buckets, transform, rect, self.antialias), transform, rect)

    def request(self, key: tuple, buckets: Buckets, transform: QTransform, rect: QRect) -> None:
        """Ask for the picture ``key``; the worker draws the newest request only. Never blocks."""
        if key == self.key or key == self._requested:
            return
        self._requested = key
        self.requested_transform, self.requested_rect = QTransform(transform), QRect(rect)
        # handed to the worker once this paint is over, so that the two never compete for the CPU
        self._job = (key, buckets, QTransform(transform), QRect(rect))
        QTimer.singleShot(0, self, self._submit)

    def _submit(self) -> None:
        job, self._job = self._job, None
        if job is not None and job[0] == self._requested:
            _WORKER.submit(self, job + (self.antialias,))

    def wait(self, timeout: float = 5.0) -> None:
        """Block until the worker has drawn what this cache asked for (tests and benchmarks)."""
        _WORKER.wait_idle(self, timeout)

    @property
    def up_to_date(self) -> bool:
        """The picture shown is the newest one asked for."""
        return self.key is not None and self.key == self._requested

    @property
    def busy(self) -> bool:
        return self._job is not None or _WORKER.busy(self)

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
