"""The current update's walkthrough as Markdown with LaTeX: the same renderer as
``backprop-sandbox explain --format markdown`` (``sandbox.explain.render.to_markdown``), to paste a
worked example into slides or notes: the forward pass, the loss, every gradient and update, the update in
matrix form as the lecture's slide writes it (``sandbox.explain.matrix``), counted from 1 for people. Copying
to the clipboard lives in the GUI layer (``sandbox.gui.views.exports.copy_markdown``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sandbox.engine import Trainer, Walkthrough
from sandbox.explain.render import to_markdown


def walkthrough_markdown(walkthrough: Walkthrough) -> str:
    """The walkthrough rendered exactly as ``explain --format markdown`` prints it."""
    return to_markdown(walkthrough)


def next_update_markdown(trainer: Trainer, batch: int | None = None, sample: int = 0) -> str:
    """Markdown of the trainer's next update (nothing changes)."""
    return to_markdown(trainer.walkthrough(batch, sample))


def save_markdown(walkthrough: Walkthrough, path: str | Path) -> Path:
    """Write the Markdown to ``path`` (UTF-8), atomically: a half-written file never replaces a good one."""
    path = Path(path)
    text = walkthrough_markdown(walkthrough)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's file is private; an export is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
