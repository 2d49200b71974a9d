"""Live training: the worker thread that owns the engine while it trains, and its GUI-side controller."""

from sandbox.gui.training.controller import TrainingController
from sandbox.gui.training.grid import GridOutput
from sandbox.gui.training.worker import Divergence, TrainingReport, TrainingWorker

__all__ = ["TrainingController", "TrainingWorker", "TrainingReport", "GridOutput", "Divergence"]
