"""The settings panel, driven through its widgets: every change is one undoable command that reaches the
document's experiment and trainer, is saved in the file, follows undo and other files, and reaches
the worker while training runs."""

from __future__ import annotations

import json
import logging
import math

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QValidator  # noqa: E402
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox  # noqa: E402

from sandbox.engine import Dataset, Experiment, Init, Layer, Network, Regularization, Schedule  # noqa: E402
from sandbox.engine.optimizers import RMSprop  # noqa: E402
from sandbox.files import load_experiment, save_experiment  # noqa: E402
from sandbox.files import settings_table as T  # noqa: E402
from sandbox.gui.model.document import Document  # noqa: E402
from sandbox.gui.settings import SettingsPanel  # noqa: E402
from sandbox.resources import resource_path  # noqa: E402

SPIRAL = resource_path("networks", "spiral.json")
LECTURE = resource_path("networks", "lecture17-linear.json")


@pytest.fixture
def panel(qtbot):
    doc = Document(load_experiment(SPIRAL), SPIRAL)
    p = SettingsPanel(doc)
    qtbot.addWidget(p)
    for fold in p.folds.values():
        fold.set_expanded(True)
    p.resize(300, 900)
    p.show()
    return p


def _type(qtbot, box, text: str) -> None:
    """Type ``text`` into a spin box as a person does: select all, type, Enter."""
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)


def _choose(combo, data) -> None:
    """Pick the item holding ``data`` as the user does (``activated`` is emitted)."""
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def _visible(panel, widget) -> bool:
    return widget.isVisibleTo(panel)


def _shown_rows(panel, section) -> list[str]:
    """The keys of the declared settings whose rows a section shows (every variant has its own rows)."""
    return [key for (_name, key), widget in section.rows.widgets.items() if _visible(panel, widget)]


# ---- optimizer ---------------------------------------------------------------------------------

def test_typed_learning_rates_are_kept_exactly_and_undo_restores_value_and_widget(qtbot, panel):
    doc = panel.document
    box = panel.optimizer.learning_rate
    assert box.text() == "0.01"
    _type(qtbot, box, "0.0005")
    assert doc.experiment.optimizer.learning_rate == 0.0005
    assert doc.trainer.optimizer.learning_rate == 0.0005
    assert box.text() == "0.0005"
    _type(qtbot, box, "1e-4")
    assert doc.experiment.optimizer.learning_rate == 1e-4
    assert box.text() == "0.0001"
    # consecutive edits of the same setting merge into one command
    assert doc.undo_stack.count() == 1
    assert doc.undo_stack.text(0) == "Set learning rate η"
    doc.undo_stack.undo()
    assert doc.experiment.optimizer.learning_rate == 0.01
    assert doc.trainer.optimizer.learning_rate == 0.01
    assert box.text() == "0.01"


@pytest.mark.parametrize("typed, value", [("1.5×10^-5", 1.5e-5), ("2·10^-4", 2e-4), ("3,5e-3", 3.5e-3)])
def test_powers_of_ten_can_be_typed_key_by_key(qtbot, panel, typed, value):
    """Every prefix of a power of ten as the window writes it is accepted while typing."""
    _type(qtbot, panel.optimizer.learning_rate, typed)
    assert panel.document.experiment.optimizer.learning_rate == value


def test_every_prefix_of_a_superscript_power_is_a_number_being_typed(panel):
    # (QTest cannot type characters beyond Latin-1, such as ⁻: the validator is asked directly)
    box = panel.optimizer.learning_rate
    text = "2·10⁻⁴"
    states = [box.validate(text[:n], n)[0] for n in range(1, len(text) + 1)]
    assert states[:-1] == [QValidator.State.Acceptable] + [QValidator.State.Intermediate] * (len(text) - 2)
    assert states[-1] == QValidator.State.Acceptable and box.valueFromText(text) == 2e-4
    assert box.validate("2·1x", 4)[0] == QValidator.State.Invalid


def test_arrow_steps_follow_1_2_5_and_merge_into_one_command(qtbot, panel):
    doc = panel.document
    box = panel.optimizer.learning_rate
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Up)
    qtbot.keyClick(box, Qt.Key.Key_Up)
    assert doc.experiment.optimizer.learning_rate == 0.05
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert doc.experiment.optimizer.learning_rate == 0.02
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.experiment.optimizer.learning_rate == 0.01
    # stepping back to where it started leaves nothing to undo
    doc.undo_stack.clear()
    qtbot.keyClick(box, Qt.Key.Key_Up)
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert doc.experiment.optimizer.learning_rate == 0.01 and doc.undo_stack.count() == 0


def test_each_optimizer_shows_only_its_own_parameters_with_torch_defaults(qtbot, panel):
    doc = panel.document
    opt = panel.optimizer
    assert _shown_rows(panel, opt) == ["beta1", "beta2", "eps"] and list(opt.options) == ["beta1", "beta2", "eps"]
    _choose(opt.name, "rmsprop")
    assert doc.experiment.optimizer.name == "rmsprop"
    assert doc.experiment.optimizer.learning_rate == 0.01  # the teacher's η stays
    assert isinstance(doc.trainer.optimizer, RMSprop)
    assert (opt.options["alpha"].value(), opt.options["eps"].value(), opt.options["momentum"].value()) \
        == (0.99, 1e-8, 0.0)
    assert _shown_rows(panel, opt) == ["alpha", "eps", "momentum"]
    assert "μ" in opt.options["momentum"].toolTip()  # RMSProp's own momentum, declared with its own help
    _type(qtbot, opt.options["momentum"], "0.9")
    assert doc.experiment.optimizer.options == {"momentum": 0.9}
    assert doc.trainer.optimizer.momentum == 0.9
    _choose(opt.name, "sgd")
    assert _shown_rows(panel, opt) == ["momentum", "nesterov", "momentum_form"]
    assert not opt.options["nesterov"].isEnabled()  # Nesterov only acts with momentum
    _type(qtbot, opt.options["momentum"], "0.95")
    opt.options["nesterov"].click()
    assert doc.experiment.optimizer.options == {"momentum": 0.95, "nesterov": True}
    assert (doc.trainer.optimizer.momentum, doc.trainer.optimizer.nesterov) == (0.95, True)
    _choose(opt.name, "adagrad")
    _type(qtbot, opt.options["eps"], "3e-10")
    assert doc.experiment.optimizer.options == {"eps": 3e-10}
    assert doc.trainer.optimizer.eps == 3e-10
    assert doc.undo_stack.count() == 7
    for _ in range(7):
        doc.undo_stack.undo()
    assert doc.experiment.optimizer.name == "adam" and doc.experiment.optimizer.options == {}
    assert opt.name.currentData() == "adam" and _shown_rows(panel, opt) == ["beta1", "beta2", "eps"]


