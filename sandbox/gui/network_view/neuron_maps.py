"""Each hidden neuron's output over the input plane, as small images drawn inside its node (TF Playground's idea).

The numbers are the engine's (``training.grid.grid_output``'s hidden maps, which the decision-boundary view shows
too); here they are only coloured, with the decision boundary's colours and scale: orange low, blue high, each map
spanning its own range (0 … max for sigmoid-like outputs, symmetric around 0 for tanh-like ones).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QImage

#: the decision boundary's colours (TF Playground's): orange for negative / low, blue for positive / high
ORANGE, MIDDLE, BLUE = "#f59322", "#e8eaeb", "#0877bd"


def _lut() -> np.ndarray:
    """256 RGB colours from orange through grey to blue (as the decision boundary's colour map)."""
    stops = np.array([QColor(c).getRgb()[:3] for c in (ORANGE, MIDDLE, BLUE)], dtype=float)
    t = np.linspace(0.0, 1.0, 256)
    return np.column_stack([np.interp(t, [0.0, 0.5, 1.0], stops[:, k]) for k in range(3)]).round().astype(np.uint8)


LUT = _lut()


def map_rgb(maps: np.ndarray) -> np.ndarray:
    """(neurons, size, size) outputs → (neurons, size, size, 3) colours, row 0 at the top (the largest x₂)."""
    finite = np.nan_to_num(np.asarray(maps, dtype=float))
    lo, hi = finite.min(axis=(1, 2)), finite.max(axis=(1, 2))
    span = np.maximum(np.maximum(np.abs(lo), np.abs(hi)), 1e-12)[:, None, None]
    scaled = np.where((lo >= 0)[:, None, None], finite / span, 0.5 + 0.5 * finite / span)
    index = np.clip((scaled * 255).astype(np.int32), 0, 255)
    return np.ascontiguousarray(LUT[index[:, ::-1]])


def map_images(maps: np.ndarray) -> list[QImage]:
    """One image per neuron of a layer's (neurons, size, size) maps."""
    rgb = map_rgb(maps)
    if rgb.ndim != 4 or not len(rgb):
        return []
    _, h, w, _ = rgb.shape
    return [QImage(rgb[j].data, w, h, 3 * w, QImage.Format.Format_RGB888).copy() for j in range(len(rgb))]


def image_rgb(image: QImage) -> np.ndarray:
    """An image's pixels as an (h, w, 3) array (what is drawn, for tests)."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w = image.height(), image.width()
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.bytesPerLine() * h)
    return data.reshape(h, image.bytesPerLine())[:, : 3 * w].reshape(h, w, 3).copy()
