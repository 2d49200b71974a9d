"""The lines of a dense network, drawn into an image off the GUI thread.

Drawing 37,000 lines across the window costs some 50 ms of pixel filling, whatever the pens. A
dense network's lines item therefore shows a picture of its lines (rendered for the current zoom,
scroll position and weights) and, when any of those change, keeps showing the previous picture,
stretched to where it belongs, while a worker thread draws the new one (QPainter on a QImage is
safe off the GUI thread, and PySide releases the GIL while it fills pixels). One thread serves
every view and draws only the newest request of each; asking never blocks the GUI thread. It holds
no strong reference to any cache; it runs (``sandbox.gui.threads``) while there is something to draw.
The picture arrives a few tens of milliseconds later and replaces the old one.
"""

from __future__ import annotations

import threading
import weakref

import numpy as np
import shiboken6
from PySide6.QtCore import QCoreApplication, QLineF, QObject, QRect, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QImage, QPainter, QPen, QTransform

from sandbox.gui.threads import QueueWorker, WorkerThread

#: a pen and its lines: QLineF objects (a small network) or an (n, 4) float64 array x1, y1, x2, y2
Buckets = list[tuple[QPen, "list[QLineF] | np.ndarray"]]


def draw_buckets(painter: QPainter, buckets: Buckets) -> None:
    """Each bucket's lines with its pen; an array's lines go to Qt as one block of memory (no
    per-line Python object: QLineF is four doubles, as are the array's rows)."""
    for pen, lines in buckets:
        painter.setPen(pen)
        if isinstance(lines, np.ndarray):
            block = np.ascontiguousarray(lines, dtype=np.float64)
            if len(block):
                painter.drawLines(shiboken6.wrapInstance(block.ctypes.data, QLineF), len(block))
        else:
            painter.drawLines(lines)


def render_lines(buckets: Buckets, transform: QTransform, rect: QRect, antialias: bool) -> QImage:
    """The lines as they appear on screen in device rectangle ``rect`` under ``transform``."""
    image = QImage(max(1, rect.width()), max(1, rect.height()), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialias)
    painter.setTransform(transform * QTransform.fromTranslate(-rect.x(), -rect.y()))
    draw_buckets(painter, buckets)
    painter.end()
    return image


class _Relay(QObject):
    """Lives in the GUI thread and hands each finished picture to its cache there.

    The worker thread holds only weak references to the caches: a cache (a QObject) is never
    kept alive, and so never destroyed, by the worker thread."""

    @Slot(object, object, object, object)
    def deliver(self, ref: weakref.ref, key: tuple, image: QImage, where: tuple) -> None:
        cache = ref()
        if cache is not None:
            cache._on_delivered(key, image, where)


class _LinesWorker(QueueWorker):
    """Draws, for each cache, the newest picture asked for; ends its thread when there is nothing to draw."""

    delivered = Signal(object, object, object, object)  # weak cache, key, image, (transform, rect)

    def handle(self, items: list[tuple[int, tuple]]) -> None:
        newest: dict[int, tuple] = {}
        for ident, job in items:  # a newer request of the same cache replaces an older one
            newest[ident] = job
        for job in newest.values():
            if self.inbox.stopping:
                return
            ref, key, buckets, transform, rect, antialias = job
            if ref() is None:
                continue
            image = render_lines(buckets, transform, rect, antialias)
            if ref() is not None:  # (only a weak reference: see _Relay)
                self.delivered.emit(ref, key, image, (transform, rect))


class _Worker:
    """One worker thread (``threads.WorkerThread``) for every line cache of the application; it runs
    while there are pictures to draw."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._outstanding: dict[int, int] = {}  # id(cache) -> requests not yet drawn or dropped
        self._runner: WorkerThread | None = None
        self._relay: _Relay | None = None

    def _ensure(self) -> WorkerThread:
        if self._runner is None:
            self._relay = _Relay()  # created in the GUI thread, where its slot must run
            worker = _LinesWorker()
            worker.idle_wait = 0.0  # nothing left to draw: the thread ends (a request starts it again)
            worker.delivered.connect(self._relay.deliver)
            worker.handled.connect(self._on_handled, Qt.ConnectionType.DirectConnection)
            self._runner = WorkerThread(worker, "networkLines")
            app = QCoreApplication.instance()
            if app is not None:
                app.aboutToQuit.connect(self.stop)
        return self._runner

    def submit(self, cache: LineCache, job: tuple) -> None:
        """Queue ``job`` for ``cache`` (called in the GUI thread; replaces the cache's older job)."""
        runner = self._ensure()
        ident = id(cache)
        with self._lock:
            self._outstanding[ident] = self._outstanding.get(ident, 0) + 1
        runner.post((ident, (weakref.ref(cache),) + job))

    def _on_handled(self, items: list) -> None:
        """(In the worker thread) these requests are drawn or dropped."""
        with self._lock:
            for ident, _job in items:
                left = self._outstanding.get(ident, 0) - 1
                if left > 0:
                    self._outstanding[ident] = left
                else:
                    self._outstanding.pop(ident, None)
            self._lock.notify_all()

    @property
    def busy_caches(self) -> int:
        with self._lock:
            return len(self._outstanding)

    def busy(self, cache: LineCache) -> bool:
        with self._lock:
            return id(cache) in self._outstanding

    def wait_idle(self, cache: LineCache, timeout: float) -> None:
        with self._lock:
            self._lock.wait_for(lambda: id(cache) not in self._outstanding, timeout)

    def stop(self, timeout_ms: int = 500) -> None:
        """End the thread (when the application quits); the picture being drawn is finished first."""
        if self._runner is not None:
            self._runner.stop(timeout_ms)


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