# ---- loss and architecture ----------------------------------------------------------------------

def test_loss_offers_only_what_fits_the_output_layer(qtbot, panel):
    doc = panel.document
    loss = panel.loss.loss
    items = loss.model()
    enabled = {loss.itemData(i): items.item(i).isEnabled() for i in range(loss.count())}
    assert enabled == {"mse": True, "bce": True, "cross_entropy": False}
    assert "softmax" in panel.loss.why.text()
    _choose(loss, "mse")
    assert doc.experiment.loss == "mse" and doc.trainer._loss.name == "mse"
    _choose(panel.loss.reduction, "sum")
    assert doc.experiment.reduction == "sum" and doc.trainer._reduction == "sum"
    output = panel.architecture.rows[-1].activation
    _choose(output, "tanh")  # bce no longer fits (mse does, and stays)
    assert doc.experiment.network.layers[-1].activation == "tanh" and doc.experiment.loss == "mse"
    assert not items.item(loss.findData("bce")).isEnabled()
    # softmax needs two or more outputs: the spiral's single output cannot have it
    assert not output.model().item(output.findData("softmax")).isEnabled()
    assert panel.architecture.rows[0].activation.findData("softmax") == -1  # never on a hidden layer


def test_an_output_activation_that_no_longer_fits_the_loss_changes_it_in_the_same_command(qtbot):
    net = Network(2, [Layer(np.full((3, 2), 0.1), "tanh", np.zeros(3)), Layer(np.full((2, 3), 0.2), "softmax")])
    exp = Experiment(net, Dataset([[0.0, 1.0], [1.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]]), loss="cross_entropy")
    doc = Document(exp)
    panel = SettingsPanel(doc)
    qtbot.addWidget(panel)
    output, loss = panel.architecture.rows[-1].activation, panel.loss.loss
    assert (output.currentData(), loss.currentData()) == ("softmax", "cross_entropy")
    _choose(output, "sigmoid")
    assert (doc.experiment.network.layers[-1].activation, doc.experiment.loss) == ("sigmoid", "bce")
    assert doc.trainer._loss.name == "bce" and doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert (doc.experiment.network.layers[-1].activation, doc.experiment.loss) == ("softmax", "cross_entropy")
    assert (output.currentData(), loss.currentData()) == ("softmax", "cross_entropy")
    _choose(output, "relu")
    assert doc.experiment.loss == "mse"


def test_prelu_alpha_is_shown_only_when_relevant_and_is_a_layer_setting(qtbot, panel):
    doc = panel.document
    row = panel.architecture.rows[0]
    assert not _visible(panel, row.alpha)
    _choose(row.activation, "prelu")
    assert _visible(panel, row.alpha) and row.alpha.value() == 0.25
    _type(qtbot, row.alpha, "0.1")
    layer = doc.experiment.network.layers[0]
    assert (layer.activation, layer.alpha) == ("prelu", 0.1)
    assert doc.trainer.network.layers[0].alpha == 0.1
    _choose(row.activation, "elu")
    assert doc.experiment.network.layers[0].alpha is None and row.alpha.value() == 1.0
    doc.undo_stack.undo()
    assert doc.experiment.network.layers[0].alpha == 0.1 and row.alpha.value() == 0.1
    _choose(row.activation, "relu")
    assert not _visible(panel, row.alpha)


def test_layers_neurons_and_biases_change_the_network_and_undo_puts_it_back(qtbot, panel):
    doc = panel.document
    arch = panel.architecture
    before = [layer.weights.copy() for layer in doc.experiment.network.layers]
    arch.add_button.click()
    net = doc.experiment.network
    assert [l.size for l in net.layers] == [8, 8, 8, 1] and doc.trainer.network is net
    assert len(arch.rows) == 4 and arch.rows[2].size.value() == 8
    np.testing.assert_array_equal(net.layers[0].weights, before[0])  # unchanged layers keep their weights
    _type(qtbot, arch.rows[2].size, "5")
    assert [l.size for l in doc.experiment.network.layers] == [8, 8, 5, 1]
    assert doc.experiment.network.layers[3].weights.shape == (1, 5)
    arch.rows[1].bias.click()
    assert doc.experiment.network.layers[1].biases is None
    assert doc.trainer.network.layers[1].biases is None
    assert doc.undo_stack.count() == 3
    doc.undo_stack.undo()
    assert doc.experiment.network.layers[1].biases is not None and arch.rows[1].bias.isChecked()
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert [l.size for l in doc.experiment.network.layers] == [8, 8, 1] and len(arch.rows) == 3
    np.testing.assert_array_equal(doc.experiment.network.layers[2].weights, before[2])
    arch.remove_button.click()
    arch.remove_button.click()
    assert [l.size for l in doc.experiment.network.layers] == [1] and not arch.remove_button.isEnabled()


# ---- schedule, batches, regularization, init ----------------------------------------------------

