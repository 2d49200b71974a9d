"""Reading typed answers and checking them against the walkthrough's values."""

from __future__ import annotations

import pytest

from sandbox.engine.numbers import fmt
from sandbox.practice.answers import check, is_right, parse_answer, tolerance


@pytest.mark.parametrize(("text", "value"), [
    ("0.85", 0.85), ("+0.85", 0.85), ("0,85", 0.85), ("−0.809", -0.809), ("-0.809", -0.809), ("-.5", -0.5),
    ("1e-3", 0.001), ("  0.85 ", 0.85), ("− 0.809", -0.809), ("+ 0,85", 0.85), ("2", 2.0), ("5.", 5.0),
    ("1 000.5", 1000.5), ("2.5·10^−3", 0.0025), ("2.5×10^-3", 0.0025), ("–0.809", -0.809), ("1E+2", 100.0),
])
def test_numbers_are_read(text, value):
    assert parse_answer(text) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize("text", [
    "", " ", "abc", "0.8.5", "1,2.3", "1,2,3", "nan", "inf", "-inf", "∞", "1_000", ".", "-", "+", "1e", "e3",
    "0x10", "½", "0.85a", "--1", "1/2", "·10^3",
])
def test_junk_is_not_a_number(text):
    assert parse_answer(text) is None
    assert check(text, 0.85) is None


@pytest.mark.parametrize(("typed", "answer"), [
    ("0.85", 0.8500000000000001), ("0,85", 0.85), ("+0.85", 0.85), ("−0.809", -0.8089999999999999),
    ("0.1743825", 0.17438250000000002), ("0.1744", 0.17438250000000002),  # rounded to 4 digits: 2.2e-4 relative
    ("-0.0270206", -0.0270206), ("-0.027", -0.0270206),  # 7.6e-4 relative
    ("0.1204", 0.12),  # within the shown digits (0.12, three significant: 0.120), 3.3e-3 relative
    ("2.004", 2.0),  # 2 is read as 2.00
    ("0", 0.0), ("1e-12", 0.0),
])
def test_right_answers_are_accepted(typed, answer):
    assert check(typed, answer, fmt(answer)) is True


@pytest.mark.parametrize(("typed", "answer"), [
    ("0.86", 0.85), ("0.809", -0.809), ("-0.8", -0.809), ("0.174", 0.1743825), ("0.17", 0.1743825),
    ("2.4", 2.0), ("1.99", 2.0), ("0.001", 0.0), ("-0.0268", -0.0270206), ("0.1743825", 0.1843825),
])
def test_wrong_answers_are_rejected(typed, answer):
    assert check(typed, answer, fmt(answer)) is False


def test_the_tolerance_is_the_largest_of_the_rules():
    assert tolerance(-0.809) == pytest.approx(0.000809)  # relative 1e-3
    assert tolerance(0.12) == pytest.approx(0.0005)  # half a unit of 0.120
    assert tolerance(2.0) == pytest.approx(0.005)  # half a unit of 2.00
    assert tolerance(0.0) == 1e-9  # absolute near zero
    assert tolerance(float("nan")) == 0.0


def test_not_finite_values_are_never_right():
    assert not is_right(float("nan"), 0.85, "0.85")
    assert not is_right(float("inf"), float("inf"), "∞")
    assert not is_right(0.85, float("nan"), "NaN")


def test_the_shown_text_defaults_to_the_formatted_answer():
    assert is_right(0.1204, 0.12) and not is_right(0.1206, 0.12)
