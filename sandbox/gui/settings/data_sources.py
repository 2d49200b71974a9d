"""Where an experiment's data comes from (the file's ``data`` entry) and how to build the data set again.

No Qt here: the dataset section asks these functions for a ``Dataset`` and the ``data_source`` that
``save_experiment`` writes back (a generator with its parameters, or a CSV file with its target
columns), so that a saved file rebuilds exactly the data the panel shows.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sandbox.engine import Dataset, generate, split
from sandbox.files import settings_table as T
from sandbox.files.validate import Checker, check_csv

#: samples, noise, seed and test fraction of a generator that leaves them out (the seed: 0, the file's default)
GENERATOR_DEFAULTS = {s.key: (0 if s.default is None else s.default) for s in T.GENERATOR.common}


def source_kind(source: dict) -> str:
    """``generator``, ``csv`` or ``inline`` (numbers written in the file)."""
    if "generator" in source:
        return "generator"
    if "csv" in source:
        return "csv"
    return "inline"


def generator_source(name: str, samples: int, noise: float, seed: int, test_fraction: float) -> dict:
    return {"generator": name, "samples": int(samples), "noise": float(noise), "seed": int(seed),
            "test_fraction": float(test_fraction)}


def generator_parameters(source: dict) -> dict:
    """samples, noise, seed and test_fraction of a generator source, defaults filled in."""
    return {key: source.get(key, default) for key, default in GENERATOR_DEFAULTS.items()}


def build_generated(source: dict) -> Dataset:
    p = generator_parameters(source)
    return generate(source["generator"], samples=int(p["samples"]), noise=float(p["noise"]), seed=int(p["seed"]),
                    test_fraction=float(p["test_fraction"]))


def csv_path(source: dict, base_dir: Path | None) -> Path:
    path = Path(source["csv"])
    return path if path.is_absolute() else Path(base_dir or ".") / path


def read_header(path: str | Path) -> tuple[list[str] | None, int]:
    """The header row's names (None when the first row holds numbers) and the number of columns."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.reader(f):
            if any(cell.strip() for cell in row):
                cells = [cell.strip() for cell in row]
                try:
                    [float(cell) for cell in cells]
                except ValueError:
                    return cells, len(cells)
                return None, len(cells)
    return None, 0


def parse_columns(text: str, header: list[str] | None) -> list[str | int]:
    """``"y"`` → ``["y"]``, ``"2, 3"`` → ``[2, 3]`` (numbers count from 0 unless they are column names)."""
    columns: list[str | int] = []
    for token in (t.strip() for t in text.split(",")):
        if not token:
            continue
        if token.isdigit() and not (header and token in header):
            columns.append(int(token))
        else:
            columns.append(token)
    return columns


def build_csv(source: dict, base_dir: Path | None, outputs: int | None = None) -> tuple[Dataset | None, list[str]]:
    """The data set of a CSV source, or None and the problems found (one line each); ``outputs``, the network's,
    is the number of classes of a ``class_column`` (one-hot targets)."""
    checker = Checker()
    entry = dict(source)
    entry["csv"] = str(csv_path(source, base_dir))
    data = check_csv(checker, entry, None, outputs if "class_column" in source else None, None)
    if checker.problems or data is None:
        return None, [f"{p.where}: {p.what}" for p in checker.problems] or ["the CSV file could not be read"]
    return split(data.inputs, data.targets, float(source.get("test_fraction", 0.0)),
                 int(source.get("seed", 0))), []
