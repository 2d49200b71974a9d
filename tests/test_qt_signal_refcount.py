"""PySide6 6.12.0 drops a reference to ``True`` on every ``Signal.emit`` under Python 3.11, and the
app aborts after a few hundred signals ("bool_dealloc"). Training emits ~30 reports a second, so
this would end every session within a minute: the project excludes that version (pyproject)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal, Slot


class _Emitter(QObject):
    signal = Signal(object)


class _Receiver(QObject):
    def __init__(self):
        super().__init__()
        self.count = 0

    @Slot(object)
    def receive(self, value) -> None:
        self.count += 1


def test_emitting_signals_keeps_the_reference_counts_of_true_and_false(qtbot):
    emitter, receiver = _Emitter(), _Receiver()
    emitter.signal.connect(receiver.receive)
    before = (sys.getrefcount(True), sys.getrefcount(False))
    for i in range(50):
        emitter.signal.emit(i)
    after = (sys.getrefcount(True), sys.getrefcount(False))
    assert receiver.count == 50
    assert after[0] >= before[0] - 5 and after[1] >= before[1] - 5
