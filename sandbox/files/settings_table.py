"""Every setting of a network file, declared once.

A ``Setting`` is one key of one object of the file (``optimizer.momentum``): its kind (float, int,
bool or choice), its range, its default, its symbol (η, γ, β1, λ, …), the panel's label, a one-line
help text, and a few hints for the widget and the PyTorch export. A ``Group`` is one object of the
file (``optimizer``, ``schedule``, ``batch``, an ``init``, a layer, …): the key that chooses its
variant (``name``, ``scheme``, ``mode``, …), the settings every variant has, and every variant with
the settings of its own.

The table drives:

* validation (``validate.py``): the keys an object may and must have, every kind and range check and
  its message;
* loading (``load.py``): the defaults of the keys a file leaves out;
* saving (``save.py``): which keys are written (``Setting.write``) and as which kind;
* the settings panel (``sandbox/gui/settings``): one widget per setting, with its range, steps,
  label, symbol and tooltip;
* the PyTorch export (``sandbox/export/pytorch_script.py``): the torch class of every optimizer and
  schedule and the names of their arguments;
* the settings tables of ``docs/file_format.md`` (``markdown_table``; ``python -m
  sandbox.files.doc_tables`` pastes them into the doc, a test checks the doc holds them).

Adding a parameter to an optimizer is one ``Setting`` in its ``Variant`` (plus the engine's maths).
Pure Python: no Qt, no numpy.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

from .limits import MAX_LAYER_SIZE, MAX_PARAMETERS, MAX_SAMPLES

Kind = Literal["float", "int", "bool", "choice"]
#: when ``save`` writes a setting: ``always``; ``if_set`` (the experiment holds a value for it: an
#: optimizer's options as the file or the panel gave them, a layer's α); ``if_not_default`` (held, like
#: ``if_set``, only when given; written only when not the default: SGD's ``momentum_form``)
Write = Literal["always", "if_set", "if_not_default"]
Value = bool | int | float | str

#: the largest seed (numpy's generators take any whole number ≥ 0; files keep them within 64 bits)
MAX_SEED = 2**63 - 1
#: whole numbers in a file have at most this many digits (longer ones are refused while parsing)
WHOLE_NUMBER_DIGITS = 300
#: the largest whole number a file can hold: the bound of whole-number settings without one of their own
LARGEST_WHOLE_NUMBER = 10**WHOLE_NUMBER_DIGITS - 1
#: the largest finite float64: the bound of number settings without one of their own
LARGEST_NUMBER = sys.float_info.max


def number_text(value: float | int) -> str:
    """``0.001``, ``1e-10``, ``0``, ``2⁶³ − 1``, ``1,000,000``: numbers as the docs and messages write them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if value == MAX_SEED:
            return "2⁶³ − 1"
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if value == int(value) and abs(value) < 1e16:
        return str(int(value))
    text = repr(float(value))
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


