"""Iteration and epoch, side by side, and how many iterations make one epoch with the current batches."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from sandbox.gui.common.formatting import short
from sandbox.gui.settings.base import SettingsSection, hint

ITERATION_TIP = ("Iteration: one gradient update on one batch K_j of the training set,\n"
                 "θ = θ − η Σ_{k∈K_j} ∇θ L(f_θ(x_k), y_k).\n\nThe counter says how many are done "
                 "(after update 1 it reads 1).")
EPOCH_TIP = ("Epoch: the whole training set has been passed forward and backward once;\n"
             "with batches of n₀ samples out of n, an epoch takes ⌈n / n₀⌉ iterations.\n\nThe counter says how "
             "many are completed (during the first epoch it reads 0).")


def batches_text(n_train: int, batch_size: int, per_epoch: int, mode: str) -> str:
    """``1 epoch = 24 iterations (240 samples, batches of 10)``, in the lecture's words."""
    its = f"{per_epoch:,} iteration{'s' if per_epoch != 1 else ''}"
    samples = f"{n_train:,} training sample{'s' if n_train != 1 else ''}"
    if mode == "full":
        how = "the whole set in every batch"
    elif mode == "single":
        how = "one sample per batch"
    else:
        last = n_train - (per_epoch - 1) * batch_size
        how = f"batches of {batch_size:,}" + (f", the last of {last:,}" if 0 < last < batch_size else "")
    return f"1 epoch = <b>{its}</b>: {samples}, {how}"


class CountersBox(SettingsSection):
    """Iteration and epoch counters, iterations per epoch, and the learning rate in force."""

    title = "Progress"

    def __init__(self, panel):
        super().__init__(panel)
        self.setObjectName("settingsCounters")
        frame = QFrame()
        frame.setObjectName("countersFrame")
        frame.setStyleSheet("#countersFrame { background: #eef2f7; border-radius: 6px; }")
        grid = QGridLayout(frame)
        grid.setContentsMargins(10, 6, 10, 6)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        self.iteration_label = QLabel()
        self.iteration_label.setObjectName("settingsIterationLabel")
        self.epoch_label = QLabel()
        self.epoch_label.setObjectName("settingsEpochLabel")
        for column, (caption, label, tip) in enumerate((("Iteration", self.iteration_label, ITERATION_TIP),
                                                         ("Epoch", self.epoch_label, EPOCH_TIP))):
            head = QLabel(caption)
            head.setStyleSheet("color: #64748b;")
            head.setToolTip(tip)
            label.setToolTip(tip)
            font = label.font()
            font.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.35)
            font.setBold(True)
            label.setFont(font)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(head, 0, column)
            grid.addWidget(label, 1, column)
        self._grid = grid
        self.per_epoch_label = hint()
        self.per_epoch_label.setObjectName("settingsPerEpochLabel")
        self.per_epoch_label.setToolTip(EPOCH_TIP)
        self.rate_label = hint()
        self.rate_label.setObjectName("settingsRateLabel")
        self.rate_label.setToolTip("The learning rate η used in this epoch: the optimizer's η with the "
                                   "schedule applied.")
        grid.addWidget(self.per_epoch_label, 2, 0, 1, 3)
        grid.addWidget(self.rate_label, 3, 0, 1, 3)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.addWidget(frame)

    def add_speed_control(self, combo: QWidget) -> None:
        """The training speed's combo box, in a third column beside the counters."""
        head = QLabel("Speed")
        head.setStyleSheet("color: #64748b;")
        head.setToolTip(combo.toolTip())
        self._grid.addWidget(head, 0, 2)
        self._grid.addWidget(combo, 1, 2, Qt.AlignmentFlag.AlignVCenter)

    def refresh(self) -> None:
        trainer = self.document.trainer
        exp = self.experiment
        n = exp.data.n_train
        batching = exp.batching
        self.per_epoch_label.setText(batches_text(n, batching.batch_size(n), batching.batches_per_epoch(n),
                                                  batching.mode))
        self.show_counters(trainer.iteration, trainer.epoch, trainer.batch_in_epoch)

    def refresh_counters(self) -> None:
        trainer = self.document.trainer
        self.show_counters(trainer.iteration, trainer.epoch, trainer.batch_in_epoch)

    def show_counters(self, iteration: int, epoch: int, batch_in_epoch: int) -> None:
        exp = self.experiment
        per_epoch = exp.batching.batches_per_epoch(exp.data.n_train)
        # plain numbers, as the status bar and the explanation write them
        self.iteration_label.setText(str(iteration))
        self.epoch_label.setText(str(epoch))
        # counters count what is done (after update 1: 1); what comes next is named from 1, as everywhere
        done = f"{epoch:,} epoch{'s' if epoch != 1 else ''} completed"
        self.epoch_label.setToolTip(f"{EPOCH_TIP}\n\n{done}; next: batch {batch_in_epoch + 1} of {per_epoch} "
                                    f"in epoch {epoch + 1}.")
        rate = self.document.trainer.learning_rate_at(epoch)
        text = f"η in this epoch: <b>{short(rate)}</b>"
        if exp.schedule is not None and exp.schedule.name != "constant":
            text += f" ({exp.schedule.name} schedule)"
        self.rate_label.setText(text)
