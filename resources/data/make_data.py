"""Makes digits.csv and iris.csv from the copies scikit-learn ships (not needed to run the app).

Usage: python make_data.py [FOLDER]  -- FOLDER holds scikit-learn's digits.csv.gz and iris.csv (its
``sklearn/datasets/data`` folder; by default the one of the installed scikit-learn).
"""

from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
IRIS_COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]


def pixel(count: str) -> str:
    """A pixel's 0..16 count divided by 16, as the shortest exact text: 0, 0.0625, 0.5, 1."""
    value = int(count) / 16
    return str(int(value)) if value.is_integer() else repr(value)


def make_digits(source: Path) -> None:
    with gzip.open(source / "digits.csv.gz", "rt", encoding="ascii") as f:
        rows = [line.strip().split(",") for line in f if line.strip()]
    assert len(rows) == 1797 and all(len(row) == 65 for row in rows)
    with open(HERE / "digits.csv", "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow([f"p{k}" for k in range(1, 65)] + ["digit"])
        for row in rows:
            out.writerow([pixel(x) for x in row[:64]] + [str(int(float(row[64])))])


def make_iris(source: Path) -> None:
    with open(source / "iris.csv", encoding="ascii") as f:
        lines = [line.strip() for line in f if line.strip()]
    assert lines[0] == "150,4,setosa,versicolor,virginica" and len(lines) == 151
    with open(HERE / "iris.csv", "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(IRIS_COLUMNS)
        for line in lines[1:]:
            *measures, species = line.split(",")
            out.writerow([repr(float(x)) for x in measures] + [str(int(species))])


def main() -> None:
    if len(sys.argv) > 1:
        source = Path(sys.argv[1])
    else:
        import sklearn.datasets  # type: ignore[import-not-found]

        source = Path(sklearn.datasets.__file__).parent / "data"
    make_digits(source)
    make_iris(source)


if __name__ == "__main__":
    main()
