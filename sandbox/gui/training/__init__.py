"""Live training: the worker thread that owns the engine while it trains, and its GUI-side controller."""

from .controller import TrainingController
from .worker import Divergence, GridOutput, TrainingReport, TrainingWorker

__all__ = ["TrainingController", "TrainingWorker", "TrainingReport", "GridOutput", "Divergence"]
