"""The settings table: it agrees with the engine, the docs hold exactly its tables, every declared setting
round-trips through save and load (at the ends of its range too), and validation says what it declares."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pytest

from sandbox.engine import (
    ACTIVATIONS,
    BATCH_MODES,
    GENERATORS,
    LOSSES,
    OPTIMIZERS,
    REDUCTIONS,
    REGULARIZATION_KINDS,
    SCHEDULE_NAMES,
    SCHEMES,
    Init,
    Schedule,
)
from sandbox.engine.activations import DEFAULT_ALPHA
from sandbox.engine.optimizers import DEFAULT_LEARNING_RATES
from sandbox.files import NetworkFileError, dumps_experiment, load_experiment, loads_experiment
from sandbox.files import settings_table as T

DOC = Path(__file__).resolve().parents[1] / "docs" / "file_format.md"


# ---- the table and the engine ---------------------------------------------------------------------

def test_the_table_names_what_the_engine_implements():
    assert T.OPTIMIZER.names() == tuple(OPTIMIZERS)
    assert T.SCHEDULE.names() == SCHEDULE_NAMES
    assert T.INIT.names() == SCHEMES
    assert T.BATCH.names() == BATCH_MODES
    assert T.GENERATOR.names() == GENERATORS
    assert T.LOSS.names() == tuple(LOSSES)
    assert T.REGULARIZATION.names() == REGULARIZATION_KINDS
    assert T.LOSS.setting("reduction").choices == REDUCTIONS
    assert T.LAYER.setting("activation").choices == tuple(ACTIVATIONS)
    assert T.ALPHA_DEFAULTS == DEFAULT_ALPHA


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_option_is_declared_with_the_engine_s_default(name):
    """An option of the engine's optimizer without a declaration (or the other way round) fails here."""
    engine = OPTIMIZERS[name]().hyperparameters()
    declared = {s.key: s.default for s in T.OPTIMIZER.settings(name) if s is not T.OPTIMIZER.selector}
    assert declared.pop("learning_rate") == DEFAULT_LEARNING_RATES[name]
    assert declared == {k: v for k, v in engine.items() if k != "learning_rate"}


@pytest.mark.parametrize("name", SCHEDULE_NAMES)
def test_every_schedule_parameter_is_a_field_of_the_engine_s_schedule(name):
    keys = T.SCHEDULE.keys(name)[1:]
    fields = {f.name for f in dataclasses.fields(Schedule)}
    assert set(keys) <= fields
    Schedule(name, **T.SCHEDULE.starts(name))  # the panel's first values make a schedule


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_init_parameter_has_the_engine_s_default(scheme):
    defaults = Init()
    for setting in T.INIT.settings(scheme)[2:]:
        assert getattr(defaults, setting.key) == setting.default


def test_ranges_read_as_the_validator_and_the_docs_say_them():
    assert T.OPTIMIZER.setting("momentum", "sgd").range_message() == "must be at least 0 and less than 1"
    assert T.OPTIMIZER.setting("learning_rate", "sgd").range_message() == "must be greater than 0"
    assert T.REGULARIZATION.setting("strength", "l2").range_message() == "must be 0 or more"
    assert T.BATCH.setting("seed").whole_number_what() == "a seed (a whole number ≥ 0)"
    assert T.BATCH.setting("seed").range_text() == "whole number from 0 to 2⁶³ − 1"
    assert T.OPTIMIZER.setting("momentum", "sgd").highest() == math.nextafter(1.0, 0.0)
    assert T.OPTIMIZER.setting("eps", "adam").lowest() == 5e-324
    assert T.SCHEDULE.setting("epochs", "cosine").highest() is None


# ---- the docs ----------------------------------------------------------------------------------------

def test_the_doc_holds_exactly_the_generated_tables():
    """docs/file_format.md shows every settings table as the declarations make it (after a change of the
    table: ``python -m sandbox.files.doc_tables`` pastes them in again)."""
    text = DOC.read_text(encoding="utf-8")
    assert T.doc_tables_in(text) == list(T.DOC_TABLES)
    for name in T.DOC_TABLES:
        assert T.doc_block(name) in text
    assert T.update_doc(text) == text


def test_a_changed_declaration_changes_the_doc_s_table(monkeypatch):
    text = DOC.read_text(encoding="utf-8")
    changed = dataclasses.replace(T.OPTIMIZER, common=(dataclasses.replace(T.LEARNING_RATE, symbol="α"),))
    monkeypatch.setitem(T.DOC_TABLES, "optimizer", (changed,))
    assert T.update_doc(text) != text
    assert "| `learning_rate` | all | number > 0 | `sgd` 0.001" in T.doc_block("optimizer")


# ---- every setting round-trips through save and load ------------------------------------------------

BASE = {
    "format": "backprop-sandbox.network", "version": 1,
    "layers": [{"size": 2}, {"size": 2, "activation": "tanh", "weights": [[0.1, 0.2], [0.3, -0.4]]},
               {"size": 1, "activation": "sigmoid", "weights": [[0.5, -0.6]]}],
    "data": {"inputs": [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], "targets": [[1.0], [0.0], [1.0]]},
}


