"""Where the shipped resources (example networks, icons) and docs are: a source checkout or an installed package."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def resources_root() -> Path:
    """``sandbox/resources/`` when installed, else the checkout's top-level ``resources/``."""
    installed = _HERE / "resources"
    if installed.is_dir():
        return installed
    return _HERE.parent / "resources"


def docs_root() -> Path:
    """``sandbox/docs/`` when installed, else the checkout's top-level ``docs/``."""
    installed = _HERE / "docs"
    if installed.is_dir():
        return installed
    return _HERE.parent / "docs"


def resource_path(*parts: str) -> Path:
    """The path of a shipped resource, e.g. ``resource_path("networks", "lecture17-linear.json")``."""
    return resources_root().joinpath(*parts)


def example_networks() -> list[Path]:
    """The shipped example network files, sorted by name."""
    return sorted(resource_path("networks").glob("*.json"))


def default_network() -> Path:
    """The network the app opens when given no file: the lecture's first example."""
    return resource_path("networks", "lecture17-linear.json")