@dataclass(frozen=True)
class Setting:
    """One key of one object of a network file."""

    key: str
    kind: Kind
    #: one line for people (tooltips, the docs); formulas in the walkthrough's text grammar (η_e, γ^e)
    help: str
    #: the value when the file leaves the key out (None: required, or ``default_text`` says what it is);
    #: a selector's default is the variant of a file that leaves the whole object out
    default: Value | None = None
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    #: the bound itself is excluded (``> 0`` rather than ``≥ 0``)
    min_open: bool = False
    max_open: bool = False
    #: the names a ``choice`` takes
    choices: tuple[str, ...] = ()
    #: one line per choice (tooltips of combo boxes), aligned with ``choices``
    choice_help: tuple[str, ...] = ()
    #: the symbol of the lecture (η, γ, β1, λ, n₀, η_min); '' when it has none
    symbol: str = ""
    #: the settings panel's label; the symbol written as the walkthrough writes it (η_min)
    label: str = ""
    #: how messages name it: ``a seed`` (whole numbers), ``batch mode`` (choices)
    noun: str = ""
    #: the docs' default when it is not a constant (``the file's seed, else 0``)
    default_text: str = ""
    #: the panel's first value for a required setting (a newly chosen schedule's k and γ)
    start: Value | None = None
    write: Write = "always"
    #: the panel's arrows: a linear step, or along 1-2-5 (``log``) from ``smallest`` up
    step: float | None = None
    log: bool = False
    smallest: float | None = None
    #: the torch argument (``lr``, ``betas[0]``); '' when the export writes none
    torch: str = ""
    #: the key of a sibling setting this one only acts with (Nesterov needs momentum)
    needs: str = ""
    #: added to the message of a missing required key: ``(the minibatch size)``
    missing: str = ""

    # ---- range ---------------------------------------------------------------------------------
    def lowest(self) -> float | int | None:
        """The smallest value the format accepts (None: no bound)."""
        if self.minimum is None:
            return None
        if not self.min_open:
            return int(self.minimum) if self.kind == "int" else float(self.minimum)
        if self.kind == "int":
            return int(self.minimum) + 1
        return math.nextafter(float(self.minimum), math.inf)

    def highest(self) -> float | int | None:
        """The largest value the format accepts (None: no bound)."""
        if self.maximum is None:
            return None
        if not self.max_open:
            return int(self.maximum) if self.kind == "int" else float(self.maximum)
        if self.kind == "int":
            return int(self.maximum) - 1
        return math.nextafter(float(self.maximum), -math.inf)

    def contains(self, value: float) -> bool:
        """Whether a number is in the setting's range."""
        if self.minimum is not None and (value <= self.minimum if self.min_open else value < self.minimum):
            return False
        if self.maximum is not None and (value >= self.maximum if self.max_open else value > self.maximum):
            return False
        return True

    def range_message(self) -> str:
        """What a number out of range is told: ``must be at least 0 and less than 1``."""
        lo, hi = self.minimum, self.maximum
        if lo is not None and hi is not None:
            return (f"must be {'greater than' if self.min_open else 'at least'} {number_text(lo)} and "
                    f"{'less than' if self.max_open else 'at most'} {number_text(hi)}")
        if lo is not None:
            return f"must be greater than {number_text(lo)}" if self.min_open else f"must be {number_text(lo)} or more"
        if hi is not None:
            return f"must be less than {number_text(hi)}" if self.max_open else f"must be {number_text(hi)} or less"
        return ""

    def whole_number_what(self) -> str:
        """How messages name a whole number setting: ``a whole number ≥ 1``, ``a seed (a whole number ≥ 0)``."""
        lowest = self.lowest()
        plain = "a whole number" if lowest is None else f"a whole number ≥ {lowest}"
        return f"{self.noun} ({plain})" if self.noun else plain

    def range_text(self) -> str:
        """The docs' value column: ``number > 0``, ``number in [0, 1)``, ``whole number ≥ 1``, ``true or false``."""
        if self.kind == "bool":
            return "`true` or `false`"
        if self.kind == "choice":
            return ", ".join(f"`{c}`" for c in self.choices)
        noun = "whole number" if self.kind == "int" else "number"
        lo, hi = self.minimum, self.maximum
        if lo is not None and hi is not None:
            if self.kind == "int" and not self.min_open and not self.max_open:
                return f"{noun} from {number_text(lo)} to {number_text(hi)}"
            return (f"{noun} in {'(' if self.min_open else '['}{number_text(lo)}, {number_text(hi)}"
                    f"{')' if self.max_open else ']'}")
        if lo is not None:
            return f"{noun} {'>' if self.min_open else '≥'} {number_text(lo)}"
        if hi is not None:
            return f"{noun} {'<' if self.max_open else '≤'} {number_text(hi)}"
        return f"any {noun}"

    # ---- values ------------------------------------------------------------------------------
    def cast(self, value: Value) -> Value:
        """A valid file value as the kind it is kept as (``2`` → ``2.0`` for numbers)."""
        if self.kind == "float":
            return float(value)
        if self.kind == "int":
            return int(value)
        if self.kind == "bool":
            return bool(value)
        return str(value)

    @property
    def title(self) -> str:
        """The panel's label (the key, capitalised, when none is declared)."""
        return self.label or self.key.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Variant:
    """One choice of a group's selector (``sgd`` of ``optimizer.name``) and the settings it adds."""

    name: str
    title: str
    help: str
    settings: tuple[Setting, ...] = ()
    #: the torch class (``SGD``, ``StepLR``); '' when there is none (the constant schedule)
    torch: str = ""
    #: a comment the export writes after the torch line when it writes an option of this variant
    torch_note: str = ""
    #: defaults of the group's common settings that differ for this variant (torch's learning rates)
    defaults: tuple[tuple[str, Value], ...] = ()


