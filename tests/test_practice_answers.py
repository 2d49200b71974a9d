"""Reading typed answers and checking them against the walkthrough's values."""

from __future__ import annotations

import pytest

from sandbox.engine.numbers import fmt
from sandbox.practice.answers import check, is_right, parse_answer, tolerance


@pytest.mark.parametrize(("text", "value"), [
    ("0.85", 0.85), ("+0.85", 0.85), ("0,85", 0.85), ("−0.809", -0.809), ("-0.809", -0.809), ("-.5", -0.5),
    ("1e-3", 0.001), ("  0.85 ", 0.85), ("− 0.809", -0.809), ("+ 0,85", 0.85), ("2", 2.0), ("5.", 5.0),
    ("1 000.5", 1000.5), ("2.5·10^−3", 0.0025), ("2.5×10^-3", 0.0025), ("–0.809", -0.809), ("1E+2", 100.0),
    ("1/2", 0.5), ("−1/4", -0.25), ("3 / 8", 0.375), ("1,5/3", 0.5), ("(−0.809)", -0.809), ("(2.5·10^−3)", 0.0025),
    ("-0", 0.0),
])
def test_numbers_are_read(text, value):
    assert parse_answer(text) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize("text", [
    "", " ", "abc", "0.8.5", "1,2.3", "1,2,3", "nan", "inf", "-inf", "∞", "1_000", ".", "-", "+", "1e", "e3",
    "0x10", "½", "0.85a", "--1", "1/0", "1/2/3", "/2", "1/", "()", "(0.85", "·10^3",
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
    ("0", 0.0), ("1e-12", 0.0), ("-0", 0.0), ("0", -0.0), ("−0", -0.0),  # negative zero is zero
    ("0.8495", 0.85), ("17/20", 0.85),
    ("2.5e-5", 2.5e-5), ("0.000025", 2.5e-5), ("2.501·10^−5", 2.5e-5),  # small values: relative, not absolute
    ("0", 1e-17),  # a gradient that is 0 but for rounding
])
def test_right_answers_are_accepted(typed, answer):
    assert check(typed, answer, fmt(answer)) is True


@pytest.mark.parametrize(("typed", "answer"), [
    ("0.86", 0.85), ("0.809", -0.809), ("-0.8", -0.809), ("0.174", 0.1743825), ("0.17", 0.1743825),
    ("2.4", 2.0), ("1.99", 2.0), ("0.001", 0.0), ("-0.0268", -0.0270206), ("0.1743825", 0.1843825),
    ("0.849", 0.85),  # 0.85 is exact: 0.849 is 1.2e-3 off, a slip, not a rounding of 0.85
    ("0", 2.5e-5), ("2.6e-5", 2.5e-5), ("-2.5e-5", 2.5e-5),
])
def test_wrong_answers_are_rejected(typed, answer):
    assert check(typed, answer, fmt(answer)) is False


def test_a_new_value_is_right_only_when_its_change_is():
    """w1 ← −0.71 − 0.05·(−0.0084) = −0.7095794: the old value is within a relative 1e-3 of the new one, yet
    typing it is computing no update at all; the change must be right to a tenth."""
    new, old = -0.7095793637329956, -0.71
    assert is_right(old, new, fmt(new))  # without the old value the rule cannot tell
    assert is_right(old, new, fmt(new), old=old) is False
    assert check("-0.71", new, fmt(new), old) is False
    for typed in ("-0.7095794", "-0.70958", "-0.7096", "−0,7095"):
        assert check(typed, new, fmt(new), old) is (typed != "−0,7095"), typed
    assert tolerance(new, fmt(new), old) == pytest.approx(0.1 * abs(new - old))
    assert tolerance(0.1743825, "0.1743825", 0.14) == tolerance(0.1743825)  # a big change: the usual rule
    assert is_right(0.14, 0.14, "0.14", old=0.14)  # a frozen or dead weight keeps its value: typing it is right
    assert tolerance(0.14, "0.14", 0.14) == pytest.approx(5e-8)  # half a unit of the 7th digit fmt shows
    # a change smaller than the digits shown: the answer as shown is still right
    for new, old in ((0.123456789, 0.123456789), (0.123456789, 0.1234567), (-2.000000049, -2.0)):
        assert check(fmt(new), new, fmt(new), old), (new, old)
        assert check(repr(new), new, fmt(new), old)


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
