"""How the window writes numbers: 4 significant digits on screen, full precision in tooltips, powers
of ten with real superscripts (``3.457·10⁻⁵``, never ``3.457e-05`` or ``3.457·10^−5``).

Formatting only: every number formatted here comes from the engine. The engine's own formula
strings keep their ``10^−5`` (the explain renderers parse it); this is for the GUI's own numbers.
"""

from __future__ import annotations

import math
import re

from sandbox.engine.numbers import MINUS, fmt

SHORT_DIGITS = 4
FULL_DIGITS = 15

_SUPERSCRIPT = str.maketrans("0123456789" + MINUS + "+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")
_PLAIN = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_POWER = re.compile(r"10\^([" + MINUS + r"+-]?\d+)")
#: a typed power of ten: "·10⁻⁵", "×10^-5", "*10^−5", "x10⁵" (after the mantissa)
_TYPED_POWER = re.compile(r"\s*[·×*xX]\s*10\s*(?:\^\s*([+-]?\d+)|([⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))\s*$")


def superscript_powers(text: str) -> str:
    """``3.457·10^−5`` → ``3.457·10⁻⁵`` (every ``10^n`` in ``text``)."""
    return _POWER.sub(lambda m: "10" + m.group(1).translate(_SUPERSCRIPT), text)


def short(value: float | None) -> str:
    """``0.1743825`` → ``0.1744``, ``-0.809`` → ``−0.809``, ``3.4567e-05`` → ``3.457·10⁻⁵``;
    empty for an unknown value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return superscript_powers(fmt(value, SHORT_DIGITS))


def full(value: float | None) -> str:
    """Full precision (15 significant digits: every digit a double carries reliably, without the
    last-bit noise of ``0.1 + 0.2``), with a true minus sign and a superscript power of ten."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return superscript_powers(fmt(value, FULL_DIGITS))


def parse_number(text: str) -> float:
    """A number typed by a person: accepts ``−`` and ``,`` as decimal mark, ``1e-5``, and the
    powers of ten the window writes (``1.5·10⁻⁵``, ``1.5×10^-5``); raises ValueError."""
    cleaned = text.strip().replace(MINUS, "-").replace("\u2013", "-").replace(",", ".")
    power = _TYPED_POWER.search(cleaned)
    if power is not None:
        exponent = power.group(1) if power.group(1) is not None else power.group(2).translate(_PLAIN)
        cleaned = f"{cleaned[:power.start()].strip() or '1'}e{exponent}"
    value = float(cleaned)
    if not math.isfinite(value):
        raise ValueError("the value must be a finite number")
    return value
