"""The network view: layout, the edges item, the neurons item and the QGraphicsView around them."""

from .view import NetworkView

__all__ = ["NetworkView"]
