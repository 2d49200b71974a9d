"""docs/file_format.md holds exactly the limits table that ``limits.py`` makes, and the rule for text."""

from pathlib import Path

from sandbox.files import doc_tables
from sandbox.files import limits as L

DOC = Path(__file__).resolve().parents[1] / "docs" / "file_format.md"


def test_the_doc_holds_exactly_the_limits_table():
    """After a change of a limit, ``python -m sandbox.files.doc_tables`` pastes the table in again."""
    text = DOC.read_text(encoding="utf-8")
    assert text.count(L.limits_block()) == 1
    assert doc_tables.update_limits(text) == text
    assert "| size of a network file or a CSV file | 128 MB |" in L.limits_block()


def test_a_changed_limit_changes_the_doc_s_table(monkeypatch):
    text = DOC.read_text(encoding="utf-8")
    monkeypatch.setattr(L, "LIMITS", (*L.LIMITS[:-1], L.Limit("a CSV column name", "7 characters", "names")))
    monkeypatch.setattr(doc_tables, "limits_block", L.limits_block)
    new = doc_tables.update_limits(text)
    assert new != text and "| a CSV column name | 7 characters | names |" in new
    assert new.count("<!-- limits table -->") == 1


def test_the_doc_states_the_rule_for_text_and_the_csv_paths():
    text = DOC.read_text(encoding="utf-8")
    for words in ("no lone surrogates", "no control\ncharacters", "`../data/points.csv`", "absolute",
                  "is named twice in the header", "removes every such leftover"):
        assert words in text, words


def test_doc_tables_main_leaves_a_current_doc_unchanged(tmp_path, capsys):
    copy = tmp_path / "file_format.md"
    copy.write_text(DOC.read_text(encoding="utf-8"), encoding="utf-8")
    assert doc_tables.main([str(copy)]) == 0
    assert copy.read_text(encoding="utf-8") == DOC.read_text(encoding="utf-8")
    assert "unchanged" in capsys.readouterr().out
