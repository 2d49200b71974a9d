"""Writing an ``engine.Experiment`` as a network file: canonical JSON, written atomically.

Canonical form (what ``experiment_to_dict`` writes, so that load → save → load → save gives the
same bytes, and the shipped examples are byte-for-byte what saving them gives):

* always: ``format``, ``version``, ``name``, ``layers``, ``loss`` (name and reduction),
  ``optimizer`` (name, learning rate and the options the experiment sets), ``batch`` (mode,
  shuffle, seed; size for minibatches), ``data``; inside every object the keys ``settings_table``
  declares for its variant, as its ``write`` says (``write_group``);
* every layer: ``size``, ``labels``; then ``activation``, ``bias``, ``weights`` and
  ``weight_labels``, and with a bias ``biases`` and ``bias_labels`` — a saved network keeps its
  weights and every name, generated ones included;
* only when they differ from the default: ``description`` (not empty), ``alpha`` (set),
  ``preactivation_labels`` (not ``net_<label>``), ``trainable`` (something frozen), a layer's
  ``init`` and the file-level ``init`` (set), ``schedule`` (set), ``regularization`` (not none),
  ``seed`` (set);
* ``data`` as the file gave it (inline, generator or CSV) when that still gives exactly the
  experiment's data (a CSV path written relative to the saved file's folder); otherwise, e.g. after
  a number was edited in the app, the experiment's data as inline numbers;
* numbers as Python writes floats (the shortest text that reads back to the same float64);
  sorted keys, 2-space indentation, lists of plain values on one line, a final newline.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..engine import Dataset, Experiment, Init
from ..engine.features import strip as strip_features
from . import schema as S
from . import settings_table as T
from .errors import NetworkFileError, Problem
from .experiment_limits import saving_problems
from .history import history_entry
from .limits import MAX_FILE_BYTES
from .load import build_data
from .validate import Checker, check_csv


def write_group(group: T.Group, name: str | None, get: Callable[[str], Any]) -> dict[str, Any]:
    """An object of ``group`` as the file writes it: variant ``name`` (the selector's value), then every setting
    that variant declares, as its ``write`` says: ``always``; ``if_set`` when ``get`` gives a value (not None);
    ``if_not_default`` when the value is not the declared default. Values are written as their kind."""
    d: dict[str, Any] = {}
    for setting in group.settings(name):
        value = name if setting is group.selector else get(setting.key)
        if value is None or (setting.write == "if_not_default" and value == setting.default):
            continue
        d[setting.key] = setting.cast(value)
    return d


def _attributes(obj: object) -> Callable[[str], Any]:
    return lambda key: getattr(obj, key)


def _floats(a: Any) -> Any:
    return np.asarray(a, dtype=np.float64).tolist()


def _init_dict(init: Init) -> dict[str, Any]:
    return write_group(T.INIT, init.scheme, _attributes(init))


def _input_layer_dict(exp: Experiment) -> dict[str, Any]:
    """``layers[0]``: size, labels, and the image the inputs are the pixels of (when it still fits the size)."""
    net = exp.network
    d: dict[str, Any] = {"size": net.input_size, "labels": list(net.input_labels)}
    if exp.input_image is not None and exp.input_image[0] * exp.input_image[1] == net.input_size:
        rows, columns = exp.input_image
        d["image"] = write_group(T.IMAGE, None, {"rows": rows, "columns": columns}.get)
    return d


def _layer_dict(exp: Experiment, i: int) -> dict[str, Any]:
    layer = exp.network.layers[i]
    settings = {"size": layer.size, "activation": layer.activation, "alpha": layer.alpha, "bias": layer.has_bias}
    d: dict[str, Any] = {
        **write_group(T.LAYER, None, settings.get),
        "labels": list(layer.labels),
        "weights": _floats(layer.weights),
        "weight_labels": [list(row) for row in layer.weight_labels],
    }
    if layer.has_bias:
        d["biases"] = _floats(layer.biases)
        d["bias_labels"] = list(layer.bias_labels or [])
    if list(layer.preactivation_labels) != [f"net_{label}" for label in layer.labels]:
        d["preactivation_labels"] = list(layer.preactivation_labels)
    trainable = write_group(T.TRAINABLE, None, {"weights": layer.train_weights, "biases": layer.train_biases}.get)
    if trainable != T.TRAINABLE.defaults(None):  # the whole object, when something is frozen
        d["trainable"] = trainable
    own = exp.layer_inits[i] if i < len(exp.layer_inits) else None
    if own is not None:
        d["init"] = _init_dict(own)
    return d


def _data_dict(exp: Experiment, folder: Path | None) -> dict[str, Any]:
    """The ``data`` entry: the raw inputs' source (below) and the derived ``features``, if any."""
    d = _raw_data_dict(exp, folder)
    if exp.features:
        d["features"] = list(exp.features)
    return d


def _raw_data_dict(exp: Experiment, folder: Path | None) -> dict[str, Any]:
    source = {k: v for k, v in (exp.data_source or {}).items() if k != "features"}
    data = strip_features(exp.data, exp.features)
    if "generator" in source:
        if _same_dataset(build_data(source, None, exp.seed or 0), data):
            return dict(source)
    elif "csv" in source:
        written = _csv_entry(exp, source, folder, data)
        if written is not None:
            return written
    elif "inputs" in source and _same(source.get("inputs"), data.inputs) and _same(source.get("targets"), data.targets):
        if not data.has_test and "test_inputs" not in source:
            return dict(source)
        if _same(source.get("test_inputs"), data.test_inputs) and _same(source.get("test_targets"), data.test_targets):
            return dict(source)
    # the data no longer is what the source gives (numbers edited in the app): write the numbers
    d = {"inputs": _floats(data.inputs), "targets": _floats(data.targets)}
    if data.has_test:
        d["test_inputs"] = _floats(data.test_inputs)
        d["test_targets"] = _floats(data.test_targets)
    return d


def _csv_entry(exp: Experiment, source: dict[str, Any], folder: Path | None,
               data: Dataset) -> dict[str, Any] | None:
    """The CSV source with its path relative to ``folder`` (where the file is written), or None when the
    CSV can no longer be read or no longer gives the experiment's data."""
    given = Path(source["csv"])
    resolved = given if given.is_absolute() else Path(exp.data_folder or ".") / given
    checker = Checker()
    # a class column's targets are one-hot over the outputs: their number is the number of classes
    outputs = exp.network.layers[-1].size if "class_column" in source and exp.network.layers else None
    csv_data = check_csv(checker, {**source, "csv": str(resolved)}, None, outputs, None)
    if checker.problems or csv_data is None:
        return None
    if not _same_dataset(build_data(source, csv_data, exp.seed or 0), data):
        return None
    entry = dict(source)
    if folder is not None and not (not given.is_absolute() and exp.data_folder is not None
                                   and Path(exp.data_folder).resolve() == folder.resolve()):
        try:
            entry["csv"] = Path(os.path.relpath(resolved.resolve(), folder.resolve())).as_posix()
        except ValueError:  # another drive (Windows): only an absolute path reaches it
            entry["csv"] = resolved.resolve().as_posix()
    return entry


def _same_dataset(a: Dataset, b: Dataset) -> bool:
    return all(x.shape == y.shape and np.array_equal(x, y) for x, y in (
        (a.inputs, b.inputs), (a.targets, b.targets), (a.test_inputs, b.test_inputs),
        (a.test_targets, b.test_targets)))


def _same(given: Any, array: Any) -> bool:
    try:
        return given is not None and np.array_equal(np.asarray(given, dtype=np.float64), array)
    except (ValueError, TypeError):
        return False


def experiment_to_dict(exp: Experiment, folder: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The canonical file content of an experiment (see the module's docstring); ``folder`` is where the
    file goes (a CSV path is written relative to it)."""
    net = exp.network
    spec = exp.optimizer
    d: dict[str, Any] = {
        "format": S.FORMAT,
        "version": S.VERSION,
        "name": exp.name,
        "layers": [_input_layer_dict(exp)] + [_layer_dict(exp, i) for i in range(net.depth)],
        "loss": write_group(T.LOSS, exp.loss, {"reduction": exp.reduction}.get),
        "optimizer": write_group(T.OPTIMIZER, spec.name, {"learning_rate": spec.learning_rate, **spec.options}.get),
        "batch": write_group(T.BATCH, exp.batching.mode, _attributes(exp.batching)),
        "data": _data_dict(exp, None if folder is None else Path(folder)),
    }
    if exp.description:
        d["description"] = exp.description
    if exp.schedule is not None:
        d["schedule"] = write_group(T.SCHEDULE, exp.schedule.name, _attributes(exp.schedule))
    regularization = T.REGULARIZATION.selector
    if regularization is not None and exp.regularization.kind != regularization.default:
        d["regularization"] = write_group(T.REGULARIZATION, exp.regularization.kind, _attributes(exp.regularization))
    if exp.init is not None:
        d["init"] = _init_dict(exp.init)
    if exp.seed is not None:
        d["seed"] = T.FILE_SEED.cast(exp.seed)
    if exp.history is not None and not exp.history.is_empty:
        d["history"] = history_entry(exp.history)
    return d


# ---- text -------------------------------------------------------------------------------------

def _scalar(value: Any, where: str) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise NetworkFileError(None, [Problem(where, f"is {value}: a network with NaN or infinite numbers "
                                                     f"cannot be saved")])
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        value = value.item()
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _dump(value: Any, indent: int, where: str) -> str:
    pad = " " * indent
    inner = " " * (indent + 2)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_dump(value[k], indent + 2, _join(where, k))}"
                 for k in sorted(value)]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        if all(type(x) is float for x in value) and all(map(math.isfinite, value)):
            return "[" + ", ".join(map(float.__repr__, value)) + "]"  # what json.dumps writes, 10× faster
        if all(not isinstance(x, (dict, list, tuple)) for x in value):
            return "[" + ", ".join(_scalar(x, f"{where}[{k}]") for k, x in enumerate(value)) + "]"
        matrix = _float_matrix(value, inner)
        if matrix is not None:
            return "[\n" + matrix + "\n" + pad + "]"
        items = [inner + _dump(x, indent + 2, f"{where}[{k}]") for k, x in enumerate(value)]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return _scalar(value, where)


def _float_matrix(rows: list[Any] | tuple[Any, ...], inner: str) -> str | None:
    """Rows of finite floats of one length as the file writes them, one indented row a line (what ``_dump``
    writes for them, without a call per number), or None for anything else."""
    if not all(type(row) is list for row in rows):
        return None
    width = len(rows[0])
    if not width or any(len(row) != width for row in rows):
        return None
    flat = [x for row in rows for x in row]
    if not all(type(x) is float for x in flat) or not np.isfinite(np.asarray(flat)).all():
        return None
    texts = list(map(float.__repr__, flat))
    return ",\n".join(inner + "[" + ", ".join(texts[i:i + width]) + "]" for i in range(0, len(texts), width))


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else str(key)


def dumps_document(doc: dict[str, Any]) -> str:
    """A document as canonical text: sorted keys, 2-space indent, flat lists on one line, final newline."""
    return _dump(doc, 0, "") + "\n"


def dumps_experiment(exp: Experiment, folder: str | os.PathLike[str] | None = None) -> str:
    """The canonical file text of an experiment; refuses NaN and infinity (``NetworkFileError``)."""
    return dumps_document(experiment_to_dict(exp, folder))


def save_experiment(exp: Experiment, path: str | os.PathLike[str]) -> None:
    """Write the experiment to ``path`` atomically: the old file stays intact if anything fails. Nothing is
    written that could not be opened again: an experiment beyond the limits, text that breaks the rule for text
    (``experiment_limits.saving_problems``) and a file over ``MAX_FILE_BYTES`` are refused first, with the reason."""
    path = Path(path)
    problems = saving_problems(exp)
    if problems:
        raise NetworkFileError(path, problems)
    try:
        data = dumps_experiment(exp, path.parent).encode("utf-8")
    except NetworkFileError as e:
        raise NetworkFileError(path, e.problems) from None
    except UnicodeEncodeError as e:  # text the checks above do not cover (a data source's key): still refused
        raise NetworkFileError(path, [Problem("file", f"cannot be saved: {e.reason} ({e.object[e.start:e.end]!a})")]) \
            from None
    if len(data) > MAX_FILE_BYTES:
        raise NetworkFileError(path, [Problem("file", f"the file would be {len(data) / 2**20:.1f} MB; files over "
                                                      f"{MAX_FILE_BYTES // 2**20} MB cannot be opened again, so "
                                                      f"it is not written")])
    write_atomically(path, data)


def write_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Temp file in the same folder, flush, fsync, replace; on failure remove it and raise ``NetworkFileError``."""
    path = Path(path)
    folder = path.parent
    tmp_name = None
    try:
        if not folder.is_dir():
            if folder.exists():
                raise NotADirectoryError(20, f"{folder} is a file, not a folder", str(folder))
            raise FileNotFoundError(2, "the folder does not exist", str(folder))
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.chmod(tmp_name, _mode_for(path))
        except OSError:
            pass
        os.replace(tmp_name, path)
        tmp_name = None
        _fsync_folder(folder)
        remove_stale_temporaries(path)
    except OSError as e:
        reason = e.strerror or str(e) or type(e).__name__
        kept = "the previous file is unchanged" if path.exists() else "nothing was written"
        raise NetworkFileError(path, [Problem("file", f"could not be saved: {reason}; {kept}")]) from e
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def remove_stale_temporaries(path: str | os.PathLike[str]) -> list[Path]:
    """Remove what an interrupted save of ``path`` left: ``.NAME.XXXXXXXX.tmp`` in its folder, exactly as
    ``write_atomically`` names its temporary file, and only regular files of our own. Returns those removed."""
    path = Path(path)
    pattern = re.compile(re.escape(f".{path.name}.") + r"[a-z0-9_]{8}" + re.escape(".tmp"))
    removed: list[Path] = []
    try:
        names = os.listdir(path.parent)
    except OSError:
        return removed
    for name in names:
        if not pattern.fullmatch(name):
            continue
        stale = path.parent / name
        try:
            info = os.lstat(stale)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid():
                os.unlink(stale)
                removed.append(stale)
        except OSError:
            continue
    return removed


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; new files get the usual 0o666 minus the umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


