"""Mutated files (keys deleted, types changed, text truncated, huge or non-finite numbers): loading either
works or raises ``NetworkFileError``: never any other exception."""

import contextlib
import copy
import io
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.files import NetworkFileError, dumps_experiment, loads_experiment

NETWORKS = Path(__file__).resolve().parents[1] / "resources" / "networks"
SOURCES = {name: (NETWORKS / name).read_text(encoding="utf-8")
           for name in ("lecture17-linear.json", "lecture17-logistic.json", "xor.json", "momentum.json",
                        "regression-plane.json")}
#: a file with a saved training history (issue 13), mangled like the others
SOURCES["xor-history"] = json.dumps({**json.loads(SOURCES["xor.json"]), "history": {
    "iterations": 32, "epochs": 2, "batch_loss": [[1, 0.7], [16, 0.5], [32, 0.4]],
    "evaluations": [[0, 0.71, 0.72, 0.5, None], [16, 0.6, 0.61, 0.75, 0.7], [32, 0.45, None, 1, 0.8]]}})

ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.text(max_size=8), st.integers(-3, 3), st.floats(allow_nan=False),
    st.sampled_from([10**12, -10**12, 2**63, 1e308, -1e308, 5e-324, 0, -1, 0.5, [], {}, [[]], [1, "a"], {"a": 1},
                     "sigmoid", "softmax", "minibatch", "cross_entropy", "adam", "xor", "uniform"]),
)
#: replacement text for a number, spliced into the JSON text
ODD_NUMBER_TEXT = st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1" + "0" * 400, "1e-400",
                                   "9" * 20, "-0", "0.0", "2", "1e308"])


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, v in value.items():
            yield from _paths(v, path + (key,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, path + (i,))


def _mutate(doc, data):
    paths = list(_paths(doc))[1:]
    path = data.draw(st.sampled_from(paths))
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    action = data.draw(st.sampled_from(["delete", "replace", "duplicate", "wrap"]))
    key = path[-1]
    if action == "delete":
        del parent[key]
    elif action == "replace":
        parent[key] = copy.deepcopy(data.draw(ODD_VALUES))  # never the strategy's own [] or {}: it would grow
    elif action == "duplicate" and isinstance(parent, list):
        parent.insert(key, parent[key])
    else:
        parent[key] = [parent[key]]


def _load(text: str):
    try:
        exp = loads_experiment(text, base_dir=NETWORKS)
    except NetworkFileError as e:
        assert e.problems and all(p.where and p.what for p in e.problems)
        return
    try:
        dumps_experiment(exp)  # whatever loaded can be saved, or is refused with the project's error
    except NetworkFileError:
        pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SOURCES)), st.integers(1, 4), st.data())
def test_mutated_documents_only_ever_raise_network_file_error(name, count, data):
    doc = json.loads(SOURCES[name])
    for _ in range(count):
        if not isinstance(doc, dict) or not doc:
            break
        _mutate(doc, data)
    _load(json.dumps(doc))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(SOURCES)), st.data())
def test_truncated_or_spliced_text_only_ever_raises_network_file_error(name, data):
    text = SOURCES[name]
    how = data.draw(st.sampled_from(["truncate", "number", "insert"]))
    if how == "truncate":
        text = text[:data.draw(st.integers(0, len(text)))]
    elif how == "number":
        spots = [i for i, ch in enumerate(text) if ch.isdigit() and not text[i - 1].isdigit() and text[i - 1] != "."]
        at = data.draw(st.sampled_from(spots))
        end = at
        while end < len(text) and (text[end].isdigit() or text[end] in ".eE-+"):
            end += 1
        text = text[:at] + data.draw(ODD_NUMBER_TEXT) + text[end:]
    else:
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + data.draw(st.text(min_size=1, max_size=3)) + text[at:]
    _load(text)


def _run(argv: list[str]) -> tuple[int, str, str]:
    """A command run in this process, its stdout and stderr captured."""
    from sandbox.cli import main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as e:
            status = e.code if isinstance(e.code, int) else 1
    return status, out.getvalue(), err.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(SOURCES)), st.integers(1, 3), st.data())
def test_mutated_files_through_every_command_work_or_end_with_error_lines(tmp_path, name, count, data):
    doc = json.loads(SOURCES[name])
    for _ in range(count):
        if not isinstance(doc, dict) or not doc:
            break
        _mutate(doc, data)
    path = tmp_path / "mutated.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    for argv in (["validate", str(path)], ["explain", str(path), "--format", "text"],
                 ["explain", str(path), "--format", "markdown"], ["explain", str(path), "--format", "json"],
                 ["train", str(path), "--iterations", "3", "--out", str(tmp_path / "out.json")]):
        status, out, err = _run(argv)
        assert status in (0, 1), (argv, status, err)
        assert "Traceback" not in err and "internal error" not in err, (argv, err)
        errors = [line for line in err.splitlines() if line.startswith("error: ")]
        assert status == 0 or errors, (argv, err)
        assert all(line.startswith(f"error: {path}: ") or line.startswith(f"error: {tmp_path}") for line in errors)
