"""One gradient-descent update as JSON, plain text or Markdown: renderings of the engine's ``Walkthrough``.

Every number shown comes from the walkthrough (its steps' formulas and values, its arrays);
nothing here computes a number of its own, it only formats them. Every name and label is escaped for
where it goes (``escape``): the text as it prints safely on a terminal, Markdown as text and LaTeX,
JSON as text that UTF-8 can hold.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..engine import Step, Walkthrough
from ..engine.numbers import fmt
from .escape import for_json, for_markdown, for_terminal
from .markup import to_latex
from .matrix import MATRIX_TITLE, matrix_markdown, matrix_text

SECTIONS = (
    ("forward", "Forward pass"),
    ("loss", "Loss"),
    ("backward", "Backward pass (chain rule)"),
    ("update", "Update"),
)

OPTIMIZER_TITLES = {"sgd": "SGD", "adagrad": "AdaGrad", "rmsprop": "RMSProp", "adam": "Adam"}
LOSS_TITLES = {"mse": "squared error ½(y − y*)²", "bce": "binary cross-entropy", "cross_entropy": "cross-entropy"}
#: the squared error of several outputs is their sum (as ``losses.MSE`` computes it per sample)
MSE_TITLE_OUTPUTS = "squared error ½Σₖ(yₖ − yₖ*)²"


# ---- JSON -------------------------------------------------------------------------------------

def _clean(value: Any) -> Any:
    """Plain JSON values: arrays as lists, NaN and infinity as null, text that UTF-8 can write."""
    if isinstance(value, str):
        return for_json(value)
    if isinstance(value, np.ndarray):
        return _clean(value.tolist())
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def _per_layer(arrays: Sequence[NDArray[np.float64] | None]) -> list[Any]:
    """Aligned with the file's layers: index 0 (the inputs) is null, then one entry per layer."""
    return [None] + [None if a is None else _clean(a) for a in arrays]


def to_json(w: Walkthrough) -> dict[str, Any]:
    """The ``explain --format json`` object of CONTRACTS.md section 1."""
    data: dict[str, Any] = _clean({
        "network": w.network_name,
        "batch": w.batch,
        "sample": w.sample,
        "batch_indices": list(w.batch_indices),
        "epoch": w.epoch,
        "iteration": w.iteration,
        "learning_rate": w.learning_rate,
        "loss_name": w.loss_name,
        "reduction": w.reduction,
        "optimizer": w.optimizer_name,
        "inputs": w.inputs,
        "values": w.values(),
        "preactivations": w.preactivations(),
        "outputs": w.outputs,
        "targets": w.targets,
        "loss": w.loss,
        "penalty": w.penalty,
        "objective": w.objective,
        "gradients": {
            "weights": _per_layer(w.weight_grads),
            "biases": _per_layer(w.bias_grads),
            "by_label": w.by_label(),
            "inputs": w.input_gradients(),
        },
        "delta": w.delta(),
        "before": {
            "weights": _per_layer(w.weights_before),
            "biases": _per_layer(w.biases_before),
        },
        "after": {
            "weights": _per_layer(w.weights_after),
            "biases": _per_layer(w.biases_after),
            "outputs": w.outputs_after,
            "loss": w.loss_after,
        },
        "steps": [s.to_dict() for s in w.steps],
    })
    if not w.applies:  # only then: the JSON of a training batch stays as it was
        data["applies"], data["source"] = False, for_json(w.source)
    return data


# ---- shared pieces ------------------------------------------------------------------------------

Escape = Callable[[str], str]


def _title(w: Walkthrough, esc: Escape) -> str:
    if not w.applies:  # ``Trainer.walkthrough_of``: shown only
        return f"{esc(w.network_name)}: one gradient-descent update on {esc(w.source or 'one sample')} (not applied)"
    return f"{esc(w.network_name)}: one gradient-descent update"


def _optimizer_title(w: Walkthrough, esc: Escape) -> str:
    return OPTIMIZER_TITLES.get(w.optimizer_name) or esc(w.optimizer_name)


#: the header lists at most this many inputs and targets
HEADER_VALUES = 8


def _first(parts: Iterable[str]) -> str:
    """The first HEADER_VALUES parts joined, and how many there are when there are more."""
    shown = list(itertools.islice(parts, HEADER_VALUES + 1))
    if len(shown) <= HEADER_VALUES:
        return ", ".join(shown)
    return ", ".join(shown[:HEADER_VALUES]) + ", …"


def _update_line(w: Walkthrough, batch_option: bool, esc: Escape) -> str:
    """Which update this is, counted from 1 (``batch_option``: chosen with ``explain --batch K``, which
    computes it from the file's weights without training the batches before it)."""
    b = w.batch + 1
    if not w.applies:
        return (f"What one update on {esc(w.source or 'this sample')} alone would do, from the weights after "
                f"{w.iteration} update{'s' if w.iteration != 1 else ''} (epoch {w.epoch + 1}); not applied: "
                f"training does not make this update.")
    if not batch_option or w.batch == 0:  # batch 1 from the file's weights is training's first update
        return f"Update {w.iteration + 1}: batch {b} of epoch {w.epoch + 1}."
    k = w.batch
    earlier = "batch 1 is" if k == 1 else "batches 1 and 2 are" if k == 2 else f"batches 1 to {k} are"
    return (f"The update on batch {b} of epoch 1 (--batch {k}), computed from the file's weights: {earlier} "
            f"not trained first, so it is not the update that training makes on this batch.")


