"""The worker trains digits.json (64-32-10, Adam, minibatches of 32) exactly as the headless trainer does: the same
weights, batch losses and whole-set evaluations, however few evaluations its reports carry (issue 14's speed work
evaluates at most ``EVALUATION_HZ`` times a second and waits at most ``GUI_WAIT_LIMIT`` for the window)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("PySide6")

from sandbox.engine import Trainer  # noqa: E402
from sandbox.files import load_experiment  # noqa: E402
from sandbox.gui.training import TrainingController  # noqa: E402
from sandbox.gui.training import worker as worker_module  # noqa: E402

ITERATIONS = 400


@pytest.fixture
def controller(qtbot):
    c = TrainingController()
    yield c
    assert c.shutdown(2000)


def test_the_worker_s_numbers_are_the_headless_trainer_s(qtbot, controller):
    from sandbox.gui.common.icons import resource_file

    experiment = load_experiment(str(resource_file("networks", "digits.json")))
    assert worker_module.EVALUATION_HZ <= 10 and worker_module.GUI_WAIT_LIMIT <= 0.02
    reports = []
    controller.reportReady.connect(reports.append)
    controller.load(experiment.copy())
    with qtbot.waitSignal(controller.reportReady, timeout=20000,
                          check_params_cb=lambda r: not r.running and r.iteration == ITERATIONS):
        controller.step_iterations(ITERATIONS)
    headless = Trainer(experiment.copy())
    evaluations = {r.evaluation[0]: r for r in reports if r.evaluation is not None}
    assert ITERATIONS in evaluations  # the paused state's report is always evaluated
    for iteration in range(ITERATIONS + 1):
        if iteration in evaluations:
            r = evaluations[iteration]
            train, test = headless.evaluate()
            assert r.evaluation[1:] == (train, test)
            train_acc, test_acc = headless.accuracy()
            assert r.evaluation_accuracy == (train_acc, test_acc)
        if iteration < ITERATIONS:
            headless.step()
    last = controller.latest
    for mine, layer in zip(last.weights, headless.network.layers):
        np.testing.assert_array_equal(mine, layer.weights)
    for mine, layer in zip(last.biases, headless.network.layers):
        np.testing.assert_array_equal(mine, layer.biases)
    losses = np.concatenate([r.losses for r in reports])
    np.testing.assert_array_equal(losses, headless.history.loss)
    norms = np.concatenate([r.weight_grad_norms for r in reports])
    np.testing.assert_array_equal(norms, headless.history.weight_grad_norms)
