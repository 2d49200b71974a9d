"""Set-up that cannot trip: before Qt is imported, the app checks the display and the platform plugin's libraries;
what is missing is one paragraph and exit status 1, never a core dump. ``--version`` and ``doctor``."""

from __future__ import annotations

import importlib.metadata
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox import cli, doctor, qt_check

ROOT = Path(__file__).resolve().parents[1]
QT_MODULES = ("PySide6", "shiboken6", "pyqtgraph")
LINUX = sys.platform.startswith("linux")
ICCCM_MISSING = ("\tlinux-vdso.so.1 (0x00007ffd)\n\tlibxcb-icccm.so.4 => not found\n"
                 "\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f)\n\tlibxcb-keysyms.so.1 => not found\n")


@pytest.fixture
def fake_pyside(tmp_path, monkeypatch):
    """A PySide6 folder with the plugin files the check looks at (their contents are never read)."""
    platforms = tmp_path / "PySide6" / "Qt" / "plugins" / "platforms"
    lib = tmp_path / "PySide6" / "Qt" / "lib"
    platforms.mkdir(parents=True)
    lib.mkdir(parents=True)
    for name in ("libqxcb.so", "libqwayland.so", "libqoffscreen.so"):
        (platforms / name).write_bytes(b"")
    for name in ("libQt6XcbQpa.so.6", "libQt6Gui.so.6", "libQt6Widgets.so.6"):
        (lib / name).write_bytes(b"")
    monkeypatch.setattr(qt_check, "pyside_folder", lambda: tmp_path / "PySide6")
    return tmp_path / "PySide6"


def test_a_missing_library_is_named_with_its_package(fake_pyside, monkeypatch):
    looked_at = []
    monkeypatch.setattr(qt_check, "run_ldd", lambda path: looked_at.append(path.name) or ICCCM_MISSING)
    found = qt_check.check({"DISPLAY": ":0"}, "linux")
    assert found.platform == "xcb" and found.display == "DISPLAY=:0"
    assert looked_at == ["libqxcb.so", "libQt6XcbQpa.so.6", "libQt6Gui.so.6", "libQt6Widgets.so.6"]
    assert found.missing == ("libxcb-icccm.so.4", "libxcb-keysyms.so.1")  # once each, though every file lacks them
    assert found.packages == ("libxcb-icccm4", "libxcb-keysyms1")
    paragraph = qt_check.failure_paragraph(found)
    assert paragraph.startswith("error: the desktop app cannot start: Qt's xcb platform plugin needs system "
                                "libraries that are missing: libxcb-icccm.so.4, libxcb-keysyms.so.1. ")
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1 " in paragraph
    assert "\n" not in paragraph


def test_without_ldd_the_known_libraries_are_loaded_by_ctypes(fake_pyside, monkeypatch):
    monkeypatch.setattr(qt_check, "run_ldd", lambda path: None)
    monkeypatch.setattr(qt_check, "can_load", lambda name: name != "libxcb-cursor.so.0")
    found = qt_check.check({"DISPLAY": ":0"}, "linux")
    assert found.missing == ("libxcb-cursor.so.0",) and found.packages == ("libxcb-cursor0",)
    assert "sudo apt-get install libxcb-cursor0 " in str(found.message)


def test_a_library_of_no_known_package_is_still_named(fake_pyside, monkeypatch):
    monkeypatch.setattr(qt_check, "run_ldd", lambda path: "\tlibweird.so.7 => not found\n")
    found = qt_check.check({"DISPLAY": ":0"}, "linux")
    assert found.missing == ("libweird.so.7",) and found.packages == ()
    assert "missing: libweird.so.7. " in str(found.message) and "apt-file search libweird.so.7" in str(found.message)


