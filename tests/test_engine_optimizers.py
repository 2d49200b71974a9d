"""Optimizers and learning-rate schedules against updates written out by hand, and against torch.optim."""

import math

import numpy as np
import pytest

from sandbox.engine import Schedule, make_optimizer
from sandbox.engine.optimizers import SGD, Adagrad, Adam, RMSprop

# a quadratic bowl E(θ) = ½ Σ c_i θ_i², gradient c_i θ_i, with very different curvatures
C = [4.0, 0.5, -0.3]
THETA0 = [1.0, -2.0, 0.5]
STEPS = 6


def engine_trajectory(opt, steps: int = STEPS, lr: float | None = None) -> list[list[float]]:
    theta = np.array(THETA0)
    out = []
    for _ in range(steps):
        grad = np.array(C) * theta
        opt.step([theta], [grad], [True], opt.learning_rate if lr is None else lr)
        out.append(theta.tolist())
    return out


def by_hand(update, steps: int = STEPS) -> list[list[float]]:
    """``update(i, theta_i, g, state, t)`` returns the new θ_i; state is a per-coordinate dict."""
    theta = list(THETA0)
    states = [{} for _ in theta]
    out = []
    for t in range(1, steps + 1):
        grads = [c * th for c, th in zip(C, theta)]
        theta = [update(th, g, s, t) for th, g, s in zip(theta, grads, states)]
        out.append(list(theta))
    return out


def assert_same(a, b, rel=1e-14):
    for ra, rb in zip(a, b):
        assert ra == pytest.approx(rb, rel=rel, abs=1e-300)


def test_plain_sgd_single_step_numbers():
    theta = np.array([0.14, 0.15])
    SGD(learning_rate=0.05).step([theta], [np.array([-0.68765, -0.38832])], [True], 0.05)
    assert theta.tolist() == pytest.approx([0.1743825, 0.169416], abs=1e-16)


def test_sgd():
    def update(th, g, s, t):
        return th - 0.1 * g
    assert_same(engine_trajectory(SGD(learning_rate=0.1)), by_hand(update))


def test_sgd_momentum_in_the_lecture_s_form():
    def update(th, g, s, t):  # v = γv + η∇, θ = θ − v
        s["v"] = 0.9 * s.get("v", 0.0) + 0.1 * g
        return th - s["v"]
    assert_same(engine_trajectory(SGD(learning_rate=0.1, momentum=0.9)), by_hand(update))


def test_momentum_lecture_form_and_pytorch_form_give_the_same_trajectory():
    def torch_form(th, g, s, t):  # b = γb + ∇, θ = θ − ηb
        s["b"] = 0.9 * s.get("b", 0.0) + g
        return th - 0.1 * s["b"]
    assert_same(engine_trajectory(SGD(learning_rate=0.1, momentum=0.9), steps=30), by_hand(torch_form, 30),
                rel=1e-12)


def test_nesterov_in_both_forms():
    def lecture_form(th, g, s, t):  # v = γv + η∇, θ = θ − (γv + η∇)
        s["v"] = 0.9 * s.get("v", 0.0) + 0.1 * g
        return th - (0.9 * s["v"] + 0.1 * g)

    def torch_form(th, g, s, t):  # b = γb + ∇, θ = θ − η(∇ + γb)
        s["b"] = 0.9 * s.get("b", 0.0) + g
        return th - 0.1 * (g + 0.9 * s["b"])
    opt = SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
    ours = engine_trajectory(opt, steps=30)
    assert_same(ours, by_hand(lecture_form, 30))
    assert_same(ours, by_hand(torch_form, 30), rel=1e-12)


def test_sgd_momentum_in_torch_s_form():
    def update(th, g, s, t):  # b = γb + ∇, θ = θ − ηb
        s["b"] = 0.9 * s.get("b", 0.0) + g
        return th - 0.1 * s["b"]
    opt = SGD(learning_rate=0.1, momentum=0.9, momentum_form="pytorch")
    assert_same(engine_trajectory(opt), by_hand(update), rel=0)
    assert opt.state_names == ("momentum_buffer",) and opt.state[0]["momentum_buffer"].any()


def test_nesterov_in_torch_s_form():
    def update(th, g, s, t):  # b = γb + ∇, θ = θ − η(∇ + γb)
        s["b"] = 0.9 * s.get("b", 0.0) + g
        return th - 0.1 * (g + 0.9 * s["b"])
    opt = SGD(learning_rate=0.1, momentum=0.9, nesterov=True, momentum_form="pytorch")
    assert_same(engine_trajectory(opt), by_hand(update), rel=0)


