"""How the window writes numbers: 4 significant digits on screen, full precision in tooltips.

Formatting only: every number formatted here comes from the engine.
"""

from __future__ import annotations

import math

from sandbox.engine.numbers import MINUS, fmt

SHORT_DIGITS = 4


def short(value: float | None) -> str:
    """``0.1743825`` → ``0.1744``, ``-0.809`` → ``−0.809``; empty for an unknown value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return fmt(value, SHORT_DIGITS)


FULL_DIGITS = 15


def full(value: float | None) -> str:
    """Full precision (15 significant digits: every digit a double carries reliably, without the
    last-bit noise of ``0.1 + 0.2``), with a true minus sign."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return fmt(value, FULL_DIGITS)


def parse_number(text: str) -> float:
    """A number typed by a person: accepts ``−`` and ``,`` as decimal mark; raises ValueError."""
    cleaned = text.strip().replace(MINUS, "-").replace("\u2013", "-").replace(",", ".")
    value = float(cleaned)
    if not math.isfinite(value):
        raise ValueError("the value must be a finite number")
    return value
