"""CSV data files: bounded reads of regular files, limits while streaming, distinct header names, values in range,
and messages that quote at most one short cell."""

import json
import os

import numpy as np
import pytest

from sandbox.files import NetworkFileError, load_experiment
from sandbox.files.checker import Checker
from sandbox.files.csv_data import check_csv
from sandbox.resources import resource_path


def _csv_problems(folder, csv_text, csv_name="data.csv", target_columns=("y",)):
    if csv_text is not None:
        path = folder / csv_name
        path.write_bytes(csv_text if isinstance(csv_text, bytes) else csv_text.encode("utf-8"))
    c = Checker()
    data = check_csv(c, {"csv": csv_name, "target_columns": list(target_columns)}, None, None, folder)
    return data, [str(p) for p in c.problems]


def test_a_good_csv_with_blank_lines_and_crlf_reads_its_numbers(tmp_path):
    data, problems = _csv_problems(tmp_path, "a,b,y\r\n\r\n1,2,3\r\n  \r\n4,5.5,-6\r\n")
    assert problems == []
    assert data.inputs.tolist() == [[1, 2], [4, 5.5]] and data.targets.tolist() == [[3], [-6]]


def test_a_csv_without_header_and_quoted_numbers(tmp_path):
    data, problems = _csv_problems(tmp_path, '1,"2"\n3,4\n', target_columns=(1,))
    assert problems == [] and data.inputs.tolist() == [[1], [3]] and data.targets.tolist() == [[2], [4]]


def test_a_million_and_one_rows_are_refused_at_the_row_too_many(tmp_path):
    _, problems = _csv_problems(tmp_path, "0\n" * 1_000_001, target_columns=(0,))
    assert problems == ["data.csv: the CSV file 'data.csv' has more than 1,000,000 rows; at most 1,000,000 "
                        "samples are supported"]


def test_a_million_rows_are_the_limit(tmp_path):
    data, problems = _csv_problems(tmp_path, "y\n" + "0\n" * 1_000_000, target_columns=(0,))
    assert problems == [] and data.targets.shape == (1_000_000, 1)


def test_more_numbers_than_allowed_are_refused(tmp_path):
    _, problems = _csv_problems(tmp_path, "0,0,0,0,0\n" * 800_001, target_columns=(0,))
    assert problems == ["data.csv: the CSV file 'data.csv' has more than 4,000,000 numbers (5 columns of "
                        "800,001 rows); at most 4,000,000 are supported"]


def test_over_the_row_limit_wins_over_bad_cells(tmp_path):
    """A file of '0,' rows: the row limit is what matters, not each empty cell."""
    _, problems = _csv_problems(tmp_path, "0,\n" * 1_000_001, target_columns=(1,))
    assert problems == ["data.csv: the CSV file 'data.csv' has more than 1,000,000 rows; at most 1,000,000 "
                        "samples are supported"]


def test_a_duplicated_header_name_is_refused(tmp_path):
    _, problems = _csv_problems(tmp_path, "x,a,b,c,x,y\n1,2,3,4,5,6\n")
    assert problems == ['data.csv: data.csv line 1: column "x" is named twice in the header, columns 1 and 5']


def test_a_header_name_keeps_the_rule_for_text(tmp_path):
    _, problems = _csv_problems(tmp_path, "a\x1bb,y\n1,2\n")
    assert problems == ['data.csv: data.csv line 1, column 1: the column name "a\\x1bb" holds the control '
                        "character U+001B (escape) at character 2: not allowed in a column name"]


def test_a_huge_value_is_refused_with_its_place(tmp_path):
    _, problems = _csv_problems(tmp_path, "a,y\n1,2\n3,1e300\n")
    assert problems == ['data.csv: data.csv line 3, column 2: "1e300" is larger than 10¹⁵ in magnitude; data that '
                        "large overflows sums and squares: rescale it"]


def test_a_bad_cell_is_quoted_short_and_escaped_and_only_once(tmp_path):
    _, problems = _csv_problems(tmp_path, "a,y\n1," + "x" * 5000 + "\n2,\x07bell\n3,nan\n4,inf\n5,6,7\n")
    assert problems == [
        'data.csv: data.csv line 2, column 2: expected a finite number, got "' + "x" * 39 + '…"',
        "data.csv: data.csv line 3, column 2: expected a finite number",
        "data.csv: data.csv line 4, column 2: expected a finite number",
        "data.csv: data.csv: more problems not shown"]


