"""Undoable changes of an experiment's settings, made by the settings panel.

Two kinds:

* ``SettingCommand``: one setting (loss, optimizer, schedule, batching, regularization, init,
  a layer's activation, α or trainable flags) changes; the weights and counters stay. It calls
  ``Document.change_settings``, which applies the engine's ``ChangeSettings`` edit to the trainer
  and hands the same edit to a running training worker. Consecutive changes of the same setting
  merge into one command.
* ``ExperimentCommand``: the experiment is replaced by another one (architecture, bias on/off,
  regenerated or imported data, re-initialized weights): ``Document.swap`` shows it with a new
  trainer, and undo puts back the old experiment and trainer exactly (counters and history included).

The functions below the commands build the changed experiments (copies; nothing is changed in place).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtGui import QUndoCommand

from sandbox.engine import Experiment, Layer, Network, Trainer
from sandbox.engine.edits import (
    EXPERIMENT_SETTINGS,
    LAYER_SETTINGS,
    SettingKey,
    check_setting_key,
    get_setting,
    same_value,
)
from sandbox.engine.edits import changes_anything as changes_anything

if TYPE_CHECKING:
    from sandbox.gui.model.document import Document

_SETTING_ID = 5101
_EXPERIMENT_ID = 5102

#: experiment attributes a ``SettingCommand`` may change
EXPERIMENT_FIELDS = EXPERIMENT_SETTINGS
#: layer attributes (key ("layer", index, name)) a ``SettingCommand`` may change
LAYER_FIELDS = LAYER_SETTINGS


class SettingCommand(QUndoCommand):
    """Change settings of ``document.experiment``: ``changes`` maps a key to its new value.

    Keys are experiment attributes (``EXPERIMENT_FIELDS``) or ``("layer", i, name)`` with ``i``
    counted as the engine does (0 = first layer after the inputs).
    """

    def __init__(self, document: Document, text: str, changes: dict[SettingKey, Any]):
        super().__init__(text)
        self.document = document
        self.changes = dict(changes)
        for key in self.changes:
            check_setting_key(key)
        self.old = {key: copy.deepcopy(get_setting(document.experiment, key)) for key in self.changes}

    def id(self) -> int:  # noqa: A003 - Qt's name
        return _SETTING_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, SettingCommand) or other.document is not self.document:
            return False
        if set(other.changes) != set(self.changes) or other.text() != self.text():
            return False
        self.changes = dict(other.changes)
        if all(same_value(self.old[key], value) for key, value in self.changes.items()):
            self.setObsolete(True)  # stepped back to where it started: nothing left to undo
        return True

    def redo(self) -> None:
        self.document.change_settings(self.changes)

    def undo(self) -> None:
        self.document.change_settings(self.old)


class ExperimentCommand(QUndoCommand):
    """Replace the document's experiment (and trainer) by ``experiment``; undo puts the old ones back.

    ``merge_key``: consecutive commands with the same key merge into one (a neuron count or a
    generator's noise stepped with the arrows is one undo step). ``restart``: the new trainer starts
    its counters, history and optimizer state at zero (re-initialized weights are a new run);
    otherwise it goes on counting where the old one was.
    """

    def __init__(self, document: Document, text: str, experiment: Experiment, merge_key: str | None = None,
                 restart: bool = False):
        super().__init__(text)
        self.document = document
        self.old_experiment = document.experiment
        self.old_trainer = document.trainer
        self.new_experiment = experiment
        self.new_trainer: Trainer | None = None
        self.merge_key = merge_key
        self.restart = restart

    def id(self) -> int:  # noqa: A003 - Qt's name
        return _EXPERIMENT_ID if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, ExperimentCommand) or other.document is not self.document \
                or not self.merge_key or other.merge_key != self.merge_key:
            return False
        self.new_experiment = other.new_experiment
        self.new_trainer = other.new_trainer
        self.setText(other.text())
        return True

    def redo(self) -> None:
        if self.new_trainer is None:
            self.new_trainer = (Trainer(self.new_experiment) if self.restart
                                else continued_trainer(self.old_trainer, self.new_experiment))
        self.document.swap(self.new_experiment, self.new_trainer)

    def undo(self) -> None:
        self.document.swap(self.old_experiment, self.old_trainer)


def continued_trainer(old: Trainer, experiment: Experiment) -> Trainer:
    """A trainer for ``experiment`` that goes on counting where ``old`` was (and keeps the optimizer's
    state when the parameters have the same shapes)."""
    trainer = Trainer(experiment)
    trainer.set_counters(old.iteration, old.epoch, old.batch_in_epoch)
    same_shapes = [p.shape for p in old.network.parameters()] == [p.shape for p in experiment.network.parameters()]
    if same_shapes and old.optimizer.name == experiment.optimizer.name:
        trainer.optimizer.state = copy.deepcopy(old.optimizer.state)
        trainer.optimizer.steps_taken = old.optimizer.steps_taken
    return trainer


# ---- building changed experiments ---------------------------------------------------------------

def with_layer_sizes(experiment: Experiment, hidden: list[int], activations: list[str] | None = None,
                     biases: list[bool] | None = None) -> Experiment:
    """A copy with hidden layers of the given sizes (the output layer stays).

    Layers whose shape is unchanged keep their weights and names; the others get fresh weights
    drawn from their init and generated names. ``activations`` and ``biases`` cover the hidden
    layers (new ones default to the last hidden layer's activation, or tanh, with a bias).
    """
    exp = experiment.copy()
    old = exp.network
    old_hidden = old.layers[:-1]
    output = old.layers[-1]
    default_activation = old_hidden[-1].activation if old_hidden else "tanh"
    activations = list(activations or [])
    biases = list(biases or [])
    old_inits = list(experiment.layer_inits) + [None] * old.depth
    layers: list[Layer] = []
    inits = []
    fresh: list[int] = []
    fan_in = old.input_size
    sizes = list(hidden) + [output.size]
    for i, size in enumerate(sizes):
        is_output = i == len(sizes) - 1
        source = output if is_output else (old_hidden[i] if i < len(old_hidden) else None)
        if is_output:
            activation, has_bias = output.activation, output.has_bias
        else:
            activation = activations[i] if i < len(activations) else (
                source.activation if source else default_activation)
            has_bias = biases[i] if i < len(biases) else (source.has_bias if source else True)
        init = old_inits[old.depth - 1] if is_output else (old_inits[i] if i < len(old_hidden) else None)
        if source is not None and source.weights.shape == (size, fan_in) and source.has_bias == has_bias:
            layer = source.copy()
            layer.activation = activation
        else:
            layer = Layer(np.zeros((size, fan_in)), activation, np.zeros(size) if has_bias else None,
                          source.alpha if source is not None else None,
                          train_weights=source.train_weights if source else True,
                          train_biases=source.train_biases if source else True)
            if source is not None and source.size == size:
                layer.labels = list(source.labels)  # neurons keep their names (y, h1, …)
            fresh.append(i)
        layers.append(layer)
        inits.append(init)
        fan_in = size
    _unique_labels(layers, old.input_labels)
    exp.network = Network(old.input_size, layers, list(old.input_labels))
    exp.layer_inits = inits
    for i in fresh:
        exp.network.layers[i].weights[...] = exp.draw_weights(i)
    exp.initial_state = exp.network.state()
    return exp


def _unique_labels(layers: list[Layer], input_labels: list[str]) -> None:
    """Clear generated-looking names of changed layers so that ``Network`` regenerates them consistently."""
    seen: set[str] = set(input_labels)
    for l, layer in enumerate(layers, start=1):
        names = list(layer.labels) + [n for row in layer.weight_labels for n in row] + list(layer.bias_labels or [])
        if not layer.labels or any(n in seen for n in names) or not layer.weight_labels or (
                layer.weight_labels and len(layer.weight_labels[0]) != layer.fan_in):
            keep_labels = bool(layer.labels) and len(layer.labels) == layer.size and not any(
                n in seen for n in layer.labels)
            if not keep_labels:
                layer.labels = []
            layer.weight_labels = []
            layer.bias_labels = None
            layer.preactivation_labels = []
            if not keep_labels:
                layer.labels = [f"h{l}_{j + 1}" for j in range(layer.size)] if l < len(layers) else (
                    ["y"] if layer.size == 1 else [f"y{j + 1}" for j in range(layer.size)])
            layer.weight_labels = [[f"w{l}_{j + 1}_{k + 1}" for k in range(layer.fan_in)] for j in range(layer.size)]
            if layer.has_bias:
                layer.bias_labels = [f"b_{name}" for name in layer.labels]
            layer.preactivation_labels = [f"net_{name}" for name in layer.labels]
        seen.update(layer.labels)
        seen.update(n for row in layer.weight_labels for n in row)
        seen.update(layer.bias_labels or [])


def with_data(experiment: Experiment, data, data_source: dict) -> Experiment:
    """A copy with other data; the first layer (or the output layer) is rebuilt if the sizes differ. Inputs from
    another source are no longer an image's pixels (``input_image`` is dropped)."""
    exp = experiment.copy()
    n_in = data.inputs.shape[1]
    n_out = data.targets.shape[1]
    net = exp.network
    if n_in != net.input_size or n_out != net.layers[-1].size:
        layers = [layer.copy() for layer in net.layers]
        if n_in != net.input_size:
            first = layers[0]
            layers[0] = Layer(exp.layer_init(0).weights(first.size, n_in, 1), first.activation,
                              None if first.biases is None else np.zeros(first.size), first.alpha)
        if n_out != layers[-1].size:
            last = layers[-1]
            layers[-1] = Layer(exp.layer_init(len(layers) - 1).weights(n_out, last.fan_in, len(layers)),
                               last.activation, None if last.biases is None else np.zeros(n_out), last.alpha)
        _unique_labels(layers, [f"x{k + 1}" for k in range(n_in)])
        exp.network = Network(n_in, layers, None if n_in != net.input_size else list(net.input_labels))
        exp.initial_state = exp.network.state()
    if exp.input_image is not None and (n_in != net.input_size
                                        or data_source.get("csv") != experiment.data_source.get("csv")):
        exp.input_image = None  # other inputs are not that image's pixels (the same CSV split anew still are)
    exp.data = data
    exp.data_source = dict(data_source)
    return exp


def reinitialized(experiment: Experiment) -> Experiment:
    """A copy whose weights are drawn afresh from each layer's init and seed (biases zero)."""
    exp = experiment.copy()
    exp.reinitialize()
    exp.initial_state = exp.network.state()
    return exp


def with_bias(experiment: Experiment, index: int, on: bool) -> Experiment:
    """A copy where layer ``index`` (0 = first after the inputs) has biases (zeros, named ``b_<neuron>``)
    or none; its weights and every other layer stay as they are."""
    exp = experiment.copy()
    layer = exp.network.layers[index]
    if on == layer.has_bias:
        return exp
    if on:
        layer.biases = np.zeros(layer.size)
        taken = set(exp.network.label_index())
        labels = [f"b_{name}" for name in layer.labels]
        if any(name in taken for name in labels):
            labels = [f"b{index + 1}_{j + 1}" for j in range(layer.size)]
        layer.bias_labels = labels
    else:
        layer.biases = None
        layer.bias_labels = None
        layer.train_biases = True
    exp.network = Network(exp.network.input_size, exp.network.layers, list(exp.network.input_labels))
    weights, biases = experiment.initial_state
    biases = list(biases)
    biases[index] = np.zeros(layer.size) if on else None
    exp.initial_state = ([w.copy() for w in weights], [None if b is None else b.copy() for b in biases])
    return exp