def _sample_line(w: Walkthrough, esc: Escape, star: str = "*", batch_option: bool = False) -> list[str]:
    """What the update is about: which update, batch and samples (counted from 1), inputs and targets,
    learning rate, loss, optimizer; names escaped by ``esc``, the target's star written as ``star``."""
    net = w.network
    s = w.sample
    inputs = _first(f"{esc(label)} = {fmt(x)}" for label, x in zip(net.input_labels, w.inputs[s]))
    targets = _first(f"{esc(label)}{star} = {fmt(t)}" for label, t in zip(net.layers[-1].labels, w.targets[s]))
    n = len(w.batch_indices)
    if not w.applies or not n:
        where = esc(w.source) if w.source else "a sample"
        held = " (test samples are held out: training never learns from them)" if w.source.startswith("test") else ""
        batch = f"The sample is {where}, shown on its own{held}."
    elif n == 1:
        batch = f"Batch {w.batch + 1} is sample {w.batch_indices[0] + 1} of the training data."
    else:
        shown = ", ".join(str(i + 1) for i in w.batch_indices[:8]) + (", …" if n > 8 else "")
        batch = (f"Batch {w.batch + 1} has {n} samples of the training data ({shown}); forward values are shown "
                 f"for sample {s + 1} of the batch (sample {w.batch_indices[s] + 1} of the training data), "
                 f"gradients are those of the whole batch ({w.reduction} of the losses).")
    optimizer = _optimizer_title(w, esc)
    title = MSE_TITLE_OUTPUTS if w.loss_name == "mse" and w.targets.shape[1] > 1 else LOSS_TITLES.get(w.loss_name)
    loss = title.replace("*", star) if title is not None else esc(w.loss_name)
    return [
        _update_line(w, batch_option, esc),
        batch,
        f"Inputs: {inputs}; target: {targets}.",
        f"Loss: {loss}, {esc(w.reduction)} over the batch; optimizer: {optimizer}; "
        f"learning rate η = {fmt(w.learning_rate)}.",
    ]


#: the shades of an input picture's pixels, from the smallest value to the largest
SHADES = " ░▒▓█"
#: a bigger input picture is named, not drawn (two characters a pixel: 40 columns are 82 characters wide)
MAX_PICTURE_COLUMNS, MAX_PICTURE_ROWS = 40, 40


def _picture(w: Walkthrough) -> list[str]:
    """The shown sample's inputs drawn as the image they are (``input_image``), two characters a pixel, with a
    line saying how to read it; [] when the inputs are not an image."""
    shape = w.input_image
    if shape is None:
        return []
    rows, columns = shape
    x = np.asarray(w.inputs[w.sample], dtype=np.float64)
    if rows * columns != x.size or not np.isfinite(x).all():
        return []
    if columns > MAX_PICTURE_COLUMNS or rows > MAX_PICTURE_ROWS:
        return [f"The inputs are the pixels of a {rows}×{columns} image, row by row (too big to draw here)."]
    low, high = min(0.0, float(x.min())), max(1.0, float(x.max()))
    levels = np.clip(((x - low) / (high - low) * (len(SHADES) - 1)).round(), 0, len(SHADES) - 1).astype(int)
    first, last = w.network.input_labels[0], w.network.input_labels[-1]
    lines = [f"The inputs are the pixels of the {rows}×{columns} image below, row by row ({first} at the top left, "
             f"{last} at the bottom right): blank is {fmt(low)}, █ is {fmt(high)}."]
    lines.append("┌" + "─" * (2 * columns) + "┐")
    for r in range(rows):
        lines.append("│" + "".join(2 * SHADES[v] for v in levels[r * columns:(r + 1) * columns]) + "│")
    lines.append("└" + "─" * (2 * columns) + "┘")
    return lines


def _step_groups(w: Walkthrough, phase: str, esc: Escape) -> list[tuple[str, list[Step]]]:
    """The steps of a phase in order, grouped by layer (with a heading) for forward, backward and update."""
    groups: list[tuple[str, list[Step]]] = []
    for step in w.steps_of(phase):
        heading = "" if phase == "loss" else _layer_heading(w, step.layer, esc)
        if not groups or groups[-1][0] != heading:
            groups.append((heading, []))
        groups[-1][1].append(step)
    return groups


def _layer_heading(w: Walkthrough, layer: int | None, esc: Escape) -> str:
    if layer is None:
        return ""
    net = w.network
    if layer == 0:  # ∂E/∂x, the lecture's gradient "w.r.t. input to backpropagate"
        names = ", ".join(esc(label) for label in net.input_labels[:6]) + (", …" if net.input_size > 6 else "")
        return f"Gradient with respect to the inputs ({names})"
    l = net.layers[layer - 1]
    which = "output layer" if layer == net.depth else f"hidden layer {layer}"
    names = ", ".join(esc(label) for label in l.labels[:6]) + (", …" if l.size > 6 else "")
    return f"Layer {layer} ({which}: {names}; activation {esc(l.activation)})"


