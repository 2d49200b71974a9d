"""Reading a typed answer and deciding whether it is right.

A student may type ``0.85``, ``+0.85``, ``0,85`` (a decimal comma), ``−0.809`` (a true minus), ``-.5``,
``1e-3``, ``2.5·10^−3`` (as the app writes small numbers), ``(−0.809)`` (as a formula writes a negative
factor) or a fraction ``1/2``, with spaces anywhere. An answer is right when it agrees with the shown answer to
the digits shown (counting at least three significant digits, so that ``2`` does not accept 2.4) or within a
relative 1e-3 (an absolute 1e-9 near zero). A new weight is right only when its change is right too: within a
tenth of the change from the old value, so the old value typed unchanged is never right, however small the step.
"""

from __future__ import annotations

import math
import re

from ..engine.numbers import fmt

#: relative tolerance of an answer
RELATIVE = 1e-3
#: absolute tolerance near zero
ABSOLUTE = 1e-9
#: the digits shown count at least this many significant digits
MIN_SIGNIFICANT = 3
#: a new value (an update) may be off by at most this share of its change from the old value
CHANGE_SHARE = 0.1

_MINUSES = "\u2212\u2013\u2012\ufe63\uff0d"  # minus sign, en dash, figure dash, small and full-width hyphen-minus
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_POWER = re.compile(r"(?P<mantissa>.+?)(?:·|\*|×|x|⋅)10\^\(?(?P<exponent>[+-]?\d+)\)?")
_SPACES = re.compile(r"\s+")


def parse_answer(text: str) -> float | None:
    """The number typed, or None when the text is not a number."""
    text = _SPACES.sub("", text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " "))
    for minus in _MINUSES:
        text = text.replace(minus, "-")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if len(text) > 2 and text[0] == "(" and text[-1] == ")":
        text = text[1:-1]
    if text.count("/") == 1:
        numerator, denominator = map(_plain, text.split("/"))
        if numerator is None or not denominator:
            return None
        return numerator / denominator
    power = _POWER.fullmatch(text)
    if power is not None:
        mantissa = _plain(power.group("mantissa"))
        if mantissa is None:
            return None
        value = mantissa * 10.0 ** int(power.group("exponent"))
        return value if math.isfinite(value) else None
    return _plain(text)


def _plain(text: str) -> float | None:
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def tolerance(answer: float, shown: str | None = None, old: float | None = None) -> float:
    """How far a right answer may be from ``answer``: half a unit of the last digit shown (at least three
    significant digits), a relative 1e-3, or 1e-9, whichever is largest; for a new value (``old`` the value
    before the update) at most a tenth of the change (never less than the rounding of the answer shown, or
    1e-9)."""
    answer = float(answer)
    if not math.isfinite(answer):
        return 0.0
    shown = fmt(answer) if shown is None else shown
    within = max(RELATIVE * abs(answer), _half_unit(answer, shown), ABSOLUTE)
    if old is not None and math.isfinite(old):
        # the answer as shown (7 significant digits) stays right, however small the change
        within = max(min(within, CHANGE_SHARE * abs(answer - float(old))), _shown_rounding(answer), ABSOLUTE)
    return within


def _shown_rounding(answer: float, digits: int = 7) -> float:
    """How far the answer as ``fmt`` shows it may be from the answer: half a unit of its last digit."""
    if answer == 0.0:
        return 0.0
    return 0.5 * 10.0 ** (math.floor(math.log10(abs(answer))) - digits + 1)


def _half_unit(answer: float, shown: str) -> float:
    if answer == 0.0:
        return 0.0
    mantissa = shown.split("·")[0]
    digits = len(re.sub(r"\D", "", mantissa).lstrip("0")) or 1
    digits = max(digits, MIN_SIGNIFICANT)
    exponent = math.floor(math.log10(abs(answer)))
    return 0.5 * 10.0 ** (exponent - digits + 1)


def is_right(value: float, answer: float, shown: str | None = None, old: float | None = None) -> bool:
    """Whether ``value`` is the answer, to the digits shown or within a relative 1e-3 (a new value: and within a
    tenth of its change from ``old``)."""
    value, answer = float(value), float(answer)
    if not (math.isfinite(value) and math.isfinite(answer)):
        return False
    return abs(value - answer) <= tolerance(answer, shown, old) * (1 + 1e-9)


def check(text: str, answer: float, shown: str | None = None, old: float | None = None) -> bool | None:
    """Whether the typed ``text`` is the answer; None when it is not a number."""
    value = parse_answer(text)
    return None if value is None else is_right(value, answer, shown, old)
