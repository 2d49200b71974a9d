"""The exported PyTorch script trains exactly as the sandbox: for every optimizer × momentum form × schedule,
the script's per-epoch training losses (run as a program: ``--epochs N``) equal the trainer's to 1e-9, and its
last line ``loss <value>`` is what ``backprop-sandbox train FILE --epochs N`` prints as ``train loss``."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys

import numpy as np
import pytest

from sandbox.cli import main as cli_main
from sandbox.engine import (
    Batching,
    Dataset,
    Experiment,
    Layer,
    Network,
    OptimizerSpec,
    Regularization,
    Schedule,
    Trainer,
)
from sandbox.export.pytorch_script import pytorch_script
from sandbox.files import save_experiment

# the autouse thread check walks every live object; torch warns about a deprecated alias it meets there
pytestmark = pytest.mark.filterwarnings("ignore:`torch.distributed.reduce_op` is deprecated:FutureWarning")

EPOCHS = 6
TOLERANCE = 1e-9

OPTIMIZERS = {
    "sgd": OptimizerSpec("sgd", 0.3),
    "sgd-momentum-lecture": OptimizerSpec("sgd", 0.05, {"momentum": 0.9}),
    "sgd-momentum-pytorch": OptimizerSpec("sgd", 0.05, {"momentum": 0.9, "momentum_form": "pytorch"}),
    "sgd-nesterov-lecture": OptimizerSpec("sgd", 0.05, {"momentum": 0.8, "nesterov": True}),
    "sgd-nesterov-pytorch": OptimizerSpec("sgd", 0.05, {"momentum": 0.8, "nesterov": True,
                                                         "momentum_form": "pytorch"}),
    "adagrad": OptimizerSpec("adagrad", 0.1),
    "rmsprop": OptimizerSpec("rmsprop", 0.01),
    "rmsprop-momentum": OptimizerSpec("rmsprop", 0.005, {"momentum": 0.5}),
    "adam": OptimizerSpec("adam", 0.02),
}
SCHEDULES = {
    "constant": None,
    "step": Schedule("step", step_epochs=2, gamma=0.5),
    "exponential": Schedule("exponential", gamma=0.8),
    "cosine": Schedule("cosine", epochs=4, min_lr=0.001),  # past T too: torch's recursive form goes on
}


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    before = torch.get_default_dtype()
    yield torch
    torch.set_default_dtype(before)


def small_experiment(optimizer: OptimizerSpec, schedule: Schedule | None, seed: int = 7,
                     regularization: Regularization | None = None) -> Experiment:
    """A 3-4-2 network (tanh, identity) on 10 samples in mini-batches of 4 (3 iterations an epoch), shuffled."""
    rng = np.random.default_rng(seed)
    layers = [Layer(rng.normal(scale=0.7, size=(4, 3)), "tanh", rng.normal(scale=0.1, size=4)),
              Layer(rng.normal(scale=0.7, size=(2, 4)), "identity", rng.normal(scale=0.1, size=2))]
    data = Dataset(rng.normal(size=(10, 3)), rng.normal(size=(10, 2)))
    return Experiment(Network(3, layers), data, name="parity", optimizer=optimizer, schedule=schedule,
                      batching=Batching("minibatch", 4, True, 11),
                      regularization=regularization or Regularization())


def engine_losses(exp: Experiment, epochs: int) -> list[float]:
    losses: list[float] = []
    Trainer(exp).run(epochs=epochs, on_epoch=lambda r: losses.append(r.train_loss))
    return losses


def script_run(exp: Experiment, argv: list[str]) -> tuple[list[float], float, str]:
    """The script run in this process as its command line would (``main(argv)``): the per-epoch losses it
    prints, the value of its last line, and its whole output."""
    ns: dict = {"__name__": "exported"}
    exec(compile(pytorch_script(exp), "exported.py", "exec"), ns)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ns["main"](argv)
    lines = out.getvalue().splitlines()
    per_epoch = [float(line.split(": loss ")[1]) for line in lines if line.startswith("epoch ")]
    assert lines[-1].startswith("loss ")
    return per_epoch, float(lines[-1].removeprefix("loss ")), out.getvalue()


#: the largest |script − engine| of every case, for the report at the end of the module
DIFFERENCES: dict[str, float] = {}


@pytest.mark.parametrize("schedule", list(SCHEDULES))
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_the_script_reproduces_the_engine_s_losses_every_epoch(torch, optimizer, schedule):
    exp = small_experiment(OPTIMIZERS[optimizer], SCHEDULES[schedule])
    theirs, last, _ = script_run(exp, ["--epochs", str(EPOCHS)])
    ours = engine_losses(exp, EPOCHS)
    assert len(theirs) == len(ours) == EPOCHS and last == theirs[-1]
    differences = np.abs(np.array(theirs) - np.array(ours))
    DIFFERENCES[f"{optimizer}/{schedule}"] = float(differences.max())
    assert differences.max() <= TOLERANCE, (theirs, ours)
    assert len(set(ours)) == EPOCHS  # it trains


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("schedule", ["step", "exponential", "cosine"])
def test_the_momentum_forms_differ_under_a_schedule_and_each_script_follows_its_own(torch, schedule, nesterov):
    options = {"momentum": 0.9, "nesterov": nesterov}
    lecture = small_experiment(OptimizerSpec("sgd", 0.05, options), SCHEDULES[schedule])
    pytorch = small_experiment(OptimizerSpec("sgd", 0.05, {**options, "momentum_form": "pytorch"}),
                               SCHEDULES[schedule])
    assert "class LectureSGD" in pytorch_script(lecture) and "class LectureSGD" not in pytorch_script(pytorch)
    assert "torch.optim.SGD(trainable, lr=0.05, momentum=0.9" in pytorch_script(pytorch)
    scripts = [script_run(exp, ["--epochs", str(EPOCHS)])[0] for exp in (lecture, pytorch)]  # before training
    ours = [engine_losses(exp, EPOCHS) for exp in (lecture, pytorch)]
    assert abs(ours[0][-1] - ours[1][-1]) > 1e-4  # the forms part once η changes
    np.testing.assert_allclose(scripts, ours, rtol=0, atol=TOLERANCE)
    assert abs(scripts[0][-1] - scripts[1][-1]) > 1e-4


def test_the_momentum_forms_agree_while_eta_is_constant(torch):
    lecture = engine_losses(small_experiment(OptimizerSpec("sgd", 0.05, {"momentum": 0.9}), None), EPOCHS)
    pytorch = engine_losses(small_experiment(OptimizerSpec("sgd", 0.05, {"momentum": 0.9, "momentum_form": "pytorch"}),
                                             None), EPOCHS)
    np.testing.assert_allclose(lecture, pytorch, rtol=1e-12, atol=0)


def test_the_loss_is_the_data_loss_with_regularization_on(torch):
    """``train`` reports the data loss L (its objective E = L + λR(θ) on a line of its own): so does the script."""
    exp = small_experiment(OptimizerSpec("adam", 0.02), SCHEDULES["step"], regularization=Regularization("l2", 0.05))
    theirs, _, _ = script_run(exp, ["--epochs", "4"])
    trainer = Trainer(exp)
    trainer.run(epochs=4)
    assert theirs[-1] == pytest.approx(trainer.evaluate()[0], abs=TOLERANCE)


def test_zero_epochs_prints_the_starting_loss_and_a_negative_count_is_refused(torch):
    exp = small_experiment(OptimizerSpec("sgd", 0.3), None)
    theirs, last, output = script_run(exp, ["--epochs", "0"])
    assert theirs == [] and output.count("\n") == 1
    assert last == pytest.approx(Trainer(exp).evaluate()[0], abs=1e-15)
    with pytest.raises(SystemExit), contextlib.redirect_stderr(io.StringIO()):
        script_run(exp, ["--epochs", "-1"])


def test_the_script_s_last_line_is_what_train_prints(torch, tmp_path):
    """As a user compares them: the script run by Python with ``--epochs 5``, and ``train FILE --epochs 5``."""
    exp = small_experiment(OptimizerSpec("sgd", 0.05, {"momentum": 0.9}), SCHEDULES["step"])
    network = tmp_path / "parity.json"
    save_experiment(exp, network)
    script = tmp_path / "parity.py"
    script.write_text(pytorch_script(exp), encoding="utf-8")
    run = subprocess.run([sys.executable, str(script), "--epochs", "5"], capture_output=True, text=True, check=True,
                         timeout=300)
    lines = run.stdout.splitlines()
    assert len(lines) == 6 and lines[0].startswith("epoch 1: loss ") and lines[-1].startswith("loss ")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert cli_main(["train", str(network), "--epochs", "5"]) == 0
    reported = next(line for line in out.getvalue().splitlines() if line.startswith("train loss: "))
    assert float(lines[-1].removeprefix("loss ")) == pytest.approx(float(reported.removeprefix("train loss: ")),
                                                                    abs=TOLERANCE)


def test_report_the_largest_difference(torch, capsys):
    """Not a check: prints the largest |script − engine| of the cases run (``pytest -s`` shows it)."""
    if DIFFERENCES:
        worst = max(DIFFERENCES, key=DIFFERENCES.__getitem__)
        with capsys.disabled():
            print(f"\nPyTorch parity: {len(DIFFERENCES)} cases, largest |script − engine| loss difference "
                  f"{DIFFERENCES[worst]:.3g} ({worst})")
