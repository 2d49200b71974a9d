"""A generated corpus of hostile inputs: every section of the network format, special files, and sizes at and
just past every limit. Each case writes its file(s) into a folder and says what every command must do with it:
work (``OK``) or refuse with an ``error: FILE: <where>: <what>`` line whose ``where`` and part of ``what`` it gives.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.files import limits as L


@dataclass(frozen=True)
class Refusal:
    """The first ``error:`` line names ``where`` and its text holds ``what``."""

    where: str
    what: str


OK = None
R = Refusal


@dataclass(frozen=True)
class Case:
    name: str
    #: writes the case's file(s) into the folder and returns the path given to the commands
    make: Callable[[Path], Path]
    expect: Refusal | None
    #: opened in the window too (the slowest valid cases are left to the CLI runs and the benchmark)
    window: bool = True
    #: valid, but its numbers overflow when used: ``explain`` and ``train`` either work or end with an
    #: ``error:`` line (never a traceback, never a printed infinity)
    overflows: bool = False


def base() -> dict[str, Any]:
    """The lecture's 2-2-1 network, as a file gives it."""
    return {
        "format": "backprop-sandbox.network", "version": 1, "name": "Lecture 17",
        "layers": [{"size": 2, "labels": ["i1", "i2"]},
                   {"size": 2, "activation": "identity", "bias": False, "labels": ["h1", "h2"],
                    "weights": [[0.11, 0.21], [0.12, 0.08]], "weight_labels": [["w1", "w2"], ["w3", "w4"]]},
                   {"size": 1, "activation": "identity", "bias": False, "labels": ["y"],
                    "weights": [[0.14, 0.15]], "weight_labels": [["w5", "w6"]]}],
        "loss": {"name": "mse", "reduction": "mean"},
        "optimizer": {"name": "sgd", "learning_rate": 0.05},
        "batch": {"mode": "single", "shuffle": False, "seed": 0},
        "data": {"inputs": [[2, 3]], "targets": [[1]]},
    }


def _write(name: str, doc: Any) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_text(json.dumps(doc, ensure_ascii=True), encoding="utf-8")
        return path
    return make


