"""A seeded monkey drives the real main window: thousands of random actions a user could take (step,
step back, finish the update, train and pause, reset, undo and redo, open the shipped examples, edit
numbers, change settings with the commands the settings panel pushes, resize hidden layers while a
step is shown, hover, zoom, paint), then closes the window. No exception may escape to
``sys.excepthook`` or ``threading.excepthook`` (the ``no_escaped_exception`` fixture of conftest)
and no thread may be left running.

Given its seed a run takes the same actions with the same arguments; only how far training gets
between two actions depends on timing. An exception is reported with the seed, the number of the
action it came in and the actions before it; ``MONKEY_STOP_AT_FIRST=1`` ends the run there.
Runtime warnings (numpy overflow, pyqtgraph's all-NaN data) are reported the same way, as warnings in
pytest's summary; ``MONKEY_STRICT_WARNINGS=1`` makes them fail the test too. ``MONKEY_SEEDS=9:504``
runs seed 9 for 504 actions instead of the usual runs (to reproduce a report).
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import math
import os
import random
import traceback
import warnings
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, Qt, QThread  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox  # noqa: E402

from sandbox.engine import (  # noqa: E402
    ACTIVATIONS,
    BATCH_MODES,
    GENERATORS,
    LOSSES,
    OPTIMIZERS,
    REDUCTIONS,
    REGULARIZATION_KINDS,
    SCHEDULE_NAMES,
    SCHEMES,
    Init,
    OptimizerSpec,
    Regularization,
    Schedule,
)
from sandbox.gui.common.icons import resource_file  # noqa: E402
from sandbox.gui.model.settings_commands import (  # noqa: E402
    ExperimentCommand,
    SettingCommand,
    reinitialized,
    with_bias,
    with_data,
    with_layer_sizes,
)
from sandbox.gui.stepping.player import GRANULARITIES  # noqa: E402

pytestmark = pytest.mark.usefixtures("isolated_settings")

#: (seed, actions): 4 × 550 = 2,200 actions, each run well under 40 s; MONKEY_SEEDS="9:504,12:550" runs others
RUNS = [(int(seed), int(n)) for seed, n in (run.split(":") for run in os.environ["MONKEY_SEEDS"].split(","))] \
    if os.environ.get("MONKEY_SEEDS") else [(1, 550), (2, 550), (3, 550), (4, 550)]
EXAMPLES = sorted(resource_file("networks").glob("*.json"))
#: how long a wait for training to show progress (or stop by itself) may take
TRAIN_TIMEOUT_MS = 8000
#: actions shown before the one an exception came in
LOG_TAIL = 25
#: the same exception (type and place) is reported this often at most
MAX_REPEATS = 3
#: how often a few actions follow each other with no event processed between them (a pause's report,
#: a deferred redraw still to come: a fast user)
BURSTS = 0.08

# what the settings panel allows (sandbox/gui/settings/*): its widgets' ranges and choices
MAX_NEURONS = 256
MAX_HIDDEN_LAYERS = 10
OPTIMIZER_OPTIONS = {"sgd": ("momentum", "nesterov"), "adagrad": ("eps",), "rmsprop": ("alpha", "eps", "momentum"),
                     "adam": ("beta1", "beta2", "eps")}
SCHEDULE_STARTS = {"step": dict(step_epochs=10, gamma=0.5), "exponential": dict(gamma=0.99),
                   "cosine": dict(epochs=100, min_lr=0.0)}


def loss_problem(loss: str, output_activation: str) -> bool:
    """The panel offers only the losses that fit the output activation (settings/losses.py)."""
    return (loss == "cross_entropy" and output_activation != "softmax") or (
        loss == "bce" and output_activation not in ("sigmoid", "softmax"))


def fitting_loss(loss: str, output_activation: str) -> str:
    if not loss_problem(loss, output_activation):
        return loss
    return {"softmax": "cross_entropy", "sigmoid": "bce"}.get(output_activation, "mse")


@pytest.fixture
def quiet_dialogs(monkeypatch):
    """No dialog ever blocks: message boxes are recorded; "unsaved changes?" answers Discard."""
    shown: list[tuple[str, str]] = []

    def static(kind: str, answer):
        def box(parent, title, text, *args, **kwargs):
            shown.append((kind, f"{title}: {text}"))
            return answer
        return staticmethod(box)

    monkeypatch.setattr(QMessageBox, "warning", static("warning", QMessageBox.StandardButton.Discard))
    monkeypatch.setattr(QMessageBox, "critical", static("critical", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "information", static("information", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "question", static("question", QMessageBox.StandardButton.Discard))
    monkeypatch.setattr(QMessageBox, "show", lambda box: shown.append(("box", f"{box.windowTitle()}: {box.text()}")))
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(("exec", box.text())) or 0)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("", "")))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", False)))
    return shown


def running_threads() -> list[QThread]:
    gc.collect()
    out = []
    for obj in gc.get_objects():
        if issubclass(type(obj), QThread):
            try:
                if obj.isRunning():
                    out.append(obj)
            except RuntimeError:  # its C++ object is gone
                pass
    return out


class Monkey:
    """Random user actions on one main window; ``caught`` is the excepthook fixture's list."""

    def __init__(self, qtbot, window, seed: int, caught: list[str], dialogs: list):
        self.qtbot = qtbot
        self.window = window
        self.seed = seed
        self.rng = random.Random(seed)
        self.caught = caught
        self.dialogs = dialogs
        self.log: list[str] = []  # "#action: what was done"
        self.current = -1
        self.findings: list[str] = []
        self.warning_findings: list[str] = []
        self.strict_warnings = os.environ.get("MONKEY_STRICT_WARNINGS") == "1"
        self.warned: list | None = None
        self._seen: dict[str, int] = {}
        order = list(EXAMPLES)
        self.rng.shuffle(order)
        self._examples = itertools.cycle(order)  # every example in turn
        self.counts: dict[str, int] = {}
        self.table = [
            (self.step, 16), (self.step_back, 7), (self.finish_update, 5), (self.train, 4), (self.reset, 2),
            (self.undo, 9), (self.redo, 5), (self.open_example, 2.5), (self.new_from_template, 0.5),
            (self.edit_value, 7), (self.edit_in_view, 3), (self.double_click, 1.5), (self.hover, 3),
            (self.setting, 11), (self.resize_while_step, 5), (self.add_or_remove_layer, 1.5),
            (self.toggle_bias, 1), (self.change_data, 1.5), (self.reinitialize, 1), (self.granularity, 2),
            (self.speed, 1), (self.jump_to, 2), (self.zoom, 2), (self.paint, 2), (self.wait_for_training, 2),
            (self.wait_for_animation, 1), (self.resize_window, 1),
            (self.toggle_practice, 1.5), (self.practice_answer, 6), (self.practice_ask, 0.7),
            (self.new_exercise, 0.5),
        ]

    # ---- the run ---------------------------------------------------------------------------------
    @contextmanager
    def watching_warnings(self):
        """Runtime warnings (numpy's invalid values, pyqtgraph's all-NaN data …) are findings too."""
        self.warned = []

        def show(message, category, filename, lineno, file=None, line=None) -> None:
            # where it came from: the app's frames (a paint event's too), not pytest's
            stack = "".join(f for f in traceback.format_stack()[:-1]
                            if any(part in f for part in ("/sandbox/", "pyqtgraph", "numpy", "test_gui_monkey")))
            self.warned.append((category, f"{stack}{category.__name__}: {message}"))

        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = show
            yield
        self.warned = None

    def run(self, actions: int) -> None:
        functions = [f for f, _ in self.table]
        weights = [w for _, w in self.table]
        stop_at_first = os.environ.get("MONKEY_STOP_AT_FIRST") == "1"
        burst = 0  # actions still to come at once, with no event processed between them
        for i in range(actions):
            self.current = i
            if burst == 0 and self.rng.random() < BURSTS:
                burst = self.rng.randint(2, 4)
                self._say(f"the next {burst} actions at once")
            function = self.rng.choices(functions, weights)[0]
            self.counts[function.__name__] = self.counts.get(function.__name__, 0) + 1
            logged = len(self.log)
            try:
                function()
                if len(self.log) == logged:
                    self._say(f"{function.__name__} (nothing to change)")
                if burst:
                    burst -= 1
                if not burst:
                    QApplication.processEvents()  # queued reports and deferred calls run between actions
            except Exception:  # noqa: BLE001 - raised by the app straight into the action
                self._found(i, "raised", traceback.format_exc())
            self._check(i)
            if stop_at_first and self.findings:
                return

    def close(self, while_training: bool) -> None:
        """Close the window (training first, for ``while_training``): the thread ends, nothing escapes."""
        self.current += 1
        w = self.window
        try:
            if while_training and not self.training():
                self.train()
            self._say("close the window" + (" while training" if self.training() else ""))
            closed = w.close()
            QApplication.processEvents()
        except Exception:  # noqa: BLE001
            self._found(self.current, "raised", traceback.format_exc())
            closed = False
        self._check(self.current)
        assert closed and not w.isVisible()

    def _check(self, i: int) -> None:
        """Exceptions that reached the hooks become findings (taken out of the fixture's list, so that
        each is reported once, with the actions that led to it); the view shows the document's network."""
        while self.caught:
            self._found(i, "reached an excepthook", self.caught.pop(0))
        while self.warned:
            category, text = self.warned.pop(0)
            if issubclass(category, (RuntimeWarning, UserWarning)):
                self._found(i, "warned", text, self.findings if self.strict_warnings else self.warning_findings)
        self._check_practice(i)
        view, net = self.window.network_view, self.window.document.experiment.network
        if view.layout_ is not None and list(view.layout_.sizes) != list(net.sizes):
            self._found(i, "left the view behind", f"the view shows {view.layout_.sizes}, the network is {net.sizes}")

    def _check_practice(self, i: int) -> None:
        """A question waits only in practice, for the step after the one shown, with its field ready; its
        answer is the walkthrough's own value."""
        practice, doc = self.window.practice, self.window.document
        q = practice.pending
        field = practice.bar.answer
        if q is None:
            if field.isEnabled():
                self._found(i, "left the answer field open", "practiceAnswer is enabled with nothing asked")
            return
        w = doc.walkthrough
        problems = []
        if not practice.enabled:
            problems.append("a question waits with practice off")
        if w is None or doc.position != q.step_index - 1 or q.step_index >= len(w.steps):
            problems.append(f"question of step {q.number} waits at position {doc.position + 1}")
        elif w.steps[q.step_index].value != q.answer and not (math.isnan(q.answer)
                                                              and math.isnan(w.steps[q.step_index].value)):
            problems.append(f"question {q.id} answers {q.answer}, its step is {w.steps[q.step_index].value}")
        if not field.isEnabled():
            problems.append("a question waits with the answer field disabled")
        if problems:
            self._found(i, "broke practice", "; ".join(problems))

    def _found(self, i: int, how: str, text: str, into: list[str] | None = None) -> None:
        lines = [line for line in text.strip().splitlines() if line.strip()]
        frames = [line.strip() for line in lines if line.strip().startswith("File ")]
        key = (frames[-1] if frames else "") + " | " + (lines[-1] if lines else "")
        self._seen[key] = self._seen.get(key, 0) + 1
        if self._seen[key] > MAX_REPEATS:
            return
        steps = "\n".join(f"  {entry}" for entry in self.log[-LOG_TAIL:])
        (self.findings if into is None else into).append(
            f"seed {self.seed}, action #{i} ({self.log[-1] if self.log else '-'}) {how}:\n"
            f"{text.rstrip()}\nthe actions before it (seed {self.seed}):\n{steps}")

    def _say(self, text: str) -> None:
        self.log.append(f"#{self.current} {text}")

    # ---- helpers -------------------------------------------------------------------------------------
    @property
    def doc(self):
        return self.window.document

    def action(self, name: str) -> QAction:
        found = self.window.findChild(QAction, name)
        assert found is not None, name
        return found

    def trigger(self, name: str) -> None:
        a = self.action(name)
        self._say(f"{name}{'' if a.isEnabled() else ' (disabled)'}")
        if a.isEnabled():
            a.trigger()

    def training(self) -> bool:
        return self.action("trainAction").isChecked()

    def pick(self, options):
        return options[self.rng.randrange(len(options))]

    def number(self) -> float:
        kind = self.rng.random()
        if kind < 0.55:
            return round(self.rng.gauss(0.0, 1.0), 4)
        if kind < 0.7:
            return 0.0
        if kind < 0.8:
            return self.pick([1e-12, -3e-9, 7.5e-5])
        if kind < 0.9:
            return self.pick([250.0, -1e3, 1e6])
        return float(self.rng.randint(-5, 5))

    def hidden_size(self) -> int:
        r = self.rng.random()
        if r < 0.85:
            return self.rng.randint(1, 12)
        if r < 0.97:
            return self.rng.randint(13, 40)
        return self.rng.randint(60, 120)  # dense: its lines are drawn off the GUI thread

    def push_setting(self, text: str, changes: dict) -> None:
        self._say(f"setting {text}: {changes!r}")
        self.doc.undo_stack.push(SettingCommand(self.doc, text, changes))

    def push_experiment(self, text: str, experiment, merge_key=None, restart=False) -> None:
        self._say(f"experiment {text} -> {experiment.network.sizes}" + (f" [{merge_key}]" if merge_key else "")
                  + (" restart" if restart else ""))
        self.doc.undo_stack.push(ExperimentCommand(self.doc, text, experiment, merge_key=merge_key,
                                                   restart=restart))

    def hidden(self):
        layers = self.doc.experiment.network.layers[:-1]
        return [l.size for l in layers], [l.activation for l in layers], [l.has_bias for l in layers]

    def place(self) -> tuple:
        """A random place of a number the document can edit."""
        exp = self.doc.experiment
        net, data = exp.network, exp.data
        kind = self.rng.random()
        if kind < 0.55:
            l = self.rng.randint(1, net.depth)
            layer = net.layers[l - 1]
            return ("weight", l, self.rng.randrange(layer.size), self.rng.randrange(layer.fan_in))
        if kind < 0.7:
            with_biases = [l for l, layer in enumerate(net.layers, start=1) if layer.has_bias]
            if with_biases:
                l = self.pick(with_biases)
                return ("bias", l, self.rng.randrange(net.layers[l - 1].size))
        row = self.doc.sample_index if self.rng.random() < 0.7 else self.rng.randrange(len(data.inputs))
        if kind < 0.85:
            return ("input", row, self.rng.randrange(data.inputs.shape[1]))
        return ("target", row, self.rng.randrange(data.targets.shape[1]))

    # ---- actions -------------------------------------------------------------------------------------
    def step(self) -> None:
        self.trigger("stepAction")

    def step_back(self) -> None:
        self.trigger("stepBackAction")

    def finish_update(self) -> None:
        self.trigger("finishUpdateAction")

    def undo(self) -> None:
        self.trigger("undoAction")

    def redo(self) -> None:
        self.trigger("redoAction")

    def reset(self) -> None:
        self.trigger("resetAction")

    def train(self) -> None:
        """Start training and wait until it has done something (or stopped by itself), or pause."""
        was = self.training()
        iteration = self.doc.trainer.iteration
        self.trigger("trainAction")
        if not was and self.training():
            doc, action = self.doc, self.action("trainAction")
            self.qtbot.waitUntil(lambda: doc.trainer.iteration != iteration or not action.isChecked()
                                 or doc is not self.doc, timeout=TRAIN_TIMEOUT_MS)

    def wait_for_training(self) -> None:
        """Let training go on until the document has heard of at least one more iteration."""
        if not self.training():
            self._say("wait for training (not training)")
            return
        self._say("wait for training")
        doc, action, iteration = self.doc, self.action("trainAction"), self.doc.trainer.iteration
        self.qtbot.waitUntil(lambda: doc.trainer.iteration != iteration or not action.isChecked(),
                             timeout=TRAIN_TIMEOUT_MS)

    def toggle_practice(self) -> None:
        """Practice on or off (Ctrl+P)."""
        self.trigger("practiceAction")

    def practice_answer(self) -> None:
        """With a question waiting: its answer (as shown, with a decimal comma, a near miss), junk, a wrong
        number, Hint or Show answer; typed and Enter pressed as a student would."""
        practice = self.window.practice
        if practice.pending is None:  # practice on and Step, so that something is asked
            if not practice.enabled:
                self.trigger("practiceAction")
            self.trigger("stepAction")
        q = practice.pending
        if q is None:
            self._say("practice_answer (nothing asked)")
            return
        kind = self.pick(["right", "comma", "near", "wrong", "junk", "hint", "reveal", "empty"])
        if kind in ("right", "comma", "near") and not math.isfinite(q.answer):
            kind = "reveal"  # a diverged update: no number is right
        shown = q.shown.replace("\u2212", "-")
        typed = {"right": shown, "comma": shown.replace(".", ","), "near": repr(q.answer + 0.4 * q.tolerance),
                 "wrong": repr(round(self.number() + 0.5, 3)), "junk": self.pick(["abc", "1,2,3", "−", "0x1"]),
                 "empty": ""}.get(kind)
        if typed is None:
            self._say(f"practice {kind} on {q.id}")
            button = practice.bar.hint if kind == "hint" else practice.bar.reveal
            if button.isEnabled():
                button.click()
            return
        self._say(f"practice answer {typed!r} ({kind}) to {q.id}")
        field = practice.bar.answer
        field.setText(typed)
        self.qtbot.keyClick(field, Qt.Key.Key_Return)
        if kind in ("right", "comma", "near") and practice.pending is q:
            self._found(self.current, "rejected a right answer", f"{typed!r} for {q.id} = {q.shown}")

    def practice_ask(self) -> None:
        """What is asked, as chosen in the answer bar's combo."""
        combo = self.window.practice.bar.ask_combo
        index = self.rng.randrange(combo.count())
        self._say(f"practice ask {combo.itemData(index)}")
        combo.setCurrentIndex(index)
        combo.activated.emit(index)

    def new_exercise(self) -> None:
        """File ▸ New Exercise… with a drawn seed, shape and activation (unsaved changes: Discard)."""
        from sandbox.gui.practice.exercise_dialog import ExerciseChoice

        choice = ExerciseChoice(self.rng.randint(0, 9999), self.pick(["2-2-1", "2-3-1", "3-2-2", "1-1"]),
                                self.pick(["identity", "sigmoid", "tanh", "relu"]), self.pick(["mse", "bce"]),
                                self.rng.random() < 0.5)
        self._say(f"new exercise {choice}")
        self.window.open_exercise(choice)

    def open_example(self) -> None:
        path = next(self._examples)
        self._say(f"open_file {path.name}")
        assert self.window.open_file(path), path
        assert self.doc.template == Path(path) and self.doc.path is None and not self.doc.is_modified

    def new_from_template(self) -> None:
        path = self.pick(EXAMPLES)
        self._say(f"new_from_template {path.name}")
        self.window.new_from_template(path)

    def edit_value(self) -> None:
        where, value = self.place(), self.number()
        self._say(f"edit_value {where} = {value!r}")
        self.doc.edit_value(where, value)
        assert self.doc.value_at(where) == value

    def edit_in_view(self) -> None:
        view = self.window.network_view
        where = self.place()
        text = self.pick(["0.25", "−1.5", "2·10⁻³", "1e3", "-0", "abc", "", "inf", "1e400", "0.1"])
        self._say(f"view editor at {where}: {text!r}")
        editor = view.begin_edit(where)
        editor.setText(text)
        if not view.commit_edit():
            self._say("  refused: cancel")
            view.cancel_edit()

    def double_click(self) -> None:
        view = self.window.network_view
        vp = view.viewport()
        point = QPoint(self.rng.randrange(max(1, vp.width())), self.rng.randrange(max(1, vp.height())))
        self._say(f"double-click the view at {point.x()},{point.y()}")
        self.qtbot.mouseDClick(vp, Qt.MouseButton.LeftButton, pos=point)
        if view.editor is not None:
            if self.rng.random() < 0.5:
                self._say("  Escape")
                self.qtbot.keyClick(view.editor, Qt.Key.Key_Escape)
            else:
                self._say("  type 0.5, Return")
                view.editor.setText("0.5")
                self.qtbot.keyClick(view.editor, Qt.Key.Key_Return)

    def hover(self) -> None:
        vp = self.window.network_view.viewport()
        point = QPoint(self.rng.randrange(max(1, vp.width())), self.rng.randrange(max(1, vp.height())))
        self._say(f"hover the view at {point.x()},{point.y()}")
        self.qtbot.mouseMove(vp, point)

    def zoom(self) -> None:
        self.trigger(self.pick(["zoomInAction", "zoomOutAction", "fitAction"]))

    def paint(self) -> None:
        """Paint the view, the explanation and the plots now (what a screen would show)."""
        self._say("paint")
        w = self.window
        for widget in (w.network_view.viewport(), w.explanation_panel, w.loss_plot, w.gradient_plot):
            assert not widget.grab().isNull()

    def resize_window(self) -> None:
        width, height = self.pick([(1400, 900), (1280, 720), (1000, 700), (1920, 1080)])
        self._say(f"resize the window to {width}×{height}")
        self.window.resize(width, height)

    def wait_for_animation(self) -> None:
        view = self.window.network_view
        self._say("wait for the animation" + ("" if view.animating else " (none)"))
        self.qtbot.waitUntil(lambda: not view.animating, timeout=5000)

    def granularity(self) -> None:
        g = self.pick(GRANULARITIES)
        self._say(f"step size {g}")
        self.window.player.set_granularity(g)

    def speed(self) -> None:
        # mostly instant; an animation now and then (the next action finishes it)
        s = self.pick(["instant", "instant", "instant", "fast"])
        self._say(f"animation speed {s}")
        self.window.player.set_speed(s)

    def jump_to(self) -> None:
        """Click an earlier step in the explanation's list."""
        doc = self.doc
        if doc.walkthrough is None or doc.position < 0 or self.training():
            self._say("jump_to (nothing shown)")
            return
        position = self.rng.randint(0, doc.position)
        self._say(f"jump_to {position}")
        self.window.explanation_panel.stepClicked.emit(position)

    def resize_while_step(self) -> None:
        """A step shown (when stepping is possible), then a hidden layer's size typed in."""
        if self.doc.position < 0:
            self.trigger("stepAction")
        sizes, activations, biases = self.hidden()
        if not sizes:
            self.add_or_remove_layer(add=True)
            return
        index = self.rng.randrange(len(sizes))
        size = self.hidden_size()
        if size == sizes[index]:
            size = size + 1
        sizes[index] = size
        exp = with_layer_sizes(self.doc.experiment, sizes, activations, biases)
        self.push_experiment(f"Set neurons of hidden layer {index + 1}", exp, merge_key=f"size {index}")
        assert self.doc.experiment.network.sizes[index + 1] == size

    def add_or_remove_layer(self, add: bool | None = None) -> None:
        sizes, activations, biases = self.hidden()
        if add is None:
            add = self.rng.random() < 0.5
        if add and len(sizes) < MAX_HIDDEN_LAYERS:
            sizes.append(sizes[-1] if sizes else 4)
            activations.append(activations[-1] if activations else "tanh")
            biases.append(biases[-1] if biases else True)
            self.push_experiment(f"Add hidden layer {len(sizes)}",
                                 with_layer_sizes(self.doc.experiment, sizes, activations, biases))
        elif sizes:
            n = len(sizes)
            self.push_experiment(f"Remove hidden layer {n}", with_layer_sizes(
                self.doc.experiment, sizes[:-1], activations[:-1], biases[:-1]))
        else:
            self._say("add/remove layer (nothing to do)")

    def toggle_bias(self) -> None:
        exp = self.doc.experiment
        index = self.rng.randrange(exp.network.depth)
        on = not exp.network.layers[index].has_bias
        self.push_experiment(f"{'Add' if on else 'Remove'} biases of layer {index + 1}", with_bias(exp, index, on))

    def change_data(self) -> None:
        from sandbox.gui.settings import data_sources as ds

        source = ds.generator_source(self.pick(GENERATORS), self.pick([1, 3, 12, 60, 200]), self.pick([0.0, 0.1, 0.5]),
                                     self.rng.randint(0, 5), self.pick([0.0, 0.2, 0.5, 0.95]))
        self._say(f"data {source}")
        exp = with_data(self.doc.experiment, ds.build_generated(source), source)
        self.push_experiment("Generate data", exp)

    def reinitialize(self) -> None:
        self.push_experiment("Re-initialize weights", reinitialized(self.doc.experiment), restart=True)

    def setting(self) -> None:
        """One change of the settings panel: the SettingCommand it pushes."""
        exp = self.doc.experiment
        net = exp.network
        kind = self.pick(["learning_rate", "optimizer", "option", "loss", "reduction", "activation", "alpha",
                          "trainable", "batching", "regularization", "schedule", "init", "layer_init", "seed"])
        spec = exp.optimizer
        if kind == "learning_rate":
            lr = self.pick([1e-4, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 100.0])
            self.push_setting("Set learning rate η", {"optimizer": OptimizerSpec(spec.name, lr, dict(spec.options))})
        elif kind == "optimizer":
            name = self.pick(sorted(OPTIMIZERS))
            if name != spec.name:
                self.push_setting("Set optimizer", {"optimizer": OptimizerSpec(name, spec.learning_rate, {})})
        elif kind == "option":
            key = self.pick(OPTIMIZER_OPTIONS[spec.name])
            value = self.rng.random() < 0.5 if key == "nesterov" else self.pick(
                [0.0, 0.5, 0.9, 0.99] if key != "eps" else [1e-12, 1e-8, 0.1])
            self.push_setting(f"Set {key}", {"optimizer": OptimizerSpec(spec.name, spec.learning_rate,
                                                                        {**spec.options, key: value})})
        elif kind == "loss":
            loss = self.pick([n for n in LOSSES if not loss_problem(n, net.layers[-1].activation)])
            if loss != exp.loss:
                self.push_setting("Set loss", {"loss": loss})
        elif kind == "reduction":
            self.push_setting("Set reduction", {"reduction": self.pick(REDUCTIONS)})
        elif kind == "activation":
            index = self.rng.randrange(net.depth)
            output = index == net.depth - 1
            names = [n for n in ACTIVATIONS if n != "softmax" or (output and net.layers[-1].size >= 2)]
            name = self.pick(names)
            if name != net.layers[index].activation:
                changes = {("layer", index, "activation"): name, ("layer", index, "alpha"): None}
                if output and fitting_loss(exp.loss, name) != exp.loss:
                    changes["loss"] = fitting_loss(exp.loss, name)
                self.push_setting(f"Set activation of layer {index + 1}", changes)
        elif kind == "alpha":
            uses = [i for i, layer in enumerate(net.layers) if ACTIVATIONS[layer.activation].uses_alpha]
            if uses:
                index = self.pick(uses)
                alpha = self.pick([-1.0, 0.0, 0.25, 3.0])
                self.push_setting(f"Set α of layer {index + 1}", {("layer", index, "alpha"): alpha})
        elif kind == "trainable":
            index = self.rng.randrange(net.depth)
            key = "train_biases" if net.layers[index].has_bias and self.rng.random() < 0.4 else "train_weights"
            self.push_setting(f"Set trainable of layer {index + 1}",
                              {("layer", index, key): not getattr(net.layers[index], key)})
        elif kind == "batching":
            b = exp.batching
            which = self.pick(["mode", "size", "shuffle", "seed"])
            if which == "mode":
                mode = self.pick(BATCH_MODES)
                size = min(10, max(1, exp.data.n_train)) if mode == "minibatch" and b.size <= 1 else b.size
                new = dataclasses.replace(b, mode=mode, size=size)
            elif which == "size":
                new = dataclasses.replace(b, size=self.pick([1, 2, 7, 32, 1000]))
            elif which == "shuffle":
                new = dataclasses.replace(b, shuffle=not b.shuffle)
            else:
                new = dataclasses.replace(b, seed=self.rng.randint(0, 9))
            if new != b:
                self.push_setting(f"Set batch {which}", {"batching": new})
        elif kind == "regularization":
            reg_kind = self.pick(REGULARIZATION_KINDS)
            strength = 0.0 if reg_kind == "none" else self.pick([1e-5, 1e-3, 0.1, 10.0])
            self.push_setting("Set regularization", {"regularization": Regularization(reg_kind, strength)})
        elif kind == "schedule":
            name = self.pick(SCHEDULE_NAMES)
            current = exp.schedule
            if name == "constant":
                schedule = None
            elif current is not None and current.name == name:
                field, value = self.pick([("step_epochs", self.pick([1, 3])), ("gamma", self.pick([0.1, 0.9, 2.0])),
                                          ("epochs", self.pick([1, 50])), ("min_lr", self.pick([0.0, 1e-3]))])
                schedule = dataclasses.replace(current, **{field: value})
            else:
                schedule = Schedule(name, **SCHEDULE_STARTS[name])
            self.push_setting("Set learning-rate schedule", {"schedule": schedule})
        elif kind == "init":
            init = dataclasses.replace(exp.init or Init(), scheme=self.pick(SCHEMES), seed=self.rng.randint(0, 5))
            self.push_setting("Set init scheme", {"init": init})
        elif kind == "layer_init":
            index = self.rng.randrange(net.depth)
            own = None if self.rng.random() < 0.3 else Init(self.pick(SCHEMES), self.rng.randint(0, 5),
                                                            value=0.3, std=self.pick([1e-9, 0.1, 5.0]))
            self.push_setting(f"Set init of layer {index + 1}", {("layer", index, "init"): own})
        else:
            self.push_setting("Set seed", {"seed": self.rng.randint(0, 5)})


