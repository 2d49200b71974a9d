"""Validation of a parsed network file: every problem at once, each with its place in the file.

``check_document`` walks the whole document and never stops at the first problem; it also
reads a CSV data file (if the file names one) and hands back its numbers so that loading does
not read it twice. Nothing from a file is ever evaluated.

Every setting is checked as ``settings_table`` declares it (``check_group``: the keys an object may
and must have for its variant, the kind and range of every value and the messages that say what is
wrong); what is checked here by hand is the structure (layers, shapes, labels, data) and what ties
settings together (softmax and the loss, ``low < high``).
"""

from __future__ import annotations

import csv
import difflib
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from ..engine import Network
from . import schema as S
from . import settings_table as T
from .errors import Problem


def describe(value: Any) -> str:
    """A short description of a JSON value for messages: ``a string ("two")``, ``a list``, ``true``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, S.BadNumber):
        return value.text
    if isinstance(value, str):
        short = value if len(value) <= 30 else value[:27] + "…"
        return f'a string ("{short}")'
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def join(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


def choices(names: Iterable[str]) -> str:
    return ", ".join(names)


@dataclass
class CsvData:
    inputs: NDArray[np.float64]
    targets: NDArray[np.float64]


@dataclass
class Checker:
    """Collects problems; each check returns the value when it is good and None otherwise."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, where: str, what: str) -> None:
        self.problems.append(Problem(where or "file", what))

    # ---- structure -----------------------------------------------------------------------
    def obj(self, value: Any, where: str, allowed: Sequence[str], required: Sequence[str] = (), what: str = "",
            misplaced: Mapping[str, str] | None = None,
            hints: Mapping[str, str] | None = None) -> dict[str, Any] | None:
        """An object with only ``allowed`` keys and every ``required`` one; ``misplaced`` says what a key of
        another variant is told instead of "unknown key", ``hints`` what a missing key is."""
        if not isinstance(value, dict):
            self.add(where, f"expected an object {{…}}{what}, got {describe(value)}")
            return None
        for key in getattr(value, "duplicates", ()):
            self.add(join(where, key), "this key appears more than once")
        for key in value:
            if key not in allowed:
                if misplaced and key in misplaced:
                    self.add(join(where, key), misplaced[key])
                    continue
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f' (did you mean "{close[0]}"?)' if close else f" (expected one of: {choices(allowed)})"
                self.add(join(where, key), "unknown key" + hint)
        for key in required:
            if key not in value:
                note = hints.get(key, "") if hints else ""
                self.add(where, f'missing required key "{key}"' + (f" ({note})" if note else ""))
        return value

    def present(self, d: dict[str, Any] | None, key: str) -> bool:
        return d is not None and key in d

    # ---- scalars -------------------------------------------------------------------------
    def setting(self, value: Any, where: str, setting: T.Setting) -> T.Value | None:
        """A value of a declared setting: its kind, and a number in its range."""
        if setting.kind == "bool":
            return self.boolean(value, where)
        if setting.kind == "choice":
            return self.name(value, where, setting.choices, setting.noun or setting.key)
        if setting.kind == "int":
            lowest, highest = setting.lowest(), setting.highest()
            return self.integer(value, where, None if lowest is None else int(lowest),
                                None if highest is None else int(highest), setting.whole_number_what())
        x = self.number(value, where)
        if x is None:
            return None
        if not setting.contains(x):
            self.add(where, f"{setting.range_message()}, got {value!r}")
            return None
        return x

    def number(self, value: Any, where: str) -> float | None:
        """A finite number (an integer as large as a float64 holds, too)."""
        if isinstance(value, S.BadNumber):
            self.add(where, f"{value.text} is not allowed: numbers must be finite")
            return None
        if not is_number(value):
            self.add(where, f"expected a number, got {describe(value)}")
            return None
        try:
            x = float(value)
        except OverflowError:  # an integer beyond float64
            x = math.inf
        if not math.isfinite(x):
            self.add(where, f"{value} is out of range: numbers must be finite")
            return None
        return x

    def integer(self, value: Any, where: str, minimum: int | None = 0, maximum: int | None = None,
                what: str = "a whole number") -> int | None:
        if isinstance(value, S.BadNumber):
            self.add(where, f"{value.text} is not allowed: numbers must be finite")
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.add(where, f"expected {what}, got {describe(value)}")
            return None
        if minimum is not None and value < minimum:
            self.add(where, f"must be at least {minimum}, got {value}")
            return None
        if maximum is not None and value > maximum:
            self.add(where, f"must be at most {maximum:,}, got {value:,}")
            return None
        return value

    def boolean(self, value: Any, where: str) -> bool | None:
        if not isinstance(value, bool):
            self.add(where, f"expected true or false, got {describe(value)}")
            return None
        return value

    def string(self, value: Any, where: str) -> str | None:
        if not isinstance(value, str):
            self.add(where, f"expected a string, got {describe(value)}")
            return None
        return value

    def name(self, value: Any, where: str, names: Sequence[str], what: str) -> str | None:
        if not isinstance(value, str):
            self.add(where, f"expected the name of {what}, got {describe(value)}")
            return None
        if value not in names:
            self.add(where, f'unknown {what} "{value}" (expected one of: {choices(names)})')
            return None
        return value

    # ---- lists ---------------------------------------------------------------------------
    def vector(self, value: Any, where: str, n: int | None, what: str = "numbers") -> list[Any] | None:
        """A list of ``n`` finite numbers (any length when ``n`` is None)."""
        if not isinstance(value, list):
            self.add(where, f"expected a list of {what}, got {describe(value)}")
            return None
        ok = True
        if n is not None and len(value) != n:
            noun = what if n != 1 else what.replace("numbers", "number", 1)
            self.add(where, f"expected {n} {noun}, got {len(value)}")
            ok = False
        for k, x in enumerate(value):
            if self.number(x, join(where, k)) is None:
                ok = False
        return value if ok else None

    def matrix(self, value: Any, where: str, rows: int | None, cols: int | None, row_what: str = "",
               what: str = "numbers") -> list[Any] | None:
        """A list of ``rows`` lists of ``cols`` numbers each (sizes unchecked where None)."""
        if not isinstance(value, list):
            self.add(where, f"expected a list of rows, got {describe(value)}")
            return None
        ok = True
        if rows is not None and len(value) != rows:
            self.add(where, f"expected {rows} row{'s' if rows != 1 else ''}{row_what}, got {len(value)}")
            ok = False
        if rows is None and not value:
            self.add(where, "expected at least one row, got none")
            ok = False
        width = cols
        for j, row in enumerate(value):
            if isinstance(row, list) and width is None:
                width = len(row)
            if self.vector(row, join(where, j), width, what) is None:
                ok = False
        return value if ok else None

    def label(self, value: Any, where: str) -> str | None:
        if not isinstance(value, str):
            self.add(where, f"expected a label (a string), got {describe(value)}")
            return None
        if not value or any(ch.isspace() for ch in value) or len(value) > 64:
            self.add(where, f'"{value}" is not a usable label: 1 to 64 characters, no spaces')
            return None
        return value

    def labels(self, value: Any, where: str, n: int | None) -> list[str] | None:
        if not isinstance(value, list):
            self.add(where, f"expected a list of labels, got {describe(value)}")
            return None
        ok = True
        if n is not None and len(value) != n:
            self.add(where, f"expected {n} label{'s' if n != 1 else ''}, got {len(value)}")
            ok = False
        for k, x in enumerate(value):
            if self.label(x, join(where, k)) is None:
                ok = False
        return value if ok else None

    def label_matrix(self, value: Any, where: str, rows: int | None, cols: int | None) -> list[Any] | None:
        if not isinstance(value, list):
            self.add(where, f"expected a list of rows of labels, got {describe(value)}")
            return None
        ok = True
        if rows is not None and len(value) != rows:
            self.add(where, f"expected {rows} row{'s' if rows != 1 else ''} (one per neuron), got {len(value)}")
            ok = False
        for j, row in enumerate(value):
            if self.labels(row, join(where, j), cols) is None:
                ok = False
        return value if ok else None


