"""Everything a network file describes, in memory: the network, its data and how it trains."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .batching import Batching
from .datasets import Dataset
from .initializers import Init
from .network import Network
from .regularization import Regularization
from .saved_history import SavedHistory
from .schedules import Schedule

if TYPE_CHECKING:
    from .optimizers import Optimizer

Array = NDArray[np.float64]


@dataclass
class OptimizerSpec:
    """An optimizer's name and hyper-parameters as the file gives them (unset ones are defaults)."""

    name: str = "sgd"
    learning_rate: float = 0.01
    options: dict[str, float | bool | str] = field(default_factory=dict)

    def build(self) -> Optimizer:
        from .optimizers import make_optimizer
        return make_optimizer(self.name, learning_rate=self.learning_rate, **self.options)


@dataclass
class Experiment:
    """A network with its loss, optimizer, schedule, regularization, batching and data."""

    network: Network
    data: Dataset
    name: str = "untitled"
    description: str = ""
    loss: str = "mse"
    reduction: str = "mean"
    optimizer: OptimizerSpec = field(default_factory=OptimizerSpec)
    schedule: Schedule | None = None
    regularization: Regularization = field(default_factory=Regularization)
    batching: Batching = field(default_factory=Batching)
    #: how the file gave its data (inline, generator or csv), kept so that saving writes it back
    data_source: dict[str, Any] = field(default_factory=dict)
    #: the folder a relative CSV path in ``data_source`` is relative to (the loaded file's folder)
    data_folder: str | None = None
    #: derived input features (``engine.features``: "x1^2", "x1*x2", "sin(x1)" …) appended to the 2 raw inputs,
    #: in this order; ``data`` holds the inputs with them (the file keeps the raw ones and ``data.features``)
    features: list[str] = field(default_factory=list)
    #: the inputs are the pixels of an image of (rows, columns), row by row (``layers[0].image`` in a file): the
    #: window draws the sample's picture for the input column and each first-layer neuron's weights as an image
    input_image: tuple[int, int] | None = None
    #: file-level init, and each layer's own (None where the layer has none)
    init: Init | None = None
    layer_inits: list[Init | None] = field(default_factory=list)
    seed: int | None = None
    #: the training history saved with the file (its ``history`` key; ``saved_history``), if any
    history: SavedHistory | None = None
    #: the weights and biases as loaded (explicit in the file or drawn from init): "reset" restores them
    initial_state: tuple[list[Array], list[Array | None]] | None = None

    def __post_init__(self) -> None:
        if not self.layer_inits:
            self.layer_inits = [None] * self.network.depth
        if self.initial_state is None:
            self.initial_state = self.network.state()

    def image_shape(self) -> tuple[int, int] | None:
        """``input_image`` while it still fits the input layer (rows × columns = inputs), else None: what every
        view that draws the inputs as a picture asks."""
        if self.input_image is None:
            return None
        rows, columns = int(self.input_image[0]), int(self.input_image[1])
        return (rows, columns) if rows * columns == self.network.input_size and rows > 0 else None

    def default_init(self) -> Init:
        """The init of the layers without their own: the file-level one, else Xavier uniform with the
        experiment's seed."""
        return self.init or Init(seed=self.seed or 0)

    def layer_init(self, index: int) -> Init:
        """The init that applies to layer ``index`` (0 = first layer after the inputs)."""
        own = self.layer_inits[index] if index < len(self.layer_inits) else None
        return own or self.default_init()

    def draw_weights(self, index: int) -> Array:
        layer = self.network.layers[index]
        return self.layer_init(index).weights(layer.size, layer.fan_in, index + 1)

    def reinitialize(self) -> None:
        """Draw every layer's weights afresh from its init scheme and seed; zero the biases."""
        for i, layer in enumerate(self.network.layers):
            layer.weights[...] = self.draw_weights(i)
            if layer.biases is not None:
                layer.biases[...] = 0.0

    def reset(self) -> None:
        """Put back the weights and biases the experiment started with."""
        assert self.initial_state is not None  # set by __post_init__
        self.network.set_state(self.initial_state)

    def copy(self) -> Experiment:
        import copy
        return copy.deepcopy(self)
