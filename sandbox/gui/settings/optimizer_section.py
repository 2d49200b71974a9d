"""Optimizer (SGD with momentum and Nesterov, AdaGrad, RMSProp, Adam) and the learning-rate schedule.

Each optimizer shows only its own hyper-parameters, with ``torch.optim``'s defaults; an option
left at its default is not written to the file. A new learning rate or option keeps the
optimizer's state (velocities, moments); another kind of optimizer starts afresh.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from sandbox.engine import OPTIMIZERS, SCHEDULE_NAMES, OptimizerSpec, Schedule
from sandbox.explain.markup import to_html

from .base import SettingsSection, add_row, form, hint
from .widgets import ComboBox, IntBox, NumberBox

FRACTION_MAX = 0.999999  # the file format's fractions are < 1

OPTIMIZER_TIPS = {
    "sgd": "Stochastic gradient descent, with the lecture's momentum: v = γv + η∇E, θ = θ − v.",
    "adagrad": "AdaGrad: every parameter's step is η divided by the root of its summed squared gradients.",
    "rmsprop": "RMSProp: η divided by a running root-mean-square of recent gradients.",
    "adam": "Adam: momentum (β1) and RMSProp-like scaling (β2), with bias correction.",
}
#: option -> (label, tooltip, NumberBox arguments)
OPTION_WIDGETS = {
    "momentum": ("Momentum γ", "γ: the fraction of the previous update added to this one, v = γv + η∇E "
                 "(0 = plain SGD; 0.9 is common). Momentum dampens oscillations.",
                 dict(minimum=0.0, maximum=FRACTION_MAX, step=0.05)),
    "alpha": ("Decay α", "RMSProp's smoothing constant: s = αs + (1 − α)(∇E)² (torch default 0.99).",
              dict(minimum=0.0, maximum=FRACTION_MAX, step=0.01)),
    "beta1": ("β1", "Adam's decay of the running mean of gradients, m = β1·m + (1 − β1)∇E (default 0.9).",
              dict(minimum=0.0, maximum=FRACTION_MAX, step=0.01)),
    "beta2": ("β2", "Adam's decay of the running mean of squared gradients, v = β2·v + (1 − β2)(∇E)² "
              "(default 0.999).", dict(minimum=0.0, maximum=FRACTION_MAX, step=0.001)),
    "eps": ("ε", "A small number added to the denominator so it is never zero (AdaGrad 1e-10, others 1e-8).",
            dict(minimum=1e-30, maximum=1.0, log=True, smallest=1e-12)),
}
#: which rows each optimizer shows (RMSProp's momentum shares SGD's box)
OPTIMIZER_OPTIONS = {
    "sgd": ("momentum", "nesterov"),
    "adagrad": ("eps",),
    "rmsprop": ("alpha", "eps", "momentum"),
    "adam": ("beta1", "beta2", "eps"),
}
SCHEDULE_TITLES = {"constant": "Constant", "step": "Step decay", "exponential": "Exponential decay",
                   "cosine": "Cosine annealing"}
SCHEDULE_TIPS = {  # rich text: η with its subscripts
    "constant": "The same η in every epoch.",
    "step": "<p>η is multiplied by γ every k epochs: η<sub>e</sub> = η·γ<sup>⌊e/k⌋</sup>.</p>",
    "exponential": "<p>η is multiplied by γ after every epoch: η<sub>e</sub> = η·γ<sup>e</sup>.</p>",
    "cosine": "<p>η falls from η to η<sub>min</sub> along half a cosine over T epochs.</p>",
}
#: the parameters a newly chosen schedule starts with
SCHEDULE_STARTS = {"step": dict(step_epochs=10, gamma=0.5), "exponential": dict(gamma=0.99),
                   "cosine": dict(epochs=100, min_lr=0.0)}


def defaults(name: str) -> dict:
    """``torch.optim``'s defaults of an optimizer's options."""
    optimizer = OPTIMIZERS[name]()
    return {k: v for k, v in optimizer.hyperparameters().items() if k != "learning_rate"}


def option_value(spec: OptimizerSpec, key: str):
    return spec.options.get(key, defaults(spec.name).get(key))


class OptimizerSection(SettingsSection):
    title = "Optimizer"
    tooltip = "How each iteration turns the gradient into an update of the weights."

    def __init__(self, panel):
        super().__init__(panel)
        self.name = ComboBox([(OPTIMIZERS[n].title, n) for n in OPTIMIZERS])
        self.name.setObjectName("optimizerName")
        for i, n in enumerate(OPTIMIZERS):
            self.name.setItemData(i, OPTIMIZER_TIPS[n], 3)
        self.learning_rate = NumberBox(1e-12, 1000.0, log=True, smallest=1e-5)
        self.learning_rate.setObjectName("learningRate")
        self.form = form()
        add_row(self.form, "Optimizer", self.name, "The update rule.")
        add_row(self.form, "Learning rate η", self.learning_rate,
                "η, the step size: θ = θ − η∇E. Too small learns slowly; too large overshoots and "
                "diverges. Type any value (0.05, 1e-4); the arrows step along 1, 2, 5, 10, …")
        self.options: dict[str, QWidget] = {}
        for key, (label, tip, args) in OPTION_WIDGETS.items():
            box = NumberBox(**args)
            box.setObjectName(f"optimizer_{key}")
            add_row(self.form, label, box, tip)
            box.valueChanged.connect(lambda v, k=key: self._set_option(k, float(v)))
            self.options[key] = box
        self.nesterov = QCheckBox("Nesterov momentum")
        self.nesterov.setObjectName("optimizer_nesterov")
        self.nesterov.setToolTip("Look ahead: the gradient's step is taken from where momentum is about to "
                                 "carry the weights, θ = θ − (γv + η∇E).")
        self.form.addRow(self.nesterov)
        self.options["nesterov"] = self.nesterov
        self.nesterov.toggled.connect(lambda on: self._set_option("nesterov", bool(on)))
        self.rule = hint()
        self.rule.setObjectName("optimizerRule")
        self.form.addRow(self.rule)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.form)
        self.name.activated.connect(self._on_name)
        self.learning_rate.valueChanged.connect(self._on_learning_rate)

    def refresh(self) -> None:
        spec = self.experiment.optimizer
        self.name.select_data(spec.name)
        self.learning_rate.set_quietly(spec.learning_rate)
        shown = OPTIMIZER_OPTIONS[spec.name]
        for key, widget in self.options.items():
            self.form.setRowVisible(widget, key in shown)
            if key not in shown:
                continue
            value = option_value(spec, key)
            if key == "nesterov":
                blocked = widget.blockSignals(True)
                widget.setChecked(bool(value))
                widget.blockSignals(blocked)
            else:
                widget.set_quietly(float(value))
        if spec.name == "rmsprop":
            self.options["momentum"].setToolTip("RMSProp's momentum μ: m = μm + ∇E/(√s + ε), θ = θ − ηm "
                                                "(0 = none).")
        else:
            self.options["momentum"].setToolTip(OPTION_WIDGETS["momentum"][1])
        self.rule.setText(OPTIMIZER_TIPS[spec.name])

    def _set_spec(self, text: str, spec: OptimizerSpec) -> None:
        if spec != self.experiment.optimizer:
            self.panel.set_setting(text, {"optimizer": spec})

    def _on_name(self, index: int) -> None:
        if self.refreshing:
            return
        name = self.name.itemData(index)
        spec = self.experiment.optimizer
        if name != spec.name:
            # the teacher's η stays; the new optimizer's options start at torch's defaults
            self._set_spec("Set optimizer", OptimizerSpec(name, spec.learning_rate, {}))

    def _on_learning_rate(self, value: float) -> None:
        if self.refreshing or value <= 0:
            return
        spec = self.experiment.optimizer
        self._set_spec("Set learning rate η", OptimizerSpec(spec.name, float(value), dict(spec.options)))

    def _set_option(self, key: str, value) -> None:
        if self.refreshing:
            return
        spec = self.experiment.optimizer
        if key not in OPTIMIZER_OPTIONS[spec.name]:
            return
        options = dict(spec.options)
        if value == defaults(spec.name).get(key):
            options.pop(key, None)
        else:
            options[key] = value
        label = OPTION_WIDGETS[key][0] if key in OPTION_WIDGETS else "Nesterov momentum"
        self._set_spec(f"Set {label}", OptimizerSpec(spec.name, spec.learning_rate, options))


class ScheduleSection(SettingsSection):
    title = "Learning-rate schedule"
    tooltip = ("A high learning rate is good in early epochs and a lower one later: a schedule changes η "
               "after every epoch.")
    expanded = False

    def __init__(self, panel):
        super().__init__(panel)
        self.name = ComboBox([(SCHEDULE_TITLES[n], n) for n in SCHEDULE_NAMES])
        self.name.setObjectName("scheduleName")
        for i, n in enumerate(SCHEDULE_NAMES):
            self.name.setItemData(i, SCHEDULE_TIPS[n], 3)
        self.step_epochs = IntBox(1, 1_000_000)
        self.step_epochs.setObjectName("scheduleStepEpochs")
        self.gamma = NumberBox(1e-9, 10.0, step=0.01)
        self.gamma.setObjectName("scheduleGamma")
        self.epochs = IntBox(1, 10_000_000)
        self.epochs.setObjectName("scheduleEpochs")
        self.min_lr = NumberBox(0.0, 1000.0, log=True, smallest=1e-6)
        self.min_lr.setObjectName("scheduleMinLr")
        self.form = form()
        add_row(self.form, "Schedule", self.name, "How η changes from epoch to epoch.")
        add_row(self.form, "Every k epochs", self.step_epochs, "Step decay: η is multiplied by γ every k epochs.")
        add_row(self.form, "Factor γ", self.gamma, "The factor η is multiplied by (below 1 to decay).")
        add_row(self.form, "Over T epochs", self.epochs,
                "<p>Cosine: the number of epochs from η down to η<sub>min</sub>.</p>")
        add_row(self.form, "η<sub>min</sub>", self.min_lr, "Cosine: the learning rate reached after T epochs.")
        self.formula = hint()
        self.formula.setObjectName("scheduleFormula")
        self.form.addRow(self.formula)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.form)
        self.name.activated.connect(self._on_name)
        self.step_epochs.valueChanged.connect(lambda v: self._set_field("step_epochs", int(v), "schedule step"))
        self.gamma.valueChanged.connect(lambda v: self._set_field("gamma", float(v), "schedule γ"))
        self.epochs.valueChanged.connect(lambda v: self._set_field("epochs", int(v), "schedule epochs"))
        self.min_lr.valueChanged.connect(lambda v: self._set_field("min_lr", float(v), "minimum η"))

    def refresh(self) -> None:
        schedule = self.experiment.schedule or Schedule("constant")
        self.name.select_data(schedule.name)
        self.step_epochs.set_quietly(schedule.step_epochs)
        self.gamma.set_quietly(schedule.gamma)
        self.epochs.set_quietly(schedule.epochs)
        self.min_lr.set_quietly(schedule.min_lr)
        rows = {"step": (self.step_epochs, self.gamma), "exponential": (self.gamma,),
                "cosine": (self.epochs, self.min_lr)}.get(schedule.name, ())
        for widget in (self.step_epochs, self.gamma, self.epochs, self.min_lr):
            self.form.setRowVisible(widget, widget in rows)
        # the engine's formula text, rendered: η<sub>e</sub>, γ<sup>⌊e/k⌋</sup>
        self.formula.setText(f"{to_html(schedule.formula())} &nbsp;(e = epoch)")

    def _on_name(self, index: int) -> None:
        if self.refreshing:
            return
        name = self.name.itemData(index)
        current = self.experiment.schedule
        if name == (current.name if current else "constant"):
            return
        schedule = None if name == "constant" else Schedule(name, **SCHEDULE_STARTS[name])
        self.panel.set_setting("Set learning-rate schedule", {"schedule": schedule})

    def _set_field(self, key: str, value, what: str) -> None:
        if self.refreshing:
            return
        current = self.experiment.schedule
        if current is None or getattr(current, key) == value:
            return
        self.panel.set_setting(f"Set {what}", {"schedule": dataclasses.replace(current, **{key: value})})

