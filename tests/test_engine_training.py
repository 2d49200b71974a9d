"""Training: regularization, frozen parameters, metrics, walkthrough = step, formulas, divergence."""

import copy
import math

import numpy as np
import pytest

from sandbox.engine import (
    Batching,
    Dataset,
    DivergenceError,
    Experiment,
    Init,
    Layer,
    Network,
    OptimizerSpec,
    Regularization,
    Schedule,
    Trainer,
    generate,
)
from sandbox.engine.numbers import fmt


def small_experiment(optimizer: OptimizerSpec | None = None, batching: Batching | None = None,
                     regularization: Regularization | None = None, schedule: Schedule | None = None,
                     loss: str = "mse", reduction: str = "mean") -> Experiment:
    """A 2-3-2 tanh network with biases on 7 samples."""
    rng = np.random.default_rng(0)
    net = Network(2, [
        Layer(rng.normal(size=(3, 2)), "tanh", biases=rng.normal(size=3)),
        Layer(rng.normal(size=(2, 3)), "sigmoid" if loss == "bce" else "identity", biases=rng.normal(size=2)),
    ])
    x = rng.normal(size=(7, 2))
    t = rng.uniform(size=(7, 2))
    return Experiment(net, Dataset(x, t, x[:3] + 0.5, t[:3]), loss=loss, reduction=reduction,
                      optimizer=optimizer or OptimizerSpec("sgd", 0.1),
                      batching=batching or Batching("minibatch", 3, shuffle=True, seed=1),
                      regularization=regularization or Regularization(), schedule=schedule)


# ---- regularization and frozen parameters --------------------------------------------------------

@pytest.mark.parametrize("kind", ["l1", "l2"])
def test_regularization_adds_to_weight_gradients_only(kind):
    lam = 0.03
    exp = small_experiment(regularization=Regularization(kind, lam))
    trainer = Trainer(exp)
    w = trainer.walkthrough()
    for layer, raw_w, raw_b, gw, gb in zip(exp.network.layers, w.backprop.weight_grads, w.backprop.bias_grads,
                                           w.weight_grads, w.bias_grads):
        extra = lam * layer.weights if kind == "l2" else lam * np.sign(layer.weights)
        np.testing.assert_allclose(gw, raw_w + extra, rtol=1e-15, atol=0)
        assert np.array_equal(gb, raw_b)  # biases are never regularized
    before = [layer.weights.copy() for layer in exp.network.layers]
    trainer.step()
    for layer, b, gw in zip(exp.network.layers, before, w.weight_grads):
        np.testing.assert_allclose(layer.weights, b - 0.1 * gw, rtol=1e-15, atol=1e-17)
    step = next(s for s in w.steps if s.kind == "weight_gradient")
    assert (" + λ · " in step.formula) and ("sign(" in step.formula) == (kind == "l1")


def test_l2_penalty_gradient_matches_differences_of_the_penalty():
    reg = Regularization("l2", 0.2)
    w = np.array([[0.3, -1.2]])
    h = 1e-6
    numeric = [(reg.penalty([w + h * e]) - reg.penalty([w - h * e])) / (2 * h) for e in np.eye(2).reshape(2, 1, 2)]
    assert reg.gradient(w).ravel().tolist() == pytest.approx(numeric, rel=1e-8)
    assert Regularization("l1", 0.2).gradient(np.array([-2.0, 0.0, 3.0])).tolist() == [-0.2, 0.0, 0.2]
    assert not Regularization().active and not Regularization("l2", 0.0).active


@pytest.mark.parametrize("frozen", ["weights", "biases"])
def test_frozen_parameters_get_gradients_but_never_change(frozen):
    exp = small_experiment(optimizer=OptimizerSpec("adam", 0.05))
    layer = exp.network.layers[0]
    setattr(layer, f"train_{frozen}", False)
    w0, b0 = layer.weights.copy(), layer.biases.copy()
    other = exp.network.layers[1].weights.copy()
    trainer = Trainer(exp)
    w = trainer.walkthrough()
    grad = w.weight_grads[0] if frozen == "weights" else w.bias_grads[0]
    assert np.abs(grad).min() > 0
    kind = {"weights": "weight_update", "biases": "bias_update"}[frozen]
    updates = [s for s in w.steps_of("update") if s.layer == 1 and s.kind == kind]
    assert updates and all("is frozen" in s.formula and s.value == s.old for s in updates)
    trainer.apply(w)
    for _ in range(5):
        trainer.step()
    assert np.array_equal(layer.weights, w0) == (frozen == "weights")
    assert np.array_equal(layer.biases, b0) == (frozen == "biases")
    assert not np.array_equal(exp.network.layers[1].weights, other)
    assert trainer.history.weight_grad_norms[:, 0].min() > 0 if frozen == "weights" else True


