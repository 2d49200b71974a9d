"""The training speed: a combo box (shown in the Settings dock's Progress box, beside the counters) and
a "Training Speed" submenu after Train in the Update menu; both set the worker's ``max_rate``, and
the choice is remembered in QSettings.

Full speed trains as fast as the machine can (tens of thousands of iterations a second on small
networks); the slower settings let a class watch a decision boundary form, one update at a time.
The worker does the waiting (on its condition variable); nothing here waits.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QComboBox, QMainWindow, QMenu

#: the speeds offered: (short title for the toolbar, title for the menu, at most this many iterations
#: a second; None: as fast as possible)
SPEEDS: tuple[tuple[str, str, float | None], ...] = (
    ("Fastest", "Full speed", None),
    ("1000 it/s", "1000 iterations a second", 1000.0),
    ("300 it/s", "300 iterations a second", 300.0),
    ("100 it/s", "100 iterations a second", 100.0),
    ("30 it/s", "30 iterations a second", 30.0),
    ("10 it/s", "10 iterations a second", 10.0),
    ("3 it/s", "3 iterations a second", 3.0),
    ("1 it/s", "1 iteration a second", 1.0),
)
SETTINGS_KEY = "training/speed"
TIP = ("Training speed: as fast as possible, or at most this many iterations (updates) a second, "
       "slow enough to watch the decision boundary and the loss change")


def _rate(value) -> float | None:
    """A remembered speed (QSettings may give a string) as one of ``SPEEDS``' rates."""
    try:
        rate = float(value)
    except (TypeError, ValueError):
        return None
    return next((r for _, _, r in SPEEDS if r == rate), None)


class SpeedControl(QObject):
    """The speed combo (``trainingSpeedCombo``, for the caller to place) and the submenu
    (``trainingSpeedMenu``); ``set_speed`` tells the controller."""

    speedChanged = Signal(object)  # iterations a second, or None

    def __init__(self, window: QMainWindow, controller, train_action: QAction):
        super().__init__(window)
        self.controller = controller
        self.combo = QComboBox()
        self.combo.setObjectName("trainingSpeedCombo")
        self.combo.setToolTip(TIP)
        for title, long_title, rate in SPEEDS:
            self.combo.addItem(title, rate)
            self.combo.setItemData(self.combo.count() - 1, long_title, Qt.ItemDataRole.ToolTipRole)
        self.combo.activated.connect(lambda i: self.set_speed(self.combo.itemData(i)))
        self.menu = QMenu("Training Spee&d", window)
        self.menu.setObjectName("trainingSpeedMenu")
        self.menu.setToolTipsVisible(True)
        self.group = QActionGroup(self)
        for _, title, rate in SPEEDS:
            action = self.menu.addAction(title)
            action.setCheckable(True)
            action.setData(rate)
            self.group.addAction(action)
        self.group.triggered.connect(lambda action: self.set_speed(action.data()))
        for holder in train_action.associatedObjects():
            if isinstance(holder, QMenu):  # the Update menu: the submenu right after Train
                actions = holder.actions()
                after = actions.index(train_action) + 1
                if after < len(actions):
                    holder.insertMenu(actions[after], self.menu)
                else:
                    holder.addMenu(self.menu)
                break
        self.speed: float | None = None
        self.set_speed(_rate(QSettings().value(SETTINGS_KEY, 0)), remember=False)

    @Slot(object)
    def set_speed(self, rate: float | None, remember: bool = True) -> None:
        """Train at most ``rate`` iterations a second (None: full speed); shown in the combo and menu."""
        rate = _rate(rate) if rate else None
        self.speed = rate
        self.controller.set_speed(rate)
        self.combo.setCurrentIndex([r for _, _, r in SPEEDS].index(rate))
        for action in self.group.actions():
            action.setChecked(action.data() == rate)
        if remember:
            QSettings().setValue(SETTINGS_KEY, 0.0 if rate is None else rate)
        self.speedChanged.emit(rate)
