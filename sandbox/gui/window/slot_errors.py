"""Exceptions raised in Qt slots while a block runs, collected instead of reported.

A signal emitted from Python calls its slots one after another; a slot that raises does not stop the
emission, and PySide hands the exception to ``sys.excepthook``. ``collected_slot_errors`` lets the
caller (opening a file: the views are rebuilt by slots of the document's signals) see that something
failed, and put back what was shown before, instead of leaving half-built views and a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collected_slot_errors() -> Iterator[list[BaseException]]:
    """Within the block, exceptions that reach ``sys.excepthook`` (a slot's) are appended to the list
    yielded, as is one the block itself raises (``Exception`` only); the hook is put back after."""
    errors: list[BaseException] = []
    hook = sys.excepthook
    sys.excepthook = lambda _type, exc, _tb: errors.append(exc)
    try:
        yield errors
    except Exception as exc:  # noqa: BLE001 - whatever failed, the caller puts back what was shown
        errors.append(exc)
    finally:
        sys.excepthook = hook
