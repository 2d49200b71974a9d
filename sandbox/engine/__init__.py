"""The numpy engine: networks, losses, optimizers, data and the recorded walkthrough. No Qt here."""

from .activations import ACTIVATIONS, LECTURE_TABLE, Activation, get_activation
from .batching import BATCH_MODES, Batching
from .datasets import GENERATORS, Dataset, generate, split
from .experiment import Experiment, OptimizerSpec
from .initializers import SCHEMES, Init
from .losses import LOSSES, REDUCTIONS, get_loss
from .network import Backprop, ForwardPass, Layer, Network
from .optimizers import OPTIMIZERS, Optimizer, make_optimizer
from .regularization import REGULARIZATION_KINDS, Regularization
from .schedules import SCHEDULE_NAMES, Schedule
from .trainer import DivergenceError, EpochReport, History, Trainer
from .walkthrough import PHASES, Step, Walkthrough

__all__ = [
    "ACTIVATIONS", "LECTURE_TABLE", "Activation", "get_activation", "BATCH_MODES", "Batching",
    "GENERATORS", "Dataset", "generate", "split", "Experiment", "OptimizerSpec", "SCHEMES", "Init",
    "LOSSES", "REDUCTIONS", "get_loss", "Backprop", "ForwardPass", "Layer", "Network", "OPTIMIZERS",
    "Optimizer", "make_optimizer", "REGULARIZATION_KINDS", "Regularization", "SCHEDULE_NAMES",
    "Schedule", "DivergenceError", "EpochReport", "History", "Trainer", "PHASES", "Step", "Walkthrough",
]
