"""``explain FILE``: one whole gradient-descent update printed as a worked example, or why it cannot be."""

from __future__ import annotations

import argparse
import json
import math
from typing import TYPE_CHECKING

from .cli_errors import CommandFailed, Output, failed, reason, say
from .cli_read import make_trainer, read_network

if TYPE_CHECKING:
    from .engine import Walkthrough


def cmd_explain(args: argparse.Namespace, out: Output, prog: str) -> int:
    """Print the walkthrough of batch ``args.batch`` in ``args.format``; status 0, 1 or 2 (no such batch)."""
    from .explain import to_json, to_markdown, to_text

    w = computed_walkthrough(args.file, args.batch, args.sample, prog, full=args.full)
    if args.format == "json":
        try:
            text = json.dumps(to_json(w), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        except ValueError:  # a number the steps do not show: JSON has no infinity
            raise failed(args.file, "explain", "the update overflows: a value of the JSON is not finite") from None
    elif args.format == "markdown":
        text = to_markdown(w, batch_option=True)
    else:
        text = to_text(w, batch_option=True)
    out.write(text)
    return 0


def computed_walkthrough(path: str, batch: int, sample: int, prog: str, full: bool = False) -> Walkthrough:
    """The walkthrough of ``batch``/``sample`` of the file's first epoch, all of whose numbers are finite; every
    step written out with ``full``, else each layer's first ``DETAILED_STEPS`` of each kind and a summary.

    It is computed from the file's weights (and a fresh optimizer): the batches before ``batch`` are not
    trained first, so for ``batch`` > 0 it is not the update training would make on that batch."""
    from .engine.walkthrough import DETAILED_STEPS

    trainer = make_trainer(path, read_network(path))
    try:
        w = trainer.walkthrough(batch, sample, detail=None if full else DETAILED_STEPS)
    except IndexError as e:  # a batch or sample the file does not have: wrong usage
        say(f"{prog} explain: error: {e}")
        raise CommandFailed([], 2) from None
    except MemoryError:
        raise failed(path, "explain", "the update needs more memory than there is") from None
    except (ArithmeticError, ValueError) as e:
        raise failed(path, "explain", f"the update cannot be computed: {type(e).__name__}: {reason(e)}") from None
    overflow = first_non_finite(w)
    if overflow is not None:
        raise failed(path, "explain", f"the update overflows: {overflow} (the numbers of this file are too "
                                      f"large for floating point; smaller weights, inputs or learning rate help)")
    return w


def first_non_finite(w: Walkthrough) -> str | None:
    """The first value of the walkthrough (learning rate, then its steps in order, then the result) that is
    infinite or NaN, as ``name = value``; None if every number is finite."""
    if not math.isfinite(w.learning_rate):
        return f"the learning rate η = {_word(w.learning_rate)}"
    for step in w.steps:
        if not math.isfinite(step.value):
            return f"{step.target} = {_word(step.value)}"
    labels = w.network.layers[-1].labels if w.network.layers else []
    for row in w.outputs_after:
        for label, value in zip(labels, row):
            if not math.isfinite(float(value)):
                return f"{label} after the update = {_word(float(value))}"
    if not math.isfinite(w.loss_after):
        return f"the loss after the update = {_word(w.loss_after)}"
    return None


def _word(x: float) -> str:
    return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