@dataclass(frozen=True)
class Group:
    """One object of a network file: a selector, the common settings, the variants."""

    #: where it is in the file (``optimizer``; ``layers[i]`` for a layer)
    key: str
    #: the docs' heading of its table
    title: str
    selector: Setting | None
    common: tuple[Setting, ...]
    variants: tuple[Variant, ...] = ()
    #: the ``Experiment`` attributes its settings land in (``SettingCommand`` keys)
    attributes: tuple[str, ...] = ()
    #: how the docs name the keys: ``trainable.weights`` for ``trainable``'s
    prefix: str = ""

    def names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variants)

    def variant(self, name: object) -> Variant | None:
        return next((v for v in self.variants if v.name == name), None)

    def settings(self, name: object = None) -> tuple[Setting, ...]:
        """Every setting of variant ``name`` (the selector first, then the common ones with the variant's
        defaults, then its own); without a known variant the selector and the common ones."""
        variant = self.variant(name)
        own: tuple[Setting, ...] = () if self.selector is None else (self.selector,)
        if variant is None:
            return own + self.common
        overrides = dict(variant.defaults)
        common = tuple(replace(s, default=overrides[s.key]) if s.key in overrides else s for s in self.common)
        return own + common + variant.settings

    def setting(self, key: str, name: object = None) -> Setting | None:
        """The declaration of ``key`` for variant ``name`` (any variant's when ``name`` is not one)."""
        found = next((s for s in self.settings(name) if s.key == key), None)
        if found is None and self.variant(name) is None:
            found = next((s for v in self.variants for s in v.settings if s.key == key), None)
        return found

    def keys(self, name: object = None) -> tuple[str, ...]:
        """The keys variant ``name`` may have (every key of the group when ``name`` is not a variant)."""
        if self.variant(name) is None:
            return self.all_keys()
        return tuple(s.key for s in self.settings(name))

    def all_keys(self) -> tuple[str, ...]:
        keys = [s.key for s in self.settings()]
        for v in self.variants:
            keys += [s.key for s in v.settings if s.key not in keys]
        return tuple(keys)

    def users(self, key: str) -> tuple[str, ...]:
        """The variants that have ``key`` of their own."""
        return tuple(v.name for v in self.variants if any(s.key == key for s in v.settings))

    def required(self, name: object = None) -> tuple[str, ...]:
        return tuple(s.key for s in self.settings(name) if s.required)

    def defaults(self, name: object) -> dict[str, Value]:
        """The values the settings of variant ``name`` take when the file leaves them out (only those written
        ``always``: leaving out the others is what they remember)."""
        return {s.key: s.default for s in self.settings(name)
                if s.default is not None and s.write == "always" and s is not self.selector}

    def starts(self, name: str) -> dict[str, Value]:
        """The values of a newly chosen variant's own settings in the panel."""
        variant = self.variant(name)
        if variant is None:
            return {}
        starts: dict[str, Value] = {}
        for s in variant.settings:
            value = s.start if s.start is not None else s.default
            if value is not None:
                starts[s.key] = value
        return starts


def _group(key: str, title: str, selector: Setting | None, common: Iterable[Setting],
           variants: Iterable[Variant] = (), attributes: tuple[str, ...] = (), prefix: str = "") -> Group:
    """A group whose selector's choices (and their help) are its variants' names."""
    variants = tuple(variants)
    if selector is not None and variants:
        selector = replace(selector, choices=tuple(v.name for v in variants),
                           choice_help=tuple(v.help for v in variants))
    return Group(key, title, selector, tuple(common), variants, attributes, prefix)


# ---- shared declarations ----------------------------------------------------------------------

SEED = Setting("seed", "int", "The random seed: the same seed draws the same numbers.", minimum=0,
               maximum=MAX_SEED, noun="a seed", default_text="the file's `seed`, else 0", label="Seed")
FRACTION = Setting("fraction", "float", "", minimum=0.0, maximum=1.0, max_open=True)
POSITIVE = Setting("positive", "float", "", minimum=0.0, min_open=True)
NONNEGATIVE = Setting("nonnegative", "float", "", minimum=0.0)
ANY_NUMBER = Setting("number", "float", "")


def _number(base: Setting, key: str, help: str, **kwargs: Any) -> Setting:
    """A number setting with the range of ``base`` (``FRACTION``, ``POSITIVE``, …)."""
    return replace(base, key=key, help=help, **kwargs)


# ---- loss --------------------------------------------------------------------------------------

