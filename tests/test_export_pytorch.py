"""PyTorch script export: valid Python, and with torch installed the same outputs, gradients and training."""

from __future__ import annotations

import ast

import numpy as np
import pytest

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
    get_loss,
)
from sandbox.export.pytorch_script import pytorch_script, save_pytorch_script

HIDDEN = ["identity", "binary_step", "sigmoid", "tanh", "arctan", "relu", "prelu", "elu", "softplus"]

# the autouse thread check walks every live object; torch warns about a deprecated alias it meets there
pytestmark = pytest.mark.filterwarnings("ignore:`torch.distributed.reduce_op` is deprecated:FutureWarning")


def make_experiment(hidden="tanh", output="identity", loss="mse", alpha=None, optimizer=None,
                    batching=None, schedule=None, regularization=None, reduction="mean", seed=3,
                    bias=True) -> Experiment:
    rng = np.random.default_rng(seed)
    n_out = 2
    layers = [
        Layer(rng.normal(size=(4, 3)), hidden, rng.normal(size=4) if bias else None, alpha=alpha),
        Layer(rng.normal(size=(3, 4)), "sigmoid", rng.normal(size=3) if bias else None),
        Layer(rng.normal(size=(n_out, 3)), output, rng.normal(size=n_out) if bias else None),
    ]
    x = rng.normal(scale=1.2, size=(10, 3))
    if loss == "cross_entropy":
        t = np.eye(n_out)[rng.integers(0, n_out, 10)]
    elif loss == "bce":
        t = rng.integers(0, 2, size=(10, n_out)).astype(float)
    else:
        t = rng.normal(size=(10, n_out))
    return Experiment(Network(3, layers), Dataset(x, t), name="test", loss=loss, reduction=reduction,
                      optimizer=optimizer or OptimizerSpec("sgd", 0.1),
                      batching=batching or Batching("full"), schedule=schedule,
                      regularization=regularization or Regularization())


CONFIGS = {
    "lecture-momentum": None,  # filled in by the test from the lecture fixture
    "adam-minibatch-shuffle-step-l2": dict(
        hidden="elu", alpha=0.7, optimizer=OptimizerSpec("adam", 0.01), batching=Batching("minibatch", 3, True, 5),
        schedule=Schedule("step", step_epochs=2, gamma=0.5), regularization=Regularization("l2", 0.01)),
    "rmsprop-momentum-single-exp-l1": dict(
        hidden="prelu", alpha=0.1, optimizer=OptimizerSpec("rmsprop", 0.005, {"momentum": 0.5}),
        batching=Batching("single"), schedule=Schedule("exponential", gamma=0.9),
        regularization=Regularization("l1", 0.001)),
    "adagrad-cosine-sum": dict(hidden="softplus", optimizer=OptimizerSpec("adagrad", 0.05),
                               schedule=Schedule("cosine", epochs=4, min_lr=0.001), reduction="sum"),
    "sgd-nesterov-bce": dict(hidden="arctan", output="sigmoid", loss="bce",
                             optimizer=OptimizerSpec("sgd", 0.2, {"momentum": 0.8, "nesterov": True})),
    "cross-entropy-softmax": dict(hidden="relu", output="softmax", loss="cross_entropy",
                                  batching=Batching("minibatch", 4)),
    # every option away from its default: the torch arguments named as the settings table declares them
    "adam-betas-eps": dict(optimizer=OptimizerSpec("adam", 0.01, {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6})),
    "rmsprop-alpha-eps": dict(optimizer=OptimizerSpec("rmsprop", 0.01, {"alpha": 0.9, "eps": 1e-6})),
    "adagrad-eps": dict(optimizer=OptimizerSpec("adagrad", 0.05, {"eps": 1e-6})),
}


