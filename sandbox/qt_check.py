"""Can Qt open a window here? Answered before PySide6 is imported, because Qt answers "no" with an abort (a core
dump), not an exception.

``check()`` decides the platform Qt would use (``QT_QPA_PLATFORM``, else xcb with ``DISPLAY`` and wayland with
``WAYLAND_DISPLAY``), and on Linux looks at what Qt needs for it: a display at all, the shared libraries of the
platform plugin (``ldd`` on the plugin and the Qt libraries it loads, or ``ctypes`` where there is no ``ldd``), and
an X server that answers on ``DISPLAY``. ``Check.message`` is one paragraph saying what is missing and how to get
it (the Debian/Ubuntu packages of the missing libraries). Pure Python: this module never imports Qt.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

SKIP_VARIABLE = "BACKPROP_SANDBOX_SKIP_QT_CHECK"
"""Set to 1 to skip the check (if it is ever wrong about a system; Qt then has the last word)."""

HEADLESS = "the headless commands (explain, train, validate, export, exercise) work without it"

# Qt platforms that need no display at all
NO_DISPLAY_PLATFORMS = frozenset({"offscreen", "minimal", "minimalegl", "vnc", "eglfs", "linuxfb", "vkkhrdisplay"})

# the Qt libraries (beside the plugin) whose system libraries are checked, per platform
QT_LIBRARIES = {"xcb": ("libQt6XcbQpa.so.6",), "wayland": ("libQt6WaylandClient.so.6",)}
COMMON_QT_LIBRARIES = ("libQt6Gui.so.6", "libQt6Widgets.so.6")

# the shared library → the Debian/Ubuntu package that provides it
DEBIAN_PACKAGES = {
    "libxcb.so.1": "libxcb1", "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0", "libxcb-xfixes.so.0": "libxcb-xfixes0", "libxcb-util.so.1": "libxcb-util1",
    "libxcb-shm.so.0": "libxcb-shm0", "libxcb-sync.so.1": "libxcb-sync1", "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-render.so.0": "libxcb-render0", "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-glx.so.0": "libxcb-glx0", "libX11-xcb.so.1": "libx11-xcb1", "libX11.so.6": "libx11-6",
    "libXau.so.6": "libxau6", "libXdmcp.so.6": "libxdmcp6", "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0", "libGL.so.1": "libgl1", "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0", "libEGL.so.1": "libegl1", "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6", "libdbus-1.so.3": "libdbus-1-3", "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0", "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0", "libwayland-egl.so.1": "libwayland-egl1",
}

# what the xcb plugin loads (Qt 6), tried with ctypes where there is no ldd
XCB_SONAMES = (
    "libxcb.so.1", "libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-image.so.0",
    "libxcb-render-util.so.0", "libxcb-randr.so.0", "libxcb-shape.so.0", "libxcb-xfixes.so.0", "libxcb-util.so.1",
    "libxcb-shm.so.0", "libxcb-sync.so.1", "libxcb-xkb.so.1", "libxcb-render.so.0", "libX11-xcb.so.1",
    "libX11.so.6", "libxkbcommon.so.0", "libxkbcommon-x11.so.0", "libGL.so.1", "libEGL.so.1",
    "libfontconfig.so.1", "libfreetype.so.6", "libdbus-1.so.3", "libglib-2.0.so.0",
)
WAYLAND_SONAMES = ("libwayland-client.so.0", "libwayland-cursor.so.0", "libwayland-egl.so.1", "libxkbcommon.so.0",
                   "libEGL.so.1", "libfontconfig.so.1", "libfreetype.so.6", "libglib-2.0.so.0")

README_PACKAGES = (
    "libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-shape0 "
    "libxcb-xfixes0 libxcb-xkb1 libxcb-shm0 libxcb-sync1 libx11-xcb1 libxkbcommon-x11-0 libegl1 libgl1 "
    "libfontconfig1 libdbus-1-3")
"""The README's ``apt-get install`` line: everything the xcb plugin of PySide6 6.x needs beyond a base system."""

_NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found", re.MULTILINE)


@dataclass(frozen=True)
class Check:
    """What ``check()`` found. ``message`` is None when the window can start."""

    platform: str  # the Qt platform that would be used ("xcb", "wayland", "offscreen", "windows", …)
    display: str  # "DISPLAY=:0", "WAYLAND_DISPLAY=wayland-0", "none", or "not needed"
    missing: tuple[str, ...] = ()  # missing shared libraries
    packages: tuple[str, ...] = ()  # their Debian/Ubuntu packages
    message: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.message is None