LOSS = _group(
    "loss", "Loss",
    Setting("name", "choice", "The error E of one sample.", required=True, default="mse", noun="loss",
            label="Loss"),
    [Setting("reduction", "choice", "How the losses of a batch's samples make the batch loss.",
             default="mean", choices=("mean", "sum"), noun="reduction", label="Reduction",
             choice_help=("The batch loss is the mean of the samples' losses: η does not depend on the batch size.",
                          "The batch loss is the sum of the samples' losses, as in the lecture's Σ over K_j: "
                          "bigger batches take bigger steps."))],
    [Variant("mse", "Mean squared error",
             "E = ½ Σ (y − y*)² per sample, as in the lecture: for regression, or any output."),
     Variant("bce", "Binary cross-entropy",
             "E = −y* log y − (1 − y*) log(1 − y): for outputs in (0, 1) read as probabilities "
             "(a sigmoid output layer)."),
     Variant("cross_entropy", "Cross-entropy (softmax)",
             "E = −Σ y* log y over the outputs of a softmax layer (they sum to 1): for classes.")],
    attributes=("loss", "reduction"))

# ---- optimizer ---------------------------------------------------------------------------------

LEARNING_RATE = _number(
    POSITIVE, "learning_rate", "The step size: θ = θ − η∇E. Too small learns slowly; too large overshoots and "
    "diverges.", symbol="η", label="Learning rate η", default_text="torch.optim's default of the optimizer",
    log=True, smallest=1e-5, torch="lr")
MOMENTUM = _number(
    FRACTION, "momentum", "The fraction of the previous update added to this one, v = γv + η∇E (0 = plain SGD; "
    "0.9 is common). Momentum dampens oscillations.", default=0.0, symbol="γ", label="Momentum γ", step=0.05,
    write="if_set", torch="momentum")
MOMENTUM_FORM = Setting(
    "momentum_form", "choice", "How momentum is kept: lecture, the velocity v = γv + η∇E, θ = θ − v; "
    "pytorch (torch.optim.SGD's), the buffer b = γb + ∇E, θ = θ − ηb. The same steps while η is constant; "
    "under a schedule they differ.", default="lecture", choices=("lecture", "pytorch"),
    choice_help=("The lecture's velocity v = γv + η∇E, θ = θ − v: each step remembers the η it was taken with.",
                 "torch.optim.SGD's buffer b = γb + ∇E, θ = θ − ηb: the whole buffer is scaled by today's η."),
    noun="momentum form", label="Momentum form", write="if_not_default", needs="momentum")
EPS = _number(POSITIVE, "eps", "A small number added to the denominator so that it is never zero.",
              default=1e-8, symbol="ε", label="ε", log=True, smallest=1e-12, write="if_set", torch="eps")

OPTIMIZER = _group(
    "optimizer", "Optimizer",
    Setting("name", "choice", "The update rule.", required=True, default="sgd", noun="optimizer",
            label="Optimizer"),
    [LEARNING_RATE],
    [Variant("sgd", "SGD", "Stochastic gradient descent, with momentum in the lecture's form v = γv + η∇E, "
             "θ = θ − v, or torch's b = γb + ∇E, θ = θ − ηb.",
             (MOMENTUM,
              Setting("nesterov", "bool", "Look ahead: the gradient's step is taken from where momentum is about "
                      "to carry the weights, θ = θ − (γv + η∇E) (torch's form: θ = θ − η(∇E + γb)).",
                      default=False, label="Nesterov momentum", write="if_set", torch="nesterov", needs="momentum"),
              MOMENTUM_FORM),
             torch="SGD", defaults=(("learning_rate", 0.001),)),
     Variant("adagrad", "AdaGrad", "AdaGrad: every parameter's step is η divided by the root of its summed "
             "squared gradients.", (replace(EPS, default=1e-10),), torch="Adagrad",
             defaults=(("learning_rate", 0.01),)),
     Variant("rmsprop", "RMSProp", "RMSProp: η divided by a running root-mean-square of recent gradients.",
             (_number(FRACTION, "alpha", "The smoothing constant of the running mean of squared gradients: "
                      "s = αs + (1 − α)(∇E)².", default=0.99, symbol="α", label="Decay α", step=0.01,
                      write="if_set", torch="alpha"),
              EPS,
              replace(MOMENTUM, symbol="μ", label="Momentum μ",
                      help="RMSProp's momentum: m = μm + ∇E/(√s + ε), θ = θ − ηm (0 = none).")),
             torch="RMSprop", defaults=(("learning_rate", 0.01),)),
     Variant("adam", "Adam", "Adam: momentum (β1) and RMSProp-like scaling (β2), with bias correction.",
             (_number(FRACTION, "beta1", "The decay of the running mean of gradients, m = β1·m + (1 − β1)∇E.",
                      default=0.9, symbol="β1", label="β1", step=0.01, write="if_set", torch="betas[0]"),
              _number(FRACTION, "beta2", "The decay of the running mean of squared gradients, "
                      "v = β2·v + (1 − β2)(∇E)².", default=0.999, symbol="β2", label="β2", step=0.001,
                      write="if_set", torch="betas[1]"),
              EPS),
             torch="Adam", defaults=(("learning_rate", 0.001),))],
    attributes=("optimizer",))

