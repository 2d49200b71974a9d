"""How deep the objects and lists of a parsed document nest, found without recursion (level by level)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import chain
from typing import Any

from .errors import Problem
from .limits import MAX_NESTING


def nesting_depth(doc: Any) -> int:
    """The number of levels of objects and lists in ``doc`` (0 for a plain value, 1 for ``[1, 2]``).

    Walked a level at a time, with the work per value done in C (``chain``, ``map``, ``set``): the 4 million
    numbers of a file at the limits take a fraction of a second."""
    depth = 0
    level: list[Any] = [doc] if isinstance(doc, (dict, list)) else []
    only_lists = isinstance(doc, list)
    while level:
        depth += 1
        children = _children(level, only_lists)
        kinds = set(map(type, children()))
        only_lists = kinds == {list}
        if only_lists:
            level = list(children())
        elif any(issubclass(kind, (dict, list)) for kind in kinds):
            level = [x for x in children() if isinstance(x, (dict, list))]
        else:
            level = []
    return depth


def _children(level: list[Any], only_lists: bool) -> Callable[[], Iterator[Any]]:
    """A maker of iterators over the items of the lists and the values of the objects of ``level``."""
    if only_lists:
        return lambda: chain.from_iterable(level)
    lists = [x for x in level if isinstance(x, list)]
    objects = [x for x in level if isinstance(x, dict)]
    return lambda: chain(chain.from_iterable(lists), chain.from_iterable(map(dict.values, objects)))


def nesting_problem(doc: Any) -> Problem | None:
    """A problem when ``doc`` nests deeper than ``MAX_NESTING`` levels."""
    depth = nesting_depth(doc)
    if depth <= MAX_NESTING:
        return None
    return Problem("file", f"objects and lists nest {depth} levels deep; at most {MAX_NESTING} are allowed")
