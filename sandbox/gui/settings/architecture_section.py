"""Architecture: hidden layers added or removed, neurons per layer, activation, α of PReLU/ELU, bias on/off.

Sizes, layers and biases change the network's shape: one ``ExperimentCommand`` each (the layers
whose shape stays keep their weights; changed ones are drawn from their init). Activations and α
are settings of the layer (``SettingCommand``); an output activation that no longer fits the loss
changes the loss in the same command, so the network always remains one a file can hold.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from sandbox.engine import ACTIVATIONS, LECTURE_TABLE
from sandbox.explain.escape import for_terminal
from sandbox.files import settings_table as T
from sandbox.gui.model.settings_commands import with_bias, with_layer_sizes
from sandbox.gui.settings.base import SECTION_INDENT, SettingsSection, hint
from sandbox.gui.settings.losses import fitting_loss
from sandbox.gui.settings.widgets import ComboBox, IntBox, setting_box, setting_tip

#: the most neurons the panel offers a layer (a file may have more: the box shows them)
MAX_NEURONS = 256
ALPHA = T.LAYER.setting("alpha")
LAYER_SIZE = T.LAYER.setting("size")
MAX_HIDDEN_LAYERS = 10
HIDDEN_ACTIVATIONS = [name for name in LECTURE_TABLE if name in ACTIVATIONS] + [
    name for name in ACTIVATIONS if name not in LECTURE_TABLE and name != "softmax"]
OUTPUT_ACTIVATIONS = HIDDEN_ACTIVATIONS + ["softmax"]


SHORT_TITLES = {"identity": "Identity", "binary_step": "Binary step", "sigmoid": "Sigmoid", "tanh": "TanH",
                "arctan": "ArcTan", "relu": "ReLU", "prelu": "PReLU", "elu": "ELU", "softplus": "SoftPlus",
                "softmax": "Softmax"}


SOFTMAX_SINGLE = ("Softmax needs two or more outputs (one per class): with a single output it is always 1. "
                  "The data decide the number of outputs (its target columns).")


def activation_tip(name: str) -> str:
    a = ACTIVATIONS[name]
    return f"{a.title}: {a.formula}\n{a.derivative_formula}"


def layer_name(index: int, depth: int) -> str:
    return "Output" if index == depth - 1 else f"Hidden {index + 1}"


class LayerRow:
    """The widgets of one layer: neurons, activation, bias, and α when the activation has one."""

    def __init__(self, section: ArchitectureSection, grid: QGridLayout, index: int, depth: int, row: int):
        self.index = index
        self.output = index == depth - 1
        name = layer_name(index, depth)
        self.name = QLabel(name)
        self.size = IntBox(int(LAYER_SIZE.minimum or 1), MAX_NEURONS)
        self.size.setObjectName(f"layerSize{index}")
        self.size.setMinimumWidth(44)
        self.size.setToolTip(f"Neurons in {name.lower()}." + (
            " The output layer has one neuron per target of the data." if self.output else ""))
        self.size.setEnabled(not self.output)
        names = OUTPUT_ACTIVATIONS if self.output else HIDDEN_ACTIVATIONS
        self.activation = ComboBox([(SHORT_TITLES.get(n, ACTIVATIONS[n].title), n) for n in names])
        self.activation.setObjectName(f"layerActivation{index}")
        self.activation.setMinimumContentsLength(4)
        for i, n in enumerate(names):
            self.activation.setItemData(i, activation_tip(n), Qt.ItemDataRole.ToolTipRole)
        self.activation.setToolTip(f"The activation function f of {name.lower()}: a = f(z), z = W·a_prev + b."
                                   + ("" if self.output else " Softmax is only for the output layer."))
        self.bias = QCheckBox()
        self.bias.setObjectName(f"layerBias{index}")
        self.bias.setToolTip(f"Whether {name.lower()} adds a bias b to z = W·a_prev + b.")
        self.alpha_label = QLabel(ALPHA.symbol)
        self.alpha = setting_box(ALPHA)
        self.alpha.setObjectName(f"layerAlpha{index}")
        tip = setting_tip(ALPHA, "Default: " + ", ".join(f"{v:g} for {k}" for k, v in T.ALPHA_DEFAULTS.items()) + ".")
        self.alpha.setToolTip(tip)
        self.alpha_label.setToolTip(tip)
        self.alpha_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(self.name, row, 0)
        grid.addWidget(self.size, row, 1)
        grid.addWidget(self.activation, row, 2)
        grid.addWidget(self.bias, row, 3, Qt.AlignmentFlag.AlignCenter)
        grid.addWidget(self.alpha_label, row + 1, 1)
        grid.addWidget(self.alpha, row + 1, 2)
        # the user's edits only (a step, a number typed, a choice, a click), never the values ``show`` sets
        self.size.valueEdited.connect(lambda v: section.set_size(index, int(v)))
        self.activation.activated.connect(lambda i: section.set_activation(index, self.activation.itemData(i)))
        self.bias.clicked.connect(lambda on: section.set_bias(index, bool(on)))
        self.alpha.valueEdited.connect(lambda v: section.set_alpha(index, float(v)))

    def widgets(self) -> list[QWidget]:
        return [self.name, self.size, self.activation, self.bias, self.alpha_label, self.alpha]

    def show(self, layer) -> None:
        # the panel offers up to MAX_NEURONS; a file's larger layer is shown as it is
        self.size.setMaximum(max(MAX_NEURONS, layer.size))
        self.size.setValue(layer.size)
        if self.output:
            index = self.activation.findData("softmax")
            single = layer.size < 2 and layer.activation != "softmax"
            self.activation.set_item_enabled(index, not single, SOFTMAX_SINGLE if single else activation_tip("softmax"))
        self.activation.select_data(layer.activation)
        self.bias.setChecked(layer.has_bias)
        uses_alpha = ACTIVATIONS[layer.activation].uses_alpha
        self.alpha.setValue(layer.alpha_value)
        self.alpha.setVisible(uses_alpha)
        self.alpha_label.setVisible(uses_alpha)


class ArchitectureSection(SettingsSection):
    title = "Architecture"
    tooltip = "Layers, neurons, activation functions and biases of the network."

    def __init__(self, panel):
        super().__init__(panel)
        self.inputs = hint()
        self.inputs.setObjectName("architectureInputs")
        self.inputs.setTextFormat(Qt.TextFormat.PlainText)
        self.rows_widget = QWidget()
        self.grid = QGridLayout(self.rows_widget)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(3)
        self.grid.setColumnStretch(2, 1)
        for column, (text, tip) in enumerate((("Layer", ""), ("Neurons", "Neurons in the layer"),
                                              ("Activation", "a = f(z)"), ("Bias", "z = W·a_prev + b"))):
            label = QLabel(text)
            label.setStyleSheet("color: #64748b;")
            label.setToolTip(tip)
            self.grid.addWidget(label, 0, column, Qt.AlignmentFlag.AlignCenter if column == 3 else
                                Qt.AlignmentFlag.AlignLeft)
        self.rows: list[LayerRow] = []
        self.add_button = QPushButton("+ Layer")
        self.add_button.setObjectName("addHiddenLayer")
        self.add_button.setToolTip("Add a hidden layer before the output layer (its weights are drawn from "
                                   "the init scheme).")
        self.remove_button = QPushButton("− Layer")
        self.remove_button.setObjectName("removeHiddenLayer")
        self.remove_button.setToolTip("Remove the last hidden layer.")
        self.parameters = hint()
        self.parameters.setObjectName("architectureParameters")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 2, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SECTION_INDENT, 0, 2, 8)
        layout.setSpacing(4)
        layout.addWidget(self.inputs)
        layout.addWidget(self.rows_widget)
        layout.addLayout(buttons)
        layout.addWidget(self.parameters)
        self.add_button.clicked.connect(self.add_layer)
        self.remove_button.clicked.connect(self.remove_layer)

    # ---- showing ------------------------------------------------------------------------------
    def refresh(self) -> None:
        net = self.experiment.network
        if len(self.rows) != net.depth:
            self._build_rows(net.depth)
        for row, layer in zip(self.rows, net.layers):
            row.show(layer)
        # plain text: the labels are the user's (a network built in code or edited in the window is not validated)
        shown = [for_terminal(label) for label in net.input_labels[:6]]
        labels = ", ".join(shown) + (", …" if net.input_size > 6 else "")
        self.inputs.setText(f"Inputs: {net.input_size} ({labels}), set by the data")
        hidden = net.depth - 1
        self.add_button.setEnabled(hidden < MAX_HIDDEN_LAYERS)
        self.remove_button.setEnabled(hidden > 0)
        count = net.parameter_count
        self.parameters.setText(f"{hidden} hidden layer{'s' if hidden != 1 else ''} · {count:,} weights and biases")

    def _build_rows(self, depth: int) -> None:
        for row in self.rows:
            for widget in row.widgets():
                self.grid.removeWidget(widget)
                widget.hide()
                widget.deleteLater()  # never deleted inside its own signal
        self.rows = [LayerRow(self, self.grid, i, depth, 1 + 2 * i) for i in range(depth)]

    # ---- edits --------------------------------------------------------------------------------
    def _hidden(self) -> tuple[list[int], list[str], list[bool]]:
        layers = self.experiment.network.layers[:-1]
        return [l.size for l in layers], [l.activation for l in layers], [l.has_bias for l in layers]

    def add_layer(self) -> None:
        sizes, activations, biases = self._hidden()
        sizes.append(sizes[-1] if sizes else 4)
        activations.append(activations[-1] if activations else "tanh")
        biases.append(biases[-1] if biases else True)
        exp = with_layer_sizes(self.experiment, sizes, activations, biases)
        self.panel.replace_experiment(f"Add hidden layer {len(sizes)}", exp)

    def remove_layer(self) -> None:
        sizes, activations, biases = self._hidden()
        if not sizes:
            return
        n = len(sizes)
        exp = with_layer_sizes(self.experiment, sizes[:-1], activations[:-1], biases[:-1])
        self.panel.replace_experiment(f"Remove hidden layer {n}", exp)

    def set_size(self, index: int, size: int) -> None:
        sizes, activations, biases = self._hidden()
        if index >= len(sizes) or sizes[index] == size:
            return
        sizes[index] = size
        exp = with_layer_sizes(self.experiment, sizes, activations, biases)
        self.panel.replace_experiment(f"Set neurons of hidden layer {index + 1}", exp,
                                      merge_key=f"size {index}")

    def set_bias(self, index: int, on: bool) -> None:
        layer = self.experiment.network.layers[index]
        if layer.has_bias == on:
            return
        name = layer_name(index, self.experiment.network.depth).lower()
        self.panel.replace_experiment(f"{'Add' if on else 'Remove'} biases of {name}",
                                      with_bias(self.experiment, index, on))

    def set_activation(self, index: int, name: str) -> None:
        exp = self.experiment
        layer = exp.network.layers[index]
        if layer.activation == name:
            return
        changes = {("layer", index, "activation"): name, ("layer", index, "alpha"): None}
        if index == exp.network.depth - 1:
            loss = fitting_loss(exp.loss, name)
            if loss != exp.loss:
                changes["loss"] = loss
        self.panel.set_setting(f"Set activation of {layer_name(index, exp.network.depth).lower()}", changes)

    def set_alpha(self, index: int, value: float) -> None:
        exp = self.experiment
        layer = exp.network.layers[index]
        if layer.alpha_value == value:
            return
        self.panel.set_setting(f"Set α of {layer_name(index, exp.network.depth).lower()}",
                               {("layer", index, "alpha"): value})
