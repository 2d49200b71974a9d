"""Network files (format version 1): load with validation and upgrades, save canonically and atomically. No Qt."""

from .errors import NetworkFileError, Problem
from .load import load_experiment, loads_experiment
from .save import dumps_experiment, experiment_to_dict, save_experiment
from .schema import FORMAT, VERSION
from .upgrade import UPGRADES, upgrade_0_to_1

__all__ = [
    "NetworkFileError", "Problem", "load_experiment", "loads_experiment", "dumps_experiment",
    "experiment_to_dict", "save_experiment", "FORMAT", "VERSION", "UPGRADES", "upgrade_0_to_1",
]
