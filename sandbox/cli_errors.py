"""How a headless command ends: ``error: FILE: where: what`` lines on stderr and a status, never a traceback.

Statuses: 0 success; 1 a file could not be read, built, trained, explained or written; 2 wrong usage;
130 stopped with Ctrl-C; 141 stdout was a pipe that closed early (``explain FILE | head``): the command
stops quietly, as programs killed by SIGPIPE do in a shell.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from typing import TextIO

#: the exit status when the reader of stdout went away (128 + SIGPIPE, what a shell shows for ``cat``)
BROKEN_PIPE_STATUS = 141
INTERRUPTED_STATUS = 130


class CommandFailed(Exception):
    """Ends a command: these lines (``FILE: where: what``) go to stderr as ``error:`` lines, with this status."""

    def __init__(self, lines: list[str], status: int = 1):
        self.lines = list(lines)
        self.status = status
        super().__init__("\n".join(self.lines))


def failed(path: str, where: str, what: str, status: int = 1) -> CommandFailed:
    """The failure ``path: where: what``."""
    return CommandFailed([f"{path}: {where}: {what}"], status)


def say(text: str) -> None:
    """A line on stderr; a stderr that cannot be written is not one more failure to report."""
    try:
        print(text, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def error(line: str) -> None:
    """``error: line`` on stderr."""
    say(f"error: {line}")


def reason(e: BaseException) -> str:
    """What went wrong, in words: an OSError's strerror, else the exception's message or its type."""
    if isinstance(e, OSError) and e.strerror:
        return e.strerror
    return str(e) or type(e).__name__


class Output:
    """A command's results on stdout: each write is flushed at once, and a failed write is remembered, not raised."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = sys.stdout if stream is None else stream
        self.failure: OSError | None = None

    def write(self, text: str) -> bool:
        """Write and flush ``text``; False (and nothing more is written) once stdout has failed."""
        if self.failure is not None:
            return False
        try:
            self.stream.write(text)
            self.stream.flush()
        except OSError as e:
            self.failure = e
            self._discard()
            return False
        return True

    def line(self, text: str) -> bool:
        return self.write(text + "\n")

    @property
    def pipe_closed(self) -> bool:
        return isinstance(self.failure, BrokenPipeError) or getattr(self.failure, "errno", None) == errno.EPIPE

    def finish(self, status: int) -> int:
        """The command's exit status once its output is accounted for (reports a failed stdout)."""
        if self.failure is None:
            return status
        if self.pipe_closed:  # the reader has what it wanted (``| head``): stop quietly
            return status or BROKEN_PIPE_STATUS
        error(f"<stdout>: could not write the output: {reason(self.failure)}")
        return 1

    def _discard(self) -> None:
        """Send what is still buffered for stdout to the null device, so that the interpreter's own flush at
        exit neither fails again nor prints 'Exception ignored'."""
        try:
            fd = self.stream.fileno()
        except (OSError, ValueError, AttributeError):
            return  # not a real file (a test's capture): nothing is flushed at exit
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, fd)
            os.close(null)
        except OSError:
            pass


def guarded(path: str, doing: str, body: Callable[[], int]) -> int:
    """Run one command's ``body``: ``CommandFailed`` and ``NetworkFileError`` become their ``error:`` lines; Ctrl-C
    is status 130; anything else is one 'internal error' line (a bug to report), never a traceback."""
    from .files import NetworkFileError

    try:
        return body()
    except CommandFailed as e:
        for line in e.lines:
            error(line)
        return e.status
    except NetworkFileError as e:
        for line in e.lines():
            error(line)
        return 1
    except KeyboardInterrupt:
        say(f"interrupted (Ctrl-C) while {doing}")
        return INTERRUPTED_STATUS
    except MemoryError:  # not a bug: the machine (or its limit) has less memory than this needs
        error(f"{path}: file: not enough memory for {doing}")
        return 1
    except Exception as e:  # the last resort: every expected failure has its own message before this
        error(f"{path}: internal error while {doing}: {type(e).__name__}: {e} (please report this)")
        return 1