# ---- the parts tests replace ----------------------------------------------------------------------------

def run_ldd(path: Path) -> str | None:
    """``ldd path``'s output, or None when there is no ``ldd`` (or it fails to run)."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return None
    try:
        done = subprocess.run([ldd, str(path)], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout + done.stderr


def can_load(soname: str) -> bool:
    """Whether the dynamic loader finds ``soname`` (used where there is no ``ldd``)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


# ---- deciding ---------------------------------------------------------------------------------------------

def candidate_platforms(env: Mapping[str, str], system: str) -> list[str]:
    """The platforms Qt would try, in order (``QT_QPA_PLATFORM`` may list several, separated by ';')."""
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        names = [part.split(":", 1)[0].strip() for part in chosen.split(";")]
        return [name for name in names if name] or ["xcb"]
    if system == "darwin":
        return ["cocoa"]
    if system in ("win32", "cygwin"):
        return ["windows"]
    wayland_session = env.get("XDG_SESSION_TYPE", "") == "wayland"
    if env.get("WAYLAND_DISPLAY") and (wayland_session or not env.get("DISPLAY")):
        return ["wayland", "xcb"]
    return ["xcb"]


def pyside_folder() -> Path | None:
    """PySide6's folder, found without importing it."""
    try:
        spec = importlib.util.find_spec("PySide6")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def plugin_folders(env: Mapping[str, str], pyside: Path) -> list[Path]:
    extra = [Path(p) for p in env.get("QT_QPA_PLATFORM_PLUGIN_PATH", "").split(os.pathsep) if p]
    return [*extra, pyside / "Qt" / "plugins" / "platforms"]


def missing_libraries(files: list[Path], fallback: tuple[str, ...]) -> list[str]:
    """The shared libraries that ``files`` need and the loader cannot find (``ldd``; else ``fallback`` by ctypes)."""
    missing: list[str] = []
    for path in files:
        output = run_ldd(path)
        if output is None:
            return [name for name in fallback if not can_load(name)]
        missing += _NOT_FOUND.findall(output)
    return list(dict.fromkeys(missing))


def x_server_answers(display: str, timeout: float = 2.0) -> tuple[bool, str]:
    """Whether something listens on the X display ``display`` (":0", "unix:1", "localhost:10.0"); where it looked."""
    match = re.fullmatch(r"(.*):(\d+)(?:\.\d+)?", display)
    if match is None:
        return True, ""  # a form this check does not know: Qt decides
    host, number = match.group(1), int(match.group(2))
    if host in ("", "unix") or host.startswith("/"):
        path = host if host.startswith("/") else f"/tmp/.X11-unix/X{number}"
        for address in (path, "\0" + path):  # the socket file, or Linux's abstract socket of the same name
            if _connects(socket.AF_UNIX, address, timeout):
                return True, path
        return False, f"no X server listens at {path}"
    if _connects(socket.AF_INET, (host, 6000 + number), timeout):
        return True, f"{host}:{6000 + number}"
    return False, f"nothing answers at {host}, port {6000 + number}"


def _connects(family: int, address: str | tuple[str, int], timeout: float) -> bool:
    try:
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(address)
    except OSError:
        return False
    return True


def wayland_answers(env: Mapping[str, str]) -> bool:
    name = env.get("WAYLAND_DISPLAY", "")
    path = Path(name) if name.startswith("/") else Path(env.get("XDG_RUNTIME_DIR", "/nonexistent")) / name
    return _connects(socket.AF_UNIX, str(path), 2.0)


def check(env: Mapping[str, str] | None = None, system: str | None = None) -> Check:
    """Can Qt open the window? Tries the platforms Qt would try; the first that can start wins, else the first
    one's problem is reported."""
    env = os.environ if env is None else env
    system = sys.platform if system is None else system
    candidates = candidate_platforms(env, system)
    if env.get(SKIP_VARIABLE, "") not in ("", "0"):
        return Check(candidates[0], _display(env, candidates[0]), notes=(f"{SKIP_VARIABLE} is set: not checked",))
    results = [check_platform(name, env, system) for name in candidates]
    return next((r for r in results if r.ok), results[0])


