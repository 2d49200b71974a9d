"""The one error type of network files: every problem with its place in the file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: ``where`` in it (``layers[2].weights[1]``) and ``what``."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def visible(text: str) -> str:
    """``text`` with every unprintable character (escape, bell, NUL, a line break, a lone surrogate) written as
    a visible escape (``\\x1b``), so that a message quoting a file never drives the terminal it is printed on."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
                   for ch in text)


class NetworkFileError(Exception):
    """A network file could not be read, understood or written; ``problems`` lists every reason."""

    def __init__(self, path: str | os.PathLike[str] | None, problems: list[Problem]):
        self.path = "<string>" if path is None else os.fspath(path)
        self.problems = list(problems)
        super().__init__(str(self))

    def lines(self) -> list[str]:
        """``FILE: where: what``, one line per problem."""
        return [visible(f"{self.path}: {p.where}: {p.what}") for p in self.problems]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.path, self.problems))