@pytest.mark.parametrize("optimizer, line", [
    (OptimizerSpec("sgd", 0.05), "torch.optim.SGD(trainable, lr=0.05)"),
    (OptimizerSpec("sgd", 0.05, {"momentum": 0.0, "nesterov": True}),  # Nesterov needs momentum: left out
     "torch.optim.SGD(trainable, lr=0.05)"),
    (OptimizerSpec("sgd", 0.05, {"momentum": 0.0, "momentum_form": "lecture"}), "torch.optim.SGD(trainable, lr=0.05)"),
    (OptimizerSpec("sgd", 0.05, {"momentum": 0.9, "nesterov": True, "momentum_form": "pytorch"}),
     "torch.optim.SGD(trainable, lr=0.05, momentum=0.9, nesterov=True)  # torch's momentum: b = γb + g, θ = θ − ηb"),
    (OptimizerSpec("sgd", 0.05, {"momentum": 0.9, "nesterov": True}),  # the lecture's form: a class of its own
     "LectureSGD(trainable, lr=0.05, momentum=0.9, nesterov=True)  # the lecture's momentum: v = γv + ηg, θ = θ − v"),
    (OptimizerSpec("adam", 0.01, {"beta2": 0.99}), "torch.optim.Adam(trainable, lr=0.01, betas=(0.9, 0.99))"),
    (OptimizerSpec("adam", 0.01, {"beta1": 0.9, "eps": 1e-08}), "torch.optim.Adam(trainable, lr=0.01)"),
    (OptimizerSpec("rmsprop", 0.01, {"alpha": 0.9, "momentum": 0.5}),
     "torch.optim.RMSprop(trainable, lr=0.01, alpha=0.9, momentum=0.5)"),
    (OptimizerSpec("adagrad", 0.01, {"eps": 1e-6}), "torch.optim.Adagrad(trainable, lr=0.01, eps=1e-06)"),
])
def test_optimizer_arguments_are_the_declared_torch_names(optimizer, line):
    """torch's defaults are the table's: an option at its default is left to torch, the others are written."""
    src = pytorch_script(make_experiment(optimizer=optimizer))
    assert f"optimizer = {line}\n" in src


@pytest.mark.parametrize("schedule, line", [
    (Schedule("step", step_epochs=3, gamma=0.5), "StepLR(optimizer, step_size=3, gamma=0.5)"),
    (Schedule("exponential", gamma=0.9), "ExponentialLR(optimizer, gamma=0.9)"),
    (Schedule("cosine", epochs=10**30, min_lr=0.0),
     "CosineAnnealingLR(optimizer, T_max=1000000000000000000000000000000, eta_min=0.0)"),
])
def test_scheduler_arguments_are_the_declared_torch_names(schedule, line):
    src = pytorch_script(make_experiment(schedule=schedule))
    assert f"scheduler = torch.optim.lr_scheduler.{line}  # per epoch\n" in src
    assert "scheduler" not in pytorch_script(make_experiment(schedule=Schedule("constant")))


def test_script_is_valid_python_for_every_setting(lecture):
    exps = [lecture] + [make_experiment(**c) for c in CONFIGS.values() if c] + [
        make_experiment(h) for h in HIDDEN] + [make_experiment(bias=False, loss="bce", output="tanh"),
                                               make_experiment(loss="cross_entropy", output="sigmoid")]
    for exp in exps:
        src = pytorch_script(exp)
        tree = ast.parse(src)
        compile(src, "exported.py", "exec")
        names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        assert {"loss_fn", "batches", "train"} <= names


def test_lecture_script_text(lecture, tmp_path):
    lecture.optimizer.options["momentum"] = 0.9
    path = save_pytorch_script(lecture, tmp_path / "lecture.py", epochs=7)
    src = path.read_text(encoding="utf-8")
    assert "nn.Linear(2, 2, bias=False),  # layer 1: h1, h2" in src
    assert "model[0].weight.copy_(torch.tensor([[0.11, 0.21], [0.12, 0.08]]))" in src
    assert "optimizer = LectureSGD(trainable, lr=0.05, momentum=0.9)  # the lecture's momentum" in src
    assert "class LectureSGD(torch.optim.Optimizer):" in src
    assert "0.5 * ((y - t) ** 2).sum(dim=1)" in src
    assert "BATCH_SIZE = 1" in src and 'parser.add_argument("--epochs", type=int, default=7, metavar="N",' in src


