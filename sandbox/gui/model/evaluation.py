"""Whether the window evaluates the whole data sets (the status bar's and the reports' set losses).

The engine evaluates a set in one forward pass (``Trainer.evaluate``): every layer's activations for
every sample at once, so memory grows with samples × the widest layer (100,000 samples through 700
neurons: 2.3 GB). Above ``MAX_EVALUATED_NUMBERS`` the window leaves the set losses out (and says why)
rather than run out of memory.
"""

from __future__ import annotations

from sandbox.engine import Experiment

#: the most numbers (samples × neurons of the widest layer) a whole-set evaluation may hold per array
MAX_EVALUATED_NUMBERS = 16_000_000


def evaluated_numbers(experiment: Experiment) -> int:
    """Samples of the larger set × neurons of the widest layer (inputs included)."""
    data, net = experiment.data, experiment.network
    rows = max(len(data.inputs), len(data.test_inputs))
    widest = max([net.input_size] + [layer.weights.shape[0] for layer in net.layers])
    return rows * widest


def can_evaluate(experiment: Experiment) -> bool:
    """Whether the whole sets are small enough for the window to evaluate (see the module docstring)."""
    return evaluated_numbers(experiment) <= MAX_EVALUATED_NUMBERS


def why_not_evaluated(experiment: Experiment) -> str:
    """The tooltip of a set loss left out."""
    return (f"Not computed: the whole set at once would hold {evaluated_numbers(experiment):,} numbers per layer "
            f"(samples × the widest layer; at most {MAX_EVALUATED_NUMBERS:,})")
