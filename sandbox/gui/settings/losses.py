"""Loss and reduction: only the losses that fit the output activation can be chosen (the others say why)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout

from sandbox.engine import LOSSES, REDUCTIONS

from .base import SettingsSection, add_row, form, hint
from .widgets import ComboBox

LOSS_TIPS = {
    "mse": "E = ½ Σ (y − y*)² per sample, as in the lecture: for regression, or any output.",
    "bce": "E = −y* log y − (1 − y*) log(1 − y): for outputs in (0, 1) read as probabilities "
           "(a sigmoid output layer).",
    "cross_entropy": "E = −Σ y* log y over the outputs of a softmax layer (they sum to 1): for classes.",
}
REDUCTION_TIPS = {
    "mean": "The batch loss is the mean of the samples' losses: η does not depend on the batch size.",
    "sum": "The batch loss is the sum of the samples' losses, as in the lecture's Σ_{k∈K_j}: "
           "bigger batches take bigger steps.",
}


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
        self.loss = ComboBox([(LOSSES[name].title, name) for name in LOSSES])
        self.loss.setObjectName("lossName")
        self.reduction = ComboBox([(name, name) for name in REDUCTIONS])
        self.reduction.setObjectName("lossReduction")
        for i, name in enumerate(REDUCTIONS):
            self.reduction.setItemData(i, REDUCTION_TIPS[name], Qt.ItemDataRole.ToolTipRole)
        self.why = hint()
        self.why.setObjectName("lossHint")
        lay = form()
        add_row(lay, "Loss", self.loss, "The loss E of one sample.")
        add_row(lay, "Reduction", self.reduction, "How the losses of a batch's samples make the batch loss.")
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
        if self.refreshing:
            return
        name = self.loss.itemData(index)
        if name != self.experiment.loss and not loss_problem(name, self.experiment.network.layers[-1].activation):
            self.panel.set_setting("Set loss", {"loss": name})
        else:
            self.refresh()

    def _on_reduction(self, index: int) -> None:
        if self.refreshing:
            return
        name = self.reduction.itemData(index)
        if name != self.experiment.reduction:
            self.panel.set_setting("Set loss reduction", {"reduction": name})
