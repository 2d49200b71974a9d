"""The network as a short, plain PyTorch script for users who move on to a real framework.

The script builds the same ``nn.Sequential`` (float64, the weights written as exact float reprs),
the same loss (the lecture's MSE ½·Σ(y − y*)² per sample is written out, since ``nn.MSELoss`` has no
½ and averages over outputs; BCE and cross-entropy work on logits where the sandbox does), the same
optimizer with its hyper-parameters (torch's SGD momentum ``b = γb + g, θ −= ηb`` takes the same
steps as the lecture's ``v = γv + ηg, θ −= v`` at a constant η), the same schedule, regularization
and batches. No torch is needed to write it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sandbox.engine import Experiment

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


def pytorch_script(experiment: Experiment, epochs: int = _DEFAULT_EPOCHS) -> str:
    """The whole script as text; running it trains for ``epochs`` epochs and prints the losses."""
    net = experiment.network
    acts = [layer.activation for layer in net.layers]
    out: list[str] = []
    w = out.append

    title = experiment.name or "network"
    w(f'"""{_doc(title)}: exported from Backprop Sandbox as a plain PyTorch script.\n')
    w("Same network, weights, loss, optimizer, schedule and batches as in the sandbox, in float64.")
    w("At z = 0 exactly the sandbox takes ReLU′ = PReLU′ = ELU′ = 1 where PyTorch takes 0 or α.")
    w('Run it with: python <this file>\n"""\n')
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
        modules.append(f"nn.Linear({layer.fan_in}, {layer.size}{bias}),  # layer {l}: {', '.join(layer.labels)}")
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
        w(f"    model[{i}].weight.copy_({_tensor(layer.weights, 4)})")
        if layer.has_bias:
            w(f"    model[{i}].bias.copy_({_tensor(layer.biases, 4)})")
    for i in frozen_alpha:
        w(f"model[{i}].weight.requires_grad_(False)  # α is a fixed hyper-parameter in the sandbox")
    w("")

    # ---- data --------------------------------------------------------------------------------
    data = experiment.data
    w(f"inputs = {_tensor(data.inputs, 0)}")
    w(f"targets = {_tensor(data.targets, 0)}")
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
    w("def train(epochs):")
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
    w("        with torch.no_grad():")
    w('            print(f"epoch {epoch + 1}: loss {loss_fn(inputs, targets).item():.6g}")')
    w("")
    w("")
    w('if __name__ == "__main__":')
    w(f"    train(epochs={int(epochs)})")
    return "\n".join(out) + "\n"


def save_pytorch_script(experiment: Experiment, path: str | Path, epochs: int = _DEFAULT_EPOCHS) -> Path:
    """Write the script to ``path`` (UTF-8)."""
    path = Path(path)
    path.write_text(pytorch_script(experiment, epochs), encoding="utf-8")
    return path


def _doc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', "'''").replace("\n", " ")


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


def _optimizer_line(experiment: Experiment) -> str:
    opt = experiment.optimizer.build()
    hp = opt.hyperparameters()
    lr = _num(hp["learning_rate"])
    name = opt.name
    if name == "sgd":
        extra = ""
        if hp["momentum"]:
            extra = f", momentum={_num(hp['momentum'])}"
            if hp["nesterov"]:
                extra += ", nesterov=True"
            extra += ")  # same steps as the lecture's v = γv + η∇, θ = θ − v"
            return f"optimizer = torch.optim.SGD(trainable, lr={lr}{extra}"
        return f"optimizer = torch.optim.SGD(trainable, lr={lr})"
    if name == "adagrad":
        return f"optimizer = torch.optim.Adagrad(trainable, lr={lr}, eps={_num(hp['eps'])})"
    if name == "rmsprop":
        return (f"optimizer = torch.optim.RMSprop(trainable, lr={lr}, alpha={_num(hp['alpha'])}, "
                f"eps={_num(hp['eps'])}, momentum={_num(hp['momentum'])})")
    if name == "adam":
        return (f"optimizer = torch.optim.Adam(trainable, lr={lr}, betas=({_num(hp['beta1'])}, "
                f"{_num(hp['beta2'])}), eps={_num(hp['eps'])})")
    raise ValueError(f"no PyTorch translation for optimizer {name!r}")  # pragma: no cover


def _scheduler_line(experiment: Experiment) -> str:
    s = experiment.schedule
    if s is None or s.name == "constant":
        return ""
    sched = "scheduler = torch.optim.lr_scheduler."
    if s.name == "step":
        return sched + f"StepLR(optimizer, step_size={int(s.step_epochs)}, gamma={_num(s.gamma)})  # per epoch"
    if s.name == "exponential":
        return sched + f"ExponentialLR(optimizer, gamma={_num(s.gamma)})  # per epoch"
    if s.name == "cosine":
        return sched + f"CosineAnnealingLR(optimizer, T_max={int(s.epochs)}, eta_min={_num(s.min_lr)})  # per epoch"
    raise ValueError(f"no PyTorch translation for schedule {s.name!r}")  # pragma: no cover
