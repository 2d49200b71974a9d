"""The formula grammar as LaTeX and HTML, on hand-picked cases and on every formula the engine writes."""

import re

import numpy as np
import pytest

from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec, Regularization, Trainer
from sandbox.explain.markup import to_html, to_latex


@pytest.mark.parametrize("text, latex", [
    ("∂E/∂w1", r"\frac{\partial E}{\partial w_{1}}"),
    ("w1", "w_{1}"),
    ("h2_3", "h_{2,3}"),
    ("y*", "{y^{*}}"),
    ("α11", r"\alpha_{11}"),
    ("a · b", r"a \cdot b"),
    ("−0.809", "-0.809"),
    ("½(y − y*)²", r"\tfrac{1}{2}(y - {y^{*}})^{2}"),
    ("√v̂", r"\sqrt{\hat{v}}"),
    ("Σₛ Eₛ", r"\sum_{s} E_{s}"),
    ("net_h1", r"\mathrm{net}_{h_{1}}"),
    ("2.5·10^−5", r"2.5\cdot 10^{-5}"),
    ("σ(net_y)", r"\sigma(\mathrm{net}_{y})"),
    ("log(0.5)", r"\log(0.5)"),
    ("0.14", "0.14"),
    ("η_e = η · γ^⌊e/10⌋", r"\eta_{e} = \eta \cdot \gamma^{\lfloor e/10\rfloor }"),
])
def test_latex_of_each_piece(text, latex):
    assert to_latex(text) == latex


@pytest.mark.parametrize("text, html", [
    ("w1", "w<sub>1</sub>"),
    ("h2_3", "h<sub>2,3</sub>"),
    ("y*", "y<sup>*</sup>"),
    ("α11", "α<sub>11</sub>"),
    ("∂E/∂w1", "∂E/∂w<sub>1</sub>"),
    ("Σₛ", "Σ<sub>s</sub>"),
    ("1·10^−8", "1·10<sup>−8</sup>"),
    ("a < b & c", "a &lt; b &amp; c"),
    ("m̂", "<i>m̂</i>"),
    ("η_e = η · γ^⌊e/10⌋", "η<sub>e</sub> = η · γ<sup>⌊e/10⌋</sup>"),
    ("√v̂ + ε", "√<i>v̂</i> + ε"),
    ("m̂ = m_w3_1 / (1 − β1^1)", "<i>m̂</i> = m<sub>w<sub>3,1</sub></sub> / (1 − β<sub>1</sub><sup>1</sup>)"),
])
def test_html_of_each_piece(text, html):
    assert to_html(text) == html


def test_the_lecture_s_gradient_of_w1():
    formula = "∂E/∂w1 = ∂E/∂y · ∂y/∂h1 · ∂h1/∂w1 = (y − y*) · w5 · i1 = (−0.809)(0.14)(2) = −0.22652"
    assert to_latex(formula) == (
        r"\frac{\partial E}{\partial w_{1}} = \frac{\partial E}{\partial y} \cdot \frac{\partial y}{\partial h_{1}}"
        r" \cdot \frac{\partial h_{1}}{\partial w_{1}} = (y - {y^{*}}) \cdot w_{5} \cdot i_{1}"
        r" = (-0.809)(0.14)(2) = -0.22652")


def test_english_notes_are_text():
    assert r"\text{sample}\ 0" in to_latex("∂E/∂y = 1 (sample 0)")
    assert r"\text{softmax and cross-entropy combined}" in to_latex("x (softmax and cross-entropy combined)")


def _balanced(latex: str) -> bool:
    depth = 0
    for ch in latex.replace(r"\{", "").replace(r"\}", ""):
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0


def _formulas() -> list[str]:
    rng = np.random.default_rng(5)
    out: list[str] = []
    x = rng.normal(size=(4, 2))
    for act, loss, out_act, n_out, opt in [
        ("sigmoid", "bce", "sigmoid", 1, OptimizerSpec("sgd", 0.1, {"momentum": 0.9})),
        ("elu", "cross_entropy", "softmax", 3, OptimizerSpec("adam", 0.01)),
        ("prelu", "mse", "identity", 2, OptimizerSpec("rmsprop", 0.01, {"momentum": 0.5})),
        ("softplus", "mse", "identity", 1, OptimizerSpec("adagrad", 0.1)),
        ("relu", "mse", "tanh", 1, OptimizerSpec("sgd", 0.1, {"momentum": 0.9, "nesterov": True})),
    ]:
        net = Network(2, [Layer(rng.normal(size=(3, 2)), act, biases=np.zeros(3)),
                          Layer(rng.normal(size=(n_out, 3)), out_act, biases=np.zeros(n_out))])
        targets = np.eye(n_out)[[0, 1, 1, 0]] if n_out > 1 else rng.uniform(size=(4, 1))
        exp = Experiment(net, Dataset(x, targets), loss=loss, optimizer=opt,
                         batching=Batching("minibatch", 2), regularization=Regularization("l2", 0.01))
        trainer = Trainer(exp)
        for _ in range(2):
            w = trainer.walkthrough()
            out += [s.formula for s in w.steps] + [s.symbolic for s in w.steps]
            trainer.apply(w)
    return out


def test_every_engine_formula_renders_to_balanced_latex_and_clean_html():
    for formula in _formulas():
        latex = to_latex(formula)
        assert _balanced(latex), (formula, latex)
        assert "−" not in latex and "·" not in latex and "∂" not in latex, (formula, latex)
        html = to_html(formula)
        assert "_" not in html.replace("<sub>", "").replace("</sub>", ""), (formula, html)
        # a combining hat never leaves its letter: both in one element of their own
        assert "\u0302" not in re.sub(r"<i>[^<>]\u0302</i>", "", html), (formula, html)
