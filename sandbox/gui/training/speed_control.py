"""The training speed: a combo box (shown in the Settings dock's Progress box, beside the counters), a
"Training Speed" submenu after Train in the Update menu, and a "Fastest" toggle on the toolbar after
Train; all set the worker's ``max_rate``. A choice in the combo or the menu is remembered in QSettings.

Full speed trains as fast as the machine can (thousands of iterations a second on small networks: the
spiral is solved about 1.5 s in); the slower settings let a class watch a decision boundary form, one
update at a time. Until a speed is chosen, each network trains at its default pace (``default_rate``):
a small network at ``WATCHABLE_RATE``, where the spiral's boundary forms over several seconds, a big
one at full speed. The toolbar's Fastest is for now (this window, not remembered); unchecked, the
pace from before comes back. The worker does the waiting (on its condition variable); nothing here
waits.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QComboBox, QMainWindow, QMenu, QToolBar

from sandbox.engine import Network
from sandbox.gui.common.icons import icon

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
#: the default pace of a network of at most ``SMALL_NETWORK`` parameters, iterations a second (one of
#: ``SPEEDS``). Measured on the spiral (105 parameters, minibatches of 10, Adam): at full speed it is
#: at 99 % training accuracy about 1.5 s in (4,100 to 4,900 iterations); at this pace it stays near
#: 64 % for the first 4 s, passes 90 % after about 9 s and 99 % after about 14 s
WATCHABLE_RATE: float | None = 300.0
#: networks with more parameters than this train at full speed by default (each iteration is slow
#: enough to watch anyway)
SMALL_NETWORK = 500
TIP = ("Training speed: as fast as possible, or at most this many iterations (updates) a second, "
       "slow enough to watch the decision boundary and the loss change")


def default_rate(network: Network) -> float | None:
    """The pace a network trains at until a speed is chosen: ``WATCHABLE_RATE`` for a small network
    (at most ``SMALL_NETWORK`` parameters), full speed (None) for a bigger one."""
    return WATCHABLE_RATE if network.parameter_count <= SMALL_NETWORK else None


def _rate(value) -> float | None:
    """A remembered speed (QSettings may give a string) as one of ``SPEEDS``' rates."""
    try:
        rate = float(value)
    except (TypeError, ValueError):
        return None
    return next((r for _, _, r in SPEEDS if r == rate), None)


class SpeedControl(QObject):
    """The speed combo (``trainingSpeedCombo``, for the caller to place), the submenu
    (``trainingSpeedMenu``) and the toolbar's toggle (``fastestAction``); ``set_speed`` tells the
    controller. Until a speed is chosen (now or remembered), the speed follows the window's document:
    ``default_rate`` of each network shown."""

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
        self.combo.activated.connect(lambda i: self.choose(self.combo.itemData(i)))
        self.menu = QMenu("Training Spee&d", window)
        self.menu.setObjectName("trainingSpeedMenu")
        self.menu.setToolTipsVisible(True)
        self.group = QActionGroup(self)
        for _, title, rate in SPEEDS:
            action = self.menu.addAction(title)
            action.setCheckable(True)
            action.setData(rate)
            self.group.addAction(action)
        self.group.triggered.connect(lambda action: self.choose(action.data()))
        for holder in train_action.associatedObjects():
            if isinstance(holder, QMenu):  # the Update menu: the submenu right after Train
                actions = holder.actions()
                after = actions.index(train_action) + 1
                if after < len(actions):
                    holder.insertMenu(actions[after], self.menu)
                else:
                    holder.addMenu(self.menu)
                break
        # Fastest, one click away: a toggle on the toolbar right after Train
        self.fastest_action = QAction(icon("fastest"), "Fastest", window)
        self.fastest_action.setObjectName("fastestAction")
        self.fastest_action.setCheckable(True)
        self.fastest_action.setToolTip("Train as fast as possible (for now); uncheck for the pace from before")
        self.fastest_action.setStatusTip("Train as fast as possible")
        self.fastest_action.toggled.connect(self._on_fastest_toggled)
        for holder in train_action.associatedObjects():
            if isinstance(holder, QToolBar):
                actions = holder.actions()
                after = actions.index(train_action) + 1
                if after < len(actions):
                    holder.insertAction(actions[after], self.fastest_action)
                else:
                    holder.addAction(self.fastest_action)
                break
        self.speed: float | None = None
        #: the last pace other than full speed (what unchecking Fastest goes back to)
        self._pace: float | None = WATCHABLE_RATE
        remembered = QSettings().value(SETTINGS_KEY)
        #: the speed follows the document's network until one is chosen (or was, and is remembered)
        self.following = remembered is None
        self.document = getattr(window, "document", None)
        if self.following and self.document is not None:
            self.document.structureChanged.connect(self._follow_network)
            self._follow_network()
        else:
            self.set_speed(_rate(remembered), remember=False)

    @Slot()
    def _follow_network(self) -> None:
        """Another network (or shape) is shown: its default pace, unless a speed was chosen."""
        if self.following and self.document is not None:
            self.set_speed(default_rate(self.document.experiment.network), remember=False)

    def choose(self, rate: float | None, remember: bool = True) -> None:
        """The user's choice (the combo, the menu; the toolbar without ``remember``): it holds for every
        network from now on."""
        self.following = False
        self.set_speed(rate, remember=remember)

    @Slot(bool)
    def _on_fastest_toggled(self, checked: bool) -> None:
        if checked != (self.speed is None):
            self.choose(None if checked else self._pace or WATCHABLE_RATE, remember=False)

    @Slot(object)
    def set_speed(self, rate: float | None, remember: bool = True) -> None:
        """Train at most ``rate`` iterations a second (None: full speed); shown in the combo and menu."""
        rate = _rate(rate) if rate else None
        self.speed = rate
        if rate is not None:
            self._pace = rate
        self.controller.set_speed(rate)
        self.combo.setCurrentIndex([r for _, _, r in SPEEDS].index(rate))
        for action in self.group.actions():
            action.setChecked(action.data() == rate)
        blocked = self.fastest_action.blockSignals(True)
        self.fastest_action.setChecked(rate is None)
        self.fastest_action.blockSignals(blocked)
        if remember:
            QSettings().setValue(SETTINGS_KEY, 0.0 if rate is None else rate)
        self.speedChanged.emit(rate)
