"""The window's icons: simple SVGs shipped in ``resources/icons``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtGui import QIcon


def resource_file(*parts: str) -> Path:
    """A file shipped in ``resources/`` (through ``sandbox.resources`` when it is available)."""
    try:
        from sandbox.resources import resource_path  # type: ignore[attr-defined]
        return Path(resource_path(*parts))
    except (ImportError, AttributeError):
        return Path(__file__).resolve().parents[2].joinpath("resources", *parts)


@lru_cache(maxsize=64)
def icon(name: str) -> QIcon:
    path = resource_file("icons", f"{name}.svg")
    return QIcon(str(path)) if path.exists() else QIcon()
