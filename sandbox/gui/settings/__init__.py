"""The settings panel (issue 5): every knob of the lecture as undoable edits of the document."""

from sandbox.gui.settings.panel import SettingsPanel

__all__ = ["SettingsPanel"]
