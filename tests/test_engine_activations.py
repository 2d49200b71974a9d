"""Every activation of the lecture's table: derivative against central differences, stability, limits."""

import math
import warnings

import numpy as np
import pytest

from sandbox.engine import ACTIVATIONS, LECTURE_TABLE, get_activation
from sandbox.engine.activations import sigmoid, softplus

GRID = np.array([-1000.0, -30.0, -7.5, -2.0, -1.0, -0.3, -1e-3, 0.0, 1e-3, 0.3, 1.0, 2.0, 7.5, 30.0, 1000.0])
KINKED = {"binary_step", "relu", "prelu", "elu"}


def strict():
    """Overflow, division by zero and invalid operations raise; underflow to 0 is the right limit."""
    return np.errstate(over="raise", divide="raise", invalid="raise", under="ignore")


def central(f, z: float) -> float:
    h = 1e-6 * max(1.0, abs(z))
    return (float(f(np.array([z + h]))[0]) - float(f(np.array([z - h]))[0])) / (2 * h)


CASES = [(n, None) for n in LECTURE_TABLE if n != "binary_step"] + [
    (n, alpha) for n in ("prelu", "elu") for alpha in (0.1, 2.0)]


@pytest.mark.parametrize("name, alpha", CASES)
def test_derivative_matches_central_differences(name, alpha):
    act = get_activation(name)
    for z in GRID:
        if name in KINKED and z == 0.0:
            continue  # the kink: no derivative to compare with
        with strict(), warnings.catch_warnings():
            warnings.simplefilter("error")
            a = act(np.array([z]), alpha)
            d = float(act.der(np.array([z]), a, alpha)[0])
            numeric = central(lambda v: act(v, alpha), z)
        assert d == pytest.approx(numeric, rel=1e-6, abs=1e-8), (name, z)


def test_derivative_values_by_formula():
    z = np.array([-2.0, -0.5, 0.5, 2.0])
    expected = {
        "identity": [1.0, 1.0, 1.0, 1.0],
        "binary_step": [0.0, 0.0, 0.0, 0.0],
        "sigmoid": [math.exp(-v) / (1 + math.exp(-v)) ** 2 for v in z],
        "tanh": [1 - math.tanh(v) ** 2 for v in z],
        "arctan": [1 / (v * v + 1) for v in z],
        "relu": [0.0, 0.0, 1.0, 1.0],
        "prelu": [0.25, 0.25, 1.0, 1.0],
        "elu": [math.exp(-2.0), math.exp(-0.5), 1.0, 1.0],
        "softplus": [1 / (1 + math.exp(-v)) for v in z],
    }
    for name, values in expected.items():
        act = get_activation(name)
        assert act.der(z, act(z)).tolist() == pytest.approx(values, rel=1e-14), name


def test_choices_at_zero_are_documented_ones():
    zero = np.array([0.0])
    assert get_activation("binary_step")(zero)[0] == 1.0
    assert get_activation("binary_step").der(zero, np.array([1.0]))[0] == 0.0
    assert get_activation("relu").der(zero, zero)[0] == 1.0  # the lecture: 1 for x ≥ 0
    assert get_activation("prelu").der(zero, zero)[0] == 1.0
    assert get_activation("elu").der(zero, zero)[0] == 1.0


def test_function_values():
    z = np.array([-2.0, 0.0, 3.0])
    assert get_activation("prelu")(z, 0.1).tolist() == pytest.approx([-0.2, 0.0, 3.0], rel=1e-15)
    assert get_activation("elu")(z, 2.0).tolist() == pytest.approx([2 * math.expm1(-2.0), 0.0, 3.0], rel=1e-15)
    assert get_activation("arctan")(z).tolist() == pytest.approx([math.atan(-2.0), 0.0, math.atan(3.0)], rel=1e-15)
    assert get_activation("softplus")(z).tolist() == pytest.approx([math.log1p(math.exp(v)) for v in z], rel=1e-15)
    assert get_activation("sigmoid")(z).tolist() == pytest.approx([1 / (1 + math.exp(-v)) for v in z], rel=1e-15)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_no_overflow_or_warning_at_extreme_inputs(name):
    act = get_activation(name)
    z = np.array([[-1000.0, -745.0, -30.0, 0.0, 30.0, 709.0, 710.0, 1000.0]])
    with strict(), warnings.catch_warnings():
        warnings.simplefilter("error")
        a = act(z)
        d = act.der(z, a)
    assert np.isfinite(a).all() and np.isfinite(d).all()