def scheduled_trajectory(opt, rates: list[float]) -> list[list[float]]:
    theta = np.array(THETA0)
    out = []
    for lr in rates:
        opt.step([theta], [np.array(C) * theta], [True], lr)
        out.append(theta.tolist())
    return out


@pytest.mark.parametrize("nesterov", [False, True])
def test_the_two_momentum_forms_agree_while_eta_is_constant_and_differ_when_it_changes(nesterov):
    constant = [0.1] * 30
    lecture = scheduled_trajectory(SGD(0.1, momentum=0.9, nesterov=nesterov), constant)
    pytorch = scheduled_trajectory(SGD(0.1, momentum=0.9, nesterov=nesterov, momentum_form="pytorch"), constant)
    assert_same(lecture, pytorch, rel=1e-12)
    # η halved after 3 steps: the lecture's v keeps the steps taken at 0.1, torch's b is scaled by 0.05
    halved = [0.1] * 3 + [0.05] * 3
    lecture = scheduled_trajectory(SGD(0.1, momentum=0.9, nesterov=nesterov), halved)
    pytorch = scheduled_trajectory(SGD(0.1, momentum=0.9, nesterov=nesterov, momentum_form="pytorch"), halved)
    assert_same(lecture[:3], pytorch[:3], rel=1e-14)
    # by hand, first coordinate (∇ = 4θ): after the 3 steps at 0.1 both are at θ3 with v3 = 0.1·b3
    theta, v = 1.0, 0.0
    for _ in range(3):
        g = 4.0 * theta
        v = 0.9 * v + 0.1 * g
        theta -= 0.9 * v + 0.1 * g if nesterov else v
    b = v / 0.1
    g = 4.0 * theta
    v_next, b_next = 0.9 * v + 0.05 * g, 0.9 * b + g
    lecture_next = theta - (0.9 * v_next + 0.05 * g if nesterov else v_next)
    pytorch_next = theta - 0.05 * (g + 0.9 * b_next if nesterov else b_next)
    assert lecture[3][0] == pytest.approx(lecture_next, rel=1e-13)
    assert pytorch[3][0] == pytest.approx(pytorch_next, rel=1e-13)
    assert abs(lecture[3][0] - pytorch[3][0]) > 0.01


def test_an_unknown_momentum_form_is_refused():
    with pytest.raises(ValueError, match="unknown momentum form 'torch'; expected one of lecture, pytorch"):
        SGD(0.1, momentum=0.9, momentum_form="torch")


def test_torch_s_form_is_described_with_its_buffer():
    theta = np.array([0.14])
    opt = SGD(learning_rate=0.05, momentum=0.9, momentum_form="pytorch")
    opt.step([theta], [np.array([-0.68765])], [True], 0.05)  # b = −0.68765
    before = {"momentum_buffer": -0.68765}
    old = float(theta[0])
    opt.step([theta], [np.array([-0.5])], [True], 0.05)  # b = 0.9·(−0.68765) − 0.5 = −1.118885
    after = {"momentum_buffer": float(opt.state[0]["momentum_buffer"][0])}
    assert after["momentum_buffer"] == pytest.approx(-1.118885, abs=1e-15)
    lines = opt.describe("w5", old, -0.5, float(theta[0]), before, after, 0.05)
    assert lines == [
        "b_w5 = γ · b_w5 + ∂E/∂w5 = 0.9 · (−0.68765) + (−0.5) = −1.118885",
        "w5 = w5 − η · b_w5 = 0.1743825 − 0.05 · (−1.118885) = 0.2303268",  # 0.23032675
    ]
    opt.nesterov = True
    assert opt.describe("w5", old, -0.5, 0.0, before, after, 0.05)[1].startswith(
        "w5 = w5 − η · (∂E/∂w5 + γ · b_w5) = 0.1743825 − 0.05 · ((−0.5) + 0.9 · (−1.118885)) = ")


def test_switching_the_momentum_form_starts_the_buffer_afresh():
    opt = SGD(learning_rate=0.1, momentum=0.9)
    theta = np.array([1.0])
    opt.step([theta], [np.array([2.0])], [True], 0.1)
    opt.set_hyperparameters(0.1, {"momentum": 0.9, "momentum_form": "pytorch"})
    assert opt.state == [] and opt.momentum_form == "pytorch"
    opt.step([theta], [np.array([2.0])], [True], 0.1)
    assert opt.state[0]["momentum_buffer"].tolist() == [2.0]
    opt.set_hyperparameters(0.1, {"momentum": 0.9})  # left out: the lecture's, the default
    assert opt.momentum_form == "lecture" and opt.state == []