def test_schedule_batches_and_regularization(qtbot, panel):
    doc = panel.document
    schedule = panel.schedule
    assert _shown_rows(panel, schedule) == []
    _choose(schedule.name, "step")
    assert doc.experiment.schedule == Schedule("step", step_epochs=10, gamma=0.5)
    _type(qtbot, schedule.params["step_epochs"], "3")
    _type(qtbot, schedule.params["gamma"], "0.25")
    assert doc.experiment.schedule == Schedule("step", step_epochs=3, gamma=0.25)
    doc.trainer.epoch = 7
    assert doc.trainer.learning_rate == pytest.approx(0.01 * 0.25 ** 2)
    doc.trainer.epoch = 0
    assert _shown_rows(panel, schedule) == ["step_epochs", "gamma"]
    _choose(schedule.name, "cosine")
    assert _shown_rows(panel, schedule) == ["epochs", "min_lr"]
    assert doc.experiment.schedule == Schedule("cosine", epochs=100, min_lr=0.0)

    batches = panel.batches
    assert batches.size_box.value() == 10 and doc.trainer.batches_per_epoch == 24
    _type(qtbot, batches.size_box, "32")
    assert doc.experiment.batching.size == 32 and doc.trainer.batches_per_epoch == 8
    assert "8 iterations" in panel.counters.per_epoch_label.text()
    _choose(batches.mode, "full")
    assert doc.experiment.batching.mode == "full" and doc.trainer.batches_per_epoch == 1
    assert not _visible(panel, batches.size_box)
    _choose(batches.mode, "single")
    assert doc.trainer.batches_per_epoch == 240
    assert "240 iterations" in panel.counters.per_epoch_label.text()
    batches.shuffle.click()
    assert doc.experiment.batching.shuffle is False and not batches.seed.isEnabled()

    reg = panel.regularization
    assert not _visible(panel, reg.strength)
    _choose(reg.kind, "l2")
    _type(qtbot, reg.strength, "0.0005")
    assert doc.experiment.regularization == Regularization("l2", 0.0005)
    _choose(reg.kind, "l1")
    assert doc.experiment.regularization == Regularization("l1", 0.0005)
    doc.undo_stack.undo()
    assert reg.kind.currentData() == "l2" and reg.strength.text() == "0.0005"


def test_init_scheme_and_reinitialize(qtbot, panel):
    doc = panel.document
    init = panel.init
    _choose(init.scheme, "normal")
    _type(qtbot, init.params["std"], "0.3")
    _type(qtbot, init.seed, "7")
    assert doc.experiment.init == Init("normal", seed=7, std=0.3)
    assert _shown_rows(panel, init) == ["std"] and list(init.params) == ["std"]
    weights = doc.experiment.network.layers[1].weights.copy()  # a scheme alone changes no weight
    doc.trainer.iteration = 50
    init.reinit.click()
    net = doc.experiment.network
    np.testing.assert_array_equal(net.layers[1].weights, Init("normal", seed=7, std=0.3).weights(8, 8, 2))
    assert doc.trainer.iteration == 0 and doc.trainer.network is net
    doc.undo_stack.undo()
    np.testing.assert_array_equal(doc.experiment.network.layers[1].weights, weights)
    assert doc.trainer.iteration == 50
    # one layer's own init (spiral.json gives the first layer its own: uniform in ±3)
    _choose(init.target, 0)
    assert init.own.isChecked() and init.scheme.currentData() == "uniform" and init.params["high"].value() == 3.0
    _choose(init.target, 1)
    assert _visible(panel, init.own) and not init.own.isChecked() and not init.scheme.isEnabled()
    assert init.scheme.currentData() == "normal"  # it follows all layers' scheme
    init.own.click()
    _choose(init.scheme, "he_normal")
    assert doc.experiment.layer_inits[1] == Init("he_normal", seed=7, std=0.3)
    assert doc.experiment.init == Init("normal", seed=7, std=0.3)
    assert init.target.currentText() == "Hidden 2 (own)"
    init.own.click()
    assert doc.experiment.layer_inits[1] is None


def test_without_an_init_the_panel_shows_the_one_the_engine_draws_with(qtbot):
    """A file with a global seed and no init: the weights are drawn with Xavier uniform and that seed,
    and the panel shows exactly that (editing a field keeps the seed)."""
    exp = load_experiment(SPIRAL)
    exp.init, exp.layer_inits, exp.seed = None, [None] * exp.network.depth, 7
    doc = Document(exp, None)
    p = SettingsPanel(doc)
    qtbot.addWidget(p)
    assert exp.layer_init(0) == Init("xavier_uniform", seed=7)
    assert p.init.scheme.currentData() == "xavier_uniform" and p.init.seed.value() == 7
    _choose(p.init.scheme, "he_normal")
    assert doc.experiment.init == Init("he_normal", seed=7)


# ---- data ----------------------------------------------------------------------------------------

def test_generator_parameters_regenerate_and_the_file_rebuilds_the_same_data(qtbot, panel, tmp_path):
    doc = panel.document
    data = panel.dataset
    _type(qtbot, data.noise, "0.15")
    assert doc.experiment.data_source["noise"] == 0.15
    noisy = doc.experiment.data.inputs.copy()
    _type(qtbot, data.test_fraction, "0.5")
    assert (doc.experiment.data.n_train, doc.experiment.data.n_test) == (150, 150)
    assert doc.trainer.n_samples == 150
    assert "150" in data.counts.text()
    data.regenerate.click()
    assert doc.experiment.data_source["seed"] == 1 and data.seed.value() == 1
    _choose(data.source, "xor")
    assert doc.experiment.data_source == {"generator": "xor", "samples": 300, "noise": 0.15, "seed": 1,
                                          "test_fraction": 0.5}
    path = tmp_path / "xor.json"
    save_experiment(doc.experiment, path)
    loaded = load_experiment(path)
    assert loaded.data_source == doc.experiment.data_source
    np.testing.assert_array_equal(loaded.data.inputs, doc.experiment.data.inputs)
    assert [doc.undo_stack.text(i) for i in range(doc.undo_stack.count())] == [
        "Set noise", "Set test fraction", "Regenerate data", "Generate xor data"]
    for _ in range(3):
        doc.undo_stack.undo()
    assert doc.experiment.data_source["test_fraction"] == 0.2 and data.test_fraction.text() == "0.2"
    np.testing.assert_array_equal(doc.experiment.data.inputs, noisy)
    doc.undo_stack.undo()
    assert doc.experiment.data_source["noise"] == 0.0 and data.noise.text() == "0"
    assert not np.array_equal(doc.experiment.data.inputs, noisy)


