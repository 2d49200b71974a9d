"""Shared fixtures: Qt offscreen when there is no display, and no test may leave a QThread running."""

from __future__ import annotations

import os
import sys
import threading
import traceback

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec  # noqa: E402


def lecture_experiment(learning_rate: float = 0.05) -> Experiment:
    """The lecture's 2-2-1 linear network, built in code (independent of the example file)."""
    net = Network(
        2,
        [
            Layer([[0.11, 0.21], [0.12, 0.08]], labels=["h1", "h2"], weight_labels=[["w1", "w2"], ["w3", "w4"]]),
            Layer([[0.14, 0.15]], labels=["y"], weight_labels=[["w5", "w6"]]),
        ],
        ["i1", "i2"],
    )
    return Experiment(net, Dataset([[2.0, 3.0]], [[1.0]]), name="Lecture 17: simple linear network",
                      optimizer=OptimizerSpec("sgd", learning_rate), batching=Batching("single"))


@pytest.fixture
def lecture() -> Experiment:
    return lecture_experiment()


@pytest.fixture
def isolated_settings(tmp_path, qapp):
    """A settings file of the test's own: no remembered layout, recent files or speed leak in or out."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield tmp_path / "settings"


def pytest_configure(config):
    config.addinivalue_line("markers", "default_pace: the real default training pace (see full_speed_training)")


@pytest.fixture(autouse=True)
def full_speed_training(request, monkeypatch):
    """Windows train at full speed in tests, whatever their network: the watchable default pace of small
    networks (issue 13) would make every test that trains wait. A test marked ``default_pace`` keeps
    the real defaults. (Only once Qt is imported: engine tests never load the GUI.)"""
    if request.node.get_closest_marker("default_pace") is None and "PySide6.QtCore" in sys.modules:
        from sandbox.gui.training import speed_control

        monkeypatch.setattr(speed_control, "WATCHABLE_RATE", None)
    yield


@pytest.fixture
def in_worker(qtbot):
    """``in_worker(controller, read)``: ``read(trainer)`` run on the training worker's own trainer, in its
    thread, between two iterations; returns what it returned."""

    def run(controller, read):
        box = []
        controller.apply(lambda trainer: box.append(read(trainer)))
        qtbot.waitUntil(lambda: bool(box), timeout=5000)
        return box[0]

    return run


@pytest.fixture(autouse=True)
def no_escaped_exception():
    """Fail any test during which an exception reached ``sys.excepthook`` or ``threading.excepthook``.

    PySide hands an exception raised in a slot or a Qt virtual method, in the GUI thread or in a
    QThread, to ``sys.excepthook``; a Python thread's uncaught exception goes to
    ``threading.excepthook``. Both are replaced by recorders for the test (set up before the
    test's own fixtures, torn down after them, so that closing its windows counts too); the
    tracebacks are written to stderr as they come and the test fails with all of them afterwards.

    pytest-qt installs its own capturing ``sys.excepthook`` before the fixtures are set up
    (setup → teardown); this one goes on top of it, so pytest-qt does not see these exceptions and
    each is reported once, here, also for tests marked ``qt_no_exception_capture``. An exception a
    test expects is caught with ``qtbot.captureExceptions()``, which installs a hook above this one.
    """
    caught: list[str] = []
    lock = threading.Lock()

    def record(where: str, exc_type, exc, tb) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        thread = threading.current_thread().name
        with lock:
            caught.append(f"{where} (thread {thread}):\n{text}")
        sys.stderr.write(f"exception reached {where}:\n{text}")

    def sys_hook(exc_type, exc, tb) -> None:
        record("sys.excepthook", exc_type, exc, tb)

    def thread_hook(args) -> None:
        if args.exc_type is SystemExit:
            return  # as threading's own hook: a thread that ends with sys.exit() is no error
        record("threading.excepthook", args.exc_type, args.exc_value, args.exc_traceback)

    old_sys, old_thread = sys.excepthook, threading.excepthook
    sys.excepthook, threading.excepthook = sys_hook, thread_hook
    try:
        yield caught
    finally:
        sys.excepthook, threading.excepthook = old_sys, old_thread
    if caught:
        pytest.fail(f"{len(caught)} exception(s) escaped during the test:\n\n" + "\n".join(caught), pytrace=False)


@pytest.fixture(autouse=True)
def no_thread_left_running(request):
    """Fail any test that leaves a QThread running (only checked once Qt has been imported)."""
    yield
    if "PySide6.QtCore" not in sys.modules:
        return
    import gc

    from PySide6.QtCore import QThread

    gc.collect()
    # type(), not isinstance(): isinstance also asks an object's __class__, which some modules' lazy
    # objects answer with a deprecation warning (torch.distributed.reduce_op)
    running = [obj for obj in gc.get_objects() if issubclass(type(obj), QThread) and _is_running(obj)]
    assert not running, f"test left {len(running)} QThread(s) running"


def _is_running(thread) -> bool:
    try:
        return thread.isRunning()
    except RuntimeError:  # the C++ object is already gone
        return False
