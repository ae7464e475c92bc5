"""What a right-click on the canvas was on: the scene reports it, the app builds the menu.

The scene stays a view (it knows no actions); `app/bindings/context_menu.py` turns a
ContextTarget into a menu of the window's actions, and other parts add their own entries
through that binding's `add_provider` (e.g. "Show Feature Maps" from the inspection views).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPoint, QPointF

from engine.graph import Edge

NODE, EDGE, CANVAS = "node", "edge", "canvas"


@dataclass(frozen=True)
class ContextTarget:
    kind: str  # NODE, EDGE or CANVAS
    scene_pos: QPointF
    screen_pos: QPoint
    node_id: str | None = None
    edge: Edge | None = None