# ---- metrics -------------------------------------------------------------------------------------

def test_history_records_loss_and_per_layer_gradient_norms():
    exp = small_experiment()
    exp.network.layers[1].biases = None
    trainer = Trainer(exp)
    expected = []
    for _ in range(5):
        w = trainer.walkthrough()
        expected.append((w.loss, [np.linalg.norm(g) for g in w.weight_grads], np.linalg.norm(w.bias_grads[0])))
        trainer.step()
    h = trainer.history
    assert h.count == 5
    assert h.loss.tolist() == [e[0] for e in expected]
    np.testing.assert_allclose(h.weight_grad_norms, [e[1] for e in expected], rtol=1e-14)
    np.testing.assert_allclose(h.bias_grad_norms[:, 0], [e[2] for e in expected], rtol=1e-14)
    assert np.isnan(h.bias_grad_norms[:, 1]).all()  # the output layer has no bias
    losses, wn, bn = h.since(3)
    assert losses.tolist() == h.loss[3:].tolist() and wn.shape == (2, 2) and bn.shape == (2, 2)


def test_history_grows_past_its_first_buffer():
    trainer = Trainer(small_experiment())
    trainer.run(iterations=1500)
    assert trainer.history.count == 1500 and np.isfinite(trainer.history.loss).all()
    assert np.isfinite(trainer.history.weight_grad_norms).all()


def test_without_metrics_training_is_the_same():
    a, b = Trainer(small_experiment()), Trainer(small_experiment(), record_gradients=False)
    for _ in range(6):
        assert a.step() == b.step()
    assert b.history.count == 0
    for la, lb in zip(a.network.layers, b.network.layers):
        assert np.array_equal(la.weights, lb.weights) and np.array_equal(la.biases, lb.biases)


def deep_narrow(activation: str, scheme: str, depth: int = 10) -> Trainer:
    layers = [Layer(Init(scheme, seed=0).weights(4, 2 if i == 0 else 4, i + 1), activation, biases=np.zeros(4))
              for i in range(depth)]
    layers.append(Layer(Init(scheme, seed=0).weights(1, 4, depth + 1), "sigmoid", biases=np.zeros(1)))
    data = generate("circle", samples=64, seed=0)
    return Trainer(Experiment(Network(2, layers), data, loss="bce", optimizer=OptimizerSpec("sgd", 0.1),
                              batching=Batching("full")))


def test_vanishing_gradients_in_a_deep_sigmoid_network_and_not_with_relu():
    sig = deep_narrow("sigmoid", "xavier_uniform")
    relu = deep_narrow("relu", "he_normal")
    sig.run(iterations=3)
    relu.run(iterations=3)
    s = sig.history.weight_grad_norms[-1]
    r = relu.history.weight_grad_norms[-1]
    assert s[0] < 1e-3 * s[-1]  # orders of magnitude smaller at the first layer
    assert r[0] > 1e-1 * r[-1]


def test_evaluate_gives_train_and_test_loss():
    exp = small_experiment()
    train, test = Trainer(exp).evaluate()
    assert train == exp.network.loss(exp.data.inputs, exp.data.targets, __import__("sandbox.engine").engine.get_loss(
        "mse"))
    assert test == pytest.approx(exp.network.loss(exp.data.test_inputs, exp.data.test_targets,
                                                  __import__("sandbox.engine").engine.get_loss("mse")), rel=1e-15)


# ---- walkthrough then apply equals step ----------------------------------------------------------

OPTIMIZERS = [
    OptimizerSpec("sgd", 0.1), OptimizerSpec("sgd", 0.1, {"momentum": 0.9}),
    OptimizerSpec("sgd", 0.1, {"momentum": 0.9, "nesterov": True}), OptimizerSpec("adagrad", 0.1),
    OptimizerSpec("rmsprop", 0.01), OptimizerSpec("rmsprop", 0.01, {"momentum": 0.5}), OptimizerSpec("adam", 0.05),
]


