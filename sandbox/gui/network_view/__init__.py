"""The network view: layout, the edges item, the neurons item and the QGraphicsView around them."""

from sandbox.gui.network_view.view import NetworkView

__all__ = ["NetworkView"]
