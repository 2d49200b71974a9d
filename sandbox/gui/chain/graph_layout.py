"""Where each node of a neuron's computation graph is drawn: forward from left to right.

Column 0 holds the leaves (each product's input above its weight), then the products, the sum, the
bias beside it, the pre-activation, the activation and the loss. Pure geometry in scene units; the
canvas scales it to its size.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.engine.computation_graph import ComputationGraph

NODE_W = 132.0
NODE_H = 50.0
#: vertical room of one leaf: its box, its running product under it, a gap
LEAF_SLOT = 104.0
COLUMN_GAP = 118.0
MARGIN = 24.0
#: room above the first row for a caption, below the last for a running product
TOP = 40.0
BOTTOM = 64.0


@dataclass(frozen=True)
class Box:
    x: float  # centre
    y: float  # centre

    @property
    def left(self) -> float:
        return self.x - NODE_W / 2

    @property
    def right(self) -> float:
        return self.x + NODE_W / 2

    @property
    def top(self) -> float:
        return self.y - NODE_H / 2

    @property
    def bottom(self) -> float:
        return self.y + NODE_H / 2


@dataclass(frozen=True)
class GraphLayout:
    boxes: dict[str, Box]
    width: float
    height: float


def layout_graph(graph: ComputationGraph) -> GraphLayout:
    """Boxes of every node: leaves, products, then one column per stage of the chain."""
    keys = {n.key for n in graph.nodes}
    products = [n.key for n in graph.nodes if n.kind in ("product", "rest")]
    step = NODE_W + COLUMN_GAP
    boxes: dict[str, Box] = {}
    leaves_x, products_x = MARGIN + NODE_W / 2, MARGIN + NODE_W / 2 + step
    y = TOP + NODE_H / 2
    for key in products:
        if key == "rest":  # no leaves of its own: one slot
            boxes[key] = Box(products_x, y)
            y += LEAF_SLOT
            continue
        k = key[1:]
        boxes[f"x{k}"] = Box(leaves_x, y)
        boxes[f"w{k}"] = Box(leaves_x, y + LEAF_SLOT)
        boxes[key] = Box(products_x, y + LEAF_SLOT / 2)
        y += 2 * LEAF_SLOT
    bottom = y - LEAF_SLOT + NODE_H / 2
    middle = (TOP + bottom) / 2
    x = products_x + step
    if "sum" in keys:
        boxes["sum"] = Box(x, middle)
        # the bias sits below the sum (clear of its running product), its edge rising to z beside the sum's
        boxes["b"] = Box(x, middle + 1.5 * LEAF_SLOT)
        x += step
    for key in ("z", "a", "E"):
        if key in keys:
            boxes[key] = Box(x, middle)
            x += step
    height = max(b.bottom for b in boxes.values()) + BOTTOM
    width = x - step + NODE_W / 2 + MARGIN + 40.0  # room for the loss's running product
    return GraphLayout(boxes, width, height)
