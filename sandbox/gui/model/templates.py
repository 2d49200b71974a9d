"""Shipped examples are templates: a file of the app's own (``resources/networks/*.json`` of the installed
package or of a checkout, or anything else inside the installed package) is never the document's file.
An installed app does not know the checkout it was installed from, so any ``resources/networks/NAME.json`` whose
NAME is a shipped example's is one too.
It opens as an untitled copy, so that Save asks where and no default answer can overwrite it.

Paths are compared by their resolved real paths (a relative path, ``..`` or a symbolic link to a shipped
example is a shipped example too).
"""

from __future__ import annotations

import os
from pathlib import Path

import sandbox
from sandbox import resources

#: the package's own folder (``site-packages/sandbox`` when installed, the checkout's ``sandbox/``)
_PACKAGE = Path(sandbox.__file__).resolve().parent


def template_folders() -> list[Path]:
    """The folders whose files are templates, as resolved real paths: the shipped examples wherever
    ``sandbox.resources`` finds them, the checkout's ``resources/`` and ``docs/``, and the package's own
    folder (its data, ``sandbox/resources`` and ``sandbox/docs``, when installed)."""
    candidates = [resources.resource_path("networks"), resources.resources_root(), resources.docs_root(),
                  _PACKAGE.parent / "resources", _PACKAGE / "resources", _PACKAGE]
    folders: list[Path] = []
    for folder in candidates:
        real = Path(os.path.realpath(folder))
        if real not in folders:
            folders.append(real)
    return folders


def is_template(path: str | Path) -> bool:
    """Whether ``path`` is one of the app's own files (a shipped example): see ``template_folders``, and
    ``is_a_checkout_example``."""
    real = Path(os.path.realpath(Path(path).expanduser()))
    return any(real.is_relative_to(folder) for folder in template_folders()) or is_a_checkout_example(real)


def is_a_checkout_example(real: Path) -> bool:
    """A ``resources/networks/NAME.json`` of a checkout (or a copy of one) named as a shipped example: what
    an app installed with ``pip install .`` (not editable) reads when it opens the checkout's examples."""
    return (real.parent.name == "networks" and real.parent.parent.name == "resources"
            and real.name in {p.name for p in resources.example_networks()})


def split(path: str | Path | None) -> tuple[Path | None, Path | None]:
    """``(file, template)`` for a document shown from ``path``: an ordinary file is the document's file
    (no template); a shipped example is the template of an untitled copy (no file)."""
    if path is None:
        return None, None
    path = Path(path)
    return (None, path) if is_template(path) else (path, None)


def untitled_name(name: str) -> str:
    """The title of an untitled copy of the example called ``name``: "Spiral (example) — untitled"."""
    return f"{name} (example) — untitled"