def test_adagrad():
    def update(th, g, s, t):
        s["G"] = s.get("G", 0.0) + g * g
        return th - 0.5 * g / (math.sqrt(s["G"]) + 1e-10)
    assert_same(engine_trajectory(Adagrad(learning_rate=0.5)), by_hand(update))


def test_adagrad_first_step_is_a_signed_step_of_eta():
    theta = np.array([1.0, -3.0])
    Adagrad(learning_rate=0.5).step([theta], [np.array([4.0, -0.01])], [True], 0.5)
    assert theta.tolist() == pytest.approx([0.5, -2.5], rel=1e-8)


@pytest.mark.parametrize("momentum", [0.0, 0.8])
def test_rmsprop(momentum):
    def update(th, g, s, t):
        s["sq"] = 0.99 * s.get("sq", 0.0) + 0.01 * g * g
        step = g / (math.sqrt(s["sq"]) + 1e-8)
        if momentum:
            s["m"] = momentum * s.get("m", 0.0) + step
            step = s["m"]
        return th - 0.01 * step
    assert_same(engine_trajectory(RMSprop(learning_rate=0.01, momentum=momentum)), by_hand(update))


def test_adam():
    b1, b2, eps, lr = 0.9, 0.999, 1e-8, 0.1

    def update(th, g, s, t):
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
        m_hat = s["m"] / (1 - b1 ** t)
        v_hat = s["v"] / (1 - b2 ** t)
        return th - lr * m_hat / (math.sqrt(v_hat) + eps)
    assert_same(engine_trajectory(Adam(learning_rate=lr)), by_hand(update), rel=1e-12)


def test_adam_describes_each_bias_corrected_moment_on_its_own_line():
    adam = Adam(learning_rate=0.1)
    adam.steps_taken = 2
    before = {"exp_avg": 0.5, "exp_avg_sq": 0.25}
    after = {"exp_avg": 0.55, "exp_avg_sq": 0.2505}
    lines = adam.describe("w1", 1.0, 1.0, 0.9, before, after, 0.1)
    assert len(lines) == 5
    assert lines[2] == "m̂ = m_w1 / (1 − β1^2) = 2.894737"
    assert lines[3] == "v̂ = v_w1 / (1 − β2^2) = 125.3127"
    assert lines[4].startswith("w1 = w1 − η · m̂ / (√v̂ + ε) = 1 − 0.1 · 2.894737 / ")


def test_adam_first_step_is_eta_times_the_sign():
    theta = np.array([1.0, -3.0])
    Adam(learning_rate=0.1).step([theta], [np.array([4.0, -0.01])], [True], 0.1)
    assert theta.tolist() == pytest.approx([0.9, -2.9], rel=1e-6)


def test_defaults_are_torch_s():
    assert make_optimizer("sgd").learning_rate == 0.001
    assert make_optimizer("adam").learning_rate == 0.001
    adam = make_optimizer("adam")
    assert (adam.beta1, adam.beta2, adam.eps) == (0.9, 0.999, 1e-8)
    rms = make_optimizer("rmsprop")
    assert (rms.learning_rate, rms.alpha, rms.eps, rms.momentum) == (0.01, 0.99, 1e-8, 0.0)
    assert make_optimizer("adagrad").eps == 1e-10
    with pytest.raises(ValueError, match="unknown optimizer"):
        make_optimizer("lbfgs")


def test_defaults_equal_those_of_the_installed_torch_optim():
    torch = pytest.importorskip("torch")
    import inspect

    for name, cls in (("sgd", "SGD"), ("adagrad", "Adagrad"), ("rmsprop", "RMSprop"), ("adam", "Adam")):
        theirs = {k: v.default for k, v in inspect.signature(getattr(torch.optim, cls).__init__).parameters.items()}
        ours = make_optimizer(name)
        assert ours.learning_rate == theirs["lr"], name
        for key in ("eps", "alpha", "momentum", "nesterov"):
            if key in theirs and hasattr(ours, key):
                assert getattr(ours, key) == theirs[key], (name, key)
        if "betas" in theirs:
            assert (ours.beta1, ours.beta2) == theirs["betas"]


@pytest.mark.parametrize("name, options", [
    ("sgd", {}), ("sgd", {"momentum": 0.9}), ("adagrad", {}), ("rmsprop", {"momentum": 0.5}), ("adam", {})])
