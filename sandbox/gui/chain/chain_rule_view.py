"""The chain rule opened up (objectName ``chainRuleView``): one neuron of the update shown as its computation
graph, walked backward one edge at a time from the loss to the inputs and weights.

The numbers are the engine's ``ComputationGraph`` of the document's walkthrough (the update being stepped
through, else the next one, computed without changing anything). The view follows the document (weights,
settings, another network, the walkthrough) and never writes to it.
"""

from __future__ import annotations

from PySide6.QtCore import QEasingCurve, Qt, QTimer, QVariantAnimation
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QScrollArea, QToolButton, QVBoxLayout, QWidget

from sandbox.engine import Walkthrough
from sandbox.engine.computation_graph import MAX_PRODUCTS, ComputationGraph, GraphNode, computation_graph
from sandbox.engine.numbers import fmt
from sandbox.explain.escape import for_terminal
from sandbox.gui.chain.graph_canvas import GraphCanvas
from sandbox.gui.common.formatting import superscript_powers
from sandbox.gui.common.icons import icon
from sandbox.gui.model.document import Document

PULSE_MS = 450
#: training moves the weights many times a second: the graph follows at most this often
TRAINING_REFRESH_MS = 300


def _html(text: str) -> str:
    return superscript_powers(for_terminal(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def comparison_text(graph: ComputationGraph, node: GraphNode) -> str:
    """What the walkthrough says of the same gradient, beside the running product just found."""
    if node.batch is not None:
        if graph.batch_size == 1:
            return f"The update uses {node.derivative} = {fmt(node.batch)}, the walkthrough's gradient."
        how = "mean" if graph.reduction == "mean" else "sum"
        return (f"This is sample {graph.data_row + 1}'s share. The update uses the {how} over the batch of "
                f"{graph.batch_size}: {node.derivative} = {fmt(node.batch)}.")
    if node.all_paths is not None:
        return (f"That is the path through {graph.label} only. Over every path (every neuron {node.label} feeds), "
                f"the walkthrough's {node.derivative} = {fmt(node.all_paths)}.")
    if node.kind in ("product", "rest", "sum"):
        return "A sum passes its gradient on to every term unchanged: its local derivative is 1."
    if node.check is not None:
        return f"The walkthrough's {node.derivative} = {fmt(node.check)}."
    return ""


class ChainRuleView(QWidget):
    """A neuron chooser, Step Back / Step, the graph, and the chain-rule product of the step shown."""

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("chainRuleView")
        self.setWindowTitle("Chain Rule of a Neuron")
        self.document = document
        self.graph: ComputationGraph | None = None
        self.position = 0
        self._choice: tuple[int, int] | None = None
        self._walkthrough: Walkthrough | None = None
        self._next: Walkthrough | None = None  # the next update, when the document is not stepping one

        self.neuron_combo = QComboBox()
        self.neuron_combo.setObjectName("neuronCombo")
        self.neuron_combo.setToolTip("The neuron whose computation graph is shown")
        self.neuron_combo.activated.connect(lambda i: self.choose(*self.neuron_combo.itemData(i)))
        self.step_back_action = self._action("chainStepBackAction", "Step Back", "step-back",
                                             "Undo the last edge of the backward pass", ["Left"], self.step_back)
        self.step_action = self._action("chainStepAction", "Step", "step",
                                        "Walk one more edge backward: its local derivative times the running product",
                                        ["Space", "Right"], self.step)
        self.start_action = self._action("chainStartAction", "From the Loss", None,
                                         "Back to the start: only ∂E/∂E = 1 is known", ["Home"], lambda: self.go_to(0))
        self.all_action = self._action("chainAllAction", "Whole Pass", None, "Every running product at once",
                                       ["End"], lambda: self.go_to(len(self.graph.edges) if self.graph else 0))
        top = QHBoxLayout()
        top.addWidget(QLabel("Neuron:"))
        top.addWidget(self.neuron_combo)
        top.addSpacing(12)
        for action in (self.start_action, self.step_back_action, self.step_action, self.all_action):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setObjectName(action.objectName().replace("Action", "Button"))
            top.addWidget(button)
        top.addStretch(1)
        self.position_label = QLabel()
        self.position_label.setObjectName("chainPositionLabel")
        top.addWidget(self.position_label)

        self.header = QLabel()
        self.header.setObjectName("chainHeader")
        self.header.setWordWrap(True)
        self.header.setStyleSheet("font-size: 15px; color: #1e293b;")
        self.canvas = GraphCanvas()
        self.step_label = QLabel()
        self.step_label.setObjectName("chainStepText")
        self.step_label.setWordWrap(True)
        self.step_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.step_label.setStyleSheet("font-size: 15px; color: #1e293b; padding: 6px; background: #f5f0fd;"
                                      " border: 1px solid #d9c6f5; border-radius: 6px;")
        self.notes_label = QLabel()
        self.notes_label.setObjectName("chainNotes")
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet("font-size: 13px; color: #64748b;")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.header)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("chainScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setWidget(self.canvas)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.step_label)
        layout.addWidget(self.notes_label)

        self._pulse = QVariantAnimation(self)
        self._pulse.setStartValue(0.0)
        self._pulse.setEndValue(1.0)
        self._pulse.setDuration(PULSE_MS)
        self._pulse.setEasingCurve(QEasingCurve.Type.InOutQuad)
        self._pulse.valueChanged.connect(lambda t: self.canvas.set_pulse(float(t)))
        self._training_timer = QTimer(self)
        self._training_timer.setSingleShot(True)
        self._training_timer.timeout.connect(self._values_changed)
        for signal in (document.valuesChanged, document.settingsChanged, document.historyChanged):
            signal.connect(self._values_changed)
        document.structureChanged.connect(self._structure_changed)
        document.walkthroughChanged.connect(self.refresh)
        document.progressed.connect(self._training_progressed)
        self.resize(1280, 780)
        self._structure_changed()

    def _action(self, name: str, text: str, icon_name: str | None, tip: str, keys: list[str], slot) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if icon_name:
            action.setIcon(icon(icon_name))
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{tip} ({', '.join(keys)})")
        action.triggered.connect(lambda _=False: slot())
        self.addAction(action)
        return action

    # ---- the walkthrough and the graph ----------------------------------------------------------
    def walkthrough(self) -> Walkthrough:
        """The update being stepped through in the window, else the next one (nothing changes)."""
        doc = self.document
        if doc.walkthrough is not None:
            return doc.walkthrough
        if self._next is None:
            self._next = doc.trainer.walkthrough()
        return self._next

    def _values_changed(self) -> None:
        self._next = None
        self._walkthrough = None
        self.refresh()

    def _training_progressed(self) -> None:
        if not self._training_timer.isActive():
            self._training_timer.start(TRAINING_REFRESH_MS)

    def _structure_changed(self) -> None:
        self._next = None
        self._walkthrough = None
        net = self.document.experiment.network
        self.neuron_combo.clear()
        for l, layer in enumerate(net.layers, start=1):
            where = "output" if l == net.depth else f"layer {l}"
            for j, label in enumerate(layer.labels):
                self.neuron_combo.addItem(f"{for_terminal(label)}  ({where})", (l, j))
        if self._choice is None or not (1 <= self._choice[0] <= net.depth
                                        and self._choice[1] < net.layers[self._choice[0] - 1].size):
            self._choice = (net.depth, 0)
        self.refresh()

    def choose(self, layer: int, neuron: int) -> None:
        """Show neuron ``neuron`` of layer ``layer`` (1 = first after the inputs), from the loss."""
        self._choice = (int(layer), int(neuron))
        self._walkthrough = None
        self.position = 0
        self.refresh()

    def refresh(self) -> None:
        """Build the chosen neuron's graph from the current walkthrough (kept position where it still fits)."""
        assert self._choice is not None
        try:
            w = self.walkthrough()
        except Exception as e:  # noqa: BLE001 - told in the view; the window goes on
            self.graph = None
            self.canvas.set_graph(None, 0)
            self.header.setText(f"The update cannot be computed: {_html(str(e))}")
            return
        if w is self._walkthrough and self.graph is not None:
            return
        self._walkthrough = w
        l, j = self._choice
        self.graph = computation_graph(w, l, j)
        for index in range(self.neuron_combo.count()):
            if tuple(self.neuron_combo.itemData(index)) == (l, j):
                self.neuron_combo.setCurrentIndex(index)
        self.position = min(self.position, len(self.graph.edges))
        self.canvas.set_graph(self.graph, self.position)
        self._show_texts()

    # ---- stepping --------------------------------------------------------------------------------
    def step(self) -> None:
        if self.graph is not None and self.position < len(self.graph.edges):
            self.go_to(self.position + 1, animate=True)

    def step_back(self) -> None:
        if self.position > 0:
            self.go_to(self.position - 1)

    def go_to(self, position: int, animate: bool = False) -> None:
        """Show the backward pass after ``position`` edges (0: only the loss)."""
        if self.graph is None:
            return
        self.position = max(0, min(position, len(self.graph.edges)))
        self._pulse.stop()
        self.canvas.set_position(self.position, 0.0 if animate else 1.0)
        if animate:
            self._pulse.start()
        self._show_texts()

    def shutdown(self) -> None:
        """Stop the pulse and the training timer (the view is closing)."""
        self._pulse.stop()
        self._training_timer.stop()

    # ---- texts -----------------------------------------------------------------------------------
    def _show_texts(self) -> None:
        graph, w = self.graph, self._walkthrough
        assert graph is not None and w is not None
        total = len(graph.edges)
        self.position_label.setText(f"Edge <b>{self.position}</b> of {total}")
        self.step_back_action.setEnabled(self.position > 0)
        self.step_action.setEnabled(self.position < total)
        z = graph.node("z")
        shown = list(zip(w.network.input_labels, w.inputs[graph.sample]))
        inputs = ", ".join(f"{for_terminal(label)} = {fmt(v)}" for label, v in shown[:MAX_PRODUCTS])
        if len(shown) > MAX_PRODUCTS:
            inputs += f", … {len(shown) - MAX_PRODUCTS} more"
        layers = w.network.depth
        where = "the output neuron" if graph.layer == layers else f"a neuron of hidden layer {graph.layer}"
        sample = f"sample {graph.data_row + 1}" + (f" of a batch of {graph.batch_size}" if graph.batch_size > 1 else "")
        self.header.setText(
            f"<b>{_html(graph.label)}</b>, {where}: <b>{_html(z.label)} = {_html(z.expression)}</b> "
            f"for {sample} ({_html(inputs)}), update {w.iteration + 1}. "
            "Values flow left to right; the gradient flows back from E, one edge at a time.")
        if self.position == 0:
            text = graph.step_text(0) + ". Step walks the first edge back."
            extra = ""
        else:
            text = f"Edge {self.position}: {graph.step_text(self.position)}"
            extra = comparison_text(graph, graph.node(graph.edges[self.position - 1].source))
        self.step_label.setText(f"<b>{_html(text)}</b>" + (f"<br>{_html(extra)}" if extra else ""))
        self.notes_label.setText("<br>".join(_html(note) for note in graph.notes))
        self.notes_label.setVisible(bool(graph.notes))

    def displayed_gradient(self, key: str) -> str:
        """The running product written under node ``key`` ('' while not reached)."""
        return self.canvas.displayed_gradient(key)

    def step_text(self) -> str:
        """The plain text of the explanation under the graph."""
        return self.step_label.text()
