"""The progress of ``train`` on stderr: a bar redrawn in place on a terminal, about ten quiet lines otherwise."""

from __future__ import annotations

import time
from typing import TextIO


class Progress:
    """A progress bar on a terminal; otherwise about ten quiet lines over the whole run."""

    WIDTH = 24

    def __init__(self, stream: TextIO, total: int, unit: str):
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.total = total
        self.unit = unit
        self.start = time.monotonic()
        self.last_draw = 0.0
        self.next_line = 1
        self.printed = -1
        self.first_iteration = 0
        self.drawn = False
        self.width = 0
        self.broken = False

    def update(self, done: int, epoch: int, iteration: int, loss: float | None, final: bool = False,
               objective: float | None = None) -> None:
        """Show the progress; ``loss`` is the training set's data loss, ``objective`` (with regularization)
        its E = L + λR(θ)."""
        now = time.monotonic()
        if self.tty:
            if not final and now - self.last_draw < 0.1:
                return
        elif done == self.printed or not (final or done * 10 >= self.next_line * self.total):
            return
        self.last_draw = now
        rate = (iteration - self.first_iteration) / max(now - self.start, 1e-9)
        loss_text = "…" if loss is None else f"{loss:.6g}"
        if objective is not None:
            loss_text += f" (objective E {objective:.6g})"
        if self.tty:
            filled = int(self.WIDTH * min(done, self.total) / max(self.total, 1))
            bar = "█" * filled + "·" * (self.WIDTH - filled)
            text = f"{self.unit}s {done}/{self.total} [{bar}] epoch {epoch}  loss {loss_text}  {rate:,.0f} it/s"
            # pad over what a longer previous line left behind
            self._write(f"\r{text}{' ' * max(1, self.width - len(text))}")
            self.width = len(text) + 1
            self.drawn = True
        else:
            while done * 10 >= self.next_line * self.total:
                self.next_line += 1
            self.printed = done
            self._write(f"{self.unit}s {done}/{self.total}: epoch {epoch}, iteration {iteration}, "
                        f"loss {loss_text}, {rate:,.0f} it/s\n")

    def finish(self) -> None:
        if self.tty and self.drawn:
            self._write("\n")

    def _write(self, text: str) -> None:
        """Draw; a stderr that cannot be written (a closed pipe, a full disk) only ends the progress display."""
        if self.broken:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self.broken = True
