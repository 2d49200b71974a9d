"""Backprop Sandbox: see backpropagation happen."""

__version__ = "0.1.0"