# ---- learning-rate schedule ----------------------------------------------------------------------

GAMMA = _number(POSITIVE, "gamma", "The factor η is multiplied by: at most 1, so that η decays and never grows "
                "without bound.", maximum=1.0, required=True,
                symbol="γ", label="Factor γ", step=0.01, torch="gamma")

SCHEDULE = _group(
    "schedule", "Learning-rate schedule",
    Setting("name", "choice", "How η changes from epoch to epoch.", required=True, noun="schedule",
            label="Schedule"),
    [],
    [Variant("constant", "Constant", "The same η in every epoch."),
     Variant("step", "Step decay", "η is multiplied by γ every k epochs: η_e = η · γ^⌊e/k⌋.",
             (Setting("step_epochs", "int", "Step decay: η is multiplied by γ every k epochs.", required=True,
                      minimum=1, start=10, symbol="k", label="Every k epochs", torch="step_size"),
              replace(GAMMA, start=0.5)),
             torch="StepLR"),
     Variant("exponential", "Exponential decay", "η is multiplied by γ after every epoch: η_e = η · γ^e.",
             (replace(GAMMA, start=0.99),), torch="ExponentialLR"),
     Variant("cosine", "Cosine annealing", "η falls from η to η_min along half a cosine over T epochs.",
             (Setting("epochs", "int", "Cosine: the number of epochs from η down to η_min.", required=True,
                      minimum=1, start=100, symbol="T", label="Over T epochs", torch="T_max"),
              _number(NONNEGATIVE, "min_lr", "Cosine: the learning rate reached after T epochs.", required=True,
                      start=0.0, symbol="η_min", label="η_min", log=True, smallest=1e-6, torch="eta_min")),
             torch="CosineAnnealingLR")],
    attributes=("schedule",))

# ---- regularization ------------------------------------------------------------------------------

STRENGTH = _number(NONNEGATIVE, "strength", "How strongly large weights are penalised.", symbol="λ",
                   label="Strength λ", log=True, smallest=1e-5, start=1e-3)

REGULARIZATION = _group(
    "regularization", "Regularization",
    Setting("kind", "choice", "Which norm of the weights is penalised.", required=True, default="none",
            noun="regularization", label="Penalty"),
    [],
    [Variant("none", "None", "Minimise the loss alone.", (replace(STRENGTH, default=0.0, start=None),)),
     Variant("l1", "L1 (λ·|w|)", "Add R(θ) = λ Σ|w|: each weight's gradient gets λ·sign(w), pushing small "
             "weights to exactly 0.", (replace(STRENGTH, required=True),)),
     Variant("l2", "L2 (λ/2·w²)", "Add R(θ) = λ/2 Σ w²: each weight's gradient gets λ·w (weight decay). "
             "Biases are not regularized.", (replace(STRENGTH, required=True),))],
    attributes=("regularization",))

# ---- batches -------------------------------------------------------------------------------------

BATCH = _group(
    "batch", "Batches",
    Setting("mode", "choice", "Full batch, one sample, or mini-batches of n₀ samples.", required=True,
            default="full", noun="batch mode", label="Batch"),
    [Setting("shuffle", "bool", "Each epoch visits the samples in a new random order (sampling without "
             "replacement: every sample once per epoch). Off: the file's order.", default=False,
             label="Shuffle every epoch"),
     replace(SEED, help="The seed of the shuffled orders (the same seed, the same batches).", label="Shuffle seed")],
    [Variant("full", "Full batch (GD)", "Full batch, gradient descent: every iteration uses the whole training set, "
             "θ = θ − η Σₖ ∇L. One iteration per epoch."),
     Variant("single", "One sample (SGD)", "Stochastic gradient descent: every iteration uses one sample, "
             "θ = θ − η ∇L(f(x_k), y_k). n iterations per epoch."),
     Variant("minibatch", "Mini-batch", "Every iteration uses a batch K_j of n₀ samples, θ = θ − η Σ ∇L over "
             "K_j. ⌈n/n₀⌉ iterations per epoch; what is usually done.",
             (Setting("size", "int", "Samples per mini-batch; the last batch of an epoch is smaller when n₀ does "
                      "not divide n.", required=True, minimum=1, start=10, symbol="n₀", label="Batch size n₀",
                      missing="the minibatch size"),))],
    attributes=("batching",))

