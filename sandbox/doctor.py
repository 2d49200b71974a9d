"""``backprop-sandbox doctor``: what this machine has for the app, and whether its window can start.

It prints the versions (Python, numpy, PySide6 and its Qt, pyqtgraph; torch and onnx are optional), the Qt platform
that would be used, the display, the platform plugin's missing libraries and a verdict line. The check of
``sandbox.qt_check`` runs first; only when it passes does a child process start Qt for real (a failure there ends the
child, not this command). This process never imports Qt. Exit status 0 when the window can start, 1 otherwise.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import signal
import subprocess
import sys
from collections.abc import Callable

from . import qt_check

# run by the child: Qt's version, then (with "start") the platform Qt really started on
_PROBE = """
import sys
from PySide6 import QtCore
print("qt", QtCore.qVersion(), flush=True)
if sys.argv[1:] == ["start"]:
    from PySide6.QtGui import QGuiApplication
    app = QGuiApplication(sys.argv[:1])
    print("platform", app.platformName(), flush=True)
"""

START_TIMEOUT = 60.0


def package_version(*names: str) -> str | None:
    """The installed version of the first distribution of ``names`` that is installed, without importing it."""
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def module_present(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def numpy_line() -> tuple[str, bool]:
    try:
        import numpy
    except Exception as e:  # a broken install is reported, not raised
        return f"cannot be imported: {type(e).__name__}: {e}", False
    return str(numpy.__version__), True


def run_probe(start: bool) -> tuple[dict[str, str], str | None]:
    """Run the Qt probe in a child: what it printed (``qt``, ``platform``), and why it failed (None if it did not)."""
    command = [sys.executable, "-c", _PROBE, *(["start"] if start else [])]
    try:
        done = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False,
                              timeout=START_TIMEOUT, env=dict(os.environ))
    except subprocess.TimeoutExpired:
        return {}, f"Qt did not start within {START_TIMEOUT:g} s"
    except OSError as e:
        return {}, f"the probe process did not start: {e}"
    found = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
    if done.returncode == 0:
        return found, None
    said = [line.strip() for line in done.stderr.splitlines() if line.strip()]
    how = f"ended with {_signal_name(-done.returncode)}" if done.returncode < 0 else f"exit status {done.returncode}"
    return found, f"Qt {how}" + (f": {said[-1]}" if said else "")


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def cmd_doctor(write: Callable[[str], object] = print, probe: Callable[[bool], tuple[dict[str, str], str | None]]
               | None = None) -> int:
    """Print the report; 0 when the window can start, 1 otherwise."""
    probe = run_probe if probe is None else probe
    problems: list[str] = []

    def row(name: str, value: str) -> None:
        write(f"{name:<12}{value}")

    row("app", f"backprop-sandbox {version()}")
    row("Python", f"{sys.version.split()[0]} ({sys.executable})")
    numpy_text, numpy_ok = numpy_line()
    row("numpy", numpy_text)
    if not numpy_ok:
        problems.append("numpy cannot be imported")

    result = qt_check.check()
    pyside = package_version("PySide6", "PySide6-Essentials")
    found: dict[str, str] = {}
    failure: str | None = None
    if pyside is not None:
        found, failure = probe(result.ok)
    qt = found.get("qt")
    row("PySide6", "not installed (pip install .)" if pyside is None else
        f"{pyside} (Qt {qt})" if qt else f"{pyside} (Qt cannot be imported)")
    if pyside is None and result.ok:  # else the check's message says so
        problems.append("PySide6 is not installed")
    pyqtgraph = package_version("pyqtgraph")
    row("pyqtgraph", pyqtgraph or "not installed (pip install .)")
    if pyqtgraph is None:
        problems.append("pyqtgraph is not installed")
    optional = (("torch", "runs the exported PyTorch script"), ("onnx", "the ONNX export: pip install \".[onnx]\""))
    for name, use in optional:
        there = package_version(name) if module_present(name) else None
        row(name, f"{there} (optional: {use})" if there else f"not installed (optional: {use})")

    how = "QT_QPA_PLATFORM" if os.environ.get("QT_QPA_PLATFORM") else "QT_QPA_PLATFORM is not set: the default"
    row("Qt platform", f"{found.get('platform', result.platform)} ({how})")
    row("display", result.display)
    row("missing", ", ".join(f"{lib} ({qt_check.DEBIAN_PACKAGES.get(lib, 'package unknown')})"
                             for lib in result.missing) or "nothing")
    for note in result.notes:
        row("note", note)
    if not result.ok:
        problems.append(str(result.message))
    elif failure is not None:
        problems.append(failure)
    if problems:
        row("verdict", "the window cannot start: " + "; ".join(problems))
        return 1
    row("verdict", "the window can start")
    return 0


def version() -> str:
    """This package's version from its installed metadata (the source's ``__version__`` when not installed)."""
    from . import __version__
    return package_version("backprop-sandbox") or __version__
