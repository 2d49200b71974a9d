"""Network files are read with a bounded read of regular files only; nesting is limited; every refusal is a clean
``NetworkFileError`` (an ``error:`` line from the commands), never a traceback or a hang."""

import json
import os
import subprocess
import sys

import pytest

from sandbox.files import NetworkFileError, load_experiment, loads_experiment
from sandbox.files import limits as L
from sandbox.files.nesting import nesting_depth
from sandbox.files.reading import read_regular_file
from sandbox.files.upgrade import upgrade_0_to_1
from sandbox.resources import resource_path


def _problems(path):
    with pytest.raises(NetworkFileError) as info:
        load_experiment(path)
    return [str(p) for p in info.value.problems]


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    assert _problems(fifo) == ["file: is a FIFO (named pipe), not a regular file"]


def test_dev_zero_is_refused_before_any_read():
    assert _problems("/dev/zero") == ["file: is a character device, not a regular file"]


def test_a_folder_is_refused(tmp_path):
    assert _problems(tmp_path) == ["file: is a folder, not a regular file"]


def test_a_symlink_loop_and_a_broken_symlink_say_so(tmp_path):
    (tmp_path / "a.json").symlink_to(tmp_path / "b.json")
    (tmp_path / "b.json").symlink_to(tmp_path / "a.json")
    assert _problems(tmp_path / "a.json") == ["file: cannot be read: its symbolic links form a loop"]
    (tmp_path / "broken.json").symlink_to(tmp_path / "nowhere.json")
    assert _problems(tmp_path / "broken.json") == [
        "file: cannot be read: it is a symbolic link to a file that does not exist"]


def test_a_nul_and_an_over_long_name_in_a_path_are_refused(tmp_path):
    assert _problems(f"{tmp_path}/a\x00b.json") == ["file: cannot be read: the path holds a NUL character"]
    assert _problems(tmp_path / ("n" * 300)) == ["file: cannot be read: the file name is too long"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_permission_denied_is_a_clean_refusal(tmp_path):
    path = tmp_path / "secret.json"
    path.write_text("{}")
    path.chmod(0)
    assert _problems(path) == ["file: cannot be read: Permission denied"]


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(L.MAX_FILE_BYTES + 1)  # sparse: costs no disk
    assert _problems(big) == ["file: is 128.0 MB; network files over 128 MB are refused"]


def test_the_bounded_read_never_reads_more_than_the_limit_plus_one(tmp_path):
    path = tmp_path / "ten.bin"
    path.write_bytes(b"0123456789")
    assert read_regular_file(path, 10) == b"0123456789"
    with pytest.raises(NetworkFileError) as info:
        read_regular_file(path, 9, "CSV files")
    assert str(info.value.problems[0]) == "file: is 0.0 MB; CSV files over 0 MB are refused"


def test_a_file_whose_size_the_system_does_not_report_is_still_bounded():
    """/proc files are regular files of size 0: the read itself stops at the limit plus one byte."""
    data = read_regular_file("/proc/self/status", 1 << 20)
    assert data.startswith(b"Name:")
    with pytest.raises(NetworkFileError) as info:
        read_regular_file("/proc/self/status", 10)
    assert info.value.problems[0].what.endswith("network files over 0 MB are refused")


def test_nul_bytes_are_not_text(tmp_path):
    path = tmp_path / "zeros.json"
    path.write_bytes(b"\x00" * 100)
    assert _problems(path) == ["file: is not UTF-8 text: byte 1 is NUL (a binary file?)"]


def _nested(depth, version):
    doc = json.loads(resource_path("networks", "xor.json").read_text(encoding="utf-8"))
    doc["version"] = version
    return json.dumps(doc)[:-1] + ', "extra": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


@pytest.mark.parametrize("version", [0, 1])
def test_a_file_nested_900_deep_is_refused_at_once(version):
    with pytest.raises(NetworkFileError) as info:
        loads_experiment(_nested(900, version))
    assert [str(p) for p in info.value.problems] == [
        "file: objects and lists nest 900 levels deep; at most 20 are allowed"]


def test_nesting_within_the_limit_reaches_validation():
    with pytest.raises(NetworkFileError) as info:
        loads_experiment(_nested(L.MAX_NESTING, 1))
    assert [str(p) for p in info.value.problems] == ['extra: unknown key (expected one of: format, version, name, '
                                                     'description, layers, loss, optimizer, schedule, regularization, '
                                                     'batch, data, init, seed, history)']


def test_nesting_deeper_than_json_reads_is_refused_cleanly():
    with pytest.raises(NetworkFileError) as info:
        loads_experiment("[" * 100_000 + "]" * 100_000)
    assert [str(p) for p in info.value.problems] == [
        "file: objects and lists nest too deep to read; at most 20 levels are allowed"]


def test_nesting_depth_counts_objects_and_lists():
    assert [nesting_depth(x) for x in (1, [], [1, [2, [3]]], {"a": [{"b": {}}]}, [[[]], {}], {"a": "b"})] == \
        [0, 1, 3, 4, 3, 1]


def test_the_upgrade_copies_only_what_it_changes():
    inner = [[1.0, 2.0]]
    doc = {"version": 0, "layers": [{"units": 2, "W": inner}], "data": {"inputs": inner}}
    up = upgrade_0_to_1(doc)
    assert up["layers"][0] == {"size": 2, "weights": inner} and doc["layers"][0] == {"units": 2, "W": inner}
    assert up["data"] is doc["data"]


def test_the_commands_print_one_error_line_for_special_files(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    result = subprocess.run([sys.executable, "-m", "sandbox", "validate", str(fifo), "/dev/zero", str(tmp_path)],
                            capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: {fifo}: file: is a FIFO (named pipe), not a regular file",
        "error: /dev/zero: file: is a character device, not a regular file",
        f"error: {tmp_path}: file: is a folder, not a regular file"]