# ---- weight initialisation -----------------------------------------------------------------------

INIT = _group(
    "init", "Initialisation",
    Setting("scheme", "choice", "How the weights are drawn.", required=True, default="xavier_uniform",
            noun="init scheme", label="Scheme"),
    [replace(SEED, help="The random seed: the same seed draws the same weights (each layer gets its own stream).")],
    [Variant("zeros", "Zeros", "Every weight 0: all neurons of a layer stay identical (symmetry is never broken)."),
     Variant("constant", "Constant", "Every weight the same value: symmetric like zeros.",
             (_number(ANY_NUMBER, "value", "The value of every weight.", default=0.0, label="Value", step=0.1),)),
     Variant("uniform", "Uniform U(low, high)", "Random, uniform between low and high (zero mean when low = −high).",
             (_number(ANY_NUMBER, "low", "The smallest value drawn (less than high).", default=-0.1, label="Low",
                      step=0.1),
              _number(ANY_NUMBER, "high", "The largest value drawn (more than low).", default=0.1, label="High",
                      step=0.1))),
     Variant("normal", "Normal N(0, σ²)", "Random, zero-mean normal with standard deviation σ (constant variance "
             "across layers).",
             (_number(POSITIVE, "std", "σ, the standard deviation.", default=0.1, symbol="σ", label="Std σ",
                      step=0.05),)),
     Variant("xavier_uniform", "Xavier uniform", "Xavier: uniform in ±√(6/(n_in + n_out)), normalised by the "
             "layer's size."),
     Variant("xavier_normal", "Xavier normal", "Xavier: normal with variance 2/(n_in + n_out)."),
     Variant("he_uniform", "He uniform", "He: uniform in ±√(6/n_in), made for ReLU layers."),
     Variant("he_normal", "He normal", "He: normal with variance 2/n_in, made for ReLU layers.")],
    attributes=("init",))

# ---- data generators -----------------------------------------------------------------------------

TEST_FRACTION = _number(FRACTION, "test_fraction", "The share of the samples held out as a test set (chosen with "
                        "the seed): never trained on, used to see whether the network generalises.",
                        default=0.0, label="Test fraction", step=0.05)
DATA_SEED = replace(SEED, help="The random seed: the same seed gives the same samples and split.")

GENERATOR = _group(
    "data", "Generated data",
    Setting("generator", "choice", "Where the training samples come from: 2-D points drawn with a seed.",
            required=True, noun="generator", label="Data"),
    [Setting("samples", "int", "How many samples are drawn in all (training + test).", default=200, minimum=1,
             maximum=MAX_SAMPLES, label="Samples", step=50),
     _number(NONNEGATIVE, "noise", "The standard deviation of Gaussian noise added to every point (to the target "
             "for plane): more noise, more overlap between the classes.", default=0.0, maximum=10.0, label="Noise",
             step=0.05),
     DATA_SEED,
     TEST_FRACTION],
    [Variant("xor", "XOR (four quadrants)", "Points in [−1, 1]²; class 1 where x1·x2 > 0. Needs a hidden layer: "
             "no line separates it."),
     Variant("circle", "Circle (inside vs. ring)", "Class 1 inside radius 0.5, class 0 on a ring from 0.7 to 1."),
     Variant("gaussians", "Two Gaussian blobs", "Two Gaussian clouds around (±0.45, ±0.45): almost linearly "
             "separable."),
     Variant("spiral", "Two spirals", "Two interleaved spirals: the hardest of the TF Playground problems."),
     Variant("plane", "Plane (regression)", "A regression target 0.6·x1 − 0.4·x2 (noise is added to the target)."),
     Variant("lecture", "Lecture: one sample", "The lecture's single sample: inputs (2, 3), target 1.")])

