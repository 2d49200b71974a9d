"""Reading a network file into an ``engine.Experiment``: size check, parse, upgrade, validate, build.

The defaults of whatever a file leaves out are those ``settings_table`` declares (``read_group``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..engine import (
    Batching,
    Dataset,
    Experiment,
    Init,
    Layer,
    Network,
    OptimizerSpec,
    Regularization,
    Schedule,
    generate,
    split,
)
from ..engine.features import apply as apply_features
from ..engine.features import labels as feature_labels
from . import schema as S
from . import settings_table as T
from .errors import NetworkFileError, Problem
from .history import read_history
from .limits import MAX_FILE_BYTES, MAX_NESTING
from .reading import read_regular_file
from .upgrade import upgrade
from .validate import CsvData, check_document


def load_experiment(path: str | os.PathLike[str]) -> Experiment:
    """The experiment a network file describes; raises ``NetworkFileError`` listing every problem."""
    path = Path(path)
    text = decode(read_regular_file(path, MAX_FILE_BYTES, "network files"), path)  # the bytes are dropped at once
    return _experiment_from_text(text, path.parent, str(path))


def decode(data: bytes, path: str | os.PathLike[str] | None = None) -> str:
    """The UTF-8 text of a file's bytes (a leading byte order mark dropped), or ``NetworkFileError``."""
    nul = data.find(b"\x00")
    if nul >= 0:  # valid UTF-8, but never in a JSON text
        raise NetworkFileError(path, [Problem("file", f"is not UTF-8 text: byte {nul + 1} is NUL (a binary file?)")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise NetworkFileError(path, [Problem("file", f"is not UTF-8 text (byte {e.start + 1} cannot be "
                                                      f"decoded)")]) from None


def loads_experiment(text: str, base_dir: str | os.PathLike[str] | None = None,
                     source: str = "<string>") -> Experiment:
    """The experiment a network file's text describes (CSV paths are relative to ``base_dir``)."""
    return _experiment_from_text(text, base_dir, source)


def _experiment_from_text(text: str, base_dir: str | os.PathLike[str] | None, source: str) -> Experiment:
    """Parsed first with floats read in C (``parse_json_fast``: a third faster on a file of numbers); a file with
    a problem with a number that is not finite is parsed again the careful way (``parse_document``), which keeps
    the text of every such number (``1e999``), so that the problems reported are exactly the careful ones."""
    doc: Any = None
    if len(text) <= MAX_FILE_BYTES:
        try:
            doc = S.parse_json_fast(text[1:] if text.startswith("\ufeff") else text)
        except (ValueError, RecursionError):
            doc = None
    if doc is not None:
        try:
            return experiment_from_document(doc, base_dir, source)
        except NetworkFileError as e:
            if not any("finite" in p.what for p in e.problems):
                raise  # no number beyond float64 among the problems: the careful parse would say the same
    return experiment_from_document(parse_document(text, source), base_dir, source)


def experiment_from_document(doc: Any, base_dir: str | os.PathLike[str] | None = None,
                             source: str = "<string>") -> Experiment:
    """The experiment of a parsed document: nesting checked, upgraded, validated, built."""
    doc, problems = upgrade(doc)
    if problems:
        raise NetworkFileError(source, problems)
    problems, csv_data = check_document(doc, base_dir)
    if problems:
        raise NetworkFileError(source, problems)
    try:
        experiment = build_experiment(doc, csv_data)
    except _BuildProblem as e:
        raise NetworkFileError(source, [e.problem]) from None
    except (ValueError, TypeError, OverflowError, MemoryError) as e:  # a gap in validation: still one error type
        raise NetworkFileError(source, [Problem("file", f"cannot be built: {e}")]) from None
    if base_dir is not None:
        experiment.data_folder = str(Path(base_dir).resolve())
    return experiment


def parse_document(text: str, source: str = "<string>") -> Any:
    """The parsed JSON, with bad JSON reported at its line and column."""
    if len(text) > MAX_FILE_BYTES:
        raise NetworkFileError(source, [Problem("file", f"is over {MAX_FILE_BYTES // 2**20} MB; "
                                                        f"network files that large are refused")])
    try:
        return S.parse_json(text[1:] if text.startswith("\ufeff") else text)
    except json.JSONDecodeError as e:
        raise NetworkFileError(source, [Problem(f"line {e.lineno}, column {e.colno}",
                                                f"not valid JSON: {e.msg}")]) from None
    except RecursionError:
        raise NetworkFileError(source, [Problem("file", f"objects and lists nest too deep to read; at most "
                                                        f"{MAX_NESTING} levels are allowed")]) from None
    except ValueError as e:
        raise NetworkFileError(source, [Problem("file", f"not valid JSON: {e}")]) from None


def read_group(group: T.Group, d: dict[str, Any], seed: int = 0) -> dict[str, Any]:
    """The settings of a valid object of ``group``: what the file gives, as its declared kind, and the declared
    default of every key it leaves out (a seed: ``seed``, the file's). Settings saved only when set
    (``write="if_set"``: an optimizer's options; ``if_not_default``: SGD's momentum form) are there only when the
    file gives them."""
    name = d.get(group.selector.key) if group.selector is not None else None
    values: dict[str, Any] = {}
    for setting in group.settings(name):
        if setting.key in d:
            values[setting.key] = setting.cast(d[setting.key])
        elif setting.key == "seed" and setting.kind == "int":
            values[setting.key] = seed
        elif setting.default is not None and setting.write == "always":
            values[setting.key] = setting.default
    return values


def _init(d: dict[str, Any] | None, default_seed: int = 0) -> Init | None:
    if d is None:
        return None
    return Init(**read_group(T.INIT, d, default_seed))


def build_experiment(doc: dict[str, Any], csv_data: CsvData | None = None) -> Experiment:
    """An experiment from a valid version-1 document (``check_document`` found no problem)."""
    file_layers = doc["layers"]
    # the file-level seed is the default of every seed the file leaves out (init, batch, data)
    seed = int(doc.get("seed", 0))
    input_size = int(file_layers[0]["size"])
    layers: list[Layer] = []
    missing_weights: list[int] = []
    fan_in = input_size
    for i, d in enumerate(file_layers[1:]):
        layer = read_group(T.LAYER, d)
        size = int(layer["size"])
        if "weights" in d:
            weights = np.array(d["weights"], dtype=np.float64).reshape(size, fan_in)
        else:
            weights = np.zeros((size, fan_in))
            missing_weights.append(i)
        has_bias = bool(layer["bias"])
        biases = None
        if has_bias:
            biases = np.array(d["biases"], dtype=np.float64) if "biases" in d else np.zeros(size)
        trainable = read_group(T.TRAINABLE, d.get("trainable", {}))
        layers.append(Layer(
            weights=weights,
            activation=layer["activation"],
            biases=biases,
            alpha=layer.get("alpha"),
            labels=list(d.get("labels", [])),
            weight_labels=[list(row) for row in d.get("weight_labels", [])],
            bias_labels=list(d["bias_labels"]) if "bias_labels" in d else None,
            preactivation_labels=list(d.get("preactivation_labels", [])),
            train_weights=trainable["weights"],
            train_biases=trainable["biases"],
        ))
        fan_in = size
    features = list(doc["data"].get("features", []))
    input_labels = list(file_layers[0].get("labels", [])) or (feature_labels(features) if features else [])
    network = Network(input_size, layers, input_labels)

    # a group the file leaves out is its selector's default variant with that variant's defaults
    def group(g: T.Group) -> dict[str, Any]:
        assert g.selector is not None
        return read_group(g, doc.get(g.key, {g.selector.key: g.selector.default}), seed)

    loss = group(T.LOSS)
    opt = group(T.OPTIMIZER)
    optimizer = OptimizerSpec(opt.pop("name"), opt.pop("learning_rate"), opt)
    schedule = Schedule(**read_group(T.SCHEDULE, doc["schedule"])) if "schedule" in doc else None

    experiment = Experiment(
        network=network,
        data=build_data(doc["data"], csv_data, seed),
        name=doc.get("name", S.DEFAULT_NAME),
        description=doc.get("description", ""),
        loss=loss["name"],
        reduction=loss["reduction"],
        optimizer=optimizer,
        schedule=schedule,
        regularization=Regularization(**group(T.REGULARIZATION)),
        batching=Batching(**group(T.BATCH)),
        data_source=dict(doc["data"]),  # the parsed document is no one else's: no copy
        init=_init(doc.get("init"), seed),
        layer_inits=[_init(d.get("init"), seed) for d in file_layers[1:]],
        seed=int(doc["seed"]) if "seed" in doc else None,
        history=read_history(doc["history"]) if "history" in doc else None,
        features=features,
        input_image=_image(file_layers[0].get("image")),
    )
    for i in missing_weights:
        drawn = experiment.draw_weights(i)
        if not np.all(np.isfinite(drawn)):
            where = f"layers[{i + 1}].init" if experiment.layer_inits[i] is not None else "init"
            raise _BuildProblem(where, "the weights drawn from this init are not all finite numbers; "
                                       "use a smaller spread")
        network.layers[i].weights[...] = drawn
    experiment.initial_state = network.state()
    return experiment


def _image(d: dict[str, Any] | None) -> tuple[int, int] | None:
    """``layers[0].image`` as (rows, columns), or None."""
    return None if d is None else (int(d["rows"]), int(d["columns"]))


class _BuildProblem(ValueError):
    """A problem found while building (after validation), with its place in the file."""

    def __init__(self, where: str, what: str):
        super().__init__(what)
        self.problem = Problem(where, what)


def build_data(d: dict[str, Any], csv_data: CsvData | None, seed: int = 0) -> Dataset:
    """The data set of a valid ``data`` entry: inline numbers, a generator, or the CSV's numbers.

    ``seed`` (the file-level one) seeds the generator and the test split where ``d`` gives no seed. Derived
    ``features`` are appended to the inputs (``engine.features``).
    """
    if d.get("features"):
        return apply_features(build_data({k: v for k, v in d.items() if k != "features"}, csv_data, seed),
                              d["features"])
    if "generator" in d:
        g = read_group(T.GENERATOR, d, seed)
        return generate(g.pop("generator"), **g)
    if "csv" in d:
        assert csv_data is not None
        c = read_group(T.CSV, d, seed)
        return split(csv_data.inputs, csv_data.targets, c["test_fraction"], c["seed"])
    if "test_inputs" in d:
        return Dataset(d["inputs"], d["targets"], d["test_inputs"], d["test_targets"])
    return Dataset(d["inputs"], d["targets"])