def _softmax_output(doc: dict) -> None:
    """Two softmax outputs (one alone cannot learn, so files refuse it) and two-class targets."""
    doc["layers"][2].update(size=2, activation="softmax", weights=[[0.5, -0.6], [0.2, 0.1]])
    doc["data"]["targets"] = [[1.0 - t[0], t[0]] for t in doc["data"]["targets"]]


def _values(setting: T.Setting) -> list:
    """The values a setting is tried with: both ends of its range, or every choice."""
    if setting.kind == "bool":
        return [True, False]
    if setting.kind == "choice":
        return list(setting.choices)
    lowest, highest = setting.lowest(), setting.highest()
    if setting.kind == "int":
        return [lowest if lowest is not None else -T.LARGEST_WHOLE_NUMBER,
                highest if highest is not None else T.LARGEST_WHOLE_NUMBER]
    return [lowest if lowest is not None else -T.LARGEST_NUMBER, highest if highest is not None else T.LARGEST_NUMBER]


def _cases():
    """(id, document, path of the value in the saved file, the value) for every declared setting."""
    for group in (T.LOSS, T.OPTIMIZER, T.SCHEDULE, T.REGULARIZATION, T.BATCH, T.INIT):
        for variant in group.variants:
            if group is T.REGULARIZATION and variant.name == "none":
                continue  # no penalty is written as none: its strength is not kept
            for setting in group.settings(variant.name):
                for value in _values(setting):
                    if setting is group.selector and value != variant.name:
                        continue
                    if group is T.INIT and (setting.key, value) in (("low", T.LARGEST_NUMBER),
                                                                   ("high", -T.LARGEST_NUMBER)):
                        continue  # low < high
                    d = {group.selector.key: variant.name, **group.starts(variant.name), setting.key: value}
                    doc = json.loads(json.dumps(BASE))
                    doc[group.key] = d
                    if group is T.SCHEDULE and setting.key == "min_lr":  # η_min is at most η
                        doc["optimizer"] = {"name": "sgd", "learning_rate": T.LARGEST_NUMBER}
                    if group is T.LOSS:  # an output layer the loss fits
                        doc["layers"][2]["activation"] = {"mse": "identity", "bce": "sigmoid",
                                                          "cross_entropy": "softmax"}[variant.name]
                        if variant.name == "cross_entropy":
                            _softmax_output(doc)
                    name = f"{group.key}.{variant.name}.{setting.key}={value!r}"[:90]
                    yield name, doc, (group.key, setting.key), value
    for setting in T.LAYER.common:
        for value in ([1, 3] if setting.key == "size" else _values(setting)):
            doc = json.loads(json.dumps(BASE))
            layer = doc["layers"][1]
            layer[setting.key] = value
            if setting.key == "size":
                del layer["weights"], doc["layers"][2]["weights"]
            if setting.key == "activation":
                layer["activation"] = value if value != "softmax" else "tanh"
                doc["layers"][2]["activation"] = "softmax" if value == "softmax" else "sigmoid"
                doc["loss"] = {"name": "cross_entropy" if value == "softmax" else "bce"}
                if value == "softmax":
                    _softmax_output(doc)
                path = ("layers", 2, "activation") if value == "softmax" else ("layers", 1, "activation")
                yield f"layer.activation={value}", doc, path, value
                continue
            yield f"layer.{setting.key}={value!r}"[:90], doc, ("layers", 1, setting.key), value
    for setting in T.TRAINABLE.common:
        for value in _values(setting):
            if value == setting.default:
                continue  # nothing frozen: no "trainable" is written
            doc = json.loads(json.dumps(BASE))
            doc["layers"][1]["trainable"] = {setting.key: value}
            yield f"trainable.{setting.key}={value}", doc, ("layers", 1, "trainable", setting.key), value
    for variant in T.GENERATOR.variants:
        for setting in T.GENERATOR.settings(variant.name):
            for value in _values(setting):
                if setting is T.GENERATOR.selector and value != variant.name:
                    continue
                if variant.name != "xor" and setting is not T.GENERATOR.selector:
                    continue  # every generator reads its parameters alike: one is enough for the extremes
                if setting.key == "samples" and value == T.MAX_SAMPLES:
                    value = 100_000  # the largest allowed is tried (slowly) by the panel's test of extremes
                doc = json.loads(json.dumps(BASE))
                doc["data"] = {"generator": variant.name, setting.key: value}
                yield f"data.{variant.name}.{setting.key}={value!r}"[:90], doc, ("data", setting.key), value
    for value in _values(T.FILE_SEED):
        doc = json.loads(json.dumps(BASE))
        doc["seed"] = value
        yield f"seed={value}", doc, ("seed",), value


CASES = list(_cases())


def _at(doc, path):
    for key in path:
        doc = doc[key]
    return doc