#: TF Playground's derived inputs (``data.features``, a list of these names; ``sandbox/engine/features.py``
#: computes them): each one an extra input neuron after x1 and x2, for data with 2 inputs only
FEATURES = Setting(
    "features", "choice", "Derived inputs appended to x1 and x2 as extra input neurons, in the order listed "
    "(only for data with 2 inputs): a list of names.", default_text="none", noun="feature", label="Features",
    choices=("x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"),
    choice_help=("x1²: x1 squared", "x2²: x2 squared", "x1x2: x1 times x2", "sin(x1): the sine of x1",
                 "sin(x2): the sine of x2"))

#: the settings of a CSV data entry besides its path and target columns
CSV_SETTINGS = (replace(TEST_FRACTION, help="The share of the rows held out as a test set (chosen with the seed)."),
                replace(DATA_SEED, help="The seed of the test split."))
CSV = _group("data", "CSV data", None, CSV_SETTINGS)

# ---- layers --------------------------------------------------------------------------------------

#: α of the activations that have one, when a layer gives none
ALPHA_DEFAULTS: dict[str, float] = {"prelu": 0.25, "elu": 1.0}
ACTIVATION_NAMES = ("identity", "binary_step", "sigmoid", "tanh", "arctan", "relu", "prelu", "elu", "softplus",
                    "softmax")

LAYER_SIZE = Setting("size", "int", "The number of neurons.", required=True, minimum=1, maximum=MAX_LAYER_SIZE,
                     label="Neurons")
LAYER = _group(
    "layers[i]", "Settings of a layer", None,
    [LAYER_SIZE,
     Setting("activation", "choice", "The activation function f: a = f(z), z = W·a_prev + b (softmax only on the "
             "output layer).", required=True, choices=ACTIVATION_NAMES, noun="activation", label="Activation"),
     _number(ANY_NUMBER, "alpha", "The α of prelu, f(x) = αx for x < 0, and of elu, f(x) = α(eˣ − 1) for x < 0 "
             "(ignored by the others).", symbol="α", label="α", step=0.05, write="if_set",
             default_text=", ".join(f"{number_text(v)} for `{k}`" for k, v in ALPHA_DEFAULTS.items())),
     Setting("bias", "bool", "Whether the layer adds a bias b to z = W·a_prev + b.", default=True, label="Bias")],
    attributes=("activation", "alpha", "train_weights", "train_biases", "init"))
TRAINABLE = _group(
    "trainable", "Trainable parameters", None,
    [Setting("weights", "bool", "Whether the layer's weights are updated (a frozen one gets its gradient "
             "computed and shown, but keeps its value).", default=True, label="Train weights"),
     Setting("biases", "bool", "Whether the layer's biases are updated.", default=True, label="Train biases")],
    prefix="trainable.")

#: ``layers[0].image``: the inputs are the pixels of an image, row by row (input k is pixel (k // columns,
#: k % columns)); rows × columns must be the input layer's size
IMAGE = _group(
    "layers[0].image", "Inputs that are an image", None,
    [Setting("rows", "int", "The image's height in pixels.", required=True, minimum=1, maximum=MAX_LAYER_SIZE,
             label="Rows"),
     Setting("columns", "int", "The image's width in pixels: the inputs are its pixels row by row, so rows × "
             "columns is the input layer's size.", required=True, minimum=1, maximum=MAX_LAYER_SIZE,
             label="Columns")],
    prefix="image.")

# ---- the top level -------------------------------------------------------------------------------

FILE_SEED = replace(SEED, help="The default of every seed the file leaves out (init, every layer's init, batch, "
                    "the data generator and the CSV test split).", default_text="0", write="if_set")

#: every group, in the file's order
GROUPS: tuple[Group, ...] = (LAYER, TRAINABLE, LOSS, OPTIMIZER, SCHEDULE, REGULARIZATION, BATCH, GENERATOR, INIT)


def experiment_fields() -> tuple[str, ...]:
    """The ``Experiment`` attributes a setting of the panel may change (``SettingCommand``'s keys)."""
    fields: list[str] = []
    for group in (LOSS, OPTIMIZER, SCHEDULE, REGULARIZATION, BATCH, INIT):
        fields += [a for a in group.attributes if a not in fields]
    return (*fields, "seed")


def layer_fields() -> tuple[str, ...]:
    """The layer attributes (``("layer", i, name)`` keys) a setting of the panel may change."""
    return LAYER.attributes


# ---- the docs ------------------------------------------------------------------------------------