def test_csv_import_asks_for_the_file_and_target_columns(qtbot, panel, tmp_path, monkeypatch):
    csv = tmp_path / "points.csv"
    csv.write_text("a,b,c,label\n" + "\n".join(f"{i},{i * 2},{-i},{i % 2}" for i in range(10)) + "\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(csv), "")))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("label", True)))
    doc = panel.document
    _choose(panel.dataset.source, "csv")
    exp = doc.experiment
    assert exp.data_source["csv"] == str(csv.resolve()) and exp.data_source["target_columns"] == ["label"]
    assert exp.network.input_size == 3 and exp.data.n_train + exp.data.n_test == 10
    np.testing.assert_array_equal(np.sort(np.concatenate([exp.data.inputs[:, 1], exp.data.test_inputs[:, 1]])),
                                  np.arange(10) * 2.0)
    assert "points.csv" in panel.dataset.counts.text()
    out = tmp_path / "saved" / "net.json"
    out.parent.mkdir()
    save_experiment(exp, out)
    loaded = load_experiment(out)
    np.testing.assert_array_equal(loaded.data.inputs, exp.data.inputs)
    doc.undo_stack.undo()
    assert doc.experiment.network.input_size == 2 and panel.dataset.source.currentData() == "spiral"


def test_a_bad_csv_is_refused_with_a_message(qtbot, panel, tmp_path, monkeypatch):
    csv = tmp_path / "bad.csv"
    csv.write_text("x,y\n1,2\n3,oops\n")
    warnings = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(csv), "")))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("y", True)))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda _p, title, text, *a: warnings.append(text)))
    panel.dataset.import_csv.click()
    assert len(warnings) == 1 and "oops" in warnings[0]
    assert panel.document.undo_stack.count() == 0


# ---- the file, other files ------------------------------------------------------------------------

def test_changed_settings_are_saved_in_the_file(qtbot, panel, tmp_path):
    doc = panel.document
    _choose(panel.optimizer.name, "sgd")
    _type(qtbot, panel.optimizer.learning_rate, "0.0005")
    _type(qtbot, panel.optimizer.options["momentum"], "0.9")
    _choose(panel.loss.reduction, "sum")
    _choose(panel.schedule.name, "exponential")
    _choose(panel.batches.mode, "full")
    _choose(panel.regularization.kind, "l1")
    _choose(panel.architecture.rows[0].activation, "elu")
    _type(qtbot, panel.architecture.rows[0].alpha, "0.5")
    panel.architecture.add_button.click()
    panel.architecture.rows[1].bias.click()
    _type(qtbot, panel.init.seed, "5")
    _choose(panel.init.target, 2)
    panel.init.own.click()
    _choose(panel.init.scheme, "constant")
    _type(qtbot, panel.init.params["value"], "0.125")
    _type(qtbot, panel.dataset.samples, "120")
    path = tmp_path / "changed.json"
    save_experiment(doc.experiment, path)
    loaded = load_experiment(path)
    assert (loaded.optimizer.name, loaded.optimizer.learning_rate, loaded.optimizer.options) == \
        ("sgd", 0.0005, {"momentum": 0.9})
    assert loaded.reduction == "sum"
    assert loaded.schedule == Schedule("exponential", gamma=0.99)
    assert (loaded.batching.mode, loaded.batching.shuffle) == ("full", True)
    assert loaded.regularization == Regularization("l1", 0.001)
    assert [(l.size, l.activation, l.alpha) for l in loaded.network.layers] == \
        [(8, "elu", 0.5), (8, "tanh", None), (8, "tanh", None), (1, "sigmoid", None)]
    np.testing.assert_array_equal(loaded.network.layers[2].weights, doc.experiment.network.layers[2].weights)
    assert [l.has_bias for l in loaded.network.layers] == [True, False, True, True]
    assert loaded.init == Init("xavier_uniform", seed=5)
    assert loaded.layer_inits[2] == Init("constant", seed=5, value=0.125) and loaded.layer_inits[1] is None
    assert loaded.data_source["samples"] == 120 and loaded.data.n_train == 96
    np.testing.assert_array_equal(loaded.data.test_inputs, doc.experiment.data.test_inputs)


def test_opening_another_file_refreshes_the_panel(qtbot, panel):
    doc = panel.document
    _type(qtbot, panel.optimizer.learning_rate, "0.3")
    doc.replace(load_experiment(LECTURE), LECTURE)
    assert panel.optimizer.name.currentData() == "sgd"
    assert panel.optimizer.learning_rate.value() == doc.experiment.optimizer.learning_rate == 0.05
    assert len(panel.architecture.rows) == 2
    assert panel.architecture.rows[0].activation.currentData() == "identity"
    assert panel.dataset.source.currentData() == "inline"
    assert not panel.dataset.noise.isEnabled()
    assert panel.batches.mode.currentData() == "single"
    assert doc.undo_stack.count() == 0


# ---- while training runs in the real window ------------------------------------------------------

@pytest.fixture
def window(qtbot, tmp_path, monkeypatch, isolated_settings):
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    from sandbox.gui import MainWindow

    w = MainWindow(SPIRAL)
    qtbot.addWidget(w)
    yield w
    w.training.shutdown(2000)


def test_learning_rate_and_a_new_layer_take_effect_in_the_worker_while_training(qtbot, window, in_worker):
    panel = window.findChild(SettingsPanel, "settingsPanel")
    assert panel is not None and window.training.settings_panel is panel
    session = window.training.session
    doc = window.document
    window.actions_.train.trigger()
    try:
        qtbot.waitUntil(lambda: doc.trainer.iteration > 20, timeout=10000)
        _type(qtbot, panel.optimizer.learning_rate, "0.0005")
        assert session.running
        assert in_worker(session.controller, lambda t: t.optimizer.learning_rate) == 0.0005
        assert in_worker(session.controller, lambda t: t.experiment.optimizer.learning_rate) == 0.0005
        panel.architecture.add_button.click()
        assert session.running
        assert in_worker(session.controller, lambda t: [l.size for l in t.network.layers]) == [8, 8, 8, 1]
        start = doc.trainer.iteration
        qtbot.waitUntil(lambda: doc.trainer.iteration > start + 20, timeout=10000)  # it goes on training
        assert len(doc.experiment.network.layers) == 4
        qtbot.waitUntil(lambda: int(panel.counters.iteration_label.text().replace(",", "")) > start, timeout=5000)
    finally:
        if session.running:
            with qtbot.waitSignal(session.runningChanged, timeout=5000):
                window.actions_.train.trigger()
    assert not session.running
    qtbot.waitUntil(lambda: panel.counters.iteration_label.text().replace(",", "") == str(doc.trainer.iteration)
                    and panel.counters.epoch_label.text().replace(",", "") == str(doc.trainer.epoch), timeout=5000)
    # the reports shown in the panel made no command of their own
    texts = [doc.undo_stack.text(i) for i in range(doc.undo_stack.count())]
    assert texts.count("Set learning rate η") == 1 and texts.count("Add hidden layer 3") == 1
    assert all(t in ("Set learning rate η", "Add hidden layer 3") or t.startswith("Train ") for t in texts), texts
    assert doc.experiment.optimizer.learning_rate == 0.0005


