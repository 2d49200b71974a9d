"""Validation of a parsed network file: every problem at once, each with its place in the file.

``check_document`` walks the whole document and never stops at the first problem; it also
reads a CSV data file (if the file names one, ``csv_data``) and hands back its numbers so that loading
does not read it twice. Nothing from a file is ever evaluated.

Every setting is checked as ``settings_table`` declares it (``check_group``: the keys an object may
and must have for its variant, the kind and range of every value and the messages that say what is
wrong); what is checked here by hand is the structure (layers, shapes, labels, data) and what ties
settings together (softmax and the loss, ``low < high``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, cast

import numpy as np

from ..engine import Network
from ..engine.features import problems as feature_problems
from . import limits as L
from . import schema as S
from . import settings_table as T
from .checker import Checker, CsvData, describe, is_number, join
from .csv_data import check_csv
from .errors import Problem
from .experiment_limits import cosine_floor_problem, one_pass_problem
from .history import check_history

__all__ = ["Checker", "CsvData", "check_csv", "check_document", "check_group", "describe", "is_number"]


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
            c.string(top[key], key, key)
    if "seed" in top:
        c.setting(top["seed"], "seed", T.FILE_SEED)
    if "init" in top:
        check_init(c, top["init"], "init")
    if "history" in top:  # the training history saved with the network (issue 13)
        check_history(c, top["history"])

    layers = check_layers(c, top.get("layers"), "layers" in top)
    if "loss" in top:
        check_loss(c, top["loss"], layers)
    for group in (T.OPTIMIZER, T.SCHEDULE, T.REGULARIZATION, T.BATCH):
        if group.key in top:
            check_group(c, group, top[group.key], group.key)
    check_cosine_floor(c, top.get("optimizer"), top.get("schedule"))
    csv_data = None
    if "data" in top:
        csv_data = check_data(c, top["data"], layers, base_dir)
        check_activations(c, top["data"], layers, csv_data)
    return c.problems, csv_data


def check_cosine_floor(c: Checker, optimizer: Any, schedule: Any) -> None:
    """Cosine annealing goes from η down to η_min: an η_min above η would raise the rate instead."""
    if not isinstance(schedule, dict) or schedule.get("name") != "cosine" or not is_number(schedule.get("min_lr")):
        return
    name = optimizer.get("name", "sgd") if isinstance(optimizer, dict) else "sgd"
    if name not in T.OPTIMIZER.names():
        return
    lr: Any = optimizer.get("learning_rate") if isinstance(optimizer, dict) and "learning_rate" in optimizer else \
        T.OPTIMIZER.defaults(name).get("learning_rate")
    floor = cosine_floor_problem(schedule["min_lr"], lr) if is_number(lr) else None
    if floor is not None:
        c.add("schedule.min_lr", floor)


def check_activations(c: Checker, data: Any, layers: list[_LayerInfo] | None, csv_data: CsvData | None) -> None:
    """One pass over the whole data set holds samples × (neurons of every layer after the input) numbers."""
    sizes = [layer.size for layer in (layers or [])[1:] if layer.size is not None]
    samples = _sample_count(data, csv_data)
    if not sizes or samples is None:
        return
    one_pass = one_pass_problem(samples, sum(sizes))
    if one_pass is not None:
        c.add("data", one_pass)


def _sample_count(data: Any, csv_data: CsvData | None) -> int | None:
    if csv_data is not None:
        return int(csv_data.inputs.shape[0])
    if not isinstance(data, dict):
        return None
    if "generator" in data:
        if data["generator"] == "lecture":
            return 1  # the lecture's one sample, whatever ``samples`` says
        samples = data.get("samples", T.GENERATOR.defaults(None).get("samples"))
        return samples if isinstance(samples, int) and not isinstance(samples, bool) else None
    rows = [data.get(key) for key in ("inputs", "test_inputs")]
    return sum(len(x) for x in rows if isinstance(x, list)) or None


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
    if len(value) > L.MAX_LAYERS:
        c.add("layers", f"the network has {len(value):,} layers; at most {L.MAX_LAYERS} are supported "
                        f"(the input layer included)")
        return None
    count = _parameter_count(value)
    if count is not None and count > L.MAX_PARAMETERS:
        c.add("layers", f"the network would have {count:,} weights and biases; at most {L.MAX_PARAMETERS:,} are "
                        f"supported")
        return None
    infos: list[_LayerInfo] = []
    first = c.obj(value[0], "layers[0]", S.INPUT_LAYER_KEYS, ("size",), " (the input layer)")
    info = _LayerInfo()
    if first is not None:
        if "size" in first:
            info.size = _int(c.setting(first["size"], "layers[0].size", T.LAYER_SIZE))
        if "labels" in first:
            info.labels = c.labels(first["labels"], "layers[0].labels", info.size)
        if "image" in first:
            check_image(c, first["image"], info.size)
    infos.append(info)
    last = len(value) - 1
    for i in range(1, len(value)):
        infos.append(check_layer(c, value[i], i, infos[i - 1].size, i == last))
    if all(layer.size is not None for layer in infos):
        check_unique_labels(c, infos)
    return infos


def check_image(c: Checker, value: Any, size: int | None) -> None:
    """``layers[0].image``: rows and columns whose product is the input layer's size."""
    d = check_group(c, T.IMAGE, value, "layers[0].image")
    if d is None:
        return
    rows, columns = _int(d.get("rows")), _int(d.get("columns"))
    if rows is None or columns is None or rows < 1 or columns < 1 or size is None or rows * columns == size:
        return
    c.add("layers[0].image", f"an image of {rows} × {columns} pixels has {rows * columns:,} pixels, but the input "
                             f"layer has {size:,} input{'s' if size != 1 else ''} (one per pixel)")