def test_sigmoid_and_softplus_limits_at_1000():
    with strict(), warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sigmoid(np.array([1000.0]))[0] == 1.0
        assert sigmoid(np.array([-1000.0]))[0] == 0.0
        assert softplus(np.array([1000.0]))[0] == 1000.0
        assert softplus(np.array([-1000.0]))[0] == 0.0
        # full relative precision in the tails, where the naive formulas lose it
        assert sigmoid(np.array([-30.0]))[0] == pytest.approx(math.exp(-30) / (1 + math.exp(-30)), rel=1e-15)
        assert sigmoid(np.array([-700.0]))[0] == pytest.approx(math.exp(-700), rel=1e-13)
        assert softplus(np.array([-30.0]))[0] == pytest.approx(math.log1p(math.exp(-30)), rel=1e-15)
        assert softplus(np.array([30.0]))[0] == pytest.approx(30.0 + math.exp(-30), rel=1e-15)
        # the derivatives tend to their limits
        assert get_activation("softplus").der(np.array([1000.0, -1000.0]), None).tolist() == [1.0, 0.0]
        s = sigmoid(np.array([1000.0, -1000.0]))
        assert get_activation("sigmoid").der(None, s).tolist() == [0.0, 0.0]


def test_softmax_is_stable_sums_to_one_and_its_jacobian_matches_differences():
    act = get_activation("softmax")
    z = np.array([[1000.0, 999.0, -1000.0], [0.1, -0.2, 0.3]])
    with strict():
        a = act(z)
    assert np.isfinite(a).all()
    assert a.sum(axis=1).tolist() == pytest.approx([1.0, 1.0], rel=1e-15)
    assert a[0, 0] == pytest.approx(1 / (1 + math.exp(-1)), rel=1e-14)
    # full Jacobian f_j(δ_jk − f_k) by central differences, on the second row
    row = z[1:]
    f = act(row)[0]
    for k in range(3):
        h = 1e-6
        up, down = row.copy(), row.copy()
        up[0, k] += h
        down[0, k] -= h
        numeric = (act(up)[0] - act(down)[0]) / (2 * h)
        analytic = f * ((np.arange(3) == k) - f[k])
        assert analytic.tolist() == pytest.approx(numeric.tolist(), rel=1e-7, abs=1e-10)
    assert act.der(row, act(row))[0].tolist() == pytest.approx((f * (1 - f)).tolist(), rel=1e-15)


def test_unknown_activation_is_refused():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        get_activation("swish")


KNOWN_LARGEST = [  # (name, α, sup f′, reached?)
    ("identity", None, 1.0, True), ("binary_step", None, 0.0, True), ("sigmoid", None, 0.25, True),
    ("tanh", None, 1.0, True), ("arctan", None, 1.0, True), ("relu", None, 1.0, True),
    ("softplus", None, 1.0, False),
    ("prelu", 0.25, 1.0, True), ("prelu", 0.0, 1.0, True), ("prelu", 1.5, 1.5, True),
    ("elu", 1.0, 1.0, True), ("elu", 0.5, 1.0, True), ("elu", 2.0, 2.0, False), ("elu", 3.0, 3.0, False),
]


@pytest.mark.parametrize("name, alpha, value, reached", KNOWN_LARGEST)
def test_largest_derivative_is_exact_and_no_grid_point_exceeds_it(name, alpha, value, reached):
    act = get_activation(name)
    largest = act.largest_derivative(alpha)
    assert largest.value == act.max_derivative(alpha) == value
    assert largest.attained is reached
    z = np.concatenate([np.linspace(-40.0, 40.0, 400_001), -np.logspace(-12, 0, 200), np.logspace(-12, 0, 200)])
    df = act.der(z, act(z, alpha), alpha)
    assert df.max() <= value  # never above the supremum …
    assert df.max() > value - 1e-9  # … and as close to it as we like
    if reached:  # reached where it says
        at = np.array([largest.at])
        assert act.der(at, act(at, alpha), alpha)[0] == value
    else:  # approached as the limit says, never reached (σ(z) rounds to 1 beyond |z| ≈ 37)
        assert (df[np.abs(z) <= 30.0] < value).all()
        assert largest.limit in ("x → ∞", "x → 0⁻")


def test_elu_largest_derivative_is_alpha_approached_from_the_left():
    act = get_activation("elu")
    largest = act.largest_derivative(2.0)
    assert (largest.value, largest.at, largest.limit) == (2.0, 0.0, "x → 0⁻")
    z = -np.logspace(-1, -15, 15)
    np.testing.assert_allclose(act.der(z, act(z, 2.0), 2.0), 2.0 * np.exp(z), rtol=1e-15)
    assert act.der(np.array([0.0]), np.array([0.0]), 2.0)[0] == 1.0  # at 0 itself f′ = 1
