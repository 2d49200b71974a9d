"""Exercise sheets and answer keys: the numbers are the walkthrough's, the same exercise gives the same bytes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from sandbox.files.load import experiment_from_document
from sandbox.files.save import experiment_to_dict
from sandbox.practice.exercise import exercise_from, make_exercise
from sandbox.practice.sheets import (
    dumps_sheet_json,
    sheet_html,
    sheet_json,
    sheet_latex,
    sheet_markdown,
    title_of,
)

KINDS = [(4172, "2-2-1", "identity", "mse", False), (7, "3-2-2", "relu", "bce", True),
         (11, "2-3-1", "tanh", "mse", True), (12, "2-2-2-1", "sigmoid", "bce", False)]
RENDER = {"markdown": sheet_markdown, "latex": sheet_latex, "html": sheet_html}


@pytest.fixture(params=KINDS, ids=lambda k: "-".join(map(str, k)))
def exercise(request):
    seed, shape, activation, loss, biases = request.param
    return make_exercise(seed, shape, activation, loss, biases=biases)


@pytest.mark.parametrize("fmt", list(RENDER))
def test_the_same_seed_gives_the_same_bytes(fmt):
    render = RENDER[fmt]
    for answers in (False, True):
        a = render(make_exercise(99, "3-2-2", "sigmoid", "bce"), answers)
        b = render(make_exercise(99, "3-2-2", "sigmoid", "bce"), answers)
        assert a.encode() == b.encode()
        assert render(make_exercise(100, "3-2-2", "sigmoid", "bce"), answers) != a
    assert dumps_sheet_json(make_exercise(5)) == dumps_sheet_json(make_exercise(5))


def test_the_json_is_the_contract_shape_and_its_answers_are_the_walkthroughs(exercise):
    data = json.loads(dumps_sheet_json(exercise))
    assert list(data) == ["network", "questions"]
    assert data["network"] == json.loads(json.dumps(experiment_to_dict(exercise.experiment)))
    again = experiment_from_document(data["network"])  # a network file object that validates
    assert again.name == exercise.experiment.name
    assert len(data["questions"]) == len(exercise.questions)
    for q, entry in zip(exercise.questions, data["questions"]):
        assert list(entry) == ["id", "prompt", "symbol", "answer", "tolerance"]
        assert entry["answer"] == exercise.walkthrough.steps[q.step_index].value
        assert entry["id"] == q.id and entry["prompt"] == q.prompt and entry["symbol"] == q.symbol
        assert 0 < entry["tolerance"] <= max(1e-3 * abs(entry["answer"]), 0.005)
    assert sheet_json(exercise)["questions"][0]["id"] == exercise.questions[0].id


def test_the_sheet_gives_the_network_and_numbers_every_question_without_answers(exercise):
    net = exercise.experiment.network
    md = sheet_markdown(exercise)
    assert md.startswith(f"# Exercise {exercise.seed}\n")
    assert "reLU" not in md and "Identity" not in md
    for layer in net.layers:
        for label, row in zip(layer.weight_labels, layer.weights):
            for wl, v in zip(label, row):
                sub = re.sub(r"(\d+)$", r"_{\1}", wl)
                assert f"${sub} = {str(v).replace('-', '-')}$" in md or f"{sub} = {v:g}" in md
    assert "\\eta = " in md and "**Loss:**" in md and "**Target" in md and "**Inputs:**" in md
    numbers = [int(m) for m in re.findall(r"^(\d+)\. ", md, re.MULTILINE)]
    assert numbers == list(range(1, len(exercise.questions) + 1))
    assert "Answer" not in md
    from sandbox.explain.markup import to_latex

    for q in exercise.questions:
        assert to_latex(q.worked) not in md


def test_the_answer_key_gives_every_worked_formula_and_answer(exercise):
    from sandbox.explain.markup import to_html, to_latex

    md, tex, page = (sheet_markdown(exercise, True), sheet_latex(exercise, True), sheet_html(exercise, True))
    assert md.startswith(f"# Exercise {exercise.seed}: answer key\n")
    for q in exercise.questions:
        assert to_latex(q.worked) in md and to_latex(q.worked) in tex
        assert to_html(q.worked) in page
        assert to_latex(q.shown) in md
    assert md.count("**Answer:**") == len(exercise.questions)


def test_the_lecture_answer_key():
    from conftest import lecture_experiment

    ex = exercise_from(lecture_experiment())
    md = sheet_markdown(ex, True)
    assert md.startswith("# Exercise: Lecture 17: simple linear network: answer key\n")
    assert "**Answer:** $\\frac{\\partial E}{\\partial y} = -0.809$" in md
    assert "**Answer:** $w_{5} = 0.1743825$" in md
    assert "$w_{5} = 0.14$, $w_{6} = 0.15$" in md
    assert "**Inputs:** $i_{1} = 2$, $i_{2} = 3$" in md and "**Target:** ${y^{*}} = 1$" in md
    assert "**Learning rate:** $\\eta = 0.05$" in md
    assert title_of(ex, False) == "Exercise: Lecture 17: simple linear network"


def test_latex_is_a_complete_document(exercise):
    for answers in (False, True):
        tex = sheet_latex(exercise, answers)
        assert tex.startswith("\\documentclass[a4paper,11pt]{article}\n")
        assert "\\usepackage{amsmath}" in tex and tex.rstrip().endswith("\\end{document}")
        body = tex.split("\\begin{document}", 1)[1]
        assert body.count("\\begin{enumerate}") == body.count("\\end{enumerate}")
        assert body.count("{") == body.count("}")
        assert body.count("$") % 2 == 0


def test_html_has_the_picture_place_and_escapes_names():
    ex = exercise_from(make_exercise(3).experiment)
    ex.experiment.name = "<b>bold</b> & $\\input{x}$"
    page = sheet_html(ex, False)
    assert '<img src="network">' in page and "<b>bold</b> &" not in page and "&lt;b&gt;bold" in page
    assert '<img src="network">' not in sheet_html(ex, False, picture=False)
    tex = sheet_latex(ex, False)
    assert "\\input{x}" not in tex and "\\textbackslash{}input\\{x\\}" in tex
    md = sheet_markdown(ex, False)
    assert "<b>" not in md and "&lt;b&gt;" in md


def test_the_questions_asked_are_the_ones_chosen():
    ex = make_exercise(8, ask="update")
    md = sheet_markdown(ex)
    assert "### Update" in md and "### Forward pass" not in md
    assert md.count("←$ \\_") == len(ex.questions) == 6


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
@pytest.mark.parametrize("answers", [False, True])
def test_latex_compiles_with_pdflatex(tmp_path, answers):
    ex = make_exercise(7, "3-2-2", "relu", "bce", biases=True)
    (tmp_path / "sheet.tex").write_text(sheet_latex(ex, answers), encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "sheet.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    assert (tmp_path / "sheet.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
@pytest.mark.parametrize(("seed", "shape", "activation"), [(8, "5-5-5-5", "relu"), (9, "3-5-2", "sigmoid")])
def test_the_network_table_of_the_widest_shapes_fits_the_page(tmp_path, seed, shape, activation):
    """Five weights a neuron, with biases: the inputs and weights wrap in their columns (the table ran 139 pt
    off the page)."""
    ex = make_exercise(seed, shape, activation, "bce", biases=True)
    (tmp_path / "sheet.tex").write_text(sheet_latex(ex, False), encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "sheet.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "Overfull" not in (tmp_path / "sheet.log").read_text(encoding="latin-1")