@pytest.mark.parametrize("spec", OPTIMIZERS, ids=lambda s: f"{s.name}{s.options}")
@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_walkthrough_then_apply_equals_step_exactly(spec, loss):
    kw = dict(optimizer=spec, loss=loss, regularization=Regularization("l2", 0.01),
              schedule=Schedule("step", step_epochs=1, gamma=0.5))
    a, b = Trainer(small_experiment(**kw)), Trainer(small_experiment(**kw))
    for _ in range(8):  # across epoch boundaries (3 batches per epoch), with the schedule changing η
        w = a.walkthrough()
        assert w.learning_rate == b.learning_rate
        a.apply(w)
        assert b.step() == w.loss
    assert (a.iteration, a.epoch, a.batch_in_epoch) == (b.iteration, b.epoch, b.batch_in_epoch) == (8, 2, 2)
    for la, lb in zip(a.network.layers, b.network.layers):
        assert np.array_equal(la.weights, lb.weights) and np.array_equal(la.biases, lb.biases)
    assert a.optimizer.steps_taken == b.optimizer.steps_taken == 8
    for sa, sb in zip(a.optimizer.state, b.optimizer.state):
        assert sa.keys() == sb.keys() and all(np.array_equal(sa[k], sb[k]) for k in sa)
    assert a.history.loss.tolist() == b.history.loss.tolist()
    assert np.array_equal(a.history.weight_grad_norms, b.history.weight_grad_norms)


def test_a_walkthrough_changes_nothing_and_is_refused_for_another_iteration():
    trainer = Trainer(small_experiment(optimizer=OptimizerSpec("adam", 0.1)))
    before = trainer.network.state()
    w = trainer.walkthrough()
    trainer.walkthrough(batch=1, sample=2)
    assert all(np.array_equal(x, y) for x, y in zip(before[0], trainer.network.state()[0]))
    assert trainer.optimizer.steps_taken == 0 and trainer.iteration == 0
    trainer.step()
    with pytest.raises(ValueError):
        trainer.apply(w)
    with pytest.raises(IndexError):
        trainer.walkthrough(batch=3)
    with pytest.raises(IndexError):
        trainer.walkthrough(sample=3)


def test_walkthrough_after_and_outputs_are_those_of_the_updated_network():
    trainer = Trainer(small_experiment(optimizer=OptimizerSpec("adam", 0.1)))
    w = trainer.walkthrough()
    trainer.apply(w)
    x = trainer.experiment.data.inputs[w.batch_indices]
    t = trainer.experiment.data.targets[w.batch_indices]
    assert np.array_equal(trainer.network.predict(x), w.outputs_after)
    assert trainer.network.loss(x, t, trainer._loss) == w.loss_after


# ---- formulas with numbers -----------------------------------------------------------------------

def tanh_adam_trainer() -> Trainer:
    net = Network(1, [
        Layer([[0.5]], "tanh", biases=[0.1], labels=["h"], weight_labels=[["w1"]], bias_labels=["b1"],
              preactivation_labels=["net_h"]),
        Layer([[-0.8]], "identity", biases=[0.2], labels=["y"], weight_labels=[["w2"]], bias_labels=["b2"]),
    ], ["x"])
    exp = Experiment(net, Dataset([[2.0]], [[1.0]]), optimizer=OptimizerSpec("adam", 0.01),
                     batching=Batching("single"))
    return Trainer(exp)