def test_opening_a_file_in_the_window_refreshes_its_panel(qtbot, window):
    panel = window.training.settings_panel
    assert panel.optimizer.name.currentData() == "adam" and len(panel.architecture.rows) == 3
    assert window.open_file(LECTURE)
    assert panel.optimizer.name.currentData() == "sgd" and panel.optimizer.learning_rate.text() == "0.05"
    assert len(panel.architecture.rows) == 2 and panel.batches.mode.currentData() == "single"
    assert panel.counters.per_epoch_label.text().startswith("1 epoch = <b>1 iteration</b>")


# ---- values at the ends of the ranges the file format allows --------------------------------------------

BIG_SEED = 3_000_000_000  # over the 2³¹ − 1 of Qt's spin boxes
HUGE_EPOCHS = 10**30


def _extreme_file(tmp_path, **changes):
    """spiral.json with settings at (or near) the ends of their declared ranges."""
    doc = json.loads(SPIRAL.read_text(encoding="utf-8"))
    doc.update({
        "batch": {"mode": "single", "shuffle": True, "seed": BIG_SEED},
        "schedule": {"name": "cosine", "epochs": HUGE_EPOCHS, "min_lr": 1e-300},
        "optimizer": {"name": "sgd", "learning_rate": 0.25, "momentum": math.nextafter(1.0, 0.0)},
        "regularization": {"kind": "l2", "strength": 1e300},
        "init": {"scheme": "normal", "std": 1e300, "seed": T.MAX_SEED},
    })
    doc["data"].update(seed=T.MAX_SEED, noise=0.5)
    doc.update(changes)
    path = tmp_path / "extreme.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _shows_the_extreme_file(panel) -> None:
    """Every section shows the extreme file's values, not spiral.json's."""
    assert panel.batches.mode.currentData() == "single"
    assert panel.batches.seed.value() == BIG_SEED and panel.batches.seed.text() == "3000000000"
    schedule = panel.schedule
    assert schedule.name.currentData() == "cosine"
    assert schedule.params["epochs"].value() == HUGE_EPOCHS
    assert schedule.params["epochs"].text() == "1000000000000000000000000000000"
    assert schedule.params["min_lr"].value() == 1e-300
    assert "1000000000000000000000000000000" in schedule.formula.text()
    optimizer = panel.optimizer
    assert optimizer.name.currentData() == "sgd" and optimizer.learning_rate.value() == 0.25
    assert optimizer.options["momentum"].value() == math.nextafter(1.0, 0.0)
    assert panel.regularization.kind.currentData() == "l2" and panel.regularization.strength.value() == 1e300
    init = panel.init
    assert init.scheme.currentData() == "normal" and init.params["std"].value() == 1e300
    assert init.seed.value() == T.MAX_SEED and init.seed.text() == "9223372036854775807"
    assert panel.dataset.seed.value() == T.MAX_SEED and panel.dataset.noise.value() == 0.5
    assert panel.loss.loss.currentData() == "bce" and len(panel.architecture.rows) == 3


def test_a_file_with_extreme_values_is_shown_whole_by_every_section(qtbot, panel, tmp_path, caplog):
    """Issue: a seed of 3,000,000,000 or a cosine schedule over 10³⁰ epochs (both allowed by the format)
    overflowed Qt's 32-bit spin boxes, and the sections after the failing one kept the previous network's
    values."""
    doc = panel.document
    path = _extreme_file(tmp_path)
    with caplog.at_level(logging.ERROR):
        doc.replace(load_experiment(path), path)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    _shows_the_extreme_file(panel)
    # and back: the spiral's values in every section again
    doc.replace(load_experiment(SPIRAL), SPIRAL)
    assert panel.batches.seed.value() == 0 and panel.schedule.name.currentData() == "constant"
    assert panel.init.seed.value() == 0 and panel.optimizer.name.currentData() == "adam"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_opening_a_file_with_extreme_values_in_the_window_shows_it_in_every_section(qtbot, window, tmp_path):
    panel = window.findChild(SettingsPanel, "settingsPanel")
    assert panel.batches.seed.value() == 0
    assert window.open_file(_extreme_file(tmp_path))
    _shows_the_extreme_file(panel)


def test_a_section_that_fails_leaves_the_others_showing_the_new_network(qtbot, panel, monkeypatch, caplog):
    """Whatever goes wrong in one section, the sections after it still show the opened network."""
    def broken():
        raise OverflowError("a bug")

    monkeypatch.setattr(panel.dataset, "refresh", broken)
    with caplog.at_level(logging.ERROR):
        panel.document.replace(load_experiment(LECTURE), LECTURE)
    assert caplog.records and all(r.levelno == logging.ERROR and "Dataset" in r.getMessage() for r in caplog.records)
    assert panel.optimizer.name.currentData() == "sgd" and panel.batches.mode.currentData() == "single"
    assert len(panel.architecture.rows) == 2 and panel.init.scheme.currentData() == "xavier_uniform"


