"""Saving is atomic: a failing save leaves the previous file byte for byte, and says what happened."""

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sandbox.engine import Trainer
from sandbox.files import NetworkFileError, dumps_experiment, load_experiment, save_experiment

LECTURE = Path(__file__).resolve().parents[1] / "resources" / "networks" / "lecture17-linear.json"


@pytest.fixture
def saved(tmp_path):
    """A folder holding one saved network, and a changed experiment to save over it."""
    path = tmp_path / "net.json"
    path.write_bytes(LECTURE.read_bytes())
    exp = load_experiment(path)
    Trainer(exp).run(iterations=3)
    return path, exp


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "net.json")


def test_save_writes_the_canonical_text_and_loads_back(saved):
    path, exp = saved
    save_experiment(exp, path)
    assert path.read_text(encoding="utf-8") == dumps_experiment(exp)
    again = load_experiment(path)
    assert [l.weights.tolist() for l in again.network.layers] == [l.weights.tolist() for l in exp.network.layers]
    assert _leftovers(path.parent) == []


def test_save_keeps_the_file_s_permissions(saved):
    path, exp = saved
    os.chmod(path, 0o640)
    save_experiment(exp, path)
    assert path.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("failing, error", [("replace", errno.EACCES), ("fsync", errno.ENOSPC)])
def test_a_failing_save_leaves_the_old_file_intact(saved, monkeypatch, failing, error):
    path, exp = saved
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(NetworkFileError) as info:
        save_experiment(exp, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert _leftovers(path.parent) == []  # the temporary file is gone
    assert str(info.value) == f"{path}: file: could not be saved: {os.strerror(error)}; the previous file is unchanged"


def test_a_failing_write_leaves_the_old_file_intact(saved, monkeypatch):
    path, exp = saved
    before = path.read_bytes()
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def write(self, data):
            self.f.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fdopen", lambda fd, mode: Full(real_fdopen(fd, mode)))
    with pytest.raises(NetworkFileError, match="No space left on device"):
        save_experiment(exp, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert _leftovers(path.parent) == []


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.mark.skipif(not hasattr(os, "geteuid") or _is_root(), reason="root may write into read-only folders")
def test_saving_into_a_read_only_folder_fails_and_keeps_the_old_file(saved):
    path, exp = saved
    before = path.read_bytes()
    os.chmod(path.parent, 0o555)
    try:
        with pytest.raises(NetworkFileError, match="Permission denied"):
            save_experiment(exp, path)
    finally:
        os.chmod(path.parent, 0o755)
    assert path.read_bytes() == before
    assert _leftovers(path.parent) == []


def test_saving_into_a_missing_folder_says_so(tmp_path):
    exp = load_experiment(LECTURE)
    target = tmp_path / "gone" / "net.json"
    with pytest.raises(NetworkFileError) as info:
        save_experiment(exp, target)
    assert str(info.value) == f"{target}: file: could not be saved: the folder does not exist; nothing was written"


def test_nan_is_never_written(saved):
    path, exp = saved
    before = path.read_bytes()
    exp.network.layers[0].weights[1, 0] = np.nan
    with pytest.raises(NetworkFileError) as info:
        save_experiment(exp, path)
    assert [(p.where, p.what) for p in info.value.problems] == [
        ("layers[1].weights[1][0]", "is nan: a network with NaN or infinite numbers cannot be saved")]
    exp.network.layers[0].weights[1, 0] = np.inf
    with pytest.raises(NetworkFileError, match="infinite"):
        dumps_experiment(exp)
    assert path.read_bytes() == before
    assert _leftovers(path.parent) == []


@pytest.mark.skipif(not _is_root() or shutil.which("chattr") is None, reason="the immutable flag needs root")
def test_saving_into_an_immutable_folder_fails_even_for_root(saved):
    """A read-only folder that root cannot write into either: the immutable attribute (chattr +i)."""
    path, exp = saved
    before = path.read_bytes()
    if subprocess.run(["chattr", "+i", str(path.parent)], capture_output=True).returncode != 0:
        pytest.skip("this file system or container does not allow chattr +i")
    try:
        with pytest.raises(NetworkFileError) as info:
            save_experiment(exp, path)
    finally:
        subprocess.run(["chattr", "-i", str(path.parent)], check=True)
    assert str(info.value) == (f"{path}: file: could not be saved: {os.strerror(errno.EPERM)}; "
                               f"the previous file is unchanged")
    assert path.read_bytes() == before
    assert _leftovers(path.parent) == []


@pytest.mark.skipif(sys.platform == "win32", reason="file size limits are POSIX")
def test_a_real_write_failure_keeps_the_old_file_even_for_root(saved):
    """No monkeypatching: the kernel refuses the write (a file size limit applies to root too)."""
    import resource
    import signal

    path, exp = saved
    before = path.read_bytes()
    assert len(dumps_experiment(exp).encode()) > 256
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a killed process
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (256, hard))
    try:
        with pytest.raises(NetworkFileError) as info:
            save_experiment(exp, path)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old_handler)
    assert str(info.value) == (f"{path}: file: could not be saved: {os.strerror(errno.EFBIG)}; "
                               f"the previous file is unchanged")
    assert path.read_bytes() == before
    assert _leftovers(path.parent) == []


