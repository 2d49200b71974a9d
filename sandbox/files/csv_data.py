"""Reading the numbers of a CSV data file named by a network file (``data.csv``).

The path is relative to the network file's folder, or absolute (``../`` paths too); the file is read with a
bounded read (regular files only, at most ``MAX_FILE_BYTES``) and refused at the first row beyond the limits
of samples and numbers."""

from __future__ import annotations

import csv
import math
import os
import re
import warnings
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import limits as L
from . import schema as S
from . import settings_table as T
from .checker import Checker, CsvData, describe, quoted
from .errors import NetworkFileError
from .reading import read_regular_file
from .settings_table import number_text
from .text_rules import text_problem


def check_csv(c: Checker, d: dict[str, Any], n_in: int | None, n_out: int | None,
              base_dir: str | os.PathLike[str] | None) -> CsvData | None:
    c.obj(d, "data", S.CSV_KEYS, ("csv",))
    for setting in T.CSV_SETTINGS:
        if setting.key in d:
            c.setting(d[setting.key], f"data.{setting.key}", setting)
    columns = d.get("target_columns")
    by_class = "class_column" in d
    if by_class and "target_columns" in d:
        c.add("data", 'give either "target_columns" (the targets\' own columns) or "class_column" (one column of '
                      'class numbers), not both')
        columns = None
    elif by_class:
        column = d["class_column"]
        if isinstance(column, str) or (isinstance(column, int) and not isinstance(column, bool) and column >= 0):
            columns = [column]
        else:
            c.add("data.class_column", f"expected a column name or a 0-based column number, got {describe(column)}")
            columns = None
    elif "target_columns" not in d:
        c.add("data", 'missing required key "target_columns" (the columns of the targets), or "class_column" '
                      "(one column of class numbers)")
        columns = None
    elif "target_columns" in d:
        if not isinstance(columns, list) or not columns or not all(
                isinstance(x, str) or (isinstance(x, int) and not isinstance(x, bool) and x >= 0) for x in columns):
            c.add("data.target_columns", f"expected a non-empty list of column names or 0-based column numbers, "
                                         f"got {describe(columns)}")
            columns = None
        elif len(set(columns)) != len(columns):
            c.add("data.target_columns", "a column is named twice")
            columns = None
    path_text = c.string(d["csv"], "data.csv", "path")
    if path_text is None:
        return None
    path = Path(path_text)
    if not path.is_absolute():
        path = Path(base_dir or ".") / path
    table = read_csv(c, path, path_text)
    if table is None or columns is None:
        return None
    if by_class:
        return _class_targets(c, table, columns[0], path_text, n_in, n_out)
    return _split_columns(c, table, columns, path_text, n_in, n_out)


@dataclass
class CsvTable:
    """The numbers of a CSV file, one row per data row, and its header (None when it has none)."""

    values: NDArray[np.float64]
    header: list[str] | None


def read_csv(c: Checker, path: Path, path_text: str) -> CsvTable | None:
    """The numbers of the CSV file at ``path`` (named ``path_text`` in messages), or None and its problems.

    The file is read with a bounded read, then parsed from memory row by row: a file over the limits of
    samples or numbers is refused at the first row beyond them, before the rest is parsed. A message quotes at
    most the one offending cell, shortened and with unprintable characters escaped; at most
    ``MAX_PROBLEMS`` problems are listed."""
    named = f"the CSV file {path_text!r}"
    try:
        data = read_regular_file(path, L.MAX_FILE_BYTES, "CSV files")
    except NetworkFileError as e:
        why = e.problems[0].what
        cannot = "cannot be read: "
        c.add("data.csv", f"cannot read {named}: {why[len(cannot):]}" if why.startswith(cannot)
              else f"{named} {why}")
        return None
    if b"\x00" in data:
        c.add("data.csv", f"{named} is not a CSV file: it holds NUL characters (a binary file?)")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        c.add("data.csv", f"{named} is not UTF-8 text (byte {e.start + 1} cannot be decoded)")
        return None
    del data
    reader = _Rows(c, text, path_text)
    try:
        return reader.read()
    except _Stop:
        return None
    except csv.Error as e:
        reader.report()
        c.add("data.csv", f"{named} is not a CSV file: line {reader.lines.number}: {e}")
        return None


