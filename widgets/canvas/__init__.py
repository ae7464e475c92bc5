"""The network canvas: a scene mirroring the engine graph, and the view that shows it."""

from widgets.canvas.scene import CanvasScene
from widgets.canvas.view import CanvasView

__all__ = ["CanvasScene", "CanvasView"]
