"""``train --log``: one JSON line per epoch; a write that fails stops the log, never the training."""

from __future__ import annotations

import json
import math
from typing import IO, Any

from .cli_errors import error, failed, reason


class EpochLog:
    """The log file, opened before training; ``failure`` holds the error that ended it, if one did."""

    def __init__(self, path: str):
        self.path = path
        self.failure: BaseException | None = None
        try:
            self.stream: IO[str] | None = open(path, "w", encoding="utf-8")
        except OSError as e:
            raise failed(path, "file", f"cannot be written: {reason(e)}") from None
        except ValueError as e:  # an embedded NUL
            raise failed(path, "file", f"cannot be written: not a usable file name: {e}") from None

    def write(self, record: dict[str, Any]) -> None:
        """Append one line (flushed); after a failure it is said once on stderr and nothing more is written."""
        if self.stream is None:
            return
        try:
            self.stream.write(json.dumps(record, allow_nan=False) + "\n")
            self.stream.flush()
        except (OSError, ValueError) as e:
            self._fail(e)

    def close(self) -> None:
        if self.stream is None:
            return
        try:
            self.stream.close()
        except OSError as e:
            self._fail(e)
        self.stream = None

    def _fail(self, e: BaseException) -> None:
        self.failure = e
        error(f"{self.path}: could not write the log: {reason(e)}; training goes on without it")
        stream, self.stream = self.stream, None
        if stream is not None:
            try:
                stream.close()  # flushes what is left once more; the file is closed even if that fails
            except OSError:
                pass


def finite_or_none(x: float | None) -> float | None:
    """``x`` as a float, or None for a missing, infinite or NaN value (JSON has no infinity)."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None