def test_a_seed_and_epochs_beyond_32_bits_can_be_typed_and_are_saved(qtbot, panel, tmp_path):
    doc = panel.document
    seed = panel.batches.seed
    _type(qtbot, seed, "9223372036854775807")
    assert doc.experiment.batching.seed == T.MAX_SEED and doc.undo_stack.text(0) == "Set shuffle seed"
    _type(qtbot, seed, "9223372036854775808")  # one more than a file holds: refused, the value stays
    assert seed.value() == T.MAX_SEED and seed.text() == "9223372036854775807"
    seed.setFocus()
    qtbot.keyClick(seed, Qt.Key.Key_Up)  # the arrow stops at the largest seed
    assert doc.experiment.batching.seed == T.MAX_SEED
    qtbot.keyClick(seed, Qt.Key.Key_Down)
    assert doc.experiment.batching.seed == T.MAX_SEED - 1
    _choose(panel.schedule.name, "cosine")
    _type(qtbot, panel.schedule.params["epochs"], str(HUGE_EPOCHS))
    assert doc.experiment.schedule == Schedule("cosine", epochs=HUGE_EPOCHS, min_lr=0.0)
    _type(qtbot, panel.init.seed, "5000000000")
    assert doc.experiment.init.seed == 5_000_000_000
    path = tmp_path / "big.json"
    save_experiment(doc.experiment, path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert (saved["batch"]["seed"], saved["schedule"]["epochs"], saved["init"]["seed"]) == (
        T.MAX_SEED - 1, HUGE_EPOCHS, 5_000_000_000)
    loaded = load_experiment(path)
    assert (loaded.batching.seed, loaded.schedule.epochs) == (T.MAX_SEED - 1, HUGE_EPOCHS)


def _declared_boxes(panel):
    """(spin box, its declaration) for every spin box of a declared setting in the panel."""
    for section, group in ((panel.optimizer, T.OPTIMIZER), (panel.schedule, T.SCHEDULE), (panel.init, T.INIT)):
        for (name, key), widget in section.rows.widgets.items():
            setting = group.setting(key, name)
            if setting.kind not in ("bool", "choice"):
                yield widget, setting
    yield panel.optimizer.learning_rate, T.LEARNING_RATE
    yield panel.batches.seed, T.BATCH.setting("seed")
    yield panel.regularization.strength, T.REGULARIZATION.setting("strength", "l2")
    yield panel.init.seed, T.INIT.setting("seed")
    for key in ("noise", "samples", "test_fraction", "seed"):
        yield getattr(panel.dataset, key), T.GENERATOR.setting(key)
    for row in panel.architecture.rows:
        yield row.alpha, T.LAYER.setting("alpha")


def test_every_spin_box_takes_exactly_the_declared_range(panel):
    from sandbox.gui.settings.widgets import SMALLEST_POSITIVE, setting_tip

    boxes = list(_declared_boxes(panel))
    assert len(boxes) >= 20
    for box, setting in boxes:
        lowest, highest = setting.lowest(), setting.highest()
        if setting.kind == "int":
            assert (box.minimum(), box.maximum()) == (lowest, T.LARGEST_WHOLE_NUMBER if highest is None else highest)
        else:
            low = -T.LARGEST_NUMBER if lowest is None else max(lowest, SMALLEST_POSITIVE) if lowest > 0 else lowest
            assert box.minimum() == pytest.approx(low, rel=1e-14) and box.minimum() >= (lowest or -math.inf)
            assert box.maximum() == (T.LARGEST_NUMBER if highest is None else highest), setting.key
        assert box.toolTip().startswith(setting_tip(setting).removesuffix("</p>"))  # the declared help


def test_the_panel_s_labels_and_tips_are_the_declared_ones(panel):
    opt = panel.optimizer
    label = opt.form.labelForField(opt.options["beta1"])
    assert label.text() == "β<sub>1</sub>"
    assert "running mean of gradients" in opt.options["beta1"].toolTip()
    schedule = panel.schedule
    _choose(schedule.name, "cosine")
    assert schedule.form.labelForField(schedule.params["min_lr"]).text() == "η<sub>min</sub>"
    names = [opt.name.itemData(i) for i in range(opt.name.count())]
    assert names == list(T.OPTIMIZER.names())
    assert [opt.name.itemText(i) for i in range(opt.name.count())] == [v.title for v in T.OPTIMIZER.variants]


def test_the_table_names_the_keys_setting_commands_take():
    """``SettingCommand`` refuses keys outside its lists; the table offers the same lists."""
    from sandbox.gui.model import settings_commands

    assert T.experiment_fields() == settings_commands.EXPERIMENT_FIELDS
    assert T.layer_fields() == settings_commands.LAYER_FIELDS


# ---- the number box --------------------------------------------------------------------------------

def test_number_box_takes_what_a_teacher_types_and_steps_along_1_2_5(qtbot):
    from PySide6.QtGui import QValidator

    from sandbox.gui.settings.widgets import NumberBox, compact

    box = NumberBox(0.0, 10.0, log=True, smallest=1e-4)
    qtbot.addWidget(box)
    assert [compact(v) for v in (0.0005, 1e-5, 0.1 + 0.05, 3e-10, 250.0)] == ["0.0005", "1e-5", "0.15", "3e-10", "250"]
    states = {text: box.validate(text, len(text))[0] for text in ("1e-", ".", "", "abc", "0,05", "11", "2.5e-3")}
    assert states == {"1e-": QValidator.State.Intermediate, ".": QValidator.State.Intermediate,
                      "": QValidator.State.Intermediate, "abc": QValidator.State.Invalid,
                      "0,05": QValidator.State.Acceptable, "11": QValidator.State.Intermediate,
                      "2.5e-3": QValidator.State.Acceptable}
    _type(qtbot, box, "0,05")
    assert box.value() == 0.05
    _type(qtbot, box, "0.00012345")
    assert box.value() == 0.00012345 and box.text() == "0.00012345"
    box.setValue(0.0)
    box.stepBy(1)
    assert box.value() == 1e-4
    box.stepBy(3)
    assert box.value() == 1e-3
    box.stepBy(-4)
    assert box.value() == 0.0
    linear = NumberBox(0.0, 1.0, step=0.05)
    qtbot.addWidget(linear)
    linear.setValue(0.1)
    linear.stepBy(1)
    assert linear.value() == 0.15  # not 0.15000000000000002


def test_schedule_formula_is_rendered_and_full_batch_has_no_shuffle(qtbot, panel):
    schedule = panel.schedule
    assert "_" not in schedule.formula.text() and "η<sub>e</sub> = η" in schedule.formula.text()
    _choose(schedule.name, "step")
    assert "γ<sup>⌊e/10⌋</sup>" in schedule.formula.text()  # the power a superscript, no "^"
    _choose(schedule.name, "cosine")
    assert "η<sub>min</sub>" in schedule.formula.text()
    batches = panel.batches
    combo = batches.mode
    widest = max(combo.fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count()))
    assert widest + 40 <= combo.width()  # every choice readable in the combo (arrow and margins)
    assert batches.shuffle.isEnabled()
    _choose(combo, "full")
    assert not batches.shuffle.isEnabled() and not batches.seed.isEnabled()
    assert "changes nothing" in batches.shuffle.toolTip()
    _choose(combo, "minibatch")
    assert batches.shuffle.isEnabled()


