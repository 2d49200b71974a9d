"""Activation curves for plotting: f and f′ from the engine's own functions, the largest f′, and
how small a product of such factors over many layers can get (the vanishing-gradient bound)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .activations import get_activation

Array = NDArray[np.float64]

#: where "as x → ±∞" is looked at to find a supremum that the plotted range does not reach
FAR = 1.0e3


@dataclass
class ActivationCurve:
    name: str
    title: str
    alpha: float
    x: Array
    f: Array
    df: Array
    #: the largest f′: on the plotted range when ``attained``, else its limit as x → ±∞
    max_df: float
    #: where the plotted f′ is largest (the point nearest 0 when it is flat there)
    argmax_x: float
    attained: bool


def activation_curve(name: str, alpha: float | None = None, x_range: tuple[float, float] = (-5.0, 5.0),
                     points: int = 801) -> ActivationCurve:
    """f(x) and f′(x) of activation ``name`` on ``points`` evenly spaced x (0 included when symmetric)."""
    act = get_activation(name)
    a = act.alpha_or_default(alpha)
    x = np.linspace(x_range[0], x_range[1], points)
    if points % 2 == 1 and x_range[0] == -x_range[1]:
        x[points // 2] = 0.0
    f = act.function(x, a)
    df = act.derivative(x, f, a)
    top = float(np.max(df))
    candidates = np.flatnonzero(df == top)
    idx = int(candidates[np.argmin(np.abs(x[candidates]))])
    far = np.array([-FAR, FAR])
    far_df = act.derivative(far, act.function(far, a), a)
    sup = max(top, float(np.max(far_df)))
    return ActivationCurve(name, act.title, a, x, f, df, sup, float(x[idx]), top >= sup)


def chain_bound(max_derivative: float, layers: int) -> float:
    """The largest product of ``layers`` activation derivatives: (max f′)^layers."""
    return float(max_derivative) ** int(layers)
