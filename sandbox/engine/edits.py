"""Named places in an experiment, and the changes a user can make to them, as plain data.

A *place* is one number: ``("weight", l, j, k)``, ``("bias", l, j)``, ``("input", row, k)`` or
``("target", row, j)``, with ``l`` counted as the file counts layers (1 = first after the inputs).
A *setting key* is an experiment attribute (``EXPERIMENT_SETTINGS``) or ``("layer", i, name)`` with
``i`` counted as the engine counts layers (0 = first after the inputs) and ``name`` in
``LAYER_SETTINGS``.

The GUI's undo commands and the training worker both change an experiment through these functions,
so that an edit means the same thing wherever it is applied.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .experiment import Experiment
from .trainer import Trainer

Place = tuple[Any, ...]
SettingKey = str | tuple[str, int, str]

#: experiment attributes a setting change may set
EXPERIMENT_SETTINGS = ("loss", "reduction", "optimizer", "schedule", "regularization", "batching", "init", "seed")
#: layer attributes (key ``("layer", index, name)``) a setting change may set
LAYER_SETTINGS = ("activation", "alpha", "train_weights", "train_biases", "init")


def locate(experiment: Experiment, where: Place) -> tuple[NDArray[np.float64], tuple[int, ...]]:
    """The array holding the number at ``where`` and its index there; KeyError if there is none."""
    kind = where[0] if where else None
    net = experiment.network
    array: NDArray[np.float64]
    index: tuple[int, ...]
    try:
        if kind == "weight":
            _, l, j, k = where
            array, index = net.layers[_layer(net.depth, l)].weights, (j, k)
        elif kind == "bias":
            _, l, j = where
            biases = net.layers[_layer(net.depth, l)].biases
            if biases is None:
                raise KeyError(f"layer {l} has no biases")
            array, index = biases, (j,)
        elif kind == "input":
            _, row, k = where
            array, index = experiment.data.inputs, (row, k)
        elif kind == "target":
            _, row, j = where
            array, index = experiment.data.targets, (row, j)
        else:
            raise KeyError(f"unknown place {where!r}")
        if any(not 0 <= i < n for i, n in zip(index, array.shape)):
            raise IndexError(index)
    except (IndexError, ValueError, TypeError) as exc:
        raise KeyError(f"no such place {where!r}") from exc
    return array, index


def _layer(depth: int, l: int) -> int:
    """The engine's index of file layer ``l`` (IndexError for the input layer or beyond the last)."""
    if not 1 <= l <= depth:
        raise IndexError(l)
    return l - 1


def value_at(experiment: Experiment, where: Place) -> float:
    """The number at ``where``."""
    array, index = locate(experiment, where)
    return float(array[index])


def set_value_at(experiment: Experiment, where: Place, value: float) -> None:
    """Change the number at ``where`` in place."""
    array, index = locate(experiment, where)
    array[index] = float(value)


def check_setting_key(key: SettingKey) -> None:
    """A misspelt setting is a programming error: refuse it rather than set a stray attribute."""
    if isinstance(key, tuple):
        if len(key) != 3 or key[0] != "layer" or key[2] not in LAYER_SETTINGS:
            raise KeyError(f"not a layer setting: {key!r}")
    elif key not in EXPERIMENT_SETTINGS:
        raise KeyError(f"not an experiment setting: {key!r}")


def get_setting(experiment: Experiment, key: SettingKey) -> Any:
    """The current value of setting ``key``."""
    check_setting_key(key)
    if isinstance(key, tuple):
        _, index, name = key
        if name == "init":
            return experiment.layer_inits[index]
        return getattr(experiment.network.layers[index], name)
    return getattr(experiment, key)


def set_setting(experiment: Experiment, key: SettingKey, value: Any) -> None:
    """Set setting ``key`` to (a copy of) ``value``."""
    check_setting_key(key)
    value = copy.deepcopy(value)
    if isinstance(key, tuple):
        _, index, name = key
        if name == "init":
            experiment.layer_inits[index] = value
        else:
            setattr(experiment.network.layers[index], name, value)
    else:
        setattr(experiment, key, value)


def same_value(a: Any, b: Any) -> bool:
    """Whether two setting values are equal (of the same type, and ``==``)."""
    try:
        return type(a) is type(b) and bool(a == b)
    except (TypeError, ValueError):
        return False


def changes_anything(experiment: Experiment, changes: dict[SettingKey, Any]) -> bool:
    """Whether ``changes`` would change any setting of ``experiment``."""
    return not all(same_value(get_setting(experiment, key), value) for key, value in changes.items())


# ---- changes as data: what an edit changes, applied to a trainer wherever it lives ------------------

@dataclass(frozen=True)
class SetValue:
    """One weight, bias, input or target set to ``value``."""

    where: Place
    value: float

    def apply(self, trainer: Trainer) -> None:
        set_value_at(trainer.experiment, self.where, self.value)
        if self.where[0] in ("input", "target"):
            trainer.configure()  # batches gathered from the data are taken afresh


@dataclass(frozen=True)
class ChangeSettings:
    """Settings changed (keys as in ``set_setting``); ``rebuild_optimizer``: the optimizer's kind
    changed, so its state starts afresh (a new learning rate or option keeps it)."""

    changes: dict[SettingKey, Any] = field(default_factory=dict)
    rebuild_optimizer: bool = False

    def apply(self, trainer: Trainer) -> None:
        for key, value in self.changes.items():
            set_setting(trainer.experiment, key, value)
        trainer.follow_optimizer_spec(rebuild=self.rebuild_optimizer)
        trainer.configure()


@dataclass(frozen=True)
class SetLearningRate:
    """The optimizer's base learning rate η set to ``value`` (its state kept)."""

    value: float

    def apply(self, trainer: Trainer) -> None:
        trainer.experiment.optimizer.learning_rate = float(self.value)
        trainer.follow_optimizer_spec()


@dataclass(frozen=True)
class ReplaceState:
    """The whole experiment or trainer state was replaced (an undo of training, a reset, another
    network): whoever mirrors the trainer takes a copy of it afresh."""


Edit = SetValue | ChangeSettings | SetLearningRate
Change = SetValue | ChangeSettings | SetLearningRate | ReplaceState
