"""Cached QStaticText for rich text drawn many times (labels with subscripts, values)."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFont, QPainter, QStaticText, QTextDocument


@lru_cache(maxsize=8192)
def static_text(html: str, font_key: tuple) -> QStaticText:
    text = QStaticText(html)
    rich = "<" in html or "&" in html
    text.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    text.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
    if rich:  # rich text would wrap at an arbitrary width: give it exactly the width it needs
        doc = QTextDocument()
        doc.setDefaultFont(make_font(font_key))
        doc.setDocumentMargin(0)
        doc.setHtml(html)
        text.setTextWidth(doc.idealWidth() + 1)
    text.prepare(font=make_font(font_key))
    return text


@lru_cache(maxsize=64)
def make_font(key: tuple) -> QFont:
    pixel_size, bold = key
    font = QFont()
    font.setPixelSize(pixel_size)
    font.setBold(bold)
    return font


def draw_text(painter: QPainter, html: str, x: float, y: float, pixel_size: int, bold: bool = False,
              align: str = "center") -> tuple[float, float]:
    """Draw rich text with its centre (or left/right edge) at x and its vertical middle at y;
    returns the text's width and height."""
    key = (pixel_size, bold)
    painter.setFont(make_font(key))
    text = static_text(html, key)
    size = text.size()
    w, h = size.width(), size.height()
    if align == "center":
        left = x - w / 2
    elif align == "right":
        left = x - w
    else:
        left = x
    painter.drawStaticText(QPointF(left, y - h / 2), text)
    return w, h


def text_size(html: str, pixel_size: int, bold: bool = False) -> tuple[float, float]:
    size = static_text(html, (pixel_size, bold)).size()
    return size.width(), size.height()