def test_no_display_is_said_before_anything_else(fake_pyside, monkeypatch):
    monkeypatch.setattr(qt_check, "run_ldd", lambda path: pytest.fail("no display needs no library check"))
    found = qt_check.check({}, "linux")
    assert found.platform == "xcb" and found.display == "none (DISPLAY is not set)"
    assert str(found.message).startswith("no display: neither DISPLAY nor WAYLAND_DISPLAY is set")
    assert "QT_QPA_PLATFORM=offscreen for tests" in str(found.message)


def test_the_platform_qt_would_use():
    assert qt_check.candidate_platforms({}, "linux") == ["xcb"]
    assert qt_check.candidate_platforms({"DISPLAY": ":0"}, "linux") == ["xcb"]
    assert qt_check.candidate_platforms({"WAYLAND_DISPLAY": "wayland-0"}, "linux") == ["wayland", "xcb"]
    assert qt_check.candidate_platforms({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0",
                                         "XDG_SESSION_TYPE": "wayland"}, "linux") == ["wayland", "xcb"]
    assert qt_check.candidate_platforms({"QT_QPA_PLATFORM": "offscreen"}, "linux") == ["offscreen"]
    assert qt_check.candidate_platforms({"QT_QPA_PLATFORM": "wayland;xcb:foo=1"}, "linux") == ["wayland", "xcb"]
    assert qt_check.candidate_platforms({}, "win32") == ["windows"]
    assert qt_check.candidate_platforms({}, "darwin") == ["cocoa"]


