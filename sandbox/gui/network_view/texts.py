"""The texts the view writes on neurons, edges, biases and targets, from a DisplayState.

The painters and the read-only accessors (``NetworkView.displayed_text`` …) both use these
functions, so what tests read is exactly what is drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

from sandbox.explain import markup
from sandbox.gui.common.formatting import full, short
from sandbox.gui.stepping.view_state import DisplayState


@lru_cache(maxsize=8192)
def to_html(text: str) -> str:
    """A label or formula as rich text (``explain.markup.to_html``), kept: a network's labels are
    painted again on every repaint while it trains, and never change."""
    return markup.to_html(text)


def _known(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


@dataclass(frozen=True)
class ValueTexts:
    """Main value, gradient (∂E/∂·), old value before the update ('' where there is none)."""

    label: str
    value: str
    grad: str = ""
    old: str = ""
    tooltip: str = ""
    #: the name after ∂E/∂ when the gradient written is not of ``label`` (∂E/∂net_h1 asked in practice)
    grad_label: str = ""


#: what practice mode writes in the place of the value it asks for
ASKED = "?"
ASKED_TIP = "<i>asked: type its value in the answer field</i>"


def update_applied(state: DisplayState) -> bool:
    """The walkthrough shown is at its last step: its update has been applied (the document never
    stands on the last step of an update it could not apply)."""
    w = state.walkthrough
    return w is not None and bool(w.steps) and state.position == len(w.steps) - 1


def _after_update(texts: ValueTexts, new: float, what: str) -> ValueTexts:
    """An output's or the loss's texts once the update is applied: the engine's value with the new
    weights (``Walkthrough.outputs_after``/``loss_after``), the value before the update as ``old``."""
    if not texts.value:
        return texts
    tooltip = f"{texts.tooltip}<br><span style='color:#0f9d6b'>{what} with the new weights: {full(new)}</span>"
    return replace(texts, value=short(new), old=texts.value, tooltip=tooltip)


def neuron_texts(state: DisplayState, l: int, j: int) -> ValueTexts:
    net = state.network
    label = net.neuron_labels(l)[j]
    v = float(state.values[l][j])
    g = float(state.grads[l][j]) if state.grads[l] is not None else math.nan
    tip = [f"<b>{to_html(label)}</b>"]
    if l == 0:
        tip.append(f"input value: {full(v)}" if _known(v) else "input")
    else:
        layer = net.layers[l - 1]
        z = float(state.preactivations[l][j])
        if layer.activation != "identity" and _known(z):
            tip.append(f"{to_html(layer.preactivation_labels[j])} = {full(z)}")
        tip.append(f"{to_html(label)} = {full(v)}" if _known(v) else "not computed yet")
        tip.append(f"activation: {layer.activation}")
    if _known(g):
        tip.append(f"<span style='color:#8b3fd9'>∂E/∂{to_html(label)} = {full(g)}</span>")
        pg = state.pre_grads[l][j] if l > 0 else math.nan
        if l > 0 and net.layers[l - 1].activation != "identity" and _known(float(pg)):
            tip.append(f"<span style='color:#8b3fd9'>∂E/∂{to_html(net.layers[l - 1].preactivation_labels[j])}"
                       f" = {full(float(pg))}</span>")
    if l == 0:
        tip.append("<i>double-click to change</i>")
    texts = ValueTexts(label, short(v) if _known(v) else "", short(g) if _known(g) else "", "",
                       "<br>".join(tip))
    asked = state.asked_place()
    if asked is not None and asked[1:] == (l, j):
        tip.append(ASKED_TIP)
        if asked[0] == "value":
            return replace(texts, value=ASKED, tooltip="<br>".join(tip))
        if asked[0] == "grad":
            return replace(texts, grad=ASKED, tooltip="<br>".join(tip))
        if asked[0] == "pre_grad":
            return replace(texts, grad=ASKED, grad_label=net.layers[l - 1].preactivation_labels[j],
                           tooltip="<br>".join(tip))
    w = state.walkthrough
    if l == net.depth and w is not None and update_applied(state):  # the new prediction beside the old
        return _after_update(texts, float(w.outputs_after[w.sample][j]), "after the update")
    return texts


def weight_texts(state: DisplayState, l: int, j: int, k: int) -> ValueTexts:
    layer = state.network.layers[l - 1]
    label = layer.weight_labels[j][k]
    w = float(state.weights[l][j, k])
    g = float(state.weight_grads[l][j, k])
    old = float(state.weight_old[l][j, k])
    return _asked_param(state, ("weight", l, j, k), _param_texts(label, w, g, old, layer.train_weights))


def bias_texts(state: DisplayState, l: int, j: int) -> ValueTexts:
    layer = state.network.layers[l - 1]
    label = (layer.bias_labels or [f"b{j + 1}"])[j]
    b = float(state.biases[l][j])
    g = float(state.bias_grads[l][j])
    old = float(state.bias_old[l][j])
    return _asked_param(state, ("bias", l, j), _param_texts(label, b, g, old, layer.train_biases))


def _asked_param(state: DisplayState, place: tuple, texts: ValueTexts) -> ValueTexts:
    """A weight's or bias's texts with the asked value (its gradient, or its new value) written "?"."""
    asked = state.asked_place()
    if asked is None or asked[1:] != place[1:]:
        return texts
    tooltip = f"{texts.tooltip}<br>{ASKED_TIP}"
    if asked[0] == place[0] + "_grad":
        return replace(texts, grad=ASKED, tooltip=tooltip)
    if asked[0] == place[0]:  # its new value: the old one stays, an arrow to "?"
        return replace(texts, value=ASKED, old=texts.value, tooltip=tooltip)
    return texts


def _param_texts(label: str, value: float, grad: float, old: float, trainable: bool) -> ValueTexts:
    tip = [f"<b>{to_html(label)}</b> = {full(value)}"]
    if _known(old):
        tip.append(f"before the update: {full(old)}")
    if _known(grad):
        tip.append(f"<span style='color:#8b3fd9'>∂E/∂{to_html(label)} = {full(grad)}</span>")
    if not trainable:
        tip.append("frozen: never updated")
    tip.append("<i>double-click to change</i>")
    return ValueTexts(label, short(value), short(grad) if _known(grad) else "",
                      short(old) if _known(old) else "", "<br>".join(tip))


def target_texts(state: DisplayState, j: int) -> ValueTexts:
    label = state.network.layers[-1].labels[j] + "*"
    t = float(state.targets[j])
    tip = f"<b>target {to_html(label)}</b> = {full(t)}<br><i>double-click to change</i>"
    return ValueTexts(label, short(t), "", "", tip)


def loss_texts(state: DisplayState) -> ValueTexts:
    if state.asked_place() == ("loss",):
        return ValueTexts("E", ASKED, "", "", ASKED_TIP)
    if state.loss is None:
        return ValueTexts("E", "")
    texts = ValueTexts("E", short(state.loss), "", "", f"<b>E</b> = {full(state.loss)}")
    w = state.walkthrough
    if w is not None and update_applied(state):  # the batch loss with the new weights beside the old
        if w.penalty:  # E = L + λR(θ) before; the engine gives the data loss L after: L beside L
            texts = ValueTexts("L", short(w.loss), "", "", f"{texts.tooltip}<br><b>L</b> = {full(w.loss)}")
        return _after_update(texts, float(w.loss_after), "after the update")
    return texts
