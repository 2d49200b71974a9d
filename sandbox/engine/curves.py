"""Activation curves for plotting: f and f′ from the engine's own functions, the largest f′, and
how small a product of such factors over many layers can get (the vanishing-gradient bound)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .activations import get_activation

Array = NDArray[np.float64]

#: how far from 0 a pre-activation is "away from 0" for the peaked activations' second bound
AWAY = 1.0


@dataclass
class ActivationCurve:
    name: str
    title: str
    alpha: float
    x: Array
    f: Array
    df: Array
    #: the largest f′ over every x (exact, from the activation's own ``largest_derivative``)
    max_df: float
    #: where the largest f′ is reached, or the limit point it is approached at (the plot's edge for ±∞)
    argmax_x: float
    attained: bool
    #: how the largest f′ is approached when no x reaches it ("x → ∞", "x → 0⁻"); "" when reached
    limit: str
    #: the height to mark: the largest f′, or where the plotted f′ ends when that is approached at ±∞
    marker_y: float
    #: for an activation whose f′ peaks at 0 only: the largest f′ once |x| ≥ ``AWAY`` (else None)
    away_df: float | None


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
    largest = act.largest_derivative(a)
    at, marker_y = largest.at, largest.value
    if math.isinf(at):  # approached far away: marked where the plot ends, at the plotted height
        edge = -1 if at > 0 else 0
        at, marker_y = float(x[edge]), float(df[edge])
    away_df = None
    if act.peaked:  # f′ falls off on both sides of 0: its largest value for |x| ≥ AWAY is at ±AWAY
        ends = np.array([-AWAY, AWAY])
        away_df = float(np.max(act.derivative(ends, act.function(ends, a), a)))
    return ActivationCurve(name, act.title, a, x, f, df, largest.value, float(at), largest.attained,
                           largest.limit, marker_y, away_df)


def derivative_at(name: str, x: float, alpha: float | None = None) -> float:
    """f′(x) of activation ``name`` at one point."""
    act = get_activation(name)
    a = act.alpha_or_default(alpha)
    z = np.array([float(x)])
    return float(act.derivative(z, act.function(z, a), a)[0])


def chain_bound(max_derivative: float, layers: int) -> float:
    """The largest product of ``layers`` activation derivatives: (max f′)^layers."""
    return float(max_derivative) ** int(layers)