def test_offscreen_windows_and_macos_need_no_display_or_system_library(fake_pyside, monkeypatch):
    monkeypatch.setattr(qt_check, "run_ldd", lambda path: "")
    found = qt_check.check({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert found.ok and found.platform == "offscreen" and found.display == "not needed"
    monkeypatch.setattr(qt_check, "run_ldd", lambda path: pytest.fail("not looked at outside Linux"))
    assert qt_check.check({}, "win32").ok and qt_check.check({}, "darwin").ok


def test_an_unknown_platform_names_the_installed_ones(fake_pyside):
    found = qt_check.check({"QT_QPA_PLATFORM": "nosuch"}, "linux")
    assert found.message == ("Qt has no platform plugin named 'nosuch' (QT_QPA_PLATFORM); the ones installed are "
                             "offscreen, wayland, xcb. Set QT_QPA_PLATFORM to one of them, or unset it.")


def test_pyside_missing_says_how_to_install(monkeypatch):
    monkeypatch.setattr(qt_check, "pyside_folder", lambda: None)
    found = qt_check.check({"DISPLAY": ":0"}, "linux")
    assert str(found.message).startswith("PySide6 (Qt for Python) is not installed in this Python. ")


def test_the_skip_variable_skips(monkeypatch):
    monkeypatch.setattr(qt_check, "pyside_folder", lambda: pytest.fail("skipped"))
    found = qt_check.check({qt_check.SKIP_VARIABLE: "1"}, "linux")
    assert found.ok and found.notes == (f"{qt_check.SKIP_VARIABLE} is set: not checked",)


@pytest.mark.skipif(not LINUX, reason="abstract sockets are Linux's")
def test_an_x_server_that_answers_and_one_that_does_not():
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind("\0/tmp/.X11-unix/X987")
        server.listen(1)
        assert qt_check.x_server_answers(":987.0") == (True, "/tmp/.X11-unix/X987")
    assert qt_check.x_server_answers(":987") == (False, "no X server listens at /tmp/.X11-unix/X987")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        assert port > 6000
        assert qt_check.x_server_answers(f"127.0.0.1:{port - 6000}") == (True, f"127.0.0.1:{port}")
    assert qt_check.x_server_answers(f"127.0.0.1:{port - 6000}", timeout=0.5)[0] is False


def test_a_silent_x_display_is_said(fake_pyside, monkeypatch):
    monkeypatch.setattr(qt_check, "run_ldd", lambda path: "")
    monkeypatch.setattr(qt_check, "x_server_answers", lambda display: (False, "no X server listens at /x/X5"))
    found = qt_check.check({"DISPLAY": ":5"}, "linux")
    assert str(found.message).startswith("the X display :5 (DISPLAY) does not answer: no X server listens at /x/X5.")


def _qt_free_child(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    full = dict(os.environ, **env)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        if name not in env:
            full.pop(name, None)
    code += (f"\nprint('QT', sorted(m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r}))\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", env=full,
                          cwd=ROOT, timeout=120)


@pytest.mark.skipif(not LINUX, reason="the libraries are checked on Linux")
def test_main_with_a_missing_library_prints_one_paragraph_and_exits_1_without_importing_qt():
    result = _qt_free_child(f"""
import sys
from sandbox import cli, qt_check
qt_check.run_ldd = lambda path: {ICCCM_MISSING!r}
print("STATUS", cli.main([]))
""", {"DISPLAY": ":0"})
    assert result.stdout.splitlines() == ["STATUS 1", "QT []"], result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: the desktop app cannot start: Qt's xcb platform plugin needs system "
                                    "libraries that are missing: libxcb-icccm.so.4, libxcb-keysyms.so.1. On Debian "
                                    "or Ubuntu install them with: sudo apt-get install libxcb-icccm4 libxcb-keysyms1")


@pytest.mark.skipif(not LINUX, reason="the display is checked on Linux")
def test_the_command_without_a_display_says_so_and_exits_1():
    result = subprocess.run([sys.executable, "-m", "sandbox"], capture_output=True, text=True, encoding="utf-8",
                            cwd=ROOT, timeout=120, env={k: v for k, v in os.environ.items()
                                                       if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")})
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == ("error: the desktop app cannot start: no display: neither DISPLAY nor WAYLAND_DISPLAY "
                             "is set, so there is no screen to open the window on. Run it on a desktop (or over ssh "
                             "-X), or set QT_QPA_PLATFORM=offscreen for tests; the headless commands (explain, train, "
                             "validate, export, exercise) work without it.\n")


def test_the_check_and_doctor_never_import_qt():
    result = _qt_free_child("""
import sys
from sandbox import doctor, qt_check
for env in ({}, {"DISPLAY": ":0"}, {"WAYLAND_DISPLAY": "wayland-0"}, {"QT_QPA_PLATFORM": "offscreen"}):
    qt_check.check(env)
print("DOCTOR", doctor.cmd_doctor(lambda line: None))  # Qt is started in a child of its own
""", {"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["DOCTOR 0", "QT []"]


def test_version_comes_from_the_package_metadata():
    result = subprocess.run([sys.executable, "-m", "sandbox", "--version"], capture_output=True, text=True,
                            encoding="utf-8", cwd=ROOT, timeout=120)
    assert result.returncode == 0
    assert result.stdout == f"backprop-sandbox {importlib.metadata.version('backprop-sandbox')}\n"


def test_doctor_offscreen_says_the_window_can_start():
    result = subprocess.run([sys.executable, "-m", "sandbox", "doctor"], capture_output=True, text=True,
                            encoding="utf-8", cwd=ROOT, timeout=300,
                            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert result.returncode == 0, result.stdout + result.stderr
    rows = dict(re.match(r"(.{12})(.*)", line).groups() for line in result.stdout.splitlines())  # type: ignore
    rows = {k.strip(): v for k, v in rows.items()}
    assert rows["Python"].startswith(f"{sys.version_info.major}.{sys.version_info.minor}.")
    import numpy
    assert rows["numpy"] == numpy.__version__
    assert rows["PySide6"] == f"{_pyside_version()} (Qt {_qt_version()})"
    assert rows["pyqtgraph"] == importlib.metadata.version("pyqtgraph")
    assert "torch" in rows and "onnx" in rows
    assert rows["Qt platform"] == "offscreen (QT_QPA_PLATFORM)"
    assert rows["display"] == "not needed" and rows["missing"] == "nothing"
    assert rows["verdict"] == "the window can start"


def _qt_version() -> str:
    from PySide6 import QtCore
    return QtCore.qVersion()


def _pyside_version() -> str:
    import PySide6
    return PySide6.__version__


def test_doctor_without_a_display_names_it_and_exits_1(monkeypatch, fake_pyside):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    probes = []
    lines: list[str] = []
    status = doctor.cmd_doctor(lines.append, probe=lambda start: probes.append(start) or ({"qt": "6.9.9"}, None))
    assert status == 1 and probes == [False]  # Qt's version is asked for, but Qt is not started
    assert any(line.startswith("PySide6     ") and line.endswith("(Qt 6.9.9)") for line in lines)
    assert "Qt platform xcb (QT_QPA_PLATFORM is not set: the default)" in lines
    assert "display     none (DISPLAY is not set)" in lines
    assert lines[-1].startswith("verdict     the window cannot start: no display: ")


def test_doctor_reports_qt_failing_to_start_and_missing_libraries(monkeypatch, fake_pyside):
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(qt_check, "run_ldd", lambda path: ICCCM_MISSING)
    lines: list[str] = []
    assert doctor.cmd_doctor(lines.append, probe=lambda start: ({"qt": "6.9.9"}, None)) == 1
    assert "missing     libxcb-icccm.so.4 (libxcb-icccm4), libxcb-keysyms.so.1 (libxcb-keysyms1)" in lines
    monkeypatch.setattr(qt_check, "run_ldd", lambda path: "")
    monkeypatch.setattr(qt_check, "x_server_answers", lambda display: (True, ""))
    lines.clear()
    assert doctor.cmd_doctor(lines.append, probe=lambda start: ({"qt": "6.9.9"}, "Qt ended with SIGABRT: boom")) == 1
    assert lines[-1] == "verdict     the window cannot start: Qt ended with SIGABRT: boom"


def test_doctor_is_a_subcommand_of_the_command_line(monkeypatch):
    called = []
    monkeypatch.setattr(cli, "cmd_doctor", lambda write: called.append(write) or 0)
    assert cli.main(["doctor"]) == 0 and len(called) == 1


def test_the_readme_names_the_packages_the_message_names():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"\nsudo apt-get install {qt_check.README_PACKAGES}\n" in readme
    assert readme.index("sudo apt-get install") < readme.index("## What you can do with it")  # the install section
    listed = set(qt_check.README_PACKAGES.split())
    # every library the xcb plugin loads beyond a base system is covered by the line
    base = {"libxcb1", "libx11-6", "libxau6", "libxdmcp6", "libxkbcommon0", "libglib2.0-0", "libfreetype6",
            "libglx0", "libopengl0", "libxcb-render0", "libxcb-util1"}
    xcb = {qt_check.DEBIAN_PACKAGES[name] for name in qt_check.XCB_SONAMES}
    assert xcb - base <= listed


def test_qt_failing_after_the_check_is_one_paragraph_and_1_not_a_core_dump():
    env = dict(os.environ, QT_QPA_PLATFORM="nosuch", **{qt_check.SKIP_VARIABLE: "1"})
    result = subprocess.run([sys.executable, "-m", "sandbox"], capture_output=True, text=True, encoding="utf-8",
                            cwd=ROOT, timeout=120, env=env)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith('error: the desktop app cannot start: Qt could not start its platform (Qt said: '
                                    'qt.qpa.plugin: Could not find the Qt platform plugin "nosuch" in ""; ')
    assert result.stderr.endswith("'backprop-sandbox doctor' says what is missing; the headless commands (explain, "
                                  "train, validate, export, exercise) work without a window.\n")


def test_qt_starting_normally_is_quiet():
    code = ("from sandbox.gui.app import start_application\n"
            "app = start_application(['x'])\nprint(app.platformName())\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8",
                            cwd=ROOT, timeout=120, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert (result.returncode, result.stdout, result.stderr) == (0, "offscreen\n", "")
