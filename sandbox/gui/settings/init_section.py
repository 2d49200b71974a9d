"""Weight initialization: scheme and seed for all layers (or one layer's own), and "Re-initialize".

A scheme only says how weights are drawn: changing it leaves the current weights alone until
"Re-initialize" draws every layer afresh (one undoable command that also restarts the counters,
the history and the optimizer's state: a new training run), or a layer is added or resized.
The schemes, their parameters and the seed are the widgets ``sandbox.files.settings_table`` declares.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QCheckBox, QPushButton, QVBoxLayout, QWidget

from sandbox.engine import Init
from sandbox.files import settings_table as T
from sandbox.gui.model.settings_commands import reinitialized
from sandbox.gui.settings.architecture_section import layer_name
from sandbox.gui.settings.base import SettingsSection, add_row, form, hint
from sandbox.gui.settings.declared import VariantRows, setting_widget, variant_combo, variant_tip
from sandbox.gui.settings.widgets import ComboBox, setting_label, setting_tip

INIT_SEED = T.INIT.setting("seed")


class InitSection(SettingsSection):
    title = "Initialization"
    tooltip = "How the weights are drawn before training: mostly randomly with zero mean."
    expanded = False

    def __init__(self, panel):
        super().__init__(panel)
        self.target = ComboBox()
        self.target.setObjectName("initTarget")
        self.own = QCheckBox("This layer has its own scheme")
        self.own.setObjectName("initOwn")
        self.own.setToolTip("Off: the layer follows the scheme of all layers.")
        self.scheme = variant_combo(T.INIT)
        self.scheme.setObjectName("initScheme")
        self.seed = setting_widget(INIT_SEED)
        self.seed.setObjectName("initSeed")
        self.reinit = QPushButton("Re-initialize weights")
        self.reinit.setObjectName("reinitializeButton")
        self.reinit.setToolTip("Draw every layer's weights afresh from its scheme and seed (biases 0) and "
                               "start counting iterations and epochs from 0. Undoable.")
        self.note = hint("A new scheme applies when you press Re-initialize (or add or resize a layer).")
        self.form = form()
        add_row(self.form, "For", self.target, "Set the scheme of all layers, or give one layer its own.")
        self.form.addRow(self.own)
        add_row(self.form, setting_label(T.INIT.selector), self.scheme, setting_tip(T.INIT.selector))
        self.rows = VariantRows(T.INIT, self.form, "init",
                                lambda _scheme, setting, value: self._set_field(setting.key, value))
        add_row(self.form, setting_label(INIT_SEED), self.seed, setting_tip(INIT_SEED))
        self.form.addRow(self.reinit)
        self.form.addRow(self.note)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.form)
        self.target.activated.connect(lambda _i: self.panel.refresh())
        self.own.clicked.connect(self._on_own)
        self.scheme.activated.connect(lambda i: self._set_field("scheme", self.scheme.itemData(i)))
        self.seed.valueEdited.connect(lambda v: self._set_field("seed", INIT_SEED.cast(v)))
        self.reinit.clicked.connect(self.reinitialize)

    @property
    def params(self) -> dict[str, QWidget]:
        """The widgets of the shown scheme's parameters, by key."""
        return self.rows.of(self._shown().scheme)

    # ---- which init is shown ----------------------------------------------------------------------
    def _layer(self) -> int | None:
        """The layer whose own init is shown, or None for the scheme of all layers."""
        data = self.target.currentData()
        return data if isinstance(data, int) and data >= 0 else None

    def _shown(self) -> Init:
        exp = self.experiment
        index = self._layer()
        if index is not None:
            return exp.layer_init(index)
        return exp.default_init()

    def refresh(self) -> None:
        exp = self.experiment
        depth = exp.network.depth
        wanted = [("All layers", -1)] + [
            (layer_name(i, depth) + (" (own)" if exp.layer_inits[i] is not None else ""), i) for i in range(depth)]
        current = self.target.currentData()
        if [(self.target.itemText(i), self.target.itemData(i)) for i in range(self.target.count())] != wanted:
            self.target.clear()  # (only ``activated``, the user's choice, is connected)
            for text, data in wanted:
                self.target.addItem(text, data)
        self.target.select_data(current if current is not None and current < depth else -1)
        index = self._layer()
        own = index is not None and exp.layer_inits[index] is not None
        self.form.setRowVisible(self.own, index is not None)
        self.own.setChecked(own)
        editable = index is None or own
        init = self._shown()
        self.scheme.select_data(init.scheme)
        variant = T.INIT.variant(init.scheme)
        self.scheme.setToolTip(variant_tip(variant) if variant else "")
        self.rows.show(init.scheme, {key: getattr(init, key) for key in T.INIT.keys(init.scheme)[2:]})
        for box in self.rows.widgets.values():
            box.setEnabled(editable)
        self.seed.setValue(init.seed)
        self.scheme.setEnabled(editable)
        self.seed.setEnabled(editable)

    # ---- edits ------------------------------------------------------------------------------------
    def _set_init(self, text: str, init: Init | None) -> None:
        index = self._layer()
        exp = self.experiment
        if index is None:
            if init != exp.init:
                self.panel.set_setting(text, {"init": init})
        elif init != exp.layer_inits[index]:
            self.panel.set_setting(text, {("layer", index, "init"): init})

    def _set_field(self, key: str, value) -> None:
        index = self._layer()
        if index is not None and self.experiment.layer_inits[index] is None:
            return
        init = self._shown()
        if getattr(init, key) == value:
            return
        what = {"scheme": "init scheme", "seed": "init seed", "std": "init σ"}.get(key, f"init {key}")
        self._set_init(f"Set {what}", dataclasses.replace(init, **{key: value}))

    def _on_own(self, on: bool) -> None:
        index = self._layer()
        if index is None:
            return
        exp = self.experiment
        own = exp.layer_init(index) if on else None
        name = layer_name(index, exp.network.depth).lower()
        self._set_init(f"Give {name} its own init" if on else f"Let {name} follow the init of all layers", own)

    def reinitialize(self) -> None:
        """Draw all weights afresh (one undoable command; counters restart)."""
        self.panel.replace_experiment("Re-initialize weights", reinitialized(self.experiment), restart=True)