def test_formulas_of_a_biased_tanh_network_with_adam_carry_the_numbers():
    trainer = tanh_adam_trainer()
    w = trainer.walkthrough()
    x, t = 2.0, 1.0
    net_h = 0.5 * x + 0.1
    h = math.tanh(net_h)
    y = -0.8 * h + 0.2
    dy = y - t
    dnet = dy * -0.8 * (1 - h * h)
    grads = {"w2": dy * h, "b2": dy, "w1": dnet * x, "b1": dnet}
    f = {s.target: s for s in w.steps if s.phase in ("forward", "loss")}
    assert f["net_h"].formula == f"net_h = x·w1 + b1 = 2·0.5 + 0.1 = {fmt(net_h)}"
    assert f["h"].formula == f"h = tanh(net_h) = tanh({fmt(net_h)}) = {fmt(h)}"
    assert f["y"].value == pytest.approx(y, rel=1e-15)
    assert f["E"].formula == f"E = ½(y − y*)² = ½({fmt(y)} − 1)² = {fmt(0.5 * dy * dy)}"
    assert f["net_h"].value == pytest.approx(net_h, rel=1e-15)
    backward = {s.target: s for s in w.steps_of("backward")}
    for label, g in grads.items():
        assert backward[label].value == pytest.approx(g, rel=1e-14)
        assert backward[label].formula.endswith(f" = {fmt(g)}")
    assert backward["w1"].formula == (
        f"∂E/∂w1 = ∂E/∂y · ∂y/∂h · ∂h/∂net_h · ∂net_h/∂w1 = Δ · w2 · (1 − h²) · x = "
        f"({fmt(dy)})(−0.8)({fmt(1 - h * h)})(2) = {fmt(grads['w1'])}")
    # Adam's first step: m = 0.1 g, v = 0.001 g², m̂ = g, v̂ = g², θ − η g / (|g| + ε)
    updates = {s.target: s for s in w.steps_of("update")}
    for label, old in {"w1": 0.5, "b1": 0.1, "w2": -0.8, "b2": 0.2}.items():
        g = grads[label]
        new = old - 0.01 * g / (abs(g) + 1e-8)
        step = updates[label]
        assert step.old == old and step.value == pytest.approx(new, rel=1e-14)
        assert step.lines[0] == (f"m_{label} = β1 · m_{label} + (1 − β1) · ∂E/∂{label} = 0.9 · 0 + 0.1 · "
                                 f"{fmt(g) if g >= 0 else '(' + fmt(g) + ')'} = {fmt(0.1 * g)}")
        assert step.lines[1].endswith(f" = {fmt(0.001 * g * g)}")
        assert step.lines[2] == f"m̂ = m_{label} / (1 − β1^1) = {fmt(g)}"
        assert step.lines[3] == f"v̂ = v_{label} / (1 − β2^1) = {fmt(g * g)}"
        assert step.lines[4].endswith(f" = {fmt(new)}")
    # a second update: the moments carry over
    trainer.apply(w)
    w2 = trainer.walkthrough()
    second = {s.target: s for s in w2.steps_of("update")}
    assert "β1^2" in second["w1"].lines[2] and f"0.9 · {fmt(0.1 * grads['w1'])}".replace("-", "−") in \
        second["w1"].lines[0].replace("(", "").replace(")", "")


def test_walkthrough_phases_are_in_order_and_json_ready():
    w = tanh_adam_trainer().walkthrough()
    phases = [s.phase for s in w.steps]
    assert phases == sorted(phases, key=["forward", "loss", "backward", "update"].index)
    d = w.steps[0].to_dict()
    assert {"phase", "kind", "target", "formula", "value"} <= d.keys()


# ---- divergence ----------------------------------------------------------------------------------

def diverging() -> Trainer:
    exp = small_experiment(optimizer=OptimizerSpec("sgd", 1e12), batching=Batching("full"))
    exp.network.layers[1].activation = "identity"
    return Trainer(exp)


@pytest.mark.parametrize("how", ["step", "apply"])
def test_a_huge_learning_rate_raises_divergence_naming_the_iteration(how):
    trainer = diverging()
    with pytest.raises(DivergenceError) as info:
        for _ in range(200):
            if how == "step":
                trainer.step()
            else:
                trainer.apply(trainer.walkthrough())
    err = info.value
    assert f"iteration {err.iteration + 1}" in str(err) and "learning rate" in str(err)
    assert err.iteration == trainer.iteration and err.learning_rate == 1e12
    assert not math.isfinite(err.loss)
    for layer in trainer.network.layers:
        assert np.isfinite(layer.weights).all() and np.isfinite(layer.biases).all()
    assert math.isfinite(trainer.evaluate()[0])