#: problems listed from one CSV file before "more problems not shown"
MAX_PROBLEMS = 3


class _Stop(Exception):
    """Reading a CSV file stops: its problems are already reported."""


class _Lines:
    """The lines of a text one at a time (kept ends, as ``csv.reader`` wants them), runs of blank lines skipped
    in C; ``number`` is the line number of the last one given."""

    def __init__(self, text: str):
        self.text = text
        self.end = "\n" if "\n" in text or "\r" not in text else "\r"
        self.start = 0
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        text, end = self.text, self.end
        while True:
            blank = _BLANK_LINES.match(text, self.start)
            skipped = blank.end() if blank is not None else self.start
            if skipped > self.start:
                self.number += text.count(end, self.start, skipped)
                self.start = skipped
            if self.start >= len(text):
                return
            stop = text.find(end, self.start)
            stop = len(text) if stop < 0 else stop + 1
            line = text[self.start:stop]
            self.start = stop
            self.number += 1
            yield line


def _line_batches(text: str, start: int, size: int = 1 << 20) -> Iterator[list[str]]:
    """The lines of ``text`` from ``start``, about ``size`` characters of them at a time (split in C; a
    ``StringIO`` would hold the text again, at 4 bytes a character)."""
    while start < len(text):
        end = text.find("\n", min(start + size, len(text)))
        end = len(text) if end < 0 else end + 1
        yield text[start:end].split("\n")
        start = end


_BLANK_LINES = re.compile(r"(?:[ \t]*(?:\r\n|\n|\r))*")


