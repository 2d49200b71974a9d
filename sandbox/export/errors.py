"""The error of an export that cannot be written correctly: a ``NetworkFileError``, so the commands
report it as ``error: FILE: where: what`` like any other problem with a file."""

from __future__ import annotations

from sandbox.files.errors import NetworkFileError, Problem


class ExportError(NetworkFileError):
    """An export refused before anything is written; ``path`` is the file it was for."""


def export_error(path: object, where: str, what: str) -> ExportError:
    """One problem of an export: ``export_error("out.py", "line 3", "does not compile: …")``."""
    return ExportError(str(path), [Problem(where, what)])