def test_recovering_twice_puts_back_the_same_state():
    exp = small_experiment(optimizer=OptimizerSpec("sgd", 1e12, {"momentum": 0.9}), batching=Batching("full"))
    trainer = Trainer(exp)
    states = []
    for _ in range(2):
        with pytest.raises(DivergenceError):
            for _ in range(200):
                trainer.step()
        states.append((trainer.network.state(), trainer.optimizer.snapshot()))
    (w1, b1), opt1 = states[0]
    (w2, b2), opt2 = states[1]
    assert all(np.array_equal(x, y) for x, y in zip(w1 + b1, w2 + b2))
    assert all(np.array_equal(x["velocity"], y["velocity"]) for x, y in zip(opt1, opt2))
    assert all(np.isfinite(x["velocity"]).all() for x in opt2)


# ---- the fast path ---------------------------------------------------------------------------------

@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_backward_without_output_gradients_gives_the_same_parameter_gradients(loss):
    exp = small_experiment(loss=loss)
    net, x, t = exp.network, exp.data.inputs, exp.data.targets
    fn = __import__("sandbox.engine").engine.get_loss(loss)
    full = net.backward(net.forward(x), t, fn)
    fast = net.backward(net.forward(x), t, fn, output_gradients=False)
    for a, b in zip(full.weight_grads + full.bias_grads, fast.weight_grads + fast.bias_grads):
        assert np.array_equal(a, b)
    assert full.loss == fast.loss
    assert (fast.output_grads[-1] is None) == (loss == "bce")  # dE/dz came straight from the loss
    np.testing.assert_allclose(full.output_grads[-1], fn.output_gradient(net.predict(x), t), rtol=0, atol=0)


def test_new_batching_or_data_take_effect_at_the_next_epoch():
    exp = small_experiment(batching=Batching("minibatch", 3))
    trainer = Trainer(exp)
    trainer.run(epochs=1)
    assert trainer.batch_indices(0) == slice(0, 3)
    exp.batching = Batching("minibatch", 2)
    trainer.run(iterations=3)  # the epoch under way keeps its batches
    assert (trainer.epoch, trainer.batch_in_epoch) == (2, 0)
    assert trainer.batch_indices(0) == slice(0, 2) and trainer.batches_per_epoch == 4
    exp.data = Dataset(exp.data.inputs[:4] * 0.0, exp.data.targets[:4])
    trainer.run(iterations=4)  # finishes the epoch of the old data
    assert trainer.epoch == 3 and trainer.batches_per_epoch == 2
    assert not trainer.walkthrough().inputs.any()
    trainer.step()
    assert not trainer._epoch_batches[0][1].any()


# ---- parameters and gradients in one buffer (the fast path's layout) -------------------------------

def wide_experiment(optimizer: OptimizerSpec, frozen: bool = False, hidden: str = "tanh") -> Experiment:
    """A 2-4-4-4-1 network with biases (8 parameter arrays: the history sums their squares in one call)."""
    rng = np.random.default_rng(3)
    layers = [Layer(rng.normal(size=(4, 2)), hidden, biases=rng.normal(size=4)),
              Layer(rng.normal(size=(4, 4)), "relu", biases=rng.normal(size=4)),
              Layer(rng.normal(size=(4, 4)), hidden, biases=rng.normal(size=4)),
              Layer(rng.normal(size=(1, 4)), "sigmoid", biases=rng.normal(size=1))]
    if frozen:
        layers[1].train_weights = False
        layers[2].train_biases = False
    data = generate("xor", samples=24, noise=0.1, seed=2)
    return Experiment(Network(2, layers), data, loss="bce", optimizer=optimizer,
                      batching=Batching("minibatch", 5, shuffle=True, seed=4))


