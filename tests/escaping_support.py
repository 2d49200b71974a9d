"""Hostile text for the escaping tests: names and labels that try to break every output."""

from __future__ import annotations

import numpy as np

from sandbox.engine import Dataset, Experiment, Layer, Network, OptimizerSpec

#: each tries one way out: HTML, Markdown, LaTeX, the terminal, Python source, encoding
HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "*_[]()#|`",
    "\\input{/etc/passwd}",
    "$x$}{\\\\",
    "\x1b[31mred\x1b[0m",
    "bel\x07",
    "nul\x00",
    "cr\rlf\nnext",
    "sur\ud800",
    '"""\'#',
    "\u202eevil",
    "&amp;<b>",
    "A" * 3000,
]

#: what must never be in an output: control characters other than a line break, lone surrogates,
#: bidi controls
FORBIDDEN = [chr(c) for c in range(0x20) if chr(c) != "\n"] + ["\x7f", "\x9b", "\ud800", "\u202e"]


def hostile_labels(count: int, start: int = 0) -> list[str]:
    """``count`` different hostile labels (each ends with its number, so they are unique)."""
    return [HOSTILE[(start + k) % len(HOSTILE)] + str(start + k) for k in range(count)]


def hostile_experiment(name: str = "\x1b[2J<script>x</script> *net* \\input{a} \ud800\x07",
                       description: str = "line\nbreak \x00 \ud800 <b>") -> Experiment:
    """A 2-2-1 network whose name, description and every label (inputs, neurons, pre-activations,
    weights, biases) is hostile."""
    labels = iter(hostile_labels(20))
    hidden = Layer(np.array([[0.11, 0.21], [0.12, 0.08]]), "sigmoid", np.array([0.1, -0.1]),
                   labels=[next(labels), next(labels)],
                   weight_labels=[[next(labels), next(labels)], [next(labels), next(labels)]],
                   bias_labels=[next(labels), next(labels)],
                   preactivation_labels=[next(labels), next(labels)])
    output = Layer(np.array([[0.14, 0.15]]), "identity", np.array([0.2]), labels=[next(labels)],
                   weight_labels=[[next(labels), next(labels)]], bias_labels=[next(labels)],
                   preactivation_labels=[next(labels)])
    network = Network(2, [hidden, output], input_labels=[next(labels), next(labels)])
    data = Dataset(np.array([[2.0, 3.0], [1.0, -1.0]]), np.array([[1.0], [0.0]]))
    return Experiment(network, data, name=name, description=description, optimizer=OptimizerSpec("sgd", 0.05))