#: the tables of docs/file_format.md: marker name -> the groups whose settings it lists
DOC_TABLES: dict[str, tuple[Group, ...]] = {
    "image": (IMAGE,), "layer": (LAYER, TRAINABLE), "loss": (LOSS,), "optimizer": (OPTIMIZER,),
    "schedule": (SCHEDULE,),
    "regularization": (REGULARIZATION,), "batch": (BATCH,), "generator": (GENERATOR,), "init": (INIT,),
}
_BEGIN = ("<!-- settings table: {name} (made from sandbox/files/settings_table.py by "
          "python -m sandbox.files.doc_tables) -->")
_END = "<!-- end of settings table -->"
_BLOCK = re.compile(r"<!-- settings table: (\w+) .*?-->\n.*?<!-- end of settings table -->", re.DOTALL)


def _value_text(value: Value) -> str:
    if isinstance(value, str):
        return f"`{value}`"
    if isinstance(value, bool):
        return f"`{number_text(value)}`"
    text = number_text(value)
    return "−" + text[1:] if text.startswith("-") else text


def _default_text(s: Setting) -> str:
    if s.required:
        return "required"
    if s.default_text:
        return s.default_text
    if s.default is None:
        return "—"
    return _value_text(s.default)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_table(groups: Iterable[Group]) -> str:
    """The docs' table of the settings of ``groups``: one row per setting; a setting that several variants
    declare alike is one row naming them all."""
    groups = tuple(groups)
    with_variants = any(g.variants for g in groups)
    #: key, the variants it is for ('' the selector, 'all' a common setting), value, default, symbol, meaning
    rows: list[tuple[str, list[str], str, str, str, str]] = []
    for group in groups:
        own = (() if group.selector is None else (group.selector,)) + group.common
        for s in own:
            default = _default_text(s)
            per_variant = [(v.name, dict(v.defaults)[s.key]) for v in group.variants if s.key in dict(v.defaults)]
            if per_variant:
                default = ", ".join(f"`{name}` {_value_text(value)}" for name, value in per_variant)
            users = [] if s is group.selector else ["all"]
            rows.append((f"`{group.prefix}{s.key}`", users, s.range_text(), default, s.symbol, s.help))
        for variant in group.variants:
            for s in variant.settings:
                row = (f"`{group.prefix}{s.key}`", [variant.name], s.range_text(), _default_text(s), s.symbol,
                       s.help)
                same = next((r for r in rows if r[0] == row[0] and r[2:] == row[2:] and r[1] and r[1] != ["all"]),
                            None)
                if same is not None:
                    same[1].append(variant.name)
                else:
                    rows.append(row)
    head = ["key", "for", "value", "default", "symbol", "meaning"] if with_variants else \
        ["key", "value", "default", "symbol", "meaning"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, users, value, default, symbol, meaning in rows:
        used = ", ".join(u if u == "all" else f"`{u}`" for u in users)
        cells = [key] + ([used] if with_variants else []) + [value, default, symbol, meaning]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def doc_block(name: str) -> str:
    """A marked table as it stands in the doc: begin marker, table, end marker."""
    return f"{_BEGIN.format(name=name)}\n{markdown_table(DOC_TABLES[name])}\n{_END}"


def update_doc(text: str) -> str:
    """``text`` with every marked settings table made afresh from the declarations."""
    return _BLOCK.sub(lambda m: doc_block(m.group(1)), text)


def doc_tables_in(text: str) -> list[str]:
    """The names of the marked tables in ``text``, in order."""
    return [m.group(1) for m in _BLOCK.finditer(text)]


__all__ = [
    "Setting", "Variant", "Group", "Kind", "Value", "Write", "GROUPS", "LOSS", "OPTIMIZER", "SCHEDULE",
    "REGULARIZATION", "BATCH", "INIT", "GENERATOR", "LAYER", "TRAINABLE", "SEED", "FILE_SEED", "CSV_SETTINGS", "CSV",
    "LAYER_SIZE", "IMAGE", "MOMENTUM_FORM", "FEATURES", "ALPHA_DEFAULTS", "ACTIVATION_NAMES", "MAX_SEED",
    "MAX_PARAMETERS", "MAX_SAMPLES",
    "WHOLE_NUMBER_DIGITS", "LARGEST_WHOLE_NUMBER", "LARGEST_NUMBER", "number_text", "experiment_fields",
    "layer_fields", "markdown_table", "doc_block", "update_doc", "doc_tables_in", "DOC_TABLES",
]
