"""Mouse modes of the canvas, one small class each. The scene starts one on a press,
forwards moves to it and ends it on release or Escape; a mode changes only view state
(positions during a drag, the selection, previews) and reports the user's intent through
the scene's signals, which the app turns into undoable document edits.

Also the message bubble, the feedback that explains a refused link.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QStyleOptionGraphicsItem, QWidget

from engine.graph import Edge
from engine.layers import UnknownLayerError, get_spec
from widgets.canvas.constants import (
    DRAG_THRESHOLD,
    GRID_STEP,
    MESSAGE_PX,
    Z_GHOST,
    Z_MESSAGE,
    Z_RUBBER_BAND,
    Colours,
)
from widgets.canvas.edge_item import EdgeItem, LinkPreviewItem
from widgets.canvas.node_item import IN, OUT, NodeItem

if TYPE_CHECKING:
    from widgets.canvas.scene import CanvasScene

_BUBBLE_WIDTH = 340


def snap(pos: QPointF, on: bool) -> QPointF:
    if not on:
        return QPointF(pos)
    return QPointF(round(pos.x() / GRID_STEP) * GRID_STEP, round(pos.y() / GRID_STEP) * GRID_STEP)


class Mode:
    """What every mode answers to. The default release simply ends the mode."""

    def move(self, pos: QPointF) -> None:
        pass

    def release(self, pos: QPointF) -> None:
        self.cancel()

    def cancel(self) -> None:
        pass


class MoveMode(Mode):
    """Drags the selected nodes together; one nodesMoved at release, with old and new
    centres, so the whole drag is a single undo step."""

    def __init__(self, scene: CanvasScene, anchor: NodeItem, press: QPointF) -> None:
        self.scene = scene
        self.anchor = anchor
        self.press = QPointF(press)
        items = [i for i in scene.node_items.values() if i.isSelected()]
        self.items = items or [anchor]
        self.start = {i.node_id: QPointF(i.pos()) for i in self.items}
        self.started = False

    def move(self, pos: QPointF) -> None:
        delta = pos - self.press
        if not self.started and delta.manhattanLength() < DRAG_THRESHOLD:
            return  # a click, not a drag: do not nudge the node by a pixel
        self.started = True
        anchor_start = self.start[self.anchor.node_id]
        delta = snap(anchor_start + delta, self.scene.snap_to_grid) - anchor_start
        for item in self.items:
            item.setPos(self.start[item.node_id] + delta)

    def release(self, pos: QPointF) -> None:
        moves = {}
        for item in self.items:
            old, new = self.start[item.node_id], item.pos()
            if old != new:
                moves[item.node_id] = ((old.x(), old.y()), (new.x(), new.y()))
        if moves:
            self.scene.nodesMoved.emit(moves)

    def cancel(self) -> None:
        for item in self.items:
            item.setPos(self.start[item.node_id])


class RubberBandMode(Mode):
    """Selects the nodes a dragged rectangle touches (added to the selection with Ctrl/Shift)."""

    def __init__(self, scene: CanvasScene, press: QPointF, additive: bool) -> None:
        self.scene = scene
        self.press = QPointF(press)
        self.base = set(scene.selected_ids()) if additive else set()
        self.rect = QGraphicsRectItem()
        c = scene.colours
        self.rect.setPen(QPen(c.accent, 0))  # cosmetic: one device pixel at any zoom
        self.rect.setBrush(c.rubber_fill)
        self.rect.setZValue(Z_RUBBER_BAND)
        self.rect.setVisible(False)
        scene.addItem(self.rect)
        if not additive:
            scene.clearSelection()

    def move(self, pos: QPointF) -> None:
        area = QRectF(self.press, pos).normalized()
        self.rect.setRect(area)
        self.rect.setVisible(True)
        hits = {i.node_id for i in self.scene.items(area) if isinstance(i, NodeItem)}
        self.scene.select_ids(sorted(self.base | hits))

    def release(self, pos: QPointF) -> None:
        self.cancel()

    def cancel(self) -> None:
        self.scene.removeItem(self.rect)


class LinkDragMode(Mode):
    """Drags a new link. Started on an output port it looks for an input port; started on a
    free input port it looks for an output. Started on a connected input port it picks up
    that link's end: dropped elsewhere it reconnects, dropped on empty canvas it disconnects.
    """

    def __init__(self, scene: CanvasScene, node: NodeItem, kind: str, port: int) -> None:
        self.scene = scene
        self.picked: EdgeItem | None = None
        if kind == IN:
            self.picked = next((e for e in scene.edge_items.values()
                                if e.target_item is node and e.edge.port == port), None)
        if self.picked is not None:
            # Carry the existing link's end: from now on this is a drag from its source.
            self.picked.setVisible(False)
            node, kind, port = self.picked.source_item, OUT, 0
        self.node, self.kind, self.port = node, kind, port
        self.target: tuple[NodeItem, int] | None = None
        self.preview = LinkPreviewItem(scene.colours)
        scene.addItem(self.preview)
        self.move(self.anchor())

    def anchor(self) -> QPointF:
        if self.kind == OUT:
            return self.node.output_port_pos()
        return self.node.input_port_pos(self.port)

    def _link(self, other: NodeItem, other_port: int) -> tuple[str, str, int]:
        if self.kind == OUT:
            return self.node.node_id, other.node_id, other_port
        return other.node_id, self.node.node_id, self.port

    def _find_target(self, pos: QPointF) -> tuple[NodeItem, int] | None:
        item = self.scene.node_at(pos)
        if item is None or item is self.node:
            return None
        if self.kind == IN:
            return item, 0
        hit = item.port_at(pos)
        port = hit[1] if hit is not None and hit[0] == IN else item.nearest_input(pos)
        return None if port is None else (item, port)

    def _reason(self, source: str, target: str, port: int) -> str | None:
        if self.picked is not None and self.picked.edge == Edge(source, target, port):
            return None  # dropping the picked-up end back where it was is fine
        check = self.scene.connect_check
        return None if check is None else check(source, target, port)

    def move(self, pos: QPointF) -> None:
        found = self._find_target(pos)
        if found != self.target:
            self._set_highlight(None)
            self.target = found
        ok: bool | None = None
        end = pos
        if found is not None:
            other, other_port = found
            reason = self._reason(*self._link(other, other_port))
            ok = reason is None
            self._set_highlight(ok)
            if self.kind == OUT:
                end = other.input_port_pos(other_port)
            else:
                end = other.output_port_pos()
            if reason is not None and self.scene.message_text() != reason:
                self.scene.show_message(reason, pos)
        if self.kind == OUT:
            self.preview.set_ends(self.anchor(), end, ok)
        else:
            self.preview.set_ends(end, self.anchor(), ok)

    def _set_highlight(self, ok: bool | None) -> None:
        if self.target is None:
            return
        item, port = self.target
        if ok is None:
            item.set_port_highlight(None)
        else:
            item.set_port_highlight(IN if self.kind == OUT else OUT, port if self.kind == OUT else 0, ok)

    def release(self, pos: QPointF) -> None:
        self.move(pos)
        target = self.target
        picked = self.picked
        self.cancel()
        if target is None:
            if picked is not None:
                self.scene.edgesDeleteRequested.emit([picked.edge])
            return
        source, dest, port = self._link(*target)
        if picked is not None:
            if picked.edge != Edge(source, dest, port):
                self.scene.reconnectRequested.emit(picked.edge, source, dest, port)
            return
        self.scene.connectRequested.emit(source, dest, port)

    def cancel(self) -> None:
        self._set_highlight(None)
        if self.picked is not None and self.picked.scene() is not None:
            self.picked.setVisible(True)
        if self.preview.scene() is not None:
            self.scene.removeItem(self.preview)


class PaletteDropMode:
    """A layer dragged in from the palette: a translucent card follows the cursor (snapped,
    with the id it will get), and the drop asks for a node there."""

    def __init__(self, scene: CanvasScene) -> None:
        self.scene = scene
        self.type_id: str | None = None
        self.ghost: NodeItem | None = None

    def enter(self, type_id: str, pos: QPointF) -> bool:
        """Start previewing; False if the payload is not a known layer type."""
        try:
            spec = get_spec(type_id)
        except UnknownLayerError:
            return False
        self.leave()
        self.type_id = spec.type_id
        node_id = self.scene.graph.new_id(spec.type_id) if self.scene.graph is not None else ""
        self.ghost = NodeItem(node_id, spec.type_id, spec.defaults(), self.scene.colours, ghost=True)
        self.ghost.setZValue(Z_GHOST)
        self.scene.addItem(self.ghost)
        self.move(pos)
        return True

    def move(self, pos: QPointF) -> None:
        if self.ghost is not None:
            self.ghost.setPos(snap(pos, self.scene.snap_to_grid))

    def leave(self) -> None:
        if self.ghost is not None and self.ghost.scene() is not None:
            self.scene.removeItem(self.ghost)
        self.ghost = None

    def drop(self, pos: QPointF) -> None:
        type_id = self.type_id
        self.leave()
        self.type_id = None
        if type_id is not None:
            self.scene.nodeDropped.emit(type_id, snap(pos, self.scene.snap_to_grid))


# ---- feedback the modes show ----------------------------------------------------------
class MessageBubble(QGraphicsItem):
    """A transient note near the cursor (why a link was refused). It ignores the zoom so it
    stays readable; the scene hides it again after a few seconds."""

    def __init__(self, colours: Colours) -> None:
        super().__init__()
        self._colours = colours
        self._text = ""
        self._rect = QRectF()
        self._font = QFont()
        self._font.setPixelSize(MESSAGE_PX)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setZValue(Z_MESSAGE)
        self.setVisible(False)

    def text(self) -> str:
        return self._text

    def set_colours(self, colours: Colours) -> None:
        self._colours = colours
        self.update()

    def show_text(self, text: str, pos: QPointF) -> None:
        self.prepareGeometryChange()
        self._text = text
        flags = int(Qt.TextFlag.TextWordWrap)
        box = QFontMetricsF(self._font).boundingRect(QRectF(0, 0, _BUBBLE_WIDTH, 1000), flags, text)
        # Below-right of the cursor, clear of the pointer itself.
        self._rect = QRectF(14, 16, box.width() + 20, box.height() + 14)
        self.setPos(pos)
        self.setVisible(True)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        c = self._colours
        painter.setPen(QPen(c.error, 1.0))
        painter.setBrush(c.message_fill)
        painter.drawRoundedRect(self._rect, 6, 6)
        painter.setFont(self._font)
        painter.setPen(c.message_text)
        painter.drawText(self._rect.adjusted(10, 7, -10, -7), int(Qt.TextFlag.TextWordWrap), self._text)
