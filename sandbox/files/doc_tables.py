"""``python -m sandbox.files.doc_tables [DOC]``: paste the settings tables into docs/file_format.md.

The tables are made from the declarations of ``settings_table`` (``markdown_table``); in the doc each
stands between its markers (``<!-- settings table: optimizer ... -->`` … ``<!-- end of settings
table -->``), and ``tests/test_files_settings_table.py`` checks the doc holds exactly what they make.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .settings_table import doc_tables_in, update_doc

DOC = Path(__file__).resolve().parents[2] / "docs" / "file_format.md"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DOC
    text = path.read_text(encoding="utf-8")
    new = update_doc(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
    print(f"{path}: {len(doc_tables_in(new))} settings tables{' updated' if new != text else ', unchanged'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