def test_etc_passwd_shows_at_most_one_short_cell():
    c = Checker()
    check_csv(c, {"csv": "/etc/passwd", "target_columns": [0]}, None, None, None)
    text = "\n".join(str(p) for p in c.problems)
    assert len(c.problems) <= 4
    assert text.count('"') <= 2 and len(text) < 400
    assert "/bin/" not in text.split('"')[0] + (text.split('"')[2] if text.count('"') == 2 else "")


def test_a_binary_file_is_not_a_csv_file(tmp_path):
    _, problems = _csv_problems(tmp_path, bytes(range(256)) * 4)
    assert problems == ["data.csv: the CSV file 'data.csv' is not a CSV file: it holds NUL characters "
                        "(a binary file?)"]
    _, problems = _csv_problems(tmp_path, b"a,y\n\xff\xfe,1\n")
    assert problems == ["data.csv: the CSV file 'data.csv' is not UTF-8 text (byte 5 cannot be decoded)"]


def test_special_files_are_refused(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "folder").mkdir()
    assert _csv_problems(tmp_path, None, "pipe")[1] == [
        "data.csv: the CSV file 'pipe' is a FIFO (named pipe), not a regular file"]
    assert _csv_problems(tmp_path, None, "/dev/zero")[1] == [
        "data.csv: the CSV file '/dev/zero' is a character device, not a regular file"]
    assert _csv_problems(tmp_path, None, "folder")[1] == [
        "data.csv: the CSV file 'folder' is a folder, not a regular file"]
    assert _csv_problems(tmp_path, None, "missing.csv")[1] == [
        "data.csv: cannot read the CSV file 'missing.csv': No such file or directory"]


def test_a_nul_or_an_over_long_csv_path_is_refused(tmp_path):
    assert _csv_problems(tmp_path, None, "da\x00ta.csv")[1] == [
        "data.csv: holds the control character U+0000 (NUL) at character 3: not allowed in a path"]
    assert _csv_problems(tmp_path, None, "a" * 1025)[1] == ["data.csv: is 1,025 characters long; at most 1,024 are "
                                                            "allowed"]


def test_a_missing_target_column_lists_the_names_short(tmp_path):
    _, problems = _csv_problems(tmp_path, ",".join(f"c{k}" + "x" * 60 for k in range(12)) + "\n" + "1," * 11 + "1\n")
    assert problems[0].startswith('data.target_columns[0]: data.csv has no column "y" (its columns are "c0xxx')
    assert problems[0].endswith('…" and 2 more)') and len(problems[0]) < 600


@pytest.mark.parametrize("where", ["same", "parent", "absolute"])
def test_relative_parent_and_absolute_paths_are_accepted(tmp_path, where):
    (tmp_path / "sub").mkdir()
    (tmp_path / "points.csv").write_text("x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n", encoding="utf-8")
    folder = tmp_path if where == "same" else tmp_path / "sub"
    csv = {"same": "points.csv", "parent": "../points.csv", "absolute": str(tmp_path / "points.csv")}[where]
    doc = json.loads(resource_path("networks", "xor.json").read_text(encoding="utf-8"))
    doc["data"] = {"csv": csv, "target_columns": ["y"]}
    (folder / "net.json").write_text(json.dumps(doc), encoding="utf-8")
    exp = load_experiment(folder / "net.json")
    np.testing.assert_array_equal(exp.data.targets, [[0], [1], [1], [0]])


def test_a_refused_csv_makes_loading_refuse_the_network(tmp_path):
    (tmp_path / "points.csv").write_text("x1,x1,y\n0,0,0\n", encoding="utf-8")
    doc = json.loads(resource_path("networks", "xor.json").read_text(encoding="utf-8"))
    doc["data"] = {"csv": "points.csv", "target_columns": ["y"]}
    (tmp_path / "net.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(NetworkFileError) as info:
        load_experiment(tmp_path / "net.json")
    assert [str(p) for p in info.value.problems] == [
        'data.csv: points.csv line 1: column "x1" is named twice in the header, columns 1 and 2']