# ---- the document ---------------------------------------------------------------------------

@dataclass
class _LayerInfo:
    size: int | None = None
    activation: str | None = None
    bias: bool = True
    labels: list[str] | None = None
    weight_labels: list[Any] | None = None
    bias_labels: list[str] | None = None
    preactivation_labels: list[str] | None = None


def check_document(doc: Any, base_dir: str | os.PathLike[str] | None = None) -> tuple[list[Problem], CsvData | None]:
    """Every problem of a parsed (and upgraded) version-1 document, and the CSV data it names."""
    c = Checker()
    top = c.obj(doc, "", S.TOP_KEYS, S.TOP_REQUIRED, " at the top of the file")
    if top is None:
        return c.problems, None
    if "format" in top and top["format"] != S.FORMAT:
        c.add("format", f'expected "{S.FORMAT}", got {describe(top["format"])}')
    if "version" in top and top["version"] != S.VERSION:
        c.add("version", f"expected {S.VERSION}, got {describe(top['version'])}")
    for key in ("name", "description"):
        if key in top:
            c.string(top[key], key)
    if "seed" in top:
        c.setting(top["seed"], "seed", T.FILE_SEED)
    if "init" in top:
        check_init(c, top["init"], "init")

    layers = check_layers(c, top.get("layers"), "layers" in top)
    if "loss" in top:
        check_loss(c, top["loss"], layers)
    for group in (T.OPTIMIZER, T.SCHEDULE, T.REGULARIZATION, T.BATCH):
        if group.key in top:
            check_group(c, group, top[group.key], group.key)
    csv_data = None
    if "data" in top:
        csv_data = check_data(c, top["data"], layers, base_dir)
    return c.problems, csv_data


