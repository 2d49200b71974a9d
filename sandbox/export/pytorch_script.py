"""The network as a short, plain PyTorch script for users who move on to a real framework.

The script builds the same ``nn.Sequential`` (float64, the weights written as exact float reprs),
the same loss (the lecture's MSE ½·Σ(y − y*)² per sample is written out, since ``nn.MSELoss`` has no
½ and averages over outputs; BCE and cross-entropy work on logits where the sandbox does), the same
optimizer with its hyper-parameters, the same schedule, regularization and batches. SGD's momentum in
torch's form (``momentum_form`` ``pytorch``: ``b = γb + g, θ −= ηb``) is ``torch.optim.SGD``; in the
lecture's form (``v = γv + ηg, θ −= v``, the default) the script carries a short optimizer class of
its own, since torch has none (``torch.optim.SGD`` takes the same steps only while η is constant).
The torch classes of the optimizers and schedules and the names of their arguments are those
``sandbox.files.settings_table`` declares. No torch is needed to write it.

Run as a program it takes ``--epochs N``, prints the training set's loss (the data loss, without a
regularization penalty) after every epoch and ends with the line ``loss <value>`` (the float's repr):
the value ``backprop-sandbox train FILE --epochs N`` prints as its ``train loss``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from sandbox.engine import Experiment
from sandbox.engine.features import labels as feature_labels
from sandbox.engine.features import raw_inputs
from sandbox.explain.escape import for_python_comment, for_python_docstring
from sandbox.files import settings_table as T

from .errors import ExportError, export_error

#: activations with a ready-made torch module (constructor text, α filled in where used)
_MODULES = {
    "sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()", "relu": "nn.ReLU()", "softplus": "nn.Softplus()",
    "softmax": "nn.Softmax(dim=1)", "arctan": "Arctan()", "binary_step": "BinaryStep()",
}

_CUSTOM = {
    "binary_step": '''class BinaryStep(nn.Module):
    """1 for z ≥ 0, else 0. Its derivative is taken as 0 everywhere, as in the sandbox."""

    def forward(self, z):
        return (z >= 0).to(z.dtype) + 0.0 * z  # 0·z keeps the graph: gradient 0
''',
    "arctan": '''class Arctan(nn.Module):
    """tan⁻¹(z); derivative 1 / (z² + 1)."""

    def forward(self, z):
        return torch.atan(z)
''',
}

_LECTURE_SGD = '''class LectureSGD(torch.optim.Optimizer):
    """SGD with the lecture's momentum: v = γv + η·g, θ = θ − v (Nesterov: θ = θ − (γv + η·g)).

    torch.optim.SGD keeps b = γb + g, θ = θ − η·b: the same steps while η is constant, not when a
    schedule changes η (v remembers each step's own η, b is scaled by the η of today).
    """

    def __init__(self, params, lr, momentum=0.0, nesterov=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, nesterov=nesterov))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            lr, momentum = group["lr"], group["momentum"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                v = self.state[p].setdefault("velocity", torch.zeros_like(p))
                v.mul_(momentum).add_(lr * p.grad)
                if group["nesterov"]:
                    p.sub_(momentum * v + lr * p.grad)
                else:
                    p.sub_(v)
'''

_DEFAULT_EPOCHS = 100


def _num(x: float) -> str:
    return repr(float(x))


def _tensor(values: np.ndarray, indent: int = 4) -> str:
    """``torch.tensor([...])`` with every float written exactly; one row per line for matrices."""
    a = np.asarray(values, dtype=np.float64)
    if a.ndim == 1:
        return "torch.tensor([" + ", ".join(_num(v) for v in a) + "])"
    rows = ["[" + ", ".join(_num(v) for v in row) + "]" for row in a]
    if len(rows) <= 2 and sum(len(r) for r in rows) < 60:
        return "torch.tensor([" + ", ".join(rows) + "])"
    pad = " " * (indent + 4)
    return "torch.tensor([\n" + "".join(f"{pad}{r},\n" for r in rows) + " " * indent + "])"


def _no_tensor(values: np.ndarray, indent: int = 4) -> str:
    return "torch.tensor([0.0])"


def pytorch_script(experiment: Experiment, epochs: int = _DEFAULT_EPOCHS) -> str:
    """The whole script as text; running it trains for ``epochs`` epochs and prints the losses. Names and
    labels are escaped for the docstring and comments they appear in; a script that would not compile is
    an ``ExportError`` (nothing is written)."""
    # the check compiles the script without its numbers (every one a float's repr): all the rest, in a
    # fraction of the time (the whole script of a 500,000-parameter network takes 3.7 s to compile)
    _check_compiles(_script(experiment, epochs, _no_tensor))
    return _script(experiment, epochs, _tensor)


def _script(experiment: Experiment, epochs: int, tensor: Callable[[np.ndarray, int], str]) -> str:
    net = experiment.network
    acts = [layer.activation for layer in net.layers]
    out: list[str] = []
    w = out.append

    title = experiment.name or "network"
    w(f'"""{for_python_docstring(title)}: exported from Backprop Sandbox as a plain PyTorch script.\n')
    w("Same network, weights, loss, optimizer, schedule and batches as in the sandbox, in float64.")
    w("At z = 0 exactly the sandbox takes ReLU′ = PReLU′ = ELU′ = 1 where PyTorch takes 0 or α.")
    w("Run it with: python <this file> [--epochs N]; it prints the training set's loss after every epoch")
    w('and ends with the line "loss <value>", as `backprop-sandbox train FILE --epochs N` reports it.\n"""\n')
    w("import argparse")
    w("")
    w("import torch")
    w("from torch import nn")
    if experiment.batching.shuffle:
        w("import numpy as np  # the sandbox's shuffled batch order")
    w("")
    w("torch.set_default_dtype(torch.float64)")
    w("")
    for name in ("binary_step", "arctan"):
        if name in acts:
            w("")
            w(_CUSTOM[name])
    w("")

    # ---- the network -----------------------------------------------------------------------
    modules: list[str] = []
    linear_index: list[int] = []
    frozen_alpha: list[int] = []
    for l, layer in enumerate(net.layers, start=1):
        linear_index.append(len(modules))
        bias = "" if layer.has_bias else ", bias=False"
        labels = for_python_comment(", ".join(layer.labels))
        modules.append(f"nn.Linear({layer.fan_in}, {layer.size}{bias}),  # layer {l}: {labels}")
        act = layer.activation
        if act == "identity":
            continue
        if act == "prelu":
            frozen_alpha.append(len(modules))
            modules.append(f"nn.PReLU(init={_num(layer.alpha_value)}),")
        elif act == "elu":
            modules.append(f"nn.ELU(alpha={_num(layer.alpha_value)}),")
        else:
            modules.append(_MODULES[act] + ",")
    w("model = nn.Sequential(")
    for m in modules:
        w(f"    {m}")
    w(")")
    w("linear_layers = [" + ", ".join(f"model[{i}]" for i in linear_index) + "]")
    w("")
    w("with torch.no_grad():  # the sandbox's weights W (row j: weights into neuron j) and biases b")
    for i, layer in zip(linear_index, net.layers):
        w(f"    model[{i}].weight.copy_({tensor(layer.weights, 4)})")
        if layer.biases is not None:
            w(f"    model[{i}].bias.copy_({tensor(layer.biases, 4)})")
    for i in frozen_alpha:
        w(f"model[{i}].weight.requires_grad_(False)  # α is a fixed hyper-parameter in the sandbox")
    w("")

    # ---- data --------------------------------------------------------------------------------
    data = experiment.data
    if experiment.features:  # derived inputs: computed from the raw x1, x2 as the sandbox does
        w(f"raw_inputs = {tensor(raw_inputs(data.inputs, experiment.features), 0)}")
        w("")
        w("")
        w(_features_function(experiment.features))
        w("")
        w("")
        w("inputs = with_features(raw_inputs)")
    else:
        w(f"inputs = {tensor(data.inputs, 0)}")
    w(f"targets = {tensor(data.targets, 0)}")
    w("")

    # ---- loss -------------------------------------------------------------------------------
    w(_loss_function(experiment))
    w("")
    w("")

    # ---- optimizer, schedule, regularization --------------------------------------------------
    params = []
    for i, layer in zip(linear_index, net.layers):
        if layer.train_weights:
            params.append(f"model[{i}].weight")
        if layer.has_bias and layer.train_biases:
            params.append(f"model[{i}].bias")
    frozen = sum(1 for layer in net.layers if not layer.train_weights) + sum(
        1 for layer in net.layers if layer.has_bias and not layer.train_biases)
    note = "  # frozen parameters are left out" if frozen else ""
    w(f"trainable = [{', '.join(params)}]{note}")
    if _lecture_momentum(experiment):
        w("")
        w("")
        w(_LECTURE_SGD)
        w("")
    w(_optimizer_line(experiment))
    scheduler = _scheduler_line(experiment)
    if scheduler:
        w(scheduler)
    reg = experiment.regularization
    if reg.active:
        w("")
        w(f"LAMBDA = {_num(reg.strength)}")
        w("")
        w("")
        w("def regularize():")
        if reg.kind == "l2":
            w('    """L2: add λ·w to each weight\'s gradient (penalty λ/2·‖w‖²); biases are not regularized."""')
            term = "LAMBDA * layer.weight.detach()"
        else:
            w('    """L1: add λ·sign(w) to each weight\'s gradient (penalty λ·‖w‖₁); biases are not regularized."""')
            term = "LAMBDA * torch.sign(layer.weight.detach())"
        w("    for layer in linear_layers:")
        w(f"        layer.weight.grad += {term}")
    w("")
    w("")

    # ---- batches and training -----------------------------------------------------------------
    b = experiment.batching
    n = data.n_train
    size = b.batch_size(n)
    mode = {"full": "the whole training set", "single": "one sample", "minibatch": f"mini-batches of {size}"}[b.mode]
    w(f"BATCH_SIZE = {size}  # {mode} per iteration")
    w("")
    w("")
    w("def batches(epoch):")
    w('    """The samples of each iteration of an epoch; every epoch covers every sample once."""')
    if b.shuffle:
        w(f"    order = torch.as_tensor(np.random.default_rng([{int(b.seed)}, epoch]).permutation(len(inputs)))")
    else:
        w("    order = torch.arange(len(inputs))")
    w("    return [order[i:i + BATCH_SIZE] for i in range(0, len(order), BATCH_SIZE)]")
    w("")
    w("")
    w("def training_loss():")
    penalty = " (the loss alone: the penalty λR(θ) is not in it)" if reg.active else ""
    w(f'    """The loss over the whole training set{penalty}, as a float."""')
    w("    with torch.no_grad():")
    w("        return loss_fn(inputs, targets).item()")
    w("")
    w("")
    w("def train(epochs):")
    w('    """Train for ``epochs`` epochs, printing the training loss after each; the losses, one per epoch."""')
    w("    losses = []")
    w("    for epoch in range(epochs):")
    w("        for batch in batches(epoch):")
    w("            optimizer.zero_grad()")
    w("            loss = loss_fn(inputs[batch], targets[batch])")
    w("            loss.backward()")
    if reg.active:
        w("            regularize()")
    w("            optimizer.step()")
    if scheduler:
        w("        scheduler.step()")
    w("        losses.append(training_loss())")
    w('        print(f"epoch {epoch + 1}: loss {losses[-1]!r}")')
    w("    return losses")
    w("")
    w("")
    w("def main(argv=None):")
    w('    parser = argparse.ArgumentParser(description="Train the network exported from Backprop Sandbox.")')
    w(f'    parser.add_argument("--epochs", type=int, default={int(epochs)}, metavar="N",')
    w(f'                        help="how many epochs to train (default {int(epochs)})")')
    w("    args = parser.parse_args(argv)")
    w("    if args.epochs < 0:")
    w('        parser.error("--epochs must be 0 or more")')
    w("    losses = train(args.epochs)")
    w('    print(f"loss {losses[-1] if losses else training_loss()!r}")')
    w("")
    w("")
    w('if __name__ == "__main__":')
    w("    main()")
    return "\n".join(out) + "\n"


def save_pytorch_script(experiment: Experiment, path: str | Path, epochs: int = _DEFAULT_EPOCHS) -> Path:
    """Write the script to ``path`` (UTF-8); an ``ExportError`` naming ``path`` when it would not compile."""
    path = Path(path)
    try:
        script = pytorch_script(experiment, epochs)
    except ExportError as e:
        raise ExportError(path, e.problems) from None
    path.write_text(script, encoding="utf-8")
    return path


def _check_compiles(script: str) -> None:
    """The script is valid Python, or an ``ExportError`` says where it is not (a bug, never a user's fault)."""
    try:
        compile(script, "<export>", "exec")
    except (SyntaxError, ValueError) as e:  # ValueError: a NUL byte (before Python 3.12)
        line = getattr(e, "lineno", None)
        where = f"the PyTorch script, line {line}" if line else "the PyTorch script"
        raise export_error("<export>", where, f"would not be valid Python ({type(e).__name__}: {e}); "
                                              "nothing was written") from None


#: each derived feature in torch, from the columns ``x1`` and ``x2`` (as ``engine.features`` computes it)
_TORCH_FEATURES = {"x1^2": "x1 * x1", "x2^2": "x2 * x2", "x1*x2": "x1 * x2", "sin(x1)": "torch.sin(x1)",
                   "sin(x2)": "torch.sin(x2)"}


def _features_function(features: list[str]) -> str:
    """``with_features(x)``: the raw inputs (x1, x2) with the derived features appended, in the file's order."""
    names = ", ".join(feature_labels(features)[2:])
    columns = ", ".join(["x", *(_TORCH_FEATURES[f] for f in features)])
    return "\n".join([
        "def with_features(x):",
        f'    """The raw inputs x1, x2 and the derived features ({for_python_docstring(names)}) appended."""',
        "    x1, x2 = x[:, 0:1], x[:, 1:2]",
        f"    return torch.cat([{columns}], dim=1)",
    ])


def _loss_function(experiment: Experiment) -> str:
    last = experiment.network.layers[-1].activation
    reduce = "per_sample.mean()" if experiment.reduction == "mean" else "per_sample.sum()"
    over = "mean" if experiment.reduction == "mean" else "sum"
    name = experiment.loss
    if name == "mse":
        doc = f"The lecture's squared error: ½·Σ over outputs (y − y*)² per sample, {over} over the batch."
        body = ["y = model(x)", "per_sample = 0.5 * ((y - t) ** 2).sum(dim=1)"]
    elif name == "bce" and last == "sigmoid":
        doc = f"Binary cross-entropy on the logits (stable), summed over outputs, {over} over the batch."
        body = ["z = model[:-1](x)  # logits: everything but the final Sigmoid",
                "per_sample = nn.functional.binary_cross_entropy_with_logits(z, t, reduction=\"none\").sum(dim=1)"]
    elif name == "bce":
        doc = f"Binary cross-entropy (logs clamped at −100), summed over outputs, {over} over the batch."
        body = ["y = model(x)",
                "per_sample = nn.functional.binary_cross_entropy(y, t, reduction=\"none\").sum(dim=1)"]
    elif last == "softmax":
        doc = f"Cross-entropy −Σ y*·log softmax(z) on the logits, {over} over the batch."
        body = ["z = model[:-1](x)  # logits: everything but the final Softmax",
                "per_sample = nn.functional.cross_entropy(z, t, reduction=\"none\")"]
    else:
        doc = f"Cross-entropy −Σ y*·log(y) (logs clamped at −100), {over} over the batch."
        body = ["y = model(x)", "per_sample = -(t * torch.log(y).clamp(min=-100.0)).sum(dim=1)"]
    lines = ["", "def loss_fn(x, t):", f'    """{doc}"""'] + [f"    {line}" for line in body]
    lines.append(f"    return {reduce}")
    return "\n".join(lines)


def _torch_arguments(group: T.Group, name: str, values: Mapping[str, Any]) -> tuple[list[str], bool]:
    """The torch keyword arguments of variant ``name`` of ``group`` (``lr=0.05``, ``betas=(0.9, 0.99)``) as the
    table declares them, and whether an option is among them. Written: the required settings, those always
    written (η), and the options that differ from their default (torch's, the same), except an option that
    only acts with another one that is off (Nesterov without momentum); a tuple argument (``betas[0]``,
    ``betas[1]``) whole, when one of its members is written."""
    settings = [s for s in group.settings(name) if s.torch and s is not group.selector]
    value = {s.key: values.get(s.key, s.default) for s in settings}

    def written(s: T.Setting) -> bool:
        if s.needs and not value.get(s.needs):
            return False
        return s.required or s.write == "always" or value[s.key] != s.default

    arguments: dict[str, list[T.Setting]] = {}  # torch name -> its settings (a tuple's members)
    for s in settings:
        arguments.setdefault(s.torch.split("[")[0], []).append(s)
    out: list[str] = []
    optional = False
    for argument, members in arguments.items():
        if not any(written(m) for m in members):
            continue
        optional = optional or any(not (m.required or m.write == "always") for m in members)
        if len(members) == 1 and "[" not in members[0].torch:
            out.append(f"{argument}={_value(value[members[0].key])}")
        else:
            members.sort(key=lambda m: int(m.torch.split("[")[1].rstrip("]")))
            out.append(f"{argument}=({', '.join(_value(value[m.key]) for m in members)})")
    return out, optional


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    return _num(value)


def _lecture_momentum(experiment: Experiment) -> bool:
    """Whether the optimizer is SGD with momentum in the lecture's form (which torch.optim has not)."""
    spec = experiment.optimizer
    form = spec.options.get("momentum_form", T.MOMENTUM_FORM.default)
    return spec.name == "sgd" and bool(spec.options.get("momentum")) and form == "lecture"


def _optimizer_line(experiment: Experiment) -> str:
    spec = experiment.optimizer
    variant = T.OPTIMIZER.variant(spec.name)
    if variant is None or not variant.torch:
        raise ValueError(f"no PyTorch translation for optimizer {spec.name!r}")  # pragma: no cover
    arguments, optional = _torch_arguments(T.OPTIMIZER, spec.name,
                                           {"learning_rate": spec.learning_rate, **spec.options})
    if _lecture_momentum(experiment):
        return (f"optimizer = LectureSGD({', '.join(['trainable', *arguments])})  # the lecture's momentum: "
                f"v = γv + ηg, θ = θ − v")
    note = f"  # {variant.torch_note}" if optional and variant.torch_note else ""
    if spec.name == "sgd" and spec.options.get("momentum"):
        note = "  # torch's momentum: b = γb + g, θ = θ − ηb"
    return f"optimizer = torch.optim.{variant.torch}({', '.join(['trainable', *arguments])}){note}"


def _scheduler_line(experiment: Experiment) -> str:
    s = experiment.schedule
    if s is None:
        return ""
    variant = T.SCHEDULE.variant(s.name)
    if variant is None:
        raise ValueError(f"no PyTorch translation for schedule {s.name!r}")  # pragma: no cover
    if not variant.torch:
        return ""  # the constant schedule: no scheduler
    arguments, _ = _torch_arguments(T.SCHEDULE, s.name, {key: getattr(s, key) for key in T.SCHEDULE.keys(s.name)})
    return (f"scheduler = torch.optim.lr_scheduler.{variant.torch}({', '.join(['optimizer', *arguments])})"
            f"  # per epoch")
