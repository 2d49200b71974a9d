"""The bad-input suite: one broken file per kind of problem, each with its exact message and exit status 1.

Every file in tests/bad_files/ is checked with the real command (``python -m sandbox validate``)
in a subprocess; the subprocesses run side by side to keep the suite quick.
"""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sandbox.files import NetworkFileError, Problem, load_experiment

BAD = Path(__file__).resolve().parent / "bad_files"
ROOT = BAD.parents[1]

ACTIVATIONS = "identity, binary_step, sigmoid, tanh, arctan, relu, prelu, elu, softplus, softmax"

EXPECTED = {
    "bad-json.json": ["line 4, column 5: not valid JSON: Expecting ',' delimiter"],
    "truncated.json": ["line 19, column 2: not valid JSON: Expecting ',' delimiter"],
    "empty.json": ["line 1, column 1: not valid JSON: Expecting value"],
    "not-utf8.json": ["file: is not UTF-8 text (byte 1110 cannot be decoded)"],
    "top-level-list.json": ["file: expected an object {…} at the top of the file, got a list"],
    "wrong-type.json": ['layers[1].size: expected a whole number ≥ 1, got a string ("two")'],
    "unknown-key.json": ['layers[2].wieghts: unknown key (did you mean "weights"?)'],
    "unknown-nested-key.json": ['optimizer.momentun: unknown key (did you mean "momentum"?)'],
    "wrong-shape.json": ["layers[1].weights[1]: expected 2 numbers, got 1"],
    "wrong-rows.json": ["layers[2].weights: expected 1 row (one per neuron), got 2"],
    "nan.json": ["layers[1].weights[0][1]: NaN is not allowed: numbers must be finite"],
    "infinity.json": ["layers[2].weights[0][0]: -Infinity is not allowed: numbers must be finite",
                      "layers[2].weights[0][1]: 1e999 is not allowed: numbers must be finite"],
    "unknown-activation.json": [f'layers[1].activation: unknown activation "sigmod" (expected one of: {ACTIVATIONS})'],
    "unknown-loss.json": ['loss.name: unknown loss "hinge" (expected one of: mse, bce, cross_entropy)'],
    "unknown-optimizer.json": ['optimizer.name: unknown optimizer "lbfgs" '
                               '(expected one of: sgd, adagrad, rmsprop, adam)'],
    "unknown-init.json": ['init.scheme: unknown init scheme "orthogonal" (expected one of: zeros, constant, uniform, '
                          'normal, xavier_uniform, xavier_normal, he_uniform, he_normal)'],
    "unknown-schedule.json": ['schedule.name: unknown schedule "warmup" (expected one of: constant, step, exponential, '
                              'cosine)'],
    "unknown-generator.json": ['data.generator: unknown generator "moons" (expected one of: xor, circle, gaussians, '
                               'spiral, plane, lecture)'],
    "duplicate-labels.json": ['layers[2].labels[0]: label "h1" is used twice: it is already the label at '
                              'layers[1].labels[0]'],
    "duplicate-key.json": ["loss.name: this key appears more than once",
                           'loss.name: bce needs outputs between 0 and 1 (a sigmoid output layer), but the last '
                           'layer is "identity"'],
    "softmax-hidden.json": ["layers[1].activation: softmax is only allowed on the output layer (the last one)"],
    "cross-entropy-without-softmax.json": ['loss.name: cross_entropy needs a softmax output layer, but the last '
                                           'layer is "identity"'],
    "csv-missing.json": ["data.csv: cannot read the CSV file 'no-such-file.csv': No such file or directory"],
    "csv-wrong-columns.json": ["data.csv: wrong-columns.csv line 3: expected 3 columns, got 2"],
    "csv-too-few-inputs.json": ["data.csv: three-columns.csv has 1 input column (besides the target columns), but "
                                "the network has 2 inputs"],
    "newer-version.json": ["version: this file has format version 7, which is newer than this program understands "
                           "(it reads up to version 1); update backprop-sandbox to open it"],
    "wrong-format.json": ['format: expected "backprop-sandbox.network", got a string ("keras.model")'],
    "missing-keys.json": ['file: missing required key "data"', 'layers[1]: missing required key "activation"'],
    "too-many-parameters.json": ["layers: the network would have 1,005,001 weights and biases; at most "
                                 "500,000 are supported"],
    "many-problems.json": [
        "colour: unknown key (expected one of: format, version, name, description, layers, loss, optimizer, "
        "schedule, regularization, batch, data, init, seed, history)",
        f'layers[1].activation: unknown activation "sigmod" (expected one of: {ACTIVATIONS})',
        'layers[1].weights[0][1]: expected a number, got a string ("x")',
        "optimizer.learning_rate: must be greater than 0, got -1",
        'batch: missing required key "size" (the minibatch size)',
        "data.targets[0]: expected 1 number (one per output), got 2",
    ],
}


def test_every_bad_file_has_an_expectation():
    assert sorted(p.name for p in BAD.glob("*.json")) == sorted(EXPECTED)


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[int, str, str]]:
    """Exit status, stdout and stderr of ``validate`` on every bad file, run side by side."""
    def run(name: str) -> tuple[int, str, str]:
        p = subprocess.run([sys.executable, "-m", "sandbox", "validate", name], cwd=BAD, capture_output=True,
                           text=True, encoding="utf-8", timeout=120)
        return p.returncode, p.stdout, p.stderr

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(EXPECTED, pool.map(run, EXPECTED)))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_gives_its_exact_message_and_status_1(results, name):
    status, stdout, stderr = results[name]
    assert status == 1
    assert stdout == ""
    assert stderr.splitlines() == [f"error: {name}: {line}" for line in EXPECTED[name]]
    assert "Traceback" not in stderr


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_loading_raises_the_project_s_error_with_the_same_problems(name):
    with pytest.raises(NetworkFileError) as info:
        load_experiment(BAD / name)
    assert [f"{p.where}: {p.what}" for p in info.value.problems] == EXPECTED[name]
    assert str(info.value).splitlines() == [f"{BAD / name}: {line}" for line in EXPECTED[name]]


def test_validate_reports_good_and_bad_files_together():
    good = ROOT / "resources" / "networks" / "lecture17-linear.json"
    result = subprocess.run([sys.executable, "-m", "sandbox", "validate", str(good), "wrong-shape.json",
                             "missing.json"],
                            cwd=BAD, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 1
    assert result.stdout == f"{good}: ok\n"
    assert result.stderr.splitlines() == [
        "error: wrong-shape.json: layers[1].weights[1]: expected 2 numbers, got 1",
        "error: missing.json: file: cannot be read: No such file or directory",
    ]


def test_problem_and_error_text():
    error = NetworkFileError("net.json", [Problem("layers[2].weights[1]", "expected 3 numbers, got 2")])
    assert str(error) == "net.json: layers[2].weights[1]: expected 3 numbers, got 2"
    assert error.path == "net.json" and error.problems[0].where == "layers[2].weights[1]"
