"""Run one of the window's drawing modules (``python -m sandbox.gui.…``) in a child process on Qt's offscreen
platform, so that a headless command never imports Qt itself; and, in the child, ``child_main``: its work done,
or what went wrong as ``error:`` lines and status 1, never a traceback.

The child runs this very package (its folder on ``PYTHONPATH`` after any the user set, ``-P`` so the current
folder does not shadow it), with no standard input. What went wrong is one line: the child's ``error:`` lines,
else the last line it wrote (a traceback's), else how it ended. Ctrl-C in the child is Ctrl-C here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from .cli_errors import INTERRUPTED_STATUS, reason


class ChildFailed(Exception):
    """The drawing process failed; the message is one line saying why."""


def qt_child_environment() -> dict[str, str]:
    """This process's environment, with Qt offscreen and this package on the module path (after the user's
    ``PYTHONPATH``: put first, an installed package's folder would bring all of site-packages ahead of it); Qt's hashes
    unseeded, so that what Qt writes in hash order (a PDF's fonts) comes out the same every time."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_HASH_SEED="0")
    here = str(Path(__file__).resolve().parent.parent)  # the child runs this very package
    env["PYTHONPATH"] = os.pathsep.join([*filter(None, [os.environ.get("PYTHONPATH")]), here])
    return env


def run_qt_child(module: str, arguments: list[str], timeout: float | None = None) -> None:
    """``python -P -m module arguments…`` offscreen; ``ChildFailed`` (one line) unless it ends with status 0."""
    command = [sys.executable, "-P", "-m", module, *arguments]
    try:
        done = subprocess.run(command, env=qt_child_environment(), stdin=subprocess.DEVNULL, capture_output=True,
                              check=False, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ChildFailed(f"the drawing process did not finish within {timeout:g} s") from None
    except OSError as e:  # no interpreter to start, no memory for a process
        raise ChildFailed(f"the drawing process did not start: {reason(e)}") from None
    if done.returncode != 0:
        raise ChildFailed(child_failure(done.returncode, done.stderr.decode("utf-8", errors="replace")))


def child_failure(status: int, stderr: str) -> str:
    """What the drawing process said went wrong: its ``error:`` lines, else its last line, else how it ended."""
    if status == INTERRUPTED_STATUS:
        raise KeyboardInterrupt
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    said = [line.removeprefix("error: ") for line in lines if line.startswith("error: ")]
    if said:
        return "; ".join(said)
    if status < 0:
        return f"the drawing process was stopped by signal {-status}"
    if lines:  # e.g. the last line of a traceback: "ModuleNotFoundError: No module named 'PySide6'"
        return lines[-1]
    return f"the drawing process ended with status {status}"


# ---- in the child ---------------------------------------------------------------------------------------
def child_error(line: str) -> None:
    """``error: line`` on stderr (what ``child_failure`` reads), even when stderr is gone."""
    try:
        print(f"error: {line}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def child_main(work: Callable[[], object], out_of_memory: str) -> int:
    """A drawing module's ``main``: ``work()`` and 0; a network file's problems, an OS error or anything
    else (Qt missing, no platform plugin, a bug) as ``error:`` lines and 1; Ctrl-C 130."""
    from .files import NetworkFileError

    try:
        work()
    except NetworkFileError as e:
        for line in e.lines():
            child_error(line)
        return 1
    except KeyboardInterrupt:
        return INTERRUPTED_STATUS
    except MemoryError:
        child_error(out_of_memory)
        return 1
    except OSError as e:
        child_error(e.strerror or str(e) or type(e).__name__)
        return 1
    except Exception as e:  # noqa: BLE001 - one line, never a traceback
        child_error(f"{type(e).__name__}: {e}" if str(e) else type(e).__name__)
        return 1
    return 0