class _Rows:
    """Reads the rows of a CSV text into numbers, with its problems."""

    def __init__(self, c: Checker, text: str, path_text: str):
        self.c = c
        self.lines = _Lines(text)
        self.path_text = path_text
        self.problems: list[str] = []  # held back: a file over the limits is refused with that alone
        self.more = False
        self.quoted_a_cell = False

    def cell(self, text: str) -> str:
        """`` "the cell"`` for the first problem that quotes a cell, shortened; nothing for later ones (so that
        a file that is no CSV file, such as /etc/passwd, shows at most one short piece of it)."""
        if self.quoted_a_cell:
            return ""
        self.quoted_a_cell = True
        return f" {quoted(text.strip())}"

    def add(self, what: str) -> None:
        if len(self.problems) == MAX_PROBLEMS:
            self.more = True
        else:
            self.problems.append(f"{self.path_text} {what}")

    def report(self) -> None:
        """The problems held back, and that there were more."""
        for what in self.problems:
            self.c.add("data.csv", what)
        if self.more:
            self.c.add("data.csv", f"{self.path_text}: more problems not shown")

    def refuse(self, what: str, alone: bool = False) -> None:
        """Stops reading: the problems found so far (unless ``alone``), then ``what``."""
        if not alone:
            self.report()
        self.c.add("data.csv", f"the CSV file {self.path_text!r} {what}")
        raise _Stop

    def read(self) -> CsvTable | None:
        rows = (row for row in csv.reader(self.lines) if any(cell.strip() for cell in row))
        first = next(rows, None)
        if first is None:
            self.refuse("is empty")
            return None
        header = None
        width = len(first)
        numbers = array("d")
        count = 0
        if all(_is_float(cell) for cell in first if cell.strip()):  # "0," is a row of numbers with one missing
            self.row(first, width, numbers)
            count = 1
        else:
            header = self.header(first)
        if not self.problems:
            rest = self.fast(width, count)
            if rest is not None:
                values = np.frombuffer(numbers, dtype=np.float64).reshape(count, width)
                return CsvTable(np.concatenate([values, rest]) if count else rest, header)
        most = self.most_rows(width)
        for row in rows:
            count += 1
            if count > most:
                self.over(count, width)
            self.row(row, width, numbers)
        if not count:
            self.refuse("has no data rows")
        if self.problems:
            self.report()
            raise _Stop
        return CsvTable(np.frombuffer(numbers, dtype=np.float64).reshape(count, width), header)

    def most_rows(self, width: int) -> int:
        """The most data rows a file of ``width`` columns may have."""
        return min(L.MAX_SAMPLES, L.MAX_DATA_NUMBERS // max(width, 1))

    def over(self, rows: int, width: int) -> None:
        """Refuses a file found to have at least ``rows`` rows, more than it may have."""
        if rows > L.MAX_SAMPLES:
            self.refuse(f"has more than {L.MAX_SAMPLES:,} rows; at most {L.MAX_SAMPLES:,} samples are supported",
                        alone=True)
        self.refuse(f"has more than {L.MAX_DATA_NUMBERS:,} numbers ({width} columns of {rows:,} rows); "
                    f"at most {L.MAX_DATA_NUMBERS:,} are supported", alone=True)

    def fast(self, width: int, count: int) -> NDArray[np.float64] | None:
        """The rows after the first, read at once in C (``numpy.loadtxt``) when every one is ``width`` good
        numbers; None otherwise (the rows are then read one by one, which says what is wrong and where).
        A file with more rows than allowed is refused at the first row too many."""
        if '"' in self.lines.text:
            return None  # a quoted cell may span lines, which the line batches below would join: read row by row
        most = self.most_rows(width) - count
        text = chain.from_iterable(_line_batches(self.lines.text, self.lines.start))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "input contained no data", blank lines not counted as rows
            try:
                values = np.loadtxt(text, dtype=np.float64, delimiter=",", comments=None, quotechar='"', ndmin=2,
                                    max_rows=most + 1)
            except ValueError:
                return None
        if len(values) > most:
            self.over(count + len(values), width)
        if not len(values) or values.shape[1] != width:
            return None
        if not np.isfinite(values).all() or (np.abs(values) > L.MAX_DATA_MAGNITUDE).any():
            return None
        return values

    def header(self, cells: list[str]) -> list[str]:
        names = [cell.strip() for cell in cells]
        first_seen: dict[str, int] = {}
        for k, name in enumerate(names, start=1):
            problem = text_problem(name, "column")
            if problem is not None:
                self.add(f"line {self.lines.number}, column {k}: the column name {quoted(name)} {problem}")
            elif name in first_seen:
                self.add(f"line {self.lines.number}: column {quoted(name)} is named twice in the header, "
                         f"columns {first_seen[name]} and {k}")
            else:
                first_seen[name] = k
        return names

    def row(self, cells: list[str], width: int, numbers: array[float]) -> None:
        if self.more:  # the file is refused: only its rows are still counted (it may be over the limits)
            return
        line = self.lines.number
        if len(cells) != width:
            self.add(f"line {line}: expected {width} columns, got {len(cells)}")
            numbers.extend([0.0] * width)  # keeps the shape; the file is refused anyway
            return
        for k, cell in enumerate(cells, start=1):
            x = _to_float(cell)
            if x is None:
                shown = self.cell(cell)
                self.add(f"line {line}, column {k}: expected a finite number" + (f", got{shown}" if shown else ""))
                x = 0.0
            elif abs(x) > L.MAX_DATA_MAGNITUDE:
                self.add(f"line {line}, column {k}: {quoted(cell.strip())} is larger than 10¹⁵ in magnitude; data "
                         f"that large overflows sums and squares: rescale it")
            numbers.append(x)


def _column_index(c: Checker, table: CsvTable, col: str | int, where: str, path_text: str) -> int | None:
    """The 0-based index of a column given by its name or number, or None and the problem at ``where``."""
    header, width = table.header, table.values.shape[1]
    if isinstance(col, int):
        if col >= width:
            c.add(where, f"column {col} does not exist: {path_text} has {width} columns (numbered from 0)")
            return None
        return col
    if header is None or col not in header:
        known = f"its columns are {_names(header)}" if header else "it has no header row"
        c.add(where, f"{path_text} has no column {quoted(col)} ({known})")
        return None
    return header.index(col)


def _input_columns(c: Checker, width: int, targets: list[int], path_text: str, n_in: int | None,
                   besides: str) -> list[int] | None:
    """The columns that are not targets; None (and the problem) when the network has another number of inputs."""
    inputs = [k for k in range(width) if k not in targets]
    if n_in is not None and len(inputs) != n_in:
        c.add("data.csv", f"{path_text} has {len(inputs)} input column{'s' if len(inputs) != 1 else ''} "
                          f"(besides {besides}), but the network has {n_in} input{'s' if n_in != 1 else ''}")
        return None
    return inputs


#: rows with a bad class number listed before "and N more rows"
MAX_CLASS_PROBLEMS = 3


def _class_targets(c: Checker, table: CsvTable, col: str | int, path_text: str, n_in: int | None,
                   n_out: int | None) -> CsvData | None:
    """The inputs and one-hot targets of a table whose ``class_column`` holds class numbers 0 … K − 1, K the
    number of outputs (with one output, 0 or 1: the class is the target itself). Without a known output size,
    K is the largest class number + 1."""
    index = _column_index(c, table, col, "data.class_column", path_text)
    if index is None:
        return None
    inputs = _input_columns(c, table.values.shape[1], [index], path_text, n_in, "the class column")
    if inputs is None:
        return None
    classes = table.values[:, index]
    whole = (classes == np.floor(classes)) & (classes >= 0)
    if n_out is None:
        count = int(classes[whole].max()) + 1 if whole.any() else 1
    else:
        count = n_out
    top = 2 if count == 1 else count  # one output: classes 0 and 1
    bad = np.flatnonzero(~whole | (classes >= top))
    if len(bad):
        name = f"column {quoted(col)}" if isinstance(col, str) else f"column {col}"
        rule = (f"a whole number from 0 to {top - 1}" + (f" (the network has {n_out} outputs, one per class)"
                                                          if n_out is not None and n_out > 1 else
                                                          " (one output: class 0 or 1)" if n_out == 1 else ""))
        for r in bad[:MAX_CLASS_PROBLEMS]:
            c.add("data.class_column", f"{path_text}, data row {r + 1}, {name}: {number_text(float(classes[r]))} "
                                       f"is not a class number: expected {rule}")
        if len(bad) > MAX_CLASS_PROBLEMS:
            more = len(bad) - MAX_CLASS_PROBLEMS
            c.add("data.class_column", f"{path_text}: {more:,} more row{'s' if more != 1 else ''} with a class "
                                       f"that is not {rule.split(' (')[0]}")
        return None
    numbers = classes.astype(np.int64)
    if count == 1:
        return CsvData(table.values[:, inputs], numbers[:, None].astype(np.float64))
    return CsvData(table.values[:, inputs], np.eye(count)[numbers])


def _split_columns(c: Checker, table: CsvTable, columns: list[Any], path_text: str, n_in: int | None,
                   n_out: int | None) -> CsvData | None:
    """The input and target columns of a table, as ``target_columns`` names them."""
    targets: list[int] = []
    for k, col in enumerate(columns):
        index = _column_index(c, table, col, f"data.target_columns[{k}]", path_text)
        if index is None:
            return None
        targets.append(index)
    inputs = _input_columns(c, table.values.shape[1], targets, path_text, n_in, "the target columns")
    if inputs is None:
        return None
    if n_out is not None and len(targets) != n_out:
        c.add("data.target_columns", f"{len(targets)} target column{'s' if len(targets) != 1 else ''} given, "
                                     f"but the network has {n_out} output{'s' if n_out != 1 else ''}")
        return None
    return CsvData(table.values[:, inputs], table.values[:, targets])


def _names(header: list[str], most: int = 10) -> str:
    """At most ``most`` column names, each quoted and shortened."""
    shown = ", ".join(quoted(name) for name in header[:most])
    return shown + (f" and {len(header) - most} more" if len(header) > most else "")


def _is_float(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _to_float(cell: str) -> float | None:
    try:
        x = float(cell)
    except ValueError:
        return None
    return x if math.isfinite(x) else None
