"""``backprop-sandbox export FILE --to png|svg``: the window's network picture, drawn in a child process on
Qt's offscreen platform; the command's own process never imports Qt."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sandbox import cli, cli_export, qt_child

ROOT = Path(__file__).resolve().parents[1]
LECTURE = ROOT / "resources" / "networks" / "lecture17-linear.json"
SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def errors_of(err: str) -> list[str]:
    assert "Traceback" not in err and "internal error" not in err, err
    return [line for line in err.splitlines() if line.startswith("error: ")]


def test_png_of_the_lecture_network(tmp_path, capsys):
    out = tmp_path / "lecture.png"
    assert cli.main(["export", str(LECTURE), "--to", "png", "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    data = out.read_bytes()
    width, height = png_size(data)
    # the scene at 2 pixels per unit: three columns of neurons and the target, wider than high
    assert 1500 < width < 5000 and 500 < height < 2500 and width > height
    assert len(data) > 10_000


def test_svg_of_the_lecture_network_keeps_its_labels_as_text(tmp_path):
    out = tmp_path / "lecture.svg"
    assert cli.main(["export", str(LECTURE), "--to", "svg", "--out", str(out)]) == 0
    root = ET.parse(out).getroot()
    assert root.tag == f"{SVG}svg"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == json.loads(LECTURE.read_text(encoding="utf-8"))["name"]
    text = "".join("".join(el.itertext()) for el in root.iter() if el.tag == f"{SVG}text").replace(" ", "")
    for k, value in enumerate(["0.11", "0.21", "0.12", "0.08", "0.14", "0.15"], start=1):
        assert f"w{k}={value}" in text  # subscripts are separate text runs: "w 1 = 0.11"
    for label in ("i1", "i2", "h1", "h2", "0.85", "0.48", "0.191"):
        assert label in text


def test_the_command_process_never_imports_qt(tmp_path):
    script = (
        "import sys\n"
        "from sandbox import cli\n"
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'sandbox.gui'))]\n"
        f"status = cli.main(['export', {str(LECTURE)!r}, '--to', 'png', '--out', {str(tmp_path / 'n.png')!r}])\n"
        f"status += cli.main(['export', {str(LECTURE)!r}, '--to', 'svg', '--out', {str(tmp_path / 'n.svg')!r}])\n"
        "assert status == 0, status\n"
        "qt = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'sandbox.gui'))]\n"
        "assert not qt, qt\n"
        "print('no Qt')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "no Qt"
    assert png_size((tmp_path / "n.png").read_bytes())[0] > 100 and (tmp_path / "n.svg").stat().st_size > 1000


def test_the_picture_is_the_windows_export(tmp_path, qtbot, monkeypatch, isolated_settings):
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QFileDialog

    from sandbox.gui import MainWindow

    window = MainWindow(str(LECTURE))
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    try:
        monkeypatch.setattr(QFileDialog, "getSaveFileName",
                            staticmethod(lambda *a, **k: (str(tmp_path / "window.png"), "")))
        window.lecture_views.export_network_png()
    finally:
        window.lecture_views.shutdown()
    assert cli.main(["export", str(LECTURE), "--to", "png", "--out", str(tmp_path / "command.png")]) == 0
    from_window, from_command = QImage(str(tmp_path / "window.png")), QImage(str(tmp_path / "command.png"))
    assert from_window.size() == from_command.size() and from_window.width() > 100
    assert from_window == from_command  # pixel for pixel


def _never_spawned(monkeypatch):
    def spawn(*args, **kwargs):
        raise AssertionError("the drawing process was started")
    monkeypatch.setattr(qt_child.subprocess, "run", spawn)


@pytest.mark.parametrize("to", ["png", "svg"])
def test_a_file_that_does_not_validate_is_refused_as_for_every_format(tmp_path, capsys, monkeypatch, to):
    doc = json.loads(LECTURE.read_text(encoding="utf-8"))
    doc["layers"][1]["activation"] = "sigmoidd"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    assert cli.main(["export", str(bad), "--to", "pytorch", "--out", str(tmp_path / "n.py")]) == 1
    expected = errors_of(capsys.readouterr().err)
    assert expected and all(line.startswith(f"error: {bad}: ") for line in expected)
    _never_spawned(monkeypatch)
    out = tmp_path / f"n.{to}"
    assert cli.main(["export", str(bad), "--to", to, "--out", str(out)]) == 1
    assert errors_of(capsys.readouterr().err) == expected
    assert not out.exists()


def test_an_out_that_cannot_be_written_is_refused_before_drawing(tmp_path, capsys, monkeypatch):
    _never_spawned(monkeypatch)
    out = tmp_path / "gone" / "n.png"
    assert cli.main(["export", str(LECTURE), "--to", "png", "--out", str(out)]) == 1
    assert capsys.readouterr().err == (f"error: {out}: file: cannot be written: the folder {out.parent} does not "
                                       f"exist\n")


def test_a_drawing_process_that_fails_is_one_error_line(tmp_path, capsys, monkeypatch):
    fake = tmp_path / "fake" / "PySide6"  # a Qt that cannot be loaded, found first by the child only
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no Qt here')\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(fake.parent))
    out = tmp_path / "n.svg"
    assert cli.main(["export", str(LECTURE), "--to", "svg", "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert errors_of(captured.err) == [f"error: {LECTURE}: export: cannot export to svg: ImportError: no Qt here"]
    assert captured.err.count("\n") == 1 and not out.exists()


def test_a_drawing_process_that_cannot_start_its_module_is_one_error_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli_export, "PICTURE_MODULE", "sandbox.gui.no_such_module")
    out = tmp_path / "n.png"
    assert cli.main(["export", str(LECTURE), "--to", "png", "--out", str(out)]) == 1
    line, = errors_of(capsys.readouterr().err)
    assert line.startswith(f"error: {LECTURE}: export: cannot export to png: ")
    assert "No module named sandbox.gui.no_such_module" in line and not out.exists()


def test_the_picture_goes_to_stdout_when_asked(tmp_path):
    done = subprocess.run([sys.executable, "-m", "sandbox", "export", str(LECTURE), "--to", "png", "--out",
                           "/dev/stdout"], capture_output=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(PNG_SIGNATURE)
