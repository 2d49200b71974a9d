"""The checker of network files: it collects every problem with its place, and checks values one at a time."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import schema as S
from . import settings_table as T
from .errors import Problem
from .limits import MAX_QUOTED_CHARS
from .text_rules import TextKind, text_problem


def describe(value: Any) -> str:
    """A short description of a JSON value for messages: ``a string ("two")``, ``a list``, ``true``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, S.BadNumber):
        return value.text
    if isinstance(value, str):
        short = value if len(value) <= 30 else value[:27] + "…"
        return f'a string ("{short}")'
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def join(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


def choices(names: Iterable[str]) -> str:
    return ", ".join(names)


@dataclass
class CsvData:
    inputs: NDArray[np.float64]
    targets: NDArray[np.float64]


@dataclass
class Checker:
    """Collects problems; each check returns the value when it is good and None otherwise."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, where: str, what: str) -> None:
        self.problems.append(Problem(where or "file", what))

    # ---- structure -----------------------------------------------------------------------
    def obj(self, value: Any, where: str, allowed: Sequence[str], required: Sequence[str] = (), what: str = "",
            misplaced: Mapping[str, str] | None = None,
            hints: Mapping[str, str] | None = None) -> dict[str, Any] | None:
        """An object with only ``allowed`` keys and every ``required`` one; ``misplaced`` says what a key of
        another variant is told instead of "unknown key", ``hints`` what a missing key is."""
        if not isinstance(value, dict):
            self.add(where, f"expected an object {{…}}{what}, got {describe(value)}")
            return None
        for key in getattr(value, "duplicates", ()):
            self.add(join(where, key), "this key appears more than once")
        for key in value:
            if key not in allowed:
                if misplaced and key in misplaced:
                    self.add(join(where, key), misplaced[key])
                    continue
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f' (did you mean "{close[0]}"?)' if close else f" (expected one of: {choices(allowed)})"
                self.add(join(where, key), "unknown key" + hint)
        for key in required:
            if key not in value:
                note = hints.get(key, "") if hints else ""
                self.add(where, f'missing required key "{key}"' + (f" ({note})" if note else ""))
        return value

    def present(self, d: dict[str, Any] | None, key: str) -> bool:
        return d is not None and key in d

    # ---- scalars -------------------------------------------------------------------------
    def setting(self, value: Any, where: str, setting: T.Setting) -> T.Value | None:
        """A value of a declared setting: its kind, and a number in its range."""
        if setting.kind == "bool":
            return self.boolean(value, where)
        if setting.kind == "choice":
            return self.name(value, where, setting.choices, setting.noun or setting.key)
        if setting.kind == "int":
            lowest, highest = setting.lowest(), setting.highest()
            return self.integer(value, where, None if lowest is None else int(lowest),
                                None if highest is None else int(highest), setting.whole_number_what())
        x = self.number(value, where)
        if x is None:
            return None
        if not setting.contains(x):
            self.add(where, f"{setting.range_message()}, got {value!r}")
            return None
        return x

    def number(self, value: Any, where: str) -> float | None:
        """A finite number (an integer as large as a float64 holds, too)."""
        if isinstance(value, S.BadNumber):
            self.add(where, f"{value.text} is not allowed: numbers must be finite")
            return None
        if not is_number(value):
            self.add(where, f"expected a number, got {describe(value)}")
            return None
        try:
            x = float(value)
        except OverflowError:  # an integer beyond float64
            x = math.inf
        if not math.isfinite(x):
            self.add(where, f"{value} is out of range: numbers must be finite")
            return None
        return x

    def integer(self, value: Any, where: str, minimum: int | None = 0, maximum: int | None = None,
                what: str = "a whole number") -> int | None:
        if isinstance(value, S.BadNumber):
            self.add(where, f"{value.text} is not allowed: numbers must be finite")
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.add(where, f"expected {what}, got {describe(value)}")
            return None
        if minimum is not None and value < minimum:
            self.add(where, f"must be at least {minimum}, got {value}")
            return None
        if maximum is not None and value > maximum:
            self.add(where, f"must be at most {maximum:,}, got {value:,}")
            return None
        return value

    def boolean(self, value: Any, where: str) -> bool | None:
        if not isinstance(value, bool):
            self.add(where, f"expected true or false, got {describe(value)}")
            return None
        return value

    def string(self, value: Any, where: str, kind: TextKind = "name") -> str | None:
        """A string that keeps the rule for text of ``kind`` (``text_rules``)."""
        if not isinstance(value, str):
            self.add(where, f"expected a string, got {describe(value)}")
            return None
        return self.text(value, where, kind)

    def text(self, value: str, where: str, kind: TextKind) -> str | None:
        problem = text_problem(value, kind)
        if problem is not None:
            self.add(where, f"{quoted(value)} {problem}" if kind == "label" else problem)
            return None
        return value

    def name(self, value: Any, where: str, names: Sequence[str], what: str) -> str | None:
        if not isinstance(value, str):
            self.add(where, f"expected the name of {what}, got {describe(value)}")
            return None
        if value not in names:
            self.add(where, f'unknown {what} "{value}" (expected one of: {choices(names)})')
            return None
        return value

    # ---- lists ---------------------------------------------------------------------------
    def vector(self, value: Any, where: str, n: int | None, what: str = "numbers") -> list[Any] | None:
        """A list of ``n`` finite numbers (any length when ``n`` is None)."""
        if not isinstance(value, list):
            self.add(where, f"expected a list of {what}, got {describe(value)}")
            return None
        if (n is None or len(value) == n) and _finite_numbers(value, 1):
            return value
        if n is not None and len(value) != n:  # its elements are not looked at one by one (there may be millions)
            noun = what if n != 1 else what.replace("numbers", "number", 1)
            self.add(where, f"expected {n} {noun}, got {len(value):,}")
            return None
        ok = True
        for k, x in enumerate(value):
            if self.number(x, join(where, k)) is None:
                ok = False
        return value if ok else None

    def matrix(self, value: Any, where: str, rows: int | None, cols: int | None, row_what: str = "",
               what: str = "numbers") -> list[Any] | None:
        """A list of ``rows`` lists of ``cols`` numbers each (sizes unchecked where None)."""
        if not isinstance(value, list):
            self.add(where, f"expected a list of rows, got {describe(value)}")
            return None
        if value and (rows is None or len(value) == rows) and _finite_numbers(value, 2, cols):
            return value
        if rows is not None and len(value) != rows:  # its rows are not looked at one by one (there may be millions)
            self.add(where, f"expected {rows} row{'s' if rows != 1 else ''}{row_what}, got {len(value):,}")
            return None
        ok = True
        if rows is None and not value:
            self.add(where, "expected at least one row, got none")
            ok = False
        width = cols
        for j, row in enumerate(value):
            if isinstance(row, list) and width is None:
                width = len(row)
            if self.vector(row, join(where, j), width, what) is None:
                ok = False
        return value if ok else None

    def label(self, value: Any, where: str) -> str | None:
        if not isinstance(value, str):
            self.add(where, f"expected a label (a string), got {describe(value)}")
            return None
        return self.text(value, where, "label")

    def labels(self, value: Any, where: str, n: int | None) -> list[str] | None:
        if not isinstance(value, list):
            self.add(where, f"expected a list of labels, got {describe(value)}")
            return None
        if n is not None and len(value) != n:
            self.add(where, f"expected {n} label{'s' if n != 1 else ''}, got {len(value):,}")
            return None
        ok = True
        for k, x in enumerate(value):
            if self.label(x, join(where, k)) is None:
                ok = False
        return value if ok else None

    def label_matrix(self, value: Any, where: str, rows: int | None, cols: int | None) -> list[Any] | None:
        if not isinstance(value, list):
            self.add(where, f"expected a list of rows of labels, got {describe(value)}")
            return None
        if rows is not None and len(value) != rows:
            self.add(where, f"expected {rows} row{'s' if rows != 1 else ''} (one per neuron), got {len(value):,}")
            return None
        ok = True
        for j, row in enumerate(value):
            if self.labels(row, join(where, j), cols) is None:
                ok = False
        return value if ok else None


def _finite_numbers(value: list[Any], ndim: int, cols: int | None = None) -> bool:
    """True when ``value`` is a list (``ndim`` 1) or a list of equally long lists (``ndim`` 2, ``cols`` long
    where given) of finite numbers: checked in C (numpy), so that a million numbers take milliseconds. False
    says only "look closer": the element-by-element checks then find and report each problem."""
    rows: Any = value
    if ndim == 2:
        if set(map(type, value)) != {list}:
            return False
        rows = chain.from_iterable(value)
    if not set(map(type, rows)) <= _NUMBER_TYPES:  # not bool (an int to numpy), str (parsed by numpy), BadNumber
        return False
    try:
        array = np.array(value, dtype=np.float64)
    except (ValueError, TypeError, OverflowError):  # rows of different lengths, an integer beyond float64
        return False
    if array.ndim != ndim or (cols is not None and array.shape[1] != cols):
        return False
    return bool(np.isfinite(array).all())


_NUMBER_TYPES = {float, int}


def quoted(value: str, most: int = MAX_QUOTED_CHARS) -> str:
    """A string for a message: quoted, at most ``most`` characters, unprintable characters as escapes
    (``\\x1b``)."""
    short = value if len(value) <= most else value[:most - 1] + "…"
    return '"' + "".join(ch if ch.isprintable() else _escape(ch) for ch in short) + '"'


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
