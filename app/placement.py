"""Where pasted layers land: at the cursor when it is over the canvas, else offset from
the originals, and in both cases moved on until no card covers another (#12 item 10)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QCursor

from engine.layout import free_offset
from widgets.canvas.constants import NODE_HEIGHT, NODE_WIDTH

if TYPE_CHECKING:
    from app.main_window import MainWindow

GAP = 16.0


def record_positions(records: dict[str, Any]) -> list[tuple[float, float]]:
    """Card centres in clipboard records; [] when they are malformed (the paste itself
    then refuses them with its own sentence)."""
    try:
        return [(float(n["position"][0]), float(n["position"][1])) for n in records["nodes"]]
    except (KeyError, IndexError, TypeError, ValueError):
        return []


def paste_shift(window: MainWindow, records: dict[str, Any], offset: float
                ) -> tuple[float, float]:
    group = record_positions(records)
    if not group:
        return (offset, offset)
    others = [n.position for n in window.doc.graph.nodes.values()]
    view = window.view
    cursor = view.viewport().mapFromGlobal(QCursor.pos())
    if view.viewport().rect().contains(cursor) and view.underMouse():
        target = view.mapToScene(cursor)
        cx = sum(x for x, _ in group) / len(group)
        cy = sum(y for _, y in group) / len(group)
        start = (target.x() - cx, target.y() - cy)
        step = (0.0, NODE_HEIGHT + GAP)
    else:
        start, step = (offset, offset), (offset, offset)
    return free_offset(group, others, start, step, NODE_WIDTH + GAP, NODE_HEIGHT + GAP)