def _step_lines(step: Step) -> list[str]:
    return list(step.lines) if step.lines else [step.formula]


def _sanity(w: Walkthrough) -> list[tuple[str, str, str, str]]:
    """(label, before, after, target) for every output of the shown sample (the label as it is)."""
    s = w.sample
    rows = []
    for j, label in enumerate(w.network.layers[-1].labels):
        rows.append((label, fmt(w.outputs[s, j]), fmt(w.outputs_after[s, j]), fmt(w.targets[s, j])))
    return rows


def _verdict(w: Walkthrough) -> str:
    if not w.applies:
        if w.loss_after < w.loss:
            return "The loss would go down: the update would move the prediction towards the target."
        if w.loss_after > w.loss:
            return "The loss would go up: this step would overshoot (a lower learning rate may help)."
        return "The loss would not change."
    if w.loss_after < w.loss:
        return "The loss went down: the update moved the prediction towards the target."
    if w.loss_after > w.loss:
        return "The loss went up: this step overshot (try a lower learning rate)."
    return "The loss did not change."


# ---- text -------------------------------------------------------------------------------------

def to_text(w: Walkthrough, batch_option: bool = False) -> str:
    """The update as plain text that reads like the lecture's worked example; safe to print on a terminal
    (every line through ``for_terminal``: a name's escape sequence shows as ``\\x1b``). ``batch_option``:
    the batch was chosen with ``explain --batch K`` (the header says the update starts from the file's weights)."""
    esc = for_terminal
    title = _title(w, esc)
    out = [title, "=" * len(title), ""]
    out += _sample_line(w, esc, batch_option=batch_option)
    picture = _picture(w)
    if picture:
        out += ["", picture[0]] + ["  " + line for line in picture[1:]]
    for phase, title in SECTIONS:
        if phase == "update":
            title = f"Update ({_optimizer_title(w, esc)}, η = {fmt(w.learning_rate)})"
        out += ["", title, "-" * len(title)]
        for heading, steps in _step_groups(w, phase, esc):
            if heading:
                out.append(heading)
            for step in steps:
                lines = _step_lines(step)
                out.append("  " + lines[0])
                out += ["    " + line for line in lines[1:]]
    out += ["", MATRIX_TITLE, "-" * len(MATRIX_TITLE)]
    out += matrix_text(w).rstrip("\n").split("\n")
    title = "Sanity check: the new prediction"
    out += ["", title, "-" * len(title)]
    for label, before, after, target in _sanity(w):
        out.append(f"  {esc(label)}: {before} → {after} (target {esc(label)}* = {target})")
    out.append(f"  E: {fmt(w.loss)} → {fmt(w.loss_after)}")
    out.append("  " + _verdict(w))
    return "\n".join(for_terminal(line) for line in out) + "\n"  # the formulas' labels too


# ---- Markdown -----------------------------------------------------------------------------------

def _math(formula: str) -> str:
    """``$…$`` LaTeX; a label's characters are escaped by ``to_latex`` (``|`` as ``\\vert``: table-safe)."""
    return f"${to_latex(formula)}$"


def to_markdown(w: Walkthrough, batch_option: bool = False) -> str:
    """The update as Markdown with ``$…$`` LaTeX (renders on GitHub and in Jupyter); names and labels
    escaped as Markdown text or as LaTeX, so none can add HTML, links, emphasis or LaTeX commands.
    ``batch_option`` as for ``to_text``."""
    esc = for_markdown
    out = [f"# {_title(w, esc)}", ""]
    out += [line + "  " for line in _sample_line(w, esc, star="\\*", batch_option=batch_option)]
    picture = _picture(w)
    if picture:
        out += ["", esc(picture[0]), "", "```"] + picture[1:] + ["```"]
    for phase, title in SECTIONS:
        if phase == "update":
            title = f"Update ({_optimizer_title(w, esc)}, η = {fmt(w.learning_rate)})"
        out += ["", f"## {title}", ""]
        for heading, steps in _step_groups(w, phase, esc):
            if heading:
                out += [f"**{heading}**", ""]
            for step in steps:
                lines = _step_lines(step)
                out.append(f"- {_math(lines[0])}")
                out += [f"  - {_math(line)}" for line in lines[1:]]
            out.append("")
        while out[-1] == "":
            out.pop()
    out += ["", f"## {MATRIX_TITLE}", ""]
    out += matrix_markdown(w).rstrip("\n").split("\n")
    out += ["", "## Sanity check: the new prediction", "", "| | before | after | target |", "|---|---|---|---|"]
    for label, before, after, target in _sanity(w):
        out.append(f"| {_math(label)} | {before} | {after} | {target} |")
    out.append(f"| $E$ | {fmt(w.loss)} | {fmt(w.loss_after)} | |")
    out += ["", _verdict(w)]
    return "\n".join(for_terminal(line) for line in out) + "\n"  # a net: nothing unsafe is left to change
