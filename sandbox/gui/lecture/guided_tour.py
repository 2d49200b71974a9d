"""A short guided tour for newcomers: from the lecture's first example to vanishing gradients and momentum.

Every step is one of the shipped example files (``resources/networks/``) with a sentence or two of
explanation and something to try. "Open this example" emits ``openExample(path)``, which the window
connects to its ``open_file``; steps that go with a lecture view also offer a button emitting
``openView(name)`` (``"activations"``, ``"landscape"``, ``"batch"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from sandbox.gui.lecture.plot_style import INK, MUTED, font
from sandbox.resources import resource_path

VIEW_BUTTONS = {
    "activations": "Show activation functions",
    "landscape": "Show the loss landscape",
    "batch": "Compare GD, SGD and mini-batches",
}


@dataclass(frozen=True)
class TourStep:
    title: str
    file: str
    text: str
    try_this: str
    view: str | None = None

    @property
    def path(self) -> Path:
        return resource_path("networks", self.file)


TOUR: list[TourStep] = [
    TourStep(
        "The lecture's first example", "lecture17-linear.json",
        "Two inputs, two hidden neurons and one output, all linear, trained towards y* = 1 with "
        "E = ½(y − y*)². One update is a forward pass, the loss, a backward pass that applies the chain "
        "rule to every weight, and the step w ← w − η ∂E/∂w.",
        "Press Step repeatedly and check each number against the lecture: y goes from 0.191 to 0.2557 "
        "and E from 0.3272 to 0.2770."),
    TourStep(
        "Sigmoid neurons and cross-entropy", "lecture17-logistic.json",
        "The lecture's “more realistic example”: sigmoid activations and the binary cross-entropy. "
        "Backpropagation now multiplies by σ′(a) = z(1 − z) at each neuron, and the sigmoid with "
        "cross-entropy gives the short ∂E/∂b = y − y*.",
        "Step through the backward pass and find the factor z(1 − z) in every hidden gradient."),
    TourStep(
        "Activation functions and their derivatives", "xor.json",
        "No single neuron can separate XOR; a hidden layer with a non-linear activation (tanh here) "
        "can. Backprop multiplies one f′ per layer, so f′ matters as much as f: the logistic's f′ is "
        "never above ¼, ReLU's is 0 or 1.",
        "Open the activation view, read off the largest f′ of each function, then train XOR and "
        "watch the decision boundary bend.",
        "activations"),
    TourStep(
        "Vanishing gradients: ten sigmoid layers", "vanishing-sigmoid.json",
        "A deep, narrow network of sigmoid layers. Each layer multiplies the gradient by at most ¼, so "
        "the first layers receive gradients about 100 000 times smaller than the last and barely learn.",
        "Train for a few epochs and look at the per-layer gradient plot: the lines fan out by orders "
        "of magnitude."),
    TourStep(
        "The same network with tanh", "vanishing-tanh.json",
        "The lecture says “same problem for tanh”: its f′ is 1 only at z = 0 (0.42 at |z| = 1), so every "
        "layer still shrinks the gradient — here by one to two orders of magnitude from the last layer to "
        "the first, against the sigmoid's five (its f′ is never above ¼).",
        "Train it and compare the per-layer gradient plot with the sigmoid network's: the lines spread "
        "less, and this network learns."),
    TourStep(
        "The same network with ReLU", "vanishing-relu.json",
        "The same weights with ReLU instead of the sigmoid. Where a ReLU is active its f′ is 1, so "
        "gradients reach the first layers undiminished (some neurons never activate: “dead” ReLUs).",
        "Train it and compare the per-layer gradient plot with the sigmoid network's."),
    TourStep(
        "Momentum in a narrow valley", "momentum.json",
        "A loss surface about 90 times steeper across than along: plain SGD zig-zags from wall to wall, "
        "momentum (v = γv + η∇E, θ = θ − v) averages the zig-zag out and speeds up along the valley — "
        "the lecture's “SGD without / with momentum” pictures.",
        "Open the loss landscape, tick “Plain SGD at η/(1 − γ)” and watch the four optimizers race.",
        "landscape"),
    TourStep(
        "Mini-batches and Adam on the spiral", "spiral.json",
        "The hardest of the toy problems: two interleaved spirals, a 2-8-8-1 tanh network, Adam on "
        "mini-batches of 10. An iteration is one update on one mini-batch; an epoch is n/n₀ iterations.",
        "Compare full-batch GD, single-sample SGD and mini-batches (plain SGD) by samples seen and by updates, "
        "then train the spiral and watch the boundary wind.",
        "batch"),
]


class GuidedTour(QWidget):
    """Step through ``TOUR`` with Back/Next; open each step's example or view by signal."""

    openExample = Signal(Path)
    openView = Signal(str)
    stepChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None, steps: list[TourStep] | None = None):
        super().__init__(parent)
        self.setObjectName("guidedTour")
        self.setWindowTitle("Guided tour of lecture 17")
        self.steps = list(steps or TOUR)
        self.index = 0

        self.counter = QLabel()
        self.counter.setObjectName("tourCounter")
        self.counter.setFont(font(9.5))
        self.counter.setStyleSheet(f"color: {MUTED};")
        self.title = QLabel()
        self.title.setObjectName("tourTitle")
        self.title.setFont(font(15, bold=True))
        self.title.setStyleSheet(f"color: {INK};")
        self.text = QLabel()
        self.text.setObjectName("tourText")
        self.text.setWordWrap(True)
        self.text.setFont(font(11))
        self.text.setStyleSheet(f"color: {INK};")
        self.try_this = QLabel()
        self.try_this.setObjectName("tourTryThis")
        self.try_this.setWordWrap(True)
        self.try_this.setTextFormat(Qt.TextFormat.RichText)
        self.try_this.setFont(font(10.5))
        self.try_this.setStyleSheet("background: #fff7e6; border: 1px solid #f5d48a; border-radius: 6px;"
                                    f" padding: 8px; color: {INK};")
        self.file_label = QLabel()
        self.file_label.setObjectName("tourFile")
        self.file_label.setFont(font(9.5))
        self.file_label.setStyleSheet(f"color: {MUTED};")
        self.dots = QLabel()
        self.dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.dots.setTextFormat(Qt.TextFormat.RichText)

        self.back_button = QPushButton("◀ Back")
        self.back_button.setObjectName("tourBackButton")
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton("Next ▶")
        self.next_button.setObjectName("tourNextButton")
        self.next_button.clicked.connect(self.next)
        self.open_button = QPushButton("Open this example")
        self.open_button.setObjectName("tourOpenButton")
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.open_current)
        self.view_button = QPushButton()
        self.view_button.setObjectName("tourViewButton")
        self.view_button.clicked.connect(self._open_view)

        actions = QHBoxLayout()
        actions.addWidget(self.open_button)
        actions.addWidget(self.view_button)
        actions.addStretch(1)
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addWidget(self.dots, 1)
        nav.addWidget(self.next_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(self.counter)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addWidget(self.try_this)
        layout.addWidget(self.file_label)
        layout.addStretch(1)
        layout.addLayout(actions)
        layout.addLayout(nav)
        self.resize(620, 370)
        self._show()

    @property
    def current(self) -> TourStep:
        return self.steps[self.index]

    def go_to(self, index: int) -> None:
        self.index = max(0, min(len(self.steps) - 1, index))
        self._show()
        self.stepChanged.emit(self.index)

    def next(self) -> None:
        self.go_to(self.index + 1)

    def back(self) -> None:
        self.go_to(self.index - 1)

    def open_current(self) -> None:
        self.openExample.emit(self.current.path)

    def _open_view(self) -> None:
        if self.current.view:
            self.openView.emit(self.current.view)

    def _show(self) -> None:
        step = self.current
        n = len(self.steps)
        self.counter.setText(f"Guided tour · step {self.index + 1} of {n}")
        self.title.setText(step.title)
        self.text.setText(step.text)
        self.try_this.setText(f"<b>Try this:</b> {step.try_this}")
        self.file_label.setText(f"Example file: {step.file}")
        self.back_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < n - 1)
        self.view_button.setVisible(step.view is not None)
        self.view_button.setText(VIEW_BUTTONS.get(step.view or "", ""))
        self.dots.setText(" ".join(
            f"<span style='color:{'#1f77c4' if k == self.index else '#cbd5e1'}; font-size:14pt'>●</span>"
            for k in range(n)))
