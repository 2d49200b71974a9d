"""The lecture's chain rule on a composition y = f(g(h(x))), with u₁ = h(x), u₂ = g(u₁), y = f(u₂):

    dy/dx = f′(u₂) · g′(u₁) · h′(x)

f, g and h are picked from the activation functions of the lecture's table (their values and derivatives
are the engine's own, ``activations.py``) and a few simple functions (u², 3u + 1, sin u, eᵘ).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS, LECTURE_TABLE
from .numbers import fmt, paren


@dataclass(frozen=True)
class Function:
    """A function of one variable for the composition: how it is written, its value and derivative."""

    name: str
    title: str
    #: the function of an argument: "σ({})" → σ(u₁)
    template: str
    #: its derivative written with the same argument: "σ({0})(1 − σ({0}))"
    derivative_template: str
    value: Callable[[float], float]
    derivative: Callable[[float], float]

    def of(self, arg: str) -> str:
        return self.template.format(arg)

    def at(self, value: float) -> str:
        """The function written at a number: σ(−0.5), 3·(−0.5) + 1."""
        return _fill(self.template, value)

    def derivative_at(self, value: float) -> str:
        return _fill(self.derivative_template, value)


def _fill(template: str, value: float) -> str:
    """A template with a number: in parentheses when negative and multiplied or raised to (3·(−2), e^(−2), (−2)²)."""
    text = paren(value) if any(s in template for s in ("·{", "^{", "{}²", "{0}²")) else fmt(value)
    return template.replace("{0}", text).replace("{}", text)


def _activation(name: str, template: str, derivative_template: str) -> Function:
    act = ACTIVATIONS[name]

    def value(u: float) -> float:
        return float(act(np.array([u]))[0])

    def derivative(u: float) -> float:
        z = np.array([u])
        return float(act.der(z, act(z))[0])

    return Function(name, act.title, template, derivative_template, value, derivative)


_ACTIVATION_TEXTS = {
    "identity": ("{}", "1"),
    "binary_step": ("step({})", "0"),
    "sigmoid": ("σ({})", "σ({0})(1 − σ({0}))"),
    "tanh": ("tanh({})", "1 − tanh²({0})"),
    "arctan": ("arctan({})", "1/(({0})² + 1)"),
    "relu": ("max(0, {})", "[{0} ≥ 0]"),
    "prelu": ("PReLU({})", "({0} ≥ 0 ? 1 : α)"),
    "elu": ("ELU({})", "({0} ≥ 0 ? 1 : ELU({0}) + α)"),
    "softplus": ("ln(1 + e^{})", "σ({0})"),
}

_SIMPLE = [
    Function("square", "Square", "{}²", "2·{0}", lambda u: u * u, lambda u: 2.0 * u),
    Function("affine", "Affine", "3·{} + 1", "3", lambda u: 3.0 * u + 1.0, lambda u: 3.0),
    Function("sin", "Sine", "sin({})", "cos({0})", math.sin, math.cos),
    Function("exp", "Exponential", "e^{}", "e^{0}", lambda u: math.exp(min(u, 700.0)),
             lambda u: math.exp(min(u, 700.0))),
]

#: every function the menus offer: the simple ones first, then the lecture's table in its order
FUNCTIONS: dict[str, Function] = {
    f.name: f for f in [*_SIMPLE, *(_activation(n, *_ACTIVATION_TEXTS[n]) for n in LECTURE_TABLE)]
}

#: y = σ(tanh(x²)) until something else is picked
DEFAULT = ("sigmoid", "tanh", "square")


@dataclass(frozen=True)
class Composition:
    """Every value and local derivative of y = f(g(h(x))) at one x, and dy/dx as their product."""

    f: Function
    g: Function
    h: Function
    x: float
    u1: float
    u2: float
    y: float
    dh: float   # h′(x)
    dg: float   # g′(u₁)
    df: float   # f′(u₂)
    dydx: float

    def formula(self) -> str:
        """y = f(g(h(x))) with the functions written out: "y = σ(tanh(3·x + 1))"."""
        return f"y = {self.f.of(self.g.of(self.h.of('x')))}"

    def stages(self) -> list[tuple[str, str, float]]:
        """(name, definition with numbers, value) of x, u₁, u₂ and y."""
        return [
            ("x", "x", self.x),
            ("u₁", f"h(x) = {self.h.at(self.x)}", self.u1),
            ("u₂", f"g(u₁) = {self.g.at(self.u1)}", self.u2),
            ("y", f"f(u₂) = {self.f.at(self.u2)}", self.y),
        ]

    def local_derivatives(self) -> list[tuple[str, str, float]]:
        """(symbol, the derivative written out at its point, value), from the loss end back: ∂f/∂u₂,
        ∂g/∂u₁, ∂h/∂x."""
        return [
            ("∂f/∂u₂", f"f′(u₂) = {self.f.derivative_at(self.u2)}", self.df),
            ("∂g/∂u₁", f"g′(u₁) = {self.g.derivative_at(self.u1)}", self.dg),
            ("∂h/∂x", f"h′(x) = {self.h.derivative_at(self.x)}", self.dh),
        ]

    def product_text(self) -> str:
        """dy/dx = ∂f/∂u₂ · ∂g/∂u₁ · ∂h/∂x = (…)(…)(…) = …"""
        return (f"dy/dx = ∂f/∂u₂ · ∂g/∂u₁ · ∂h/∂x = {paren(self.df)} · {paren(self.dg)} · {paren(self.dh)} "
                f"= {fmt(self.dydx)}")


def compose(f: str, g: str, h: str, x: float) -> Composition:
    """y = f(g(h(x))) at ``x``: the values u₁, u₂, y, the local derivatives and dy/dx."""
    ff, gg, hh = FUNCTIONS[f], FUNCTIONS[g], FUNCTIONS[h]
    x = float(x)
    u1 = hh.value(x)
    u2 = gg.value(u1)
    y = ff.value(u2)
    dh, dg, df = hh.derivative(x), gg.derivative(u1), ff.derivative(u2)
    return Composition(ff, gg, hh, x, u1, u2, y, dh, dg, df, df * dg * dh)