def _parameter_count(layers: list[Any]) -> int | None:
    """The number of weights and biases the layers' sizes give, before any layer is checked (None when a size
    is not a whole number: the layer's own check says so)."""
    sizes: list[int] = []
    for layer in layers:
        size = layer.get("size") if isinstance(layer, dict) else None
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            return None
        sizes.append(size)
    return sum(sizes[i] * (sizes[i - 1] + (0 if layers[i].get("bias") is False else 1)) for i in range(1, len(sizes)))


def _int(value: T.Value | None) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def check_layer(c: Checker, value: Any, i: int, fan_in: int | None, is_last: bool) -> _LayerInfo:
    where = f"layers[{i}]"
    info = _LayerInfo()
    d = c.obj(value, where, S.LAYER_KEYS, S.LAYER_REQUIRED,
              misplaced={"image": "only the input layer (layers[0]) can say its inputs are an image"})
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
    if info.activation == "softmax" and size == 1:
        c.add(f"{where}.activation", "softmax of a single neuron always outputs 1, so its gradient is always 0 and "
                                     "nothing can be learned: for two classes use one sigmoid output with bce, or "
                                     "two softmax outputs")
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
    if "features" in value:  # derived inputs (engine.features): the data itself has the 2 raw inputs
        features = value["features"]
        value = {k: v for k, v in value.items() if k != "features"}
        count = len(features) if isinstance(features, list) else 0
        raw = None if n_in is None else n_in - count
        for where, what in feature_problems(features, raw):
            c.add(where, what)
        if raw is not None and raw < 1:
            return None
        n_in = raw
    kinds = [k for k in ("inputs", "generator", "csv") if k in value]
    if len(kinds) > 1:
        c.add("data", f'give only one of inline "inputs", a "generator" or a "csv" file, not {" and ".join(kinds)}')
        return None
    if not kinds:
        c.obj(value, "data", (*S.INLINE_KEYS, *S.GENERATOR_KEYS, *S.CSV_KEYS))
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
    if not _inline_within_limits(c, d):
        return
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
    check_magnitudes(c, d)


def _inline_within_limits(c: Checker, d: dict[str, Any]) -> bool:
    """Counts inline samples and numbers before any of them is checked one by one."""
    lists = [d.get(key) for key in S.INLINE_KEYS]
    samples = sum(len(x) for x in lists[::2] if isinstance(x, list))
    if samples > L.MAX_SAMPLES:
        c.add("data", f"the data has {samples:,} samples (training and test); at most {L.MAX_SAMPLES:,} are supported")
        return False
    numbers = sum(len(row) for x in lists if isinstance(x, list) for row in x if isinstance(row, list))
    if numbers > L.MAX_DATA_NUMBERS:
        c.add("data", f"the data holds {numbers:,} numbers (inputs and targets of every sample); at most "
                      f"{L.MAX_DATA_NUMBERS:,} are supported")
        return False
    return True


def check_magnitudes(c: Checker, d: dict[str, Any]) -> None:
    """Data values at most ``MAX_DATA_MAGNITUDE`` in size (checked once every value is a finite number)."""
    for key in S.INLINE_KEYS:
        value = d.get(key)
        if not isinstance(value, list) or not value:
            continue
        try:
            array = np.asarray(value, dtype=np.float64)
        except (ValueError, TypeError, OverflowError):
            continue  # not a matrix of numbers: the matrix check says where
        if array.ndim != 2 or not array.size:
            continue
        big = np.abs(array) > L.MAX_DATA_MAGNITUDE
        if big.any():
            j, k = (int(x) for x in np.argwhere(big)[0])
            c.add(f"data.{key}[{j}][{k}]", f"{value[j][k]!r} is larger than 10¹⁵ in magnitude; data that large "
                                           f"overflows sums and squares: rescale it")


def check_generator(c: Checker, d: dict[str, Any], n_in: int | None, n_out: int | None) -> None:
    check_group(c, T.GENERATOR, d, "data")
    name = d["generator"] if d["generator"] in T.GENERATOR.names() else None
    if name is not None and n_in is not None and n_out is not None and (n_in, n_out) != (2, 1):
        c.add("data.generator", f'"{name}" makes samples with 2 inputs and 1 target, but the network has '
                                f"{n_in} input{'s' if n_in != 1 else ''} and {n_out} output{'s' if n_out != 1 else ''}")
