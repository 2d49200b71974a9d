"""Batch mode and shuffling; L1/L2 regularization: widgets made from ``sandbox.files.settings_table``."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QVBoxLayout

from sandbox.engine import Regularization
from sandbox.files import settings_table as T
from sandbox.gui.settings.base import SettingsSection, add_row, form, hint
from sandbox.gui.settings.counters import batches_text
from sandbox.gui.settings.declared import setting_widget, variant_combo, variant_tip
from sandbox.gui.settings.widgets import setting_label, setting_tip

SHUFFLE_FULL_TIP = "Full batch: every iteration sees every sample, so their order changes nothing."
BATCH_SIZE = T.BATCH.setting("size", "minibatch")
SHUFFLE = T.BATCH.setting("shuffle")
BATCH_SEED = T.BATCH.setting("seed")
STRENGTH = T.REGULARIZATION.setting("strength", "l2")


class BatchSection(SettingsSection):
    title = "Batches"
    tooltip = "How many samples each iteration's gradient is computed over, and in which order."

    def __init__(self, panel):
        super().__init__(panel)
        self.mode = variant_combo(T.BATCH)
        self.mode.setObjectName("batchMode")
        self.size_box = setting_widget(BATCH_SIZE)
        self.size_box.setObjectName("batchSize")
        self.shuffle = setting_widget(SHUFFLE)
        self.shuffle.setObjectName("batchShuffle")
        self.seed = setting_widget(BATCH_SEED)
        self.seed.setObjectName("batchSeed")
        self.per_epoch = hint()
        self.per_epoch.setObjectName("batchPerEpoch")
        self.form = form()
        add_row(self.form, setting_label(T.BATCH.selector), self.mode, setting_tip(T.BATCH.selector))
        add_row(self.form, setting_label(BATCH_SIZE), self.size_box, setting_tip(BATCH_SIZE))
        self.form.addRow(self.shuffle)
        add_row(self.form, setting_label(BATCH_SEED), self.seed, setting_tip(BATCH_SEED))
        self.form.addRow(self.per_epoch)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.form)
        self.mode.activated.connect(self._on_mode)
        self.size_box.valueEdited.connect(lambda v: self._set("size", int(v), "Set batch size"))
        self.shuffle.clicked.connect(lambda on: self._set("shuffle", bool(on), "Set shuffling"))
        self.seed.valueEdited.connect(lambda v: self._set("seed", int(v), "Set shuffle seed"))

    def refresh(self) -> None:
        exp = self.experiment
        b = exp.batching
        self.mode.select_data(b.mode)
        variant = T.BATCH.variant(b.mode)
        self.mode.setToolTip(variant_tip(variant) if variant else "")
        n = exp.data.n_train
        self.size_box.setMaximum(max(1, n))  # a larger batch than the training set is the whole set
        self.size_box.setValue(b.batch_size(n) if b.mode == "minibatch" else b.size)
        self.shuffle.setChecked(b.shuffle)
        self.seed.setValue(b.seed)
        self.form.setRowVisible(self.size_box, b.mode == "minibatch")
        ordered = b.mode != "full"  # the order of the samples matters only when batches split them
        self.shuffle.setEnabled(ordered)
        self.shuffle.setToolTip(setting_tip(SHUFFLE) if ordered else SHUFFLE_FULL_TIP)
        self.seed.setEnabled(ordered and b.shuffle)
        self.per_epoch.setText(batches_text(n, b.batch_size(n), b.batches_per_epoch(n), b.mode))

    def _on_mode(self, index: int) -> None:
        mode = self.mode.itemData(index)
        b = self.experiment.batching
        if mode == b.mode:
            return
        size = b.size
        if mode == "minibatch" and size <= 1:
            size = min(int(BATCH_SIZE.start or 1), max(1, self.experiment.data.n_train))
        self.panel.set_setting("Set batch mode", {"batching": dataclasses.replace(b, mode=mode, size=size)})

    def _set(self, key: str, value, text: str) -> None:
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
        self.kind = variant_combo(T.REGULARIZATION)
        self.kind.setObjectName("regularizationKind")
        self.strength = setting_widget(STRENGTH)
        self.strength.setObjectName("regularizationStrength")
        self.form = form()
        add_row(self.form, setting_label(T.REGULARIZATION.selector), self.kind,
                setting_tip(T.REGULARIZATION.selector))
        add_row(self.form, setting_label(STRENGTH), self.strength, setting_tip(STRENGTH))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.form)
        self.kind.activated.connect(self._on_kind)
        self.strength.valueEdited.connect(self._on_strength)

    def refresh(self) -> None:
        reg = self.experiment.regularization
        self.kind.select_data(reg.kind)
        variant = T.REGULARIZATION.variant(reg.kind)
        self.kind.setToolTip(variant_tip(variant) if variant else "")
        self.strength.setValue(reg.strength)
        self.form.setRowVisible(self.strength, reg.kind != "none")

    def _on_kind(self, index: int) -> None:
        kind = self.kind.itemData(index)
        reg = self.experiment.regularization
        if kind == reg.kind:
            return
        # a penalty keeps the strength it had; the first one starts at the declared start, none at 0
        strength = reg.strength if kind != "none" and reg.strength else T.REGULARIZATION.starts(kind)["strength"]
        self.panel.set_setting("Set regularization", {"regularization": Regularization(kind, strength)})

    def _on_strength(self, value: float) -> None:
        reg = self.experiment.regularization
        if reg.kind == "none" or reg.strength == value:
            return
        self.panel.set_setting("Set regularization strength λ", {"regularization": Regularization(reg.kind, value)})
