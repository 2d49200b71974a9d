"""Optimizers with torch.optim's update rules and defaults for the same names.

SGD's momentum comes in two forms (``momentum_form``): the lecture's, ``v = γv + η∇``, ``θ = θ − v``
(the default; state ``velocity``), and torch's, ``b = γb + ∇``, ``θ = θ − ηb`` (state
``momentum_buffer``). They take the same steps while η is constant (v = ηb); under a schedule they
differ: the lecture's velocity keeps the steps taken with earlier rates, torch's buffer is scaled by
the current one. Nesterov likewise: ``θ = θ − (γv + η∇)`` or ``θ = θ − η(∇ + γb)``. Each optimizer
updates its parameters in place (``step``) and can say, for one scalar parameter, how its new value
came about (``describe``) for the walkthrough.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from .numbers import fmt, paren

Array = NDArray[np.float64]


@dataclass
class Optimizer:
    """Base class: named hyper-parameters, per-parameter state arrays, a step counter."""

    learning_rate: float = 0.01
    state: list[dict[str, Array]] = field(default_factory=list, repr=False)
    steps_taken: int = 0

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    state_names: ClassVar[tuple[str, ...]] = ()

    def reset(self) -> None:
        self.state = []
        self.steps_taken = 0

    def ensure_state(self, params: list[Array]) -> None:
        if len(self.state) != len(params) or any(
            s and next(iter(s.values())).shape != p.shape for s, p in zip(self.state, params)
        ):
            self.state = [{name: np.zeros_like(p) for name in self.state_names} for p in params]

    def step(self, params: list[Array], grads: list[Array], trainable: list[bool], lr: float) -> None:
        """One update of every trainable parameter, in place, with learning rate ``lr``."""
        self.ensure_state(params)
        self.steps_taken += 1
        self.prepare_step(lr)
        for p, g, st, on in zip(params, grads, self.state, trainable):
            if on:
                self.update(p, g, st, lr)

    def prepare_step(self, lr: float) -> None:
        """What one step computes once for all parameters (after ``steps_taken`` has counted it)."""

    def update(self, p: Array, g: Array, st: dict[str, Array], lr: float) -> None:
        raise NotImplementedError

    def step_flat(self, param: Array, grad: Array, params: list[Array], lr: float) -> bool:
        """Update every parameter at once: ``params`` are consecutive views into ``param`` (all trainable)
        and ``grad`` holds their gradients in the same layout.

        The state is kept the same way (each parameter's state arrays are views into one array per
        state name), so one elementwise update of the whole buffer gives exactly the numbers of
        updating parameter by parameter. Returns False (changing nothing) when ``step`` must be used.
        """
        flat = self._flat_state(param, params)
        self.steps_taken += 1
        self.prepare_step(lr)
        self.update(param, grad, flat, lr)
        return True

    def _flat_state(self, param: Array, params: list[Array]) -> dict[str, Array]:
        """One array per state name laid out like ``param``, with ``self.state`` made of views into it
        (built again, values kept, when the state was replaced, copied or reshaped)."""
        names = tuple(self.state_names)
        flat: dict[str, Array] | None = getattr(self, "_flat", None)
        state = self.state
        # the same list as built below (not replaced), not a deep copy of it (whose arrays own their data),
        # for parameters of the same shapes
        if (flat is not None and names and state is self._flat_views and tuple(flat) == names
                and len(state) == len(params) and all(st[names[0]].shape == p.shape for st, p in zip(state, params))
                and state[0][names[0]].base is flat[names[0]]):
            return flat
        self.ensure_state(params)
        flat = {name: np.zeros_like(param) for name in names}
        views: list[dict[str, Array]] = []
        offset = 0
        for p, st in zip(params, self.state):
            n = p.size
            entry: dict[str, Array] = {}
            for name in names:
                view = flat[name][offset:offset + n].reshape(p.shape)
                if name in st:
                    view[...] = st[name]
                entry[name] = view
            views.append(entry)
            offset += n
        self._flat_views: list[dict[str, Array]] = views
        self.state = self._flat_views
        self._flat: dict[str, Array] = flat
        return flat

    def snapshot(self) -> list[dict[str, Array]]:
        return [{k: v.copy() for k, v in s.items()} for s in self.state]

    def hyperparameters(self) -> dict[str, float | bool | str]:
        return {"learning_rate": self.learning_rate}

    def set_hyperparameters(self, learning_rate: float, options: dict[str, Any]) -> None:
        """Take another learning rate and options (those not given at their defaults), keeping the
        state unless its kind changes (SGD's momentum switched on or off)."""
        names = tuple(self.state_names)
        self.learning_rate = float(learning_rate)
        defaults = type(self)()
        for name in self.hyperparameters():
            if name != "learning_rate":
                setattr(self, name, options.get(name, getattr(defaults, name)))
        if tuple(self.state_names) != names:
            self.state = []

    def describe(self, symbol: str, old: float, grad: float, new: float,
                 before: dict[str, float], after: dict[str, float], lr: float) -> list[str]:
        """Formula lines, symbols then numbers, for one scalar parameter's update."""
        raise NotImplementedError


#: SGD's momentum forms: the lecture's (velocity v = γv + η∇) and torch's (buffer b = γb + ∇)
MOMENTUM_FORMS = ("lecture", "pytorch")


@dataclass
class SGD(Optimizer):
    momentum: float = 0.0
    nesterov: bool = False
    #: ``lecture``: v = γv + η∇, θ = θ − v; ``pytorch``: b = γb + ∇, θ = θ − ηb
    momentum_form: str = "lecture"

    name = "sgd"
    title = "SGD"

    def __post_init__(self) -> None:
        if self.momentum_form not in MOMENTUM_FORMS:
            raise ValueError(f"unknown momentum form {self.momentum_form!r}; expected one of "
                             f"{', '.join(MOMENTUM_FORMS)}")

    @property
    def state_names(self) -> tuple[str, ...]:  # type: ignore[override]
        if not self.momentum:
            return ()
        return ("momentum_buffer",) if self.momentum_form == "pytorch" else ("velocity",)

    def ensure_state(self, params: list[Array]) -> None:
        if not self.momentum:
            if len(self.state) != len(params):
                self.state = [{} for _ in params]
            return
        super().ensure_state(params)

    def step(self, params: list[Array], grads: list[Array], trainable: list[bool], lr: float) -> None:
        if self.momentum:
            super().step(params, grads, trainable, lr)
            return
        # plain SGD, the hot path of most lessons: written out without the per-parameter call
        if len(self.state) != len(params):
            self.state = [{} for _ in params]
        self.steps_taken += 1
        for p, g, on in zip(params, grads, trainable):
            if on:
                p -= lr * g

    def step_flat(self, param: Array, grad: Array, params: list[Array], lr: float) -> bool:
        if self.momentum:
            return super().step_flat(param, grad, params, lr)
        if len(self.state) != len(params):
            self.state = [{} for _ in params]
        self.steps_taken += 1
        param -= lr * grad  # elementwise: the same numbers as parameter by parameter
        return True

    def update(self, p: Array, g: Array, st: dict[str, Array], lr: float) -> None:
        if not self.momentum:
            p -= lr * g
            return
        if self.momentum_form == "pytorch":
            b = st["momentum_buffer"]
            b *= self.momentum
            b += g
            if self.nesterov:
                p -= lr * (g + self.momentum * b)
            else:
                p -= lr * b
            return
        v = st["velocity"]
        v *= self.momentum
        v += lr * g
        if self.nesterov:
            p -= self.momentum * v + lr * g
        else:
            p -= v

    def hyperparameters(self) -> dict[str, float | bool | str]:
        return {"learning_rate": self.learning_rate, "momentum": self.momentum, "nesterov": self.nesterov,
                "momentum_form": self.momentum_form}

    def describe(self, symbol: str, old: float, grad: float, new: float,
                 before: dict[str, float], after: dict[str, float], lr: float) -> list[str]:
        d = f"∂E/∂{symbol}"
        if not self.momentum:
            return [f"{symbol} = {symbol} − η · {d} = {fmt(old)} − {fmt(lr)} · {paren(grad)} = {fmt(new)}"]
        if self.momentum_form == "pytorch":
            return self._describe_buffer(symbol, d, old, grad, new, before, after, lr)
        v = f"v_{symbol}"
        vline = (f"{v} = γ · {v} + η · {d} = {fmt(self.momentum)} · {paren(before['velocity'])}"
                 f" + {fmt(lr)} · {paren(grad)} = {fmt(after['velocity'])}")
        if self.nesterov:
            wline = (f"{symbol} = {symbol} − (γ · {v} + η · {d}) = {fmt(old)} − ({fmt(self.momentum)} · "
                     f"{paren(after['velocity'])} + {fmt(lr)} · {paren(grad)}) = {fmt(new)}")
        else:
            wline = f"{symbol} = {symbol} − {v} = {fmt(old)} − {paren(after['velocity'])} = {fmt(new)}"
        return [vline, wline]

    def _describe_buffer(self, symbol: str, d: str, old: float, grad: float, new: float,
                         before: dict[str, float], after: dict[str, float], lr: float) -> list[str]:
        """torch's form: the buffer b = γb + ∇ (no η), then the step η·b."""
        b = f"b_{symbol}"
        bline = (f"{b} = γ · {b} + {d} = {fmt(self.momentum)} · {paren(before['momentum_buffer'])}"
                 f" + {paren(grad)} = {fmt(after['momentum_buffer'])}")
        if self.nesterov:
            wline = (f"{symbol} = {symbol} − η · ({d} + γ · {b}) = {fmt(old)} − {fmt(lr)} · ({paren(grad)} + "
                     f"{fmt(self.momentum)} · {paren(after['momentum_buffer'])}) = {fmt(new)}")
        else:
            wline = (f"{symbol} = {symbol} − η · {b} = {fmt(old)} − {fmt(lr)} · "
                     f"{paren(after['momentum_buffer'])} = {fmt(new)}")
        return [bline, wline]


@dataclass
class Adagrad(Optimizer):
    eps: float = 1e-10

    name = "adagrad"
    title = "AdaGrad"
    state_names = ("sum_sq",)

    def update(self, p: Array, g: Array, st: dict[str, Array], lr: float) -> None:
        s = st["sum_sq"]
        s += g * g
        p -= lr * g / (np.sqrt(s) + self.eps)

    def hyperparameters(self) -> dict[str, float | bool | str]:
        return {"learning_rate": self.learning_rate, "eps": self.eps}

    def describe(self, symbol: str, old: float, grad: float, new: float,
                 before: dict[str, float], after: dict[str, float], lr: float) -> list[str]:
        d = f"∂E/∂{symbol}"
        g2 = f"G_{symbol}"
        return [
            f"{g2} = {g2} + ({d})² = {fmt(before['sum_sq'])} + {paren(grad)}² = {fmt(after['sum_sq'])}",
            f"{symbol} = {symbol} − η · {d} / (√{g2} + ε) = {fmt(old)} − {fmt(lr)} · {paren(grad)}"
            f" / ({fmt(math.sqrt(after['sum_sq']))} + {fmt(self.eps)}) = {fmt(new)}",
        ]


@dataclass
class RMSprop(Optimizer):
    alpha: float = 0.99
    eps: float = 1e-8
    momentum: float = 0.0

    name = "rmsprop"
    title = "RMSProp"

    @property
    def state_names(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("square_avg", "momentum_buffer") if self.momentum else ("square_avg",)

    def update(self, p: Array, g: Array, st: dict[str, Array], lr: float) -> None:
        sq = st["square_avg"]
        sq *= self.alpha
        sq += (1.0 - self.alpha) * g * g
        avg = np.sqrt(sq) + self.eps
        if self.momentum:
            buf = st["momentum_buffer"]
            buf *= self.momentum
            buf += g / avg
            p -= lr * buf
        else:
            p -= lr * g / avg

    def hyperparameters(self) -> dict[str, float | bool | str]:
        return {"learning_rate": self.learning_rate, "alpha": self.alpha, "eps": self.eps,
                "momentum": self.momentum}

    def describe(self, symbol: str, old: float, grad: float, new: float,
                 before: dict[str, float], after: dict[str, float], lr: float) -> list[str]:
        d = f"∂E/∂{symbol}"
        s = f"s_{symbol}"
        lines = [
            f"{s} = α · {s} + (1 − α) · ({d})² = {fmt(self.alpha)} · {fmt(before['square_avg'])} + "
            f"{fmt(1.0 - self.alpha)} · {paren(grad)}² = {fmt(after['square_avg'])}",
        ]
        root = fmt(math.sqrt(after["square_avg"]))
        if self.momentum:
            b = f"m_{symbol}"
            lines.append(
                f"{b} = μ · {b} + {d} / (√{s} + ε) = {fmt(self.momentum)} · {paren(before['momentum_buffer'])}"
                f" + {paren(grad)} / ({root} + {fmt(self.eps)}) = {fmt(after['momentum_buffer'])}")
            lines.append(f"{symbol} = {symbol} − η · {b} = {fmt(old)} − {fmt(lr)} · "
                         f"{paren(after['momentum_buffer'])} = {fmt(new)}")
        else:
            lines.append(f"{symbol} = {symbol} − η · {d} / (√{s} + ε) = {fmt(old)} − {fmt(lr)} · "
                         f"{paren(grad)} / ({root} + {fmt(self.eps)}) = {fmt(new)}")
        return lines


@dataclass
class Adam(Optimizer):
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    name = "adam"
    title = "Adam"
    state_names = ("exp_avg", "exp_avg_sq")

    def prepare_step(self, lr: float) -> None:
        t = self.steps_taken
        self._step_size = lr / (1.0 - self.beta1 ** t)
        self._root_bias2 = math.sqrt(1.0 - self.beta2 ** t)

    def update(self, p: Array, g: Array, st: dict[str, Array], lr: float) -> None:
        m = st["exp_avg"]
        v = st["exp_avg_sq"]
        m *= self.beta1
        m += (1.0 - self.beta1) * g
        v *= self.beta2
        v += (1.0 - self.beta2) * g * g
        p -= self._step_size * m / (np.sqrt(v) / self._root_bias2 + self.eps)

    def hyperparameters(self) -> dict[str, float | bool | str]:
        return {"learning_rate": self.learning_rate, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}

    def describe(self, symbol: str, old: float, grad: float, new: float,
                 before: dict[str, float], after: dict[str, float], lr: float) -> list[str]:
        d = f"∂E/∂{symbol}"
        t = self.steps_taken
        m, v = f"m_{symbol}", f"v_{symbol}"
        m_hat = after["exp_avg"] / (1.0 - self.beta1 ** t)
        v_hat = after["exp_avg_sq"] / (1.0 - self.beta2 ** t)
        return [
            f"{m} = β1 · {m} + (1 − β1) · {d} = {fmt(self.beta1)} · {paren(before['exp_avg'])} + "
            f"{fmt(1.0 - self.beta1)} · {paren(grad)} = {fmt(after['exp_avg'])}",
            f"{v} = β2 · {v} + (1 − β2) · ({d})² = {fmt(self.beta2)} · {fmt(before['exp_avg_sq'])} + "
            f"{fmt(1.0 - self.beta2)} · {paren(grad)}² = {fmt(after['exp_avg_sq'])}",
            f"m̂ = {m} / (1 − β1^{t}) = {fmt(m_hat)}",
            f"v̂ = {v} / (1 − β2^{t}) = {fmt(v_hat)}",
            f"{symbol} = {symbol} − η · m̂ / (√v̂ + ε) = {fmt(old)} − {fmt(lr)} · {paren(m_hat)} / "
            f"({fmt(math.sqrt(v_hat))} + {fmt(self.eps)}) = {fmt(new)}",
        ]


OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "adagrad": Adagrad, "rmsprop": RMSprop, "adam": Adam}

#: torch.optim's default learning rates (PyTorch 2: SGD's is 1e-3 too), used when a file gives none
DEFAULT_LEARNING_RATES = {"sgd": 0.001, "adagrad": 0.01, "rmsprop": 0.01, "adam": 0.001}


def make_optimizer(name: str, **options: Any) -> Optimizer:
    """An optimizer by name with keyword hyper-parameters (``learning_rate``, ``momentum``, …)."""
    try:
        cls = OPTIMIZERS[name]
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r}; expected one of {', '.join(OPTIMIZERS)}") from None
    options.setdefault("learning_rate", DEFAULT_LEARNING_RATES[name])
    return cls(**options)