def _not_written(path, value) -> bool:
    group = {g.key: g for g in (T.LOSS, T.OPTIMIZER, T.SCHEDULE, T.REGULARIZATION, T.BATCH, T.INIT)}.get(path[0])
    setting = group.setting(path[-1]) if group is not None and len(path) == 2 else None
    return setting is not None and setting.write == "if_not_default" and value == setting.default


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@pytest.mark.parametrize("doc, path, value", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_every_declared_setting_round_trips_through_save_and_load(doc, path, value):
    first = loads_experiment(json.dumps(doc))
    text = dumps_experiment(first)
    saved = json.loads(text)
    if _not_written(path, value):  # saved only when not the default (SGD's momentum form)
        assert path[-1] not in _at(saved, path[:-1])
    else:
        written = _at(saved, path)
        assert written == value and type(written) is type(value)
    again = loads_experiment(text)
    assert dumps_experiment(again) == text


def test_every_setting_is_tried():
    tried = {c[0].split("=")[0] for c in CASES}
    for group in (T.LOSS, T.OPTIMIZER, T.SCHEDULE, T.REGULARIZATION, T.BATCH, T.INIT):
        for variant in group.variants:
            for setting in group.settings(variant.name):
                assert f"{group.key}.{variant.name}.{setting.key}" in tried or (group, variant.name) == (
                    T.REGULARIZATION, "none")
    assert {f"layer.{s.key}" for s in T.LAYER.common} | {f"trainable.{s.key}" for s in T.TRAINABLE.common} <= tried
    assert {f"data.xor.{s.key}" for s in T.GENERATOR.common} <= tried


def test_a_csv_entry_s_settings_round_trip(tmp_path):
    (tmp_path / "points.csv").write_text("a,b,y\n" + "".join(f"{i},{-i},{i % 2}\n" for i in range(20)))
    doc = json.loads(json.dumps(BASE))
    doc["data"] = {"csv": "points.csv", "target_columns": ["y"], "test_fraction": T.FRACTION.highest(),
                   "seed": T.MAX_SEED}
    (tmp_path / "net.json").write_text(json.dumps(doc))
    text = dumps_experiment(load_experiment(tmp_path / "net.json"), tmp_path)
    assert json.loads(text)["data"] == doc["data"]


# ---- validation says what the table declares ----------------------------------------------------------

def _problems(doc) -> list[str]:
    with pytest.raises(NetworkFileError) as info:
        loads_experiment(json.dumps(doc))
    return [f"{p.where}: {p.what}" for p in info.value.problems]


@pytest.mark.parametrize("group, variant, key", [
    (g, v.name, s.key) for g in (T.OPTIMIZER, T.SCHEDULE, T.REGULARIZATION, T.INIT) for v in g.variants
    for s in g.settings(v.name) if s.kind == "float" and (s.minimum is not None or s.maximum is not None)])
def test_a_number_out_of_its_declared_range_is_refused_with_the_declared_message(group, variant, key):
    setting = group.setting(key, variant)
    outside = setting.minimum - 1 if setting.minimum is not None else setting.maximum + 1
    doc = json.loads(json.dumps(BASE))
    doc[group.key] = {group.selector.key: variant, **group.starts(variant), key: outside}
    assert _problems(doc) == [f"{group.key}.{key}: {setting.range_message()}, got {outside!r}"]


def test_a_key_of_another_variant_says_which_variants_use_it():
    doc = json.loads(json.dumps(BASE))
    doc["optimizer"] = {"name": "sgd", "eps": 1e-8}
    doc["batch"] = {"mode": "full", "size": 3}
    doc["init"] = {"scheme": "zeros", "std": 0.5}
    assert _problems(doc) == [
        'init.std: is only used with "scheme": "normal" (the scheme is "zeros")',
        'optimizer.eps: is only used with "name": "adagrad", "rmsprop" or "adam" (the name is "sgd")',
        'batch.size: is only used with "mode": "minibatch" (the mode is "full")',
    ]


def test_extreme_but_valid_values_load_and_save_and_a_float_is_not_a_whole_number():
    doc = json.loads(json.dumps(BASE))
    doc["batch"] = {"mode": "single", "shuffle": True, "seed": 3_000_000_000}
    doc["schedule"] = {"name": "cosine", "epochs": 10**30, "min_lr": 0.0}
    exp = loads_experiment(json.dumps(doc))
    assert exp.batching.seed == 3_000_000_000 and exp.schedule.epochs == 10**30
    saved = json.loads(dumps_experiment(exp))
    assert saved["schedule"]["epochs"] == 10**30 and saved["batch"]["seed"] == 3_000_000_000
    doc["schedule"]["epochs"] = 1e30
    doc["batch"]["seed"] = 2**63
    assert _problems(doc) == ["schedule.epochs: expected a whole number ≥ 1, got 1e+30",
                              "batch.seed: must be at most 9,223,372,036,854,775,807, got 9,223,372,036,854,775,808"]
