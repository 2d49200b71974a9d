"""Optimizer (SGD with momentum and Nesterov, AdaGrad, RMSProp, Adam) and the learning-rate schedule.

Both sections are built from ``sandbox.files.settings_table``: one row per setting each optimizer
(each schedule) declares, shown when it is chosen, with the declared range, default (``torch.optim``'s),
label, symbol and help (SGD's momentum form is a combo box, enabled with momentum like Nesterov). An
option left at its default is not written to the file. A new learning rate or option keeps the
optimizer's state (velocities, moments); another kind of optimizer, or of momentum (the lecture's
velocity or torch's buffer), starts afresh.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QVBoxLayout, QWidget

from sandbox.engine import OptimizerSpec, Schedule
from sandbox.explain.markup import to_html
from sandbox.files import settings_table as T
from sandbox.gui.settings.base import SettingsSection, add_row, form, hint
from sandbox.gui.settings.declared import VariantRows, command_text, variant_combo
from sandbox.gui.settings.widgets import setting_box, setting_label, setting_tip

LEARNING_RATE_TYPING = "Type any value (0.05, 1e-4); the arrows step along 1, 2, 5, 10, …"


class OptimizerSection(SettingsSection):
    title = "Optimizer"
    tooltip = "How each iteration turns the gradient into an update of the weights."

    def __init__(self, panel):
        super().__init__(panel)
        group = T.OPTIMIZER
        self.name = variant_combo(group)
        self.name.setObjectName("optimizerName")
        self.learning_rate = setting_box(T.LEARNING_RATE)
        self.learning_rate.setObjectName("learningRate")
        self.form = form()
        add_row(self.form, setting_label(group.selector), self.name, setting_tip(group.selector))
        add_row(self.form, setting_label(T.LEARNING_RATE), self.learning_rate,
                setting_tip(T.LEARNING_RATE, LEARNING_RATE_TYPING))
        self.rows = VariantRows(group, self.form, "optimizer", self._set_option)
        self.rule = hint()
        self.rule.setObjectName("optimizerRule")
        self.form.addRow(self.rule)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.form)
        self.name.activated.connect(self._on_name)
        self.learning_rate.valueEdited.connect(self._on_learning_rate)

    @property
    def options(self) -> dict[str, QWidget]:
        """The widgets of the chosen optimizer's options, by key."""
        return self.rows.of(self.experiment.optimizer.name)

    def refresh(self) -> None:
        spec = self.experiment.optimizer
        self.name.select_data(spec.name)
        self.learning_rate.setValue(spec.learning_rate)
        self.rows.show(spec.name, spec.options)
        variant = T.OPTIMIZER.variant(spec.name)
        self.rule.setText(to_html(variant.help) if variant else "")

    def _set_spec(self, text: str, spec: OptimizerSpec) -> None:
        if spec != self.experiment.optimizer:
            self.panel.set_setting(text, {"optimizer": spec})

    def _on_name(self, index: int) -> None:
        name = self.name.itemData(index)
        spec = self.experiment.optimizer
        if name != spec.name:
            # the teacher's η stays; the new optimizer's options start at their defaults (torch's)
            self._set_spec("Set optimizer", OptimizerSpec(name, spec.learning_rate, {}))

    def _on_learning_rate(self, value: float) -> None:
        if not T.LEARNING_RATE.contains(value):
            return
        spec = self.experiment.optimizer
        self._set_spec(command_text(T.LEARNING_RATE), OptimizerSpec(spec.name, float(value), dict(spec.options)))

    def _set_option(self, name: str, setting: T.Setting, value) -> None:
        spec = self.experiment.optimizer
        if name != spec.name:
            return
        options = dict(spec.options)
        if value == T.OPTIMIZER.setting(setting.key, name).default:
            options.pop(setting.key, None)  # at its default: not written to the file
        else:
            options[setting.key] = value
        self._set_spec(command_text(setting), OptimizerSpec(spec.name, spec.learning_rate, options))


class ScheduleSection(SettingsSection):
    title = "Learning-rate schedule"
    tooltip = ("A high learning rate is good in early epochs and a lower one later: a schedule changes η "
               "after every epoch.")
    expanded = False

    def __init__(self, panel):
        super().__init__(panel)
        group = T.SCHEDULE
        self.name = variant_combo(group)
        self.name.setObjectName("scheduleName")
        self.form = form()
        add_row(self.form, setting_label(group.selector), self.name, setting_tip(group.selector))
        self.rows = VariantRows(group, self.form, "schedule", self._set_field)
        self.formula = hint()
        self.formula.setObjectName("scheduleFormula")
        self.form.addRow(self.formula)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.form)
        self.name.activated.connect(self._on_name)

    def _schedule(self) -> Schedule:
        return self.experiment.schedule or Schedule("constant")

    @property
    def params(self) -> dict[str, QWidget]:
        """The widgets of the chosen schedule's parameters, by key."""
        return self.rows.of(self._schedule().name)

    def refresh(self) -> None:
        schedule = self._schedule()
        self.name.select_data(schedule.name)
        self.rows.show(schedule.name, {key: getattr(schedule, key) for key in T.SCHEDULE.keys(schedule.name)[1:]})
        # the engine's formula text, rendered: η<sub>e</sub>, γ<sup>⌊e/k⌋</sup>
        self.formula.setText(f"{to_html(schedule.formula())} &nbsp;(e = epoch)")

    def _on_name(self, index: int) -> None:
        name = self.name.itemData(index)
        if name == self._schedule().name:
            return
        schedule = None if name == "constant" else Schedule(name, **T.SCHEDULE.starts(name))
        self.panel.set_setting("Set learning-rate schedule", {"schedule": schedule})

    def _set_field(self, name: str, setting: T.Setting, value) -> None:
        current = self.experiment.schedule
        if current is None or current.name != name or getattr(current, setting.key) == value:
            return
        variant = T.SCHEDULE.variant(name)
        what = f"{variant.title.lower()} {setting.symbol or setting.key}" if variant else setting.key
        self.panel.set_setting(f"Set {what}", {"schedule": dataclasses.replace(current, **{setting.key: value})})
