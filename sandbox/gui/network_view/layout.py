"""Where everything of a network is drawn: neuron centres, edge end points, bias and target boxes.

Pure geometry in scene coordinates; one column per layer, inputs on the left. Edges are kept in
flat numpy arrays in the engine's order (layer by layer, ``W[j, k]`` row-major), so that edge
``e`` of layer ``l`` is ``weights[l][j, k]`` with ``j, k = divmod(e - offset[l], fan_in)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sandbox.engine import Network

Array = np.ndarray


@dataclass
class Layout:
    sizes: list[int]
    radius: float
    centres: list[Array]          # per file layer: (n, 2)
    column_x: list[float]
    edge_offsets: list[int]       # first edge index of file layer l (l ≥ 1); index 0 unused
    edges: Array                  # (E, 4): x1, y1, x2, y2 from the edge of the source to the target
    edge_layer: Array             # (E,) file layer of the edge's target
    edge_j: Array
    edge_k: Array
    target_centres: Array         # (outputs, 2): the target boxes right of the output layer
    bias_centres: list[Array | None]
    detailed: bool                # small enough to write every weight on its edge
    label_t: Array                # (E,) where along each edge its label sits (0 = source, 1 = target)
    top: float
    bottom: float
    #: detailed, but with too many labels for each to show its old value and gradient all the time:
    #: only the labels of the current step (and the one under the mouse) show everything
    crowded: bool = False
    #: inputs that are an image's pixels, shown collapsed as one picture: (rows, columns), else None
    image: tuple[int, int] | None = None
    #: the picture's left, top, right, bottom (input k's centre is pixel (k // columns, k % columns)'s)
    picture: tuple[float, float, float, float] | None = None

    @property
    def pixel(self) -> float:
        """The side of one pixel of the collapsed input picture (0 without one)."""
        if self.picture is None or self.image is None:
            return 0.0
        return (self.picture[2] - self.picture[0]) / self.image[1]

    def pixel_at(self, x: float, y: float) -> int | None:
        """The input whose pixel of the collapsed picture is at (x, y), or None."""
        if self.picture is None or self.image is None:
            return None
        left, top, right, bottom = self.picture
        if not (left <= x < right and top <= y < bottom):
            return None
        side = self.pixel
        return int((y - top) // side) * self.image[1] + int((x - left) // side)

    @property
    def edge_count(self) -> int:
        return int(self.edges.shape[0])

    def edge_index(self, l: int, j: int, k: int) -> int:
        return self.edge_offsets[l] + j * self.sizes[l - 1] + k

    def label_point(self, e: int, t: float | None = None) -> tuple[float, float]:
        """Where an edge's label goes: a fraction ``t`` of the way from source to target (by default
        the place chosen so that labels do not overlap)."""
        t = float(self.label_t[e]) if t is None else t
        x1, y1, x2, y2 = self.edges[e]
        return x1 + (x2 - x1) * t, y1 + (y2 - y1) * t

    def scene_bounds(self) -> tuple[float, float, float, float]:
        """left, top, right, bottom of everything drawn (with room for the texts)."""
        # (a big layout writes ∂E/∂i1 = … under each input, about 200 px wide, centred on it)
        left = self.column_x[0] - self.radius - (75 if self.radius >= 28 else 50)
        right = float(self.target_centres[:, 0].max()) + (150 if self.radius >= 18 else 75)
        top, bottom = self.top - self.radius - 85, self.bottom + self.radius + 70
        if self.picture is not None:  # the picture, its caption under it
            left = min(left, self.picture[0] - 30)
            top, bottom = min(top, self.picture[1] - 85), max(bottom, self.picture[3] + 60)
        return left, top, right, bottom


def compute_layout(network: Network, image: tuple[int, int] | None = None) -> Layout:
    """Where everything goes; ``image`` (rows, columns): the inputs are drawn as one picture of that shape
    (their centres at its pixels' centres) instead of a column of neurons."""
    sizes = network.sizes
    if image is not None and (len(sizes) < 2 or image[0] * image[1] != sizes[0]):
        image = None
    biggest = max(sizes[1:]) if image is not None else max(sizes)
    edge_count = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    detailed = biggest <= 6 and edge_count <= 48
    if biggest <= 6:
        radius, dx = 34.0, 420.0
        dy = {1: 240.0, 2: 240.0, 3: 200.0, 4: 170.0}.get(biggest, 150.0)
    elif biggest <= 16:
        radius, dy, dx = 18.0, 64.0, 280.0
    else:
        radius, dy, dx = 9.0, 26.0, 240.0
    if not detailed and biggest <= 6:
        dy = 120.0
    if image is not None and radius < 12.0:  # the first layer's nodes hold weight images: as big as they fit
        radius = 12.0
    if len(sizes) > 4:  # deeper networks: columns closer together, so that the whole still reads
        dx = max(dx * 0.5, dx * 4.0 / len(sizes))
    span = (biggest - 1) * dy
    centres: list[Array] = []
    column_x: list[float] = []
    for l, n in enumerate(sizes):
        x = l * dx
        ys = (np.arange(n) - (n - 1) / 2.0) * dy
        centres.append(np.column_stack([np.full(n, x), ys]))
        column_x.append(float(x))
    picture = None
    if image is not None:  # the inputs' centres: the pixels of a picture centred on the input column
        rows, columns = image
        side = max(0.42 * span, 5.0 * radius, 120.0)
        pixel = side / max(rows, columns)
        # its right edge three quarters of a column's width before the first hidden layer
        right, top = dx * 0.25, -pixel * rows / 2.0
        left = right - pixel * columns
        k = np.arange(sizes[0])
        centres[0] = np.column_stack([left + (k % columns + 0.5) * pixel, top + (k // columns + 0.5) * pixel])
        column_x[0] = (left + right) / 2.0
        picture = (left, top, right, -top)

    offsets = [0]
    parts, layer_ids, js, ks = [], [], [], []
    total = 0
    for l in range(1, len(sizes)):
        offsets.append(total)
        src, dst = centres[l - 1], centres[l]
        n_in, n_out = sizes[l - 1], sizes[l]
        jj, kk = np.meshgrid(np.arange(n_out), np.arange(n_in), indexing="ij")
        jj, kk = jj.ravel(), kk.ravel()
        a, b = src[kk], dst[jj]
        d = b - a
        length = np.hypot(d[:, 0], d[:, 1])[:, None]
        u = d / np.where(length == 0, 1, length)
        start = a + u * radius
        if l == 1 and picture is not None:  # from the picture's right edge, at the height of the pixel's row
            start = np.column_stack([np.full(len(kk), picture[2]), a[:, 1]])
        parts.append(np.hstack([start, b - u * radius]))
        layer_ids.append(np.full(jj.size, l))
        js.append(jj)
        ks.append(kk)
        total += jj.size
    edges = np.vstack(parts) if parts else np.zeros((0, 4))
    out = centres[-1]
    target_centres = np.column_stack([out[:, 0] + max(170.0, dx * 0.5), out[:, 1]])
    bias_centres: list[Array | None] = [None]
    for l, layer in enumerate(network.layers, start=1):
        if layer.has_bias:
            c = centres[l]
            if detailed:  # above the neuron, with room for its value beside it
                bias_centres.append(np.column_stack([c[:, 0], c[:, 1] - radius - max(12.0, radius * 0.6)]))
            elif image is not None:  # at the node's left, off its weight image
                bias_centres.append(np.column_stack([c[:, 0] - radius * 1.45, c[:, 1] - radius * 0.55]))
            else:  # tucked at the neuron's upper left
                bias_centres.append(np.column_stack([c[:, 0] - radius * 0.95, c[:, 1] - radius * 0.85]))
        else:
            bias_centres.append(None)
    biases = sum(layer.size for layer in network.layers if layer.has_bias)
    crowded = detailed and edge_count + biases > CROWDED_LABELS
    label_t = (_place_labels(edges, centres, radius, any(c is not None for c in bias_centres)) if detailed
               else np.full(edges.shape[0], 0.5))
    return Layout(
        label_t=label_t, sizes=sizes, radius=radius, centres=centres, column_x=column_x, edge_offsets=offsets,
        edges=edges, edge_layer=np.concatenate(layer_ids) if layer_ids else np.zeros(0, int),
        edge_j=np.concatenate(js) if js else np.zeros(0, int),
        edge_k=np.concatenate(ks) if ks else np.zeros(0, int),
        target_centres=target_centres, bias_centres=bias_centres, detailed=detailed,
        top=-span / 2.0, bottom=span / 2.0, crowded=crowded, image=image, picture=picture,
    )


#: more weight and bias labels than this: compact labels (one line) except for the current step
CROWDED_LABELS = 8
LABEL_BOX = (185.0, 50.0)
LABEL_GAP = 5.0
_CANDIDATES = (0.5, 0.36, 0.64, 0.3, 0.7, 0.43, 0.57)
#: crossing edges meet in the middle: their labels start off-centre, toward the target
_SLOPED = (0.65, 0.72, 0.58, 0.35, 0.28, 0.5, 0.78, 0.22, 0.42)


def _place_labels(edges: Array, centres: list[Array], radius: float, biases: bool) -> Array:
    """Greedy placement, then a few rounds of improvement: each label takes the spot along its edge
    that overlaps least with the other labels (kept ``LABEL_GAP`` apart) and with the neurons."""
    w, h = LABEL_BOX
    obstacles = [(x - radius - 16, y - radius - 8, x + radius + 16, y + radius + 36)
                 for c in centres for x, y in c.tolist()]
    obstacles += [(x - 95, y + radius + 30, x + 95, y + radius + 58) for c in centres[1:] for x, y in c.tolist()]
    if biases:  # the bias square above each neuron and its value beside it
        obstacles += [(x - 14, y - radius - 40, x + 130, y - radius) for c in centres[1:] for x, y in c.tolist()]
    result = np.full(edges.shape[0], 0.5)
    boxes: dict[int, tuple[float, float, float, float]] = {}
    slope = np.abs(edges[:, 3] - edges[:, 1]) / np.maximum(np.abs(edges[:, 2] - edges[:, 0]), 1e-9)
    order = np.argsort(slope, kind="stable").tolist()

    def box_at(e: int, t: float) -> tuple[float, float, float, float]:
        x1, y1, x2, y2 = edges[e].tolist()
        cx, cy = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
        return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)

    def place(e: int) -> None:
        candidates = _CANDIDATES if slope[e] < 0.05 else _SLOPED
        best, best_cost = candidates[0], None
        for t in candidates:
            box = box_at(e, t)
            wide = (box[0] - LABEL_GAP, box[1] - LABEL_GAP, box[2] + LABEL_GAP, box[3] + LABEL_GAP)
            cost = sum(_overlap(wide, other) for f, other in boxes.items() if f != e)
            cost += 2.0 * sum(_overlap(box, o) for o in obstacles)
            cost += abs(t - candidates[0]) * 10.0  # prefer the first spot when it is free
            if best_cost is None or cost < best_cost:
                best, best_cost = t, cost
        result[e] = best
        boxes[e] = box_at(e, best)

    for e in order:
        place(e)
    for _ in range(3):  # earlier labels move aside for later ones
        for e in order:
            place(e)
    return result


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    dx = min(a[2], b[2]) - max(a[0], b[0])
    dy = min(a[3], b[3]) - max(a[1], b[1])
    return dx * dy if dx > 0 and dy > 0 else 0.0
