"""Reading the numbers of a CSV data file named by a network file (``data.csv``)."""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from . import schema as S
from . import settings_table as T
from .checker import Checker, CsvData, describe


def check_csv(c: Checker, d: dict[str, Any], n_in: int | None, n_out: int | None,
              base_dir: str | os.PathLike[str] | None) -> CsvData | None:
    c.obj(d, "data", S.CSV_KEYS, ("csv", "target_columns"))
    for setting in T.CSV_SETTINGS:
        if setting.key in d:
            c.setting(d[setting.key], f"data.{setting.key}", setting)
    columns = d.get("target_columns")
    if "target_columns" in d:
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
    try:
        size = path.stat().st_size
    except OSError as e:
        c.add("data.csv", f"cannot read the CSV file {path_text!r}: {e.strerror or e}")
        return None
    if size > S.MAX_FILE_BYTES:
        c.add("data.csv", f"the CSV file {path_text!r} is {size / 2**20:.1f} MB; files over "
                          f"{S.MAX_FILE_BYTES // 2**20} MB are refused")
        return None
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = [(n, row) for n, row in enumerate(csv.reader(f), start=1) if any(cell.strip() for cell in row)]
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        c.add("data.csv", f"cannot read the CSV file {path_text!r}: {getattr(e, 'strerror', None) or e}")
        return None
    if not rows:
        c.add("data.csv", f"the CSV file {path_text!r} is empty")
        return None
    header = None
    if any(not _is_float(cell) for cell in rows[0][1]):
        header = [cell.strip() for cell in rows[0][1]]
        rows = rows[1:]
    width = len(header) if header is not None else len(rows[0][1]) if rows else 0
    if not rows:
        c.add("data.csv", f"the CSV file {path_text!r} has no data rows")
        return None
    if len(rows) > S.MAX_SAMPLES:
        c.add("data.csv", f"the CSV file {path_text!r} has {len(rows):,} rows; at most {S.MAX_SAMPLES:,} are supported")
        return None
    bad = 0
    values = np.empty((len(rows), width))
    for r, (line, row) in enumerate(rows):
        if len(row) != width:
            c.add("data.csv", f"{path_text} line {line}: expected {width} columns, got {len(row)}")
            bad += 1
        else:
            for k, cell in enumerate(row):
                x = _to_float(cell)
                if x is None:
                    c.add("data.csv", f"{path_text} line {line}, column {k + 1}: expected a finite number, "
                                      f"got {cell.strip()!r}")
                    bad += 1
                    break
                values[r, k] = x
        if bad >= 10:
            c.add("data.csv", f"{path_text}: more problems not shown")
            return None
    if bad or columns is None:
        return None
    targets: list[int] = []
    for k, col in enumerate(columns):
        if isinstance(col, int):
            if col >= width:
                c.add(f"data.target_columns[{k}]", f"column {col} does not exist: {path_text} has {width} columns "
                                                   f"(numbered from 0)")
                return None
            targets.append(col)
        else:
            if header is None or col not in header:
                known = f"its columns are {', '.join(header)}" if header else "it has no header row"
                c.add(f"data.target_columns[{k}]", f'{path_text} has no column "{col}" ({known})')
                return None
            targets.append(header.index(col))
    inputs = [k for k in range(width) if k not in targets]
    if n_in is not None and len(inputs) != n_in:
        c.add("data.csv", f"{path_text} has {len(inputs)} input column{'s' if len(inputs) != 1 else ''} "
                          f"(besides the target columns), but the network has {n_in} input"
                          f"{'s' if n_in != 1 else ''}")
        return None
    if n_out is not None and len(targets) != n_out:
        c.add("data.target_columns", f"{len(targets)} target column{'s' if len(targets) != 1 else ''} given, "
                                     f"but the network has {n_out} output{'s' if n_out != 1 else ''}")
        return None
    return CsvData(values[:, inputs], values[:, targets])


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
