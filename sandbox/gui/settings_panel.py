"""The settings panel of the main window (the widgets live in ``sandbox.gui.settings``)."""

from .settings import SettingsPanel

__all__ = ["SettingsPanel"]
