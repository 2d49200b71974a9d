"""The one rule for text in a network file, applied the same way by validation, saving and every export.

Text is Unicode that UTF-8 can encode: no lone surrogates (a JSON ``"\\ud800"`` makes one) and no
control characters (NUL, escape, bell, …: Unicode category Cc), except that a ``description`` may
hold line breaks and tabs. Labels also have no whitespace and 1 to ``MAX_LABEL_CHARS`` characters;
every kind of text has its length limit (``limits``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from .limits import MAX_COLUMN_NAME_CHARS, MAX_DESCRIPTION_CHARS, MAX_LABEL_CHARS, MAX_NAME_CHARS, MAX_PATH_CHARS

TextKind = Literal["name", "description", "label", "path", "column"]

MAX_CHARS: dict[str, int] = {"name": MAX_NAME_CHARS, "description": MAX_DESCRIPTION_CHARS,
                             "label": MAX_LABEL_CHARS, "path": MAX_PATH_CHARS, "column": MAX_COLUMN_NAME_CHARS}
_NOUN = {"name": "a name", "description": "a description", "label": "a label", "path": "a path",
         "column": "a column name"}
#: control characters (category Cc) and lone surrogates (Cs); a description may hold line breaks and tabs,
#: a label holds no whitespace either (searched with one regular expression: fast on 500,000 labels)
_CONTROLS = "\\x00-\\x1f\\x7f-\\x9f"
_SURROGATES = "\\ud800-\\udfff"
_BAD: dict[str, re.Pattern[str]] = {
    "name": re.compile(f"[{_CONTROLS}{_SURROGATES}]"),
    "description": re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_SURROGATES}]"),
    "label": re.compile(f"[{_CONTROLS}{_SURROGATES}]|\\s"),
    "path": re.compile(f"[{_CONTROLS}{_SURROGATES}]"),
    "column": re.compile(f"[{_CONTROLS}{_SURROGATES}]"),
}


def char_name(ch: str) -> str:
    """``U+0000 (NUL)``, ``U+D800 (a lone surrogate)``: a character named for a message."""
    code = f"U+{ord(ch):04X}"
    if 0xD800 <= ord(ch) <= 0xDFFF:
        return f"{code} (a lone surrogate)"
    name = {0: "NUL", 7: "bell", 8: "backspace", 9: "tab", 10: "line break", 13: "carriage return",
            27: "escape", 127: "delete"}.get(ord(ch))
    return f"{code} ({name})" if name else code


def text_problem(value: str, kind: TextKind) -> str | None:
    """What is wrong with ``value`` as text of ``kind`` by the rule above, or None when it is good."""
    limit = MAX_CHARS[kind]
    if len(value) > limit:
        return f"is {len(value):,} characters long; at most {limit:,} are allowed"
    if kind in ("label", "path", "column") and not value:
        return "is empty"
    match = _BAD[kind].search(value)
    if match is None:
        return None
    ch, i = match.group(), match.start()
    if 0xD800 <= ord(ch) <= 0xDFFF:
        return f"holds {char_name(ch)} at character {i + 1}: text must be valid Unicode (UTF-8)"
    if kind == "label" and ch.isspace() and unicodedata.category(ch) != "Cc":
        return f"holds a space ({char_name(ch)}) at character {i + 1}: labels have no spaces"
    return f"holds the control character {char_name(ch)} at character {i + 1}: not allowed in {_NOUN[kind]}"
    return None


def is_valid_text(value: str, kind: TextKind) -> bool:
    return text_problem(value, kind) is None
