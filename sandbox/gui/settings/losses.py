"""Loss and reduction: only the losses that fit the output activation can be chosen (the others say why)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout

from sandbox.engine import LOSSES
from sandbox.files import settings_table as T
from sandbox.gui.settings.base import SettingsSection, add_row, form, hint
from sandbox.gui.settings.widgets import ComboBox, setting_label, setting_tip

REDUCTION = T.LOSS.setting("reduction")
#: a loss's name -> its help, as declared
LOSS_TIPS = {v.name: v.help for v in T.LOSS.variants}
REDUCTION_TIPS = dict(zip(REDUCTION.choices, REDUCTION.choice_help))


def loss_problem(loss: str, output_activation: str) -> str:
    """Why ``loss`` does not fit an output layer with ``output_activation`` ('' when it fits)."""
    if loss == "cross_entropy" and output_activation != "softmax":
        return "Cross-entropy needs a softmax output layer (outputs that sum to 1)."
    if loss == "bce" and output_activation not in ("sigmoid", "softmax"):
        return "Binary cross-entropy needs outputs between 0 and 1: a sigmoid output layer."
    return ""


def fitting_loss(loss: str, output_activation: str) -> str:
    """``loss`` if it fits the output activation, else the loss that fits it best."""
    if not loss_problem(loss, output_activation):
        return loss
    if output_activation == "softmax":
        return "cross_entropy"
    if output_activation == "sigmoid":
        return "bce"
    return "mse"


class LossSection(SettingsSection):
    title = "Loss"
    tooltip = "The error E the network minimises, per sample, and how a batch's losses are combined."

    def __init__(self, panel):
        super().__init__(panel)
        self.loss = ComboBox([(v.title, v.name) for v in T.LOSS.variants])
        self.loss.setObjectName("lossName")
        self.reduction = ComboBox([(name, name) for name in REDUCTION.choices])
        self.reduction.setObjectName("lossReduction")
        for i, name in enumerate(REDUCTION.choices):
            self.reduction.setItemData(i, REDUCTION_TIPS[name], Qt.ItemDataRole.ToolTipRole)
        self.why = hint()
        self.why.setObjectName("lossHint")
        lay = form()
        add_row(lay, setting_label(T.LOSS.selector), self.loss, setting_tip(T.LOSS.selector))
        add_row(lay, setting_label(REDUCTION), self.reduction, setting_tip(REDUCTION))
        lay.addRow(self.why)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(lay)
        self.loss.activated.connect(self._on_loss)
        self.reduction.activated.connect(self._on_reduction)

    def refresh(self) -> None:
        exp = self.experiment
        output = exp.network.layers[-1].activation
        blocked = []
        for i in range(self.loss.count()):
            name = self.loss.itemData(i)
            problem = loss_problem(name, output)
            self.loss.set_item_enabled(i, not problem, problem or LOSS_TIPS[name])
            if problem:
                blocked.append(problem)
        self.loss.select_data(exp.loss)
        self.reduction.select_data(exp.reduction)
        text = f"{LOSSES[exp.loss].formula}"
        if blocked:
            text += "<br>" + " ".join(blocked)
        self.why.setText(text)
        self.loss.setToolTip(LOSS_TIPS[exp.loss])
        self.reduction.setToolTip(REDUCTION_TIPS[exp.reduction])

    def _on_loss(self, index: int) -> None:
        name = self.loss.itemData(index)
        if name != self.experiment.loss and not loss_problem(name, self.experiment.network.layers[-1].activation):
            self.panel.set_setting("Set loss", {"loss": name})
        else:
            self.refresh()

    def _on_reduction(self, index: int) -> None:
        name = self.reduction.itemData(index)
        if name != self.experiment.reduction:
            self.panel.set_setting("Set loss reduction", {"reduction": name})
