"""The practice score: how each question of an update ended, and the totals of the session (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass

#: how a question ended: right at the first try, right after a hint or a miss, or its answer shown
OUTCOMES = ("first", "hinted", "revealed")


@dataclass
class Score:
    """Questions counted by how they ended."""

    first: int = 0
    hinted: int = 0
    revealed: int = 0

    @property
    def total(self) -> int:
        return self.first + self.hinted + self.revealed

    def count(self, outcome: str) -> None:
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        setattr(self, outcome, getattr(self, outcome) + 1)

    def add(self, other: Score) -> None:
        self.first += other.first
        self.hinted += other.hinted
        self.revealed += other.revealed

    @classmethod
    def of(cls, outcomes: dict[int, str]) -> Score:
        score = cls()
        for outcome in outcomes.values():
            score.count(outcome)
        return score

    def text(self) -> str:
        """``3 of 5 right at the first try, 1 after a hint, 1 shown``."""
        if self.total == 0:
            return "nothing asked yet"
        return (f"{self.first} of {self.total} right at the first try, {self.hinted} after a hint, "
                f"{self.revealed} shown")

    def short(self) -> str:
        """``✓ 3 · hints 1 · shown 1``, for the answer bar."""
        return f"✓ {self.first} · hints {self.hinted} · shown {self.revealed}"