def test_floats_are_written_exactly():
    exp = make_experiment()
    src = pytorch_script(exp)
    for value in exp.network.layers[0].weights.ravel():
        assert repr(float(value)) in src


# ---- with torch -------------------------------------------------------------------------------

@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    before = torch.get_default_dtype()
    yield torch
    torch.set_default_dtype(before)


def run_script(experiment: Experiment) -> dict:
    ns: dict = {"__name__": "exported"}
    exec(compile(pytorch_script(experiment), "exported.py", "exec"), ns)
    return ns


def check_outputs_and_gradients(torch, exp: Experiment) -> None:
    ns = run_script(exp)
    x, t = exp.data.inputs, exp.data.targets
    model = ns["model"]
    with torch.no_grad():
        y = model(torch.tensor(x)).numpy()
    np.testing.assert_allclose(y, exp.network.predict(x), rtol=0, atol=1e-12)
    loss = ns["loss_fn"](torch.tensor(x), torch.tensor(t))
    loss.backward()
    net = exp.network
    bp = net.backward(net.forward(x), t, get_loss(exp.loss), exp.reduction)
    assert loss.item() == pytest.approx(bp.loss, abs=1e-12)
    for _layer, gw, gb, lin in zip(net.layers, bp.weight_grads, bp.bias_grads, ns["linear_layers"]):
        np.testing.assert_allclose(lin.weight.grad.numpy(), gw, rtol=0, atol=1e-12)
        if gb is not None:
            np.testing.assert_allclose(lin.bias.grad.numpy(), gb, rtol=0, atol=1e-12)


@pytest.mark.parametrize("hidden", HIDDEN)
def test_outputs_and_gradients_every_activation(torch, hidden):
    check_outputs_and_gradients(torch, make_experiment(hidden, alpha=0.3 if hidden in ("prelu", "elu") else None))


@pytest.mark.parametrize("output,loss", [("sigmoid", "bce"), ("softmax", "cross_entropy"), ("tanh", "mse"),
                                         ("sigmoid", "cross_entropy")])
def test_outputs_and_gradients_every_loss(torch, output, loss):
    check_outputs_and_gradients(torch, make_experiment("elu", output, loss))


@pytest.mark.parametrize("name", list(CONFIGS))
def test_training_reproduces_the_engine(torch, name, lecture, capsys):
    if CONFIGS[name] is None:
        exp = lecture
        exp.optimizer.options["momentum"] = 0.9
    else:
        exp = make_experiment(**CONFIGS[name])
    ns = run_script(exp)
    ns["train"](4)
    assert capsys.readouterr().out.count("epoch ") == 4
    Trainer(exp).run(epochs=4)
    for layer, lin in zip(exp.network.layers, ns["linear_layers"]):
        np.testing.assert_allclose(lin.weight.detach().numpy(), layer.weights, rtol=0, atol=1e-10)
        if layer.has_bias:
            np.testing.assert_allclose(lin.bias.detach().numpy(), layer.biases, rtol=0, atol=1e-10)


def test_frozen_parameters_stay(torch):
    exp = make_experiment(optimizer=OptimizerSpec("adam", 0.05))
    exp.network.layers[0].train_weights = False
    exp.network.layers[1].train_biases = False
    src = pytorch_script(exp)
    assert "frozen parameters are left out" in src
    ns = run_script(exp)
    ns["train"](3)
    Trainer(exp).run(epochs=3)
    for layer, lin in zip(exp.network.layers, ns["linear_layers"]):
        np.testing.assert_allclose(lin.weight.detach().numpy(), layer.weights, rtol=0, atol=1e-10)
        np.testing.assert_allclose(lin.bias.detach().numpy(), layer.biases, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(exp.network.layers[0].weights, exp.initial_state[0][0])