def test_saving_below_a_file_says_it_is_not_a_folder(tmp_path):
    exp = load_experiment(LECTURE)
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file where a folder should be")
    target = blocker / "net.json"
    with pytest.raises(NetworkFileError) as info:
        save_experiment(exp, target)
    assert str(info.value) == (f"{target}: file: could not be saved: {blocker} is a file, not a folder; "
                               f"nothing was written")
    assert blocker.read_text() == "a file where a folder should be"


# ---- what is saved can be opened again ---------------------------------------------------------

def _refused(exp, path):
    with pytest.raises(NetworkFileError) as info:
        save_experiment(exp, path)
    return [str(p) for p in info.value.problems]


def test_a_lone_surrogate_never_reaches_the_encoder(saved):
    path, exp = saved
    before = path.read_bytes()
    exp.name = "net\ud800"
    assert _refused(exp, path) == ["name: holds U+D800 (a lone surrogate) at character 4: text must be valid "
                                   "Unicode (UTF-8)"]
    assert path.read_bytes() == before and _leftovers(path.parent) == []


def test_every_label_is_checked_at_its_place_before_writing(saved):
    path, exp = saved
    before = path.read_bytes()
    exp.network.layers[0].labels[0] = "a b"
    exp.network.layers[1].weight_labels[0][1] = "w\x00"
    exp.description = "ok\nwith a tab\t and an escape \x1b"
    assert _refused(exp, path) == [
        "description: holds the control character U+001B (escape) at character 30: not allowed in a description",
        'layers[1].labels[0]: "a b" holds a space (U+0020) at character 2: labels have no spaces',
        'layers[2].weight_labels[0][1]: "w\\x00" holds the control character U+0000 (NUL) at character 2: not '
        "allowed in a label"]
    assert path.read_bytes() == before


def test_a_file_over_the_size_limit_is_not_written(tmp_path, monkeypatch):
    from sandbox.engine import Dataset
    from sandbox.files import save as save_module

    exp = load_experiment(LECTURE)
    exp.data = Dataset(np.full((40_000, 2), 0.123456789), np.full((40_000, 1), 0.5))
    monkeypatch.setattr(save_module, "MAX_FILE_BYTES", 2**20)
    size = len(dumps_experiment(exp, tmp_path).encode("utf-8")) / 2**20
    assert _refused(exp, tmp_path / "big.json") == [
        f"file: the file would be {size:.1f} MB; files over 1 MB cannot be opened again, so it is not written"]
    assert list(tmp_path.iterdir()) == []


def test_the_next_save_removes_what_an_interrupted_save_of_that_file_left(saved):
    path, exp = saved
    folder = path.parent
    stale = [".net.json.abcd1234.tmp", ".net.json.x_y_z_09.tmp"]
    kept = [".net.json.ABCD1234.tmp", ".net.json.abc.tmp", ".other.json.abcd1234.tmp", "net.json.abcd1234.tmp",
            ".net.json.abcd1234.tmp.bak"]
    for name in stale + kept:
        (folder / name).write_text("partial", encoding="utf-8")
    (folder / ".net.json.link0000.tmp").symlink_to(folder / "net.json")
    (folder / ".net.json.dir00000.tmp").mkdir()
    save_experiment(exp, path)
    assert _leftovers(folder) == sorted(kept + [".net.json.link0000.tmp", ".net.json.dir00000.tmp"])
    assert load_experiment(path).name == exp.name


def test_a_cosine_floor_above_the_learning_rate_is_not_saved(tmp_path):
    """The window can set η_min above η; the file would be refused when opened, so save refuses it first."""
    from sandbox.engine import Schedule
    from sandbox.files import NetworkFileError, load_experiment, save_experiment
    from sandbox.resources import resource_path
    exp = load_experiment(resource_path("networks", "lecture17-linear.json"))
    exp.schedule = Schedule("cosine", epochs=10, min_lr=0.5)
    with pytest.raises(NetworkFileError) as caught:
        save_experiment(exp, tmp_path / "cosine.json")
    assert caught.value.lines() == [f"{tmp_path / 'cosine.json'}: schedule.min_lr: 0.5 is above the learning rate "
                                    f"(0.05): cosine annealing goes from η down to η_min, so η_min must be at most η"]
    assert not (tmp_path / "cosine.json").exists()
