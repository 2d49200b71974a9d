"""Colour maps of images: weights on a diverging scale (the view's weight colours), pixels in grey.

The numbers are the network's own (a first-layer neuron's weight row, reshaped to the image's rows and
columns; the sample's input values); here they are only coloured. The weight scale is symmetric about 0
and shared by the layer's neurons, so the same colour means the same weight in every image:
``palette.NEGATIVE`` (orange) below zero, white at zero, ``palette.POSITIVE`` (blue) above, as the
network view colours its edges.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QImage

from sandbox.gui.common import palette

#: the middle of the weight scale (zero): white
ZERO = "#ffffff"
#: the grey scale of pixels: the smallest value is paper, the largest ink
PAPER, INK = "#ffffff", "#111827"


def _ramp(colours: tuple[str, ...], at: tuple[float, ...] | None = None, size: int = 256) -> np.ndarray:
    """``size`` RGB colours through ``colours`` at the fractions ``at`` (even steps by default)."""
    stops = np.array([QColor(c).getRgb()[:3] for c in colours], dtype=float)
    at = np.linspace(0.0, 1.0, len(colours)) if at is None else np.asarray(at, dtype=float)
    t = np.linspace(0.0, 1.0, size)
    return np.column_stack([np.interp(t, at, stops[:, k]) for k in range(3)]).round().astype(np.uint8)


#: weights: −span … 0 … +span → dark orange, orange … white … blue, dark blue (the darker ends keep the largest
#: weights apart from the middling ones); 255 steps, so that zero has one of its own (index ``MIDDLE``), white
WEIGHT_LUT = _ramp((palette.NEGATIVE.darker(170).name(), palette.NEGATIVE.name(), ZERO, palette.POSITIVE.name(),
                    palette.POSITIVE.darker(170).name()), (0.0, 0.2, 0.5, 0.8, 1.0), size=255)
MIDDLE = 127
#: the weight scale ends at this percentile of the layer's |w|: a few outliers do not wash the rest out
SPAN_PERCENTILE = 98.0
#: pixels: low … high → white … near black
GREY_LUT = _ramp((PAPER, INK))


def weight_images(weights: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A layer's (neurons, rows·columns) weight matrix as (neurons, rows, columns): row ``j`` of the matrix
    reshaped row by row (input k is pixel (k // columns, k % columns)). No number changes."""
    rows, columns = shape
    w = np.asarray(weights, dtype=float)
    return w.reshape(w.shape[0], rows, columns)


def weight_span(weights: np.ndarray) -> float:
    """Half the width of the symmetric scale: the ``SPAN_PERCENTILE``th percentile of the layer's finite |w|
    (larger weights get the end colours), the largest |w| when that is 0, and 1 when there is none."""
    finite = np.abs(np.asarray(weights, dtype=float))
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return 1.0
    top = float(np.percentile(finite, SPAN_PERCENTILE)) or float(finite.max())
    return top if top > 0 else 1.0


def weight_index(values: np.ndarray, span: float) -> np.ndarray:
    """The colour index (0 … 254) of each weight on the −span … +span scale (NaN: the middle, zero)."""
    v = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0, posinf=span, neginf=-span)
    return np.clip(np.rint(MIDDLE + MIDDLE * v / span), 0, 2 * MIDDLE).astype(np.int32)


def weight_rgb(images: np.ndarray, span: float) -> np.ndarray:
    """(…, rows, columns) weights → (…, rows, columns, 3) colours on the symmetric scale."""
    return np.ascontiguousarray(WEIGHT_LUT[weight_index(images, span)])


def weight_of_rgb(rgb: np.ndarray, span: float) -> np.ndarray:
    """The weight a colour of the scale stands for (the middle of its step): for tests and tooltips."""
    flat = np.asarray(rgb, dtype=int).reshape(-1, 3)
    index = np.argmin(((flat[:, None, :] - WEIGHT_LUT[None, :, :].astype(int)) ** 2).sum(axis=2), axis=1)
    return ((index - MIDDLE) / MIDDLE * span).reshape(np.asarray(rgb).shape[:-1])


def grey_rgb(pixels: np.ndarray, low: float, high: float) -> np.ndarray:
    """(rows, columns) input values → (rows, columns, 3) grey: ``low`` white, ``high`` near black (NaN white)."""
    v = np.nan_to_num(np.asarray(pixels, dtype=float), nan=low, posinf=high, neginf=low)
    scale = (high - low) or 1.0
    index = np.clip(np.rint((v - low) / scale * 255), 0, 255).astype(np.int32)
    return np.ascontiguousarray(GREY_LUT[index])


def grey_range(inputs: np.ndarray) -> tuple[float, float]:
    """The grey scale's ends for a data set's inputs: 0 … 1 when they lie within it, else their own range."""
    x = np.asarray(inputs, dtype=float)
    x = x[np.isfinite(x)]
    if not x.size:
        return 0.0, 1.0
    low, high = min(0.0, float(x.min())), max(1.0, float(x.max()))
    return low, high


def qimage(rgb: np.ndarray) -> QImage:
    """An (h, w, 3) uint8 array as a QImage that owns its pixels."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def weight_qimages(weights: np.ndarray, shape: tuple[int, int], span: float | None = None) -> list[QImage]:
    """One rows×columns image per neuron of a first layer's weight matrix, on one symmetric scale."""
    images = weight_images(weights, shape)
    rgb = weight_rgb(images, weight_span(weights) if span is None else span)
    return [qimage(rgb[j]) for j in range(rgb.shape[0])]
