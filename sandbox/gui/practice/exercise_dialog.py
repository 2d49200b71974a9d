"""File ▸ New Exercise…: the seed (shown, editable, or drawn at random), the shape, the hidden activation,
the loss and biases of a random small network to practise on (``sandbox.practice.exercise.make_exercise``).
``ask_exercise`` is what the window calls (tests replace it)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sandbox.practice.exercise import parse_shape

SHAPES = ("2-2-1", "2-3-1", "3-2-1", "3-2-2", "2-2-2", "2-3-2", "3-3-1", "2-2-2-1")
ACTIVATIONS = (("identity", "identity (linear)"), ("logistic", "logistic σ"), ("tanh", "tanh"), ("relu", "ReLU"))
LOSSES = (("mse", "½ squared error"), ("bce", "binary cross-entropy"))
MAX_SEED = 99_999


@dataclass(frozen=True)
class ExerciseChoice:
    """What the dialog asks for: ``make_exercise(seed, shape, activation, loss, biases=biases)``."""

    seed: int
    shape: str = "2-2-1"
    activation: str = "identity"
    loss: str = "mse"
    biases: bool = False


def random_seed() -> int:
    """A four-digit seed, easy to read out to a class."""
    return random.randint(1000, 9999)


class NewExerciseDialog(QDialog):
    """The choices of a new exercise; ``choice()`` once accepted."""

    def __init__(self, parent: QWidget | None = None, last: ExerciseChoice | None = None):
        super().__init__(parent)
        self.setObjectName("newExerciseDialog")
        self.setWindowTitle("New Exercise")
        last = last or ExerciseChoice(random_seed())
        intro = QLabel("A small random network with numbers you can work out by hand. Everyone who types "
                       "the same seed and choices gets the same exercise.")
        intro.setWordWrap(True)
        self.seed = QSpinBox()
        self.seed.setObjectName("exerciseSeed")
        self.seed.setRange(0, MAX_SEED)
        self.seed.setValue(last.seed)
        self.seed.setToolTip("Share this number: the same seed gives the same exercise")
        again = QPushButton("Random")
        again.setObjectName("exerciseRandomSeed")
        again.setToolTip("Draw another seed")
        again.clicked.connect(lambda: self.seed.setValue(random_seed()))
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(again)
        self.shape = QComboBox()
        self.shape.setObjectName("exerciseShape")
        self.shape.setEditable(True)
        self.shape.addItems(list(SHAPES))
        self.shape.setCurrentText(last.shape)
        self.shape.setToolTip("Layer sizes, inputs first: 2-2-1 is two inputs, two hidden neurons, one output")
        self.activation = QComboBox()
        self.activation.setObjectName("exerciseActivation")
        for key, title in ACTIVATIONS:
            self.activation.addItem(title, key)
        self.activation.setCurrentIndex(max(0, self.activation.findData(last.activation)))
        self.loss = QComboBox()
        self.loss.setObjectName("exerciseLoss")
        for key, title in LOSSES:
            self.loss.addItem(title, key)
        self.loss.setCurrentIndex(max(0, self.loss.findData(last.loss)))
        self.loss.setToolTip("½ squared error with a linear output; binary cross-entropy with a logistic one")
        self.biases = QCheckBox("with biases")
        self.biases.setObjectName("exerciseBiases")
        self.biases.setChecked(last.biases)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b91c1c;")
        self.problem.setWordWrap(True)
        self.problem.hide()
        form = QFormLayout()
        form.addRow("Seed:", seed_row)
        form.addRow("Shape:", self.shape)
        form.addRow("Hidden activation:", self.activation)
        form.addRow("Loss:", self.loss)
        form.addRow("", self.biases)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    def choice(self) -> ExerciseChoice:
        return ExerciseChoice(self.seed.value(), self.shape.currentText().strip(), self.activation.currentData(),
                              self.loss.currentData(), self.biases.isChecked())

    def accept(self) -> None:
        """Only a shape an exercise can have closes the dialog; otherwise it says why."""
        try:
            parse_shape(self.shape.currentText())
        except ValueError as e:
            self.problem.setText(str(e))
            self.problem.show()
            return
        super().accept()


def ask_exercise(parent: QWidget | None, last: ExerciseChoice | None = None) -> ExerciseChoice | None:
    """Show the dialog; the choice, or None when cancelled."""
    dialog = NewExerciseDialog(parent, last)
    try:
        return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()