def _alternatives(names: Sequence[str]) -> str:
    """``"a"``, ``"a" or "b"``, ``"a", "b" or "c"``."""
    quoted = [f'"{n}"' for n in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def check_group(c: Checker, group: T.Group, value: Any, where: str) -> dict[str, Any] | None:
    """An object of the file as ``settings_table`` declares it: the keys of its variant (a key of another
    variant is told which ones use it), the required ones, every value's kind and range. Without a known
    variant every key of the group is allowed and checked as the first variant that has it declares it."""
    selector = group.selector
    name = value.get(selector.key) if selector is not None and isinstance(value, dict) else None
    variant = group.variant(name) if isinstance(name, str) else None
    misplaced: dict[str, str] = {}
    if selector is not None and variant is not None:
        own = group.keys(variant.name)
        misplaced = {key: f'is only used with "{selector.key}": {_alternatives(group.users(key))} '
                          f'(the {selector.key} is "{variant.name}")'
                     for key in group.all_keys() if key not in own}
    declared = group.settings(name)
    d = c.obj(value, where, group.keys(name), group.required(name), misplaced=misplaced,
              hints={s.key: s.missing for s in declared if s.missing})
    if d is None:
        return None
    for key in group.keys(name):
        if key in d:
            setting = group.setting(key, name)
            if setting is not None:
                c.setting(d[key], join(where, key), setting)
    return d


def check_layers(c: Checker, value: Any, present: bool) -> list[_LayerInfo] | None:
    if not present:
        return None
    if not isinstance(value, list):
        c.add("layers", f"expected a list of layers, got {describe(value)}")
        return None
    if len(value) < 2:
        c.add("layers", f"a network needs an input layer and at least one more layer, got {len(value)} layer"
              f"{'s' if len(value) != 1 else ''}")
        if not value:
            return None
    infos: list[_LayerInfo] = []
    first = c.obj(value[0], "layers[0]", S.INPUT_LAYER_KEYS, ("size",), " (the input layer)")
    info = _LayerInfo()
    if first is not None:
        if "size" in first:
            info.size = _int(c.setting(first["size"], "layers[0].size", T.LAYER_SIZE))
        if "labels" in first:
            info.labels = c.labels(first["labels"], "layers[0].labels", info.size)
    infos.append(info)
    last = len(value) - 1
    for i in range(1, len(value)):
        infos.append(check_layer(c, value[i], i, infos[i - 1].size, i == last))
    sizes = [layer.size for layer in infos]
    known = [s for s in sizes if s is not None]
    if len(known) == len(sizes):
        count = sum(known[i] * (known[i - 1] + (1 if infos[i].bias else 0)) for i in range(1, len(infos)))
        if count > S.MAX_PARAMETERS:
            c.add("layers", f"the network would have {count:,} weights and biases; "
                            f"at most {S.MAX_PARAMETERS:,} are supported")
        else:
            check_unique_labels(c, infos)
    return infos


def _int(value: T.Value | None) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def check_layer(c: Checker, value: Any, i: int, fan_in: int | None, is_last: bool) -> _LayerInfo:
    where = f"layers[{i}]"
    info = _LayerInfo()
    d = c.obj(value, where, S.LAYER_KEYS, S.LAYER_REQUIRED)
    if d is None:
        return info
    checked = {s.key: c.setting(d[s.key], f"{where}.{s.key}", s) for s in T.LAYER.common if s.key in d}
    info.size = _int(checked.get("size"))
    size = info.size
    activation = checked.get("activation")
    info.activation = activation if isinstance(activation, str) else None
    if info.activation == "softmax" and not is_last:
        c.add(f"{where}.activation", "softmax is only allowed on the output layer (the last one)")
    info.bias = checked.get("bias") is not False
    if "weights" in d:
        c.matrix(d["weights"], f"{where}.weights", size, fan_in, " (one per neuron)")
    if "biases" in d:
        if not info.bias:
            c.add(f"{where}.biases", 'biases given for a layer without bias ("bias": false)')
        else:
            c.vector(d["biases"], f"{where}.biases", size)
    if "labels" in d:
        info.labels = c.labels(d["labels"], f"{where}.labels", size)
    if "weight_labels" in d:
        info.weight_labels = c.label_matrix(d["weight_labels"], f"{where}.weight_labels", size, fan_in)
    if "bias_labels" in d:
        if not info.bias:
            c.add(f"{where}.bias_labels", 'bias labels given for a layer without bias ("bias": false)')
        else:
            info.bias_labels = c.labels(d["bias_labels"], f"{where}.bias_labels", size)
    if "preactivation_labels" in d:
        info.preactivation_labels = c.labels(d["preactivation_labels"], f"{where}.preactivation_labels", size)
    if "trainable" in d:
        check_group(c, T.TRAINABLE, d["trainable"], f"{where}.trainable")
    if "init" in d:
        check_init(c, d["init"], f"{where}.init")
    return info


def check_init(c: Checker, value: Any, where: str) -> None:
    d = check_group(c, T.INIT, value, where)
    if d is None or d.get("scheme") != "uniform":
        return
    defaults = T.INIT.defaults("uniform")
    low, high = d.get("low", defaults["low"]), d.get("high", defaults["high"])
    if is_number(low) and is_number(high) and not low < high:
        c.add(where, f"low ({low}) must be less than high ({high})")


def check_unique_labels(c: Checker, infos: list[_LayerInfo]) -> None:
    """Labels must be unique across the file, the generated ones included."""
    layers = []
    for i in range(1, len(infos)):
        info = infos[i]
        layers.append(SimpleNamespace(
            size=info.size, fan_in=infos[i - 1].size, has_bias=info.bias,
            labels=list(info.labels or []), weight_labels=[list(r) for r in info.weight_labels or []],
            bias_labels=list(info.bias_labels or []) or None,
            preactivation_labels=list(info.preactivation_labels or [])))
    net = SimpleNamespace(input_size=infos[0].size, input_labels=list(infos[0].labels or []), layers=layers)
    # the engine's own names for everything the file leaves out (the namespace has every attribute it reads)
    Network.fill_default_labels(cast(Network, net))
    seen: dict[str, str] = {}

    def visit(label: str, where: str, given: bool) -> None:
        place = where if given else f"{where} (generated)"
        if label in seen:
            c.add(where, f'label "{label}" is used twice: it is already the label at {seen[label]}')
        else:
            seen[label] = place

    for k, label in enumerate(net.input_labels):
        visit(label, f"layers[0].labels[{k}]", infos[0].labels is not None)
    for i, (layer, info) in enumerate(zip(layers, infos[1:]), start=1):
        where = f"layers[{i}]"
        for j, label in enumerate(layer.labels):
            visit(label, f"{where}.labels[{j}]", info.labels is not None)
        if info.activation not in (None, "identity") or info.preactivation_labels is not None:
            for j, label in enumerate(layer.preactivation_labels):
                visit(label, f"{where}.preactivation_labels[{j}]", info.preactivation_labels is not None)
        for j, row in enumerate(layer.weight_labels):
            for k, label in enumerate(row):
                visit(label, f"{where}.weight_labels[{j}][{k}]", info.weight_labels is not None)
        for j, label in enumerate(layer.bias_labels or []):
            visit(label, f"{where}.bias_labels[{j}]", info.bias_labels is not None)


def check_loss(c: Checker, value: Any, layers: list[_LayerInfo] | None) -> str | None:
    d = check_group(c, T.LOSS, value, "loss")
    if d is None:
        return None
    name = d.get("name") if d.get("name") in T.LOSS.names() else None
    out = layers[-1].activation if layers and len(layers) > 1 else None
    if name == "cross_entropy" and out is not None and out != "softmax":
        c.add("loss.name", f'cross_entropy needs a softmax output layer, but the last layer is "{out}"')
    if name == "bce" and out is not None and out not in ("sigmoid", "softmax"):
        c.add("loss.name", f'bce needs outputs between 0 and 1 (a sigmoid output layer), but the last layer is "{out}"')
    return name


# ---- data -------------------------------------------------------------------------------------

def _io_sizes(layers: list[_LayerInfo] | None) -> tuple[int | None, int | None]:
    if not layers or len(layers) < 2:
        return None, None
    return layers[0].size, layers[-1].size


def check_data(c: Checker, value: Any, layers: list[_LayerInfo] | None,
               base_dir: str | os.PathLike[str] | None) -> CsvData | None:
    n_in, n_out = _io_sizes(layers)
    if not isinstance(value, dict):
        c.add("data", f"expected an object {{…}}, got {describe(value)}")
        return None
    kinds = [k for k in ("inputs", "generator", "csv") if k in value]
    if len(kinds) > 1:
        c.add("data", f'give only one of inline "inputs", a "generator" or a "csv" file, not {" and ".join(kinds)}')
        return None
    if not kinds:
        c.obj(value, "data", (*S.INLINE_KEYS, *S.GENERATOR_KEYS, "csv", "target_columns"))
        c.add("data", 'give inline "inputs" and "targets", a "generator" or a "csv" file')
        return None
    if kinds == ["inputs"]:
        check_inline(c, value, n_in, n_out)
        return None
    if kinds == ["generator"]:
        check_generator(c, value, n_in, n_out)
        return None
    return check_csv(c, value, n_in, n_out, base_dir)


def check_inline(c: Checker, d: dict[str, Any], n_in: int | None, n_out: int | None) -> None:
    c.obj(d, "data", S.INLINE_KEYS, ("inputs", "targets"))
    n = None
    if isinstance(d.get("inputs"), list):
        n = len(d["inputs"])
    c.matrix(d["inputs"], "data.inputs", None, n_in, what="numbers (one per input)")
    if "targets" in d:
        c.matrix(d["targets"], "data.targets", n, n_out, " (one per sample of data.inputs)",
                 what="numbers (one per output)")
    has_ti, has_tt = "test_inputs" in d, "test_targets" in d
    if has_ti != has_tt:
        c.add("data", 'give both "test_inputs" and "test_targets", or neither')
    if has_ti:
        m = len(d["test_inputs"]) if isinstance(d["test_inputs"], list) else None
        c.matrix(d["test_inputs"], "data.test_inputs", None, n_in, what="numbers (one per input)")
        if has_tt:
            c.matrix(d["test_targets"], "data.test_targets", m, n_out, " (one per sample of data.test_inputs)",
                     what="numbers (one per output)")


def check_generator(c: Checker, d: dict[str, Any], n_in: int | None, n_out: int | None) -> None:
    check_group(c, T.GENERATOR, d, "data")
    name = d["generator"] if d["generator"] in T.GENERATOR.names() else None
    if name is not None and n_in is not None and n_out is not None and (n_in, n_out) != (2, 1):
        c.add("data.generator", f'"{name}" makes samples with 2 inputs and 1 target, but the network has '
                                f"{n_in} input{'s' if n_in != 1 else ''} and {n_out} output{'s' if n_out != 1 else ''}")


def check_csv(c: Checker, d: dict[str, Any], n_in: int | None, n_out: int | None,
              base_dir: str | os.PathLike[str] | None) -> CsvData | None:
    c.obj(d, "data", S.CSV_KEYS, ("csv", "target_columns"))
    for setting in T.CSV_SETTINGS:
        if setting.key in d:
            c.setting(d[setting.key], f"data.{setting.key}", setting)
    columns = d.get("target_columns")
    if "target_columns" in d:
        if not isinstance(columns, list) or not columns or not all(
                isinstance(x, str) or (isinstance(x, int) and not isinstance(x, bool) and x >= 0) for x in columns):
            c.add("data.target_columns", f"expected a non-empty list of column names or 0-based column numbers, "
                                         f"got {describe(columns)}")
            columns = None
        elif len(set(columns)) != len(columns):
            c.add("data.target_columns", "a column is named twice")
            columns = None
    path_text = c.string(d["csv"], "data.csv")
    if path_text is None:
        return None
    path = Path(path_text)
    if not path.is_absolute():
        path = Path(base_dir or ".") / path
    try:
        size = path.stat().st_size
    except OSError as e:
        c.add("data.csv", f"cannot read the CSV file {path_text!r}: {e.strerror or e}")
        return None
    if size > S.MAX_FILE_BYTES:
        c.add("data.csv", f"the CSV file {path_text!r} is {size / 2**20:.1f} MB; files over "
                          f"{S.MAX_FILE_BYTES // 2**20} MB are refused")
        return None
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = [(n, row) for n, row in enumerate(csv.reader(f), start=1) if any(cell.strip() for cell in row)]
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        c.add("data.csv", f"cannot read the CSV file {path_text!r}: {getattr(e, 'strerror', None) or e}")
        return None
    if not rows:
        c.add("data.csv", f"the CSV file {path_text!r} is empty")
        return None
    header = None
    if any(not _is_float(cell) for cell in rows[0][1]):
        header = [cell.strip() for cell in rows[0][1]]
        rows = rows[1:]
    width = len(header) if header is not None else len(rows[0][1]) if rows else 0
    if not rows:
        c.add("data.csv", f"the CSV file {path_text!r} has no data rows")
        return None
    if len(rows) > S.MAX_SAMPLES:
        c.add("data.csv", f"the CSV file {path_text!r} has {len(rows):,} rows; at most {S.MAX_SAMPLES:,} are supported")
        return None
    bad = 0
    values = np.empty((len(rows), width))
    for r, (line, row) in enumerate(rows):
        if len(row) != width:
            c.add("data.csv", f"{path_text} line {line}: expected {width} columns, got {len(row)}")
            bad += 1
        else:
            for k, cell in enumerate(row):
                x = _to_float(cell)
                if x is None:
                    c.add("data.csv", f"{path_text} line {line}, column {k + 1}: expected a finite number, "
                                      f"got {cell.strip()!r}")
                    bad += 1
                    break
                values[r, k] = x
        if bad >= 10:
            c.add("data.csv", f"{path_text}: more problems not shown")
            return None
    if bad or columns is None:
        return None
    targets: list[int] = []
    for k, col in enumerate(columns):
        if isinstance(col, int):
            if col >= width:
                c.add(f"data.target_columns[{k}]", f"column {col} does not exist: {path_text} has {width} columns "
                                                   f"(numbered from 0)")
                return None
            targets.append(col)
        else:
            if header is None or col not in header:
                known = f"its columns are {', '.join(header)}" if header else "it has no header row"
                c.add(f"data.target_columns[{k}]", f'{path_text} has no column "{col}" ({known})')
                return None
            targets.append(header.index(col))
    inputs = [k for k in range(width) if k not in targets]
    if n_in is not None and len(inputs) != n_in:
        c.add("data.csv", f"{path_text} has {len(inputs)} input column{'s' if len(inputs) != 1 else ''} "
                          f"(besides the target columns), but the network has {n_in} input"
                          f"{'s' if n_in != 1 else ''}")
        return None
    if n_out is not None and len(targets) != n_out:
        c.add("data.target_columns", f"{len(targets)} target column{'s' if len(targets) != 1 else ''} given, "
                                     f"but the network has {n_out} output{'s' if n_out != 1 else ''}")
        return None
    return CsvData(values[:, inputs], values[:, targets])


def _is_float(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _to_float(cell: str) -> float | None:
    try:
        x = float(cell)
    except ValueError:
        return None
    return x if math.isfinite(x) else None