def test_a_misspelt_setting_is_refused(panel):
    from sandbox.gui.model.settings_commands import SettingCommand

    with pytest.raises(KeyError):
        SettingCommand(panel.document, "Set", {"learning_rat": 0.1})
    with pytest.raises(KeyError):
        SettingCommand(panel.document, "Set", {("layer", 0, "activaton"): "relu"})
    assert panel.document.undo_stack.count() == 0


# ---- no echoes: showing the document's values is never taken for an edit --------------------------------

def _spy_commands(monkeypatch, doc) -> tuple[list, list]:
    """(commands pushed on the document's stack, SettingCommands and ExperimentCommands the panel built)."""
    import sandbox.gui.settings.panel as panel_module

    pushed, created = [], []
    push = doc.undo_stack.push
    monkeypatch.setattr(doc.undo_stack, "push", lambda command: (pushed.append(command), push(command)))
    for name in ("SettingCommand", "ExperimentCommand"):
        cls = getattr(panel_module, name)
        monkeypatch.setattr(panel_module, name, type(name, (cls,), {
            "__init__": lambda self, *a, _cls=cls, **k: (created.append(self), _cls.__init__(self, *a, **k))[1]}))
    return pushed, created


def test_showing_undoing_redoing_and_opening_files_push_no_command(qtbot, panel, monkeypatch):
    """Issue "no flags against echoes": the panel has no flag that holds back the commands its widgets would
    make while it shows the document's values; they signal the user's edits only. Showing values that differ
    from what the widgets held (an undo, a redo, another file, a batch size clamped to fewer samples) makes
    no command, changes no setting and leaves the redo steps in place."""
    doc = panel.document
    assert not hasattr(panel, "refreshing") and not hasattr(panel.optimizer, "refreshing")
    _type(qtbot, panel.batches.size_box, "200")
    _choose(panel.optimizer.name, "sgd")
    _type(qtbot, panel.optimizer.options["momentum"], "0.9")
    panel.batches.shuffle.click()
    _choose(panel.architecture.rows[0].activation, "prelu")
    panel.architecture.rows[1].size.stepBy(-1)
    _type(qtbot, panel.dataset.samples, "100")  # 80 training samples: the batch box can show at most 80
    texts = ["Set batch size", "Set optimizer", "Set momentum γ", "Set shuffling", "Set activation of hidden 1",
             "Set neurons of hidden layer 2", "Set sample count"]
    assert [doc.undo_stack.text(i) for i in range(doc.undo_stack.count())] == texts
    assert doc.experiment.batching.size == 200 and panel.batches.size_box.value() == 80

    pushed, created = _spy_commands(monkeypatch, doc)
    edited = []
    doc.edited.connect(edited.append)
    panel.refresh()
    assert edited == [] and doc.experiment.batching.size == 200
    for _ in texts:
        doc.undo_stack.undo()
        panel.refresh()
    exp = doc.experiment
    assert (exp.optimizer.name, exp.optimizer.options, exp.batching.size, exp.batching.shuffle) == \
        ("adam", {}, 10, True)
    assert [(l.size, l.activation) for l in exp.network.layers] == [(8, "tanh"), (8, "tanh"), (1, "sigmoid")]
    assert (panel.optimizer.name.currentData(), panel.batches.size_box.value(), panel.batches.shuffle.isChecked()) \
        == ("adam", 10, True)
    assert doc.undo_stack.index() == 0 and doc.undo_stack.count() == len(texts)  # every redo step still there
    for _ in texts:
        doc.undo_stack.redo()
    exp = doc.experiment
    assert (exp.optimizer.name, exp.optimizer.options, exp.batching.size, exp.batching.shuffle) == \
        ("sgd", {"momentum": 0.9}, 200, False)
    assert [(l.size, l.activation, l.alpha) for l in exp.network.layers] == \
        [(8, "prelu", None), (7, "tanh", None), (1, "sigmoid", None)]
    assert exp.data_source["samples"] == 100 and panel.optimizer.options["momentum"].value() == 0.9
    assert len(edited) == 2 * len(texts)  # the undos' and redos' own changes, nothing else
    doc.replace(load_experiment(LECTURE), LECTURE)
    panel.refresh()
    doc.replace(load_experiment(SPIRAL), SPIRAL)
    assert doc.undo_stack.count() == 0 and doc.experiment.optimizer.name == "adam"
    assert pushed == [] and created == []


def test_opening_files_and_undo_in_the_window_make_no_command_of_their_own(qtbot, window, monkeypatch):
    panel, doc = window.training.settings_panel, window.document
    pushed, created = _spy_commands(monkeypatch, doc)
    _type(qtbot, panel.optimizer.learning_rate, "0.3")
    panel.architecture.add_button.click()
    assert [type(c).__name__ for c in created] == ["SettingCommand", "ExperimentCommand"] and pushed == created
    window.actions_.undo.trigger()
    window.actions_.undo.trigger()
    assert doc.experiment.optimizer.learning_rate == 0.01 and len(doc.experiment.network.layers) == 3
    window.actions_.redo.trigger()
    assert doc.experiment.optimizer.learning_rate == 0.3 and doc.undo_stack.index() == 1
    assert window.open_file(LECTURE)
    assert panel.optimizer.learning_rate.value() == 0.05
    assert window.open_file(SPIRAL)
    assert panel.optimizer.learning_rate.value() == 0.01 and panel.batches.mode.currentData() == "minibatch"
    assert len(pushed) == len(created) == 2 and doc.undo_stack.count() == 0


def _batch_seed(doc):
    return doc.experiment.batching.seed


