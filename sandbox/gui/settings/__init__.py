"""The settings panel (issue 5): every knob of the lecture as undoable edits of the document."""

from .panel import SettingsPanel

__all__ = ["SettingsPanel"]