@pytest.mark.parametrize("frozen", [False, True])
@pytest.mark.parametrize("spec", [OptimizerSpec("sgd", 0.3)] + OPTIMIZERS[1:], ids=lambda s: f"{s.name}{s.options}")
@pytest.mark.parametrize("hidden", ["tanh", "sigmoid"])
def test_step_on_one_buffer_equals_the_walkthrough_on_separate_arrays_bit_for_bit(spec, frozen, hidden):
    """The walkthrough computes with separate arrays and no shortcuts; step (one buffer for the parameters,
    their gradients and each kind of optimizer state) must give the very same bits."""
    a, b = Trainer(wide_experiment(spec, frozen, hidden)), Trainer(wide_experiment(spec, frozen, hidden))
    for i in range(12):  # more than two epochs of 5 batches
        w = a.walkthrough()
        a.apply(w)
        assert b.step() == w.loss
        if i == 5:  # the state replaced by a copy (an undo, a report from the training thread) goes on the same
            b.optimizer.state = copy.deepcopy(b.optimizer.state)
        if i == 8:
            b = copy.deepcopy(b)
    for sa, sb in zip(a.optimizer.state, b.optimizer.state):
        assert sa.keys() == sb.keys() and all(sa[k].tobytes() == sb[k].tobytes() for k in sa)
    for la, lb in zip(a.network.layers, b.network.layers):
        assert la.weights.tobytes() == lb.weights.tobytes() and la.biases.tobytes() == lb.biases.tobytes()
    assert a.history.weight_grad_norms.tobytes() == b.history.weight_grad_norms.tobytes()
    assert a.history.bias_grad_norms.tobytes() == b.history.bias_grad_norms.tobytes()
    if frozen:
        start = wide_experiment(spec, frozen, hidden).network.layers
        assert np.array_equal(b.network.layers[1].weights, start[1].weights)
        assert np.array_equal(b.network.layers[2].biases, start[2].biases)


def test_replaced_or_edited_parameters_are_what_the_next_step_trains():
    exp = wide_experiment(OptimizerSpec("sgd", 0.3))
    trainer = Trainer(exp)
    trainer.step()
    layer = exp.network.layers[0]
    layer.weights[0, 1] = 0.5  # an edit in place
    exp.network.layers[1].weights = np.full((4, 4), 0.1)  # an array replaced (a new layer's, say)
    exp.network.layers[1].biases = None
    expected = Trainer(Experiment(Network(2, [l.copy() for l in exp.network.layers]), exp.data, loss="bce",
                                  optimizer=OptimizerSpec("sgd", 0.3), batching=exp.batching))
    expected.iteration, expected.batch_in_epoch = trainer.iteration, trainer.batch_in_epoch
    assert trainer.step() == expected.step()
    for la, lb in zip(exp.network.layers, expected.network.layers):
        assert np.array_equal(la.weights, lb.weights)
    # the replaced array was trained (it moved away from 0.1), and stays without biases
    assert exp.network.layers[1].biases is None
    assert not np.array_equal(exp.network.layers[1].weights, np.full((4, 4), 0.1))


def test_a_copy_of_a_trained_experiment_trains_on_its_own():
    exp = wide_experiment(OptimizerSpec("sgd", 0.3))
    trainer = Trainer(exp)
    trainer.run(iterations=3)
    twin = exp.copy()
    before = exp.network.state()
    Trainer(twin).run(iterations=4)
    assert all(np.array_equal(x, y)
               for x, y in zip(before[0] + before[1], exp.network.state()[0] + exp.network.state()[1]))
    assert not np.array_equal(twin.network.layers[0].weights, exp.network.layers[0].weights)
    trainer.step()  # the original still trains its own arrays
    assert not np.array_equal(before[0][0], exp.network.layers[0].weights)


def test_divergence_is_reported_without_numpy_warnings():
    import warnings

    for how in ("step", "apply", "evaluate"):
        trainer = diverging()
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # an overflow warning would fail here
            with pytest.raises(DivergenceError):
                for _ in range(200):
                    if how == "apply":
                        trainer.apply(trainer.walkthrough())
                    else:
                        trainer.step()
                        if how == "evaluate":
                            trainer.evaluate()


def test_optimizer_state_follows_new_parameter_shapes_of_the_same_total_size():
    """1-1-4-1 and 1-4-1-1 both have 15 parameters: the flat state must still be rebuilt for the new shapes."""
    data = Dataset([[0.5], [-0.5]], [[1.0], [0.0]])
    sizes_a, sizes_b = [1, 1, 4, 1], [1, 4, 1, 1]

    def network(sizes):
        return Network(1, [Layer(np.full((sizes[i + 1], sizes[i]), 0.3), "tanh", biases=np.zeros(sizes[i + 1]))
                           for i in range(3)])

    trainer = Trainer(Experiment(network(sizes_a), data, optimizer=OptimizerSpec("adam", 0.01)))
    trainer.step()
    trainer.network.layers[:] = network(sizes_b).layers  # same total size, other shapes
    trainer.step()
    params = [a for layer in trainer.network.layers for a in (layer.weights, layer.biases)]
    assert [st["exp_avg"].shape for st in trainer.optimizer.state] == [p.shape for p in params]