USER_EDITS = {
    # kind: (widget, what the program does, what the user does, the setting, its value after the edit, the text)
    "combo box": (lambda p: p.optimizer.name, lambda w: w.setCurrentIndex(w.findData("rmsprop")),
                  lambda qtbot, w: _choose(w, "rmsprop"), lambda d: d.experiment.optimizer.name, "rmsprop",
                  "Set optimizer"),
    "check box": (lambda p: p.batches.shuffle, lambda w: w.setChecked(False), lambda qtbot, w: w.click(),
                  lambda d: d.experiment.batching.shuffle, False, "Set shuffling"),
    "bias check box": (lambda p: p.architecture.rows[1].bias, lambda w: w.setChecked(False),
                       lambda qtbot, w: w.click(), lambda d: d.experiment.network.layers[1].has_bias, False,
                       "Remove biases of hidden 2"),
    "number box, arrow": (lambda p: p.optimizer.learning_rate, lambda w: w.setValue(0.5),
                          lambda qtbot, w: w.stepBy(1), lambda d: d.experiment.optimizer.learning_rate, 0.02,
                          "Set learning rate η"),
    "number box, typed": (lambda p: p.regularization.strength, lambda w: w.setValue(0.5),
                          lambda qtbot, w: _type(qtbot, w, "0.25"), lambda d: d.experiment.regularization.strength,
                          0.25, "Set regularization strength λ"),
    "whole-number box, arrow": (lambda p: p.batches.seed, lambda w: w.setValue(99), lambda qtbot, w: w.stepBy(1),
                                _batch_seed, 1, "Set shuffle seed"),
    "whole-number box, typed": (lambda p: p.init.seed, lambda w: w.setValue(99),
                                lambda qtbot, w: _type(qtbot, w, "42"), lambda d: d.experiment.init.seed, 42,
                                "Set init seed"),
    "neurons (a new network)": (lambda p: p.architecture.rows[0].size, lambda w: w.setValue(3),
                                lambda qtbot, w: w.stepBy(1), lambda d: d.experiment.network.layers[0].size, 9,
                                "Set neurons of hidden layer 1"),
    "data parameter": (lambda p: p.dataset.noise, lambda w: w.setValue(0.3), lambda qtbot, w: _type(qtbot, w, "0.1"),
                       lambda d: d.experiment.data_source["noise"], 0.1, "Set noise"),
}


@pytest.mark.parametrize("kind", list(USER_EDITS))
def test_a_value_set_by_the_program_is_no_edit_and_the_user_s_edit_is_one_command(qtbot, panel, monkeypatch, kind):
    widget_of, program, user, setting, value, text = USER_EDITS[kind]
    doc = panel.document
    if kind == "number box, typed":
        _choose(panel.regularization.kind, "l2")
        doc.undo_stack.clear()
    pushed, created = _spy_commands(monkeypatch, doc)
    widget = widget_of(panel)
    before = setting(doc)
    program(widget)  # the widget shows another value: nothing is taken from it
    assert pushed == [] and created == [] and setting(doc) == before
    panel.refresh()  # and shows the document's again
    assert setting(doc) == before and pushed == []
    user(qtbot, widget_of(panel))
    assert setting(doc) == value
    assert len(pushed) == len(created) == 1 and doc.undo_stack.count() == 1 and doc.undo_stack.text(0) == text


def test_steps_merge_into_one_command_and_typing_the_value_shown_is_no_edit(qtbot, panel):
    doc = panel.document
    rate = panel.optimizer.learning_rate
    for _ in range(3):
        rate.stepBy(1)
    assert doc.experiment.optimizer.learning_rate == 0.1 and doc.undo_stack.count() == 1
    size = panel.architecture.rows[0].size
    for _ in range(3):
        size.stepBy(1)
    assert [l.size for l in doc.experiment.network.layers] == [11, 8, 1] and doc.undo_stack.count() == 2
    _type(qtbot, rate, "0.1")  # what it shows already
    _type(qtbot, size, "11")
    _type(qtbot, panel.batches.seed, "0")
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    assert [l.size for l in doc.experiment.network.layers] == [8, 8, 1] and size.value() == 8
    doc.undo_stack.undo()
    assert doc.experiment.optimizer.learning_rate == 0.01 and rate.text() == "0.01"


def test_number_boxes_report_only_the_user_s_changes(qtbot):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QFocusEvent
    from PySide6.QtWidgets import QApplication

    from sandbox.gui.settings.widgets import IntBox, NumberBox

    for box, shown, typed, stepped in ((NumberBox(0.0, 3.75, step=0.5), 2.0, 3.25, 3.75),
                                       (IntBox(0, 3_000_000_000), 2, 2_999_999_999, 3_000_000_000)):
        qtbot.addWidget(box)
        changed, edited = [], []
        box.valueChanged.connect(changed.append)
        box.valueEdited.connect(edited.append)
        box.setValue(shown)
        assert changed == [shown] and edited == []
        _type(qtbot, box, str(shown))  # the value shown again: no edit
        assert edited == []
        box.setFocus()
        box.lineEdit().selectAll()
        qtbot.keyClicks(box.lineEdit(), str(typed))
        assert edited == []  # no edit per keystroke
        QApplication.sendEvent(box, QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.TabFocusReason))  # leaving
        assert box.value() == typed and edited == [typed]
        box.stepBy(1)
        assert box.value() == stepped and edited == [typed, stepped]
        box.stepBy(1)  # at the largest: no change, no edit
        assert box.value() == stepped and edited == [typed, stepped]
        box.setValue(shown)
        box.setMaximum(1)  # the value clamped to the new range is shown, not edited
        assert box.value() == 1 and changed[-2:] == [shown, 1] and edited == [typed, stepped]


# ---- limits: what the window builds, a file can hold ----------------------------------------------

def test_many_samples_with_many_neurons_are_refused_and_nothing_changes(qtbot, panel):
    """An edit that would make a network no file can hold is refused with the reason; nothing changes (the
    document, its undo stack, the widgets), so that whatever the window builds saves and opens again."""
    doc = panel.document
    problems: list[tuple[str, str]] = []
    doc.problem.connect(lambda title, text: problems.append((title, text)))
    _type(qtbot, panel.dataset.samples, "500000")  # 2-8-8-1: 17 neurons, 8,500,000 values a pass, allowed
    assert doc.experiment.data_source["samples"] == 500_000 and not problems
    experiment, count = doc.experiment, doc.undo_stack.count()
    row = panel.architecture.rows[0]
    _type(qtbot, row.size, "24")  # 33 neurons, 16,500,000 values a pass: more than a file may hold
    assert doc.experiment is experiment and doc.undo_stack.count() == count
    assert row.size.value() == 8
    assert problems == [("Change not made", "Set neurons of hidden layer 1: not made, a network file could not "
                                            "hold it: 500,000 samples times the 33 neurons after the input "
                                            "make 16,500,000 values in one pass over the data; at most 16,000,000 "
                                            "are supported")]
    _type(qtbot, row.size, "23")  # exactly the limit: made
    assert doc.experiment.network.layers[0].size == 23 and doc.undo_stack.count() == count + 1
