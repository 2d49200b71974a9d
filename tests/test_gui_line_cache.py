"""The dense network's line pictures are drawn in a worker thread that never owns a cache."""

from __future__ import annotations

import gc
import threading

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QLineF, QRect  # noqa: E402
from PySide6.QtGui import QColor, QPen, QTransform  # noqa: E402

from sandbox.gui.network_view import line_cache  # noqa: E402


class _Probe(line_cache.LineCache):
    """Records the thread it is destroyed in."""

    destroyed_in: list[str] = []

    def __del__(self):
        _Probe.destroyed_in.append(threading.current_thread().name)


def _many_lines(count: int = 40_000) -> list[tuple[QPen, list[QLineF]]]:
    lines = [QLineF(i % 997 * 3.0, i % 613 * 3.0, i % 487 * 6.0, i % 389 * 5.0) for i in range(count)]
    return [(QPen(QColor("#1f77c4"), 3.0), lines)]


def test_a_cache_dropped_while_its_picture_is_drawn_dies_in_the_gui_thread(qtbot, monkeypatch):
    """The view lets go of its lines item while the worker draws for it: the cache is destroyed by the
    GUI thread's own reference count, never by the worker's (a QObject must die in its own thread)."""
    started, release = threading.Event(), threading.Event()
    draw = line_cache.render_lines

    def held_render(*args):
        started.set()
        release.wait(5)  # the worker is in the middle of drawing until the test lets it go
        return draw(*args)

    monkeypatch.setattr(line_cache, "render_lines", held_render)
    _Probe.destroyed_in.clear()
    buckets = _many_lines(200)
    for trial in range(3):
        started.clear()
        release.clear()
        cache = _Probe(antialias=True)
        line_cache._WORKER.submit(cache, (("k", trial), buckets, QTransform(), QRect(0, 0, 200, 150), True))
        qtbot.waitUntil(started.is_set, timeout=5000)
        del cache
        gc.collect()
        release.set()
        qtbot.waitUntil(lambda trial=trial: len(_Probe.destroyed_in) > trial, timeout=5000)
        qtbot.waitUntil(lambda: line_cache._WORKER.busy_caches == 0, timeout=5000)
    assert _Probe.destroyed_in == ["MainThread"] * 3


def test_a_picture_reaches_its_cache_in_the_gui_thread(qtbot):
    cache = line_cache.LineCache(antialias=False)
    cache.request(("v", 1), _many_lines(2000), QTransform(), QRect(0, 0, 400, 300))
    with qtbot.waitSignal(cache.ready, timeout=5000):
        pass
    assert cache.up_to_date and cache.image is not None and cache.image.width() == 400


def test_the_lines_thread_runs_only_while_there_is_something_to_draw(qtbot):
    """The shared lines worker is a ``threads.WorkerThread`` that ends when idle and starts again on
    the next request; each picture it delivers is the one asked for."""
    from sandbox.gui import threads

    buckets = _many_lines(500)
    cache = line_cache.LineCache(antialias=False)
    for trial in range(3):
        key = ("again", trial)
        with qtbot.waitSignal(cache.ready, timeout=5000):
            cache.request(key, buckets, QTransform(), QRect(0, 0, 120, 90))
        assert cache.key == key and cache.up_to_date
        assert cache.image is not None and (cache.image.width(), cache.image.height()) == (120, 90)
        runner = line_cache._WORKER._runner
        qtbot.waitUntil(lambda runner=runner: not runner.is_running(), timeout=5000)
        assert runner not in threads.running_threads()


def test_a_queue_worker_that_failed_starts_again_on_the_next_post(qtbot):
    """An exception in ``handle`` ends the worker's loop (and reaches the excepthook); the next post
    starts its thread again instead of leaving the work undone for good."""
    from sandbox.gui.threads import QueueWorker, WorkerThread

    class Doubler(QueueWorker):
        done = line_cache.Signal(object)

        def handle(self, items):
            if "boom" in items:
                raise RuntimeError("boom")
            self.done.emit([2 * i for i in items])

    worker = Doubler()
    results = []
    worker.done.connect(results.append)
    runner = WorkerThread(worker, "doubler")
    with qtbot.captureExceptions() as caught:
        runner.post("boom")
        qtbot.waitUntil(lambda: not runner.is_running(), timeout=5000)
    assert [str(e[1]) for e in caught] == ["boom"]
    runner.post(21)
    qtbot.waitUntil(lambda: results == [[42]], timeout=5000)
    assert runner.stop(2000)
