"""Bounded reads of regular files: a network file or a CSV file is read only when it is a regular file, and
never more than its limit plus one byte (``st_size`` is only a hint: ``/dev/zero`` and FIFOs report 0)."""

from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO

from .errors import NetworkFileError, Problem

#: what a file that is not a regular file is, by its ``st_mode``
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
#: bytes read at a time when the size is not known beforehand
_CHUNK = 1 << 20


def read_regular_file(path: str | os.PathLike[str], limit: int, what: str = "network files") -> bytes:
    """The bytes of the regular file at ``path`` if it holds at most ``limit`` bytes; otherwise
    ``NetworkFileError`` (at ``file``) saying why: not a regular file, too large (``what`` over … are
    refused), or the reason the system gives (no such file, permission denied, a symlink loop, …)."""
    try:
        return _read(os.fspath(path), limit, what)
    except _Refused as e:
        raise NetworkFileError(path, [Problem("file", str(e))]) from None
    except ValueError:  # os.open: "embedded null byte"
        raise NetworkFileError(path, [Problem("file", "cannot be read: the path holds a NUL character")]) from None
    except OSError as e:
        raise NetworkFileError(path, [Problem("file", f"cannot be read: {_reason(path, e)}")]) from None


class _Refused(Exception):
    """A file that is refused before or while reading it."""


def _read(path: str, limit: int, what: str) -> bytes:
    _refuse_unless_regular(os.stat(path).st_mode)  # a device is never opened
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    with open(fd, "rb") as f:
        info = os.fstat(fd)
        _refuse_unless_regular(info.st_mode)  # replaced since the stat, or a FIFO opened without blocking
        if info.st_size > limit:
            raise _Refused(_too_large(info.st_size, limit, what))
        data = _read_at_most(f, limit + 1, info.st_size)
    if len(data) > limit:
        raise _Refused(_too_large(None, limit, what))
    return data


def _refuse_unless_regular(mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise _Refused(f"is {kind}, not a regular file")


def _read_at_most(f: BinaryIO, n: int, hint: int) -> bytes:
    """At most ``n`` bytes: one read of the expected size (plus one byte, to see the end), then chunks."""
    first_size = min(n, hint + 1) if hint > 0 else min(n, _CHUNK)
    first = f.read(first_size)  # a buffered read returns less only at the end of the file
    if len(first) < first_size:
        return first
    chunks = [first]
    total = len(first)
    while total < n:
        chunk = f.read(min(n - total, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _too_large(size: int | None, limit: int, what: str) -> str:
    shown = f"{size / 2**20:.1f} MB" if size is not None else f"over {limit / 2**20:.0f} MB"
    return f"is {shown}; {what} over {limit / 2**20:.0f} MB are refused"


def _reason(path: str | os.PathLike[str], e: OSError) -> str:
    """The system's reason, with a broken symbolic link named as such."""
    if e.errno == errno.ENOENT and os.path.islink(path):
        return "it is a symbolic link to a file that does not exist"
    if e.errno == errno.ELOOP:
        return "its symbolic links form a loop"
    if e.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    return e.strerror or str(e) or type(e).__name__


__all__ = ["read_regular_file"]