def _display(env: Mapping[str, str], platform: str) -> str:
    if platform == "xcb":
        return f"DISPLAY={env['DISPLAY']}" if env.get("DISPLAY") else "none (DISPLAY is not set)"
    if platform == "wayland":
        return f"WAYLAND_DISPLAY={env['WAYLAND_DISPLAY']}" if env.get("WAYLAND_DISPLAY") else \
            "none (WAYLAND_DISPLAY is not set)"
    return "not needed" if platform in NO_DISPLAY_PLATFORMS else "the desktop's"


def check_platform(platform: str, env: Mapping[str, str], system: str) -> Check:
    display = _display(env, platform)
    if not system.startswith("linux"):
        return Check(platform, display)  # Windows and macOS: PySide6's wheels bring everything
    if platform in ("xcb", "wayland") and not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return Check(platform, display, message=(
            "no display: neither DISPLAY nor WAYLAND_DISPLAY is set, so there is no screen to open the window on. "
            "Run it on a desktop (or over ssh -X), or set QT_QPA_PLATFORM=offscreen for tests; " + HEADLESS + "."))
    if platform == "xcb" and not env.get("DISPLAY"):
        return Check(platform, display, message=(
            "no X display: Qt's xcb platform was asked for (QT_QPA_PLATFORM=xcb) but DISPLAY is not set. Set DISPLAY, "
            "or unset QT_QPA_PLATFORM to use the Wayland display; " + HEADLESS + "."))
    pyside = pyside_folder()
    if pyside is None:
        return Check(platform, display, message=(
            "PySide6 (Qt for Python) is not installed in this Python. Install the app with its dependencies: "
            "pip install . (in the project's folder); " + HEADLESS + "."))
    folders = plugin_folders(env, pyside)
    plugin = next((f / f"libq{platform}.so" for f in folders if (f / f"libq{platform}.so").is_file()), None)
    if plugin is None:
        known = sorted({p.name[4:-3] for f in folders if f.is_dir() for p in f.glob("libq*.so")})
        return Check(platform, display, message=(
            f"Qt has no platform plugin named {platform!r} (QT_QPA_PLATFORM); the ones installed are "
            f"{', '.join(known) or 'none'}. Set QT_QPA_PLATFORM to one of them, or unset it."))
    lib = pyside / "Qt" / "lib"
    files = [plugin] + [lib / n for n in (*QT_LIBRARIES.get(platform, ()), *COMMON_QT_LIBRARIES) if (lib / n).is_file()]
    fallback = {"xcb": XCB_SONAMES, "wayland": WAYLAND_SONAMES}.get(platform, ())
    missing = tuple(missing_libraries(files, fallback))
    if missing:
        packages = tuple(dict.fromkeys(DEBIAN_PACKAGES.get(name, "") for name in missing if name in DEBIAN_PACKAGES))
        return Check(platform, display, missing, packages, missing_message(platform, missing, packages))
    if platform == "xcb":
        answers, where = x_server_answers(env["DISPLAY"])
        if not answers:
            return Check(platform, display, message=(
                f"the X display {env['DISPLAY']} (DISPLAY) does not answer: {where}. Start the desktop, or set "
                f"DISPLAY to a running one (or QT_QPA_PLATFORM=offscreen for tests); {HEADLESS}."))
    if platform == "wayland" and not wayland_answers(env):
        return Check(platform, display, message=(
            f"the Wayland display {env.get('WAYLAND_DISPLAY', '')} (WAYLAND_DISPLAY) does not answer; "
            f"start the desktop or unset WAYLAND_DISPLAY; {HEADLESS}."))
    return Check(platform, display)


def missing_message(platform: str, missing: tuple[str, ...], packages: tuple[str, ...]) -> str:
    """One paragraph: the missing libraries, their packages, the README's full line."""
    unknown = [name for name in missing if name not in DEBIAN_PACKAGES]
    text = (f"Qt's {platform} platform plugin needs system libraries that are missing: {', '.join(missing)}. ")
    if packages:
        text += f"On Debian or Ubuntu install them with: sudo apt-get install {' '.join(packages)}"
        text += ". " if platform != "xcb" else \
            " (or, as the README says, all that Qt needs: sudo apt-get install " + README_PACKAGES + "). "
    if unknown:
        text += (f"Find the package that provides {', '.join(unknown)} with your package manager "
                 f"(on Debian: apt-file search {unknown[0]}). ")
    text += f"Then 'backprop-sandbox doctor' checks again; {HEADLESS}."
    return text


def failure_paragraph(result: Check) -> str:
    """What the command prints when the window cannot start: ``error: the desktop app cannot start: …``."""
    return f"error: the desktop app cannot start: {result.message}"
