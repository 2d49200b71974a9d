"""Live training: the worker thread that owns the engine while it trains, and its GUI-side controller."""

from .controller import TrainingController
from .grid import GridOutput
from .worker import Divergence, TrainingReport, TrainingWorker

__all__ = ["TrainingController", "TrainingWorker", "TrainingReport", "GridOutput", "Divergence"]