@pytest.mark.parametrize("seed, actions", RUNS, ids=[f"seed{seed}" for seed, _ in RUNS])
def test_monkey_drives_the_window_without_an_escaped_exception(qtbot, quiet_dialogs, no_escaped_exception,
                                                                seed, actions):
    from sandbox.gui import MainWindow

    first = EXAMPLES[seed % len(EXAMPLES)]
    window = MainWindow(first)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    window.player.set_speed("instant")
    monkey = Monkey(qtbot, window, seed, no_escaped_exception, quiet_dialogs)
    monkey._say(f"MainWindow({first.name}), 1400×900, instant animations")
    with monkey.watching_warnings():
        monkey.run(actions)
        monkey.close(while_training=seed % 2 == 0)
    still = running_threads()
    for text in monkey.warning_findings:
        warnings.warn(text, RuntimeWarning, stacklevel=1)
    print(f"seed {seed}: {sum(monkey.counts.values())} actions {dict(sorted(monkey.counts.items()))}; "
          f"{len(quiet_dialogs)} message boxes")
    assert monkey.findings == [], (f"{len(monkey.findings)} problem(s) in {len(monkey.log)} actions of seed {seed}:\n\n"
                                   + "\n\n".join(monkey.findings))
    assert still == [], f"{len(still)} QThread(s) still running after the window closed"


