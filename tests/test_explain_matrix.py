"""The lecture's matrix slide with this network's numbers (``sandbox.explain.matrix``): the lecture's own
products and results, random networks whose matrices are the walkthrough's arrays, batches, other optimizers,
frozen layers, big layers capped, and the section in ``explain``'s text and Markdown."""

from __future__ import annotations

import numpy as np
import pytest

from sandbox.engine import Batching, Dataset, Experiment, Layer, Network, OptimizerSpec, Trainer, Walkthrough
from sandbox.engine.numbers import fmt
from sandbox.explain import matrix, to_markdown, to_text
from sandbox.explain.matrix import EQ, MATRIX_TITLE, MAX_SHOWN, Block, Mat, Txt, blocks, matrix_markdown, matrix_text
from sandbox.files import load_experiment
from sandbox.resources import resource_path


def lecture() -> Walkthrough:
    return Trainer(load_experiment(resource_path("networks", "lecture17-linear.json"))).walkthrough()


def cells(*rows: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(rows)


def shown(n: int) -> list[int | None]:
    return list(range(n)) if n <= MAX_SHOWN else [*range(MAX_SHOWN - 2), None, n - 1]


def expected(array: np.ndarray) -> tuple[tuple[str, ...], ...]:
    """The cells a matrix of ``array`` (rows × columns as shown) is written with, gaps included."""
    rows, cols = array.shape
    out = []
    for i in shown(rows):
        out.append(tuple("⋱" if i is None and j is None else "⋮" if i is None else "⋯" if j is None
                         else fmt(float(array[i, j])) for j in shown(cols)))
    return tuple(out)


def numeric(block: Block) -> list[Mat | Txt]:
    """The equation with the numbers (the one whose relations are all '=')."""
    return next(e for e in block.equations if e[1] == EQ)


def weight_block(w: Walkthrough, layer: int) -> Block:
    _, bl = blocks(w, str)
    return next(b for b in bl if b.heading.startswith(f"Layer {layer} "))


# ---- the lecture's slide ------------------------------------------------------------------------

def test_the_output_layer_is_the_slide_s_first_matrix():
    # [w5; w6] = [0.14; 0.15] − 0.05(−0.809)[0.85; 0.48] = [0.14; 0.15] − [−0.0343825; −0.019416]
    #          = [0.1743825; 0.169416]
    eq = numeric(weight_block(lecture(), 2))
    assert [p.text if isinstance(p, Txt) else p.cells for p in eq] == [
        cells(("w5",), ("w6",)), "=", cells(("0.14",), ("0.15",)), "−", "0.05(−0.809)", cells(("0.85",), ("0.48",)),
        "=", cells(("0.14",), ("0.15",)), "−", cells(("−0.0343825",), ("−0.019416",)),
        "=", cells(("0.1743825",), ("0.169416",))]


def test_the_hidden_layer_is_the_slide_s_second_matrix():
    # [w1 w3; w2 w4] = [.11 .12; .21 .08] − 0.05(−0.809)[2; 3]·[0.14 0.15] = … − [−0.011326 −0.012135; −0.016989
    # −0.0182025] = [0.121326 0.132135; 0.226989 0.0982025]: rows are the inputs i1, i2, columns the neurons h1, h2
    eq = numeric(weight_block(lecture(), 1))
    assert [p.text if isinstance(p, Txt) else p.cells for p in eq] == [
        cells(("w1", "w3"), ("w2", "w4")), "=", cells(("0.11", "0.12"), ("0.21", "0.08")), "−", "0.05(−0.809)",
        cells(("2",), ("3",)), "·", cells(("0.14", "0.15")),
        "=", cells(("0.11", "0.12"), ("0.21", "0.08")), "−",
        cells(("−0.011326", "−0.012135"), ("−0.016989", "−0.0182025")),
        "=", cells(("0.121326", "0.132135"), ("0.226989", "0.0982025"))]


def test_the_slide_s_symbols_and_delta():
    w = lecture()
    notes, bl = blocks(w, str)
    assert ("", "Δ = y − y* = 0.191 − 1 = −0.809") in notes
    assert ("Learning rate", "η = 0.05") in notes
    assert [b.heading for b in bl] == ["Layer 2 (output layer: y)", "Layer 1 (hidden layer 1: h1, h2)"]
    out_sym, hidden_sym = bl[0].equations[0], bl[1].equations[0]
    assert [p.text if isinstance(p, Txt) else p.cells for p in out_sym] == [
        cells(("w5",), ("w6",)), "←", cells(("w5",), ("w6",)), "−", "η Δ", cells(("h1",), ("h2",)),
        "=", cells(("w5",), ("w6",)), "−", cells(("η·h1·Δ",), ("η·h2·Δ",))]
    assert hidden_sym[-1] == Mat(cells(("η·i1·Δ·w5", "η·i1·Δ·w6"), ("η·i2·Δ·w5", "η·i2·Δ·w6")))


def test_the_slide_as_text_and_latex():
    w = lecture()
    text = matrix_text(w)
    assert "⎡w5⎤   ⎡0.14⎤                ⎡0.85⎤   ⎡0.14⎤   ⎡−0.0343825⎤   ⎡0.1743825⎤" in text
    assert "⎣w6⎦ = ⎣0.15⎦ − 0.05(−0.809) ⎣0.48⎦ = ⎣0.15⎦ − ⎣ −0.019416⎦ = ⎣ 0.169416⎦" in text
    assert "⎣w2  w4⎦ = ⎣0.21  0.08⎦ − 0.05(−0.809) ⎣3⎦ · [0.14  0.15]" in text
    assert "Δ = y − y* = 0.191 − 1 = −0.809" in text
    md = matrix_markdown(w)
    assert (r"$$\begin{bmatrix} w_{5} \\ w_{6} \end{bmatrix} = \begin{bmatrix} 0.14 \\ 0.15 \end{bmatrix} - "
            r"0.05(-0.809) \begin{bmatrix} 0.85 \\ 0.48 \end{bmatrix} = \begin{bmatrix} 0.14 \\ 0.15 \end{bmatrix} "
            r"- \begin{bmatrix} -0.0343825 \\ -0.019416 \end{bmatrix} = "
            r"\begin{bmatrix} 0.1743825 \\ 0.169416 \end{bmatrix}$$") in md
    assert r"\begin{bmatrix} -0.011326 & -0.012135 \\ -0.016989 & -0.0182025 \end{bmatrix}" in md
    assert r"\begin{bmatrix} 0.121326 & 0.132135 \\ 0.226989 & 0.0982025 \end{bmatrix}" in md
    assert md.count("$$") % 2 == 0 and md.count(r"\begin{bmatrix}") == md.count(r"\end{bmatrix}")


def test_explain_has_the_section_in_text_and_markdown():
    w = lecture()
    text, md = to_text(w), to_markdown(w)
    assert f"\n{MATRIX_TITLE}\n{'-' * len(MATRIX_TITLE)}\n" in text
    assert text.index(MATRIX_TITLE) < text.index("Sanity check")
    assert matrix_text(w).rstrip("\n") in text
    assert f"\n## {MATRIX_TITLE}\n" in md and matrix_markdown(w).rstrip("\n") in md
    assert md.index(f"## {MATRIX_TITLE}") < md.index("## Sanity check")


# ---- any network: the matrices are the walkthrough's arrays ------------------------------------------

def random_walkthrough(seed: int, optimizer: str = "sgd", batching: str = "single", bias: bool = True,
                       sizes: tuple[int, ...] = (3, 4, 2), **options: float) -> Walkthrough:
    rng = np.random.default_rng(seed)
    layers = [Layer(rng.normal(size=(n, m)), "tanh" if l < len(sizes) - 1 else "identity",
                    rng.normal(size=n) if bias else None)
              for l, (m, n) in enumerate(zip(sizes, sizes[1:]), start=1)]
    net = Network(sizes[0], layers)
    x, t = rng.normal(size=(5, sizes[0])), rng.normal(size=(5, sizes[-1]))
    exp = Experiment(net, Dataset(x, t), loss="mse", optimizer=OptimizerSpec(optimizer, 0.1, dict(options)),
                     batching=Batching(batching))
    return Trainer(exp).walkthrough(sample=0)


@pytest.mark.parametrize("seed", range(6))
def test_one_sample_sgd_is_the_outer_product_and_ends_at_the_new_weights(seed):
    w = random_walkthrough(seed)
    for l in range(1, w.network.depth + 1):
        eq = numeric(weight_block(w, l))
        i = l - 1
        assert eq[2] == Mat(expected(w.weights_before[i].T)) and eq[-1] == Mat(expected(w.weights_after[i].T))
        assert eq[-3] == Mat(expected(w.learning_rate * w.weight_grads[i].T))  # η·a·δᵀ
        a = w.forward.outputs[i][0][:, None]
        assert Mat(expected(a)) in eq  # the layer's inputs as a column
        if l == w.network.depth:  # two outputs: the row of Δ_y1, Δ_y2 (MSE with identity: δ = Δ)
            assert Mat(expected(w.delta()[None, :])) in eq
        else:  # δ = ∂E/∂z of the hidden layer, a row
            assert Mat(expected(w.backprop.preactivation_grads[i][0][None, :])) in eq


@pytest.mark.parametrize("seed", range(3))
def test_biases_are_a_row_of_their_own(seed):
    w = random_walkthrough(seed)
    _, bl = blocks(w, str)
    for l in range(1, w.network.depth + 1):
        block = next(b for b in bl if b.heading == f"Biases of layer {l}")
        eq = numeric(block)
        b_before, b_after = w.biases_before[l - 1], w.biases_after[l - 1]
        assert b_before is not None and b_after is not None
        assert eq[2] == Mat(expected(b_before[None, :])) and eq[-1] == Mat(expected(b_after[None, :]))


def test_a_batch_is_written_with_the_gradient_matrix():
    w = random_walkthrough(1, batching="full")
    notes, bl = blocks(w, str)
    assert any("The batch has 5 samples" in prose and "mean" in prose for prose, _ in notes)
    for l in range(1, w.network.depth + 1):
        eq = numeric(weight_block(w, l))
        i = l - 1
        assert eq[4] == Txt("0.1") and eq[5] == Mat(expected(w.weight_grads[i].T))
        assert eq[-3] == Mat(expected(0.1 * w.weight_grads[i].T)) and eq[-1] == Mat(expected(w.weights_after[i].T))


@pytest.mark.parametrize("optimizer, options", [("adam", {}), ("sgd", {"momentum": 0.9}), ("rmsprop", {})])
def test_other_optimizers_write_their_step_matrix(optimizer, options):
    w = random_walkthrough(2, optimizer=optimizer, batching="full", **options)
    notes, _ = blocks(w, str)
    name = {"adam": "Adam", "sgd": "SGD with momentum", "rmsprop": "RMSProp"}[optimizer]
    assert any(f"The optimizer is {name}" in prose for prose, _ in notes)
    for l in range(1, w.network.depth + 1):
        block = weight_block(w, l)
        eq = numeric(block)
        i = l - 1
        assert eq[-3] == Mat(expected(w.weights_before[i].T - w.weights_after[i].T))
        assert eq[-1] == Mat(expected(w.weights_after[i].T))
        assert [Txt("∇ ="), Mat(expected(w.weight_grads[i].T))] in block.equations


def test_a_frozen_layer_keeps_its_weights():
    exp = load_experiment(resource_path("networks", "lecture17-linear.json"))
    exp.network.layers[0].train_weights = False
    w = Trainer(exp).walkthrough()
    block = weight_block(w, 1)
    assert block.notes == [("Its weights are frozen: they keep their values.", "")]
    assert block.equations == [[Mat(cells(("w1", "w3"), ("w2", "w4"))), EQ,
                                 Mat(cells(("0.11", "0.12"), ("0.21", "0.08")))]]


def test_a_big_layer_is_capped_and_only_its_shown_numbers_are_formatted(monkeypatch):
    calls = 0
    real = matrix.fmt

    def counting(value: float, digits: int = 7) -> str:
        nonlocal calls
        calls += 1
        return real(value, digits)

    w = random_walkthrough(3, sizes=(300, 400, 2))  # 120,000 weights in layer 1
    monkeypatch.setattr(matrix, "fmt", counting)
    text = matrix_text(w)
    assert calls < 1000
    eq = numeric(weight_block(w, 1))
    assert eq[-1] == Mat(expected(w.weights_after[0].T))
    assert len(eq[-1].cells) == MAX_SHOWN and all(len(row) == MAX_SHOWN for row in eq[-1].cells)
    assert "⋯" in text and "⋮" in text and "⋱" in text
    assert max(len(line) for line in text.splitlines()) < 400


def test_a_wide_equation_goes_on_aligned_lines():
    w = random_walkthrough(4, sizes=(3, 8, 1))
    text = matrix_text(w)
    assert max(len(line) for line in text.splitlines()) <= 130  # the row of 8 ∂E/∂net_h1_k alone is 120 wide
    md = matrix_markdown(w)
    assert md.count(r"\begin{aligned}") == md.count(r"\end{aligned}")


def test_with_regularization_the_gradient_is_its_own_matrix():
    from sandbox.engine.regularization import Regularization

    exp = load_experiment(resource_path("networks", "lecture17-linear.json"))
    exp.regularization = Regularization("l2", 0.1)
    w = Trainer(exp).walkthrough()
    notes, _ = blocks(w, str)
    assert any(prose.startswith("With regularization, E = L + λR(θ)") for prose, _ in notes)
    assert not any(formula.startswith("Δ") for _, formula in notes)  # Δ is not used: ∇ = a·Δ·… + λw
    eq = numeric(weight_block(w, 2))
    # ∂E/∂w5 = h1·Δ + λ·w5 = 0.85·(−0.809) + 0.1·0.14 = −0.67365
    assert eq[5] == Mat(cells(("−0.67365",), ("−0.37332",))) == Mat(expected(w.weight_grads[1].T))
    assert eq[-1] == Mat(cells(("0.1736825",), ("0.168666",))) == Mat(expected(w.weights_after[1].T))
