"""How numbers are written in formulas: up to 7 significant digits, a true minus sign."""

from __future__ import annotations

import math

MINUS = "\u2212"


def fmt(value: float, digits: int = 7) -> str:
    """``0.8500000000000001`` → ``0.85``, ``-0.809`` → ``−0.809``, ``2.0`` → ``2``."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else MINUS + "∞"
    if value == 0.0:
        return "0"
    text = format(value, f".{digits}g")
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}·10^{int(exponent)}"
    return text.replace("-", MINUS)


def paren(value: float, digits: int = 7) -> str:
    """A number ready to be multiplied: negative numbers in parentheses."""
    text = fmt(value, digits)
    return f"({text})" if text.startswith(MINUS) else text


def factor(value: float, digits: int = 7) -> str:
    """A number as a factor in a product written side by side: always in parentheses."""
    return f"({fmt(value, digits)})"
