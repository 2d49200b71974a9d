"""The training worker and its controller: commands, throttled reports, errors, divergence, shutdown."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from sandbox.engine import Batching, OptimizerSpec, Trainer
from sandbox.engine.edits import SetValue
from sandbox.gui.training import TrainingController
from sandbox.gui.training.worker import Load, TrainEpoch, trainer_copy

from training_support import diverging_experiment, spiral_experiment


@pytest.fixture
def controller(qtbot):
    c = TrainingController()
    yield c
    assert c.shutdown(2000)
    if c.thread is not None:
        assert c.thread.isFinished()


def _pause_and_settle(qtbot, c: TrainingController) -> None:
    """Pause and wait for the report that follows the pause."""
    with qtbot.waitSignal(c.reportReady, timeout=3000, check_params_cb=lambda r: not r.running):
        c.pause()


def test_start_pause_resume(qtbot, controller):
    controller.load(spiral_experiment())
    controller.start()
    qtbot.waitUntil(lambda: controller.latest is not None and controller.latest.iteration > 50, timeout=5000)
    _pause_and_settle(qtbot, controller)
    paused_at = controller.latest.iteration
    assert not controller.running
    # while paused, nothing trains: two reports later the counter has not moved
    for _ in range(2):
        with qtbot.waitSignal(controller.reportReady, timeout=3000):
            controller.request_report()
        assert controller.latest.iteration == paused_at
    controller.start()
    qtbot.waitUntil(lambda: controller.latest.iteration > paused_at + 50, timeout=5000)
    _pause_and_settle(qtbot, controller)


def test_step_one_epoch_exactly(qtbot, controller):
    exp = spiral_experiment(batching=Batching("minibatch", size=40, shuffle=True, seed=3))
    controller.load(exp)  # 160 training samples: 4 batches per epoch
    with qtbot.waitSignal(controller.reportReady, timeout=3000, check_params_cb=lambda r: r.epoch == 1):
        controller.step_epoch()
    assert (controller.latest.iteration, controller.latest.epoch, controller.latest.batch_in_epoch) == (4, 1, 0)
    assert not controller.latest.running
    controller.step_iterations(1)
    with qtbot.waitSignal(controller.reportReady, timeout=3000, check_params_cb=lambda r: r.epoch == 2):
        controller.step_epoch()  # from the middle of an epoch: to its end
    assert (controller.latest.iteration, controller.latest.epoch) == (8, 2)


def test_counters_and_weights_agree_with_the_engine(qtbot, controller):
    exp = spiral_experiment(batching=Batching("minibatch", size=32, shuffle=True, seed=1))
    controller.load(exp)
    seen_losses = []
    controller.reportReady.connect(lambda r: seen_losses.append((r.first_iteration, r.losses)))
    with qtbot.waitSignal(controller.reportReady, timeout=10000,
                          check_params_cb=lambda r: not r.running and r.iteration == 777):
        controller.step_iterations(777)
    headless = Trainer(exp.copy())
    headless.run(iterations=777)
    report = controller.latest
    assert (report.iteration, report.epoch, report.batch_in_epoch) == (
        headless.iteration, headless.epoch, headless.batch_in_epoch)
    for mine, theirs in zip(report.weights, headless.network.layers):
        np.testing.assert_array_equal(mine, theirs.weights)
    # the reports together carry every iteration's loss exactly once, in order
    firsts = [f for f, _ in seen_losses]
    losses = np.concatenate([l for _, l in seen_losses])
    assert firsts[0] == 0 and len(losses) == 777
    np.testing.assert_array_equal(losses, headless.history.loss)
    assert report.evaluation[0] == 777
    assert report.evaluation[1] == pytest.approx(headless.evaluate()[0])


def test_reports_are_throttled(qtbot, controller):
    """Training is not tied to the report (frame) rate: many iterations travel in one report (the rate
    of reports itself is measured by benchmarks/worker_timing.py)."""
    controller.load(spiral_experiment())
    reports = []
    controller.reportReady.connect(reports.append)
    controller.start()
    qtbot.waitUntil(lambda: len(reports) >= 10, timeout=5000)
    _pause_and_settle(qtbot, controller)
    assert controller.latest.iteration > len(reports)
    assert sum(len(r.losses) for r in reports) == controller.latest.iteration

def test_pause_and_commands_act_between_two_iterations(qtbot, controller):
    controller.load(spiral_experiment())
    pending = []

    def instrument(trainer):
        step = trainer.step
        worker = controller.worker

        def checked_step():
            pending.append(bool(worker.inbox) or worker.stop_requested)
            return step()
        trainer.step = checked_step

    controller.apply(instrument)
    controller.start()
    qtbot.waitUntil(lambda: controller.latest is not None and controller.latest.iteration > 20, timeout=5000)
    for value in (0.01, 0.02, 0.03):
        controller.set_learning_rate(value)
    _pause_and_settle(qtbot, controller)
    controller.start()
    qtbot.waitUntil(lambda: controller.latest.iteration > 200, timeout=5000)
    assert controller.shutdown(1000)
    assert controller.thread.isFinished()
    # no iteration ever started while a command (or the stop request) was waiting
    assert len(pending) > 200 and not any(pending)


def test_learning_rate_and_weight_edits_take_effect_while_training(qtbot, controller):
    controller.load(spiral_experiment())
    seen = {}

    def look(key):
        def record(trainer):
            seen[key] = (trainer.optimizer.learning_rate, float(trainer.network.layers[1].weights[2, 3]),
                         trainer.iteration)
        return record

    controller.start()
    qtbot.waitUntil(lambda: controller.latest is not None and controller.latest.iteration > 20, timeout=5000)
    controller.set_learning_rate(0.005)
    controller.edit(SetValue(("weight", 2, 2, 3), 4.5))  # layer 1 as the engine counts: file layer 2
    controller.apply(look("after"))
    qtbot.waitUntil(lambda: "after" in seen, timeout=3000)
    assert seen["after"][:2] == (0.005, 4.5)
    qtbot.waitUntil(lambda: controller.latest.iteration > seen["after"][2] + 20
                    and controller.latest.learning_rate == 0.005, timeout=5000)
    _pause_and_settle(qtbot, controller)
    # training went on from the edited weight with the new rate (adam moves each weight by about lr)
    moved = abs(controller.latest.weights[1][2, 3] - 4.5)
    assert 0 < moved < 0.005 * (controller.latest.iteration - seen["after"][2]) * 1.5


def test_an_exception_in_the_worker_reaches_the_gui_and_training_stops(qtbot, controller):
    controller.load(spiral_experiment())
    controller.start()
    qtbot.waitUntil(lambda: controller.latest is not None and controller.latest.iteration > 10, timeout=5000)

    def break_network(trainer):
        trainer.network.layers[1].weights = np.zeros((8, 3))  # wrong shape: the next step raises

    with qtbot.waitSignal(controller.errorOccurred, timeout=3000) as blocker:
        controller.apply(break_network)
    assert blocker.args[0].startswith("Training stopped: ValueError")
    qtbot.waitUntil(lambda: not controller.running, timeout=3000)
    # the worker is alive: it takes a new network and trains again
    controller.load(spiral_experiment())
    with qtbot.waitSignal(controller.reportReady, timeout=3000, check_params_cb=lambda r: r.iteration == 5):
        controller.step_iterations(5)


def test_divergence_pauses_with_finite_weights(qtbot, controller):
    controller.load(diverging_experiment())
    with qtbot.waitSignal(controller.diverged, timeout=5000) as blocker:
        controller.start()
    info = blocker.args[0]
    assert info.iteration > 0 and not np.isfinite(info.loss)
    assert "learning rate" in info.message and "too high" in info.message
    qtbot.waitUntil(lambda: controller.latest is not None and not controller.latest.running, timeout=3000)
    assert not controller.running
    report = controller.latest
    assert all(np.isfinite(w).all() for w in report.weights)
    assert all(b is None or np.isfinite(b).all() for b in report.biases)
    assert report.iteration <= info.iteration


def test_decision_grid_for_two_inputs(qtbot, controller):
    controller.load(spiral_experiment())
    with qtbot.waitSignal(controller.reportReady, timeout=3000):
        controller.request_report()
    grid = controller.latest.grid
    assert grid.output.shape == (64, 64)
    assert [h.shape for h in grid.hidden] == [(8, 32, 32), (8, 32, 32)]  # as large as the window shows them
    net = spiral_experiment().network
    x0, x1, y0, y1 = grid.extent
    # pixel (row 0, column 63) is the point (x1, y0)
    assert grid.output[0, -1] == pytest.approx(net.forward(np.array([[x1, y0]])).prediction[0, 0])
    # a hidden map's pixel (row 31, column 0) is the point (x0, y1)
    first_hidden = net.forward(np.array([[x0, y1]])).outputs[1][0]
    assert grid.hidden[0][:, -1, 0] == pytest.approx(first_hidden)


def test_hidden_maps_travel_only_as_often_as_the_window_shows_them(qtbot, controller):
    """While training, a report carries the hidden neurons' maps only when ``hidden_interval`` has
    passed (with an interval of a day: only the first report, made on the load); paused, always."""
    received = []
    controller.reportReady.connect(received.append)
    controller.load(spiral_experiment())
    controller.worker.hidden_interval = 86400.0  # (read by the worker when it next makes a report)
    controller.start()
    qtbot.waitUntil(lambda: sum(r.running for r in received) >= 6, timeout=10000)
    _pause_and_settle(qtbot, controller)
    running = [r for r in received if r.running]
    assert all(r.grid is None or r.grid.output.shape == (64, 64) for r in received)
    assert received[0].grid is not None and received[-1].grid is not None  # the load's and the pause's
    assert [bool(r.grid and r.grid.hidden) for r in running[1:]] == [False] * (len(running) - 1)
    assert [h.shape for h in controller.latest.grid.hidden] == [(8, 32, 32), (8, 32, 32)]  # paused: always

def test_shutdown_mid_training_twenty_times(qtbot):
    exp = spiral_experiment(optimizer=OptimizerSpec("sgd", 0.1))
    for _ in range(20):
        c = TrainingController()
        c.load(exp)
        c.start()
        qtbot.waitUntil(lambda c=c: c.latest is not None and c.latest.iteration > 0, timeout=5000)
        assert c.shutdown(1000)
        assert c.thread.isFinished()
        c.deleteLater()


def test_shutdown_without_thread_is_a_no_op(qtbot):
    c = TrainingController()
    assert c.shutdown() and c.thread is None


def test_a_report_is_acknowledged_after_the_repaint_it_caused(qtbot, controller, monkeypatch):
    """The worker waits for the acknowledgement to give the GUI the GIL while it paints: the
    acknowledgement must come after the paint the report asked for, not before."""
    from PySide6.QtWidgets import QWidget

    order: list[str] = []

    class Painted(QWidget):
        def paintEvent(self, event):  # noqa: N802 - Qt's name
            order.append("paint")

    widget = Painted()
    qtbot.addWidget(widget)
    widget.resize(60, 60)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: "paint" in order, timeout=3000)
    monkeypatch.setattr(controller, "_acknowledge", lambda: order.append("acknowledge"))
    controller.reportReady.connect(lambda report: widget.update())
    for _ in range(3):
        order.clear()
        controller._on_report(SimpleNamespace(generation=controller.generation))
        qtbot.waitUntil(lambda: "acknowledge" in order, timeout=3000)
        assert order == ["paint", "acknowledge"]


def test_a_report_sent_before_a_load_is_dropped_when_it_arrives_after(qtbot, controller):
    controller.load(spiral_experiment())
    controller.start()
    qtbot.waitUntil(lambda: controller.latest is not None and controller.latest.iteration > 50, timeout=5000)
    old = controller.latest
    controller.load(spiral_experiment(optimizer=OptimizerSpec("sgd", 0.1)))
    seen = []
    controller.reportReady.connect(seen.append)
    controller._on_report(old)  # a report of the trainer before, arriving late (as a queued signal may)
    assert seen == [] and controller.stale_reports == 1 and controller.latest is old
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=5000)
    assert seen[0].restart  # the first report passed on is about the new trainer
    assert [r.learning_rate for r in seen] == [0.1] * len(seen)
    assert all(r.generation == controller.generation for r in seen)
    _pause_and_settle(qtbot, controller)


def test_a_set_speed_is_kept_and_pause_still_acts_at_once(qtbot, controller):
    """At one iteration every ten seconds the worker does one iteration and waits (on its inbox): reports
    asked for meanwhile show no more, and a pause still acts at once. How closely a set speed is kept is
    measured by benchmarks/worker_timing.py."""
    controller.load(spiral_experiment())
    controller.set_speed(0.1)
    controller.start()
    qtbot.waitUntil(lambda: controller.latest is not None and controller.latest.iteration >= 1, timeout=5000)
    for _ in range(2):
        with qtbot.waitSignal(controller.reportReady, timeout=3000):
            controller.request_report()
        assert controller.latest.iteration == 1 and controller.latest.running
    _pause_and_settle(qtbot, controller)
    assert controller.latest.iteration == 1
    # full speed again: thousands of iterations go by
    controller.set_speed(None)
    controller.start()
    qtbot.waitUntil(lambda: controller.latest.iteration > 1001, timeout=10000)
    _pause_and_settle(qtbot, controller)

def test_every_iteration_is_reported_at_a_slow_speed(qtbot, controller):
    controller.load(spiral_experiment())
    controller.set_speed(5.0)
    seen = []
    controller.reportReady.connect(lambda r: seen.append(r.iteration))
    controller.start()
    qtbot.waitUntil(lambda: len(seen) >= 6, timeout=10000)
    _pause_and_settle(qtbot, controller)
    running = seen[1:6]
    assert running == list(range(running[0], running[0] + 5))  # each report one iteration further



def test_the_output_map_travels_only_as_often_as_the_window_draws_it(qtbot, controller):
    """While training, a report carries the output map only when ``grid_interval`` has passed (with an
    interval of a day: only the load's report); the report of a pause always does."""
    received = []
    controller.reportReady.connect(received.append)
    controller.load(spiral_experiment())
    controller.worker.grid_interval = 86400.0
    controller.start()
    qtbot.waitUntil(lambda: sum(r.running for r in received) >= 6, timeout=10000)
    _pause_and_settle(qtbot, controller)
    running = [r for r in received if r.running]
    assert [r.grid is None for r in running[1:]] == [True] * (len(running) - 1)
    assert received[0].grid is not None and received[0].restart
    assert controller.latest.grid is not None and controller.latest.grid.output.shape == (64, 64)


def test_a_run_to_the_end_of_an_epoch_reloaded_stops_at_the_end_of_the_new_trainer_s_epoch(qtbot, controller):
    """A reload (an undo while training) during 'train to the end of this epoch': the run ends with the
    new trainer's epoch, not at the epoch number the old one was aiming at."""
    late = Trainer(spiral_experiment(batching=Batching("minibatch", size=40)))  # 4 batches an epoch
    late.run(epochs=5)
    controller.load(late)
    # the run (aiming at epoch 6) and the reload (an undo: epoch 0) reach the worker together, so that the run
    # cannot end before the reload on a slow machine (the controller's load would post them one by one)
    controller.generation += 1
    fresh = Trainer(spiral_experiment(batching=Batching("minibatch", size=40)))
    with qtbot.waitSignal(controller.reportReady, timeout=10000, check_params_cb=lambda r: not r.running):
        controller._post(TrainEpoch(), Load(trainer_copy(fresh), controller.generation))
    assert (controller.latest.epoch, controller.latest.iteration) == (1, 4)


def test_a_copy_for_the_worker_never_puts_back_weights_from_before_it(lecture):
    """The copy the worker trains has no recovery point of its own trainer's past (a divergence at
    iteration 1001 put back the weights of iteration 0)."""
    from sandbox.gui.training.worker import trainer_copy

    trainer = Trainer(lecture)
    trainer.apply(trainer.walkthrough())
    assert trainer.recovery_iteration == 0
    assert trainer_copy(trainer).recovery_iteration is None
    assert trainer.recovery_iteration == 0
