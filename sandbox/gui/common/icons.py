"""The window's icons: simple SVGs shipped in ``resources/icons``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtGui import QIcon

from sandbox.resources import resource_path


def resource_file(*parts: str) -> Path:
    """A file shipped in ``resources/`` (a checkout's or the installed package's)."""
    return Path(resource_path(*parts))


@lru_cache(maxsize=64)
def icon(name: str) -> QIcon:
    path = resource_file("icons", f"{name}.svg")
    return QIcon(str(path)) if path.exists() else QIcon()