def _text(name: str, text: str | bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
        return path
    return make


def _patched(**changes: Any) -> dict[str, Any]:
    doc = base()
    for key, value in changes.items():
        if value is _DELETE:
            del doc[key]
        else:
            doc[key] = value
    return doc


_DELETE = object()


def _layer(i: int, **changes: Any) -> dict[str, Any]:
    doc = base()
    for key, value in changes.items():
        if value is _DELETE:
            del doc["layers"][i][key]
        else:
            doc["layers"][i][key] = value
    return doc


def _generator(**changes: Any) -> dict[str, Any]:
    data = {"generator": "xor", "samples": 20, "noise": 0.1, "seed": 1}
    data.update(changes)
    doc = base()
    doc["layers"][1].pop("weights")
    doc["layers"][2].pop("weights")
    doc["data"] = data
    return doc


def _net(sizes: list[int], activation: str = "tanh", data: dict[str, Any] | None = None,
         bias: bool = True) -> dict[str, Any]:
    """A network of ``sizes`` without weights (drawn from the default init) and one sample of zeros."""
    layers: list[dict[str, Any]] = [{"size": sizes[0]}]
    layers += [{"size": s, "activation": activation, "bias": bias} for s in sizes[1:]]
    return {"format": "backprop-sandbox.network", "version": 1, "layers": layers,
            "data": data or {"inputs": [[0.5] * sizes[0]], "targets": [[0.5] * sizes[-1]]}}


def _nested(depth: int, version: int = 1) -> dict[str, Any]:
    doc = base()
    doc["version"] = version
    inner: Any = 1
    for _ in range(depth):
        inner = [inner]
    doc["data"]["inputs"] = inner
    return doc


def _csv(name: str, csv_text: str | bytes, csv_name: str = "", layers: list[Any] | None = None,
         **entry: Any) -> Callable[[Path], Path]:
    """The network file ``name`` whose data is a CSV file of ``csv_text`` (named after the case unless given),
    with the lecture's layers unless given."""
    csv_name = csv_name or name.replace(".json", ".csv")

    def make(folder: Path) -> Path:
        (folder / csv_name).write_bytes(csv_text if isinstance(csv_text, bytes) else csv_text.encode("utf-8"))
        doc = base()
        doc["data"] = {"csv": csv_name, "target_columns": ["y"], **entry}
        if layers is not None:
            doc["layers"] = layers
        return _write(name, doc)(folder)
    return make


def _csv_at(name: str, csv_path: str) -> Callable[[Path], Path]:
    doc = base()
    doc["data"] = {"csv": csv_path, "target_columns": ["y"]}
    return _write(name, doc)


def _fifo(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        os.mkfifo(path)
        return path
    return make


def _csv_fifo(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        os.mkfifo(folder / "pipe.csv")
        return _csv_at(name, "pipe.csv")(folder)
    return make


def _symlink(name: str, target: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.symlink_to(target)
        return path
    return make


def _loop(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        (folder / f"{name}.a").symlink_to(folder / f"{name}.b")
        (folder / f"{name}.b").symlink_to(folder / f"{name}.a")
        return folder / f"{name}.a"
    return make


def _folder(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.mkdir()
        return path
    return make


def _sparse(name: str, size: int) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        with open(path, "wb") as f:
            f.truncate(size)
        return path
    return make


def _given(path: str) -> Callable[[Path], Path]:
    return lambda folder: Path(path)


def _saved_at_parameter_limit(name: str) -> Callable[[Path], Path]:
    """A network of exactly ``MAX_PARAMETERS`` weights and biases, written by ``save`` (every weight and label)."""
    def make(folder: Path) -> Path:
        from sandbox.files import loads_experiment, save_experiment
        # 2-n-n-1 with biases: 2n + n + n² + n + n + 1 = n² + 5n + 1 parameters; top up with a 1-neuron layer
        n = 704
        used = n * n + 5 * n + 1
        sizes = [2, n, n, 1]
        doc = _net(sizes)
        exp = loads_experiment(json.dumps(doc))
        assert used <= L.MAX_PARAMETERS
        path = folder / name
        save_experiment(exp, path)
        return path
    return make


def _parameters(total_extra: int) -> dict[str, Any]:
    """A 1-k-1 network without biases: 2k parameters; k chosen to land ``total_extra`` past the limit."""
    k = (L.MAX_PARAMETERS + total_extra) // 2
    if 2 * k != L.MAX_PARAMETERS + total_extra:
        raise ValueError("odd")
    return _net([1, k, 1], bias=False)


def cases() -> list[Case]:
    """Every case of the corpus."""
    c: list[Case] = []

    def add(name: str, doc_or_make: Any, expect: Refusal | None, window: bool = True,
            overflows: bool = False) -> None:
        make = doc_or_make if callable(doc_or_make) else _write(f"{name}.json", doc_or_make)
        c.append(Case(name, make, expect, window, overflows))

    # ---- the whole file --------------------------------------------------------------------------------
    add("empty", _text("empty.json", ""), R("line 1, column 1", "not valid JSON"))
    add("not-json", _text("not-json.json", "hello"), R("line 1, column 1", "not valid JSON"))
    add("truncated", _text("truncated.json", json.dumps(base())[:200]), R("line 1", "not valid JSON"))
    add("not-utf8", _text("not-utf8.json", b'{"name": "\xff\xfe"}'), R("file", "not UTF-8"))
    add("utf16", _text("utf16.json", json.dumps(base()).encode("utf-16")), R("file", "not UTF-8"))
    add("nul-bytes", _text("nul-bytes.json", b"\x00" * 1000), R("file", "UTF-8"))
    add("binary", _text("binary.json", bytes(range(256)) * 40), R("file", "UTF-8"))
    add("top-list", [base()], R("file", "expected an object"))
    add("top-string", "network", R("file", "expected an object"))
    add("top-null", None, R("file", "expected an object"))
    add("bom", _text("bom.json", "\ufeff" + json.dumps(base())), OK)
    add("nan-text", _text("nan-text.json", json.dumps(base()).replace("0.05", "NaN")),
        R("optimizer.learning_rate", "finite"))
    add("infinity-text", _text("infinity-text.json", json.dumps(base()).replace("0.11", "Infinity")),
        R("layers[1].weights[0][0]", "finite"))
    add("1e999", _text("1e999.json", json.dumps(base()).replace("0.11", "1e999")),
        R("layers[1].weights[0][0]", "finite"))
    add("long-integer", _text("long-integer.json", json.dumps(base()).replace('"seed": 0', '"seed": ' + "9" * 5000)),
        R("batch.seed", ""))
    add("duplicate-key", _text("duplicate-key.json", json.dumps(base())[:-1] + ', "name": "again"}'),
        R("name", "more than once"))
    add("nested-17", _nested(15), R("data.inputs[0]", ""))
    add("nested-21", _nested(L.MAX_NESTING + 1), R("file", "nest"))
    add("nested-900-v0", _nested(900, version=0), R("file", "nest"))
    add("nested-900-v1", _nested(900), R("file", "nest"))
    add("nested-100k", _text("nested-100k.json", "[" * 100_000 + "]" * 100_000), R("file", ""))
    add("over-size-limit", _sparse("over-size-limit.json", L.MAX_FILE_BYTES + 1), R("file", "MB"))
    add("whitespace-padded", _text("whitespace-padded.json", json.dumps(base()) + " " * 3_000_000), OK)

    # ---- special files -----------------------------------------------------------------------------------
    add("fifo", _fifo("fifo.json"), R("file", "not a regular file"), window=True)
    add("dev-zero", _given("/dev/zero"), R("file", "not a regular file"))
    add("dev-null", _given("/dev/null"), R("file", "not a regular file"))
    add("folder", _folder("folder.json"), R("file", "folder"))
    add("broken-symlink", _symlink("broken.json", "/nonexistent/nowhere.json"), R("file", "cannot be read"))
    add("symlink-loop", _loop("loop.json"), R("file", "cannot be read"))
    add("missing", _given("/nonexistent/missing.json"), R("file", "cannot be read"))

    # ---- format and version --------------------------------------------------------------------------
    add("wrong-format", _patched(format="something-else"), R("format", "expected"))
    add("newer-version", _patched(version=99), R("version", "newer"))
    add("negative-version", _patched(version=-1), R("version", "not known"))
    add("version-string", _patched(version="1"), R("version", "whole number"))
    add("version-0", {**_patched(version=0)}, OK)
    add("missing-layers", _patched(layers=_DELETE), R("file", 'missing required key "layers"'))
    add("unknown-top-key", _patched(colour="red"), R("colour", "unknown key"))

    # ---- name and description ------------------------------------------------------------------------
    add("name-200", _patched(name="n" * L.MAX_NAME_CHARS), OK)
    add("name-201", _patched(name="n" * (L.MAX_NAME_CHARS + 1)), R("name", "at most 200"))
    add("name-5mb", _patched(name="n" * 5_000_000), R("name", "at most 200"))
    add("name-nul", _patched(name="a\x00b"), R("name", "NUL"))
    add("name-ansi", _patched(name="\x1b[31mred\x1b[0m\x07"), R("name", "escape"))
    add("name-newline", _patched(name="two\nlines"), R("name", "line break"))
    add("name-surrogate", _patched(name="a\ud800b"), R("name", "surrogate"))
    add("name-html", _patched(name='<img src=x onerror="alert(1)"> <script>x</script>'), OK)
    add("name-latex", _patched(name=r"\input{/etc/passwd} $\frac{1}{0}$ } {"), OK)
    add("name-markdown", _patched(name="# *bold* _x_ [link](http://x) | a | `code`"), OK)
    add("name-unicode", _patched(name="网络 αβγ 🎉 \u202eevil"), OK)
    add("name-number", _patched(name=5), R("name", "expected a string"))
    add("description-20000", _patched(description="d\n\t" * (L.MAX_DESCRIPTION_CHARS // 3)), OK)
    add("description-over", _patched(description="d" * (L.MAX_DESCRIPTION_CHARS + 1)), R("description", "at most"))
    add("description-bell", _patched(description="ding\x07"), R("description", "bell"))

    # ---- layers --------------------------------------------------------------------------------------
    add("layers-not-list", _patched(layers={"size": 2}), R("layers", "expected a list"))
    add("layers-one", _patched(layers=[{"size": 2}]), R("layers", "at least one more layer"))
    add("layers-64", _net([2] + [3] * 62 + [1]), OK)
    add("layers-65", _net([2] + [3] * 63 + [1]), R("layers", "at most 64"))
    add("layers-20000", _net([2] + [2] * 19_998 + [1]), R("layers", "at most 64"))
    add("layer-size-4096", _net([2, L.MAX_LAYER_SIZE, 1]), OK)
    add("layer-size-4097", _net([2, L.MAX_LAYER_SIZE + 1, 1]), R("layers[1].size", "at most 4,096"))
    add("input-size-4097", _net([L.MAX_LAYER_SIZE + 1, 1]), R("layers[0].size", "at most 4,096"))
    add("layer-size-0", _layer(1, size=0), R("layers[1].size", "at least 1"))
    add("layer-size-float", _layer(1, size=2.0), R("layers[1].size", "whole number"))
    add("layer-size-bool", _layer(1, size=True), R("layers[1].size", "whole number"))
    add("parameters-limit-saved", _saved_at_parameter_limit("parameters-limit-saved.json"), OK)
    add("parameters-over-limit", _parameters(2), R("layers", "at most 500,000"))
    add("parameters-9m", _net([2, 3000, 3000, 1]), R("layers", "at most 500,000"))
    add("activation-unknown", _layer(1, activation="sigmod"), R("layers[1].activation", "unknown"))
    add("activation-softmax-hidden", _layer(1, activation="softmax"), R("layers[1].activation", "output"))
    add("softmax-of-one", {**_layer(2, activation="softmax"), "loss": {"name": "cross_entropy"}},
        R("layers[2].activation", "always outputs 1"))
    add("alpha-huge", _layer(1, activation="elu", alpha=1e308), OK, overflows=True)
    add("weights-wrong-rows", _layer(1, weights=[[0.1, 0.2]]), R("layers[1].weights", "expected 2 rows"))
    add("weights-ragged", _layer(1, weights=[[0.1, 0.2], [0.3]]), R("layers[1].weights[1]", "expected 2"))
    add("weights-string", _layer(1, weights=[[0.1, "x"], [0.3, 0.4]]), R("layers[1].weights[0][1]", "number"))
    add("weights-bool", _layer(1, weights=[[0.1, True], [0.3, 0.4]]), R("layers[1].weights[0][1]", "number"))
    add("weights-null", _layer(1, weights=[[0.1, None], [0.3, 0.4]]), R("layers[1].weights[0][1]", "number"))
    add("weights-huge-int", _layer(1, weights=[[0.1, 10**308 * 10], [0.3, 0.4]]),
        R("layers[1].weights[0][1]", "finite"))
    add("weights-1e308", _layer(1, weights=[[1e308, 1e308], [1e308, 1e308]]), OK, overflows=True)
    add("weights-wrong-shape-huge", _layer(1, weights=[[0.5] * 2_000_000, [0.5] * 2]),
        R("layers[1].weights[0]", "expected 2"))
    add("biases-without-bias", _layer(1, biases=[0.1, 0.2]), R("layers[1].biases", "without bias"))
    add("labels-65", _layer(1, labels=["h" * (L.MAX_LABEL_CHARS + 1), "h2"]), R("layers[1].labels[0]", "at most 64"))
    add("labels-64", _layer(1, labels=["h" * L.MAX_LABEL_CHARS, "h2"]), OK)
    add("label-space", _layer(1, labels=["h 1", "h2"]), R("layers[1].labels[0]", "space"))
    add("label-empty", _layer(1, labels=["", "h2"]), R("layers[1].labels[0]", "empty"))
    add("label-nul", _layer(1, labels=["h\x001", "h2"]), R("layers[1].labels[0]", "NUL"))
    add("label-surrogate", _layer(1, labels=["h\udfff", "h2"]), R("layers[1].labels[0]", "surrogate"))
    add("label-ansi", _layer(1, labels=["h\x1b[2J", "h2"]), R("layers[1].labels[0]", "escape"))
    add("label-duplicate", _layer(1, labels=["w1", "h2"]), R("layers[1].weight_labels[0][0]", "used twice"))
    add("label-latex", _layer(1, labels=[r"\input{x}", "h_{2}"]), OK)
    add("label-html", _layer(1, labels=["<b>h1</b>", "h2&amp;"]), OK)
    add("label-python", _layer(1, labels=['h1"""', "h2'#"]), OK)
    add("weight-labels-wrong", _layer(1, weight_labels=[["a", "b"]]), R("layers[1].weight_labels", "expected 2"))
    add("weight-labels-numbers", _layer(1, weight_labels=[[1, 2], [3, 4]]),
        R("layers[1].weight_labels[0][0]", "expected a label"))
    add("labels-numbers", _layer(1, labels=[1, 2]), R("layers[1].labels[0]", "expected a label"))
    add("trainable-bad", _layer(1, trainable={"weights": "yes"}), R("layers[1].trainable.weights", "true or false"))
    add("init-uniform-reversed", _layer(1, weights=_DELETE, init={"scheme": "uniform", "low": 1, "high": 0}),
        R("layers[1].init", "less than"))
    add("init-normal-huge", _layer(1, weights=_DELETE, init={"scheme": "normal", "std": 1e308, "seed": 3}),
        R("layers[1].init", "finite"))
    add("init-constant-huge", _layer(1, weights=_DELETE, init={"scheme": "constant", "value": 1e308}), OK,
        overflows=True)

    # ---- loss, optimizer, schedule, regularization, batch ---------------------------------------------
    add("loss-unknown", _patched(loss={"name": "hinge"}), R("loss.name", "unknown"))
    add("cross-entropy-identity", _patched(loss={"name": "cross_entropy"}), R("loss.name", "softmax"))
    add("bce-identity", _patched(loss={"name": "bce"}), R("loss.name", "sigmoid"))
    add("lr-zero", _patched(optimizer={"name": "sgd", "learning_rate": 0}), R("optimizer.learning_rate", ""))
    add("lr-negative", _patched(optimizer={"name": "sgd", "learning_rate": -1}), R("optimizer.learning_rate", ""))
    add("lr-1e308", _patched(optimizer={"name": "sgd", "learning_rate": 1e308}), OK, overflows=True)
    add("momentum-1", _patched(optimizer={"name": "sgd", "learning_rate": 0.1, "momentum": 1}),
        R("optimizer.momentum", ""))
    add("adam-beta-1", _patched(optimizer={"name": "adam", "learning_rate": 0.1, "beta1": 1.0}),
        R("optimizer.beta1", ""))
    add("optimizer-string", _patched(optimizer="adam"), R("optimizer", "expected an object"))
    add("exp-gamma-1e308", _patched(schedule={"name": "exponential", "gamma": 1e308}), R("schedule.gamma", ""))
    add("step-gamma-1e200", _patched(schedule={"name": "step", "step_epochs": 1, "gamma": 1e200}),
        R("schedule.gamma", ""))
    add("gamma-1", _patched(schedule={"name": "exponential", "gamma": 1}), OK)
    add("gamma-tiny", _patched(schedule={"name": "exponential", "gamma": 5e-324}), OK)
    add("cosine-huge", _patched(schedule={"name": "cosine", "epochs": 10**30, "min_lr": 0.01}), OK)
    add("cosine-floor-above", _patched(schedule={"name": "cosine", "epochs": 1, "min_lr": 1e300}),
        R("schedule.min_lr", "must be at most η"))
    add("schedule-unknown", _patched(schedule={"name": "warmup"}), R("schedule.name", "unknown"))
    add("l2-huge", _patched(regularization={"kind": "l2", "strength": 1e308}), OK, overflows=True)
    add("regularization-negative", _patched(regularization={"kind": "l1", "strength": -1}),
        R("regularization.strength", ""))
    add("minibatch-no-size", _patched(batch={"mode": "minibatch"}), R("batch", '"size"'))
    add("minibatch-huge", _patched(batch={"mode": "minibatch", "size": 10**18}), OK)
    add("seed-negative", _patched(seed=-1), R("seed", "at least 0"))
    add("seed-huge", _patched(seed=2**64), R("seed", ""))

    # ---- inline data ---------------------------------------------------------------------------------
    add("data-missing", _patched(data=_DELETE), R("file", 'missing required key "data"'))
    add("data-both", _patched(data={"inputs": [[1, 2]], "targets": [[1]], "generator": "xor"}),
        R("data", "only one"))
    add("data-empty", _patched(data={"inputs": [], "targets": []}), R("data.inputs", "at least one row"))
    add("data-wrong-width", _patched(data={"inputs": [[1, 2, 3]], "targets": [[1]]}), R("data.inputs[0]", "expected 2"))
    add("targets-count", _patched(data={"inputs": [[1, 2]], "targets": [[1], [2]]}),
        R("data.targets", "expected 1 row"))
    add("data-magnitude-limit", _patched(data={"inputs": [[1e15, -1e15]], "targets": [[1e15]]}), OK,
        overflows=True)
    add("data-magnitude-over", _patched(data={"inputs": [[1.1e15, 0]], "targets": [[1]]}),
        R("data.inputs[0][0]", "10¹⁵"))
    add("data-1e308", _patched(data={"inputs": [[1e308, 1e308]], "targets": [[1]]}), R("data.inputs[0][0]", "10¹⁵"))
    add("test-without-targets", _patched(data={"inputs": [[1, 2]], "targets": [[1]], "test_inputs": [[1, 2]]}),
        R("data", "both"))
    add("data-numbers-limit", _patched(data={"inputs": [[0.5, 0.5]] * 1_000_000, "targets": [[1]] * 1_000_000}),
        OK, window=False)
    add("data-numbers-over", _patched(data={"inputs": [[0.5, 0.5]] * 1_000_000, "targets": [[1]] * 1_000_000,
                                            "test_inputs": [[1, 1]], "test_targets": [[1]]}),
        R("data", "at most 1,000,000"))
    add("data-wide-over", {**_net([40, 1]), "data": {"inputs": [[0.0] * 40] * 100_000,
                                                      "targets": [[0.0]] * 100_000}},
        R("data", "at most 4,000,000"))

    # ---- generators ----------------------------------------------------------------------------------
    add("generator-unknown", _generator(generator="moons"), R("data.generator", "unknown"))
    add("generator-samples-limit", _generator(samples=L.MAX_SAMPLES), OK, window=False)
    add("generator-samples-over", _generator(samples=L.MAX_SAMPLES + 1), R("data.samples", "at most"))
    add("activations-limit", {**_generator(samples=L.MAX_SAMPLES), "layers": _net([2, 15, 1])["layers"]}, OK,
        window=False)
    add("activations-over", {**_generator(samples=L.MAX_SAMPLES), "layers": _net([2, 16, 1])["layers"]},
        R("data", "at most 16,000,000"))
    add("activations-csv-over", _csv("activations-csv-over.json", "a,b,y\n" + "1,2,3\n" * 4000,
                                     layers=_net([2, L.MAX_LAYER_SIZE, 1])["layers"]),
        R("data", "16,388,000 values"))
    add("activations-deep", {**_generator(samples=3906), "layers": _net([2] + [4096, 1] * 30 + [1])["layers"]},
        R("data", "at most 16,000,000"))
    add("generator-noise-10", _generator(noise=10), OK)
    add("generator-noise-1e308", _generator(noise=1e308), R("data.noise", ""))
    add("generator-noise-negative", _generator(noise=-1), R("data.noise", ""))
    add("generator-fraction-1", _generator(test_fraction=1), R("data.test_fraction", ""))
    add("generator-wrong-shape", {**_generator(), "layers": _net([3, 1])["layers"]},
        R("data.generator", "2 inputs"))
    add("generator-one-sample-split", _generator(samples=1, test_fraction=0.9), OK)

    # ---- CSV -----------------------------------------------------------------------------------------
    good_csv = "a,b,y\n2,3,1\n1,1,0\n"
    add("csv-good", _csv("csv-good.json", good_csv), OK)
    add("csv-parent-path", lambda folder: (_csv("csv-parent-path.json", good_csv, csv_name="../csv-parent.csv")(
        _sub(folder, "sub"))), OK)
    add("csv-absolute-path",
        lambda folder: _csv_at("csv-absolute-path.json", str(_plain(folder, good_csv)))(folder), OK)
    add("csv-missing", _csv_at("csv-missing.json", "nowhere.csv"), R("data.csv", "cannot read"))
    add("csv-nul-path", _csv_at("csv-nul-path.json", "da\x00ta.csv"), R("data.csv", "NUL"))
    add("csv-long-path", _csv_at("csv-long-path.json", "a" * (L.MAX_PATH_CHARS + 1)), R("data.csv", "at most"))
    add("csv-dev-zero", _csv_at("csv-dev-zero.json", "/dev/zero"), R("data.csv", "not a regular file"))
    add("csv-fifo", _csv_fifo("csv-fifo.json"), R("data.csv", "not a regular file"))
    add("csv-folder", lambda folder: (_folder("csv-dir")(folder), _csv_at("csv-folder.json", "csv-dir")(folder))[1],
        R("data.csv", "folder"))
    add("csv-etc-passwd", _csv_at("csv-etc-passwd.json", "/etc/passwd"), R("data.csv", ""))
    add("csv-binary", _csv("csv-binary.json", bytes(range(256)) * 10), R("data.csv", ""))
    add("csv-empty", _csv("csv-empty.json", ""), R("data.csv", "empty"))
    add("csv-header-only", _csv("csv-header-only.json", "a,b,y\n"), R("data.csv", "no data rows"))
    add("csv-duplicate-header", _csv("csv-duplicate-header.json", "a,a,y\n2,3,1\n"), R("data.csv", "twice"))
    add("csv-bad-cell", _csv("csv-bad-cell.json", "a,b,y\n2,x" + "y" * 5000 + ",1\n"), R("data.csv", "line 2"))
    add("csv-nan-cell", _csv("csv-nan-cell.json", "a,b,y\n2,nan,1\n"), R("data.csv", "finite"))
    add("csv-huge-cell", _csv("csv-huge-cell.json", "a,b,y\n2,1e300,1\n"), R("data.csv", "10¹⁵"))
    add("csv-quoted-line-break", _csv("csv-quoted-line-break.json", 'a,b,y\n0,0,0\n"1\n2",1,1\n'),
        R("data.csv", "expected a finite number"))
    add("csv-quoted-good", _csv("csv-quoted-good.json", 'a,b,y\n"0",0,0\n"1.5",1,1\n'), OK)
    add("csv-ragged", _csv("csv-ragged.json", "a,b,y\n2,3\n"), R("data.csv", "columns"))
    add("csv-no-target", _csv("csv-no-target.json", good_csv, target_columns=["z"]),
        R("data.target_columns[0]", "no column"))
    add("csv-rows-over", _csv("csv-rows-over.json", "a,b,y\n" + "1,2,3\n" * (L.MAX_SAMPLES + 1)),
        R("data.csv", "1,000,000"))
    add("csv-zero-rows-48mb", _csv("csv-zero-rows.json", "0,\n" * 16_000_000, target_columns=[1]),
        R("data.csv", "1,000,000"))
    add("csv-over-size", lambda folder: (_sparse("big.csv", L.MAX_FILE_BYTES + 1)(folder),
                                         _csv_at("csv-over-size.json", "big.csv")(folder))[1],
        R("data.csv", "MB"))
    return c


def _sub(folder: Path, name: str) -> Path:
    sub = folder / name
    sub.mkdir(exist_ok=True)
    return sub


def _plain(folder: Path, text: str) -> Path:
    path = folder / "absolute.csv"
    path.write_text(text, encoding="utf-8")
    return path
