"""Batch mode and shuffling; L1/L2 regularization."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QVBoxLayout

from sandbox.engine import BATCH_MODES, REGULARIZATION_KINDS, Regularization

from .base import SettingsSection, add_row, form, hint
from .counters import batches_text
from .widgets import ComboBox, IntBox, NumberBox

#: short enough for the Settings dock's narrow combo box (the tips say the rest)
BATCH_TITLES = {"full": "Full batch (GD)", "single": "One sample (SGD)", "minibatch": "Mini-batch"}
BATCH_TIPS = {  # rich text: sums with their limits, subscripts
    "full": "<p>Full batch, gradient descent: every iteration uses the whole training set, "
            "θ = θ − η Σ<sub>k=1</sub><sup>n</sup> ∇L. One iteration per epoch.</p>",
    "single": "<p>Stochastic gradient descent: every iteration uses one sample, "
              "θ = θ − η ∇L(f(x<sub>k</sub>), y<sub>k</sub>). n iterations per epoch.</p>",
    "minibatch": "<p>Every iteration uses a batch K<sub>j</sub> of n₀ samples, "
                 "θ = θ − η Σ<sub>k∈K<sub>j</sub></sub> ∇L. ⌈n/n₀⌉ iterations per epoch; what is usually "
                 "done.</p>",
}
SHUFFLE_TIP = ("Each epoch visits the samples in a new random order (sampling without replacement: every "
               "sample once per epoch). Off: the file's order.")
SHUFFLE_FULL_TIP = "Full batch: every iteration sees every sample, so their order changes nothing."
REGULARIZATION_TITLES = {"none": "None", "l1": "L1 (λ·|w|)", "l2": "L2 (λ/2·w²)"}
REGULARIZATION_TIPS = {
    "none": "Minimise the loss alone.",
    "l1": "Add R(θ) = λ Σ|w|: each weight's gradient gets λ·sign(w), pushing small weights to exactly 0.",
    "l2": "Add R(θ) = λ/2 Σ w²: each weight's gradient gets λ·w (weight decay). Biases are not regularized.",
}


class BatchSection(SettingsSection):
    title = "Batches"
    tooltip = "How many samples each iteration's gradient is computed over, and in which order."

    def __init__(self, panel):
        super().__init__(panel)
        self.mode = ComboBox([(BATCH_TITLES[m], m) for m in BATCH_MODES])
        self.mode.setObjectName("batchMode")
        for i, m in enumerate(BATCH_MODES):
            self.mode.setItemData(i, BATCH_TIPS[m], Qt.ItemDataRole.ToolTipRole)
        self.size_box = IntBox(1, 1_000_000)
        self.size_box.setObjectName("batchSize")
        self.shuffle = QCheckBox("Shuffle every epoch")
        self.shuffle.setObjectName("batchShuffle")
        self.shuffle.setToolTip(SHUFFLE_TIP)
        self.seed = IntBox(0, 2**31 - 1)
        self.seed.setObjectName("batchSeed")
        self.per_epoch = hint()
        self.per_epoch.setObjectName("batchPerEpoch")
        self.form = form()
        add_row(self.form, "Batch", self.mode, "Full batch, one sample, or mini-batches of n₀ samples.")
        add_row(self.form, "Batch size n₀", self.size_box, "Samples per mini-batch; the last batch of an epoch is "
                                                       "smaller when n₀ does not divide n.")
        self.form.addRow(self.shuffle)
        add_row(self.form, "Shuffle seed", self.seed, "The seed of the shuffled orders (the same seed, the same "
                                                      "batches).")
        self.form.addRow(self.per_epoch)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.form)
        self.mode.activated.connect(self._on_mode)
        self.size_box.valueChanged.connect(lambda v: self._set("size", int(v), "Set batch size"))
        self.shuffle.toggled.connect(lambda on: self._set("shuffle", bool(on), "Set shuffling"))
        self.seed.valueChanged.connect(lambda v: self._set("seed", int(v), "Set shuffle seed"))

    def refresh(self) -> None:
        exp = self.experiment
        b = exp.batching
        self.mode.select_data(b.mode)
        self.mode.setToolTip(BATCH_TIPS[b.mode])
        n = exp.data.n_train
        self.size_box.setMaximum(max(1, n))
        self.size_box.set_quietly(b.batch_size(n) if b.mode == "minibatch" else b.size)
        blocked = self.shuffle.blockSignals(True)
        self.shuffle.setChecked(b.shuffle)
        self.shuffle.blockSignals(blocked)
        self.seed.set_quietly(b.seed)
        self.form.setRowVisible(self.size_box, b.mode == "minibatch")
        ordered = b.mode != "full"  # the order of the samples matters only when batches split them
        self.shuffle.setEnabled(ordered)
        self.shuffle.setToolTip(SHUFFLE_TIP if ordered else SHUFFLE_FULL_TIP)
        self.seed.setEnabled(ordered and b.shuffle)
        self.per_epoch.setText(batches_text(n, b.batch_size(n), b.batches_per_epoch(n), b.mode))

    def _on_mode(self, index: int) -> None:
        if self.refreshing:
            return
        mode = self.mode.itemData(index)
        b = self.experiment.batching
        if mode == b.mode:
            return
        size = b.size
        if mode == "minibatch" and size <= 1:
            size = min(10, max(1, self.experiment.data.n_train))
        self.panel.set_setting("Set batch mode", {"batching": dataclasses.replace(b, mode=mode, size=size)})

    def _set(self, key: str, value, text: str) -> None:
        if self.refreshing:
            return
        b = self.experiment.batching
        if getattr(b, key) == value:
            return
        self.panel.set_setting(text, {"batching": dataclasses.replace(b, **{key: value})})


class RegularizationSection(SettingsSection):
    title = "Regularization"
    tooltip = "A penalty R(θ) on the weights added to the loss: arg min Σ L + R(θ)."
    expanded = False

    def __init__(self, panel):
        super().__init__(panel)
        self.kind = ComboBox([(REGULARIZATION_TITLES[k], k) for k in REGULARIZATION_KINDS])
        self.kind.setObjectName("regularizationKind")
        for i, k in enumerate(REGULARIZATION_KINDS):
            self.kind.setItemData(i, REGULARIZATION_TIPS[k], Qt.ItemDataRole.ToolTipRole)
        self.strength = NumberBox(0.0, 100.0, log=True, smallest=1e-5)
        self.strength.setObjectName("regularizationStrength")
        self.form = form()
        add_row(self.form, "Penalty", self.kind, "Which norm of the weights is penalised.")
        add_row(self.form, "Strength λ", self.strength, "λ: how strongly large weights are penalised.")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.form)
        self.kind.activated.connect(self._on_kind)
        self.strength.valueChanged.connect(self._on_strength)

    def refresh(self) -> None:
        reg = self.experiment.regularization
        self.kind.select_data(reg.kind)
        self.kind.setToolTip(REGULARIZATION_TIPS[reg.kind])
        self.strength.set_quietly(reg.strength)
        self.form.setRowVisible(self.strength, reg.kind != "none")

    def _on_kind(self, index: int) -> None:
        if self.refreshing:
            return
        kind = self.kind.itemData(index)
        reg = self.experiment.regularization
        if kind == reg.kind:
            return
        strength = 0.0 if kind == "none" else (reg.strength or 1e-3)
        self.panel.set_setting("Set regularization", {"regularization": Regularization(kind, strength)})

    def _on_strength(self, value: float) -> None:
        if self.refreshing:
            return
        reg = self.experiment.regularization
        if reg.kind == "none" or reg.strength == value:
            return
        self.panel.set_setting("Set regularization strength λ", {"regularization": Regularization(reg.kind, value)})
