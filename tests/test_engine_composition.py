"""The lecture's y = f(g(h(x))) (``engine/composition.py``): dy/dx = f′(u₂)·g′(u₁)·h′(x) against central
differences for every triple of functions, and the text it is written in."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sandbox.engine.activations import LECTURE_TABLE
from sandbox.engine.composition import FUNCTIONS, compose

KINKED = {"binary_step", "relu", "prelu", "elu"}  # no derivative (or a jump of f′) at 0


def test_the_menus_offer_the_lecture_s_table_and_simple_functions():
    assert set(LECTURE_TABLE) <= set(FUNCTIONS)
    assert {"square", "affine", "sin", "exp"} <= set(FUNCTIONS)


def test_a_hand_computed_composition():
    # y = σ(tanh(3x + 1)) at x = 0.5: u₁ = 2.5, u₂ = tanh 2.5, y = σ(u₂)
    c = compose("sigmoid", "tanh", "affine", 0.5)
    u2 = math.tanh(2.5)
    y = 1 / (1 + math.exp(-u2))
    assert (c.u1, c.u2, c.y) == pytest.approx((2.5, u2, y), rel=1e-15)
    assert (c.dh, c.dg, c.df) == pytest.approx((3.0, 1 - u2 ** 2, y * (1 - y)), rel=1e-14)
    assert c.dydx == pytest.approx(y * (1 - y) * (1 - u2 ** 2) * 3.0, rel=1e-14)
    assert c.formula() == "y = σ(tanh(3·x + 1))"
    assert c.stages()[1] == ("u₁", "h(x) = 3·0.5 + 1", 2.5)
    assert c.local_derivatives()[2] == ("∂h/∂x", "h′(x) = 3", 3.0)
    assert c.product_text().startswith("dy/dx = ∂f/∂u₂ · ∂g/∂u₁ · ∂h/∂x = 0.")


def test_square_of_a_negative_argument_is_written_with_its_sign():
    c = compose("identity", "identity", "square", -2.0)
    assert c.stages()[1] == ("u₁", "h(x) = (−2)²", 4.0)
    assert c.dydx == -4.0
    assert c.local_derivatives()[2] == ("∂h/∂x", "h′(x) = 2·(−2)", -4.0)
    c = compose("exp", "affine", "sin", -1.0)
    assert c.stages()[2][1].startswith("g(u₁) = 3·(−0.841") and c.stages()[1][1] == "h(x) = sin(−1)"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(FUNCTIONS)), st.sampled_from(sorted(FUNCTIONS)), st.sampled_from(sorted(FUNCTIONS)),
       st.floats(-2.0, 2.0))
def test_dy_dx_equals_central_differences(f, g, h, x):
    c = compose(f, g, h, x)
    step = 1e-6
    # away from the kinks (where a one-sided difference is all there is) and from overflow
    for name, at in ((h, x), (g, c.u1), (f, c.u2)):
        assume(not (name in KINKED and abs(at) < 1e-3))
    assume(abs(c.u2) < 50 and abs(c.u1) < 50)
    numeric = (compose(f, g, h, x + step).y - compose(f, g, h, x - step).y) / (2 * step)
    assert c.dydx == pytest.approx(numeric, rel=1e-5, abs=1e-6)