def test_a_frozen_parameter_is_never_updated_and_keeps_no_state(name, options):
    opt = make_optimizer(name, learning_rate=0.1, **options)
    a, b = np.array([1.0, 2.0]), np.array([3.0])
    for _ in range(3):
        opt.step([a, b], [np.array([0.5, -0.5]), np.array([1.0])], [True, False], 0.1)
    assert b.tolist() == [3.0]
    assert a.tolist() != [1.0, 2.0]
    for arr in opt.state[1].values():
        assert not arr.any()


# ---- schedules -----------------------------------------------------------------------------------

def test_constant_schedule():
    assert [Schedule("constant").learning_rate(0.1, e) for e in range(4)] == [0.1] * 4


def test_step_schedule():
    s = Schedule("step", step_epochs=2, gamma=0.5)
    assert [s.learning_rate(0.1, e) for e in range(6)] == pytest.approx(
        [0.1, 0.1, 0.05, 0.05, 0.025, 0.025], rel=1e-15)


def test_exponential_schedule():
    s = Schedule("exponential", gamma=0.9)
    assert [s.learning_rate(0.1, e) for e in range(4)] == pytest.approx([0.1, 0.09, 0.081, 0.0729], rel=1e-15)


def test_cosine_schedule():
    s = Schedule("cosine", epochs=4, min_lr=0.01)
    expected = [0.01 + 0.09 * (1 + math.cos(math.pi * e / 4)) / 2 for e in range(5)]
    got = [s.learning_rate(0.1, e) for e in range(5)]
    assert got == pytest.approx(expected, rel=1e-15)
    assert got[0] == pytest.approx(0.1, rel=1e-15)
    assert got[2] == pytest.approx(0.055, rel=1e-15)
    assert got[4] == pytest.approx(0.01, rel=1e-15)


def test_unknown_schedule_is_refused():
    with pytest.raises(ValueError):
        Schedule("warmup").learning_rate(0.1, 0)


def test_schedules_equal_torch_lr_schedulers():
    torch = pytest.importorskip("torch")
    cases = [
        (Schedule("step", step_epochs=3, gamma=0.3), lambda o: torch.optim.lr_scheduler.StepLR(o, 3, 0.3)),
        (Schedule("exponential", gamma=0.8), lambda o: torch.optim.lr_scheduler.ExponentialLR(o, 0.8)),
        (Schedule("cosine", epochs=7, min_lr=0.002),
         lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, 7, eta_min=0.002)),
    ]
    for ours, make in cases:
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        sched = make(opt)
        for epoch in range(8):
            assert ours.learning_rate(0.1, epoch) == pytest.approx(opt.param_groups[0]["lr"], rel=1e-12), (
                ours.name, epoch)
            opt.step()
            sched.step()


# ---- against torch.optim -------------------------------------------------------------------------

TORCH_CASES = [
    ("sgd", {"learning_rate": 0.1}, "SGD", {"lr": 0.1}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9}, "SGD", {"lr": 0.1, "momentum": 0.9}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}, "SGD",
     {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "momentum_form": "pytorch"}, "SGD",
     {"lr": 0.1, "momentum": 0.9}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True, "momentum_form": "pytorch"}, "SGD",
     {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("adagrad", {"learning_rate": 0.3}, "Adagrad", {"lr": 0.3}),
    ("rmsprop", {"learning_rate": 0.01}, "RMSprop", {"lr": 0.01}),
    ("rmsprop", {"learning_rate": 0.01, "momentum": 0.7}, "RMSprop", {"lr": 0.01, "momentum": 0.7}),
    ("adam", {"learning_rate": 0.05}, "Adam", {"lr": 0.05}),
]


@pytest.mark.parametrize("name, ours, torch_name, theirs", TORCH_CASES)
def test_trajectory_equals_torch_optim(name, ours, torch_name, theirs):
    torch = pytest.importorskip("torch")
    opt = make_optimizer(name, **ours)
    ref = engine_trajectory(opt, steps=20)
    p = torch.tensor(THETA0, dtype=torch.float64, requires_grad=True)
    topt = getattr(torch.optim, torch_name)([p], **theirs)
    c = torch.tensor(C, dtype=torch.float64)
    for step in range(20):
        topt.zero_grad()
        (0.5 * (c * p * p).sum()).backward()
        topt.step()
        assert ref[step] == pytest.approx(p.detach().tolist(), rel=1e-10, abs=1e-14), (name, step)