# ---- the referee: what the conftest's no_escaped_exception fixture counts ------------------------------

def test_an_exception_in_a_slot_of_the_gui_thread_is_counted(qtbot, no_escaped_exception):
    from PySide6.QtCore import QTimer

    def slot():
        raise ValueError("raised in a GUI-thread slot")

    QTimer.singleShot(0, slot)
    qtbot.waitUntil(lambda: bool(no_escaped_exception), timeout=5000)
    assert len(no_escaped_exception) == 1 and "ValueError: raised in a GUI-thread slot" in no_escaped_exception[0]
    assert "(thread MainThread)" in no_escaped_exception[0]
    no_escaped_exception.clear()  # counted: the test itself passes


def test_an_exception_in_a_qthread_is_counted(qtbot, no_escaped_exception):
    class Failing(QThread):
        def run(self):
            raise RuntimeError("raised in QThread.run")

    thread = Failing()
    with qtbot.waitSignal(thread.finished, timeout=5000):
        thread.start()
    assert thread.wait(5000)
    qtbot.waitUntil(lambda: bool(no_escaped_exception), timeout=5000)
    assert len(no_escaped_exception) == 1 and "RuntimeError: raised in QThread.run" in no_escaped_exception[0]
    assert "(thread MainThread)" not in no_escaped_exception[0]
    no_escaped_exception.clear()


def test_an_exception_in_a_python_thread_is_counted(no_escaped_exception):
    import threading

    thread = threading.Thread(target=lambda: 1 / 0, name="failing")
    thread.start()
    thread.join()
    assert len(no_escaped_exception) == 1 and "threading.excepthook (thread failing)" in no_escaped_exception[0]
    assert "ZeroDivisionError" in no_escaped_exception[0]
    no_escaped_exception.clear()


def test_an_expected_exception_caught_with_qtbot_is_not_counted(qtbot, no_escaped_exception):
    from PySide6.QtCore import QTimer

    def slot():
        raise ValueError("expected")

    with qtbot.captureExceptions() as exceptions:
        QTimer.singleShot(0, slot)
        qtbot.waitUntil(lambda: bool(exceptions), timeout=5000)
    assert len(exceptions) == 1 and no_escaped_exception == []
