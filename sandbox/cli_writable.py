"""Before a long job: can its output file be written? A refusal is ``OUT: file: cannot be written: why``."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from .cli_errors import CommandFailed, failed, reason


def _cannot(path: str, why: str) -> CommandFailed:
    return failed(path, "file", f"cannot be written: {why}")


def check_writable(path: str, special_ok: bool = False) -> None:
    """Raise ``CommandFailed`` unless a file can be created or replaced at ``path``.

    The folder must exist; ``path`` must not be a folder, nor (unless ``special_ok``, for a direct write) a
    device, pipe or socket, which an atomic save would replace; a temporary file is created beside it and
    removed again to prove the folder takes new files. An existing file at ``path`` is never touched.
    """
    try:
        target = Path(path)
        folder = target.parent
        if not folder.is_dir():
            why = "is a file, not a folder" if folder.exists() else "does not exist"
            raise _cannot(path, f"the folder {folder} {why}")
        try:
            mode = os.stat(target).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and stat.S_ISDIR(mode):
            raise _cannot(path, "it is a folder")
        if mode is not None and not stat.S_ISREG(mode) and not special_ok:
            raise _cannot(path, "it is not a regular file (a device, a pipe or a socket), which saving would replace")
        if mode is not None and not stat.S_ISREG(mode):
            return  # written in place (/dev/stdout): no temporary file beside it
        fd, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise _cannot(path, reason(e)) from None
    except ValueError as e:  # an embedded NUL: no such file can exist
        raise _cannot(path, f"not a usable file name: {e}") from None


def same_file(a: str, b: str) -> bool:
    """Whether the two paths name one file (through links or other spellings), existing or not."""
    try:
        if os.path.exists(a) and os.path.exists(b):
            return os.path.samefile(a, b)
        return os.path.realpath(a) == os.path.realpath(b)
    except (OSError, ValueError):
        return False
