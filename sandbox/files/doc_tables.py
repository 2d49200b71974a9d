"""``python -m sandbox.files.doc_tables [DOC]``: paste the settings tables and the limits table into
docs/file_format.md.

The tables are made from the declarations of ``settings_table`` (``markdown_table``); in the doc each
stands between its markers (``<!-- settings table: optimizer ... -->`` … ``<!-- end of settings
table -->``), and ``tests/test_files_settings_table.py`` checks the doc holds exactly what they make.
The limits table (``limits.limits_block``) stands between its own markers, checked by
``tests/test_files_limits_doc.py``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .limits import limits_block
from .settings_table import doc_tables_in, update_doc

_LIMITS = re.compile(re.escape(limits_block().split("\n")[0]) + r"\n.*?" + re.escape(limits_block().split("\n")[-1]),
                     re.DOTALL)

DOC = Path(__file__).resolve().parents[2] / "docs" / "file_format.md"


def update_limits(text: str) -> str:
    """``text`` with its limits table (between the markers) made afresh from ``limits``."""
    return _LIMITS.sub(lambda _: limits_block(), text)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DOC
    text = path.read_text(encoding="utf-8")
    new = update_limits(update_doc(text))
    if new != text:
        path.write_text(new, encoding="utf-8")
    print(f"{path}: {len(doc_tables_in(new))} settings tables and the limits table"
          f"{' updated' if new != text else ', unchanged'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
